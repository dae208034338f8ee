//! What a site publishes besides its pages, as data → bytes functions: the
//! exports of each edition (`edition.json`, `annotations.jsonld`, the TEI
//! edition `tei.xml`, the citations `cite.bib`, `cite.ris`, `cite.json`), the
//! site-wide outputs built from every edition (the Atom feed, sitemaps,
//! `editions.json`, the glossary's data, the search index), and page metadata
//! (schema.org JSON-LD).
//!
//! Nothing here renders a template or writes a file, and nothing imports
//! [`crate::site`]: the site layer calls these functions and writes what they
//! return. Each site-wide output takes the [`ArticleEntry`]s of the published
//! editions, in index order.

pub mod cite;
pub mod exports;
pub mod feed;
pub mod glossary;
pub mod jsonld;
pub mod offsets;
pub mod search;
pub mod sitemap;
pub mod tei;

use serde::Serialize;

use crate::render::ArticleInfo;

/// What one published edition contributes to the site-wide outputs (and to
/// the index page, which lists them).
#[derive(Debug, Clone, Serialize)]
pub struct ArticleEntry {
    /// Metadata and counts.
    #[serde(flatten)]
    pub info: ArticleInfo,
    /// Site-relative path of its page (`slug/`).
    pub path: String,
    /// Its reviewed changes, for the glossary (not shown on the index).
    #[serde(skip)]
    pub glossary: Vec<glossary::Item>,
    /// Its terms for the search index.
    #[serde(skip)]
    pub search: search::ArticleTerms,
}

impl ArticleEntry {
    /// The latest of the original's publication, the copy's retrieval and the
    /// edition's revisions: when the edition last changed, as far as content says.
    pub fn updated(&self) -> Option<&str> {
        cite::edition_date(&self.info)
    }

    /// The date the index sorts by: the original's publication, else the
    /// copy's retrieval.
    pub fn index_date(&self) -> Option<&str> {
        self.info
            .published
            .as_deref()
            .or(self.info.retrieved.as_deref())
    }
}

/// Index order: newest first by publication date (then retrieval date), then by slug.
pub fn sort_for_index(articles: &mut [ArticleEntry]) {
    articles.sort_by(index_order);
}

/// The order of [`sort_for_index`], for sorting entries with something attached.
pub fn index_order(a: &ArticleEntry, b: &ArticleEntry) -> std::cmp::Ordering {
    index_order_of(
        (a.index_date(), &a.info.slug),
        (b.index_date(), &b.info.slug),
    )
}

/// [`index_order`] from what it compares: each edition's
/// [`ArticleEntry::index_date`] and slug (the build cache keeps these beside
/// an encoded entry).
pub fn index_order_of(a: (Option<&str>, &str), b: (Option<&str>, &str)) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1))
}
