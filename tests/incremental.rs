//! Incremental builds: a build into a folder that already holds the last
//! build reuses what did not change, and its output is byte for byte what a
//! clean build of the same content writes.

mod common;

use std::path::Path;
use std::time::{Duration, SystemTime};

use common::{emend, fixture, snapshot_dir};
use proptest::prelude::*;

/// Sets every file and folder under `root` to a time well in the past, so
/// the build cache trusts their timestamps (files changed in the last two
/// seconds are never trusted: their next edit might keep the same time).
fn settle(root: &Path, when: SystemTime) {
    for entry in walkdir::WalkDir::new(root).contents_first(true) {
        let entry = entry.unwrap();
        if let Ok(f) = std::fs::File::open(entry.path()) {
            let _ = f.set_modified(when);
        }
    }
}

/// A distinct past time for each step, so every edit changes a timestamp.
fn past(step: u64) -> SystemTime {
    SystemTime::now() - Duration::from_secs(86_400) + Duration::from_secs(step)
}

/// `emend build` with extra arguments; returns (success, stderr).
fn build(root: &Path, args: &[&str]) -> (bool, String) {
    let out = emend(root).arg("build").args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn editing_one_article_rebuilds_only_that_article() {
    let site = fixture("basic");
    let root = site.path();
    settle(root, past(0));
    let (ok, err) = build(root, &[]);
    assert!(ok, "{err}");
    assert!(
        !err.contains("unchanged"),
        "a first build reuses nothing: {err}"
    );
    let alpha = root.join("public/alpha/index.html");
    let beta = root.join("public/beta/index.html");
    let (alpha_before, beta_before) = (modified(&alpha), modified(&beta));

    // Nothing changed: every article is kept, no file is written.
    std::thread::sleep(Duration::from_millis(20));
    let (ok, err) = build(root, &[]);
    assert!(ok, "{err}");
    assert!(err.contains("Built 2 articles, 2 unchanged"), "{err}");
    assert_eq!(modified(&alpha), alpha_before);
    assert_eq!(modified(&beta), beta_before);

    // One article's original changes: only it is built again.
    let original = root.join("content/alpha/original.txt");
    let text = std::fs::read_to_string(&original).unwrap();
    std::fs::write(&original, format!("{text}\nA paragraph added later.\n")).unwrap();
    settle(&root.join("content/alpha"), past(10));
    let (ok, err) = build(root, &[]);
    assert!(ok, "{err}");
    assert!(err.contains("Built 2 articles, 1 unchanged"), "{err}");
    assert_ne!(modified(&alpha), alpha_before, "alpha's page was rewritten");
    assert_eq!(modified(&beta), beta_before, "beta's page was kept");
    assert!(
        std::fs::read_to_string(&alpha)
            .unwrap()
            .contains("A paragraph added later.")
    );

    // --clean builds everything again, and writes the same bytes.
    let before = snapshot_dir(&root.join("public"));
    let (ok, err) = build(root, &["--clean"]);
    assert!(ok, "{err}");
    assert!(!err.contains("unchanged"), "{err}");
    assert_eq!(snapshot_dir(&root.join("public")), before);
}

/// The text of every file under `dir`, joined.
fn texts_under(dir: &Path) -> String {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect()
}

/// The groups of site-wide files `emend build -v` says it kept.
fn kept_site_files(err: &str) -> Vec<String> {
    err.lines()
        .find_map(|l| l.trim().strip_prefix("site files kept: "))
        .map(|l| l.split(", ").map(str::to_string).collect())
        .unwrap_or_default()
}

#[test]
fn site_files_are_kept_only_when_what_they_are_made_from_is_unchanged() {
    let site = fixture("basic");
    let root = site.path();
    settle(root, past(0));
    let (ok, err) = build(root, &["-v"]);
    assert!(ok, "{err}");
    assert!(
        kept_site_files(&err).is_empty(),
        "a first build keeps nothing: {err}"
    );
    let index = root.join("public/index.html");
    let index_before = modified(&index);

    // Nothing changed: every group is kept.
    let (ok, err) = build(root, &["-v"]);
    assert!(ok, "{err}");
    assert_eq!(
        kept_site_files(&err),
        ["lists", "glossary", "search", "fixed"],
        "{err}"
    );

    // A note's text changes: the search index is written again (it holds the
    // new word), the pages listing the editions are kept as they were.
    let notes = root.join("content/alpha/annotations.yaml");
    let text = std::fs::read_to_string(&notes).unwrap();
    std::fs::write(
        &notes,
        text.replacen(
            "Who is meant is unclear.",
            "Who is meant is quuxplorative.",
            1,
        ),
    )
    .unwrap();
    settle(&root.join("content/alpha"), past(10));
    let (ok, err) = build(root, &["-v"]);
    assert!(ok, "{err}");
    assert!(err.contains("Built 2 articles, 1 unchanged"), "{err}");
    assert_eq!(
        kept_site_files(&err),
        ["lists", "glossary", "fixed"],
        "{err}"
    );
    assert!(texts_under(&root.join("public/search/t")).contains("quuxplorative"));
    assert_eq!(modified(&index), index_before, "the index page was kept");

    // A title changes: the index, feed, sitemap, editions.json, glossary and
    // search index are written again, with the new title.
    let meta = root.join("content/alpha/meta.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(&meta, text.replacen("title: \"", "title: \"Zyxwvut ", 1)).unwrap();
    settle(&root.join("content/alpha"), past(20));
    let (ok, err) = build(root, &["-v"]);
    assert!(ok, "{err}");
    assert_eq!(kept_site_files(&err), ["fixed"], "{err}");
    for file in [
        "index.html",
        "atom.xml",
        "editions.json",
        "glossary/index.html",
    ] {
        let text = std::fs::read_to_string(root.join("public").join(file)).unwrap();
        assert!(text.contains("Zyxwvut"), "{file} has the new title");
    }
    assert!(texts_under(&root.join("public/search/t")).contains("zyxwvut"));

    // What was kept is what a clean build writes.
    let clean = root.join("clean");
    let (ok, err) = build(root, &["--clean", "--output", clean.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(snapshot_dir(&root.join("public")), snapshot_dir(&clean));
}

#[test]
fn a_reused_article_reports_its_warnings_and_notes_again() {
    // alpha cites en.wikipedia.org, which this policy flags (a note); beta
    // gets nothing.
    let site = fixture("basic");
    let root = site.path();
    let yaml = root.join("site.yaml");
    let mut settings = std::fs::read_to_string(&yaml).unwrap();
    settings.push_str(
        "source_policy:\n  flag:\n    - domain: wikipedia.org\n      reason: \"Background only.\"\n",
    );
    std::fs::write(&yaml, settings).unwrap();
    settle(root, past(0));
    let (ok, first) = build(root, &[]);
    assert!(ok, "{first}");
    assert!(first.contains("note[flagged-source]"), "{first}");
    let (ok, second) = build(root, &[]);
    assert!(ok, "{second}");
    assert!(second.contains("Built 2 articles, 2 unchanged"), "{second}");
    // Everything before the summary line is said again, word for word.
    let said = |err: &str| err.split("Built ").next().unwrap().to_string();
    assert_eq!(said(&second), said(&first));
}

#[test]
fn a_changed_template_rebuilds_every_article() {
    let site = fixture("basic");
    let root = site.path();
    settle(root, past(0));
    assert!(build(root, &[]).0);
    let templates = root.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let base =
        std::fs::read_to_string(common::repo().join("themes/default/templates/base.html")).unwrap();
    std::fs::write(
        templates.join("base.html"),
        base.replace("</body>", "<!-- override --></body>"),
    )
    .unwrap();
    settle(root, past(10));
    let (ok, err) = build(root, &[]);
    assert!(ok, "{err}");
    assert!(!err.contains("unchanged"), "{err}");
    let page = std::fs::read_to_string(root.join("public/beta/index.html")).unwrap();
    assert!(page.contains("<!-- override -->"));
}

#[test]
fn a_page_deleted_from_the_output_is_written_again() {
    let site = fixture("basic");
    let root = site.path();
    settle(root, past(0));
    assert!(build(root, &[]).0);
    let page = root.join("public/beta/index.html");
    let bytes = std::fs::read(&page).unwrap();
    std::fs::remove_file(&page).unwrap();
    let (ok, err) = build(root, &[]);
    assert!(ok, "{err}");
    assert!(err.contains("Built 2 articles, 1 unchanged"), "{err}");
    assert_eq!(std::fs::read(&page).unwrap(), bytes);
}

/// The build cache keeps each edition's entry encoded and, when the site-wide
/// files are all kept, carries it to the next cache without reading it. A
/// damaged entry must not travel on: its article is built again.
#[test]
fn an_edition_damaged_in_the_build_cache_is_built_again_not_carried_on() {
    let site = fixture("basic");
    let root = site.path();
    settle(root, past(0));
    assert!(build(root, &[]).0);
    // The title "Beta: a Markdown edition" is only inside beta's encoded
    // entry, in the cache folder's store of entries: change one letter.
    let state = std::fs::read_dir(root.join(".public.emend-cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("entries-")
        })
        .expect("a store of entries");
    let mut bytes = std::fs::read(&state).unwrap();
    let at = bytes
        .windows(b"a Markdown edition".len())
        .position(|w| w == b"a Markdown edition")
        .expect("the title is in the cache");
    bytes[at + 2] = b'W';
    std::fs::write(&state, &bytes).unwrap();

    // Nothing edited: beta is built again (alpha is kept).
    let (ok, err) = build(root, &["-v"]);
    assert!(ok, "{err}");
    assert!(err.contains("Built 2 articles, 1 unchanged"), "{err}");
    // An edit that makes the lists again: they show beta's true title.
    let original = root.join("content/alpha/original.txt");
    let text = std::fs::read_to_string(&original).unwrap();
    std::fs::write(&original, format!("{text}\nA paragraph added later.\n")).unwrap();
    settle(&root.join("content/alpha"), past(10));
    let (ok, err) = build(root, &["-v"]);
    assert!(ok, "{err}");
    assert!(
        !kept_site_files(&err).contains(&"lists".to_string()),
        "{err}"
    );
    let index = std::fs::read_to_string(root.join("public/index.html")).unwrap();
    assert!(index.contains("a Markdown edition"), "{index}");
    assert!(!index.contains("a Warkdown edition"));
    let before = snapshot_dir(&root.join("public"));
    assert!(build(root, &["--clean"]).0);
    assert_eq!(snapshot_dir(&root.join("public")), before);
}

#[test]
fn a_failed_incremental_build_leaves_the_output_as_it_was() {
    let site = fixture("basic");
    let root = site.path();
    settle(root, past(0));
    assert!(build(root, &[]).0);
    let before = snapshot_dir(&root.join("public"));
    let corrections = root.join("content/alpha/corrections.yaml");
    std::fs::write(&corrections, "- find: [unclosed\n").unwrap();
    settle(root, past(10));
    let (ok, err) = build(root, &[]);
    assert!(!ok, "{err}");
    assert_eq!(snapshot_dir(&root.join("public")), before);
}

/// One edit a user might make between two builds.
#[derive(Debug, Clone)]
enum Edit {
    /// Change a word of an article's original.
    Original(usize),
    /// Change an article's title.
    Title(usize),
    /// Remove an article.
    Remove(usize),
    /// Add an article (a copy of one, under a new slug).
    Add(usize),
    /// Change the site's title.
    SiteTitle,
    /// Touch a file without changing it.
    Touch(usize),
    /// Delete a file of the output.
    DamageOutput(usize),
    /// Add a static file.
    Static,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (0..8usize).prop_map(Edit::Original),
        2 => (0..8usize).prop_map(Edit::Title),
        1 => (0..8usize).prop_map(Edit::Remove),
        2 => (0..8usize).prop_map(Edit::Add),
        1 => Just(Edit::SiteTitle),
        1 => (0..8usize).prop_map(Edit::Touch),
        1 => (0..64usize).prop_map(Edit::DamageOutput),
        1 => Just(Edit::Static),
    ]
}

fn articles(root: &Path) -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(root.join("content"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("meta.yaml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Sets `path` (and everything under it) to a past time.
fn settle_path(path: &Path, step: u64) {
    settle(path, past(step));
}

/// Applies an edit; only what it changes gets a new (past) timestamp.
fn apply(root: &Path, edit: &Edit, step: u64) {
    let dirs = articles(root);
    let pick = |i: usize| dirs[i % dirs.len()].clone();
    match edit {
        Edit::Original(i) => {
            let dir = pick(*i);
            let path = ["original.txt", "original.md"]
                .iter()
                .map(|n| dir.join(n))
                .find(|p| p.is_file())
                .unwrap();
            let mut text = std::fs::read_to_string(&path).unwrap();
            text.push_str(&format!("\nAdded in step {step}.\n"));
            std::fs::write(&path, text).unwrap();
            settle_path(&path, step);
        }
        Edit::Title(i) => {
            let path = pick(*i).join("meta.yaml");
            let text = std::fs::read_to_string(&path).unwrap();
            let text = text.replacen("title: \"", &format!("title: \"Step {step} "), 1);
            std::fs::write(&path, text).unwrap();
            settle_path(&path, step);
        }
        Edit::Remove(i) => {
            if dirs.len() > 1 {
                std::fs::remove_dir_all(pick(*i)).unwrap();
            }
        }
        Edit::Add(i) => {
            let from = pick(*i);
            let to = root.join("content").join(format!("added-{step}"));
            common::copy_dir(&from, &to);
            // A copy of a draft stays a draft; a published copy gets its own title.
            let meta = to.join("meta.yaml");
            let text = std::fs::read_to_string(&meta).unwrap();
            std::fs::write(&meta, text.replacen("title: \"", "title: \"Copy ", 1)).unwrap();
            settle_path(&to, step);
        }
        Edit::SiteTitle => {
            let path = root.join("site.yaml");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(
                &path,
                text.replacen("title: \"", &format!("title: \"{step} "), 1),
            )
            .unwrap();
            settle_path(&path, step);
        }
        Edit::Touch(i) => {
            let path = pick(*i).join("meta.yaml");
            let f = std::fs::File::open(&path).unwrap();
            f.set_modified(past(step) + Duration::from_millis(500))
                .unwrap();
        }
        Edit::DamageOutput(i) => {
            let files: Vec<_> = walkdir::WalkDir::new(root.join("public"))
                .sort_by_file_name()
                .into_iter()
                .map(|e| e.unwrap())
                .filter(|e| e.file_type().is_file() && e.file_name() != ".emend-output")
                .collect();
            if !files.is_empty() {
                std::fs::remove_file(files[i % files.len()].path()).unwrap();
            }
        }
        Edit::Static => {
            let dir = root.join("static");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("file-{step}.txt")), "static\n").unwrap();
            settle_path(&dir, step);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// After any sequence of edits, the incremental build's output folder is
    /// byte for byte the output of a clean build of the same content.
    #[test]
    fn incremental_builds_equal_clean_builds(edits in proptest::collection::vec(edit(), 1..6)) {
        let site = fixture("basic");
        let root = site.path();
        settle(root, past(0));
        let (ok, err) = build(root, &[]);
        prop_assert!(ok, "{}", err);
        for (step, e) in edits.iter().enumerate() {
            let step = step as u64 + 1;
            apply(root, e, step * 10);
            let (ok, err) = build(root, &[]);
            prop_assert!(ok, "after {:?}: {}", e, err);
            // An edit to one article keeps the others (the fixture has two
            // published articles until one is removed).
            let published: usize = err
                .split("Built ")
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            if matches!(e, Edit::Original(_) | Edit::Title(_)) && published >= 2 {
                prop_assert!(err.contains(" unchanged"), "after {:?} nothing was kept: {}", e, err);
            }
            let clean = root.join("clean");
            let (ok, err) = build(root, &["--clean", "--output", clean.to_str().unwrap()]);
            prop_assert!(ok, "{}", err);
            prop_assert_eq!(
                snapshot_dir(&root.join("public")),
                snapshot_dir(&clean),
                "after edits {:?}", &edits[..step as usize]
            );
        }
    }
}

/// The cache folder's store of entries (its path and size); there is one.
fn entry_store(root: &Path) -> (std::path::PathBuf, u64) {
    let stores: Vec<_> = std::fs::read_dir(root.join(".public.emend-cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("entries-")
        })
        .collect();
    assert_eq!(stores.len(), 1, "{stores:?}");
    let size = std::fs::metadata(&stores[0]).unwrap().len();
    (stores[0].clone(), size)
}

/// An incremental build appends the entries it makes to the last build's
/// store, and the entries they replace stay there: without compaction,
/// building after every edit would grow the cache folder without bound.
#[test]
fn the_store_of_entries_stays_within_twice_what_the_editions_need() {
    let site = fixture("basic");
    let root = site.path();
    // A long article: its entry (its search terms) takes tens of kilobytes.
    let original = root.join("content/alpha/original.txt");
    let text = std::fs::read_to_string(&original).unwrap();
    let words: String = (0..6000).map(|i| format!("term{i} ")).collect();
    std::fs::write(&original, format!("{text}\n{words}\n")).unwrap();
    settle(root, past(0));
    assert!(build(root, &[]).0);
    // A full build's store holds only the live entries.
    let (first, live) = entry_store(root);
    assert!(live > 40_000, "{live}");

    let mut stores = vec![first];
    for step in 1..=6u64 {
        let text = std::fs::read_to_string(&original).unwrap();
        std::fs::write(
            &original,
            format!(
                "{text}\nEdit {}.\n",
                ["one", "two", "three", "four", "five", "six"][step as usize - 1]
            ),
        )
        .unwrap();
        settle(&root.join("content/alpha"), past(step * 10));
        let (ok, err) = build(root, &[]);
        assert!(ok, "{err}");
        assert!(err.contains("Built 2 articles, 1 unchanged"), "{err}");
        let (store, size) = entry_store(root);
        assert!(
            size <= 2 * (live + 1024) + 64 * 1024,
            "step {step}: {size} bytes for {live} live"
        );
        stores.push(store);
    }
    stores.dedup();
    assert!(stores.len() > 1, "the store was compacted at least once");
    // What the compacted store holds is what the site pages read: make
    // the lists again (beta's title) and compare with a clean build.
    let meta = root.join("content/beta/meta.yaml");
    let yaml = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(
        &meta,
        yaml.replace("a Markdown edition", "a Markdown Edition"),
    )
    .unwrap();
    settle(&root.join("content/beta"), past(100));
    let (ok, err) = build(root, &[]);
    assert!(ok, "{err}");
    let before = snapshot_dir(&root.join("public"));
    assert!(build(root, &["--clean"]).0);
    assert_eq!(snapshot_dir(&root.join("public")), before);
}
