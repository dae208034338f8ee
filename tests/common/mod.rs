//! Helpers shared by the integration tests: fixture sites in temp folders, the
//! `emend` binary, and HTML parsing.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use scraper::{ElementRef, Html, Selector};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies `tests/fixtures/<name>` into a fresh temp folder and returns it.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures").join(name), dir.path());
    dir
}

/// Recursively copies a folder.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// The `emend` binary, run in `root` without colour.
pub fn emend(root: &Path) -> Command {
    let mut cmd = Command::cargo_bin("emend").unwrap();
    cmd.current_dir(root)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE");
    cmd
}

/// Builds the site in `root`, panicking with the output on failure.
pub fn build(root: &Path) {
    let out = emend(root).arg("build").output().unwrap();
    assert!(
        out.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Parses an HTML file.
pub fn html(path: &Path) -> Html {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Html::parse_document(&text)
}

/// A CSS selector.
pub fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// All elements matching `s`.
pub fn all<'a>(doc: &'a Html, s: &str) -> Vec<ElementRef<'a>> {
    doc.select(&sel(s)).collect()
}

/// The only element matching `s`.
pub fn one<'a>(doc: &'a Html, s: &str) -> ElementRef<'a> {
    let found = all(doc, s);
    assert_eq!(
        found.len(),
        1,
        "expected exactly one `{s}`, found {}",
        found.len()
    );
    found[0]
}

/// Text content of an element, leaving out descendants matching `skip`
/// (note reference numbers are not part of the text).
/// The passages of an edition page, in order: each one's cell as received and
/// its corrected cell (the two texts are columns, aligned passage by passage).
#[allow(dead_code)]
pub fn passages<'a>(doc: &'a Html) -> Vec<(ElementRef<'a>, ElementRef<'a>)> {
    let orig = all(doc, ".grid .col.orig > .cell");
    let corr = all(doc, ".grid .col.corr > .cell");
    assert_eq!(orig.len(), corr.len(), "as many passages in both texts");
    orig.into_iter().zip(corr).collect()
}

pub fn text_without(el: ElementRef<'_>, skip: &str) -> String {
    let skip = sel(skip);
    let mut out = String::new();
    fn walk(node: ego_tree::NodeRef<'_, scraper::Node>, skip: &Selector, out: &mut String) {
        for child in node.children() {
            match child.value() {
                scraper::Node::Text(t) => out.push_str(t),
                scraper::Node::Element(_) => {
                    let el = ElementRef::wrap(child).unwrap();
                    if !skip.matches(&el) {
                        walk(child, skip, out);
                    }
                }
                _ => {}
            }
        }
    }
    walk(*el, &skip, &mut out);
    out
}

/// Every file under `dir` with its bytes, sorted by path.
pub fn snapshot_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The case folders under `tests/<corpus>/` (`bad`, `good`), sorted.
pub fn case_dirs(corpus: &str) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(repo().join("tests").join(corpus))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}
