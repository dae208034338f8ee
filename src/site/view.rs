//! What every template sees: the typed contexts of the theme's templates.
//! These structs are the contract between emend and a theme (documented
//! field by field in `docs/themes.md`): each template gets `site`, `page` and
//! `t` (the strings table), plus its own data.

use serde::Serialize;

use crate::config::{Contact, Exports, SiteConfig};
use crate::content::SitePage;
use crate::outputs::ArticleEntry;
use crate::outputs::cite::CiteView;
use crate::outputs::glossary::GlossaryView;
use crate::outputs::sitemap::SitemapUrl;
use crate::render::page::SitePageView;
use crate::render::{ArticleInfo, KindCount, MetaHtml, NoteLink, NoteView, RowView};
use crate::theme::Strings;

/// The site-wide values every template sees as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// Site title.
    pub title: String,
    /// Site description.
    pub description: String,
    /// Absolute base URL (ends with `/`).
    pub base_url: String,
    /// Site language.
    pub language: String,
    /// Publisher.
    pub publisher: Option<String>,
    /// Which exports the site publishes: `texts`, `edition_json`,
    /// `annotations`, `editions_json` (each `true` or `false`).
    pub exports: Exports,
    /// The pages linked from every page's footer (`footer: true`), in file name order.
    pub footer_links: Vec<FooterLink>,
    /// Where readers report an error (`contact` in `site.yaml`).
    pub contact: Option<Contact>,
}

/// A link in the footer of every page: a site page.
#[derive(Debug, Clone, Serialize)]
pub struct FooterLink {
    /// The page's title.
    pub title: String,
    /// Its site path (`methodology/`): link it as `{{ page.root }}{{ path }}{{ page.index }}`.
    pub path: String,
}

impl SiteView {
    /// The `site` value of a configuration and its pages.
    pub fn new(config: &SiteConfig, pages: &[SitePage]) -> SiteView {
        SiteView {
            title: config.title.clone(),
            description: config.description.clone(),
            base_url: config.base_url.clone(),
            language: config.language.clone(),
            publisher: config.publisher.clone(),
            exports: config.exports,
            footer_links: pages
                .iter()
                .filter(|p| p.footer)
                .map(|p| FooterLink {
                    title: p.title.clone(),
                    path: format!("{}/", p.slug),
                })
                .collect(),
            contact: config.contact.clone(),
        }
    }
}

/// Which page a template renders (`page.kind`, and the `<body>` class).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PageKind {
    /// The home page.
    #[serde(rename = "index")]
    Index,
    /// An edition, side by side.
    #[serde(rename = "article")]
    Article,
    /// An edition's reading view.
    #[serde(rename = "reading")]
    Reading,
    /// The glossary.
    #[serde(rename = "glossary")]
    Glossary,
    /// The search page.
    #[serde(rename = "search")]
    Search,
    /// The page for unknown addresses.
    #[serde(rename = "404")]
    NotFound,
    /// A page of `pages/` (methodology, corrections policy…).
    #[serde(rename = "page")]
    Page,
}

/// Per-page values every template sees as `page`.
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    /// Which page this is.
    pub kind: PageKind,
    /// `<title>` text.
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Relative prefix to the site root (`""`, `"../"`), so links work under any
    /// sub-path and from `file://`.
    pub root: String,
    /// Link to the home page.
    pub home: String,
    /// Absolute canonical URL.
    pub canonical: String,
    /// `"index.html"` to append to folder links, or `""` with `pretty_links`.
    pub index: &'static str,
    /// Whether to link the code stylesheet.
    pub has_code: bool,
    /// Open Graph type: `website`, or `article` for edition pages.
    pub og_type: &'static str,
    /// schema.org JSON-LD for the page, escaped for a `<script>` element.
    pub jsonld: Option<String>,
    /// Ask search engines not to index the page (search, 404).
    pub noindex: bool,
}

impl PageView {
    /// The `page` value for a page at site path `path` (`""`, `slug/`, `slug/corrected/`).
    pub fn new(
        config: &SiteConfig,
        kind: PageKind,
        path: &str,
        title: String,
        description: String,
    ) -> PageView {
        let depth = path.split('/').filter(|s| !s.is_empty()).count();
        let root = "../".repeat(depth);
        let index = if config.pretty_links {
            ""
        } else {
            "index.html"
        };
        let home = if config.pretty_links && root.is_empty() {
            "./".to_string()
        } else {
            format!("{root}{index}")
        };
        PageView {
            kind,
            title,
            description,
            root,
            home,
            canonical: config.absolute(path),
            index,
            has_code: false,
            og_type: "website",
            jsonld: None,
            noindex: false,
        }
    }
}

/// What `article.html` sees.
#[derive(Serialize)]
pub struct ArticlePage<'a> {
    /// The site.
    pub site: &'a SiteView,
    /// The page.
    pub page: PageView,
    /// The strings table.
    pub t: &'a Strings,
    /// The edition's metadata and counts.
    pub article: &'a ArticleInfo,
    /// The passages, each as received and corrected, with its changes.
    pub rows: &'a [RowView],
    /// The notes, in reference order.
    pub notes: &'a [NoteView],
    /// The kinds of change made, with counts.
    pub kinds: &'a [KindCount],
    /// Where the story stands and the title note, as HTML.
    pub meta: &'a MetaHtml,
    /// How to cite the edition (`partials/cite.html`, `partials/cite-meta.html`).
    pub cite: &'a CiteView,
}

/// What `reading.html` sees.
#[derive(Serialize)]
pub struct ReadingPage<'a> {
    /// The site.
    pub site: &'a SiteView,
    /// The page.
    pub page: PageView,
    /// The strings table.
    pub t: &'a Strings,
    /// The edition's metadata and counts.
    pub article: &'a ArticleInfo,
    /// The corrected text, as HTML.
    pub html: &'a str,
    /// The notes on the corrected text (numbered as on the edition page).
    pub notes: &'a [NoteView],
    /// The notes on the text as received, which only the edition page shows.
    pub elsewhere: &'a [NoteLink],
    /// Where the story stands and the title note, as HTML.
    pub meta: &'a MetaHtml,
    /// How to cite the edition (`partials/cite.html`, `partials/cite-meta.html`).
    pub cite: &'a CiteView,
}

/// What `index.html` and `404.html` see.
#[derive(Serialize)]
pub struct ListPage<'a> {
    /// The site.
    pub site: &'a SiteView,
    /// The page.
    pub page: PageView,
    /// The strings table.
    pub t: &'a Strings,
    /// The articles listed, newest first.
    pub articles: &'a [ArticleEntry],
    /// How many articles the site has (the 404 page lists only the newest).
    pub total: usize,
    /// Where this page is among the index pages (`index.html` only; none on
    /// the 404 page).
    pub pagination: Option<Pagination>,
}

/// Where an index page is among the index pages (`paginate_by` in
/// `site.yaml`). Links are relative to the page, like every link of a page.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    /// This page's number: 1 for the home page (`index.html`), `n` for `page/n/`.
    pub number: usize,
    /// How many index pages there are (1 when everything fits on one).
    pub pages: usize,
    /// Editions per page (`paginate_by`; 0: all on one page).
    pub per_page: usize,
    /// How many editions come before this page's first one.
    pub offset: usize,
    /// The previous (newer) page, if this is not the first.
    pub prev: Option<String>,
    /// The next (older) page, if this is not the last.
    pub next: Option<String>,
    /// The first page (the home page).
    pub first: String,
    /// The last page.
    pub last: String,
}

/// What `glossary.html` sees.
#[derive(Serialize)]
pub struct GlossaryPage<'a> {
    /// The site.
    pub site: &'a SiteView,
    /// The page.
    pub page: PageView,
    /// The strings table.
    pub t: &'a Strings,
    /// The pairs, by kind.
    pub glossary: GlossaryView,
}

/// What `search.html` sees.
#[derive(Serialize)]
pub struct SearchPage<'a> {
    /// The site.
    pub site: &'a SiteView,
    /// The page.
    pub page: PageView,
    /// The strings table.
    pub t: &'a Strings,
}

/// What `page.html` sees.
#[derive(Serialize)]
pub struct TextPage<'a> {
    /// The site.
    pub site: &'a SiteView,
    /// The page.
    pub page: PageView,
    /// The strings table.
    pub t: &'a Strings,
    /// The page's title, text (HTML) and date.
    pub text: &'a SitePageView,
}

/// What `sitemap.xml` and `sitemap_index.xml` see.
#[derive(Serialize)]
pub struct SitemapPage<'a> {
    /// The site.
    pub site: &'a SiteView,
    /// The URLs (or, for the index, the sitemaps).
    pub urls: &'a [SitemapUrl],
}

/// What `robots.txt` sees.
#[derive(Serialize)]
pub struct RobotsPage<'a> {
    /// The site.
    pub site: &'a SiteView,
    /// The sitemap's absolute URL.
    pub sitemap: String,
}
