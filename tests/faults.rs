//! Faults: a build killed at any moment, a full disk, and files emend may not
//! write or read. The previous output must survive every one of them byte for
//! byte, the next build must be correct, and errors must say what happened.
//!
//! The disk-full and read-only tests need to mount a tmpfs / a read-only bind
//! (root, or a container allowed to mount), and the permission tests a user
//! the permissions apply to (as root: `setpriv` to become `nobody`). Where
//! the build script found that impossible (see build.rs) they are counted as
//! ignored, with the reason, in `cargo test`'s summary.

mod common;

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::*;

/// A site big enough that a build takes a while: `articles` articles of
/// `paragraphs` paragraphs, each with corrections and a note.
fn big_site(root: &Path, articles: usize, paragraphs: usize, version: &str) {
    std::fs::write(
        root.join("site.yaml"),
        "title: \"Big\"\nbase_url: \"https://example.org/\"\n",
    )
    .unwrap();
    for a in 0..articles {
        let dir = root.join("content").join(format!("article-{a:03}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("meta.yaml"),
            format!("title: \"Article {a} ({version})\"\npublished: 2023-03-22\n"),
        )
        .unwrap();
        let mut original = String::new();
        for p in 0..paragraphs {
            writeln!(
                original,
                "Paragraph {p} of article {a}: the MP mentioned that the Liberal Celebration had met."
            )
            .unwrap();
        }
        std::fs::write(dir.join("original.txt"), original).unwrap();
        std::fs::write(
            dir.join("corrections.yaml"),
            "- {find: mentioned, replace: said, all: true, kind: synonym, why: \"A spinner synonym.\"}\n\
             - {find: Liberal Celebration, replace: Liberal Party, all: true, kind: name, why: \"Garbled name.\"}\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("annotations.yaml"),
            "- {quote: Paragraph 0 of, note: \"The first paragraph.\"}\n",
        )
        .unwrap();
    }
}

fn emend_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_emend"))
}

/// The names in a folder other than the site's own, and other than the
/// build cache, which stays (see [`cache_leftovers`]).
fn leftovers(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("emend-") && !n.ends_with(".emend-cache"))
        .collect();
    v.sort();
    v
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_previous_output_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    big_site(root, 24, 400, "v1");
    build(root);
    let previous = snapshot_dir(&root.join("public"));

    // The next version, and what a clean build of it produces.
    big_site(root, 24, 400, "v2");
    emend(root)
        .args(["build", "--output", "reference"])
        .assert()
        .success();
    let next = snapshot_dir(&root.join("reference"));
    std::fs::remove_dir_all(root.join("reference")).unwrap();
    assert_ne!(previous, next);
    // How long replacing the previous output takes; then back to the previous.
    let start = Instant::now();
    build(root);
    let full = start.elapsed();
    assert_eq!(snapshot_dir(&root.join("public")), next);
    let restore = || {
        big_site(root, 24, 400, "v1");
        build(root);
        assert_eq!(snapshot_dir(&root.join("public")), previous);
        big_site(root, 24, 400, "v2");
    };
    restore();

    // Kill builds at spread-out moments (percent of a full build), SIGKILL;
    // the ones around 100% land in the last writes and the swap.
    let mut killed = 0;
    let mut report = String::new();
    for percent in [
        0, 2, 10, 25, 40, 55, 70, 85, 92, 96, 98, 99, 100, 101, 103, 110, 130,
    ] {
        let delay = full * percent / 100;
        let mut child = Command::new(emend_bin())
            .current_dir(root)
            .args(["-q", "build"])
            .env("NO_COLOR", "1")
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok(); // SIGKILL on Unix
        child.wait().unwrap();
        let now = snapshot_dir(&root.join("public"));
        let state = if now == previous {
            killed += 1;
            "previous output"
        } else if now == next {
            "new output (the build had got through)"
        } else {
            panic!(
                "killed after {delay:?}: public/ is neither the previous nor the new build ({} files)",
                now.len()
            );
        };
        writeln!(
            report,
            "  kill after {:>4} ms ({percent:>3}%){}: {state}, leftovers {:?}",
            delay.as_millis(),
            if finished { ", had exited" } else { "" },
            leftovers(root)
        )
        .unwrap();
        if now == next {
            restore();
        }
    }
    println!("full build: {} ms\n{report}", full.as_millis());
    assert!(
        killed >= 5,
        "only {killed} kills landed mid-build:\n{report}"
    );

    // The next build cleans up and is correct.
    build(root);
    assert_eq!(snapshot_dir(&root.join("public")), next);
    assert_eq!(leftovers(root), Vec::<String>::new());
    assert_eq!(cache_leftovers(root), Vec::<String>::new());
}

/// What the build cache folder holds besides its marker, lock, state and
/// one store of entries: a journal or a new state means a commit was left
/// unfinished, a second store that one was not cleaned up.
fn cache_leftovers(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root.join(".public.emend-cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| ![".emend-cache", "lock", "state"].contains(&n.as_str()))
        .collect();
    v.sort();
    let stores = v.iter().filter(|n| n.starts_with("entries-")).count();
    assert_eq!(stores, 1, "one store of entries: {v:?}");
    v.retain(|n| !n.starts_with("entries-"));
    v
}

#[test]
fn an_incremental_build_killed_at_any_moment_is_previous_or_finished_by_the_next_build() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    big_site(root, 24, 400, "v1");
    // Old timestamps, so the build cache trusts them.
    let settle = |path: &Path| {
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for e in walkdir::WalkDir::new(path) {
            let e = e.unwrap();
            let _ = std::fs::File::open(e.path()).and_then(|f| f.set_modified(past));
        }
    };
    settle(root);
    build(root);
    let previous = snapshot_dir(&root.join("public"));
    let original = root.join("content/article-007/original.txt");
    let v1 = std::fs::read_to_string(&original).unwrap();
    let edit = |text: &str| {
        std::fs::write(&original, text).unwrap();
        let f = std::fs::File::open(&original).unwrap();
        f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(1800))
            .unwrap();
    };
    let v2 = format!("{v1}One more paragraph.\n");
    edit(&v2);
    emend(root)
        .args(["build", "--output", "reference"])
        .assert()
        .success();
    let next = snapshot_dir(&root.join("reference"));
    std::fs::remove_dir_all(root.join("reference")).unwrap();
    std::fs::remove_dir_all(root.join(".reference.emend-cache")).unwrap();
    let start = Instant::now();
    let out = emend(root).arg("build").output().unwrap();
    let full = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("23 unchanged"), "{stderr}");
    assert_eq!(snapshot_dir(&root.join("public")), next);

    let mut report = String::new();
    let mut unfinished = 0;
    for percent in [0, 10, 30, 50, 70, 80, 90, 95, 98, 100, 102, 105, 110, 150] {
        // Back to v1 (an incremental build too), then build v2 and kill it.
        edit(&v1);
        build(root);
        assert_eq!(snapshot_dir(&root.join("public")), previous);
        edit(&v2);
        let delay = full * percent / 100;
        let mut child = Command::new(emend_bin())
            .current_dir(root)
            .args(["-q", "build"])
            .env("NO_COLOR", "1")
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().ok();
        child.wait().unwrap();
        let now = snapshot_dir(&root.join("public"));
        let state = if now == previous {
            "previous output"
        } else if now == next {
            "new output"
        } else {
            // Killed inside the commit: decided, so the next build finishes it.
            assert!(
                cache_leftovers(root).contains(&"journal".to_string()),
                "killed after {delay:?}: neither output and no journal to finish it"
            );
            unfinished += 1;
            "unfinished commit"
        };
        writeln!(
            report,
            "  kill after {:>4} ms ({percent:>3}%): {state}",
            delay.as_millis()
        )
        .unwrap();
        // Whatever the kill left, the next build ends at v2, with nothing left over.
        build(root);
        assert_eq!(snapshot_dir(&root.join("public")), next, "{report}");
        assert_eq!(leftovers(root), Vec::<String>::new());
        assert_eq!(cache_leftovers(root), Vec::<String>::new());
    }
    println!(
        "incremental build: {} ms, {unfinished} unfinished commits\n{report}",
        full.as_millis()
    );
}

/// A mount made for a test and removed when the test ends, even on panic.
struct Mount(PathBuf);

impl Mount {
    fn run(args: &[&str]) -> Result<(), String> {
        let out = Command::new("mount")
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    fn tmpfs(at: &Path, size: &str) -> Result<Mount, String> {
        std::fs::create_dir_all(at).unwrap();
        Self::run(&[
            "-t",
            "tmpfs",
            "-o",
            &format!("size={size}"),
            "tmpfs",
            &at.to_string_lossy(),
        ])?;
        Ok(Mount(at.to_path_buf()))
    }

    fn read_only(at: &Path) -> Result<Mount, String> {
        let p = at.to_string_lossy();
        Self::run(&["--bind", &p, &p])?;
        let m = Mount(at.to_path_buf());
        Self::run(&["-o", "remount,ro,bind", &p])?;
        Ok(m)
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).output();
    }
}

#[test]
#[cfg_attr(
    not(can_mount),
    ignore = "needs the right to mount (root with CAP_SYS_ADMIN on Linux)"
)]
fn a_full_disk_is_a_clear_error_and_keeps_the_previous_output() {
    let tmp = tempfile::tempdir().unwrap();
    let disk = tmp.path().join("disk");
    let _mount = Mount::tmpfs(&disk, "2m").unwrap_or_else(|e| panic!("cannot mount a tmpfs: {e}"));
    let root = tmp.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    big_site(&root, 1, 20, "v1");
    let out = disk.join("public");
    emend(&root)
        .arg("build")
        .arg("--output")
        .arg(&out)
        .assert()
        .success();
    let previous = snapshot_dir(&out);
    // Now an article far bigger than what is left on the 2 MB disk.
    big_site(&root, 1, 30_000, "v2");
    let o = emend(&root)
        .arg("build")
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    // One error for the whole output, not one per file of the staging folder.
    assert_eq!(stderr.matches("error[").count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error[disk-full]: the disk holding {} is full: ",
            out.display()
        )) && stderr.contains(" of the site could not be written")
            && stderr.contains("= note: the previous output is untouched")
            && stderr.contains(
                "= help: free some space, or choose an output folder on another disk, and rebuild"
            ),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(snapshot_dir(&out), previous);
    assert_eq!(
        leftovers(&disk),
        Vec::<String>::new(),
        "staging left on the full disk"
    );
}

#[test]
fn a_file_where_a_folder_belongs_and_the_reverse_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&repo().join("tests/fixtures/basic"), &root);

    // A file where the output's parent folder should be (works without privileges).
    std::fs::write(root.join("build"), "not a folder").unwrap();
    let o = emend(&root)
        .args(["build", "--output", "build/public"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr.contains("error[io]: cannot create the output folder inside ")
            && stderr.contains("site/build: not a directory")
            && stderr.contains("help: a file is where a folder should be: move it away"),
        "{stderr}"
    );

    // A folder where a content file should be.
    std::fs::remove_file(root.join("content/alpha/corrections.yaml")).unwrap();
    std::fs::create_dir(root.join("content/alpha/corrections.yaml")).unwrap();
    let o = emend(&root).arg("check").output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr.contains("error[not-a-file]: cannot read content/alpha/corrections.yaml: it is a folder, not a regular file"),
        "{stderr}"
    );
}

/// The basic fixture, built once, in `<tmp>/site`.
fn built_basic() -> (tempfile::TempDir, PathBuf, Vec<(String, Vec<u8>)>) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(&repo().join("tests/fixtures/basic"), &root);
    build(&root);
    let previous = snapshot_dir(&root.join("public"));
    (tmp, root, previous)
}

#[test]
#[cfg_attr(
    not(can_mount),
    ignore = "needs the right to mount (root with CAP_SYS_ADMIN on Linux)"
)]
fn a_read_only_disk_is_a_clear_error_and_keeps_the_previous_output() {
    let (_tmp, root, previous) = built_basic();
    let mount =
        Mount::read_only(&root).unwrap_or_else(|e| panic!("cannot bind-mount read-only: {e}"));
    let o = emend(&root).arg("build").output().unwrap();
    drop(mount);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[io]: cannot open ")
            && stderr.contains(".public.emend-cache/lock: Read-only file system")
            && stderr.contains(
                "help: the disk is mounted read-only: build to a folder on a writable disk"
            ),
        "{stderr}"
    );
    assert_eq!(snapshot_dir(&root.join("public")), previous);
}

#[test]
#[cfg_attr(
    not(can_drop_privileges),
    ignore = "runs as root without a working setpriv to become `nobody` (apt-get install util-linux)"
)]
fn permission_errors_are_clear_and_keep_the_previous_output() {
    let (tmp, root, previous) = built_basic();
    // Root ignores permissions, so as root emend runs as `nobody`.
    let unprivileged = unprivileged().expect("setpriv worked when the tests were built");
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
    mode(tmp.path(), 0o755).unwrap(); // let `nobody` in; the site stays root's
    let meta = root.join("content/alpha/meta.yaml");
    mode(&meta, 0o000).unwrap();
    let o = unprivileged(&root, &["check"]);
    mode(&meta, 0o644).unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(
            "error[permission-denied]: cannot read content/alpha/meta.yaml: Permission denied"
        ) && stderr.contains(
            "help: check the permissions: the user running emend must be able to read it"
        ),
        "{stderr}"
    );
    // An unreadable article folder is a permission error, not "has no meta.yaml".
    let alpha = root.join("content/alpha");
    mode(&alpha, 0o000).unwrap();
    let o = unprivileged(&root, &["check"]);
    mode(&alpha, 0o755).unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error[permission-denied]: cannot read the folder content/alpha: Permission denied"
        ) && !stderr.contains("meta.yaml"),
        "{stderr}"
    );
    mode(&root, 0o555).unwrap(); // no new folders next to public/
    let o = unprivileged(&root, &["build"]);
    mode(&root, 0o755).unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    // The first thing a build writes is its lock, in the cache folder beside
    // the output (root's, from the build above).
    assert!(
        stderr.contains("error[permission-denied]: cannot open ")
            && stderr.contains(".public.emend-cache/lock: Permission denied")
            && stderr.contains("help: check the permissions"),
        "{stderr}"
    );
    assert_eq!(snapshot_dir(&root.join("public")), previous);
}

/// Runs emend without privileges: directly for a normal user, as `nobody`
/// (through `setpriv`) for root. `None` when root cannot drop privileges.
#[allow(clippy::type_complexity)]
fn unprivileged() -> Option<Box<dyn Fn(&Path, &[&str]) -> std::process::Output>> {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !is_root {
        return Some(Box::new(|root, args| {
            emend(root).args(args).output().unwrap()
        }));
    }
    let works = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
        .status()
        .is_ok_and(|s| s.success());
    works.then(|| -> Box<dyn Fn(&Path, &[&str]) -> std::process::Output> {
        Box::new(|root, args| {
            Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(emend_bin())
                .args(args)
                .current_dir(root)
                .env("NO_COLOR", "1")
                .output()
                .unwrap()
        })
    })
}

/// Makes a named pipe (FIFO) at `path`.
fn mkfifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[test]
fn special_files_are_refused_without_hanging() {
    // A FIFO named like any input used to block `check` in `open` for good.
    let site = fixture("basic");
    let root = site.path();
    for rel in [
        "site.yaml",
        "content/alpha/corrections.yaml",
        "content/alpha/annotations.yaml",
        "content/alpha/original.txt",
        "content/beta/meta.yaml",
    ] {
        let saved = std::fs::read(root.join(rel)).unwrap();
        mkfifo(&root.join(rel));
        let start = Instant::now();
        let mut child = Command::new(emend_bin())
            .current_dir(root)
            .arg("check")
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Never wait forever: kill it after 20 s and fail.
        let out = loop {
            if child.try_wait().unwrap().is_some() {
                break child.wait_with_output().unwrap();
            }
            if start.elapsed().as_secs() > 20 {
                child.kill().unwrap();
                panic!("`check` hangs on a FIFO at {rel}");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{rel}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "error[not-a-file]: cannot read {rel}: it is a named pipe (FIFO), not a regular file"
            )),
            "{rel}: {stderr}"
        );
        std::fs::remove_file(root.join(rel)).unwrap();
        std::fs::write(root.join(rel), saved).unwrap();
    }
    // A folder named meta.yaml is reported as what it is.
    std::fs::remove_file(root.join("content/beta/meta.yaml")).unwrap();
    std::fs::create_dir(root.join("content/beta/meta.yaml")).unwrap();
    let out = emend(root).arg("check").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[not-a-file]: cannot read content/beta/meta.yaml: it is a folder, not a regular file")
            && !stderr.contains("has no meta.yaml"),
        "{stderr}"
    );
}

#[test]
fn oversized_yaml_is_a_located_error_not_an_exhaustion() {
    // 17 MiB of corrections: over the 16 MiB budget, refused before parsing.
    let site = fixture("basic");
    let root = site.path();
    let entry = "- find: \"mentioned\"\n  replace: \"said\"\n  why: \"padding padding padding\"\n";
    let big = entry.repeat((17 << 20) / entry.len() + 1);
    std::fs::write(root.join("content/alpha/corrections.yaml"), big).unwrap();
    let start = Instant::now();
    let out = emend(root).arg("check").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[file-too-large]: content/alpha/corrections.yaml is 17.0 MiB; emend reads files of at most 16 MiB here"),
        "{stderr}"
    );
    assert!(start.elapsed().as_secs() < 30);
}

#[test]
fn a_static_file_named_like_a_page_is_an_error_not_an_overwrite() {
    let site = fixture("basic");
    let root = site.path();
    build(root);
    let previous = snapshot_dir(&root.join("public"));
    #[cfg(unix)]
    let inode = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(root.join("public/alpha/index.html"))
            .unwrap()
            .ino()
    };
    std::fs::create_dir_all(root.join("static/alpha")).unwrap();
    std::fs::write(root.join("static/alpha/index.html"), "<p>mine</p>").unwrap();
    std::fs::write(root.join("static/notes..v2.css"), "p{}").unwrap();
    let o = emend(root).arg("check").output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr.contains(
            "error[output-collision]: two files of the site would be written to `alpha/index.html`"
        ),
        "{stderr}"
    );
    let o = emend(root).arg("build").output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(snapshot_dir(&root.join("public")), previous);
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let now = std::fs::metadata(root.join("public/alpha/index.html")).unwrap();
        assert_eq!(now.ino(), inode);
    }
    // A static file with dots in its name is fine.
    std::fs::remove_dir_all(root.join("static/alpha")).unwrap();
    build(root);
    assert_eq!(
        std::fs::read_to_string(root.join("public/notes..v2.css")).unwrap(),
        "p{}"
    );
}
