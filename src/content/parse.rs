//! Parsing and validating `meta.yaml`, `corrections.yaml` and
//! `annotations.yaml`: every problem of a file is reported at once, each at
//! its line and column.

use serde::Deserialize;

use super::validate::{is_doi, is_http_url, is_language_tag, is_valid_date};
use super::{
    AnnotationSpec, CorrectionSpec, EntryPos, Kind, Meta, Pick, Revision, Selector, Side,
    SourceRef, SourceType, Status, StoryStatus,
};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::source::SourceFile;
use crate::text::did_you_mean;
use crate::yaml::{self, Node, Scalar, Schema, value_location};

/// Schema of one correction entry.
pub const CORRECTION_SCHEMA: Schema = Schema {
    what: "correction",
    keys: &[
        "find",
        "replace",
        "why",
        "kind",
        "occurrence",
        "all",
        "before",
        "after",
        "status",
        "origin",
        "confidence",
    ],
    required: &["find", "replace"],
    example: "- find: \"nationwide safety\"\n  replace: \"national security\"\n  kind: synonym\n  why: \"The spinner swapped a fixed term for synonyms.\"",
};

/// Schema of one annotation entry.
pub const ANNOTATION_SCHEMA: Schema = Schema {
    what: "annotation",
    keys: &[
        "quote",
        "note",
        "sources",
        "on",
        "occurrence",
        "before",
        "after",
    ],
    required: &["quote", "note"],
    example: "- quote: \"Han Dong\"\n  note: \"Han Dong was elected MP for Don Valley North in 2019.\"\n  sources:\n    - title: \"Han Dong\"\n      url: \"https://en.wikipedia.org/wiki/Han_Dong\"",
};

/// Schema of one cited source.
pub const SOURCE_SCHEMA: Schema = Schema {
    what: "source",
    keys: &[
        "title",
        "url",
        "publisher",
        "date",
        "accessed",
        "archived",
        "type",
    ],
    required: &["title", "url"],
    example: "    - title: \"Han Dong\"\n      url: \"https://en.wikipedia.org/wiki/Han_Dong\"\n      type: reference",
};

/// Schema of the `status` block of `meta.yaml`.
pub const STATUS_SCHEMA: Schema = Schema {
    what: "status block",
    keys: &["as_of", "text", "sources"],
    required: &["as_of", "text"],
    example: "status:\n  as_of: 2026-12-07\n  text: \"In 2024 a court found ...\"",
};

/// Schema of one entry of `revisions` in `meta.yaml`.
pub const REVISION_SCHEMA: Schema = Schema {
    what: "revision",
    keys: &["date", "note"],
    required: &["date", "note"],
    example: "revisions:\n  - date: 2026-12-07\n    note: \"Notes brought up to date with the 2024 ruling.\"",
};

/// Schema of `meta.yaml`.
pub const META_SCHEMA: Schema = Schema {
    what: "meta.yaml",
    keys: &[
        "title",
        "source",
        "source_url",
        "author",
        "published",
        "retrieved",
        "language",
        "summary",
        "tags",
        "draft",
        "doi",
        "title_note",
        "status",
        "revisions",
    ],
    required: &["title"],
    example: "title: \"The headline as published\"\nsource: \"Global News\"\npublished: 2023-03-22",
};

/// A source as written in YAML, before validation.
#[derive(Debug, Clone, Deserialize)]
struct SourceYaml {
    title: String,
    url: String,
    publisher: Option<String>,
    date: Option<Scalar>,
    accessed: Option<Scalar>,
    archived: Option<String>,
    #[serde(rename = "type")]
    source_type: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CorrectionYaml {
    find: Scalar,
    replace: Scalar,
    why: Option<String>,
    kind: Option<String>,
    occurrence: Option<u32>,
    all: Option<bool>,
    before: Option<Scalar>,
    after: Option<Scalar>,
    status: Option<String>,
    origin: Option<String>,
    confidence: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct AnnotationYaml {
    quote: Scalar,
    note: String,
    #[serde(default)]
    sources: Vec<SourceYaml>,
    on: Option<String>,
    occurrence: Option<u32>,
    before: Option<Scalar>,
    after: Option<Scalar>,
}

#[derive(Debug, Deserialize)]
struct MetaYaml {
    title: Scalar,
    source: Option<String>,
    source_url: Option<String>,
    author: Option<String>,
    published: Option<Scalar>,
    retrieved: Option<Scalar>,
    language: Option<String>,
    summary: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    draft: bool,
    doi: Option<String>,
    title_note: Option<String>,
    status: Option<StatusYaml>,
    #[serde(default)]
    revisions: Vec<RevisionYaml>,
}

#[derive(Debug, Deserialize)]
struct StatusYaml {
    as_of: Scalar,
    text: String,
    #[serde(default)]
    sources: Vec<SourceYaml>,
}

#[derive(Debug, Deserialize)]
struct RevisionYaml {
    date: Scalar,
    note: String,
}

/// Parses and validates an already-read `meta.yaml`, reporting every problem into `out`.
pub fn parse_meta(file: &SourceFile, out: &mut Diagnostics) -> Option<Meta> {
    out.checked(|out| parse_meta_fields(file, out))
}

/// [`parse_meta`], recording into a collector of its own; lenient like
/// [`parse_correction_entries`] (a wrong date still gives the metadata).
pub(crate) fn parse_meta_fields(file: &SourceFile, out: &mut Diagnostics) -> Option<Meta> {
    // The nested blocks' keys are checked before serde, so all typos show at once.
    let index = yaml::parse(file, out)?;
    if let Some(root) = &index.root {
        let mut worst = yaml::KeyStatus::Clean;
        if let Some(status) = root.get("status") {
            worst = worst.max(yaml::check_keys(file, status, &STATUS_SCHEMA, out));
            if let Some(sources) = status.get("sources") {
                for s in sources.items() {
                    worst = worst.max(yaml::check_keys(file, s, &SOURCE_SCHEMA, out));
                }
            }
        }
        if let Some(revisions) = root.get("revisions") {
            for r in revisions.items() {
                worst = worst.max(yaml::check_keys(file, r, &REVISION_SCHEMA, out));
            }
        }
        if worst == yaml::KeyStatus::Broken {
            return None;
        }
    }
    let (raw, node) = yaml::load_map_from::<MetaYaml>(file, index, &META_SCHEMA, out)?;
    let node = node.as_ref();
    let title = raw.title.into_string();
    if title.trim().is_empty() {
        out.push(
            Diagnostic::error(Code::EmptyTitle, "`title` is empty")
                .at(value_location(file, node, "title")),
        );
    }
    if let Some(url) = &raw.source_url
        && !is_http_url(url)
    {
        out.push(
            Diagnostic::error(
                Code::BadUrl,
                format!("source_url `{url}` is not an http(s) address"),
            )
            .at(value_location(file, node, "source_url"))
            .help("use the full address of the original publication, starting with https://"),
        );
    }
    let mut date = |t: Option<Scalar>, key: &str| -> Option<String> {
        let s = t?.into_string();
        if !is_valid_date(&s) {
            out.push(
                Diagnostic::error(Code::BadDate, format!("`{key}: {s}` is not a date"))
                    .at(value_location(file, node, key))
                    .help("write dates as YYYY-MM-DD, e.g. 2023-03-22"),
            );
        }
        Some(s)
    };
    let published = date(raw.published, "published");
    let retrieved = date(raw.retrieved, "retrieved");
    if let Some(lang) = &raw.language
        && !is_language_tag(lang)
    {
        out.push(
            Diagnostic::error(Code::BadLanguage, format!("`{lang}` is not a language tag"))
                .at(value_location(file, node, "language"))
                .help("use a BCP 47 tag such as `en`, `en-CA` or `fr`"),
        );
    }
    if let Some(doi) = &raw.doi
        && !is_doi(doi)
    {
        out.push(
            Diagnostic::error(Code::BadDoi, format!("`doi: {doi}` is not a DOI"))
                .at(value_location(file, node, "doi"))
                .help("write the DOI name alone, without https://doi.org/: e.g. `10.5281/zenodo.1234567`"),
        );
    }
    let status = raw.status.map(|st| {
        let st_node = node.and_then(|n| n.get("status"));
        let as_of = st.as_of.into_string();
        if !is_valid_date(&as_of) {
            out.push(
                Diagnostic::error(
                    Code::BadDate,
                    format!("status `as_of: {as_of}` is not a date"),
                )
                .at(value_location(file, st_node, "as_of"))
                .help("write dates as YYYY-MM-DD: the day you last checked the status"),
            );
        }
        if st.text.trim().is_empty() {
            out.push(
                Diagnostic::error(Code::EmptyNote, "status `text` is empty")
                    .at(value_location(file, st_node, "text")),
            );
        }
        StoryStatus {
            as_of,
            text: st.text,
            sources: sources(file, st_node, st.sources, out),
        }
    });
    let revisions_node = node.and_then(|n| n.get("revisions"));
    let mut revisions: Vec<Revision> = Vec::with_capacity(raw.revisions.len());
    for (i, r) in raw.revisions.into_iter().enumerate() {
        let item = revisions_node.and_then(|n| n.items().get(i));
        let date = r.date.into_string();
        if !is_valid_date(&date) {
            out.push(
                Diagnostic::error(
                    Code::BadDate,
                    format!("revision date `{date}` is not a date"),
                )
                .at(value_location(file, item, "date"))
                .help("write dates as YYYY-MM-DD"),
            );
        }
        if r.note.trim().is_empty() {
            out.push(
                Diagnostic::error(Code::EmptyNote, "revision `note` is empty")
                    .at(value_location(file, item, "note"))
                    .help("say what changed in the edition and why"),
            );
        }
        revisions.push(Revision { date, note: r.note });
    }
    // Oldest first, whatever order they were written in (dates are ISO, so
    // string order is date order); equal dates keep their written order.
    revisions.sort_by(|a, b| a.date.cmp(&b.date));
    Some(Meta {
        title,
        source: raw.source,
        source_url: raw.source_url,
        author: raw.author,
        published,
        retrieved,
        language: raw.language,
        summary: raw.summary,
        tags: raw.tags,
        draft: raw.draft,
        doi: raw.doi,
        title_note: raw.title_note,
        status,
        revisions,
    })
}

/// The anchor fields of an entry, as read.
struct RawSelector {
    exact: String,
    before: Option<Scalar>,
    after: Option<Scalar>,
    occurrence: Option<u32>,
    all: bool,
}

fn selector(
    file: &SourceFile,
    node: Option<&Node>,
    exact_key: &str,
    raw: RawSelector,
    out: &mut Diagnostics,
) -> Selector {
    let RawSelector {
        exact,
        before,
        after,
        occurrence,
        all,
    } = raw;
    let before = before.map(|t| t.into_string()).filter(|s| !s.is_empty());
    let after = after.map(|t| t.into_string()).filter(|s| !s.is_empty());
    let pick = match (occurrence, all) {
        (Some(_), true) => {
            out.push(
                Diagnostic::error(
                    Code::ConflictingSelectors,
                    "`occurrence` and `all: true` cannot be combined",
                )
                .at(value_location(file, node, "all"))
                .help("use `occurrence: N` for one match or `all: true` for every match"),
            );
            Pick::All
        }
        (Some(0), false) => {
            out.push(
                Diagnostic::error(Code::BadOccurrence, "`occurrence` counts from 1")
                    .at(value_location(file, node, "occurrence"))
                    .help("use `occurrence: 1` for the first match"),
            );
            Pick::Unique
        }
        (Some(n), false) => Pick::Nth(n),
        (None, true) => Pick::All,
        (None, false) => Pick::Unique,
    };
    if exact.is_empty() {
        out.push(
            Diagnostic::error(Code::EmptyAnchor, format!("`{exact_key}` is empty"))
                .at(value_location(file, node, exact_key))
                .help(format!("`{exact_key}` must be the exact text to match")),
        );
    } else if exact.trim().is_empty() {
        out.push(
            Diagnostic::error(Code::WhitespaceAnchor, format!("`{exact_key}` is only whitespace"))
                .at(value_location(file, node, exact_key))
                .help("include a neighbouring word or punctuation mark, e.g. `find: \" .\"` with `replace: \".\"`"),
        );
    }
    Selector {
        exact,
        before,
        after,
        pick,
    }
}

/// Parses and validates the text of a `corrections.yaml` (already read), exactly
/// as a build does (the entries are not matched against any text yet). `emend
/// suggest` runs the text it is about to write through this, so a suggestion can
/// never break the build; fuzzing and property tests use it to stay off the disk.
pub fn parse_corrections(file: &SourceFile, out: &mut Diagnostics) -> Option<Vec<CorrectionSpec>> {
    out.checked(|out| parse_correction_entries(file, out))
}

/// [`parse_corrections`], recording into a collector of its own. Lenient:
/// the entries come back even when values are wrong (an unknown `kind`,
/// reported), so the anchors of the others can still be checked; entries
/// whose anchor is wrong are left out. `None` only when the file cannot be
/// read as a list of entries.
pub(crate) fn parse_correction_entries(
    file: &SourceFile,
    out: &mut Diagnostics,
) -> Option<Vec<CorrectionSpec>> {
    let list = yaml::load_list::<CorrectionYaml>(file, &CORRECTION_SCHEMA, out)?;
    let mut specs = Vec::with_capacity(list.entries.len());
    for (raw, node) in list.entries {
        let node = node.as_ref();
        let pos = EntryPos::new(file, node, CORRECTION_SCHEMA.keys);
        let find = raw.find.into_string();
        let replace = raw.replace.into_string();
        let kind = match raw.kind.as_deref() {
            None => Kind::Other,
            Some(k) => Kind::parse(k).unwrap_or_else(|| {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                let help = match did_you_mean(k, &names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("use one of: {}", names.join(", ")),
                };
                out.push(
                    Diagnostic::error(Code::UnknownKind, format!("unknown correction kind `{k}`"))
                        .at(pos.of("kind").clone())
                        .help(help),
                );
                Kind::Other
            }),
        };
        let status = match raw.status.as_deref() {
            None | Some("reviewed") => Status::Reviewed,
            Some("suggested") => Status::Suggested,
            Some(s) => {
                out.push(
                    Diagnostic::error(Code::UnknownStatus, format!("unknown status `{s}`"))
                        .at(pos.of("status").clone())
                        .help("use `reviewed` (the default) or `suggested`"),
                );
                Status::Reviewed
            }
        };
        if let Some(c) = raw.confidence
            && !(0.0..=1.0).contains(&c)
        {
            out.push(
                Diagnostic::error(
                    Code::BadConfidence,
                    format!("confidence {c} is outside 0–1"),
                )
                .at(pos.of("confidence").clone()),
            );
        }
        let raw_selector = RawSelector {
            exact: find,
            before: raw.before,
            after: raw.after,
            occurrence: raw.occurrence,
            all: raw.all.unwrap_or(false),
        };
        let mark = out.len();
        let selector = selector(file, node, "find", raw_selector, out);
        // An entry whose anchor itself is wrong is not matched (its error
        // says why); the others still are, so their errors show too.
        let anchorable = !out[mark..].iter().any(Diagnostic::is_error);
        if selector.exact == replace && !selector.exact.is_empty() {
            out.push(
                Diagnostic::warning(
                    Code::NoOpCorrection,
                    "`replace` is the same as `find`; this correction changes nothing",
                )
                .at(pos.of("replace").clone())
                .help("remove the entry, or fix `replace`"),
            );
        }
        if raw.why.as_deref().is_none_or(|w| w.trim().is_empty()) {
            out.push(
                Diagnostic::warning(
                    Code::MissingWhy,
                    "correction has no `why`; readers will see it unexplained",
                )
                .at(pos.entry.clone())
                .help("add `why: \"...\"`, one sentence a reader understands"),
            );
        }
        if !anchorable {
            continue;
        }
        specs.push(CorrectionSpec {
            selector,
            replace,
            why: raw.why.filter(|w| !w.trim().is_empty()),
            kind,
            status,
            origin: raw.origin,
            confidence: raw.confidence,
            pos,
        });
    }
    Some(specs)
}

/// Validates the `sources` list of `parent` (an annotation or status block).
fn sources(
    file: &SourceFile,
    parent: Option<&Node>,
    raw: Vec<SourceYaml>,
    out: &mut Diagnostics,
) -> Vec<SourceRef> {
    let list = parent.and_then(|n| n.get("sources"));
    raw.into_iter()
        .enumerate()
        .map(|(i, s)| source(file, list.and_then(|n| n.items().get(i)), s, out))
        .collect()
}

/// Validates one cited source: addresses must be http(s), dates dates, the
/// type one of [`SourceType::ALL`].
fn source(
    file: &SourceFile,
    item: Option<&Node>,
    raw: SourceYaml,
    out: &mut Diagnostics,
) -> SourceRef {
    for (key, url) in [("url", Some(&raw.url)), ("archived", raw.archived.as_ref())] {
        if let Some(url) = url
            && !is_http_url(url)
        {
            out.push(
                Diagnostic::error(
                    Code::BadUrl,
                    format!("source {key} `{url}` is not an http(s) address"),
                )
                .at(value_location(file, item, key))
                .help("sources must be web pages readers can open: use an https:// address"),
            );
        }
    }
    let mut date = |t: Option<Scalar>, key: &str| -> Option<String> {
        let d = t?.into_string();
        if !is_valid_date(&d) {
            out.push(
                Diagnostic::error(Code::BadDate, format!("source {key} `{d}` is not a date"))
                    .at(value_location(file, item, key))
                    .help("write dates as YYYY-MM-DD"),
            );
        }
        Some(d)
    };
    let date_published = date(raw.date, "date");
    let accessed = date(raw.accessed, "accessed");
    let source_type = raw.source_type.as_deref().and_then(|name| {
        let parsed = SourceType::parse(name);
        if parsed.is_none() {
            let names: Vec<&str> = SourceType::ALL.iter().map(|t| t.as_str()).collect();
            let help = match did_you_mean(name, &names) {
                Some(m) => format!("did you mean `{m}`?"),
                None => format!("use one of: {}", names.join(", ")),
            };
            out.push(
                Diagnostic::error(
                    Code::UnknownSourceType,
                    format!("unknown source type `{name}`"),
                )
                .at(value_location(file, item, "type"))
                .help(help),
            );
        }
        parsed
    });
    SourceRef {
        title: raw.title,
        url: raw.url,
        publisher: raw.publisher,
        date: date_published,
        accessed,
        archived: raw.archived,
        source_type,
        url_at: value_location(file, item, "url"),
    }
}

/// Parses and validates an already-read `annotations.yaml`, reporting every
/// problem into `out`.
pub fn parse_annotations(file: &SourceFile, out: &mut Diagnostics) -> Option<Vec<AnnotationSpec>> {
    out.checked(|out| parse_annotation_entries(file, out))
}

/// [`parse_annotations`], recording into a collector of its own; lenient like
/// [`parse_correction_entries`].
pub(crate) fn parse_annotation_entries(
    file: &SourceFile,
    out: &mut Diagnostics,
) -> Option<Vec<AnnotationSpec>> {
    // Check the nested `sources` entries' keys before serde, so all typos show at once.
    let index = yaml::parse(file, out)?;
    if let Some(root) = &index.root {
        let mut worst = yaml::KeyStatus::Clean;
        for item in root.items() {
            if let Some(sources) = item.get("sources") {
                for s in sources.items() {
                    worst = worst.max(yaml::check_keys(file, s, &SOURCE_SCHEMA, out));
                }
            }
        }
        if worst == yaml::KeyStatus::Broken {
            return None;
        }
    }
    let list = yaml::load_list_from::<AnnotationYaml>(file, index, &ANNOTATION_SCHEMA, out)?;
    let mut specs = Vec::with_capacity(list.entries.len());
    for (raw, node) in list.entries {
        let node = node.as_ref();
        let pos = EntryPos::new(file, node, ANNOTATION_SCHEMA.keys);
        let mut anchorable = true;
        let side = match raw.on.as_deref() {
            None | Some("corrected") => Side::Corrected,
            Some("original") => Side::Original,
            Some(other) => {
                anchorable = false;
                out.push(
                    Diagnostic::error(Code::UnknownSide, format!("`on: {other}` is not a text"))
                        .at(pos.of("on").clone())
                        .help("use `on: original` to annotate the garbled text, or leave `on` out for the corrected text"),
                );
                Side::Corrected
            }
        };
        let quote = raw.quote.into_string();
        if quote.chars().count() > 400 {
            out.push(
                Diagnostic::warning(Code::LongQuote, format!("annotation quote is {} characters long", quote.chars().count()))
                    .at(pos.of("quote").clone())
                    .help("quote only the words the note is about; a short quote is easier to read and to re-anchor"),
            );
        }
        if raw.note.trim().is_empty() {
            out.push(
                Diagnostic::error(Code::EmptyNote, "`note` is empty").at(pos.of("note").clone()),
            );
        }
        let sources = sources(file, node, raw.sources, out);
        let raw_selector = RawSelector {
            exact: quote,
            before: raw.before,
            after: raw.after,
            occurrence: raw.occurrence,
            all: false,
        };
        let mark = out.len();
        let selector = selector(file, node, "quote", raw_selector, out);
        if !anchorable || out[mark..].iter().any(Diagnostic::is_error) {
            continue;
        }
        specs.push(AnnotationSpec {
            selector,
            side,
            note: raw.note,
            sources,
            pos,
        });
    }
    Some(specs)
}
