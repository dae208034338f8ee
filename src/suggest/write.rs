//! Writing suggestions as `corrections.yaml` entries, and appending them to an
//! existing file without touching a byte of what is there.

use std::io::Write;
use std::path::Path;

use crate::content::{Kind, Pick};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::source::{SourceFile, io_diagnostic};
use crate::yaml::{NodeKind, YamlIndex};

/// One correction entry to write.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryOut {
    /// `find`.
    pub find: String,
    /// `replace`.
    pub replace: String,
    /// `before`, if needed to make the anchor unique.
    pub before: Option<String>,
    /// `after`, if needed.
    pub after: Option<String>,
    /// `occurrence` / `all`.
    pub pick: Pick,
    /// `kind`.
    pub kind: Kind,
    /// `why`.
    pub why: String,
    /// `origin`: every source that proposed it.
    pub origin: Vec<super::Origin>,
    /// `confidence`.
    pub confidence: f64,
}

/// A YAML double-quoted scalar that reads back as exactly `s`: backslashes,
/// quotes, control characters and the characters YAML treats as line breaks
/// are escaped; everything else (curly quotes, colons, `#`, leading `-` or `*`)
/// is safe inside double quotes.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if c.is_control() || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Renders entries as a YAML list, each line prefixed with `indent` and ended with `nl`.
pub fn render_entries(entries: &[EntryOut], indent: &str, nl: &str) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(indent);
        out.push_str(&s);
        out.push_str(nl);
    };
    for e in entries {
        line(format!("- find: {}", quote(&e.find)));
        line(format!("  replace: {}", quote(&e.replace)));
        if let Some(b) = &e.before {
            line(format!("  before: {}", quote(b)));
        }
        if let Some(a) = &e.after {
            line(format!("  after: {}", quote(a)));
        }
        match e.pick {
            Pick::Unique => {}
            Pick::Nth(n) => line(format!("  occurrence: {n}")),
            Pick::All => line("  all: true".to_string()),
        }
        line(format!("  kind: {}", e.kind.as_str()));
        line(format!("  why: {}", quote(&e.why)));
        line("  status: suggested".to_string());
        line(format!(
            "  origin: {}",
            quote(&super::origin::render(&e.origin))
        ));
        line(format!("  confidence: {:.2}", e.confidence));
    }
    out
}

/// The header comment above a block of suggestions: entries and the places
/// they change, both named (an `all: true` entry changes several places).
pub fn header(entries: usize, places: usize, nl: &str) -> String {
    format!(
        "# Suggested by `emend suggest`: {entries} entr{} changing {places} place{}. Review each one:{nl}# fix or delete it, then remove its `status: suggested` line to accept it.{nl}",
        if entries == 1 { "y" } else { "ies" },
        if places == 1 { "" } else { "s" }
    )
}

/// The places flagged for review, as YAML comments (the build ignores them):
/// line, the text in its sentence, and the restoration the model leans towards.
pub fn render_flags(text: &str, flags: &[super::model::Flag], nl: &str) -> String {
    let mut out = format!(
        "# Flagged for review, not suggested: these look garbled to the plausibility model,{nl}# but not surely enough to propose a change.{nl}"
    );
    for f in flags {
        let line = text[..f.range.start].matches('\n').count() + 1;
        let lo = crate::text::floor_char_boundary(text, f.range.start.saturating_sub(30));
        let hi = crate::text::floor_char_boundary(text, (f.range.end + 30).min(text.len()));
        let lo = text[lo..f.range.start]
            .rfind('\n')
            .map_or(lo, |i| lo + i + 1);
        let hi = text[f.range.end..hi]
            .find('\n')
            .map_or(hi, |i| f.range.end + i);
        let context: String = text[lo..hi]
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        out.push_str(&format!(
            "#   line {line}: {:?} in “…{}…”: perhaps {:?}{}{nl}",
            f.find,
            context.trim(),
            f.maybe,
            match f.source {
                super::SourceKind::Thesaurus => " (a thesaurus neighbour)",
                _ => "",
            }
        ));
    }
    out
}

/// How to append to an existing corrections file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendStyle {
    /// Text to put between the existing content and the new block.
    pub separator: String,
    /// Indentation of the list's dashes.
    pub indent: String,
    /// Line ending (`\n` or `\r\n`).
    pub newline: &'static str,
}

/// Works out how to append block entries to `existing` so that the result is
/// one well-formed list: after a final newline, at the list's own indentation,
/// with its line endings. Fails for files that are not a block list (a flow
/// list `[...]`, a mapping), where appending would change their meaning.
pub fn append_style(existing: &str, path: &Path) -> Result<AppendStyle, Diagnostic> {
    let (existing, _) = crate::text::strip_bom(existing);
    let newline = if existing.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut indent = String::new();
    if let Some(index) = YamlIndex::build(existing) {
        if let Some(root) = &index.root {
            match &root.kind {
                NodeKind::Seq(items) => {
                    let flow = existing[root.span.start..].trim_start().starts_with('[');
                    if flow {
                        return Err(not_a_block_list(
                            path,
                            "it is written as a flow list `[...]`",
                        ));
                    }
                    if let Some(first) = items.first() {
                        let line_start = existing[..first.span.start]
                            .rfind('\n')
                            .map_or(0, |i| i + 1);
                        let prefix = &existing[line_start..first.span.start];
                        let dash = prefix.find('-').unwrap_or(0);
                        indent = prefix[..dash].to_string();
                    }
                }
                NodeKind::Scalar(s) if s.is_empty() => {}
                _ => return Err(not_a_block_list(path, "its top level is not a list")),
            }
        }
    } else {
        return Err(not_a_block_list(path, "it is not valid YAML"));
    }
    let mut separator = String::new();
    if !existing.is_empty() && !existing.ends_with('\n') {
        separator.push_str(newline);
    }
    if !existing.trim().is_empty() {
        separator.push_str(newline);
    }
    Ok(AppendStyle {
        separator,
        indent,
        newline,
    })
}

fn not_a_block_list(path: &Path, why: &str) -> Diagnostic {
    Diagnostic::error(
        Code::CannotAppend,
        format!(
            "cannot append suggestions to {}: {why}",
            crate::diagnostics::display_path(path)
        ),
    )
    .at(Location::file_only(path))
    .help("run `emend suggest` without --write and paste the entries by hand")
}

/// Appends `block` to the file at `path`, which must still have the length it
/// had when read (`expected_len`); creates the file if it did not exist.
/// Goes through [`replace_file`]: the file is whole before and after.
pub fn append(path: &Path, expected_len: Option<u64>, block: &str) -> Result<(), Diagnostic> {
    let current = read_if_present(path)?;
    if current.as_ref().map(|c| c.len() as u64) != expected_len {
        return Err(changed_meanwhile(path, "run `emend suggest --write` again"));
    }
    let mut new = current.clone().unwrap_or_default();
    new.extend_from_slice(block.as_bytes());
    replace_file(path, current.as_deref(), &new)
}

fn read_if_present(path: &Path) -> Result<Option<Vec<u8>>, Diagnostic> {
    // Regular files only: a named pipe in its place must not block.
    match crate::files::read_regular_io(path, crate::files::MAX_YAML_BYTES) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_diagnostic(path, "read", &e)),
    }
}

fn changed_meanwhile(path: &Path, help: &str) -> Diagnostic {
    Diagnostic::error(
        Code::ChangedMeanwhile,
        format!("{} changed while emend was working on it", path.display()),
    )
    .at(Location::file_only(path))
    .help(help.to_string())
}

/// The one safe way emend rewrites a file of the site (`suggest --write`,
/// review in `serve`): only if it still holds exactly `expected` (`None`: does
/// not exist), by writing `new` to a temporary file beside it, flushing it to
/// disk and renaming it over the original, so a crash leaves the old file or
/// the new one, never a mix. Permissions of an existing file are kept.
pub fn replace_file(path: &Path, expected: Option<&[u8]>, new: &[u8]) -> Result<(), Diagnostic> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.emend-{}.tmp", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        if let Ok(meta) = std::fs::metadata(path) {
            f.set_permissions(meta.permissions())?;
        }
        f.write_all(new)?;
        f.sync_all()
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_diagnostic(&tmp, "write", &e));
    }
    // The last check, as late as possible: an edit saved meanwhile wins.
    let unchanged = read_if_present(path).map(|now| now.as_deref() == expected);
    if unchanged != Ok(true) {
        let _ = std::fs::remove_file(&tmp);
        return Err(unchanged
            .err()
            .unwrap_or_else(|| changed_meanwhile(path, "nothing was written; try again")));
    }
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_diagnostic(path, "replace", &e));
    }
    // Make the rename itself durable (best effort: not every system allows it).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Parses text as a corrections file with the build's own loader (for round trips).
pub fn parse(
    path: &Path,
    text: &str,
    out: &mut Diagnostics,
) -> Option<Vec<crate::content::CorrectionSpec>> {
    let file = out.ok(SourceFile::from_bytes(path, text.as_bytes().to_vec()))?;
    crate::content::parse_corrections(&file, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(find: &str, replace: &str) -> EntryOut {
        EntryOut {
            find: find.into(),
            replace: replace.into(),
            before: None,
            after: None,
            pick: Pick::Unique,
            kind: Kind::Synonym,
            why: "w".into(),
            origin: vec![super::super::Origin::Dictionary],
            confidence: 0.8,
        }
    }

    #[test]
    fn tricky_strings_round_trip_through_the_loader() {
        let tricky = [
            "“Two Michaels,”",
            "key: value",
            "- dash",
            "* star",
            "# hash",
            "&anchor",
            "!tag",
            "'single'",
            "\"double\"",
            "back\\slash",
            "two\nlines",
            " leading and trailing ",
            "tab\there",
            "null",
            "true",
            "2",
            "0.50",
            "~",
            "{that a}",
            "[x]",
            "% percent",
            "@at",
            "`tick`",
            "nbsp\u{a0}here",
            "ls\u{2028}ps\u{2029}nel\u{85}",
            "bom\u{feff}",
            "bell\u{7}",
            "Trudeau’s",
            "é漢字🙂",
        ];
        let mut entries: Vec<EntryOut> = tricky
            .iter()
            .map(|s| {
                let mut e = entry(s, &format!("{s}!"));
                e.before = Some(format!("{s} "));
                e.after = Some(format!(" {s}"));
                e.why = (*s).to_string();
                // Slugs are folder names: any text can reach the origin.
                e.origin = vec![super::super::Origin::Learned {
                    from: vec![(*s).to_string()],
                    more: 0,
                }];
                e
            })
            .collect();
        entries[0].pick = Pick::All;
        entries[0].before = None;
        entries[0].after = None;
        entries[1].pick = Pick::Nth(3);
        entries[1].before = None;
        entries[1].after = None;
        let text = render_entries(&entries, "", "\n");
        let mut out = Diagnostics::new();
        let specs = parse(Path::new("c.yaml"), &text, &mut out)
            .unwrap_or_else(|| panic!("{out:?}\n{text}"));
        assert_eq!(specs.len(), entries.len());
        for (e, s) in entries.iter().zip(&specs) {
            assert_eq!(s.selector.exact, e.find);
            assert_eq!(s.replace, e.replace);
            assert_eq!(s.selector.before, e.before);
            assert_eq!(s.selector.after, e.after);
            assert_eq!(s.selector.pick, e.pick);
            assert_eq!(s.why.as_deref(), Some(e.why.as_str()));
            assert_eq!(
                s.origin.as_deref(),
                Some(super::super::origin::render(&e.origin).as_str())
            );
            assert_eq!(s.confidence, Some(0.8));
            assert_eq!(s.status, crate::content::Status::Suggested);
        }
    }

    #[test]
    fn append_style_follows_the_file() {
        let p = Path::new("c.yaml");
        let s = append_style("", p).unwrap();
        assert_eq!(
            (s.separator.as_str(), s.indent.as_str(), s.newline),
            ("", "", "\n")
        );
        let s = append_style("# only a comment", p).unwrap();
        assert_eq!(s.separator, "\n\n");
        let s = append_style("- find: a\n  replace: b\n", p).unwrap();
        assert_eq!(s.separator, "\n");
        let s = append_style("  - find: a\r\n    replace: b", p).unwrap();
        assert_eq!(
            (s.separator.as_str(), s.indent.as_str(), s.newline),
            ("\r\n\r\n", "  ", "\r\n")
        );
        assert_eq!(
            append_style("[{find: a, replace: b}]\n", p)
                .unwrap_err()
                .message,
            "cannot append suggestions to c.yaml: it is written as a flow list `[...]`"
        );
        assert_eq!(
            append_style("find: a\n", p).unwrap_err().code,
            "cannot-append"
        );
    }

    #[test]
    fn appended_blocks_keep_the_existing_entries() {
        let p = Path::new("c.yaml");
        for existing in [
            "",
            "# nothing yet\n",
            "- find: a\n  replace: b\n  why: w # trailing comment",
            "  - find: a\n    replace: b\n    why: w\n",
            "\u{feff}- find: a\r\n  replace: b\r\n  why: w\r\n",
        ] {
            let style = append_style(existing, p).unwrap();
            let block = format!(
                "{}{}{}",
                style.separator,
                header(1, 1, style.newline),
                render_entries(&[entry("x", "y")], &style.indent, style.newline)
            );
            let text = format!("{existing}{block}");
            let mut out = Diagnostics::new();
            let specs = parse(p, &text, &mut out).unwrap_or_else(|| panic!("{out:?}\n{text}"));
            let old = usize::from(existing.contains("find: a"));
            assert_eq!(specs.len(), old + 1, "{text}");
            assert_eq!(specs[old].selector.exact, "x");
            if old == 1 {
                assert_eq!(specs[0].replace, "b");
            }
            assert!(text.starts_with(existing));
        }
    }
}
