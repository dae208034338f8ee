//! Diagnostics through the command line: `check --format json` for editors
//! and CI, warnings distinct from errors, `-q` and `-v`.

mod common;

use std::path::Path;

use common::*;
use serde_json::{Value, json};

/// The basic fixture with one error (a `find` that matches nothing) and one
/// warning (a correction whose `replace` equals its `find`) in `alpha`.
fn broken_site() -> tempfile::TempDir {
    let site = fixture("basic");
    let path = site.path().join("content/alpha/corrections.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replacen("- find: \"2\"", "- find: \"3\"", 1)
        + "- find: A new section\n  replace: A new section\n  why: \"no change\"\n";
    std::fs::write(&path, text).unwrap();
    site
}

fn json_check(root: &Path, extra: &[&str]) -> (Option<i32>, Value, String) {
    let out = emend(root)
        .args(["check", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (
        out.status.code(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_json_lists_errors_and_warnings_with_positions() {
    let site = broken_site();
    let (code, json, stderr) = json_check(site.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(stderr, "", "JSON mode prints nothing else");
    assert_eq!(
        (json["errors"].clone(), json["warnings"].clone()),
        (json!(1), json!(1))
    );
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let by_code = |code: &str| {
        diagnostics
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no {code} in {json:#}"))
    };
    let error = by_code("find-not-found");
    assert_eq!(error["severity"], "error");
    assert_eq!(error["file"], "content/alpha/corrections.yaml");
    assert_eq!(
        (error["line"].clone(), error["column"].clone()),
        (json!(17), json!(9))
    );
    assert_eq!(
        (error["end_line"].clone(), error["end_column"].clone()),
        (json!(17), json!(12))
    );
    assert_eq!(
        error["message"],
        "`find` text \"3\" does not occur in the original"
    );
    assert_eq!(error["label"], "not found");

    let warning = by_code("no-op-correction");
    assert_eq!(warning["severity"], "warning");
    assert_eq!(warning["file"], "content/alpha/corrections.yaml");
    assert_eq!(
        (warning["line"].clone(), warning["column"].clone()),
        (json!(34), json!(12))
    );
    assert_eq!(
        warning["message"],
        "`replace` is the same as `find`; this correction changes nothing"
    );
    assert_eq!(warning["help"], "remove the entry, or fix `replace`");
}

#[test]
fn check_json_of_a_clean_site_is_empty_and_quiet_drops_warnings() {
    let site = fixture("basic");
    let (code, json, _) = json_check(site.path(), &[]);
    assert_eq!(code, Some(0));
    assert_eq!(
        json,
        json!({"errors": 0, "warnings": 0, "notes": 0, "diagnostics": []})
    );

    let broken = broken_site();
    let (code, json, _) = json_check(broken.path(), &["-q"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        (json["errors"].clone(), json["warnings"].clone()),
        (json!(1), json!(0))
    );
}

#[test]
fn warnings_are_distinct_from_errors_and_do_not_fail() {
    let site = fixture("basic");
    let path = site.path().join("content/alpha/corrections.yaml");
    let text = std::fs::read_to_string(&path).unwrap()
        + "- find: A new section\n  replace: A new section\n  why: \"no change\"\n";
    std::fs::write(&path, text).unwrap();
    let out = emend(site.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(
            "warning[no-op-correction]: `replace` is the same as `find`; this correction changes nothing\n   \
             ┌─ content/alpha/corrections.yaml:34:12\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("   = help: remove the entry, or fix `replace`\n"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("warning: 1 warning\nChecked 2 articles: no errors\n"),
        "{stderr}"
    );

    // -q: errors only, so nothing at all here.
    let out = emend(site.path()).args(["-q", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn build_prints_a_one_line_summary_and_v_adds_phase_timings() {
    let site = fixture("basic");
    let out = emend(site.path()).arg("build").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("Built 2 articles (7 pages, ")
            && lines[0].contains(", 1 draft skipped) in "),
        "{stderr}"
    );

    let out = emend(site.path()).args(["-v", "build"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    for phase in [
        "load site and theme",
        "discover",
        "articles",
        "site pages",
        "commit",
        "total",
    ] {
        assert!(
            stderr
                .lines()
                .any(|l| l.trim_start().starts_with(phase) && l.ends_with(" ms")),
            "no `{phase}` timing in\n{stderr}"
        );
    }

    let out = emend(site.path()).args(["-q", "build"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// Every check `check` runs, `check --links` runs too (they were once two
/// modes compared with `==`, and `--links` lost the checks across articles).
#[test]
fn check_links_runs_every_check_of_check() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.yaml"),
        "title: Test\nbase_url: https://example.org/\n",
    )
    .unwrap();
    let article = |slug: &str, original: &str, corrections: Option<&str>| {
        let d = dir.path().join("content").join(slug);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("original.txt"), original).unwrap();
        std::fs::write(d.join("meta.yaml"), format!("title: \"{slug}\"\n")).unwrap();
        if let Some(c) = corrections {
            std::fs::write(d.join("corrections.yaml"), c).unwrap();
        }
    };
    article(
        "story",
        "The MP spoke.\nInternational Information reported it.\n",
        None,
    );
    article(
        "other",
        "International Information first reported the story on Monday.\n",
        Some(
            "- find: International Information\n  replace: Global News\n  kind: name\n  all: true\n  why: \"The outlet's name.\"\n",
        ),
    );
    let codes = |extra: &[&str]| -> Vec<String> {
        let (code, json, stderr) = json_check(dir.path(), extra);
        assert_eq!(code, Some(0), "{stderr}");
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{}:{}",
                    d["file"].as_str().unwrap_or(""),
                    d["code"].as_str().unwrap()
                )
            })
            .collect()
    };
    let plain = codes(&[]);
    assert_eq!(plain, ["content/story/original.txt:uncorrected-elsewhere"]);
    assert_eq!(codes(&["--links"]), plain);
}
