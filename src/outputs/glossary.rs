//! The glossary page (`/glossary/`): every distinct garbled → restored pair
//! across the site's editions, grouped by kind, with counts and links to each
//! occurrence in the side-by-side pages.
//!
//! Data flows one way: each article's build lists its distinct pairs with their
//! change numbers ([`items`]); the site-pages phase aggregates them ([`view`])
//! for the theme's `glossary.html`. Unreviewed suggestions are left out: the
//! glossary records what editors have accepted.
//!
//! The page stays readable (and the build lean) on large sites: counts are
//! always exact, but a pair links to at most [`MAX_ARTICLES`] articles and each
//! article to at most [`MAX_LINKS`] of its changes; the rest are counted.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use serde::Serialize;

use super::ArticleEntry;
use crate::anchors::ChangeIds;
use crate::content::{Article, Kind, Status};
use crate::engine::Edition;
use crate::theme::Strings;

/// Articles linked per pair; the rest are counted.
pub const MAX_ARTICLES: usize = 30;
/// Change links per article and pair; the rest are counted.
pub const MAX_LINKS: usize = 12;

/// One distinct reviewed pair of an article, as the glossary lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Item {
    /// The garbled text.
    pub garbled: String,
    /// The restored text.
    pub restored: String,
    /// Category.
    pub kind: Kind,
    /// How many changes of the article make this pair.
    pub count: usize,
    /// The first [`MAX_LINKS`] of their numbers on the article page (`#c<number>-o`).
    pub numbers: Vec<usize>,
}

/// The distinct reviewed pairs of an edition, by first appearance.
pub fn items(article: &Article, edition: &Edition) -> Vec<Item> {
    let original = article.original.text.as_str();
    let mut out: Vec<Item> = Vec::new();
    let mut index: std::collections::HashMap<(&str, &str, Kind), usize> =
        std::collections::HashMap::new();
    for c in &edition.changes {
        let spec = &article.corrections[c.entry];
        if spec.status != Status::Reviewed {
            continue;
        }
        let garbled = &original[c.original.clone()];
        let restored = &edition.corrected[c.corrected.clone()];
        let i = *index
            .entry((garbled, restored, spec.kind))
            .or_insert_with(|| {
                out.push(Item {
                    garbled: garbled.to_string(),
                    restored: restored.to_string(),
                    kind: spec.kind,
                    count: 0,
                    numbers: Vec::new(),
                });
                out.len() - 1
            });
        out[i].count += 1;
        if out[i].numbers.len() < MAX_LINKS {
            out[i].numbers.push(c.number);
        }
    }
    out
}

/// An article with listed changes, linked once at the head of the glossary.
#[derive(Debug, Clone, Serialize)]
pub struct EditionLink {
    /// Its number in that list (1-based, index order), which rows show.
    pub key: usize,
    /// Article title.
    pub title: String,
    /// Site-relative path of the article page (`slug/`).
    pub path: String,
}

/// The occurrences of a pair in one article.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleOccurrences {
    /// The article's number in [`GlossaryView::editions`].
    pub key: usize,
    /// Article title.
    pub title: String,
    /// Site-relative path of the article page (`slug/`).
    pub path: String,
    /// The changes, ascending (at most [`MAX_LINKS`]).
    pub changes: Vec<ChangeLink>,
    /// Changes of this pair in the article beyond those linked.
    pub more: usize,
}

/// A link to one change on an edition page.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeLink {
    /// Its number.
    pub number: usize,
    /// Its ids on the page (the glossary links to `original`, the garbled half).
    pub ids: ChangeIds,
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
    /// Where, by article in index order (at most [`MAX_ARTICLES`]).
    pub articles: Vec<ArticleOccurrences>,
    /// Articles with this pair beyond those listed.
    pub more_articles: usize,
}

/// The pairs of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindView {
    /// The kind (`synonym`).
    pub kind: &'static str,
    /// Heading (`Synonym swaps`, from the strings table).
    pub label: String,
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
    /// Those articles, in index order, each to be linked once.
    pub editions: Vec<EditionLink>,
}

fn flat(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\n', " ⏎ ")
}

/// Aggregates the articles' items (articles in index order).
pub fn view(articles: &[ArticleEntry], strings: &Strings) -> GlossaryView {
    let mut glossary = Aggregate::default();
    for a in articles {
        glossary.add(&a.info.title, &a.path, &a.glossary);
    }
    glossary.view(strings)
}

/// A pair's totals and its first articles: (article key, count, numbers).
#[derive(Default)]
struct Acc {
    count: usize,
    articles: usize,
    shown: Vec<(usize, usize, Vec<usize>)>,
}

/// The glossary, made one article at a time (in index order), so that the
/// articles' pairs never need to be in memory together: it keeps each
/// distinct pair once, with the first [`MAX_ARTICLES`] articles that have it.
#[derive(Default)]
pub struct Aggregate {
    /// Kind → garbled → restored → totals (sorted when the view is made).
    by_kind: BTreeMap<Kind, HashMap<String, HashMap<String, Acc>>>,
    editions: Vec<EditionLink>,
}

impl Aggregate {
    /// Adds the next article (in index order): its title, its path and its
    /// distinct reviewed pairs ([`items`]).
    pub fn add(&mut self, title: &str, path: &str, items: &[Item]) {
        if items.is_empty() {
            return;
        }
        let key = self.editions.len() + 1;
        self.editions.push(EditionLink {
            key,
            title: title.to_string(),
            path: path.to_string(),
        });
        for item in items {
            let garbled = self.by_kind.entry(item.kind).or_default();
            // Allocates only for a pair's first occurrence.
            if !garbled.contains_key(&item.garbled) {
                garbled.insert(item.garbled.clone(), HashMap::new());
            }
            let Some(restored) = garbled.get_mut(&item.garbled) else {
                continue;
            };
            if !restored.contains_key(&item.restored) {
                restored.insert(item.restored.clone(), Acc::default());
            }
            let Some(acc) = restored.get_mut(&item.restored) else {
                continue;
            };
            acc.count += item.count;
            acc.articles += 1;
            if acc.shown.len() < MAX_ARTICLES {
                acc.shown.push((key, item.count, item.numbers.clone()));
            }
        }
    }

    /// What `glossary.html` shows.
    pub fn view(self, strings: &Strings) -> GlossaryView {
        let Aggregate {
            mut by_kind,
            editions,
        } = self;
        let mut total = 0;
        let mut pairs_total = 0;
        let kinds = Kind::ALL
            .into_iter()
            .filter_map(|kind| {
                let pairs = by_kind.remove(&kind)?;
                let mut pairs: Vec<PairView> = pairs
                    .into_iter()
                    .flat_map(|(garbled, restored)| {
                        restored
                            .into_iter()
                            .map(move |(r, acc)| (garbled.clone(), r, acc))
                    })
                    .map(|(garbled, restored, acc)| PairView {
                        garbled: flat(&garbled),
                        restored: flat(&restored),
                        count: acc.count,
                        more_articles: acc.articles - acc.shown.len(),
                        articles: acc
                            .shown
                            .into_iter()
                            .map(|(key, count, numbers)| {
                                let edition = &editions[key - 1];
                                ArticleOccurrences {
                                    key,
                                    title: edition.title.clone(),
                                    path: edition.path.clone(),
                                    more: count - numbers.len(),
                                    changes: numbers
                                        .iter()
                                        .map(|&number| ChangeLink {
                                            number,
                                            ids: ChangeIds::of(number),
                                        })
                                        .collect(),
                                }
                            })
                            .collect(),
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
                    label: strings.kind_label(kind).to_string(),
                    pairs,
                    count,
                })
            })
            .collect();
        GlossaryView {
            kinds,
            pairs: pairs_total,
            occurrences: total,
            articles: editions.len(),
            editions,
        }
    }
}
