//! The bad-input corpus: `tests/bad/<case>/` is a small site with one kind of
//! mistake, and `expected.txt` is exactly what `emend check` must print for it
//! (file, line and column, snippet, hint). `EMEND_BLESS=1 cargo test --test
//! bad_input` rewrites the expectations after a deliberate change.

mod common;

use std::path::Path;

use common::*;

fn run_case(case: &Path) -> Result<(), String> {
    let site = tempfile::tempdir().unwrap();
    copy_dir(case, site.path());
    let expected_path = case.join("expected.txt");
    let _ = std::fs::remove_file(site.path().join("expected.txt"));
    let out = emend(site.path()).arg("check").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.code() != Some(1) {
        return Err(format!(
            "exit code {:?}, expected 1\n{stderr}",
            out.status.code()
        ));
    }
    if stderr.contains("panicked") {
        return Err(format!("panic:\n{stderr}"));
    }
    // A failing build must not leave an output folder behind.
    let build = emend(site.path()).arg("build").output().unwrap();
    if build.status.success() || site.path().join("public").exists() {
        return Err("build succeeded or wrote public/".into());
    }
    if std::env::var_os("EMEND_BLESS").is_some() {
        std::fs::write(&expected_path, &stderr).unwrap();
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path)
        .map_err(|_| format!("no expected.txt; got:\n{stderr}"))?;
    if expected != stderr {
        return Err(format!("--- expected\n{expected}\n--- got\n{stderr}"));
    }
    Ok(())
}

#[test]
fn every_bad_input_gets_its_exact_diagnostic() {
    let mut cases: Vec<_> = std::fs::read_dir(repo().join("tests/bad"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 12);
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
