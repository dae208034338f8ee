//! The glossary page (`/glossary/`): every distinct garbled → restored pair
//! across the site's editions, grouped by kind, with counts and links to each
//! occurrence in the side-by-side pages.
//!
//! Data flows one way: each article's build lists its changes ([`items`]);
//! the site-pages phase aggregates them ([`view`]) and renders
//! `glossary.html`. Unreviewed suggestions are left out: the glossary records
//! what editors have accepted.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::content::{Article, Kind, Status};
use crate::diagnostics::Diagnostic;
use crate::engine::Edition;
use crate::output::Sink;
use crate::site::{ArticleSummary, Site};

/// One reviewed change of an article, as the glossary lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The garbled text.
    pub garbled: String,
    /// The restored text.
    pub restored: String,
    /// Category.
    pub kind: Kind,
    /// The change's number on the article page (`#c<number>-o`).
    pub number: usize,
}

/// The reviewed changes of an edition, in document order.
pub fn items(article: &Article, edition: &Edition) -> Vec<Item> {
    let original = article.original.text.as_str();
    edition
        .changes
        .iter()
        .filter_map(|c| {
            let spec = &article.corrections[c.entry];
            (spec.status == Status::Reviewed).then(|| Item {
                garbled: original[c.original.clone()].to_string(),
                restored: edition.corrected[c.corrected.clone()].to_string(),
                kind: spec.kind,
                number: c.number,
            })
        })
        .collect()
}

/// The occurrences of a pair in one article.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleOccurrences {
    /// Article title.
    pub title: String,
    /// Site-relative path of the article page (`slug/`).
    pub path: String,
    /// Change numbers, ascending.
    pub changes: Vec<usize>,
}

/// One distinct garbled → restored pair.
#[derive(Debug, Clone, Serialize)]
pub struct PairView {
    /// Garbled text (line breaks shown as ⏎).
    pub garbled: String,
    /// Restored text (empty for a deletion).
    pub restored: String,
    /// Occurrences across the site.
    pub count: usize,
    /// Where, by article in index order.
    pub articles: Vec<ArticleOccurrences>,
}

/// The pairs of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindView {
    /// The kind (`synonym`).
    pub kind: &'static str,
    /// Heading (`Synonym swaps`).
    pub label: &'static str,
    /// Pairs, sorted by garbled text (case-insensitively), then restored text.
    pub pairs: Vec<PairView>,
    /// Occurrences of all its pairs.
    pub count: usize,
}

/// Everything `glossary.html` shows, as `glossary`.
#[derive(Debug, Clone, Serialize)]
pub struct GlossaryView {
    /// Kinds in display order, only those with pairs.
    pub kinds: Vec<KindView>,
    /// Distinct pairs.
    pub pairs: usize,
    /// Changes listed.
    pub occurrences: usize,
    /// Articles with at least one listed change.
    pub articles: usize,
}

/// The heading for a kind.
pub fn label(kind: Kind) -> &'static str {
    match kind {
        Kind::Synonym => "Synonym swaps",
        Kind::Mistranslation => "Translation errors",
        Kind::Name => "Names and titles",
        Kind::Number => "Numbers",
        Kind::Grammar => "Grammar",
        Kind::Punctuation => "Punctuation",
        Kind::Artifact => "Artifacts",
        Kind::Spelling => "Spelling",
        Kind::Formatting => "Formatting",
        Kind::Other => "Other",
    }
}

fn flat(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\n', " ⏎ ")
}

/// Aggregates the articles' items (articles in index order).
pub fn view(articles: &[ArticleSummary]) -> GlossaryView {
    // kind → (garbled, restored) → article index → change numbers
    type Pairs = BTreeMap<(String, String), BTreeMap<usize, Vec<usize>>>;
    let mut by_kind: BTreeMap<Kind, Pairs> = BTreeMap::new();
    let mut with_items = 0;
    for (a, summary) in articles.iter().enumerate() {
        with_items += usize::from(!summary.glossary.is_empty());
        for item in &summary.glossary {
            by_kind
                .entry(item.kind)
                .or_default()
                .entry((item.garbled.clone(), item.restored.clone()))
                .or_default()
                .entry(a)
                .or_default()
                .push(item.number);
        }
    }
    let mut total = 0;
    let mut pairs_total = 0;
    let kinds = Kind::ALL
        .into_iter()
        .filter_map(|kind| {
            let pairs = by_kind.remove(&kind)?;
            let mut pairs: Vec<PairView> = pairs
                .into_iter()
                .map(|((garbled, restored), places)| {
                    let articles: Vec<ArticleOccurrences> = places
                        .into_iter()
                        .map(|(a, mut changes)| {
                            changes.sort_unstable();
                            ArticleOccurrences {
                                title: articles[a].info.title.clone(),
                                path: articles[a].path.clone(),
                                changes,
                            }
                        })
                        .collect();
                    PairView {
                        garbled: flat(&garbled),
                        restored: flat(&restored),
                        count: articles.iter().map(|a| a.changes.len()).sum(),
                        articles,
                    }
                })
                .collect();
            pairs.sort_by(|a, b| {
                (a.garbled.to_lowercase(), &a.garbled, &a.restored).cmp(&(
                    b.garbled.to_lowercase(),
                    &b.garbled,
                    &b.restored,
                ))
            });
            let count = pairs.iter().map(|p| p.count).sum();
            total += count;
            pairs_total += pairs.len();
            Some(KindView {
                kind: kind.as_str(),
                label: label(kind),
                pairs,
                count,
            })
        })
        .collect();
    GlossaryView {
        kinds,
        pairs: pairs_total,
        occurrences: total,
        articles: with_items,
    }
}

/// Renders `glossary/index.html`; returns the number of pages written.
pub fn write(
    site: &Site,
    articles: &[ArticleSummary],
    sink: &dyn Sink,
) -> Result<usize, Vec<Diagnostic>> {
    let glossary = view(articles);
    let description = format!(
        "Every garbled phrase restored in {}, with how often and where.",
        site.config.title
    );
    let data = serde_json::json!({
        "site": site.site_view(),
        "page": site.page_view("glossary", "glossary/", "Glossary of garbled phrases".into(), description, false),
        "glossary": glossary,
    });
    let rel = "glossary/index.html";
    let html = site
        .theme
        .render("glossary.html", &data, rel)
        .map_err(|d| vec![d])?;
    sink.write(rel, html.as_bytes()).map_err(|d| vec![d])?;
    Ok(1)
}
