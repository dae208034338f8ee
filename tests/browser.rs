//! Runs the browser suite (`tests/browser/`: Node, playwright-core and
//! Debian's headless Chromium) as part of `cargo test`, with the `emend`
//! binary cargo just built. On a machine without Node 20.11+, Chromium or the
//! suite's npm packages the build script leaves `cfg(has_browser_suite)`
//! unset, so the test is counted as ignored, with the reason, in the summary;
//! `EMEND_BROWSER_TESTS=require` (set by .ci/run) makes it run and fail
//! instead, and `EMEND_BROWSER_TESTS=skip` ignores it on purpose. `EMEND_BIN`
//! tests another binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn suite() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Why the suite cannot run here, if it cannot.
fn missing_prerequisite(suite: &Path) -> Option<String> {
    let node = Command::new("node").arg("--version").output();
    let version = match node {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
        _ => return Some("`node` is not installed (Node 20.11 or newer is needed)".into()),
    };
    // --test-timeout and --test-concurrency need Node 20.11 or newer.
    let mut parts = version.trim_start_matches('v').split('.');
    let mut number = || {
        parts
            .next()
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    };
    if (number(), number()) < (20, 11) {
        return Some(format!(
            "Node {version} is too old (20.11 or newer is needed)"
        ));
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).is_file() {
        return Some(format!(
            "Chromium is not installed at {chromium} (`apt-get install chromium`, or set CHROMIUM)"
        ));
    }
    for package in ["playwright-core", "axe-core"] {
        if !suite.join("node_modules").join(package).is_dir() {
            return Some(format!(
                "the suite's npm packages are not installed (run `npm ci` in tests/browser; {package} is missing)"
            ));
        }
    }
    None
}

/// Writes to the real stderr: libtest captures `eprintln!` of passing tests,
/// and a skip or a summary should be seen in a plain `cargo test`.
fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// The binary under test: cargo's, unless $EMEND_BIN names another (a
/// release build, say).
fn emend_bin() -> String {
    std::env::var("EMEND_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_emend").to_string())
}

#[test]
#[cfg_attr(
    not(has_browser_suite),
    ignore = "needs Node 20.11+, Chromium and `npm ci` in tests/browser (CONTRIBUTING.md, Browser tests), then touch build.rs"
)]
fn browser_suite_in_headless_chromium() {
    if let Some(why) = missing_prerequisite(&suite()) {
        panic!("the browser tests cannot run: {why}");
    }
    let suite = suite();
    let started = Instant::now();
    let out = Command::new("node")
        .args([
            "--test",
            "--test-concurrency=1",
            "--test-timeout=300000",
            "--test-reporter=spec",
            "tests/",
        ])
        .current_dir(&suite)
        .env("EMEND_BIN", emend_bin())
        .env("NO_COLOR", "1")
        .output()
        .expect("running node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the browser suite failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    // The spec reporter ends with "ℹ tests N", "ℹ pass N", …: pass them on.
    let counts: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("ℹ "))
        .filter(|l| {
            ["tests", "pass", "fail", "skipped"]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .collect();
    say(&format!(
        "browser tests: {} in {:.0} s; screenshots in tests/browser/artifacts/",
        counts.join(", "),
        started.elapsed().as_secs_f64()
    ));
}
