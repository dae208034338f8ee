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
}

/// The help texts, exactly: global options under their own heading, `init`'s
/// folder given once, what `--no-dictionary` turns off, the reserved slugs,
/// `$BROWSER`. `INSTA_UPDATE=always cargo test --test cli` rewrites them after
/// a deliberate change (then review `git diff tests/snapshots/`).
#[test]
fn help_texts() {
    for (name, args) in [
        ("help", &["--help"][..]),
        ("help_build", &["build", "--help"]),
        ("help_check", &["check", "--help"]),
        ("help_serve", &["serve", "--help"]),
        ("help_new", &["new", "--help"]),
        ("help_init", &["init", "--help"]),
        ("help_suggest", &["suggest", "--help"]),
        ("help_explain", &["explain", "--help"]),
    ] {
        let out = emend(&repo())
            .args(args)
            .env("COLUMNS", "100")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn new_help_lists_every_reserved_slug() {
    let out = emend(&repo()).args(["new", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let listed = format!(
        "not one of the reserved {}",
        emend::content::RESERVED_SLUGS.join(", ")
    );
    assert!(text.contains(&listed), "{text}");
}

#[test]
fn version_names_the_commit() {
    let out = emend(&repo()).arg("--version").output().unwrap();
    // The commit HEAD is at now: the build script re-runs when HEAD moves.
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(repo())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let commit = head.unwrap_or_else(|| env!("EMEND_COMMIT").to_string());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("emend {} (commit {commit})\n", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(
        emend::cli::VERSION,
        format!("{} (commit {commit})", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn init_takes_its_folder_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = emend(dir.path())
        .args(["init", "a", "--root", "b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: the argument '[DIR]' cannot be used with '--root <DIR>'\n\nUsage: emend init <DIR>\n\nFor more information, try '--help'.\n"
    );
    assert!(!dir.path().join("a").exists() && !dir.path().join("b").exists());
    // Either alone works.
    emend(dir.path()).args(["init", "a"]).assert().success();
    emend(dir.path())
        .args(["init", "--root", "b"])
        .assert()
        .success();
    assert!(dir.path().join("a/site.yaml").is_file());
    assert!(dir.path().join("b/site.yaml").is_file());
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
