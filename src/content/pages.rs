//! Site pages: the Markdown files of `pages/` (a methodology, a corrections
//! policy, an about page), each published at `<slug>/` through the theme's
//! `page.html`. A page starts with a YAML front matter block between `---`
//! lines (`title`, and optionally `slug`, `description`, `footer`,
//! `updated`), followed by its text in Markdown.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::discover::{check_path_inside, check_symlink};
use super::validate::{RESERVED_SLUGS, is_valid_date, is_valid_slug, slugify};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::source::SourceFile;
use crate::yaml::{self, Scalar, Schema, value_location};

/// The folder of the site's pages, under the site root.
pub const PAGES_DIR: &str = "pages";

/// Schema of a page's front matter.
pub const PAGE_SCHEMA: Schema = Schema {
    what: "page front matter",
    keys: &["title", "slug", "description", "footer", "updated"],
    required: &["title"],
    example: "---\ntitle: \"Methodology and corrections policy\"\nslug: methodology\nfooter: true\n---",
};

/// One page of `pages/`.
#[derive(Debug, Clone)]
pub struct SitePage {
    /// Where it is published (`<slug>/`).
    pub slug: String,
    /// Its title (the page's `<h1>`).
    pub title: String,
    /// One sentence for meta tags (otherwise the start of the text).
    pub description: Option<String>,
    /// Linked from the footer of every page.
    pub footer: bool,
    /// When the page last changed in substance (YYYY-MM-DD).
    pub updated: Option<String>,
    /// The text after the front matter, in Markdown.
    pub body: String,
    /// The file.
    pub path: PathBuf,
    /// Where the slug comes from: the `slug` value, or the file.
    pub slug_at: Location,
}

#[derive(Debug, Deserialize)]
struct FrontMatter {
    title: Scalar,
    slug: Option<Scalar>,
    description: Option<String>,
    #[serde(default)]
    footer: bool,
    updated: Option<Scalar>,
}

/// Loads every page of `pages/` (a missing folder is no pages), sorted by
/// file name, which is the order of the footer's links. Files that are not
/// pages are reported as warnings; a page with errors is reported and left out.
pub fn load_pages(root: &Path, out: &mut Diagnostics) -> Vec<SitePage> {
    let dir = root.join(PAGES_DIR);
    if let Err(d) = check_path_inside(root, &dir) {
        out.push(d);
        return Vec::new();
    }
    if !dir.is_dir() {
        return Vec::new();
    }
    let walker = walkdir::WalkDir::new(&dir)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name();
    let mut pages: Vec<SitePage> = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.push(
                    Diagnostic::error(Code::Io, format!("cannot read {}: {e}", dir.display()))
                        .at(Location::file_only(&dir)),
                );
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path().to_path_buf();
        if name.starts_with('.') {
            continue;
        }
        if entry.path_is_symlink()
            && let Err(d) = check_symlink(root, &path)
        {
            out.push(d);
            continue;
        }
        if !path.is_file() || !name.ends_with(".md") {
            out.push(
                Diagnostic::warning(
                    Code::StrayFile,
                    format!("`{name}` in pages/ is not a Markdown page; ignored"),
                )
                .at(Location::file_only(&path))
                .help("each page is a file `pages/<name>.md`: front matter between `---` lines, then Markdown"),
            );
            continue;
        }
        let Some(file) = out.ok(SourceFile::read(&path)) else {
            continue;
        };
        let Some(page) = parse_page(&file, out) else {
            continue;
        };
        if let Some(first) = pages.iter().find(|p| p.slug == page.slug) {
            out.push(
                Diagnostic::error(
                    Code::PageSlugTaken,
                    format!("two pages would be published at `{}/`", page.slug),
                )
                .at(page.slug_at.clone())
                .label("second page")
                .related(first.slug_at.clone(), "first page")
                .help("give one of them another `slug` in its front matter"),
            );
            continue;
        }
        pages.push(page);
    }
    pages
}

/// Parses an already-read page: its front matter, checked like any YAML
/// file of emend (every error located in the page), and its Markdown.
pub fn parse_page(file: &SourceFile, out: &mut Diagnostics) -> Option<SitePage> {
    out.checked(|out| parse_page_fields(file, out))
}

/// The end of the line starting at `start` and the start of the next one.
fn line_at(text: &str, start: usize) -> (usize, usize) {
    match text[start..].find('\n') {
        Some(i) => (start + i, start + i + 1),
        None => (text.len(), text.len()),
    }
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

fn parse_page_fields(file: &SourceFile, out: &mut Diagnostics) -> Option<SitePage> {
    let text = &file.text;
    let (first_end, body_start) = line_at(text, 0);
    if !is_fence(&text[..first_end]) {
        out.push(
            Diagnostic::error(
                Code::BadFrontMatter,
                "page does not start with front matter (a `---` line)",
            )
            .at(file.location(0..first_end))
            .label("expected `---`")
            .help(format!(
                "start the page with its title between `---` lines, like:\n{}",
                PAGE_SCHEMA.example
            )),
        );
        return None;
    }
    // The closing fence: the next line that is `---` alone.
    let mut at = body_start;
    let closing = loop {
        if at >= text.len() {
            break None;
        }
        let (end, next) = line_at(text, at);
        if is_fence(&text[at..end]) {
            break Some((at, next));
        }
        at = next;
    };
    let Some((fm_end, body_start)) = closing else {
        out.push(
            Diagnostic::error(
                Code::BadFrontMatter,
                "the page's front matter is not closed",
            )
            .at(file.location(0..first_end))
            .label("opened here")
            .help("end the front matter with a line `---`, then write the page's text"),
        );
        return None;
    };
    if text[first_end..fm_end].trim().is_empty() {
        out.push(
            Diagnostic::error(Code::BadFrontMatter, "the page's front matter is empty")
                .at(file.location(0..first_end))
                .help(format!(
                    "it needs at least a `title`, like:\n{}",
                    PAGE_SCHEMA.example
                )),
        );
        return None;
    }
    // The front matter as a file of its own that is a prefix of the page: every
    // position in it is the same as in the page.
    let front = SourceFile::from_bytes(&file.path, text.as_bytes()[..fm_end].to_vec()).ok()?;
    let (raw, node) = yaml::load_map::<FrontMatter>(&front, &PAGE_SCHEMA, out)?;
    let node = node.as_ref();
    let title = raw.title.into_string();
    if title.trim().is_empty() {
        out.push(
            Diagnostic::error(Code::EmptyTitle, "the page's `title` is empty")
                .at(value_location(&front, node, "title")),
        );
    }
    let (slug, slug_at) = match raw.slug {
        Some(s) => (s.into_string(), value_location(&front, node, "slug")),
        None => {
            let stem = file
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            // The front matter's opening line stands for the file name.
            (stem, file.location(0..first_end))
        }
    };
    let given = node.and_then(|n| n.get("slug")).is_some();
    if !is_valid_slug(&slug) {
        let suggestion = slugify(&slug);
        let mut d = Diagnostic::error(Code::BadSlug, format!("`{slug}` is not a valid page slug"))
            .at(slug_at.clone())
            .note("slugs become URLs: use only lowercase letters a-z, digits 0-9 and hyphens (`[a-z0-9-]+`)");
        if !suggestion.is_empty() {
            d = d.help(if given {
                format!("write `slug: {suggestion}`")
            } else {
                format!("add `slug: {suggestion}` to the front matter, or rename the file")
            });
        }
        out.push(d);
    } else if RESERVED_SLUGS.contains(&slug.as_str()) {
        out.push(
            Diagnostic::error(
                Code::ReservedSlug,
                format!("`{slug}` is reserved for a page emend generates"),
            )
            .at(slug_at.clone())
            .help(format!(
                "choose another `slug`; reserved: {}",
                RESERVED_SLUGS.join(", ")
            )),
        );
    }
    let updated = raw.updated.map(Scalar::into_string);
    if let Some(day) = &updated
        && !is_valid_date(day)
    {
        out.push(
            Diagnostic::error(Code::BadDate, format!("`updated: {day}` is not a date"))
                .at(value_location(&front, node, "updated"))
                .help("write dates as YYYY-MM-DD: the day the page last changed in substance"),
        );
    }
    Some(SitePage {
        slug,
        title,
        description: raw.description.filter(|d| !d.trim().is_empty()),
        footer: raw.footer,
        updated,
        body: text[body_start..].to_string(),
        path: file.path.clone(),
        slug_at,
    })
}

/// Reports and leaves out the pages that would be published where an
/// article is (`content/<slug>/`).
pub fn check_against_articles(
    pages: &mut Vec<SitePage>,
    articles: &[PathBuf],
    out: &mut Diagnostics,
) {
    pages.retain(|page| {
        let Some(dir) = articles
            .iter()
            .find(|d| d.file_name().is_some_and(|n| *n == *page.slug))
        else {
            return true;
        };
        {
            out.push(
                Diagnostic::error(
                    Code::PageSlugTaken,
                    format!(
                        "page `{}` would be published at `{}/`, where an article is",
                        crate::diagnostics::display_path(&page.path),
                        page.slug
                    ),
                )
                .at(page.slug_at.clone())
                .label(format!("published at `{}/`", page.slug))
                .note(format!(
                    "the article is {}",
                    crate::diagnostics::display_path(dir)
                ))
                .help("give the page another `slug` in its front matter"),
            );
        }
        false
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<SitePage>, Vec<Diagnostic>) {
        let file =
            SourceFile::from_bytes(Path::new("pages/about.md"), text.as_bytes().to_vec()).unwrap();
        let mut out = Diagnostics::new();
        let page = parse_page(&file, &mut out);
        (page, out.into_vec())
    }

    #[test]
    fn reads_front_matter_and_body() {
        let (page, out) = parse(
            "---\ntitle: \"How we work\"\nslug: methodology\nfooter: true\nupdated: 2026-12-07\n---\n# Method\n\nText.\n",
        );
        assert!(out.is_empty(), "{out:?}");
        let page = page.unwrap();
        assert_eq!(
            (page.title.as_str(), page.slug.as_str(), page.footer),
            ("How we work", "methodology", true)
        );
        assert_eq!(page.updated.as_deref(), Some("2026-12-07"));
        assert_eq!(page.body, "# Method\n\nText.\n");
        // Without `slug`, the file name is the slug.
        let (page, out) = parse("---\r\ntitle: About\r\n---\r\nText.");
        assert!(out.is_empty(), "{out:?}");
        let page = page.unwrap();
        assert_eq!((page.slug.as_str(), page.body.as_str()), ("about", "Text."));
        assert!(!page.footer);
    }

    #[test]
    fn front_matter_errors_are_located_in_the_page() {
        let found = |text: &str| -> Vec<(String, usize, usize)> {
            let (page, out) = parse(text);
            assert!(page.is_none());
            out.iter()
                .map(|d| {
                    let l = d.location.as_ref().unwrap();
                    (d.code.to_string(), l.line, l.column)
                })
                .collect()
        };
        assert_eq!(found("# About\n"), [("bad-front-matter".into(), 1, 1)]);
        assert_eq!(
            found("---\ntitle: About\n# About\n"),
            [("bad-front-matter".into(), 1, 1)]
        );
        assert_eq!(found("---\n---\nText"), [("bad-front-matter".into(), 1, 1)]);
        assert_eq!(
            found("---\ntitle: About\ntitel: x\nslug: About Us\nupdated: soon\n---\nText\n"),
            [
                ("unknown-key".into(), 3, 1),
                ("bad-slug".into(), 4, 7),
                ("bad-date".into(), 5, 10)
            ]
        );
        assert_eq!(found("---\nslug: x\n---\n"), [("missing-key".into(), 2, 1)]);
        assert_eq!(
            found("---\ntitle: T\nslug: glossary\nfooter: sometimes\n---\n"),
            [("wrong-type".into(), 4, 9)]
        );
        assert_eq!(
            found("---\ntitle: T\nslug: glossary\n---\n"),
            [("reserved-slug".into(), 3, 7)]
        );
    }
}
