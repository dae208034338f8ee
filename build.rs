//! Build script: the commit `emend --version` names, and what the test
//! machine has, so that tests needing a browser, mounts or a network address
//! are counted as "ignored" (with the reason) in `cargo test`'s summary instead
//! of passing without having run.
//!
//! Sets, for every target of the package:
//! - `EMEND_COMMIT` (env): `git rev-parse --short HEAD` of this repository,
//!   else `$EMEND_COMMIT` from the environment (for builds from a source
//!   archive), else `unknown`. Rebuilt when HEAD moves.
//! - `cfg(has_chromium)` and `EMEND_TEST_CHROMIUM` (env): a Chromium to run
//!   headless (`$CHROMIUM`, `/usr/bin/chromium`, or `chromium`,
//!   `chromium-browser`, `google-chrome` on `PATH`).
//! - `cfg(has_browser_suite)`: Chromium, Node 20.11+ and the suite's npm
//!   packages (`tests/browser/node_modules`).
//! - `cfg(can_mount)`: the tests may mount a tmpfs and bind-mount read-only
//!   (Linux, `CAP_SYS_ADMIN`, a `mount` command).
//! - `cfg(can_drop_privileges)`: not root, or root with a working `setpriv`.
//! - `cfg(has_outward_address)`: the machine has a non-loopback address.
//!
//! `EMEND_BROWSER_TESTS=require` (CI) sets `has_chromium` and
//! `has_browser_suite` whatever was found, so the tests run and fail with
//! their reason instead of being ignored; `EMEND_BROWSER_TESTS=skip` ignores
//! them on purpose. After installing something, `touch build.rs` (or the
//! next `npm ci`/`apt-get install`, which this script watches) re-runs the
//! probes.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    println!("cargo::rustc-env=EMEND_COMMIT={}", commit(&manifest));

    for cfg in [
        "has_chromium",
        "has_browser_suite",
        "can_mount",
        "can_drop_privileges",
        "has_outward_address",
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
    }
    let mut watched = Vec::new();
    println!("cargo::rerun-if-env-changed=EMEND_BROWSER_TESTS");
    println!("cargo::rerun-if-env-changed=CHROMIUM");
    let mode = env::var("EMEND_BROWSER_TESTS").unwrap_or_default();

    let chromium = find_chromium(&mut watched);
    if let Some(path) = &chromium {
        println!("cargo::rustc-env=EMEND_TEST_CHROMIUM={}", path.display());
    }
    let suite = browser_suite(&manifest, chromium.is_some(), &mut watched);
    match mode.as_str() {
        "require" => {
            println!("cargo::rustc-cfg=has_chromium");
            println!("cargo::rustc-cfg=has_browser_suite");
        }
        "skip" => {}
        _ => {
            if chromium.is_some() {
                println!("cargo::rustc-cfg=has_chromium");
            }
            match suite {
                Ok(()) => println!("cargo::rustc-cfg=has_browser_suite"),
                Err(why) => println!("cargo::warning=browser tests will be ignored: {why}"),
            }
        }
    }
    if can_mount(&mut watched) {
        println!("cargo::rustc-cfg=can_mount");
    }
    if can_drop_privileges(&mut watched) {
        println!("cargo::rustc-cfg=can_drop_privileges");
    }
    if has_outward_address() {
        println!("cargo::rustc-cfg=has_outward_address");
    }
    watched.sort();
    watched.dedup();
    for path in watched {
        println!("cargo::rerun-if-changed={}", path.display());
    }
}

/// The short commit of HEAD, when this package is the top of a git work
/// tree; else `$EMEND_COMMIT`; else `unknown`.
fn commit(manifest: &Path) -> String {
    println!("cargo::rerun-if-env-changed=EMEND_COMMIT");
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .args(args)
            .current_dir(manifest)
            .output()
            .ok()?;
        let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
        (out.status.success() && !text.is_empty()).then_some(text)
    };
    let top = git(&["rev-parse", "--show-toplevel"]).map(PathBuf::from);
    let ours = top
        .and_then(|t| t.canonicalize().ok())
        .is_some_and(|t| manifest.canonicalize().is_ok_and(|m| m == t));
    if ours && let Some(hash) = git(&["rev-parse", "--short", "HEAD"]) {
        // HEAD itself (a checkout), the branch it points to (a commit), and
        // packed refs. Only files that exist: cargo re-runs a script whose
        // watched file is missing on every build.
        let mut files = vec!["HEAD".to_string(), "packed-refs".to_string()];
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            files.push(branch);
        }
        for file in files {
            if let Some(path) = git(&["rev-parse", "--git-path", &file]) {
                let path = manifest.join(path);
                if path.is_file() {
                    println!("cargo::rerun-if-changed={}", path.display());
                }
            }
        }
        return hash;
    }
    env::var("EMEND_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

/// Watches `path`, or when it does not exist the closest folder above it
/// that does (so that creating it re-runs the probes), but never `/`.
fn watch(path: &Path, watched: &mut Vec<PathBuf>) {
    let mut p = path;
    loop {
        if p.exists() {
            if p.components().count() > 2 {
                watched.push(p.to_path_buf());
            }
            return;
        }
        match p.parent() {
            Some(parent) => p = parent,
            None => return,
        }
    }
}

/// An executable file named `name` on `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn find_chromium(watched: &mut Vec<PathBuf>) -> Option<PathBuf> {
    if let Some(path) = env::var_os("CHROMIUM").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        watch(&path, watched);
        return path.is_file().then_some(path);
    }
    let debian = Path::new("/usr/bin/chromium");
    watch(debian, watched);
    if debian.is_file() {
        return Some(debian.to_path_buf());
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(on_path)
}

/// Whether the browser suite can run: Chromium, Node 20.11+ (for
/// `--test-timeout` and `--test-concurrency`) and its npm packages.
fn browser_suite(
    manifest: &Path,
    chromium: bool,
    watched: &mut Vec<PathBuf>,
) -> Result<(), String> {
    let modules = manifest.join("tests/browser/node_modules/.package-lock.json");
    watch(&modules, watched);
    watch(&manifest.join("tests/browser/package-lock.json"), watched);
    let node = on_path("node");
    watch(
        node.as_deref().unwrap_or(Path::new("/usr/bin/node")),
        watched,
    );
    if !chromium {
        return Err("no Chromium (`apt-get install chromium`, or set CHROMIUM)".into());
    }
    let Some(node) = node else {
        return Err("no `node` on PATH (Node 20.11 or newer is needed)".into());
    };
    let version = Command::new(&node)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let mut parts = version.trim_start_matches('v').split('.');
    let mut number = || {
        parts
            .next()
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    };
    if (number(), number()) < (20, 11) {
        return Err(format!(
            "Node {version} is too old (20.11 or newer is needed)"
        ));
    }
    for package in ["playwright-core", "axe-core"] {
        if !manifest
            .join("tests/browser/node_modules")
            .join(package)
            .is_dir()
        {
            return Err(format!(
                "the suite's npm packages are missing (`npm ci` in tests/browser; no {package})"
            ));
        }
    }
    Ok(())
}

/// Whether this process may mount (tmpfs, read-only bind): Linux with
/// CAP_SYS_ADMIN in the effective set and a `mount` command.
fn can_mount(watched: &mut Vec<PathBuf>) -> bool {
    let Some(mount) = on_path("mount") else {
        return false;
    };
    watch(&mount, watched);
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return false;
    };
    const CAP_SYS_ADMIN: u32 = 21;
    status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .is_some_and(|caps| caps >> CAP_SYS_ADMIN & 1 == 1)
}

/// Whether a test can run emend without privileges: always for a normal
/// user; for root, when `setpriv` can switch to `nobody`.
fn can_drop_privileges(watched: &mut Vec<PathBuf>) -> bool {
    if !cfg!(unix) {
        return false;
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        return true;
    }
    let setpriv = on_path("setpriv");
    watch(
        setpriv.as_deref().unwrap_or(Path::new("/usr/bin/setpriv")),
        watched,
    );
    setpriv.is_some_and(|s| {
        Command::new(s)
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Whether the machine has an address other than loopback (no packet is
/// sent: a UDP `connect` only picks a route).
fn has_outward_address() -> bool {
    let Ok(socket) = std::net::UdpSocket::bind(("0.0.0.0", 0)) else {
        return false;
    };
    if socket.connect(("192.0.2.1", 9)).is_err() {
        return false;
    }
    socket
        .local_addr()
        .is_ok_and(|a| !a.ip().is_loopback() && !a.ip().is_unspecified())
}
