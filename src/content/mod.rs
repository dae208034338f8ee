//! The content model: one folder per article under `content/`, holding the
//! original exactly as received, `meta.yaml`, `corrections.yaml` and
//! `annotations.yaml`. This module defines the typed, validated [`Article`]
//! and finds ([`mod@discover`]), reads ([`load`]) and parses ([`parse`]) article
//! folders into it; it does not match anything against the text (that is
//! [`crate::engine`]'s job). The site's own pages (`pages/*.md`) are read by
//! [`pages`].

use std::fmt;
use std::path::PathBuf;

use crate::diagnostics::Location;
use crate::source::SourceFile;
use crate::yaml::{Node, value_location};

pub mod discover;
pub mod load;
pub mod pages;
pub mod parse;
pub mod validate;

pub use discover::{
    Entry, check_path_inside, check_symlink, discover, discover_entries, discover_entry,
};
pub use load::{ArticleTexts, Loaded, article_from_texts, load_all, load_article};
pub use pages::{SitePage, load_pages};
pub use parse::{parse_annotations, parse_corrections, parse_meta};
pub use validate::{
    RESERVED_SLUGS, check_slug, is_doi, is_http_url, is_language_tag, is_valid_date, is_valid_slug,
    slugify,
};

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
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
    /// Where its `url` is written (for the source policy's warnings).
    #[serde(skip)]
    pub url_at: Location,
}

/// "Where the story stands": later findings a reader should see before the
/// text, when the report was contested, corrected or overtaken by events.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct StoryStatus {
    /// When the editor last checked that this is current (YYYY-MM-DD).
    pub as_of: String,
    /// The status, in Markdown.
    pub text: String,
    /// Sources for it.
    pub sources: Vec<SourceRef>,
}

/// One dated revision of the edition itself (not of the original article).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
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
    pub(crate) fn match_line_endings(&mut self) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostic, Diagnostics, Location};
    use std::path::{Path, PathBuf};

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
        let mut out = Diagnostics::new();
        let a = match load_article(root.path(), &dir, false, &mut out) {
            Loaded::Article(a) => Some(*a),
            _ => None,
        };
        (a, out.into_vec())
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
        let mut out = Diagnostics::new();
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
                    d.code.as_str(),
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
            .map(|d| (d.code.as_str(), d.location.as_ref().map_or(0, |l| l.line)))
            .collect();
        // The typo names the missing key, so it is one diagnostic, not two.
        assert_eq!(found, [("unknown-key", 5)]);
        assert_eq!(out[0].help.as_deref(), Some("did you mean `text`?"));
        let bad = "title: T\ndoi: https://doi.org/10.1/x\nstatus:\n  as_of: soon\n  text: x\nrevisions:\n  - date: 2026-13-01\n    note: \"\"\n";
        let (a, out) = load(&[("original.txt", "x"), ("meta.yaml", bad)]);
        assert!(a.is_none());
        let found: Vec<_> = out
            .iter()
            .map(|d| (d.code.as_str(), d.location.as_ref().map_or(0, |l| l.line)))
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
