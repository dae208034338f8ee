//! `emend init` and `emend new`: they create what the README documents, the
//! result checks and builds, and they never overwrite.

mod common;

use std::path::Path;

use common::*;

fn today() -> String {
    emend::scaffold::today()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The top-level text values of a YAML mapping file, read with emend's loader.
fn meta_yaml(path: &Path) -> std::collections::BTreeMap<String, String> {
    use emend::yaml::{NodeKind, YamlIndex};
    let text = std::fs::read_to_string(path).unwrap();
    let root = YamlIndex::build(&text).unwrap().root.unwrap();
    let NodeKind::Map(pairs) = root.kind else {
        panic!("{text}")
    };
    pairs
        .into_iter()
        .filter_map(|(k, v)| match (k.kind, v.kind) {
            (NodeKind::Scalar(k), NodeKind::Scalar(v)) => Some((k, v)),
            _ => None,
        })
        .collect()
}

fn init(parent: &Path, name: &str) -> std::path::PathBuf {
    emend(parent).args(["init", name]).assert().success();
    parent.join(name)
}

/// Lines of a file that are not comments or blank.
fn live_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn init_creates_a_site_that_checks_and_builds() {
    let parent = tempfile::tempdir().unwrap();
    let out = emend(parent.path())
        .args(["init", "my-site"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let site = parent.path().join("my-site");
    assert_eq!(
        stdout(&out),
        "Created a new emend site in my-site/:\n  site.yaml\n  \
         content/example-edition/original.txt\n  content/example-edition/meta.yaml\n  \
         content/example-edition/corrections.yaml\n  content/example-edition/annotations.yaml\n  \
         pages/methodology.md\n  .gitignore\nThe default theme is built into emend; no themes/ folder is needed.\n\
         Next:\n  cd my-site\n  emend serve --open           preview the example edition\n  \
         emend new <slug> --from FILE add an article of your own\n"
    );
    let mut files: Vec<String> = snapshot_dir(&site).into_iter().map(|(p, _)| p).collect();
    files.sort();
    assert_eq!(
        files,
        [
            ".gitignore",
            "content/example-edition/annotations.yaml",
            "content/example-edition/corrections.yaml",
            "content/example-edition/meta.yaml",
            "content/example-edition/original.txt",
            "pages/methodology.md",
            "site.yaml",
        ]
    );
    assert_eq!(
        std::fs::read_to_string(site.join(".gitignore")).unwrap(),
        "/public\n"
    );

    // It checks without errors or warnings…
    let check = emend(&site).arg("check").output().unwrap();
    assert!(check.status.success(), "{}", stderr(&check));
    assert_eq!(stderr(&check), "Checked 1 article: no errors\n");
    // …and builds with the built-in theme: three changes and one note.
    build(&site);
    let page = html(&site.join("public/example-edition/index.html"));
    assert_eq!(all(&page, ".cell.corr ins").len(), 3);
    assert_eq!(all(&page, "[role=doc-endnotes] > ol > li").len(), 1);
    assert!(!site.join("themes").exists());

    // The methodology page: rendered, linked from every page's footer beside
    // the contact the new site.yaml sets, and in the sitemap.
    let method = html(&site.join("public/methodology/index.html"));
    assert_eq!(
        one(&method, "h1").text().collect::<String>(),
        "Methodology and corrections policy"
    );
    let sections: Vec<String> = all(&method, ".prose h2")
        .iter()
        .map(|h| h.text().collect())
        .collect();
    assert_eq!(
        sections,
        [
            "What this site publishes",
            "How a text is restored",
            "What a note is",
            "Sources",
            "Corrections"
        ]
    );
    for (doc, prefix) in [(&page, "../"), (&method, "../")] {
        let links: Vec<(String, String)> = all(doc, "footer nav a")
            .iter()
            .map(|a| (a.value().attr("href").unwrap().into(), a.text().collect()))
            .collect();
        assert_eq!(
            links,
            [
                (
                    format!("{prefix}methodology/index.html"),
                    "Methodology and corrections policy".to_string()
                ),
                (
                    "mailto:corrections@example.org".to_string(),
                    "corrections@example.org".to_string()
                ),
            ]
        );
    }
    let sitemap = std::fs::read_to_string(site.join("public/sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://example.org/methodology/</loc>"),
        "{sitemap}"
    );
    // Every link resolves.
    let links = emend(&site).args(["check", "--links"]).output().unwrap();
    assert!(links.status.success(), "{}", stderr(&links));
}

#[test]
fn init_in_the_current_folder_keeps_what_is_there() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "mine").unwrap();
    std::fs::write(dir.path().join(".gitignore"), "/target\n").unwrap();
    let out = emend(dir.path()).arg("init").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Created a new emend site in ./:\n"));
    assert!(!stdout(&out).contains("cd "));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("README.md")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(),
        "/target\n"
    );
    assert!(dir.path().join("site.yaml").is_file());
}

#[test]
fn init_refuses_an_existing_site() {
    let parent = tempfile::tempdir().unwrap();
    let site = init(parent.path(), "site");
    std::fs::write(
        site.join("site.yaml"),
        "title: Mine\nbase_url: https://x.org/\n",
    )
    .unwrap();
    let before = snapshot_dir(&site);
    let out = emend(parent.path())
        .args(["init", "site"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error[site-exists]: site already has a site.yaml\n \
         = help: emend init never overwrites a site: pick an empty or new folder, e.g. `emend init my-site`\n\n\
         error: 1 error\n"
    );
    assert_eq!(snapshot_dir(&site), before);

    // A folder with only content/ is a site too.
    let other = parent.path().join("other");
    std::fs::create_dir_all(other.join("content")).unwrap();
    let out = emend(parent.path())
        .args(["init", "other"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error[site-exists]: other already has a content\n"));
    assert!(!other.join("site.yaml").exists());

    // So is one with only pages/: init would not know whose they are.
    let third = parent.path().join("third");
    std::fs::create_dir_all(third.join("pages")).unwrap();
    let out = emend(parent.path())
        .args(["init", "third"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error[site-exists]: third already has a pages\n"));
    assert!(!third.join("site.yaml").exists());
}

#[test]
fn new_copies_the_original_byte_for_byte_and_fills_meta() {
    let parent = tempfile::tempdir().unwrap();
    let site = init(parent.path(), "site");
    // CRLF, a byte order mark, trailing spaces and non-ASCII must survive as they are.
    let original = "\u{feff}Le ministre a mentionné   \r\nDeux “sources” ont parlé.\r\n";
    let from = parent.path().join("story.txt");
    std::fs::write(&from, original).unwrap();
    let out = emend(&site)
        .args([
            "new",
            "le-ministre",
            "--title",
            "Le ministre: \"tout\" va bien",
            "--source",
        ])
        .args([
            "Radio-Canada",
            "--url",
            "https://ici.radio-canada.ca/x",
            "--from",
        ])
        .arg(&from)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = site.join("content/le-ministre");
    assert_eq!(
        std::fs::read(dir.join("original.txt")).unwrap(),
        original.as_bytes()
    );
    let meta = meta_yaml(&dir.join("meta.yaml"));
    assert_eq!(
        meta.get("title").map(String::as_str),
        Some("Le ministre: \"tout\" va bien")
    );
    assert_eq!(meta.get("source").map(String::as_str), Some("Radio-Canada"));
    assert_eq!(
        meta.get("source_url").map(String::as_str),
        Some("https://ici.radio-canada.ca/x")
    );
    let retrieved = meta["retrieved"].clone();
    assert_eq!(retrieved, today());
    // The example files hold commented examples of every key and nothing live.
    for (file, keys) in [
        (
            "corrections.yaml",
            &[
                "find",
                "replace",
                "kind",
                "why",
                "all",
                "before",
                "after",
                "occurrence",
                "status",
                "origin",
                "confidence",
            ][..],
        ),
        (
            "annotations.yaml",
            &[
                "quote",
                "note",
                "sources",
                "title",
                "url",
                "publisher",
                "date",
                "on",
            ][..],
        ),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        for key in keys {
            assert!(text.contains(&format!("{key}:")), "{file} lacks `{key}`");
        }
        assert_eq!(live_lines(&dir.join(file)), Vec::<String>::new(), "{file}");
    }
    assert_eq!(
        stdout(&out),
        format!(
            "Created content/le-ministre/\n  \
             original.txt       the article as received ({} bytes, unchanged)\n  \
             meta.yaml          title and provenance\n  \
             corrections.yaml   commented examples of every key\n  \
             annotations.yaml   commented examples of every key\n\
             Next:\n  emend serve      preview it; the page reloads whenever you save\n  \
             then add corrections to content/le-ministre/corrections.yaml and notes to annotations.yaml\n  \
             emend check      before publishing: every problem, with file and line\n",
            original.len()
        )
    );
    // A fresh article passes `emend check` as it is.
    let check = emend(&site).arg("check").output().unwrap();
    assert!(check.status.success(), "{}", stderr(&check));
    assert_eq!(stderr(&check), "Checked 2 articles: no errors\n");
}

#[test]
fn new_reads_stdin_and_knows_markdown() {
    let parent = tempfile::tempdir().unwrap();
    let site = init(parent.path(), "site");
    let text = "# Headline from stdin\n\nBody *text*.\n";
    let out = emend(&site)
        .args(["new", "from-stdin", "--md", "--from", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = site.join("content/from-stdin");
    assert_eq!(
        std::fs::read_to_string(dir.join("original.md")).unwrap(),
        text
    );
    assert!(!dir.join("original.txt").exists());
    // Without --title, a short first line becomes the title, and the user is told.
    let meta = meta_yaml(&dir.join("meta.yaml"));
    assert_eq!(
        meta.get("title").map(String::as_str),
        Some("Headline from stdin")
    );
    assert!(stdout(&out).contains(
        "meta.yaml          title and provenance (title taken from the first line of the text: check it)"
    ));

    // A .md file implies Markdown.
    let from = parent.path().join("piece.md");
    std::fs::write(&from, "Some *markdown*.\n").unwrap();
    emend(&site)
        .args(["new", "piece", "--from"])
        .arg(&from)
        .assert()
        .success();
    assert!(site.join("content/piece/original.md").is_file());
    let check = emend(&site).arg("check").output().unwrap();
    assert_eq!(stderr(&check), "Checked 3 articles: no errors\n");
}

#[test]
fn new_refuses_to_overwrite_and_rejects_bad_input_all_at_once() {
    let parent = tempfile::tempdir().unwrap();
    let site = init(parent.path(), "site");
    let before = snapshot_dir(&site.join("content/example-edition"));
    let from = parent.path().join("x.txt");
    std::fs::write(&from, "Other text.\n").unwrap();
    let out = emend(&site)
        .args(["new", "example-edition", "--from"])
        .arg(&from)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error[article-exists]: content/example-edition already exists\n \
         = help: emend never overwrites an article: choose another slug, or edit the files in that folder\n\n\
         error: 1 error\n"
    );
    assert_eq!(snapshot_dir(&site.join("content/example-edition")), before);

    // A bad slug (the rule is stated), a bad URL and a missing file, reported together.
    let out = emend(&site)
        .args([
            "new",
            "Han_Dong Story",
            "--url",
            "javascript:alert(1)",
            "--from",
            "missing.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "error[bad-slug]: `Han_Dong Story` is not a valid article slug\n \
             = note: slugs become URLs: use only lowercase letters a-z, digits 0-9 and hyphens (`[a-z0-9-]+`), at most 100\n \
             = help: use `han-dong-story`: emend new han-dong-story ...\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("error[bad-url]: `javascript:alert(1)` is not an http(s) address\n"),
        "{err}"
    );
    assert!(err.contains("missing.txt"), "{err}");
    assert!(err.ends_with("error: 3 errors\n"), "{err}");
    assert!(!site.join("content/Han_Dong Story").exists());

    // Reserved slugs.
    let out = emend(&site).args(["new", "tags"]).output().unwrap();
    assert!(
        stderr(&out)
            .starts_with("error[reserved-slug]: `tags` is reserved for a page emend generates\n")
    );

    // Not UTF-8: refused before anything is created.
    std::fs::write(&from, b"caf\xe9\n").unwrap();
    let out = emend(&site)
        .args(["new", "latin1", "--from"])
        .arg(&from)
        .output()
        .unwrap();
    assert!(stderr(&out).starts_with("error[invalid-utf8]: file is not valid UTF-8 (byte 0xE9)\n"));
    assert!(!site.join("content/latin1").exists());
}

#[test]
fn new_without_text_leaves_an_empty_original_that_check_explains() {
    let parent = tempfile::tempdir().unwrap();
    let site = init(parent.path(), "site");
    let out = emend(&site).args(["new", "later"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("original.txt       empty: paste the article here exactly as received\n")
    );
    assert!(stdout(&out).contains("title and provenance (title made from the slug: check it)"));
    assert_eq!(
        std::fs::read(site.join("content/later/original.txt")).unwrap(),
        b""
    );
    let check = emend(&site).arg("check").output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr(&check).starts_with("error[empty-original]: the original of `later` is empty"));
}

#[test]
fn new_outside_a_site_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = emend(dir.path()).args(["new", "story"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("error[no-site]: no site.yaml in the current folder\n"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("content").exists());
}
