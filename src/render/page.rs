//! Rendering a site page (`pages/*.md`): its Markdown as HTML, escaped and
//! made safe exactly like notes and Markdown originals (raw HTML only with
//! `allow_raw_html`, no script-capable URLs).

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag};
use serde::Serialize;

use super::blocks::markdown_options;
use super::highlight::Highlighter;
use super::markdown::{MarkdownStyle, plain_text_of, render_note};
use crate::config::SiteConfig;
use crate::content::SitePage;

/// What `page.html` shows of a page (as `text`).
#[derive(Debug, Clone, Serialize)]
pub struct SitePageView {
    /// The page's title.
    pub title: String,
    /// Its slug (it is published at `<slug>/`).
    pub slug: String,
    /// When it last changed in substance (YYYY-MM-DD; templates: `| human_date`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// Its text, as HTML.
    pub html: String,
    /// The meta description: the front matter's, or the start of the text.
    pub description: String,
    /// Whether the text has highlighted code (the page then links the code stylesheet).
    pub has_code: bool,
}

/// How long a description made from a page's text may be, in characters.
const DESCRIPTION_CHARS: usize = 160;

/// Renders a page. Its title is the page's `<h1>`: when the text has `#`
/// headings of its own, every heading moves down a level so that they are
/// sections of the page, not rivals of its title.
pub fn site_page_view(
    page: &SitePage,
    config: &SiteConfig,
    highlighter: &Highlighter,
) -> SitePageView {
    let has_h1 = Parser::new_ext(&page.body, markdown_options()).any(|ev| {
        matches!(
            ev,
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            })
        )
    });
    let style = MarkdownStyle {
        allow_raw_html: config.allow_raw_html,
        heading_shift: u8::from(has_h1),
        id_prefix: "",
        highlighter,
        // A page is published at `<slug>/`, the depth of an edition page, for
        // which relative links are written.
        relative_prefix: "",
    };
    let html = render_note(&page.body, &style);
    let description = page.description.clone().unwrap_or_else(|| {
        let text = plain_text_of(&page.body);
        if text.chars().count() <= DESCRIPTION_CHARS {
            text
        } else {
            let cut: String = text.chars().take(DESCRIPTION_CHARS - 1).collect();
            format!("{}…", cut.trim_end())
        }
    });
    SitePageView {
        title: page.title.clone(),
        slug: page.slug.clone(),
        updated: page.updated.clone(),
        has_code: html.contains("<pre class=\"code\">"),
        html,
        description,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn page(body: &str) -> SitePage {
        SitePage {
            slug: "about".into(),
            title: "About".into(),
            description: None,
            footer: true,
            updated: None,
            body: body.into(),
            path: PathBuf::from("pages/about.md"),
            slug_at: crate::diagnostics::Location::file_only(std::path::Path::new("x")),
        }
    }

    fn config(raw: bool) -> SiteConfig {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.yaml"),
            format!("title: T\nbase_url: https://e.org/\nallow_raw_html: {raw}\n"),
        )
        .unwrap();
        SiteConfig::load(dir.path(), &mut crate::diagnostics::Diagnostics::new()).unwrap()
    }

    #[test]
    fn headings_become_sections_and_raw_html_needs_the_opt_in() {
        let h = Highlighter::new();
        let body =
            "# Method\n\n## Evidence\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n";
        let v = site_page_view(&page(body), &config(false), &h);
        assert!(v.html.contains("<h2>Method</h2>"), "{}", v.html);
        assert!(v.html.contains("<h3>Evidence</h3>"), "{}", v.html);
        assert!(!v.html.contains("<script>"), "{}", v.html);
        assert!(v.html.contains("&lt;script&gt;"), "{}", v.html);
        assert!(!v.html.contains("javascript:"), "{}", v.html);
        assert!(v.html.contains("<p>x</p>"), "{}", v.html);
        assert_eq!(v.description, "Method Evidence x");
        // Sections written as `##` stay `<h2>`.
        let v = site_page_view(&page("## Evidence\n"), &config(false), &h);
        assert!(v.html.contains("<h2>Evidence</h2>"), "{}", v.html);
        // With the site's opt-in, raw HTML gets through as for notes.
        let v = site_page_view(&page("<abbr title=\"x\">X</abbr>\n"), &config(true), &h);
        assert!(v.html.contains("<abbr title=\"x\">X</abbr>"), "{}", v.html);
    }
}
