//! The command line itself: help, version, exit codes, JSON diagnostics.

mod common;

use common::*;

#[test]
fn help_lists_commands_and_examples() {
    let out = emend(&repo()).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in ["build", "check", "Examples:", "emend check --format json"] {
        assert!(text.contains(needle), "help lacks {needle:?}:\n{text}");
    }
    let out = emend(&repo()).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("emend {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_errors_exit_2_and_content_errors_exit_1() {
    let out = emend(&repo())
        .args(["build", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    let out = emend(dir.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error[no-site]: no site.yaml in the current folder\n = help: run emend in a site folder, pass `--root DIR`, or create a site with `emend init`\n\nerror: 1 error\n"
    );
}

#[test]
fn check_json_reports_positions_and_counts() {
    let site = fixture("basic");
    std::fs::write(
        site.path().join("content/alpha/corrections.yaml"),
        "- find: mentioned\n  replace: said\n  why: w\n- find: same\n  replace: same\n  why: w\n",
    )
    .unwrap();
    let out = emend(site.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"], 2);
    assert_eq!(json["warnings"], 1);
    let diags = json["diagnostics"].as_array().unwrap();
    let summary: Vec<(String, String, String, u64, u64)> = diags
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "error".into(),
                "find-ambiguous".into(),
                "content/alpha/corrections.yaml".into(),
                1,
                9
            ),
            (
                "error".into(),
                "find-not-found".into(),
                "content/alpha/corrections.yaml".into(),
                4,
                9
            ),
            (
                "warning".into(),
                "no-op-correction".into(),
                "content/alpha/corrections.yaml".into(),
                5,
                12
            ),
        ]
    );
    // nothing is printed to stderr in JSON mode but the JSON itself
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn quiet_hides_warnings_and_the_summary() {
    let site = fixture("basic");
    std::fs::write(
        site.path().join("content/alpha/corrections.yaml"),
        "- find: International Information\n  replace: Global News\n",
    )
    .unwrap();
    std::fs::write(site.path().join("content/alpha/annotations.yaml"), "").unwrap();
    let out = emend(site.path()).arg("build").output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning[missing-why]"), "{err}");
    assert!(err.contains("Built 2 articles"), "{err}");
    let out = emend(site.path()).args(["-q", "build"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
