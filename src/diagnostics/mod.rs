//! Diagnostics: what emend tells a user about their input, with file, line and
//! column, a snippet, and a hint. Every stage reports into a [`Diagnostics`]
//! collector so that one run shows all problems at once.
//!
//! Human output is rendered by `codespan-reporting` (compiler-style snippets with
//! carets); machine output is JSON for editors and CI.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use serde::{Deserialize, Serialize};

use crate::text::{LineIndex, strip_bom};

pub mod codes;

pub use codes::Code;

/// How bad a diagnostic is. Errors fail the build; warnings and notes do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The build cannot produce a correct site.
    Error,
    /// Worth a look, but the site is still built.
    Warning,
    /// For the editor's information (a source the site's policy flags): not a
    /// problem, and not counted as a warning.
    Note,
}

/// A place in a source file: a byte span plus the 1-based line and column
/// (in characters) of its start, as shown to users.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Location {
    /// The file, as the user should see it (joined onto `--root`).
    pub file: PathBuf,
    /// 1-based line of the span start.
    pub line: usize,
    /// 1-based column (characters) of the span start.
    pub column: usize,
    /// Byte span in the file's text (after a byte order mark, if any).
    pub span: Range<usize>,
}

impl Location {
    /// A location for the byte range `span` in `text`, read from `file`.
    pub fn in_text(file: &Path, text: &str, span: Range<usize>) -> Self {
        Self::with_index(file, text, &LineIndex::new(text), span)
    }

    /// Like [`Location::in_text`] with a prebuilt line index (for many locations in one text).
    pub fn with_index(file: &Path, text: &str, index: &LineIndex, span: Range<usize>) -> Self {
        let (line, column) = index.line_col(text, span.start);
        Location {
            file: file.to_path_buf(),
            line,
            column,
            span,
        }
    }

    /// A location that names only a file (no useful position inside it).
    pub fn file_only(file: &Path) -> Self {
        Location {
            file: file.to_path_buf(),
            line: 1,
            column: 1,
            span: 0..0,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            display_path(&self.file),
            self.line,
            self.column
        )
    }
}

/// A path as shown to users: `./content/a` is shown as `content/a`.
pub fn display_path(path: &Path) -> String {
    let shown = path.strip_prefix(".").unwrap_or(path);
    if shown.as_os_str().is_empty() {
        ".".to_string()
    } else {
        shown.display().to_string()
    }
}

/// A secondary location that explains the primary one ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    /// Where.
    pub location: Location,
    /// What is there.
    pub message: String,
}

/// One problem found in the user's input or environment.
// Serde: the build cache keeps the warnings and notes of a reused article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable identifier (`find-not-found`), for tools and docs.
    pub code: Code,
    /// One line saying what is wrong.
    pub message: String,
    /// Where it is wrong, if a place can be named.
    pub location: Option<Location>,
    /// Text under the caret at `location`.
    pub label: String,
    /// Other places that explain it.
    pub related: Vec<Related>,
    /// What to do about it.
    pub help: Option<String>,
    /// Extra facts.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A new error with a stable `code` and a one-line `message`.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    /// A new warning.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    /// A new note: information for the editor, neither an error nor a warning.
    pub fn info(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, code, message)
    }

    fn new(severity: Severity, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            location: None,
            label: String::new(),
            related: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    /// Sets the primary location.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Sets the text shown under the primary location.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Adds a secondary location.
    pub fn related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    /// Sets the hint.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Whether this diagnostic fails the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A one-line `file:line:col: error[code]: message` form, used by tests and logs.
    pub fn one_line(&self) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        match &self.location {
            Some(loc) => format!("{loc}: {sev}[{}]: {}", self.code, self.message),
            None => format!("{sev}[{}]: {}", self.code, self.message),
        }
    }
}

/// Collects diagnostics from all stages of a run: the one way emend reports
/// problems. A stage takes `&mut Diagnostics`, records every problem it finds
/// (so a run shows them all at once) and says by its return value whether it
/// succeeded (`Option<T>`: `None` means it recorded at least one error).
/// Parallel stages each fill their own collector, merged with
/// [`Diagnostics::append`]; output order is fixed by [`Diagnostics::sorted`].
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Records many.
    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(diagnostics);
    }

    /// Moves everything `other` recorded into this collector.
    pub fn append(&mut self, other: &mut Diagnostics) {
        self.items.append(&mut other.items);
    }

    /// Records the error of a fallible step, if it failed, and passes its value on.
    pub fn ok<T>(&mut self, result: Result<T, Diagnostic>) -> Option<T> {
        result.map_err(|d| self.push(d)).ok()
    }

    /// Runs `step` with a fresh collector and keeps what it recorded; returns
    /// its value only if it recorded no error. This is how a step that finds
    /// several problems before giving up reports them all yet still fails as
    /// a whole.
    pub fn checked<T>(&mut self, step: impl FnOnce(&mut Diagnostics) -> Option<T>) -> Option<T> {
        let mut inner = Diagnostics::new();
        let value = step(&mut inner);
        let failed = inner.has_errors();
        self.append(&mut inner);
        if failed { None } else { value }
    }

    /// The recorded diagnostics, in recording order.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// Whether any error (not warning) was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings (notes are not counted).
    pub fn warning_count(&self) -> usize {
        Counts::of(&self.items).warnings
    }

    /// All diagnostics, sorted by file, position, then message, so output is
    /// deterministic whatever order parallel stages finished in.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.location
                    .as_ref()
                    .map(|l| (l.file.clone(), l.span.start, l.span.end))
            };
            key(a)
                .cmp(&key(b))
                .then(a.severity.cmp(&b.severity))
                .then(a.message.cmp(&b.message))
        });
        self.items
    }
}

/// A collector reads as the list of what it recorded (`out[0]`, `out.len()`).
impl std::ops::Deref for Diagnostics {
    type Target = [Diagnostic];
    fn deref(&self) -> &[Diagnostic] {
        &self.items
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics { items: vec![d] }
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(items: Vec<Diagnostic>) -> Self {
        Diagnostics { items }
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.items.extend(iter);
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// When to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorMode {
    /// Colour when stderr is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorMode {
    /// Resolves `auto` against the environment.
    pub fn use_color(self) -> bool {
        match self {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => {
                std::io::stderr().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        }
    }
}

/// Renders diagnostics compiler-style, reading each file once for snippets.
pub fn render_human(diagnostics: &[Diagnostic], color: bool) -> String {
    // Only a regular file is read back (never a named pipe a diagnostic names).
    render_human_with(diagnostics, color, |path| {
        crate::files::read_regular_io(path, crate::files::MAX_TEXT_BYTES).unwrap_or_default()
    })
}

/// [`render_human`] with the files' bytes supplied by `read` (for in-memory
/// sources, as in fuzzing).
pub fn render_human_with(
    diagnostics: &[Diagnostic],
    color: bool,
    mut read: impl FnMut(&Path) -> Vec<u8>,
) -> String {
    let mut files = SimpleFiles::new();
    let mut ids: BTreeMap<PathBuf, (usize, Shifts)> = BTreeMap::new();
    let mut file_span = |path: &Path, span: Range<usize>| -> (usize, Range<usize>) {
        let (id, shifts) = ids.entry(path.to_path_buf()).or_insert_with(|| {
            let bytes = read(path);
            let text = String::from_utf8_lossy(&bytes);
            let (text, _) = strip_bom(&text);
            let (text, shifts) = terminal_safe_source(text);
            (files.add(terminal_safe(&display_path(path)), text), shifts)
        });
        (*id, shifts.map(span.start)..shifts.map(span.end))
    };
    // Resolve every file first so `files` is complete before rendering borrows it.
    let converted: Vec<cs::Diagnostic<usize>> = diagnostics
        .iter()
        .map(|d| to_codespan(d, &mut file_span))
        .collect();
    let config = term::Config::default();
    // A bare diagnostic (no place, help or note) is one line, and a run of
    // them is not spaced out: one line per article, say, stays compact.
    let bare = |d: &Diagnostic| {
        d.location.is_none() && d.related.is_empty() && d.help.is_none() && d.notes.is_empty()
    };
    let mut text = String::new();
    let mut previous_bare = None;
    for (diag, cs_diag) in diagnostics.iter().zip(&converted) {
        let rendered = if color {
            let mut buf = term::termcolor::Buffer::ansi();
            term::emit_to_write_style(&mut buf, &config, &files, cs_diag)
                .map(|()| String::from_utf8_lossy(buf.as_slice()).into_owned())
        } else {
            term::emit_into_string(&config, &files, cs_diag)
        };
        let rendered = match rendered {
            Ok(text) if bare(diag) => format!("{}\n", text.trim_end()),
            Ok(text) => text,
            // The file changed under us or vanished: fall back to one line.
            Err(_) => format!("{}\n", terminal_safe(&diag.one_line())),
        };
        let is_bare = bare(diag);
        match previous_bare {
            None => {}
            Some(true) if is_bare => {}
            Some(_) => text.push('\n'),
        }
        text.push_str(&rendered);
        previous_bare = Some(is_bare);
    }
    text
}

/// Where characters were widened by [`terminal_safe_source`]: (byte offset in
/// the original text, bytes added up to and including it), for moving spans.
#[derive(Default)]
struct Shifts(Vec<(usize, usize)>);

impl Shifts {
    fn map(&self, offset: usize) -> usize {
        let i = self.0.partition_point(|&(at, _)| at < offset);
        offset + i.checked_sub(1).map_or(0, |i| self.0[i].1)
    }
}

/// The printable stand-in for a character that must not reach a terminal raw:
/// control characters (an escape sequence in a file could recolour or rewrite
/// the terminal) and bidirectional overrides (which reorder what is shown).
fn terminal_stand_in(c: char) -> Option<char> {
    match c {
        '\t' | '\n' | '\r' => None,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)), // ␀ … ␟
        '\u{7f}' => Some('\u{2421}'),                                // ␡
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some('\u{fffd}'),
        _ => None,
    }
}

/// Text safe to print to a terminal (see `terminal_stand_in`).
pub fn terminal_safe(text: &str) -> String {
    text.chars()
        .map(|c| terminal_stand_in(c).unwrap_or(c))
        .collect()
}

fn terminal_safe_source(text: &str) -> (String, Shifts) {
    let mut out = String::with_capacity(text.len());
    let mut shifts = Shifts::default();
    let mut added = 0;
    for (i, c) in text.char_indices() {
        match terminal_stand_in(c) {
            Some(r) => {
                out.push(r);
                added += r.len_utf8() - c.len_utf8();
                shifts.0.push((i, added));
            }
            None => out.push(c),
        }
    }
    (out, shifts)
}

fn to_codespan(
    d: &Diagnostic,
    file_span: &mut impl FnMut(&Path, Range<usize>) -> (usize, Range<usize>),
) -> cs::Diagnostic<usize> {
    let base = match d.severity {
        Severity::Error => cs::Diagnostic::error(),
        Severity::Warning => cs::Diagnostic::warning(),
        Severity::Note => cs::Diagnostic::note(),
    };
    let mut labels = Vec::new();
    let mut notes = Vec::new();
    if let Some(loc) = &d.location {
        if loc.span.is_empty() && loc.line == 1 && loc.column == 1 && loc.span.start == 0 {
            // File-level problem: no caret, but say which file.
            notes.push(format!("in {}", terminal_safe(&display_path(&loc.file))));
        } else {
            let (id, span) = file_span(&loc.file, loc.span.clone());
            labels.push(cs::Label::primary(id, span).with_message(terminal_safe(&d.label)));
        }
    }
    for rel in &d.related {
        let (id, span) = file_span(&rel.location.file, rel.location.span.clone());
        labels.push(cs::Label::secondary(id, span).with_message(terminal_safe(&rel.message)));
    }
    notes.extend(
        d.notes
            .iter()
            .map(|n| format!("note: {}", terminal_safe(n))),
    );
    if let Some(help) = &d.help {
        notes.push(format!("help: {}", terminal_safe(help)));
    }
    base.with_code(d.code.as_str())
        .with_message(terminal_safe(&d.message))
        .with_labels(labels)
        .with_notes(notes)
}

/// The JSON shape of one diagnostic (`emend check --format json`).
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    severity: Severity,
    code: Code,
    message: &'a str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    label: &'a str,
    help: Option<&'a str>,
    notes: &'a [String],
    related: Vec<JsonRelated<'a>>,
}

/// A related location in JSON output.
#[derive(Debug, Serialize)]
pub struct JsonRelated<'a> {
    file: String,
    line: usize,
    column: usize,
    message: &'a str,
}

impl<'a> JsonDiagnostic<'a> {
    /// The JSON form of `d`.
    pub fn new(d: &'a Diagnostic) -> Self {
        Self::with_files(d, &mut EndIndex::new())
    }

    /// [`JsonDiagnostic::new`], reading files for end positions through `files`.
    fn with_files(d: &'a Diagnostic, files: &mut EndIndex) -> Self {
        let end = d.location.as_ref().map(|l| end_line_col(l, files));
        JsonDiagnostic {
            severity: d.severity,
            code: d.code,
            message: &d.message,
            file: d.location.as_ref().map(|l| display_path(&l.file)),
            line: d.location.as_ref().map(|l| l.line),
            column: d.location.as_ref().map(|l| l.column),
            end_line: end.map(|(l, _)| l),
            end_column: end.map(|(_, c)| c),
            label: &d.label,
            help: d.help.as_deref(),
            notes: &d.notes,
            related: d
                .related
                .iter()
                .map(|r| JsonRelated {
                    file: display_path(&r.location.file),
                    line: r.location.line,
                    column: r.location.column,
                    message: &r.message,
                })
                .collect(),
        }
    }
}

/// Renders diagnostics as one JSON document:
/// `{"errors": N, "warnings": M, "notes": K, "diagnostics": [...]}`.
pub fn render_json(diagnostics: &[Diagnostic]) -> String {
    // One index for all: thousands of diagnostics may point into one file.
    let mut files = EndIndex::new();
    let items: Vec<JsonDiagnostic<'_>> = diagnostics
        .iter()
        .map(|d| JsonDiagnostic::with_files(d, &mut files))
        .collect();
    let counts = Counts::of(diagnostics);
    let doc = serde_json::json!({
        "errors": counts.errors,
        "warnings": counts.warnings,
        "notes": counts.notes,
        "diagnostics": items,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// Files read for end positions, each read and indexed once per rendering
/// (thousands of diagnostics may point into one file).
type EndIndex = BTreeMap<PathBuf, (String, LineIndex)>;

/// Line and column just past the end of a location's span, computed from the
/// file on disk (JSON consumers want ranges; human output does not need this).
fn end_line_col(loc: &Location, files: &mut EndIndex) -> (usize, usize) {
    if loc.span.is_empty() {
        return (loc.line, loc.column);
    }
    let (text, index) = files.entry(loc.file.clone()).or_insert_with(|| {
        let bytes = crate::files::read_regular_io(&loc.file, crate::files::MAX_TEXT_BYTES)
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        let text = strip_bom(&text).0.to_string();
        let index = LineIndex::new(&text);
        (text, index)
    });
    if loc.span.end > text.len() || !text.is_char_boundary(loc.span.end) {
        return (loc.line, loc.column);
    }
    index.line_col(text, loc.span.end)
}

/// How many diagnostics of each severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
}

impl Counts {
    /// The counts of `diagnostics`.
    pub fn of<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Counts {
        let mut c = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Note => c.notes += 1,
            }
        }
        c
    }
}

/// Writes a summary line (`error: 3 errors, 1 warning, 2 notes`) after the
/// diagnostics, headed by the worst severity; empty when there are none.
pub fn summary_line(counts: Counts) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let parts: Vec<String> = [
        (counts.errors, "error"),
        (counts.warnings, "warning"),
        (counts.notes, "note"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, word)| plural(n, word))
    .collect();
    let head = if counts.errors > 0 {
        "error"
    } else if counts.warnings > 0 {
        "warning"
    } else {
        "note"
    };
    if parts.is_empty() {
        String::new()
    } else {
        format!("{head}: {}", parts.join(", "))
    }
}

/// How many diagnostics a terminal run prints in full: past this, a count
/// ("and N more") stands for the rest, so a file with thousands of mistakes
/// cannot flood the terminal (`--format json` still lists every one).
pub const SHOWN_IN_FULL: usize = 200;

/// Prints diagnostics to stderr in the chosen style: the first
/// [`SHOWN_IN_FULL`] (errors before warnings), then how many more there are.
pub fn eprint(diagnostics: &[Diagnostic], color: bool) {
    if diagnostics.is_empty() {
        return;
    }
    let mut stderr = std::io::stderr().lock();
    let (shown, more) = capped(diagnostics, SHOWN_IN_FULL);
    let _ = write!(stderr, "{}", render_human(&shown, color));
    if let Some(more) = more {
        let _ = writeln!(stderr, "{more}\n");
    }
}

/// The first `limit` diagnostics to show in full (errors first, each group
/// in the given order) and, if some are left out, the line that counts them.
pub fn capped(diagnostics: &[Diagnostic], limit: usize) -> (Vec<Diagnostic>, Option<String>) {
    if diagnostics.len() <= limit {
        return (diagnostics.to_vec(), None);
    }
    let errors = diagnostics.iter().filter(|d| d.is_error());
    let warnings = diagnostics.iter().filter(|d| !d.is_error());
    let mut shown: Vec<Diagnostic> = errors.chain(warnings).take(limit).cloned().collect();
    let shown_errors = shown.iter().filter(|d| d.is_error()).count();
    let more_errors = diagnostics.iter().filter(|d| d.is_error()).count() - shown_errors;
    let more_warnings = diagnostics.len() - limit - more_errors;
    // Back in file order for reading.
    let order = |d: &Diagnostic| {
        d.location
            .as_ref()
            .map(|l| (l.file.clone(), l.span.start, l.span.end))
    };
    shown.sort_by(|a, b| order(a).cmp(&order(b)).then(a.severity.cmp(&b.severity)));
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 more {word}")
        } else {
            format!("{n} more {word}s")
        }
    };
    let what = match (more_errors, more_warnings) {
        (0, w) => plural(w, "warning"),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
    };
    (
        shown,
        Some(format!(
            "… and {what}, not shown: fix these first, or see them all with `--format json`"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_capped_with_a_count_of_the_rest() {
        let many: Vec<Diagnostic> = (0..250)
            .map(|i| {
                if i % 5 == 0 {
                    Diagnostic::warning(Code::MissingWhy, format!("w{i}"))
                } else {
                    Diagnostic::error(Code::FindNotFound, format!("e{i}"))
                }
            })
            .collect();
        let (shown, more) = capped(&many, 200);
        assert_eq!(shown.len(), 200);
        assert!(shown.iter().all(Diagnostic::is_error));
        assert_eq!(
            more.as_deref(),
            Some(
                "… and 50 more warnings, not shown: fix these first, or see them all with `--format json`"
            )
        );
        let (shown, more) = capped(&many, 100);
        assert_eq!(shown.len(), 100);
        assert_eq!(
            more.as_deref(),
            Some(
                "… and 100 more errors and 50 more warnings, not shown: fix these first, or see them all with `--format json`"
            )
        );
        assert_eq!(capped(&many[..3], 100).1, None);
    }

    #[test]
    fn human_output_has_location_snippet_and_help() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("corrections.yaml");
        let text = "- find: \"mentoined\"\n  replace: said\n";
        std::fs::write(&file, text).unwrap();
        let d = Diagnostic::error(
            Code::FindNotFound,
            "`find` text does not occur in the original",
        )
        .at(Location::in_text(&file, text, 8..19))
        .label("not found")
        .help("did you mean `mentioned`?");
        let out = render_human(&[d], false);
        assert!(out.starts_with("error[find-not-found]: `find` text does not occur"));
        assert!(out.contains(&format!("{}:1:9", file.display())), "{out}");
        assert!(out.contains("^^^^^^^^^^^ not found"), "{out}");
        assert!(out.contains("= help: did you mean `mentioned`?"), "{out}");
    }

    #[test]
    fn control_characters_never_reach_the_terminal_raw() {
        // An escape sequence in a file (or in a `find` quoted in a message)
        // would recolour or rewrite the user's terminal.
        let text = "why: \"\u{1b}[2J\u{202e}x\"\nnext: \u{7}bad\n";
        let bad = text.find("bad").unwrap();
        let d = Diagnostic::error(Code::YamlSyntax, "text \u{1b}[31mred")
            .at(Location::in_text(Path::new("f.yaml"), text, bad..bad + 3))
            .label("here \u{9b}")
            .related(Location::in_text(Path::new("f.yaml"), text, 6..7), "esc");
        let out = render_human_with(&[d], false, |_| text.as_bytes().to_vec());
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(out.contains("text ␛[31mred"), "{out}");
        assert!(out.contains("why: \"␛[2J\u{fffd}x\""), "{out}");
        // Spans after a widened character still underline the right text.
        assert!(
            out.contains("2 │ next: ␇bad\n  │        ^^^ here \u{fffd}"),
            "{out}"
        );
        assert!(
            out.contains("1 │ why: \"␛[2J\u{fffd}x\"\n  │       - esc"),
            "{out}"
        );
    }

    #[test]
    fn json_output_carries_positions() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("meta.yaml");
        std::fs::write(&file, "title: x\ntitel: y\n").unwrap();
        let d = Diagnostic::warning(Code::UnknownKey, "unknown key `titel`").at(Location::in_text(
            &file,
            "title: x\ntitel: y\n",
            9..14,
        ));
        let json: serde_json::Value = serde_json::from_str(&render_json(&[d])).unwrap();
        assert_eq!(json["warnings"], 1);
        let d = &json["diagnostics"][0];
        assert_eq!(d["severity"], "warning");
        assert_eq!(d["code"], "unknown-key");
        assert_eq!(d["line"], 2);
        assert_eq!(d["column"], 1);
        assert_eq!(d["end_line"], 2);
        assert_eq!(d["end_column"], 6);
    }

    #[test]
    fn summary_pluralises() {
        let c = |errors, warnings, notes| Counts {
            errors,
            warnings,
            notes,
        };
        assert_eq!(summary_line(c(0, 0, 0)), "");
        assert_eq!(summary_line(c(1, 0, 0)), "error: 1 error");
        assert_eq!(summary_line(c(2, 1, 0)), "error: 2 errors, 1 warning");
        assert_eq!(summary_line(c(0, 3, 0)), "warning: 3 warnings");
        assert_eq!(summary_line(c(0, 1, 2)), "warning: 1 warning, 2 notes");
        assert_eq!(summary_line(c(0, 0, 1)), "note: 1 note");
        assert_eq!(summary_line(c(1, 0, 1)), "error: 1 error, 1 note");
    }

    #[test]
    fn notes_are_neither_errors_nor_warnings() {
        let d = Diagnostic::info(Code::FlaggedSource, "flagged");
        assert!(!d.is_error());
        assert_eq!(d.one_line(), "note[flagged-source]: flagged");
        let out: Diagnostics = vec![d.clone(), Diagnostic::warning(Code::LongQuote, "w")].into();
        assert_eq!(out.warning_count(), 1);
        assert!(!out.has_errors());
        let json: serde_json::Value = serde_json::from_str(&render_json(&out)).unwrap();
        assert_eq!(
            (json["warnings"].clone(), json["notes"].clone()),
            (1.into(), 1.into())
        );
        assert_eq!(json["diagnostics"][0]["severity"], "note");
        assert!(render_human(&[d], false).starts_with("note[flagged-source]: flagged"));
    }
}
