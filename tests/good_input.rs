//! The good-input corpus: `tests/good/<case>/` is a small site written the way
//! real editors save files (CRLF line endings, UTF-8 byte order marks) that
//! must *work*, not merely fail well. For each case `emend check` must print
//! exactly `expected.txt` and succeed, `emend build` must succeed, and the
//! text the pages show must be exactly `expected-text.txt` (each row of the
//! side-by-side view, the reading view and the notes). Rewrite both with
//! `EMEND_BLESS=1 cargo test --test good_input` after a deliberate change.
//!
//! Independently of the goldens, every case is checked for what CRLF and BOM
//! input must never produce: a byte order mark or carriage return in a page,
//! an original download that differs from the file, or a corrected download
//! with mixed line endings.

mod common;

use std::fmt::Write;
use std::path::Path;

use common::*;
use scraper::Html;

/// Text of an element with runs of whitespace collapsed (Markdown cells
/// break lines where the source did).
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The visible text of every article's pages, as reviewed in `expected-text.txt`.
fn shown_text(public: &Path, slugs: &[String]) -> String {
    let mut out = String::new();
    for slug in slugs {
        let page = html(&public.join(slug).join("index.html"));
        writeln!(out, "== {slug}: side by side").unwrap();
        for (orig, corr) in passages(&page) {
            let id = corr.value().attr("id").unwrap_or("?");
            let cell = |e: scraper::ElementRef<'_>| {
                e.select(&sel("p, h2, h3, h4, li"))
                    .map(|p| flat(&text_without(p, "sup.nref")))
                    .collect::<Vec<_>>()
                    .join(" ¶ ")
            };
            writeln!(out, "{id} as received: {}", cell(orig)).unwrap();
            writeln!(out, "{id} corrected:   {}", cell(corr)).unwrap();
            let group = format!(".app-group[data-row=\"{id}\"] .changes > li");
            for li in all(&page, &group) {
                writeln!(out, "{id}   {}", flat(&li.text().collect::<String>())).unwrap();
            }
        }
        let reading = html(&public.join(slug).join("corrected/index.html"));
        writeln!(out, "== {slug}: reading view").unwrap();
        for p in all(
            &reading,
            ".reading-text p, .reading-text h2, .reading-text li",
        ) {
            writeln!(out, "{}", flat(&text_without(p, "sup.nref"))).unwrap();
        }
        writeln!(out, "== {slug}: notes").unwrap();
        for li in all(&page, ".notes > ol > li") {
            writeln!(out, "{}", flat(&li.text().collect::<String>())).unwrap();
        }
    }
    out
}

fn run_case(case: &Path) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    copy_dir(case, site);
    for meta in ["expected.txt", "expected-text.txt"] {
        let _ = std::fs::remove_file(site.join(meta));
    }
    let check = emend(site).arg("check").output().unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr).into_owned();
    if !check.status.success() {
        return Err(format!("check failed:\n{stderr}"));
    }
    let build = emend(site).arg("build").output().unwrap();
    if !build.status.success() {
        return Err(format!(
            "build failed:\n{}",
            String::from_utf8_lossy(&build.stderr)
        ));
    }
    let public = site.join("public");
    let mut slugs: Vec<String> = std::fs::read_dir(site.join("content"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    slugs.sort();

    // What CRLF and BOM input must never produce.
    for (rel, bytes) in snapshot_dir(&public) {
        if rel.ends_with(".html") {
            let text = String::from_utf8(bytes).map_err(|_| format!("{rel}: not UTF-8"))?;
            if text.contains('\u{feff}') {
                return Err(format!("{rel}: contains a byte order mark"));
            }
            if text.contains('\r') {
                return Err(format!("{rel}: contains a carriage return"));
            }
            let doc = Html::parse_document(&text);
            if !doc.errors.is_empty() {
                return Err(format!("{rel}: HTML parse errors {:?}", doc.errors));
            }
        }
    }
    for slug in &slugs {
        for ext in ["txt", "md"] {
            let source = site
                .join("content")
                .join(slug)
                .join(format!("original.{ext}"));
            let Ok(original) = std::fs::read(&source) else {
                continue;
            };
            let download = std::fs::read(public.join(slug).join(format!("original.{ext}")))
                .map_err(|e| format!("{slug}: no original download: {e}"))?;
            if download != original {
                return Err(format!("{slug}: original download differs from the file"));
            }
            let corrected =
                std::fs::read_to_string(public.join(slug).join(format!("corrected.{ext}")))
                    .unwrap();
            let crlf_only = |t: &str| t.contains("\r\n") && !t.replace("\r\n", "").contains('\n');
            let original = String::from_utf8_lossy(&original);
            if crlf_only(&original) && !crlf_only(&corrected) {
                return Err(format!("{slug}: corrected download mixes line endings"));
            }
        }
    }

    let text = shown_text(&public, &slugs);
    if std::env::var_os("EMEND_BLESS").is_some() {
        std::fs::write(case.join("expected.txt"), &stderr).unwrap();
        std::fs::write(case.join("expected-text.txt"), &text).unwrap();
        return Ok(());
    }
    for (name, got) in [("expected.txt", &stderr), ("expected-text.txt", &text)] {
        let expected = std::fs::read_to_string(case.join(name))
            .map_err(|_| format!("no {name}; got:\n{got}"))?;
        if &expected != got {
            return Err(format!("--- {name}\n{expected}\n--- got\n{got}"));
        }
    }
    Ok(())
}

#[test]
fn crlf_and_bom_input_builds_and_reads_right() {
    let cases = case_dirs("good");
    assert!(cases.len() >= 3, "{} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            run_case(c)
                .err()
                .map(|e| format!("== {}\n{e}", c.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
