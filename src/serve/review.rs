//! Reviewing suggestions in the browser: the edits behind the accept / edit /
//! reject controls that `emend serve` adds to pages with suggested changes.
//!
//! - accept: the entry's `status: suggested` line is removed;
//! - edit: the entry's `replace` value is changed (it stays a suggestion);
//! - reject: the entry is removed, and an exception (`find`, `replace`,
//!   `article`) is added to the site's `dictionary.yaml`, so `emend suggest`
//!   does not propose it again.
//!
//! Each edit touches only the bytes it must (comments, order, quoting and line
//! endings of the rest stay as they are), is checked with the build's own
//! loader, and is written with [`write::replace_file`], the safe-write path of
//! `suggest --write`. It is refused unless the article's files are exactly
//! those the page was rendered from ([`version`]). Who may ask is checked by
//! the HTTP side (loopback, `Host`, the session's token).

use crate::files::{MAX_TEXT_BYTES, MAX_YAML_BYTES, read_regular_io};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::content::{self, Entry, Loaded, Status};
use crate::diagnostics::Diagnostics;
use crate::engine;
use crate::source::SourceFile;
use crate::suggest::dictionary::{Dictionary, SITE_FILE, Source};
use crate::suggest::write::{self, quote};
use crate::yaml::{NodeKind, YamlIndex};

/// What the page asks for.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The article.
    pub slug: String,
    /// The change's number on the page (`data-c`).
    pub change: usize,
    /// `accept`, `edit` or `reject`.
    pub action: String,
    /// With `edit`: the new replacement.
    #[serde(default)]
    pub replace: Option<String>,
    /// The [`version`] the page was rendered from.
    pub version: String,
}

/// Why a review was not carried out, with the HTTP status that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// 409: the files changed since the page was rendered.
    Conflict(String),
    /// 404: no such article or change.
    NotFound(String),
    /// 400: not a suggestion, an unknown action, a bad replacement.
    Bad(String),
    /// 422: the file is laid out in a way this edit cannot keep intact.
    Unsupported(String),
    /// 500: reading or writing failed.
    Failed(String),
}

impl Refusal {
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::Conflict(_) => 409,
            Refusal::NotFound(_) => 404,
            Refusal::Bad(_) => 400,
            Refusal::Unsupported(_) => 422,
            Refusal::Failed(_) => 500,
        }
    }

    /// What to tell the editor.
    pub fn message(&self) -> &str {
        match self {
            Refusal::Conflict(m)
            | Refusal::NotFound(m)
            | Refusal::Bad(m)
            | Refusal::Unsupported(m)
            | Refusal::Failed(m) => m,
        }
    }
}

/// The state of an article's files a page was rendered from: a hash of its
/// `corrections.yaml` (or its absence) and its original. `None` if they
/// cannot be read.
pub fn version(dir: &Path) -> Option<String> {
    let mut h = Fnv::default();
    match read_regular_io(&dir.join("corrections.yaml"), MAX_YAML_BYTES) {
        Ok(b) => {
            h.write(b"corrections\0");
            h.write(&(b.len() as u64).to_le_bytes());
            h.write(&b);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => h.write(b"no corrections\0"),
        Err(_) => return None,
    }
    for name in ["original.txt", "original.md"] {
        match read_regular_io(&dir.join(name), MAX_TEXT_BYTES) {
            Ok(b) => {
                h.write(name.as_bytes());
                h.write(&(b.len() as u64).to_le_bytes());
                h.write(&b);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => return None,
        }
    }
    Some(format!("{:016x}{:016x}", h.0, h.1))
}

/// Two 64-bit FNV-1a hashes with different offsets: enough to notice any
/// edit (this detects change, it does not defend against forgery).
struct Fnv(u64, u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325, 0x8422_2325_cbf2_9ce4)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            self.1 = (self.1 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A secret for one `serve` session (32 hex digits from the system's random
/// source), which review requests must carry.
pub fn session_token() -> String {
    use std::io::Read;
    let mut bytes = [0u8; 16];
    let ok = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !ok {
        // No /dev/urandom: the standard library's randomly seeded hasher.
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Carries out a review on the site at `root`; returns what was done.
pub fn apply(root: &Path, req: &Request) -> Result<String, Refusal> {
    let dir = match content::discover_entry(root, std::ffi::OsStr::new(&req.slug)) {
        Entry::Article(dir) => dir,
        _ => return Err(Refusal::NotFound(format!("no article `{}`", req.slug))),
    };
    if version(&dir).as_deref() != Some(req.version.as_str()) {
        return Err(conflict());
    }
    let mut out = Diagnostics::new();
    let article = match content::load_article(root, &dir, true, &mut out) {
        Loaded::Article(a) => a,
        _ => {
            return Err(Refusal::Unsupported(
                "the article does not load: fix the errors `emend serve` shows first".into(),
            ));
        }
    };
    let edition = engine::resolve(&article).map_err(|_| {
        Refusal::Unsupported("the article does not build: fix its errors first".into())
    })?;
    let change = edition
        .changes
        .iter()
        .find(|c| c.number == req.change)
        .ok_or_else(|| Refusal::NotFound(format!("no change {} in `{}`", req.change, req.slug)))?;
    let index = change.entry;
    let spec = &article.corrections[index];
    if spec.status != Status::Suggested {
        return Err(Refusal::Bad(format!(
            "change {} is not an unreviewed suggestion",
            req.change
        )));
    }
    let path = dir.join("corrections.yaml");
    let bytes = read_regular_io(&path, MAX_YAML_BYTES)
        .map_err(|e| Refusal::Failed(format!("cannot read: {e}")))?;
    let file = SourceFile::from_bytes(&path, bytes.clone())
        .map_err(|d| Refusal::Unsupported(d.message))?;
    let text = file.text.as_str();
    let (edited, done) = match req.action.as_str() {
        "accept" => (
            accept(text, spec.pos.of("status").span.clone())?,
            "accepted",
        ),
        "edit" => {
            let new = req
                .replace
                .as_deref()
                .ok_or_else(|| Refusal::Bad("`edit` needs `replace`".into()))?;
            if new.contains(['\n', '\r']) {
                return Err(Refusal::Bad(
                    "a replacement written here is one line; edit the file for more".into(),
                ));
            }
            (
                replace_value(text, spec.pos.of("replace").span.clone(), new)?,
                "edited",
            )
        }
        "reject" => (remove_entry(text, index)?, "rejected"),
        other => return Err(Refusal::Bad(format!("unknown action `{other}`"))),
    };
    // The edited file must load with the build's own loader, with one entry
    // fewer for a rejection and as many otherwise.
    let mut check = Diagnostics::new();
    let expected = article.corrections.len() - usize::from(req.action == "reject");
    match write::parse(&path, &edited, &mut check) {
        Some(list) if list.len() == expected && !check.has_errors() => {}
        _ => {
            return Err(Refusal::Unsupported(
                "the edit would not load back: edit corrections.yaml by hand".into(),
            ));
        }
    }
    let mut new_bytes = Vec::with_capacity(edited.len() + 3);
    if file.had_bom {
        new_bytes.extend_from_slice("\u{feff}".as_bytes());
    }
    new_bytes.extend_from_slice(edited.as_bytes());

    let mut restore: Option<FileEdit> = None;
    if req.action == "reject" {
        let (dict_path, old, new) =
            exception(root, &spec.selector.exact, &spec.replace, &req.slug)?;
        write::replace_file(&dict_path, old.as_deref(), &new).map_err(|d| {
            Refusal::Failed(format!("{} was not changed: {}", SITE_FILE, d.message))
        })?;
        restore = Some((dict_path, old, new));
    }
    // Nothing may have changed since the version was checked.
    if version(&dir).as_deref() != Some(req.version.as_str()) {
        undo(restore);
        return Err(conflict());
    }
    if let Err(d) = write::replace_file(&path, Some(&bytes), &new_bytes) {
        undo(restore);
        return Err(if d.code == crate::diagnostics::Code::ChangedMeanwhile {
            conflict()
        } else {
            Refusal::Failed(d.message)
        });
    }
    Ok(format!(
        "{done} {:?} → {:?}",
        spec.selector.exact,
        if req.action == "edit" {
            req.replace.as_deref().unwrap_or_default()
        } else {
            spec.replace.as_str()
        }
    ))
}

fn conflict() -> Refusal {
    Refusal::Conflict(
        "corrections.yaml or the original changed since this page was shown; nothing was written (the page reloads)".into(),
    )
}

/// Puts the dictionary back after a later step failed.
fn undo(restore: Option<FileEdit>) {
    if let Some((path, old, new)) = restore {
        let _ = match old {
            Some(old) => write::replace_file(&path, Some(&new), &old),
            None => std::fs::remove_file(&path)
                .map_err(|e| crate::source::io_diagnostic(&path, "remove", &e)),
        };
    }
}

/// The byte range of the whole line holding `at`, its line break included.
fn line_of(text: &str, at: usize) -> std::ops::Range<usize> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    start..end
}

/// Removes the line `status: suggested` (which must be a line of its own).
fn accept(text: &str, value: std::ops::Range<usize>) -> Result<String, Refusal> {
    let line = line_of(text, value.start);
    let body = text[line.clone()].trim();
    if !body.starts_with("status:") || text[value.end..line.end].trim_start().starts_with(',') {
        return Err(Refusal::Unsupported(
            "`status: suggested` is not on a line of its own: remove it by hand".into(),
        ));
    }
    Ok(format!("{}{}", &text[..line.start], &text[line.end..]))
}

/// Replaces a one-line `replace` value with a double-quoted `new`.
fn replace_value(text: &str, value: std::ops::Range<usize>, new: &str) -> Result<String, Refusal> {
    if value.is_empty() || text[value.clone()].contains('\n') {
        return Err(Refusal::Unsupported(
            "the replacement spans several lines: edit it by hand".into(),
        ));
    }
    Ok(format!(
        "{}{}{}",
        &text[..value.start],
        quote(new),
        &text[value.end..]
    ))
}

/// Removes list item `index` (a block mapping), from the start of its first
/// line to the end of its last; comments around it stay.
fn remove_entry(text: &str, index: usize) -> Result<String, Refusal> {
    let unsupported = || {
        Refusal::Unsupported(
            "corrections.yaml is not a block list: remove the entry by hand".into(),
        )
    };
    let yaml = YamlIndex::build(text).ok_or_else(unsupported)?;
    let root = yaml.root.as_ref().ok_or_else(unsupported)?;
    let NodeKind::Seq(items) = &root.kind else {
        return Err(unsupported());
    };
    if text[root.span.start..].trim_start().starts_with('[') {
        return Err(unsupported());
    }
    let item = items.get(index).ok_or_else(unsupported)?;
    let start = line_of(text, item.span.start).start;
    let last = text[..item.span.end].trim_end();
    let end = line_of(text, last.len().saturating_sub(1).max(start)).end;
    if !text[start..item.span.start].trim_start().starts_with('-') {
        return Err(unsupported());
    }
    Ok(format!("{}{}", &text[..start], &text[end..]))
}

/// A planned rewrite: the file, its bytes now (`None`: absent), its new bytes.
type FileEdit = (PathBuf, Option<Vec<u8>>, Vec<u8>);

/// The site dictionary with an exception added.
fn exception(root: &Path, find: &str, replace: &str, slug: &str) -> Result<FileEdit, Refusal> {
    let path = root.join(SITE_FILE);
    let old = match read_regular_io(&path, MAX_YAML_BYTES) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Refusal::Failed(format!("cannot read {SITE_FILE}: {e}"))),
    };
    let unsupported = || {
        Refusal::Unsupported(format!(
            "{SITE_FILE} cannot take an exception here (its `exceptions:` list must be a block list at the end of the file): nothing was changed"
        ))
    };
    let text = match &old {
        Some(b) => String::from_utf8(b.clone()).map_err(|_| unsupported())?,
        None => String::new(),
    };
    let (body, bom) = crate::text::strip_bom(&text);
    let nl = if body.contains("\r\n") { "\r\n" } else { "\n" };
    let item = |indent: &str| {
        format!(
            "{indent}- find: {}{nl}{indent}  replace: {}{nl}{indent}  article: {}{nl}",
            quote(find),
            quote(replace),
            quote(slug)
        )
    };
    let mut new = String::from(if bom > 0 { "\u{feff}" } else { "" });
    if body.trim().is_empty() {
        new.push_str(&format!(
            "# This site's spinner dictionary (see docs/suggest.md).{nl}entries: []{nl}{nl}# Suggestions rejected in review, never suggested again.{nl}exceptions:{nl}{}",
            item("  ")
        ));
    } else {
        let yaml = YamlIndex::build(body).ok_or_else(unsupported)?;
        let top = yaml.root.as_ref().ok_or_else(unsupported)?;
        let NodeKind::Map(pairs) = &top.kind else {
            return Err(unsupported());
        };
        new.push_str(body);
        if !body.ends_with('\n') {
            new.push_str(nl);
        }
        match pairs
            .iter()
            .position(|(k, _)| matches!(&k.kind, NodeKind::Scalar(s) if s == "exceptions"))
        {
            None => {
                new.push_str(&format!(
                    "{nl}# Suggestions rejected in review, never suggested again.{nl}exceptions:{nl}{}",
                    item("  ")
                ));
            }
            Some(i) => {
                let value = &pairs[i].1;
                let last_key = i + 1 == pairs.len();
                let items = value.items();
                let block = !body[value.span.start..].trim_start().starts_with('[');
                let indent = match items.first() {
                    Some(first) => {
                        let line = line_of(body, first.span.start);
                        let prefix = &body[line.start..first.span.start];
                        prefix[..prefix.find('-').unwrap_or(0)].to_string()
                    }
                    None => return Err(unsupported()),
                };
                // The list must end the file (only comments and blank lines after it).
                let after = &body[value.span.end..];
                let trailing_ok = after.lines().all(|l| {
                    let t = l.trim();
                    t.is_empty() || t.starts_with('#')
                });
                if !last_key || !block || !trailing_ok || !matches!(value.kind, NodeKind::Seq(_)) {
                    return Err(unsupported());
                }
                new.push_str(&item(&indent));
            }
        }
    }
    // It must load as a site dictionary, with the exception in it.
    let mut check = Diagnostics::new();
    let mut dict = Dictionary::default();
    let loaded = SourceFile::from_bytes(&path, new.clone().into_bytes())
        .ok()
        .is_some_and(|f| dict.add_file(&f, Source::Site, &mut check));
    if !loaded || !dict.excepted(slug, find, replace) {
        return Err(unsupported());
    }
    Ok((path, old, new.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# Editor's notes\n- find: \"a\"\n  replace: \"b\"\n  why: \"x\"\n\n# Suggested by `emend suggest`\n- find: \"mentioned\"\n  replace: \"said\"\n  kind: synonym\n  status: suggested\n  confidence: 0.90\n# trailing comment\n";

    #[test]
    fn accept_removes_only_the_status_line() {
        let at = FILE.find("suggested\n").unwrap();
        let out = accept(FILE, at..at + 9).unwrap();
        assert_eq!(out, FILE.replace("  status: suggested\n", ""));
        // in a flow mapping it is refused, not mangled
        let flow = "- {find: a, replace: b, status: suggested}\n";
        let at = flow.find("suggested").unwrap();
        assert!(accept(flow, at..at + 9).is_err());
    }

    #[test]
    fn reject_removes_the_entry_and_keeps_the_comments() {
        let out = remove_entry(FILE, 1).unwrap();
        assert_eq!(
            out,
            "# Editor's notes\n- find: \"a\"\n  replace: \"b\"\n  why: \"x\"\n\n# Suggested by `emend suggest`\n# trailing comment\n"
        );
        let out = remove_entry(FILE, 0).unwrap();
        assert!(out.starts_with("# Editor's notes\n\n# Suggested"), "{out}");
    }

    #[test]
    fn edit_quotes_the_new_value() {
        let at = FILE.find("\"said\"").unwrap();
        let out = replace_value(FILE, at..at + 6, "told \"us\"").unwrap();
        assert!(out.contains("  replace: \"told \\\"us\\\"\"\n"), "{out}");
    }

    #[test]
    fn exceptions_are_appended_to_the_site_dictionary() {
        let dir = tempfile::tempdir().unwrap();
        let (_, old, new) = exception(dir.path(), "droop", "suspend", "transit").unwrap();
        assert!(old.is_none());
        let text = String::from_utf8(new).unwrap();
        assert!(text.ends_with("exceptions:\n  - find: \"droop\"\n    replace: \"suspend\"\n    article: \"transit\"\n"), "{text}");
        std::fs::write(dir.path().join(SITE_FILE), &text).unwrap();
        let (_, _, again) = exception(dir.path(), "cash", "money", "b").unwrap();
        let again = String::from_utf8(again).unwrap();
        assert_eq!(
            again,
            format!("{text}  - find: \"cash\"\n    replace: \"money\"\n    article: \"b\"\n")
        );
        // A dictionary whose exceptions are not last is left alone.
        std::fs::write(
            dir.path().join(SITE_FILE),
            "exceptions:\n  - {find: a, replace: b}\nentries: []\n",
        )
        .unwrap();
        assert!(exception(dir.path(), "x", "y", "s").is_err());
    }

    #[test]
    fn versions_change_with_either_file_and_tokens_differ() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("original.txt"), "text\n").unwrap();
        let v0 = version(dir.path()).unwrap();
        std::fs::write(dir.path().join("corrections.yaml"), "").unwrap();
        let v1 = version(dir.path()).unwrap();
        std::fs::write(dir.path().join("original.txt"), "text.\n").unwrap();
        let v2 = version(dir.path()).unwrap();
        assert!(v0 != v1 && v1 != v2 && v0 != v2);
        assert_eq!(session_token().len(), 32);
        assert_ne!(session_token(), session_token());
    }
}
