//! Open exports of an edition, for reuse by other tools:
//!
//! - `/<slug>/edition.json`: metadata and every change with its character
//!   offsets in the original and the corrected text ([`EditionExport`]);
//! - `/<slug>/annotations.jsonld`: the notes in the W3C Web Annotation Data
//!   Model ([`AnnotationCollection`]);
//! - `/editions.json`: the site-level index ([`EditionsIndex`]).
//!
//! Both JSON files link every other export of the edition (`tei.xml`,
//! `cite.bib`, `cite.ris`, `cite.json`). `docs/schemas/edition.schema.json`
//! describes `edition.json` as a JSON Schema; the tests validate every
//! `edition.json` they build against it.
//!
//! Offsets count Unicode code points (see [`super::offsets`]); every offset is
//! tested to slice exactly the exported text.

use std::collections::HashMap;

use serde::Serialize;

use super::ArticleEntry;
use super::offsets::CharIndex;
use crate::anchors;
use crate::config::{Editor, SiteConfig};
use crate::content::{Article, Kind, Side, SourceRef, Status};
use crate::engine::Edition;
use crate::render::{ArticleInfo, EditionView};
use crate::theme::Strings;
use crate::theme::strings::fill;

/// Schema identifier of `edition.json`.
pub const EDITION_SCHEMA: &str = "emend-edition/1";
/// Schema identifier of `editions.json`.
pub const EDITIONS_SCHEMA: &str = "emend-editions/1";
/// Characters of context in `TextQuoteSelector` prefixes and suffixes (as Hypothesis uses).
pub const QUOTE_CONTEXT: usize = 32;
/// How offsets are counted (stated in every `edition.json`).
pub const OFFSET_UNIT: &str = "unicode-code-points";

/// A range of characters, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CharRange {
    /// First character (0-based).
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

/// One of the two texts of an edition.
#[derive(Debug, Clone, Serialize)]
pub struct TextFile {
    /// Download address.
    pub url: String,
    /// `text/plain` or `text/markdown`.
    pub media_type: &'static str,
    /// Length in characters (code points), without a byte order mark.
    pub characters: usize,
    /// Whether the downloaded file starts with a byte order mark (not counted in offsets).
    pub byte_order_mark: bool,
}

/// One change: a range of the original replaced by a range of the corrected text.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeExport<'a> {
    /// Number shown on the page (`#c<number>`).
    pub number: usize,
    /// Position of the entry in `corrections.yaml` (1 = first); an `all: true`
    /// entry yields several changes with the same `entry`.
    pub entry: usize,
    /// Category.
    pub kind: Kind,
    /// `reviewed` or `suggested`.
    pub status: Status,
    /// Explanation shown to readers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<&'a str>,
    /// The garbled text (exactly `original[original.start..original.end]`).
    pub find: &'a str,
    /// The restored text (exactly `corrected[corrected.start..corrected.end]`; empty for a deletion).
    pub replace: &'a str,
    /// Where `find` is in the original.
    pub original: CharRange,
    /// Where `replace` is in the corrected text.
    pub corrected: CharRange,
    /// The change's entry on the edition page.
    pub url: String,
    /// Where an unreviewed suggestion came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<&'a str>,
    /// The suggesting tool's confidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
}

/// One note.
#[derive(Debug, Clone, Serialize)]
pub struct AnnotationExport<'a> {
    /// Number shown on the edition page (`#note-<number>`).
    pub number: usize,
    /// Position of the entry in `annotations.yaml` (1 = first).
    pub entry: usize,
    /// Which text the quote is in: `corrected` or `original`.
    pub on: Side,
    /// The annotated passage (exactly `text[position.start..position.end]`).
    pub quote: &'a str,
    /// Where the quote is in that text.
    pub position: CharRange,
    /// The note as written (Markdown).
    pub note: &'a str,
    /// The note as published (sanitised HTML).
    pub note_html: &'a str,
    /// Cited sources.
    pub sources: &'a [SourceRef],
    /// The note on the edition page.
    pub url: String,
    /// Its W3C Web Annotation in `annotations.jsonld` (absent when the site
    /// does not publish them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotation: Option<String>,
}

/// `/<slug>/edition.json`.
#[derive(Debug, Clone, Serialize)]
pub struct EditionExport<'a> {
    /// [`EDITION_SCHEMA`].
    pub schema: &'static str,
    /// The edition's metadata and counts (slug, title, source, dates, …).
    #[serde(flatten)]
    pub article: &'a ArticleInfo,
    /// The side-by-side edition page.
    pub url: String,
    /// The reading view of the corrected text.
    pub reading_url: String,
    /// The W3C annotations (absent when the site does not publish them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations_url: Option<String>,
    /// The TEI P5 edition (absent when the site does not publish it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tei_url: Option<String>,
    /// The citation as BibTeX (absent when the site does not publish the
    /// citation files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bibtex_url: Option<String>,
    /// The citation as RIS (absent like `bibtex_url`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ris_url: Option<String>,
    /// The citation as CSL-JSON (absent like `bibtex_url`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csl_json_url: Option<String>,
    /// The editors (`site.yaml` `editors`), in order; empty when the site
    /// names none (the publisher is then responsible).
    pub editors: &'a [Editor],
    /// [`OFFSET_UNIT`].
    pub offsets: &'static str,
    /// The text as received.
    pub original: TextFile,
    /// The corrected text.
    pub corrected: TextFile,
    /// Every change, in document order.
    pub corrections: Vec<ChangeExport<'a>>,
    /// Every note, in page order.
    pub annotations: Vec<AnnotationExport<'a>>,
}

/// Absolute URLs of an article's files.
struct Urls {
    page: String,
    reading: String,
    original: String,
    corrected: String,
    annotations: String,
    exports: ExportUrls,
}

/// Absolute URLs of an edition's TEI and citation files, each `None` when
/// the site does not publish it (`exports:` in `site.yaml`).
struct ExportUrls {
    tei: Option<String>,
    bibtex: Option<String>,
    ris: Option<String>,
    csl_json: Option<String>,
}

impl ExportUrls {
    /// The exports in the folder `dir` (`slug/`, site-relative).
    fn new(config: &SiteConfig, dir: &str) -> ExportUrls {
        let url = |on: bool, file: &str| on.then(|| config.absolute(&format!("{dir}{file}")));
        let cites = config.exports.citations;
        ExportUrls {
            tei: url(config.exports.tei, super::tei::TEI_FILE),
            bibtex: url(cites, super::cite::BIB_FILE),
            ris: url(cites, super::cite::RIS_FILE),
            csl_json: url(cites, super::cite::CSL_FILE),
        }
    }
}

impl Urls {
    fn new(config: &SiteConfig, article: &Article) -> Urls {
        let slug = &article.slug;
        let ext = article.format.ext();
        Urls {
            page: config.absolute(&format!("{slug}/")),
            reading: config.absolute(&format!("{slug}/corrected/")),
            original: config.absolute(&format!("{slug}/original.{ext}")),
            corrected: config.absolute(&format!("{slug}/corrected.{ext}")),
            annotations: config.absolute(&format!("{slug}/annotations.jsonld")),
            exports: ExportUrls::new(config, &format!("{slug}/")),
        }
    }
}

fn media_type(article: &Article) -> &'static str {
    match article.format {
        crate::content::Format::Text => "text/plain",
        crate::content::Format::Markdown => "text/markdown",
    }
}

/// Note number on the page, by annotation entry.
fn note_numbers(view: &EditionView) -> HashMap<usize, usize> {
    view.notes.iter().map(|n| (n.entry, n.number)).collect()
}

/// Builds `edition.json`.
pub fn edition_export<'a>(
    config: &'a SiteConfig,
    article: &'a Article,
    edition: &'a Edition,
    view: &'a EditionView,
) -> EditionExport<'a> {
    let urls = Urls::new(config, article);
    let original = article.original.text.as_str();
    let corrected = edition.corrected.as_str();
    let oi = CharIndex::new(original);
    let ci = CharIndex::new(corrected);
    let range = |idx: &CharIndex<'_>, r: &std::ops::Range<usize>| CharRange {
        start: idx.chars_at(r.start),
        end: idx.chars_at(r.end),
    };
    let corrections = edition
        .changes
        .iter()
        .map(|c| {
            let spec = &article.corrections[c.entry];
            ChangeExport {
                number: c.number,
                entry: c.entry + 1,
                kind: spec.kind,
                status: spec.status,
                why: spec.why.as_deref(),
                find: &original[c.original.clone()],
                replace: &corrected[c.corrected.clone()],
                original: range(&oi, &c.original),
                corrected: range(&ci, &c.corrected),
                url: format!("{}#{}", urls.page, anchors::change(c.number)),
                origin: spec.origin.as_deref(),
                confidence: spec.confidence,
            }
        })
        .collect();
    let numbers = note_numbers(view);
    let mut annotations: Vec<AnnotationExport<'a>> = edition
        .notes
        .iter()
        .map(|n| {
            let spec = &article.annotations[n.entry];
            let (text, idx) = match n.side {
                Side::Original => (original, &oi),
                Side::Corrected => (corrected, &ci),
            };
            let number = numbers.get(&n.entry).copied().unwrap_or(0);
            let html = view
                .notes
                .iter()
                .find(|v| v.entry == n.entry)
                .map_or("", |v| v.html.as_str());
            AnnotationExport {
                number,
                entry: n.entry + 1,
                on: n.side,
                quote: &text[n.range.clone()],
                position: range(idx, &n.range),
                note: &spec.note,
                note_html: html,
                sources: &spec.sources,
                url: format!("{}#{}", urls.page, anchors::note(number)),
                annotation: config
                    .exports
                    .annotations
                    .then(|| format!("{}#{}", urls.annotations, anchors::note(number))),
            }
        })
        .collect();
    annotations.sort_by_key(|a| a.number);
    EditionExport {
        schema: EDITION_SCHEMA,
        article: &view.article,
        url: urls.page,
        reading_url: urls.reading,
        annotations_url: config.exports.annotations.then_some(urls.annotations),
        tei_url: urls.exports.tei,
        bibtex_url: urls.exports.bibtex,
        ris_url: urls.exports.ris,
        csl_json_url: urls.exports.csl_json,
        editors: &config.editors,
        offsets: OFFSET_UNIT,
        original: TextFile {
            url: urls.original,
            media_type: media_type(article),
            characters: oi.len(),
            byte_order_mark: article.original.had_bom,
        },
        corrected: TextFile {
            url: urls.corrected,
            media_type: media_type(article),
            characters: ci.len(),
            byte_order_mark: false,
        },
        corrections,
        annotations,
    }
}

/// A W3C Web Annotation selector.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type")]
pub enum Selector {
    /// The quote with up to [`QUOTE_CONTEXT`] characters on either side.
    TextQuoteSelector {
        /// The quote.
        exact: String,
        /// Text right before it.
        prefix: String,
        /// Text right after it.
        suffix: String,
    },
    /// Character offsets (code points, `end` exclusive).
    TextPositionSelector {
        /// First character.
        start: usize,
        /// One past the last.
        end: usize,
    },
}

/// What an annotation is about: a passage of one of the texts.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// The text file (`corrected.txt`, or `original.txt` for `on: original`).
    pub source: String,
    /// The page on which the passage is shown.
    pub scope: String,
    /// Quote and position.
    pub selector: Vec<Selector>,
}

/// A resource a body links to (a cited source).
#[derive(Debug, Clone, Serialize)]
pub struct ExternalResource {
    /// Its address.
    pub id: String,
    /// Always `Text`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its title (`rdfs:label`).
    pub label: String,
}

/// An annotation body.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type")]
pub enum Body {
    /// The note itself, as sanitised HTML.
    TextualBody {
        /// The HTML.
        value: String,
        /// `text/html`.
        format: &'static str,
        /// Language of the note.
        language: String,
        /// `commenting`.
        purpose: &'static str,
    },
    /// A cited source.
    SpecificResource {
        /// `linking`.
        purpose: &'static str,
        /// The source.
        source: ExternalResource,
    },
}

/// Who made the annotations.
#[derive(Debug, Clone, Serialize)]
pub struct Agent {
    /// An editor's ORCID iD (as its address).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Person` (an editor) or `Organization` (the publisher).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The editor's or the publisher's name.
    pub name: String,
}

/// The editors (`site.yaml` `editors`) as people, or else the site's
/// publisher, if it names one, as an organisation.
fn creators(config: &SiteConfig) -> Vec<Agent> {
    if config.editors.is_empty() {
        return config
            .publisher
            .iter()
            .map(|p| Agent {
                id: None,
                kind: "Organization",
                name: p.clone(),
            })
            .collect();
    }
    config
        .editors
        .iter()
        .map(|e| Agent {
            id: e.orcid_url(),
            kind: "Person",
            name: e.name.clone(),
        })
        .collect()
}

/// One W3C Web Annotation.
#[derive(Debug, Clone, Serialize)]
pub struct WebAnnotation {
    /// `…/annotations.jsonld#note-<n>`.
    pub id: String,
    /// Always `Annotation`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `commenting`.
    pub motivation: &'static str,
    /// The editors, or the publisher if the site names no editors (absent
    /// when it names neither).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub creator: Vec<Agent>,
    /// The note, then one body per source.
    pub body: Vec<Body>,
    /// The passage.
    pub target: Target,
}

/// The page of annotations (all of them: one page per article).
#[derive(Debug, Clone, Serialize)]
pub struct AnnotationPage {
    /// `…/annotations.jsonld#page-1`.
    pub id: String,
    /// Always `AnnotationPage`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The collection.
    #[serde(rename = "partOf")]
    pub part_of: String,
    /// 0.
    #[serde(rename = "startIndex")]
    pub start_index: usize,
    /// The annotations, in page order.
    pub items: Vec<WebAnnotation>,
}

/// `/<slug>/annotations.jsonld`: an `AnnotationCollection` with its one page embedded.
#[derive(Debug, Clone, Serialize)]
pub struct AnnotationCollection {
    /// `http://www.w3.org/ns/anno.jsonld`.
    #[serde(rename = "@context")]
    pub context: &'static str,
    /// The file's own URL.
    pub id: String,
    /// Always `AnnotationCollection`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// "Notes on …".
    pub label: String,
    /// Number of annotations.
    pub total: usize,
    /// The annotations (absent when there are none, as the model requires).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<AnnotationPage>,
}

/// Builds `annotations.jsonld`.
pub fn annotations_export(
    config: &SiteConfig,
    strings: &Strings,
    article: &Article,
    edition: &Edition,
    view: &EditionView,
) -> AnnotationCollection {
    let urls = Urls::new(config, article);
    let original = article.original.text.as_str();
    let corrected = edition.corrected.as_str();
    let oi = CharIndex::new(original);
    let ci = CharIndex::new(corrected);
    let numbers = note_numbers(view);
    let mut notes: Vec<(usize, &crate::engine::Note)> = edition
        .notes
        .iter()
        .map(|n| (numbers.get(&n.entry).copied().unwrap_or(0), n))
        .collect();
    notes.sort_by_key(|(number, _)| *number);
    let items: Vec<WebAnnotation> = notes
        .into_iter()
        .map(|(number, n)| {
            let spec = &article.annotations[n.entry];
            let (text, idx, source, scope) = match n.side {
                Side::Original => (original, &oi, &urls.original, &urls.page),
                Side::Corrected => (corrected, &ci, &urls.corrected, &urls.reading),
            };
            let html = view
                .notes
                .iter()
                .find(|v| v.entry == n.entry)
                .map_or(String::new(), |v| v.html.clone());
            let mut body = vec![Body::TextualBody {
                value: html,
                format: "text/html",
                language: view.article.language.clone(),
                purpose: "commenting",
            }];
            body.extend(spec.sources.iter().map(|s| Body::SpecificResource {
                purpose: "linking",
                source: ExternalResource {
                    id: s.url.clone(),
                    kind: "Text",
                    label: s.title.clone(),
                },
            }));
            WebAnnotation {
                id: format!("{}#{}", urls.annotations, anchors::note(number)),
                kind: "Annotation",
                motivation: "commenting",
                creator: creators(config),
                body,
                target: Target {
                    source: source.clone(),
                    scope: scope.clone(),
                    selector: vec![
                        Selector::TextQuoteSelector {
                            exact: text[n.range.clone()].to_string(),
                            prefix: idx.before(n.range.start, QUOTE_CONTEXT).to_string(),
                            suffix: idx.after(n.range.end, QUOTE_CONTEXT).to_string(),
                        },
                        Selector::TextPositionSelector {
                            start: idx.chars_at(n.range.start),
                            end: idx.chars_at(n.range.end),
                        },
                    ],
                },
            }
        })
        .collect();
    AnnotationCollection {
        context: "http://www.w3.org/ns/anno.jsonld",
        id: urls.annotations.clone(),
        kind: "AnnotationCollection",
        label: fill(
            &strings.annotations_label,
            &[("title", &article.meta.title)],
        ),
        total: items.len(),
        first: (!items.is_empty()).then(|| AnnotationPage {
            id: format!("{}#page-1", urls.annotations),
            kind: "AnnotationPage",
            part_of: urls.annotations.clone(),
            start_index: 0,
            items,
        }),
    }
}

/// The site in `editions.json`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteExport<'a> {
    /// Title.
    pub title: &'a str,
    /// Description.
    pub description: &'a str,
    /// Base URL.
    pub url: &'a str,
    /// Language.
    pub language: &'a str,
    /// Publisher.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<&'a str>,
    /// The Atom feed.
    pub feed: String,
    /// The editors of its editions (`site.yaml` `editors`).
    pub editors: &'a [Editor],
}

/// One edition in `editions.json`.
#[derive(Debug, Clone, Serialize)]
pub struct EditionEntry<'a> {
    /// The edition's metadata and counts.
    #[serde(flatten)]
    pub article: &'a ArticleInfo,
    /// Edition page.
    pub url: String,
    /// Its `edition.json` (absent when the site does not publish it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    /// Its `annotations.jsonld` (absent when the site does not publish them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<String>,
    /// Its TEI P5 edition, `tei.xml` (absent when the site does not publish it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tei: Option<String>,
    /// Its citation as BibTeX, `cite.bib` (absent when the site does not
    /// publish the citation files).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bibtex: Option<String>,
    /// Its citation as RIS, `cite.ris` (absent like `bibtex`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ris: Option<String>,
    /// Its citation as CSL-JSON, `cite.json` (absent like `bibtex`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csl_json: Option<String>,
}

/// `/editions.json`.
#[derive(Debug, Clone, Serialize)]
pub struct EditionsIndex<'a> {
    /// [`EDITIONS_SCHEMA`].
    pub schema: &'static str,
    /// The site.
    pub site: SiteExport<'a>,
    /// Every published edition, in index order (newest first).
    pub editions: EditionEntries<'a>,
}

/// The editions of `editions.json`, each [`EditionEntry`] made as it is
/// written (at 100,000 editions, their URLs held together would be about
/// 70 MB).
#[derive(Debug, Clone)]
pub struct EditionEntries<'a> {
    config: &'a SiteConfig,
    articles: &'a [ArticleEntry],
}

impl<'a> EditionEntries<'a> {
    /// The entry of each edition, in index order.
    pub fn iter(&self) -> impl Iterator<Item = EditionEntry<'a>> {
        let config = self.config;
        self.articles.iter().map(move |a| edition_entry(config, a))
    }
}

impl Serialize for EditionEntries<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// One edition's entry in `editions.json`.
fn edition_entry<'a>(config: &SiteConfig, a: &'a ArticleEntry) -> EditionEntry<'a> {
    let exports = ExportUrls::new(config, &a.path);
    EditionEntry {
        article: &a.info,
        url: config.absolute(&a.path),
        edition: config
            .exports
            .edition_json
            .then(|| config.absolute(&format!("{}edition.json", a.path))),
        annotations: config
            .exports
            .annotations
            .then(|| config.absolute(&format!("{}annotations.jsonld", a.path))),
        tei: exports.tei,
        bibtex: exports.bibtex,
        ris: exports.ris,
        csl_json: exports.csl_json,
    }
}

/// `editions.json` written one edition at a time: the same bytes as
/// [`to_json`] of [`editions_index`], without the editions all in memory.
pub struct EditionsJson<'a> {
    config: &'a SiteConfig,
    bytes: Vec<u8>,
    editions: usize,
}

impl<'a> EditionsJson<'a> {
    /// Starts the document: the schema and the site.
    pub fn new(config: &'a SiteConfig) -> EditionsJson<'a> {
        let index = editions_index(config, &[]);
        let mut bytes = br#"{"schema":"#.to_vec();
        // Serializing plain data into memory cannot fail.
        let _ = serde_json::to_writer(&mut bytes, &index.schema);
        bytes.extend_from_slice(br#","site":"#);
        let _ = serde_json::to_writer(&mut bytes, &index.site);
        bytes.extend_from_slice(br#","editions":["#);
        EditionsJson {
            config,
            bytes,
            editions: 0,
        }
    }

    /// Adds the next edition (in index order).
    pub fn push(&mut self, entry: &ArticleEntry) {
        if self.editions > 0 {
            self.bytes.push(b',');
        }
        self.editions += 1;
        // Grown by a quarter, not doubled (7 MB at 10,000 editions).
        if self.bytes.capacity() - self.bytes.len() < 4096 {
            self.bytes.reserve_exact(self.bytes.len() / 4 + 4096);
        }
        let _ = serde_json::to_writer(&mut self.bytes, &edition_entry(self.config, entry));
    }

    /// The document, ready to write.
    pub fn finish(mut self) -> Vec<u8> {
        self.bytes.extend_from_slice(b"]}\n");
        self.bytes
    }
}

/// Builds `editions.json`.
pub fn editions_index<'a>(
    config: &'a SiteConfig,
    articles: &'a [ArticleEntry],
) -> EditionsIndex<'a> {
    EditionsIndex {
        schema: EDITIONS_SCHEMA,
        site: SiteExport {
            title: &config.title,
            description: &config.description,
            url: &config.base_url,
            language: &config.language,
            publisher: config.publisher.as_deref(),
            feed: config.absolute(super::feed::FEED_PATH),
            editors: &config.editors,
        },
        editions: EditionEntries { config, articles },
    }
}

/// `<slug>/edition.json`, ready to write.
pub fn edition_json(
    config: &SiteConfig,
    article: &Article,
    edition: &Edition,
    view: &EditionView,
) -> Vec<u8> {
    to_json(&edition_export(config, article, edition, view))
}

/// `<slug>/annotations.jsonld`, ready to write.
pub fn annotations_jsonld(
    config: &SiteConfig,
    strings: &Strings,
    article: &Article,
    edition: &Edition,
    view: &EditionView,
) -> Vec<u8> {
    to_json(&annotations_export(config, strings, article, edition, view))
}

/// Compact JSON with a final newline. Exports are for programs (`jq .` shows
/// them indented); compact output is about half the size, which matters for
/// sites with thousands of editions.
pub fn to_json(value: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outputs::{feed, sitemap};

    fn config() -> SiteConfig {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.yaml"),
            "title: T\nbase_url: https://e.org/\n",
        )
        .unwrap();
        SiteConfig::load(dir.path(), &mut crate::diagnostics::Diagnostics::new()).unwrap()
    }

    /// Editions in index order: newest first, some with revisions newer
    /// than newer editions.
    fn editions(n: usize) -> Vec<ArticleEntry> {
        (0..n)
            .map(|i| {
                let day = 28 - (i % 28);
                let month = 12 - (i / 28) % 12;
                // Every seventh has a revision, newer than every edition.
                let revisions: Vec<serde_json::Value> = if i % 7 == 3 {
                    vec![serde_json::json!({
                        "date": format!("2030-01-0{}", 1 + i % 9),
                        "note": "Fixed."
                    })]
                } else {
                    Vec::new()
                };
                let info: ArticleInfo = serde_json::from_value(serde_json::json!({
                    "slug": format!("a{i}"),
                    "title": format!("A \"{i}\""),
                    "published": format!("2020-{month:02}-{day:02}"),
                    "language": "en",
                    "tags": [],
                    "format": "txt",
                    "revisions": revisions,
                    "stats": {
                        "corrections": 1, "changes": 2, "annotations": 0, "words_changed": 3,
                        "words_total": 40, "percent_changed": "7.5", "unreviewed": 0
                    }
                }))
                .unwrap();
                ArticleEntry {
                    info,
                    path: format!("a{i}/"),
                    glossary: Vec::new(),
                    search: Default::default(),
                }
            })
            .collect()
    }

    #[test]
    fn editions_json_written_one_edition_at_a_time_is_the_whole_documents_bytes() {
        let config = config();
        for n in [0, 1, 5] {
            let articles = editions(n);
            let mut json = EditionsJson::new(&config);
            for a in &articles {
                json.push(a);
            }
            let whole = to_json(&editions_index(&config, &articles));
            assert_eq!(
                String::from_utf8(json.finish()).unwrap(),
                String::from_utf8(whole).unwrap()
            );
        }
    }

    #[test]
    fn the_feed_of_the_newest_editions_alone_is_the_feed_of_them_all() {
        let config = config();
        let strings = crate::theme::Strings::builtin();
        let articles = editions(200);
        assert!(articles.iter().any(|a| !a.info.revisions.is_empty()));
        let dates: Vec<feed::Dates> = articles.iter().map(feed::Dates::of).collect();
        let wanted = feed::newest(&dates);
        assert!(wanted.len() < articles.len());
        let some: Vec<ArticleEntry> = wanted.iter().map(|&i| articles[i].clone()).collect();
        let all = feed::render(&feed::feed(&config, &strings, &articles)).unwrap();
        let newest = feed::render(&feed::feed(&config, &strings, &some)).unwrap();
        assert_eq!(
            String::from_utf8(newest).unwrap(),
            String::from_utf8(all).unwrap()
        );
        // The sitemap from paths and dates, as from the editions.
        let pairs: Vec<(String, Option<String>)> = articles
            .iter()
            .map(|a| (a.path.clone(), a.updated().map(str::to_string)))
            .collect();
        let absolute = |p: &str| config.absolute(p);
        let from_pairs = sitemap::urls_of(absolute, &[], &pairs);
        let from_entries = sitemap::urls(absolute, &[], &articles);
        assert_eq!(format!("{from_pairs:?}"), format!("{from_entries:?}"));
    }
}
