//! Fuzzing regressions and the fuzz checks on every real article.
//!
//! `fuzz/regressions/<target>/` keeps each input a fuzz target once failed on
//! (`engine/` and `render/`: article folders; `yaml/`: `<name>.<file>.yaml`).
//! They run here through the same checks the fuzz targets apply
//! (`fuzz/src/check.rs`), so a fixed crash stays fixed without a fuzzer. The
//! checks also run on every article in the repository, which keeps them honest:
//! a check that rejected emend's real output would fail here first.

mod common;

#[path = "../fuzz/src/check.rs"]
mod check;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use check::{Case, YamlKind};

fn dirs(under: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(under)
        .map(|rd| rd.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Runs `f` on each item, collecting failures with the item's name.
fn each(items: &[PathBuf], f: impl Fn(&Path)) -> Vec<String> {
    items
        .iter()
        .filter_map(|p| {
            catch_unwind(AssertUnwindSafe(|| f(p))).err().map(|e| {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                format!("{}: {msg}", p.display())
            })
        })
        .collect()
}

#[test]
fn kept_fuzz_crashes_stay_fixed() {
    let root = common::repo().join("fuzz/regressions");
    let mut failures = Vec::new();
    let yaml = dirs(&root.join("yaml"));
    failures.extend(each(&yaml, |p| {
        let name = p.file_name().unwrap().to_string_lossy();
        let kind = YamlKind::from_file_name(&name).expect("name ends in .<kind>.yaml");
        check::yaml(kind, &std::fs::read(p).unwrap());
    }));
    let engine = dirs(&root.join("engine"));
    failures.extend(each(&engine, |p| {
        check::engine(&Case::load(p).unwrap());
    }));
    let render = dirs(&root.join("render"));
    failures.extend(each(&render, |p| check::render(&Case::load(p).unwrap())));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    println!(
        "{} yaml, {} engine, {} render regressions pass",
        yaml.len(),
        engine.len(),
        render.len()
    );
}

/// Every article folder in the repository: the bundled site, fixtures and both corpora.
fn repository_articles() -> Vec<PathBuf> {
    let repo = common::repo();
    let mut sites = vec![repo.clone()];
    for corpus in ["tests/fixtures", "tests/bad", "tests/good"] {
        sites.extend(dirs(&repo.join(corpus)));
    }
    sites
        .iter()
        .flat_map(|s| dirs(&s.join("content")))
        .filter(|d| d.is_dir())
        .collect()
}

#[test]
fn fuzz_checks_accept_every_article_in_the_repository() {
    let articles = repository_articles();
    assert!(articles.len() >= 15, "{articles:?}");
    let mut rendered = 0;
    let failures = each(&articles, |dir| {
        let Ok(case) = Case::load(dir) else {
            return; // no original: the bad corpus covers that
        };
        if check::engine(&case).is_some() {
            check::render(&case);
        }
    });
    for dir in &articles {
        if let Ok(case) = Case::load(dir)
            && check::engine(&case).is_some()
        {
            rendered += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(rendered >= 5, "only {rendered} articles rendered");
    // The YAML check on every YAML file there.
    let mut yaml_files = 0;
    for dir in &articles {
        for kind in [YamlKind::Meta, YamlKind::Corrections, YamlKind::Annotations] {
            if let Ok(bytes) = std::fs::read(dir.join(kind.file_name())) {
                check::yaml(kind, &bytes);
                yaml_files += 1;
            }
        }
    }
    assert!(yaml_files >= 20, "{yaml_files}");
}

#[test]
fn the_page_checker_rejects_what_it_must() {
    let ok = "<!DOCTYPE html><html><head><script src=\"edition.js\" defer></script></head><body><p class=\"x\">a &amp; b<br></p></body></html>";
    assert_eq!(check::check_page(ok), Ok(()));
    for (bad, why) in [
        ("<p><b></p></b>", "closes"),
        ("<p>a < b</p>", "does not start a tag"),
        ("<p>a & b</p>", "bare `&`"),
        ("<script>alert(1)</script>", "script element"),
        ("<a href=\" JaVa\tscript:x\">x</a>", "script URL"),
        ("<img src=\"data:image/svg+xml,x\">", "script URL"),
        ("<p onclick=\"x\">y</p>", "event handler"),
        ("<p style=\"x\">y</p>", "style attribute"),
        ("<style>p{}</style>", "<style> element"),
        (
            "<iframe src=\"https://e.org\"></iframe>",
            "<iframe> element",
        ),
        ("<p>open", "unclosed"),
    ] {
        let err = check::check_page(bad).expect_err(bad);
        assert!(err.contains(why), "{bad}: {err}");
    }
    assert_eq!(
        check::visible_paragraphs(
            "<p>a <ins>b</ins><sup class=\"nref\"><a href=\"#n\">1</a></sup> &lt;c&gt;</p>\n<p>d</p>"
        ),
        Ok(vec!["a b <c>".to_string(), "d".to_string()])
    );
}
