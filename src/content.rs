//! The content model: one folder per article under `content/`, holding the
//! original exactly as received, `meta.yaml`, `corrections.yaml` and
//! `annotations.yaml`. This module finds and loads those folders into typed,
//! validated [`Article`]s; it does not match anything against the text (that is
//! [`crate::engine`]'s job).

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::diagnostics::{Diagnostic, Location};
use crate::yaml::{self, Node, NodeKind, Schema, SourceFile, did_you_mean, value_location};

/// Slugs that would collide with pages the site itself generates.
pub const RESERVED_SLUGS: &[&str] = &["glossary", "static", "search", "pagefind", "tags", "feeds"];

/// The format of an original.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `original.txt`: plain text, one paragraph per line, nothing interpreted.
    Text,
    /// `original.md`: CommonMark with footnotes and tables.
    Markdown,
}

impl Format {
    /// File extension (`txt` or `md`).
    pub fn ext(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Markdown => "md",
        }
    }
}

/// Categories of corrections, used for styling, the glossary and statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A thesaurus swap ("mentioned" for "said").
    Synonym,
    /// A round-trip translation error.
    Mistranslation,
    /// A garbled name, title or organisation.
    Name,
    /// Numerals and quantities.
    Number,
    /// Grammar broken by translation.
    Grammar,
    /// Quotes, apostrophes, spaces before punctuation.
    Punctuation,
    /// Leftovers of the pipeline (`{that a}`, boilerplate).
    Artifact,
    /// Misspellings.
    Spelling,
    /// Layout and formatting.
    Formatting,
    /// Anything else.
    Other,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 10] = [
        Kind::Synonym,
        Kind::Mistranslation,
        Kind::Name,
        Kind::Number,
        Kind::Grammar,
        Kind::Punctuation,
        Kind::Artifact,
        Kind::Spelling,
        Kind::Formatting,
        Kind::Other,
    ];

    /// The YAML spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Synonym => "synonym",
            Kind::Mistranslation => "mistranslation",
            Kind::Name => "name",
            Kind::Number => "number",
            Kind::Grammar => "grammar",
            Kind::Punctuation => "punctuation",
            Kind::Artifact => "artifact",
            Kind::Spelling => "spelling",
            Kind::Formatting => "formatting",
            Kind::Other => "other",
        }
    }

    /// Parses the YAML spelling.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Whether a correction has been reviewed by an editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Written or accepted by an editor (the default).
    Reviewed,
    /// Proposed by `emend suggest`, not yet reviewed.
    Suggested,
}

/// Which text an anchor is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The text as received.
    Original,
    /// The text after corrections.
    Corrected,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Original => "original",
            Side::Corrected => "corrected text",
        })
    }
}

/// How to pick among several matches of an anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// Exactly one match is required.
    Unique,
    /// The N-th match (1-based).
    Nth(u32),
    /// Every match.
    All,
}

/// Where a text anchor is: exact text plus optional context, in the spirit of the
/// W3C Web Annotation TextQuoteSelector (exact + prefix + suffix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// The exact text.
    pub exact: String,
    /// Text that must immediately precede.
    pub before: Option<String>,
    /// Text that must immediately follow.
    pub after: Option<String>,
    /// Which of the matches.
    pub pick: Pick,
}

/// Where an entry and its fields are in its YAML file.
#[derive(Debug, Clone)]
pub struct EntryPos {
    /// The whole entry.
    pub entry: Location,
    fields: Vec<(&'static str, Location)>,
}

impl EntryPos {
    /// The location of a field's value, or of the entry if the field is absent.
    pub fn of(&self, field: &str) -> &Location {
        self.fields
            .iter()
            .find(|(name, _)| *name == field)
            .map_or(&self.entry, |(_, loc)| loc)
    }

    fn new(file: &SourceFile, node: Option<&Node>, fields: &[&'static str]) -> Self {
        let entry = match node {
            Some(n) => {
                // Point at the entry's first line, not its whole extent.
                let first_line_end = file.text[n.span.start..]
                    .find('\n')
                    .map_or(n.span.end, |i| n.span.start + i);
                file.location(n.span.start..first_line_end.min(n.span.end).max(n.span.start))
            }
            None => Location::file_only(&file.path),
        };
        let fields = fields
            .iter()
            .filter(|f| node.and_then(|n| n.key(f)).is_some())
            .map(|f| (*f, value_location(file, node, f)))
            .collect();
        EntryPos { entry, fields }
    }
}

/// One correction: garbled text in the original and its restoration.
#[derive(Debug, Clone)]
pub struct CorrectionSpec {
    /// Where the garbled text is.
    pub selector: Selector,
    /// The restored text (may be empty).
    pub replace: String,
    /// Reader-facing explanation.
    pub why: Option<String>,
    /// Category.
    pub kind: Kind,
    /// Reviewed or merely suggested.
    pub status: Status,
    /// Where a suggestion came from (`dictionary`, `site`), if it is one.
    pub origin: Option<String>,
    /// How sure the suggester was (0–1), if it is a suggestion.
    pub confidence: Option<f64>,
    /// Where the entry is in `corrections.yaml`.
    pub pos: EntryPos,
}

/// What kind of document a source is, so readers (and fact-checkers) can
/// weigh it: a court ruling is not a news report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceType {
    /// A primary document: an official report, a record of proceedings, a statement.
    Primary,
    /// A court record: a ruling, a filing.
    Court,
    /// A news report.
    News,
    /// A reference work: an encyclopedia, a dictionary, a database.
    Reference,
    /// Anything else.
    Other,
}

impl SourceType {
    /// Every type, as written in YAML.
    pub const ALL: [SourceType; 5] = [
        SourceType::Primary,
        SourceType::Court,
        SourceType::News,
        SourceType::Reference,
        SourceType::Other,
    ];

    /// The name used in YAML and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::Primary => "primary",
            SourceType::Court => "court",
            SourceType::News => "news",
            SourceType::Reference => "reference",
            SourceType::Other => "other",
        }
    }

    /// Parses a YAML name.
    pub fn parse(s: &str) -> Option<SourceType> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A source cited by an annotation or a status block.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SourceRef {
    /// Title of the cited page.
    pub title: String,
    /// Its http(s) address.
    pub url: String,
    /// Who published it.
    pub publisher: Option<String>,
    /// When it was published (YYYY-MM-DD).
    pub date: Option<String>,
    /// When the editor last read it at `url` (YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessed: Option<String>,
    /// An archived copy (e.g. the Wayback Machine), for when `url` changes or vanishes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived: Option<String>,
    /// What kind of document it is.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub source_type: Option<SourceType>,
}

/// A source as written in YAML, before validation.
#[derive(Debug, Clone, Deserialize)]
struct SourceYaml {
    title: String,
    url: String,
    publisher: Option<String>,
    date: Option<Text>,
    accessed: Option<Text>,
    archived: Option<String>,
    #[serde(rename = "type")]
    source_type: Option<String>,
}

/// "Where the story stands": later findings a reader should see before the
/// text, when the report was contested, corrected or overtaken by events.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct StoryStatus {
    /// When the editor last checked that this is current (YYYY-MM-DD).
    pub as_of: String,
    /// The status, in Markdown.
    pub text: String,
    /// Sources for it.
    pub sources: Vec<SourceRef>,
}

/// One dated revision of the edition itself (not of the original article).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Revision {
    /// When (YYYY-MM-DD).
    pub date: String,
    /// What changed in the edition and why.
    pub note: String,
}

/// One annotation: a passage and the footnote that gives its context.
#[derive(Debug, Clone)]
pub struct AnnotationSpec {
    /// Where the passage is.
    pub selector: Selector,
    /// Which text the passage is quoted from.
    pub side: Side,
    /// The note, in Markdown.
    pub note: String,
    /// Cited sources.
    pub sources: Vec<SourceRef>,
    /// Where the entry is in `annotations.yaml`.
    pub pos: EntryPos,
}

/// Article metadata from `meta.yaml`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Meta {
    /// Title of the article (as it should read, restored).
    pub title: String,
    /// Publication name.
    pub source: Option<String>,
    /// Address of the original publication.
    pub source_url: Option<String>,
    /// Byline.
    pub author: Option<String>,
    /// Publication date (YYYY-MM-DD).
    pub published: Option<String>,
    /// When the garbled copy was retrieved (YYYY-MM-DD).
    pub retrieved: Option<String>,
    /// Language of the article (BCP 47); defaults to the site's.
    pub language: Option<String>,
    /// What the edition restores.
    pub summary: Option<String>,
    /// Free tags.
    pub tags: Vec<String>,
    /// Drafts are not published unless `--drafts`.
    pub draft: bool,
    /// A DOI registered for this edition (`10.1234/abcd`), if any.
    pub doi: Option<String>,
    /// A note on the title (which wording is restored, variants seen), in Markdown.
    pub title_note: Option<String>,
    /// Where the story stands now, shown before the text.
    pub status: Option<StoryStatus>,
    /// The edition's revisions, oldest first.
    pub revisions: Vec<Revision>,
}

/// A loaded, validated article, ready for the correction engine.
#[derive(Debug, Clone)]
pub struct Article {
    /// The folder name, used in URLs.
    pub slug: String,
    /// The article folder.
    pub dir: PathBuf,
    /// Metadata.
    pub meta: Meta,
    /// The original's path (copied byte-for-byte into the output).
    pub original_path: PathBuf,
    /// The original, decoded.
    pub original: SourceFile,
    /// Plain text or Markdown.
    pub format: Format,
    /// Corrections in file order.
    pub corrections: Vec<CorrectionSpec>,
    /// Annotations in file order.
    pub annotations: Vec<AnnotationSpec>,
}

impl Article {
    /// In an original with CRLF line endings throughout, a line break written
    /// in YAML (`"two\nthree"`, or a block scalar, which YAML reads as `\n`)
    /// stands for the original's CRLF: anchors and replacements get CRLF too,
    /// so paragraph joins and splits work on Windows files.
    fn match_line_endings(&mut self) {
        let bytes = self.original.text.as_bytes();
        let crlf = bytes.windows(2).any(|w| w == b"\r\n");
        let lone_lf = bytes
            .iter()
            .enumerate()
            .any(|(i, &b)| b == b'\n' && (i == 0 || bytes[i - 1] != b'\r'));
        if !crlf || lone_lf {
            return;
        }
        let fix = |s: &mut String| {
            if s.contains('\n') {
                *s = s.replace("\r\n", "\n").replace('\n', "\r\n");
            }
        };
        let fix_selector = |sel: &mut Selector| {
            fix(&mut sel.exact);
            sel.before.as_mut().map(fix);
            sel.after.as_mut().map(fix);
        };
        for c in &mut self.corrections {
            fix_selector(&mut c.selector);
            fix(&mut c.replace);
        }
        for a in &mut self.annotations {
            fix_selector(&mut a.selector);
        }
    }
}

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

/// A string field that also accepts YAML numbers and booleans (`find: 2`), whose
/// exact spelling is then taken from the YAML text itself.
#[derive(Debug, Clone, Default)]
struct Text {
    value: String,
    native: bool,
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text {
                    value: v.to_string(),
                    native: true,
                })
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text {
                    value: v,
                    native: true,
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text {
                    value: v.to_string(),
                    native: false,
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text {
                    value: v.to_string(),
                    native: false,
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text {
                    value: v.to_string(),
                    native: false,
                })
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text {
                    value: v.to_string(),
                    native: false,
                })
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text {
                    value: String::new(),
                    native: true,
                })
            }
            fn visit_none<E: de::Error>(self) -> Result<Text, E> {
                self.visit_unit()
            }
        }
        d.deserialize_any(V)
    }
}

impl Text {
    /// The value exactly as written in the file when serde saw a number or boolean.
    fn resolve(self, node: Option<&Node>, key: &str) -> String {
        if !self.native
            && let Some(NodeKind::Scalar(raw)) = node.and_then(|n| n.get(key)).map(|v| &v.kind)
        {
            return raw.clone();
        }
        self.value
    }
}

#[derive(Debug, Deserialize)]
struct CorrectionYaml {
    find: Text,
    replace: Text,
    why: Option<String>,
    kind: Option<String>,
    occurrence: Option<u32>,
    all: Option<bool>,
    before: Option<Text>,
    after: Option<Text>,
    status: Option<String>,
    origin: Option<String>,
    confidence: Option<f64>,
}

#[derive(Debug, Deserialize)]
struct AnnotationYaml {
    quote: Text,
    note: String,
    #[serde(default)]
    sources: Vec<SourceYaml>,
    on: Option<String>,
    occurrence: Option<u32>,
    before: Option<Text>,
    after: Option<Text>,
}

#[derive(Debug, Deserialize)]
struct MetaYaml {
    title: Text,
    source: Option<String>,
    source_url: Option<String>,
    author: Option<String>,
    published: Option<Text>,
    retrieved: Option<Text>,
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
    as_of: Text,
    text: String,
    #[serde(default)]
    sources: Vec<SourceYaml>,
}

#[derive(Debug, Deserialize)]
struct RevisionYaml {
    date: Text,
    note: String,
}

/// Whether `slug` follows the rule `[a-z0-9-]+`.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A slug suggestion for an invalid folder name (`Han Dong!` → `han-dong`).
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Checks the slug rule, returning a diagnostic that states it.
pub fn check_slug(slug: &str, at: Location) -> Result<(), Diagnostic> {
    if !is_valid_slug(slug) {
        let suggestion = slugify(slug);
        let mut d = Diagnostic::error("bad-slug", format!("`{slug}` is not a valid article slug"))
            .at(at)
            .label("article folder")
            .note("slugs become URLs: use only lowercase letters a-z, digits 0-9 and hyphens (`[a-z0-9-]+`)");
        if !suggestion.is_empty() {
            d = d.help(format!("rename the folder to `{suggestion}`"));
        }
        return Err(d);
    }
    if RESERVED_SLUGS.contains(&slug) {
        return Err(Diagnostic::error(
            "reserved-slug",
            format!("`{slug}` is reserved for a page emend generates"),
        )
        .at(at)
        .help(format!(
            "choose another folder name; reserved: {}",
            RESERVED_SLUGS.join(", ")
        )));
    }
    Ok(())
}

/// A simple BCP 47 shape check: `en`, `en-CA`, `zh-Hans-CN`.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Checks a `YYYY-MM-DD` date.
pub fn is_valid_date(s: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    s.len() == 10 && time::Date::parse(s, format).is_ok()
}

/// Whether `url` is an absolute http(s) URL with a host.
pub fn is_http_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

/// What discovery makes of one entry of `content/`.
#[derive(Debug)]
pub enum Entry {
    /// An article folder.
    Article(PathBuf),
    /// Not there, or hidden (a name starting with `.`): silently skipped.
    Absent,
    /// Refused or ignored, with the reason (a link leading outside the site,
    /// a stray file).
    Refused(Diagnostic),
}

/// Classifies the entry `name` of `content/` exactly as [`discover`] does, so
/// that `serve` can look at the folders an edit touched without listing all
/// of them.
pub fn discover_entry(root: &Path, name: &OsStr) -> Entry {
    let shown = name.to_string_lossy();
    if shown.starts_with('.') || shown.is_empty() {
        return Entry::Absent;
    }
    let content = root.join("content");
    // `serve` classifies entries without `discover_entries`: check the folder too.
    if let Err(d) = check_path_inside(root, &content) {
        return Entry::Refused(d);
    }
    let path = content.join(name);
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return Entry::Absent;
    };
    if meta.file_type().is_symlink()
        && let Err(d) = check_symlink(root, &path)
    {
        return Entry::Refused(d);
    }
    if path.is_dir() {
        Entry::Article(path)
    } else {
        Entry::Refused(
            Diagnostic::warning("stray-file", format!("`{shown}` in content/ is not an article folder; ignored"))
                .at(Location::file_only(&path))
                .help("each article is a folder `content/<slug>/` holding original.txt or original.md and meta.yaml"),
        )
    }
}

/// The article folders under `content/`, sorted by name. Non-folders are
/// reported as warnings (hidden files are ignored).
pub fn discover(root: &Path, out: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    discover_entries(root, out)
        .into_iter()
        .filter_map(|(_, entry)| match entry {
            Entry::Article(path) => Some(path),
            Entry::Absent => None,
            Entry::Refused(d) => {
                out.push(d);
                None
            }
        })
        .collect()
}

/// Every entry of `content/` by name, sorted, classified by
/// [`discover_entry`]. Errors reading the folder itself go to `out`.
pub fn discover_entries(root: &Path, out: &mut Vec<Diagnostic>) -> Vec<(OsString, Entry)> {
    let content = root.join("content");
    // `content/` itself may be a link out of the site: one error, not one per entry.
    if let Err(d) = check_path_inside(root, &content) {
        out.push(d);
        return Vec::new();
    }
    if !content.is_dir() {
        out.push(
            Diagnostic::error(
                "no-content",
                format!("no content folder at {}", content.display()),
            )
            .help("create `content/<slug>/` folders, one per article, or run `emend new <slug>`"),
        );
        return Vec::new();
    }
    let walker = walkdir::WalkDir::new(&content)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name();
    let mut entries = Vec::new();
    for entry in walker {
        match entry {
            Ok(e) => {
                let name = e.file_name().to_os_string();
                let entry = discover_entry(root, &name);
                entries.push((name, entry));
            }
            Err(e) => out.push(
                Diagnostic::error("io", format!("cannot read {}: {e}", content.display()))
                    .at(Location::file_only(&content)),
            ),
        }
    }
    entries
}

/// Refuses a symlink whose target lies outside the site root: content from outside
/// the site would be published without the owner noticing.
pub fn check_symlink(root: &Path, path: &Path) -> Result<(), Diagnostic> {
    let target = std::fs::canonicalize(path);
    let root = std::fs::canonicalize(root);
    let shown = crate::diagnostics::display_path(path);
    match (target, root) {
        (Ok(t), Ok(r)) if t.starts_with(&r) => Ok(()),
        (Ok(t), _) => Err(Diagnostic::error(
            "symlink-outside",
            format!(
                "{shown} is a symbolic link to {}, outside the site",
                t.display()
            ),
        )
        .at(Location::file_only(path))
        .help("copy the files into the site instead of linking to them")),
        (Err(e), _) => Err(Diagnostic::error(
            "broken-symlink",
            format!("{shown} is a broken link: {e}"),
        )
        .at(Location::file_only(path))),
    }
}

/// Checks every folder on the way from `root` to `path` (a folder emend is
/// about to read, such as `content/` or `themes/<name>/templates/`): a link
/// among them that leads outside the site is refused like a linked file.
pub fn check_path_inside(root: &Path, path: &Path) -> Result<(), Diagnostic> {
    let Ok(rel) = path.strip_prefix(root) else {
        return Ok(());
    };
    let mut current = root.to_path_buf();
    for part in rel.components() {
        current.push(part);
        if current
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            check_symlink(root, &current)?;
        }
    }
    Ok(())
}

/// What loading one article folder produced.
pub enum Loaded {
    /// A valid article.
    Article(Box<Article>),
    /// A draft, skipped without loading its texts.
    SkippedDraft,
    /// The article had errors (already reported).
    Failed,
}

/// The files an article folder may contain.
const KNOWN_FILES: &[&str] = &[
    "original.txt",
    "original.md",
    "meta.yaml",
    "corrections.yaml",
    "annotations.yaml",
];

/// Loads one article folder. Problems are pushed to `out`; warnings do not fail it.
pub fn load_article(
    root: &Path,
    dir: &Path,
    include_drafts: bool,
    out: &mut Vec<Diagnostic>,
) -> Loaded {
    let errors_before = out.iter().filter(|d| d.is_error()).count();
    let slug = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Err(d) = check_slug(&slug, Location::file_only(dir)) {
        out.push(d);
        return Loaded::Failed;
    }
    // Look at what is in the folder: typos in file names are a common mistake.
    let mut originals = Vec::new();
    let mut refused_original = false;
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut names: Vec<_> = entries.flatten().collect();
        names.sort_by_key(|e| e.file_name());
        for e in names {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let path = e.path();
            if e.file_type().is_ok_and(|t| t.is_symlink())
                && let Err(d) = check_symlink(root, &path)
            {
                out.push(d);
                refused_original |= name == "original.txt" || name == "original.md";
                continue;
            }
            if name == "original.txt" || name == "original.md" {
                originals.push(path);
            } else if !KNOWN_FILES.contains(&name.as_str()) {
                let mut d = Diagnostic::warning(
                    "unknown-file",
                    format!("unexpected file `{name}` in article `{slug}`; ignored"),
                )
                .at(Location::file_only(&path));
                if let Some(s) = did_you_mean(&name, KNOWN_FILES) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                out.push(d);
            }
        }
    }
    let meta_path = dir.join("meta.yaml");
    let meta = if meta_path.is_file() {
        load_meta(&meta_path, out)
    } else {
        out.push(
            Diagnostic::error("missing-meta", format!("article `{slug}` has no meta.yaml"))
                .at(Location::file_only(dir))
                .help("create meta.yaml with at least `title: \"...\"`"),
        );
        None
    };
    if let Some(m) = &meta
        && m.draft
        && !include_drafts
    {
        return Loaded::SkippedDraft;
    }
    let (original_path, format) = match originals.as_slice() {
        [one] => {
            let format = if one.extension().is_some_and(|e| e == "md") {
                Format::Markdown
            } else {
                Format::Text
            };
            (one.clone(), format)
        }
        // The refused link was reported; "no original" would only confuse.
        [] if refused_original => return Loaded::Failed,
        [] => {
            out.push(
                Diagnostic::error("missing-original", format!("article `{slug}` has no original.txt or original.md"))
                    .at(Location::file_only(dir))
                    .help("put the article exactly as received into original.txt (one paragraph per line) or original.md (Markdown)"),
            );
            return Loaded::Failed;
        }
        _ => {
            out.push(
                Diagnostic::error(
                    "two-originals",
                    format!("article `{slug}` has both original.txt and original.md"),
                )
                .at(Location::file_only(dir))
                .help("keep exactly one original"),
            );
            return Loaded::Failed;
        }
    };
    let original = match SourceFile::read(&original_path) {
        Ok(f) => f,
        Err(d) => {
            out.push(d);
            return Loaded::Failed;
        }
    };
    if let Err(d) = check_original(&slug, &original) {
        out.push(d);
        return Loaded::Failed;
    }
    let corrections = load_corrections(&dir.join("corrections.yaml"), out);
    let annotations = load_annotations(&dir.join("annotations.yaml"), out);
    let errors_after = out.iter().filter(|d| d.is_error()).count();
    match (meta, corrections, annotations) {
        (Some(meta), Some(corrections), Some(annotations)) if errors_after == errors_before => {
            let mut article = Article {
                slug,
                dir: dir.to_path_buf(),
                meta,
                original_path,
                original,
                format,
                corrections,
                annotations,
            };
            article.match_line_endings();
            Loaded::Article(Box::new(article))
        }
        _ => Loaded::Failed,
    }
}

fn check_original(slug: &str, original: &SourceFile) -> Result<(), Diagnostic> {
    if original.text.trim().is_empty() {
        return Err(Diagnostic::error(
            "empty-original",
            format!("the original of `{slug}` is empty"),
        )
        .at(Location::file_only(&original.path))
        .help("paste the article text exactly as received"));
    }
    Ok(())
}

/// The files of one article, held in memory.
#[derive(Debug, Clone, Copy)]
pub struct ArticleTexts<'a> {
    /// The folder name.
    pub slug: &'a str,
    /// The original's format.
    pub format: Format,
    /// `original.txt` / `original.md`, as bytes.
    pub original: &'a [u8],
    /// `meta.yaml`.
    pub meta: &'a [u8],
    /// `corrections.yaml`, if the article has one.
    pub corrections: Option<&'a [u8]>,
    /// `annotations.yaml`, if the article has one.
    pub annotations: Option<&'a [u8]>,
}

/// Loads an article from in-memory files, applying exactly the checks
/// [`load_article`] applies to a folder (drafts are not skipped). Diagnostics
/// name the files `content/<slug>/...`. This is the entry point for fuzzing and
/// property tests, which must not touch the disk for every case.
pub fn article_from_texts(texts: &ArticleTexts<'_>, out: &mut Vec<Diagnostic>) -> Option<Article> {
    let errors_before = out.iter().filter(|d| d.is_error()).count();
    let dir = Path::new("content").join(texts.slug);
    if let Err(d) = check_slug(texts.slug, Location::file_only(&dir)) {
        out.push(d);
        return None;
    }
    let read = |name: &str, bytes: &[u8], out: &mut Vec<Diagnostic>| {
        SourceFile::from_bytes(&dir.join(name), bytes.to_vec())
            .map_err(|d| out.push(d))
            .ok()
    };
    let meta = read("meta.yaml", texts.meta, out).and_then(|f| parse_meta(&f, out));
    let original_name = format!("original.{}", texts.format.ext());
    let original = read(&original_name, texts.original, out)?;
    if let Err(d) = check_original(texts.slug, &original) {
        out.push(d);
        return None;
    }
    let corrections = match texts.corrections {
        Some(b) => read("corrections.yaml", b, out).and_then(|f| parse_corrections(&f, out)),
        None => Some(Vec::new()),
    };
    let annotations = match texts.annotations {
        Some(b) => read("annotations.yaml", b, out).and_then(|f| parse_annotations(&f, out)),
        None => Some(Vec::new()),
    };
    let errors_after = out.iter().filter(|d| d.is_error()).count();
    match (meta, corrections, annotations) {
        (Some(meta), Some(corrections), Some(annotations)) if errors_after == errors_before => {
            let mut article = Article {
                slug: texts.slug.to_string(),
                original_path: dir.join(&original_name),
                dir,
                meta,
                original,
                format: texts.format,
                corrections,
                annotations,
            };
            article.match_line_endings();
            Some(article)
        }
        _ => None,
    }
}

fn read_optional(path: &Path, out: &mut Vec<Diagnostic>) -> Option<Option<SourceFile>> {
    if !path.exists() {
        return Some(None);
    }
    match SourceFile::read(path) {
        Ok(f) => Some(Some(f)),
        Err(d) => {
            out.push(d);
            None
        }
    }
}

fn load_meta(path: &Path, out: &mut Vec<Diagnostic>) -> Option<Meta> {
    match SourceFile::read(path) {
        Ok(file) => parse_meta(&file, out),
        Err(d) => {
            out.push(d);
            None
        }
    }
}

/// Parses and validates an already-read `meta.yaml`, reporting every problem into `out`.
pub fn parse_meta(file: &SourceFile, out: &mut Vec<Diagnostic>) -> Option<Meta> {
    let before = out.len();
    // The nested blocks' keys are checked before serde, so all typos show at once.
    if let Some(root) = yaml::YamlIndex::build(&file.text).and_then(|i| i.root) {
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
    let (raw, node) = yaml::load_map::<MetaYaml>(file, &META_SCHEMA, out)?;
    let node = node.as_ref();
    let title = raw.title.resolve(node, "title");
    if title.trim().is_empty() {
        out.push(
            Diagnostic::error("empty-title", "`title` is empty")
                .at(value_location(file, node, "title")),
        );
    }
    if let Some(url) = &raw.source_url
        && !is_http_url(url)
    {
        out.push(
            Diagnostic::error(
                "bad-url",
                format!("source_url `{url}` is not an http(s) address"),
            )
            .at(value_location(file, node, "source_url"))
            .help("use the full address of the original publication, starting with https://"),
        );
    }
    let mut date = |t: Option<Text>, key: &str| -> Option<String> {
        let s = t?.resolve(node, key);
        if !is_valid_date(&s) {
            out.push(
                Diagnostic::error("bad-date", format!("`{key}: {s}` is not a date"))
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
            Diagnostic::error("bad-language", format!("`{lang}` is not a language tag"))
                .at(value_location(file, node, "language"))
                .help("use a BCP 47 tag such as `en`, `en-CA` or `fr`"),
        );
    }
    if let Some(doi) = &raw.doi
        && !is_doi(doi)
    {
        out.push(
            Diagnostic::error("bad-doi", format!("`doi: {doi}` is not a DOI"))
                .at(value_location(file, node, "doi"))
                .help("write the DOI name alone, without https://doi.org/: e.g. `10.5281/zenodo.1234567`"),
        );
    }
    let status = raw.status.map(|st| {
        let st_node = node.and_then(|n| n.get("status"));
        let as_of = st.as_of.resolve(st_node, "as_of");
        if !is_valid_date(&as_of) {
            out.push(
                Diagnostic::error("bad-date", format!("status `as_of: {as_of}` is not a date"))
                    .at(value_location(file, st_node, "as_of"))
                    .help("write dates as YYYY-MM-DD: the day you last checked the status"),
            );
        }
        if st.text.trim().is_empty() {
            out.push(
                Diagnostic::error("empty-note", "status `text` is empty")
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
        let date = r.date.resolve(item, "date");
        if !is_valid_date(&date) {
            out.push(
                Diagnostic::error("bad-date", format!("revision date `{date}` is not a date"))
                    .at(value_location(file, item, "date"))
                    .help("write dates as YYYY-MM-DD"),
            );
        }
        if r.note.trim().is_empty() {
            out.push(
                Diagnostic::error("empty-note", "revision `note` is empty")
                    .at(value_location(file, item, "note"))
                    .help("say what changed in the edition and why"),
            );
        }
        revisions.push(Revision { date, note: r.note });
    }
    // Oldest first, whatever order they were written in (dates are ISO, so
    // string order is date order); equal dates keep their written order.
    revisions.sort_by(|a, b| a.date.cmp(&b.date));
    if out[before..].iter().any(|d| d.is_error()) {
        return None;
    }
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
    before: Option<Text>,
    after: Option<Text>,
    occurrence: Option<u32>,
    all: bool,
}

fn selector(
    file: &SourceFile,
    node: Option<&Node>,
    exact_key: &str,
    raw: RawSelector,
    out: &mut Vec<Diagnostic>,
) -> Selector {
    let RawSelector {
        exact,
        before,
        after,
        occurrence,
        all,
    } = raw;
    let before = before
        .map(|t| t.resolve(node, "before"))
        .filter(|s| !s.is_empty());
    let after = after
        .map(|t| t.resolve(node, "after"))
        .filter(|s| !s.is_empty());
    let pick = match (occurrence, all) {
        (Some(_), true) => {
            out.push(
                Diagnostic::error(
                    "conflicting-selectors",
                    "`occurrence` and `all: true` cannot be combined",
                )
                .at(value_location(file, node, "all"))
                .help("use `occurrence: N` for one match or `all: true` for every match"),
            );
            Pick::All
        }
        (Some(0), false) => {
            out.push(
                Diagnostic::error("bad-occurrence", "`occurrence` counts from 1")
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
            Diagnostic::error("empty-anchor", format!("`{exact_key}` is empty"))
                .at(value_location(file, node, exact_key))
                .help(format!("`{exact_key}` must be the exact text to match")),
        );
    } else if exact.trim().is_empty() {
        out.push(
            Diagnostic::error("whitespace-anchor", format!("`{exact_key}` is only whitespace"))
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

fn load_corrections(path: &Path, out: &mut Vec<Diagnostic>) -> Option<Vec<CorrectionSpec>> {
    let Some(file) = read_optional(path, out)? else {
        return Some(Vec::new());
    };
    parse_corrections(&file, out)
}

/// Parses and validates the text of a `corrections.yaml` (already read), exactly
/// as a build does (the entries are not matched against any text yet). `emend
/// suggest` runs the text it is about to write through this, so a suggestion can
/// never break the build; fuzzing and property tests use it to stay off the disk.
pub fn parse_corrections(
    file: &SourceFile,
    out: &mut Vec<Diagnostic>,
) -> Option<Vec<CorrectionSpec>> {
    let before = out.iter().filter(|d| d.is_error()).count();
    let list = yaml::load_list::<CorrectionYaml>(file, &CORRECTION_SCHEMA, out)?;
    let mut specs = Vec::with_capacity(list.entries.len());
    for (raw, node) in list.entries {
        let node = node.as_ref();
        let pos = EntryPos::new(file, node, CORRECTION_SCHEMA.keys);
        let find = raw.find.resolve(node, "find");
        let replace = raw.replace.resolve(node, "replace");
        let kind = match raw.kind.as_deref() {
            None => Kind::Other,
            Some(k) => Kind::parse(k).unwrap_or_else(|| {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                let help = match did_you_mean(k, &names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("use one of: {}", names.join(", ")),
                };
                out.push(
                    Diagnostic::error("unknown-kind", format!("unknown correction kind `{k}`"))
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
                    Diagnostic::error("unknown-status", format!("unknown status `{s}`"))
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
                Diagnostic::error("bad-confidence", format!("confidence {c} is outside 0–1"))
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
        let selector = selector(file, node, "find", raw_selector, out);
        if selector.exact == replace && !selector.exact.is_empty() {
            out.push(
                Diagnostic::warning(
                    "no-op-correction",
                    "`replace` is the same as `find`; this correction changes nothing",
                )
                .at(pos.of("replace").clone())
                .help("remove the entry, or fix `replace`"),
            );
        }
        if raw.why.as_deref().is_none_or(|w| w.trim().is_empty()) {
            out.push(
                Diagnostic::warning(
                    "missing-why",
                    "correction has no `why`; readers will see it unexplained",
                )
                .at(pos.entry.clone())
                .help("add `why: \"...\"`, one sentence a reader understands"),
            );
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
    let after = out.iter().filter(|d| d.is_error()).count();
    (after == before).then_some(specs)
}

/// Validates the `sources` list of `parent` (an annotation or status block).
fn sources(
    file: &SourceFile,
    parent: Option<&Node>,
    raw: Vec<SourceYaml>,
    out: &mut Vec<Diagnostic>,
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
    out: &mut Vec<Diagnostic>,
) -> SourceRef {
    for (key, url) in [("url", Some(&raw.url)), ("archived", raw.archived.as_ref())] {
        if let Some(url) = url
            && !is_http_url(url)
        {
            out.push(
                Diagnostic::error(
                    "bad-url",
                    format!("source {key} `{url}` is not an http(s) address"),
                )
                .at(value_location(file, item, key))
                .help("sources must be web pages readers can open: use an https:// address"),
            );
        }
    }
    let mut date = |t: Option<Text>, key: &str| -> Option<String> {
        let d = t?.resolve(item, key);
        if !is_valid_date(&d) {
            out.push(
                Diagnostic::error("bad-date", format!("source {key} `{d}` is not a date"))
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
                    "unknown-source-type",
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
    }
}

/// Whether `doi` looks like a DOI name (`10.` prefix, a registrant code, `/`, a suffix).
pub fn is_doi(doi: &str) -> bool {
    let Some((prefix, suffix)) = doi.split_once('/') else {
        return false;
    };
    let Some(registrant) = prefix.strip_prefix("10.") else {
        return false;
    };
    !registrant.is_empty()
        && registrant.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !suffix.is_empty()
        && !suffix.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn load_annotations(path: &Path, out: &mut Vec<Diagnostic>) -> Option<Vec<AnnotationSpec>> {
    match read_optional(path, out)? {
        Some(file) => parse_annotations(&file, out),
        None => Some(Vec::new()),
    }
}

/// Parses and validates an already-read `annotations.yaml`, reporting every
/// problem into `out`.
pub fn parse_annotations(
    file: &SourceFile,
    out: &mut Vec<Diagnostic>,
) -> Option<Vec<AnnotationSpec>> {
    // Check the nested `sources` entries' keys before serde, so all typos show at once.
    if let Some(root) = yaml::YamlIndex::build(&file.text).and_then(|i| i.root) {
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
    let before = out.iter().filter(|d| d.is_error()).count();
    let list = yaml::load_list::<AnnotationYaml>(file, &ANNOTATION_SCHEMA, out)?;
    let mut specs = Vec::with_capacity(list.entries.len());
    for (raw, node) in list.entries {
        let node = node.as_ref();
        let pos = EntryPos::new(file, node, ANNOTATION_SCHEMA.keys);
        let side = match raw.on.as_deref() {
            None | Some("corrected") => Side::Corrected,
            Some("original") => Side::Original,
            Some(other) => {
                out.push(
                    Diagnostic::error("unknown-side", format!("`on: {other}` is not a text"))
                        .at(pos.of("on").clone())
                        .help("use `on: original` to annotate the garbled text, or leave `on` out for the corrected text"),
                );
                Side::Corrected
            }
        };
        let quote = raw.quote.resolve(node, "quote");
        if quote.chars().count() > 400 {
            out.push(
                Diagnostic::warning("long-quote", format!("annotation quote is {} characters long", quote.chars().count()))
                    .at(pos.of("quote").clone())
                    .help("quote only the words the note is about; a short quote is easier to read and to re-anchor"),
            );
        }
        if raw.note.trim().is_empty() {
            out.push(Diagnostic::error("empty-note", "`note` is empty").at(pos.of("note").clone()));
        }
        let sources = sources(file, node, raw.sources, out);
        let raw_selector = RawSelector {
            exact: quote,
            before: raw.before,
            after: raw.after,
            occurrence: raw.occurrence,
            all: false,
        };
        let selector = selector(file, node, "quote", raw_selector, out);
        specs.push(AnnotationSpec {
            selector,
            side,
            note: raw.note,
            sources,
            pos,
        });
    }
    let after = out.iter().filter(|d| d.is_error()).count();
    (after == before).then_some(specs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article_dir(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("content").join("a-1");
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        (root, dir)
    }

    fn load(files: &[(&str, &str)]) -> (Option<Article>, Vec<Diagnostic>) {
        let (root, dir) = article_dir(files);
        let mut out = Vec::new();
        let a = match load_article(root.path(), &dir, false, &mut out) {
            Loaded::Article(a) => Some(*a),
            _ => None,
        };
        (a, out)
    }

    #[test]
    fn slug_rule() {
        assert!(is_valid_slug("han-dong-2023"));
        for bad in ["Han", "a_b", "a b", "..", "é", ""] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
        assert_eq!(slugify("Han Dong!"), "han-dong");
        let d = check_slug(
            "Bad Slug",
            Location::file_only(Path::new("content/Bad Slug")),
        )
        .unwrap_err();
        assert_eq!(d.help.as_deref(), Some("rename the folder to `bad-slug`"));
        assert_eq!(
            check_slug("glossary", Location::file_only(Path::new("x")))
                .unwrap_err()
                .code,
            "reserved-slug"
        );
    }

    #[test]
    fn loads_a_complete_article() {
        let (a, out) = load(&[
            ("original.txt", "He mentioned 2 things.\n"),
            ("meta.yaml", "title: T\npublished: 2023-03-22\n"),
            (
                "corrections.yaml",
                "- find: mentioned\n  replace: said\n  kind: synonym\n  why: w\n- find: 2\n  replace: two\n  kind: number\n  why: w\n",
            ),
            (
                "annotations.yaml",
                "- quote: said\n  note: A *note*.\n  sources:\n    - title: S\n      url: https://example.org/\n",
            ),
        ]);
        assert!(out.is_empty(), "{out:?}");
        let a = a.unwrap();
        assert_eq!(a.format, Format::Text);
        assert_eq!(a.corrections.len(), 2);
        // a bare YAML number is taken as the text it spells
        assert_eq!(a.corrections[1].selector.exact, "2");
        assert_eq!(a.corrections[1].pos.of("find").line, 5);
        assert_eq!(a.annotations[0].side, Side::Corrected);
    }

    #[test]
    fn line_breaks_in_anchors_follow_a_crlf_original() {
        let corrections = "- find: \"two\\nthree\"\n  replace: \"two\\nand three\"\n  why: w\n";
        let (a, out) = load(&[
            ("original.txt", "one two\r\nthree four\r\n"),
            ("meta.yaml", "title: T\n"),
            ("corrections.yaml", corrections),
        ]);
        assert!(out.is_empty(), "{out:?}");
        let a = a.unwrap();
        assert_eq!(a.corrections[0].selector.exact, "two\r\nthree");
        assert_eq!(a.corrections[0].replace, "two\r\nand three");
        // Mixed line endings: nothing is guessed.
        let (a, _) = load(&[
            ("original.txt", "one two\r\nthree\nfour"),
            ("meta.yaml", "title: T\n"),
            ("corrections.yaml", corrections),
        ]);
        assert_eq!(a.unwrap().corrections[0].selector.exact, "two\nthree");
    }

    #[test]
    fn numbers_keep_their_spelling() {
        let (a, out) = load(&[
            ("original.txt", "costs 2.50 now"),
            ("meta.yaml", "title: T\n"),
            (
                "corrections.yaml",
                "- find: 2.50\n  replace: 2.5O\n  why: w\n",
            ),
        ]);
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(a.unwrap().corrections[0].selector.exact, "2.50");
    }

    #[test]
    fn field_errors_are_all_reported() {
        let (a, out) = load(&[
            ("original.txt", "x"),
            (
                "meta.yaml",
                "title: T\npublished: 22/03/2023\nsource_url: javascript:alert(1)\n",
            ),
            (
                "corrections.yaml",
                "- find: \" \"\n  replace: x\n  why: w\n- find: a\n  replace: b\n  kind: synonim\n  why: w\n  occurrence: 1\n  all: true\n",
            ),
        ]);
        assert!(a.is_none());
        let codes: Vec<_> = out.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                "bad-url",
                "bad-date",
                "whitespace-anchor",
                "unknown-kind",
                "conflicting-selectors"
            ]
        );
        let kind = out.iter().find(|d| d.code == "unknown-kind").unwrap();
        assert_eq!(kind.help.as_deref(), Some("did you mean `synonym`?"));
        assert_eq!(kind.location.as_ref().unwrap().line, 6);
    }

    #[test]
    fn drafts_are_skipped_without_loading_texts() {
        let (root, dir) = article_dir(&[("meta.yaml", "title: T\ndraft: true\n")]);
        let mut out = Vec::new();
        assert!(matches!(
            load_article(root.path(), &dir, false, &mut out),
            Loaded::SkippedDraft
        ));
        assert!(out.is_empty());
        assert!(matches!(
            load_article(root.path(), &dir, true, &mut out),
            Loaded::Failed
        ));
        assert_eq!(out[0].code, "missing-original");
    }

    #[test]
    fn misspelt_files_get_a_hint() {
        let (_, out) = load(&[
            ("original.txt", "x"),
            ("meta.yaml", "title: T\n"),
            ("correction.yaml", ""),
        ]);
        assert_eq!(out[0].code, "unknown-file");
        assert_eq!(
            out[0].help.as_deref(),
            Some("did you mean `corrections.yaml`?")
        );
    }

    #[test]
    fn sources_carry_access_dates_archives_and_types() {
        let (a, out) = load(&[
            ("original.txt", "x"),
            ("meta.yaml", "title: T\n"),
            (
                "annotations.yaml",
                "- quote: x\n  note: n\n  sources:\n    - title: S\n      url: https://e.org/a\n      accessed: 2026-12-01\n      archived: https://web.archive.org/web/2024/https://e.org/a\n      type: court\n",
            ),
        ]);
        assert!(out.is_empty(), "{out:?}");
        let s = &a.unwrap().annotations[0].sources[0];
        assert_eq!(s.accessed.as_deref(), Some("2026-12-01"));
        assert_eq!(
            s.archived.as_deref(),
            Some("https://web.archive.org/web/2024/https://e.org/a")
        );
        assert_eq!(s.source_type, Some(SourceType::Court));
    }

    #[test]
    fn bad_source_fields_are_each_located() {
        let (a, out) = load(&[
            ("original.txt", "x"),
            ("meta.yaml", "title: T\n"),
            (
                "annotations.yaml",
                "- quote: x\n  note: n\n  sources:\n    - title: S\n      url: https://e.org/a\n      accessed: yesterday\n      archived: ftp://e.org/a\n      type: cort\n",
            ),
        ]);
        assert!(a.is_none());
        let mut found: Vec<_> = out
            .iter()
            .map(|d| {
                (
                    d.code,
                    d.location.as_ref().unwrap().line,
                    d.help.clone().unwrap_or_default(),
                )
            })
            .collect();
        found.sort_by_key(|f| f.1);
        assert_eq!(
            found,
            [
                ("bad-date", 6, "write dates as YYYY-MM-DD".to_string()),
                (
                    "bad-url",
                    7,
                    "sources must be web pages readers can open: use an https:// address"
                        .to_string()
                ),
                (
                    "unknown-source-type",
                    8,
                    "did you mean `court`?".to_string()
                ),
            ]
        );
    }

    #[test]
    fn meta_status_revisions_and_doi_are_read_and_validated() {
        let meta = "title: T\ndoi: 10.5281/zenodo.123\ntitle_note: Retitled *once*.\nstatus:\n  as_of: 2026-12-07\n  text: Found unsupported.\n  sources:\n    - title: Ruling\n      url: https://canlii.org/x\n      type: court\nrevisions:\n  - date: 2026-12-07\n    note: Second.\n  - date: 2026-11-27\n    note: First.\n";
        let (a, out) = load(&[("original.txt", "x"), ("meta.yaml", meta)]);
        assert!(out.is_empty(), "{out:?}");
        let m = a.unwrap().meta;
        assert_eq!(m.doi.as_deref(), Some("10.5281/zenodo.123"));
        assert_eq!(m.title_note.as_deref(), Some("Retitled *once*."));
        let st = m.status.unwrap();
        assert_eq!(
            (st.as_of.as_str(), st.text.as_str()),
            ("2026-12-07", "Found unsupported.")
        );
        assert_eq!(st.sources[0].source_type, Some(SourceType::Court));
        let dates: Vec<_> = m.revisions.iter().map(|r| r.date.as_str()).collect();
        assert_eq!(dates, ["2026-11-27", "2026-12-07"], "oldest first");

        let bad = "title: T\ndoi: https://doi.org/10.1/x\nstatus:\n  as_of: soon\n  txt: x\nrevisions:\n  - date: 2026-13-01\n    note: \"\"\n";
        let (a, out) = load(&[("original.txt", "x"), ("meta.yaml", bad)]);
        assert!(a.is_none());
        let found: Vec<_> = out
            .iter()
            .map(|d| (d.code, d.location.as_ref().map_or(0, |l| l.line)))
            .collect();
        // The typo names the missing key, so it is one diagnostic, not two.
        assert_eq!(found, [("unknown-key", 5)]);
        assert_eq!(out[0].help.as_deref(), Some("did you mean `text`?"));
        let bad = "title: T\ndoi: https://doi.org/10.1/x\nstatus:\n  as_of: soon\n  text: x\nrevisions:\n  - date: 2026-13-01\n    note: \"\"\n";
        let (a, out) = load(&[("original.txt", "x"), ("meta.yaml", bad)]);
        assert!(a.is_none());
        let found: Vec<_> = out
            .iter()
            .map(|d| (d.code, d.location.as_ref().map_or(0, |l| l.line)))
            .collect();
        assert_eq!(
            found,
            [
                ("bad-doi", 2),
                ("bad-date", 4),
                ("bad-date", 7),
                ("empty-note", 8)
            ]
        );
    }

    #[test]
    fn dois_need_the_10_prefix_a_registrant_and_a_suffix() {
        assert!(is_doi("10.5281/zenodo.1234567"));
        assert!(is_doi("10.1000.10/abc(1)"));
        for bad in [
            "https://doi.org/10.1/x",
            "10./x",
            "10.12/",
            "11.1/x",
            "10.1/a b",
            "10.x/y",
        ] {
            assert!(!is_doi(bad), "{bad}");
        }
    }

    #[test]
    fn sources_are_checked_for_unknown_keys_and_schemes() {
        let (a, out) = load(&[
            ("original.txt", "x"),
            ("meta.yaml", "title: T\n"),
            (
                "annotations.yaml",
                "- quote: x\n  note: n\n  sources:\n    - title: S\n      link: https://e.org/\n",
            ),
        ]);
        assert!(a.is_none());
        let lines: Vec<_> = out.iter().map(|d| d.code).collect();
        assert_eq!(lines, ["unknown-key", "missing-key"]);
        let (a, out) = load(&[
            ("original.txt", "x"),
            ("meta.yaml", "title: T\n"),
            (
                "annotations.yaml",
                "- quote: x\n  note: n\n  sources:\n    - title: S\n      url: \"data:text/html,hi\"\n",
            ),
        ]);
        assert!(a.is_none());
        assert_eq!(out[0].code, "bad-url");
        assert_eq!(out[0].location.as_ref().unwrap().line, 5);
    }
}
