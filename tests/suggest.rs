//! `emend suggest` end to end: printed and appended entries, how suggested
//! entries build and check, site learning, the "corrected elsewhere" warning,
//! and the real seed article.

mod common;

use std::path::Path;

use common::*;
use emend::yaml::{Node, NodeKind, YamlIndex};

const STORY: &str = "Both sources mentioned the MP urged Beijing to act, in response to two nationwide safety sources.\nInternational Information reported that the Liberal Celebration was dealing with an uproar.\nAs mentioned above, the 2 officials spoke on the identical time.\n";

/// An existing corrections file: a comment, one entry, no final newline.
const EXISTING: &str = "# Editor's corrections\n- find: \"on the identical time\"\n  replace: \"at the same time\"\n  kind: synonym\n  why: \"Spinner swap.\"";

/// Writes a site with `(slug, original, corrections.yaml)` articles.
fn site(articles: &[(&str, &str, Option<&str>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.yaml"),
        "title: Test\nbase_url: https://example.org/\n",
    )
    .unwrap();
    for (slug, original, corrections) in articles {
        let d = dir.path().join("content").join(slug);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("original.txt"), original).unwrap();
        std::fs::write(d.join("meta.yaml"), format!("title: \"{slug}\"\n")).unwrap();
        if let Some(c) = corrections {
            std::fs::write(d.join("corrections.yaml"), c).unwrap();
        }
    }
    dir
}

fn run(root: &Path, args: &[&str]) -> (bool, String, String) {
    let out = emend(root).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn entries(yaml: &str) -> Vec<Node> {
    YamlIndex::build(yaml)
        .expect("valid YAML")
        .root
        .map(|r| r.items().to_vec())
        .unwrap_or_default()
}

fn get<'a>(e: &'a Node, key: &str) -> Option<&'a str> {
    match &e.get(key)?.kind {
        NodeKind::Scalar(s) => Some(s),
        _ => None,
    }
}

fn pairs(list: &[Node]) -> Vec<(String, String)> {
    list.iter()
        .map(|e| {
            (
                get(e, "find").unwrap().to_string(),
                get(e, "replace").unwrap().to_string(),
            )
        })
        .collect()
}

fn json(root: &Path, args: &[&str]) -> serde_json::Value {
    let (_, stdout, _) = run(root, args);
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn prints_entries_ready_to_paste_and_leaves_the_file_alone() {
    let dir = site(&[("story", STORY, Some(EXISTING))]);
    let path = dir.path().join("content/story/corrections.yaml");
    let (ok, stdout, stderr) = run(dir.path(), &["suggest", "story"]);
    assert!(ok, "{stderr}");
    let list = entries(&stdout);
    assert_eq!(
        pairs(&list),
        [
            ("mentioned", "said"),
            ("in response to", "according to"),
            ("nationwide safety", "national security"),
            ("Celebration", "Party"),
            ("dealing with", "facing"),
            ("2", "two"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    for e in &list {
        assert_eq!(get(e, "status"), Some("suggested"));
        assert_eq!(get(e, "origin"), Some("dictionary"));
        let c = get(e, "confidence")
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap();
        assert!(c > 0.5 && c <= 1.0, "{c}");
        assert!(get(e, "why").is_some_and(|w| !w.is_empty()));
    }
    // "mentioned" occurs twice but only the first is garbled: the entry is anchored.
    assert_eq!(get(&list[0], "after"), Some(" the"));
    // The edited phrase is not suggested again, and nothing was written.
    assert!(!stdout.contains("identical"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), EXISTING);
    assert!(
        stderr.contains("Suggested for `story`: 6 places in 6 entries (6 dictionary)."),
        "{stderr}"
    );
}

#[test]
fn write_appends_after_the_existing_bytes_and_never_duplicates() {
    let dir = site(&[("story", STORY, Some(EXISTING))]);
    let path = dir.path().join("content/story/corrections.yaml");
    let (ok, _, stderr) = run(dir.path(), &["suggest", "story", "--write"]);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("Appended 6 places in 6 entries (6 dictionary) to "),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(EXISTING));
    assert!(
        text[EXISTING.len()..]
            .starts_with("\n\n# Suggested by `emend suggest`: 6 entries changing 6 places.")
    );
    let list = entries(&text);
    assert_eq!(list.len(), 7);
    assert_eq!(get(&list[0], "find"), Some("on the identical time"));
    assert_eq!(get(&list[0], "status"), None);
    // The result builds, and asking again adds nothing.
    build(dir.path());
    let (ok, _, stderr) = run(dir.path(), &["suggest", "story", "--write"]);
    assert!(ok);
    assert!(stderr.contains("No suggestions for `story`"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn places_and_entries_are_both_counted_and_add_up() {
    // `mentioned` is garbled at all three places: one `all: true` entry for
    // three places; one place is also learned from another article, which
    // neither splits the entry nor counts the place twice.
    let story = "He mentioned the plan. She mentioned the cost. Officials mentioned the date.\nThey met on the identical day.\n";
    let other = "Officials mentioned the date.\n";
    let accepted = "- find: mentioned\n  replace: said\n  kind: synonym\n  why: w\n";
    let dir = site(&[("story", story, None), ("other", other, Some(accepted))]);
    let (ok, stdout, stderr) = run(dir.path(), &["suggest", "story"]);
    assert!(ok, "{stderr}");
    let list = entries(&stdout);
    assert_eq!(
        pairs(&list),
        [
            ("mentioned".to_string(), "said".to_string()),
            ("on the identical".to_string(), "at the same".to_string()),
        ]
    );
    assert_eq!(get(&list[0], "all"), Some("true"));
    assert_eq!(
        get(&list[0], "origin"),
        Some("dictionary + learned from other")
    );
    assert!(stdout.starts_with("# Suggested by `emend suggest`: 2 entries changing 4 places."));
    assert!(
        stderr.contains(
            "Suggested for `story`: 4 places in 2 entries (3 dictionary, 1 dictionary and site learning)."
        ),
        "{stderr}"
    );
}

#[test]
fn improbable_places_are_flagged_as_comments_never_as_entries() {
    let dir = site(&[("story", "It was a robust debate.\n", None)]);
    let (ok, stdout, stderr) = run(dir.path(), &["suggest", "story"]);
    assert!(ok, "{stderr}");
    assert!(entries(&stdout).is_empty(), "{stdout}");
    assert!(
        stdout
            .contains("#   line 1: \"robust\" in “…It was a robust debate.…”: perhaps \"strong\""),
        "{stdout}"
    );
    assert!(
        stderr.contains("0 places in 0 entries; 1 more place flagged for review only"),
        "{stderr}"
    );
    // --no-model: nothing at all.
    let (_, stdout, stderr) = run(dir.path(), &["suggest", "story", "--no-model"]);
    assert_eq!(stdout, "");
    assert!(stderr.contains("No suggestions"), "{stderr}");
}

#[test]
fn thesaurus_neighbours_are_flagged_only_when_asked_for() {
    // "misplaced" is in no dictionary; WordNet has it with "lost" (verb
    // synset), and the model finds "lost his keys" far likelier.
    let dir = site(&[("story", "He misplaced his keys.\n", None)]);
    let (ok, stdout, stderr) = run(dir.path(), &["suggest", "story"]);
    assert!(ok, "{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.contains("No suggestions"), "{stderr}");
    let (ok, stdout, stderr) = run(dir.path(), &["suggest", "story", "--thesaurus"]);
    assert!(ok, "{stderr}");
    // a flag, never an entry
    assert!(entries(&stdout).is_empty(), "{stdout}");
    assert!(
        stdout.contains(
            "#   line 1: \"misplaced\" in “…He misplaced his keys.…”: perhaps \"lost\" (a thesaurus neighbour)"
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains("0 places in 0 entries; 1 more place flagged for review only"),
        "{stderr}"
    );
    // --write keeps the flag as a comment, not an entry
    let (ok, _, stderr) = run(dir.path(), &["suggest", "story", "--thesaurus", "--write"]);
    assert!(ok, "{stderr}");
    let written =
        std::fs::read_to_string(dir.path().join("content/story/corrections.yaml")).unwrap();
    assert!(
        written.contains("perhaps \"lost\" (a thesaurus neighbour)"),
        "{written}"
    );
    assert!(entries(&written).is_empty(), "{written}");
    // The thesaurus needs the model.
    let (ok, _, stderr) = run(
        dir.path(),
        &["suggest", "story", "--thesaurus", "--no-model"],
    );
    assert!(!ok);
    assert!(
        stderr.contains("'--thesaurus' cannot be used with '--no-model'"),
        "{stderr}"
    );
}

#[test]
fn write_creates_a_missing_file_and_respects_min_confidence() {
    let dir = site(&[("story", STORY, None)]);
    let path = dir.path().join("content/story/corrections.yaml");
    let (ok, stdout, _) = run(dir.path(), &["suggest", "story", "--min-confidence", "0.9"]);
    assert!(ok);
    assert_eq!(
        pairs(&entries(&stdout)),
        [
            ("nationwide safety", "national security"),
            ("Celebration", "Party"),
            ("on the identical time", "at the same time")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert!(!path.exists());
    let (ok, _, _) = run(dir.path(), &["suggest", "story", "--write"]);
    assert!(ok);
    assert_eq!(entries(&std::fs::read_to_string(&path).unwrap()).len(), 7);
    let (ok, _, stderr) = run(dir.path(), &["suggest", "story", "--min-confidence", "2"]);
    assert!(!ok);
    assert!(stderr.contains("2 is outside 0 to 1"), "{stderr}");
}

#[test]
fn suggested_entries_build_marked_and_check_lists_them() {
    let dir = site(&[("story", STORY, Some(EXISTING))]);
    assert!(run(dir.path(), &["suggest", "story", "--write"]).0);
    build(dir.path());
    let page = html(&dir.path().join("public/story/index.html"));
    // Six suggested changes are marked in both columns and in the apparatus; the
    // reviewed one is not.
    assert_eq!(all(&page, ".cell.orig del.chg.sug").len(), 6);
    assert_eq!(all(&page, ".cell.corr ins.chg.sug").len(), 6);
    assert_eq!(all(&page, ".cell.orig del.chg:not(.sug)").len(), 1);
    let badges: Vec<String> = all(&page, ".changes li.sug .badge")
        .iter()
        .map(|b| b.text().collect())
        .collect();
    assert_eq!(badges, vec!["unreviewed".to_string(); 6]);
    let warn: String = one(&page, ".stats .warn").text().collect();
    assert_eq!(warn, "6 unreviewed suggestions");

    // check --format json: one warning per suggested entry, at the entry.
    let doc = json(dir.path(), &["check", "--format", "json"]);
    let unreviewed: Vec<(String, String, u64)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "unreviewed")
        .map(|d| {
            assert_eq!(d["severity"], "warning");
            (
                d["message"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(unreviewed.len(), 6);
    assert_eq!(
        unreviewed[0],
        (
            "correction \"mentioned\" → \"said\" is an unreviewed suggestion".to_string(),
            "content/story/corrections.yaml".to_string(),
            9
        )
    );
}

#[test]
fn allow_unreviewed_false_fails_the_build_with_one_line_per_article() {
    let dir = site(&[("story", STORY, Some(EXISTING))]);
    assert!(run(dir.path(), &["suggest", "story", "--write"]).0);
    std::fs::write(
        dir.path().join("site.yaml"),
        "title: Test\nbase_url: https://example.org/\nallow_unreviewed: false\n",
    )
    .unwrap();
    let summary = "error[unreviewed]: 6 suggestions unreviewed in story (6 places): review them in `emend serve` or list them with `emend check --unreviewed`\n = note: site.yaml sets `allow_unreviewed: false`, so unreviewed suggestions cannot be published\n\nerror: 1 error\n";
    let (ok, stdout, stderr) = run(dir.path(), &["build"]);
    assert!(!ok);
    assert_eq!((stdout.as_str(), stderr.as_str()), ("", summary));
    assert!(!dir.path().join("public").exists());
    // -q hides warnings, never errors.
    let (ok, _, stderr) = run(dir.path(), &["-q", "build"]);
    assert!(!ok);
    assert_eq!(stderr, summary);
    let (ok, _, stderr) = run(dir.path(), &["-q", "check"]);
    assert!(!ok);
    assert_eq!(stderr, summary);
    // The full list names each suggestion at its entry.
    let (ok, _, stderr) = run(dir.path(), &["check", "--unreviewed"]);
    assert!(!ok);
    assert_eq!(
        stderr.matches("error[unreviewed]: correction \"").count(),
        6,
        "{stderr}"
    );
    assert!(stderr.contains(
        "error[unreviewed]: correction \"Celebration\" → \"Party\" is an unreviewed suggestion"
    ));
    assert!(stderr.contains("content/story/corrections.yaml:"));
    assert!(stderr.contains(
        "site.yaml sets `allow_unreviewed: false`, so unreviewed suggestions cannot be published"
    ));
    assert!(stderr.ends_with("error: 6 errors\n"), "{stderr}");
}

#[test]
fn check_and_build_summarise_unreviewed_suggestions_in_places_and_entries() {
    // Two entries, four places (`mentioned` with `all: true`), in one article;
    // one entry at one place in another.
    let story = "He mentioned the plan. She mentioned the cost. Officials mentioned the date.\nThey met on the identical day.\n";
    let dir = site(&[
        ("story", story, None),
        ("brief", "They met on the identical day.\n", None),
    ]);
    assert!(run(dir.path(), &["suggest", "story", "--write"]).0);
    assert!(run(dir.path(), &["suggest", "brief", "--write"]).0);
    let (ok, stdout, stderr) = run(dir.path(), &["check"]);
    assert!(ok, "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "warning[unreviewed]: 1 suggestion unreviewed in brief (1 place): review it in `emend serve` or list it with `emend check --unreviewed`\n\
         warning[unreviewed]: 2 suggestions unreviewed in story (4 places): review them in `emend serve` or list them with `emend check --unreviewed`\n\
         warning: 2 warnings\n\
         Checked 2 articles: no errors\n"
    );
    let (ok, _, stderr) = run(dir.path(), &["build"]);
    assert!(ok, "{stderr}");
    assert!(
        stderr.starts_with("warning[unreviewed]: 1 suggestion unreviewed in brief (1 place): "),
        "{stderr}"
    );
    assert_eq!(stderr.matches("warning[unreviewed]").count(), 2, "{stderr}");
    // Quiet: warnings are not errors.
    let (ok, _, stderr) = run(dir.path(), &["-q", "check"]);
    assert!(ok);
    assert_eq!(stderr, "");
    // The full list: one warning per entry, at the entry.
    let (ok, _, stderr) = run(dir.path(), &["check", "--unreviewed"]);
    assert!(ok);
    assert_eq!(
        stderr.matches("warning[unreviewed]: correction ").count(),
        3,
        "{stderr}"
    );
    assert!(stderr.contains("warning: 3 warnings\n"), "{stderr}");
}

#[test]
fn site_learning_carries_accepted_corrections_to_other_articles() {
    let other = "International Information first reported the story on Monday.\n";
    let accepted = "- find: International Information\n  replace: Global News\n  kind: name\n  all: true\n  why: \"The outlet's name, translated word for word.\"\n";
    let dir = site(&[
        ("story", STORY, Some(EXISTING)),
        ("other", other, Some(accepted)),
    ]);
    let (ok, stdout, stderr) = run(dir.path(), &["suggest", "story"]);
    assert!(ok, "{stderr}");
    let list = entries(&stdout);
    let learned = list
        .iter()
        .find(|e| get(e, "find") == Some("International Information"))
        .expect("the learned correction is suggested");
    assert_eq!(get(learned, "replace"), Some("Global News"));
    assert_eq!(get(learned, "origin"), Some("learned from other"));
    assert_eq!(
        get(learned, "why"),
        Some("The outlet's name, translated word for word.")
    );
    assert!(
        stderr.contains("7 places in 7 entries (6 dictionary, 1 site learning)"),
        "{stderr}"
    );
    // --no-site leaves it out.
    let (_, stdout, _) = run(dir.path(), &["suggest", "story", "--no-site"]);
    assert!(!stdout.contains("International Information"));
}

#[test]
fn check_warns_when_a_phrase_corrected_elsewhere_is_left_alone() {
    let other = "International Information first reported the story on Monday.\n";
    let accepted = "- find: International Information\n  replace: Global News\n  kind: name\n  all: true\n  why: \"The outlet's name.\"\n";
    let dir = site(&[
        ("story", STORY, Some(EXISTING)),
        ("other", other, Some(accepted)),
    ]);
    let doc = json(dir.path(), &["check", "--format", "json"]);
    let found: Vec<&serde_json::Value> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "uncorrected-elsewhere")
        .collect();
    assert_eq!(found.len(), 1, "{doc:#}");
    let d = found[0];
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        d["message"],
        "\"International Information\" is corrected to \"Global News\" in other, but is left as it is here"
    );
    assert_eq!(d["file"], "content/story/original.txt");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        d["help"],
        "run `emend suggest story` to propose the correction for review; if the text is right here, ignore this warning"
    );
    // Once the story corrects it too, the warning goes away; build never runs this check.
    let fixed = format!(
        "{EXISTING}\n- find: International Information\n  replace: Global News\n  why: w\n"
    );
    std::fs::write(dir.path().join("content/story/corrections.yaml"), fixed).unwrap();
    let doc = json(dir.path(), &["check", "--format", "json"]);
    assert!(
        !doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "uncorrected-elsewhere")
    );
}

#[test]
fn a_site_dictionary_adds_and_disables_entries() {
    let dir = site(&[("story", STORY, Some(EXISTING))]);
    std::fs::write(
        dir.path().join("dictionary.yaml"),
        "entries:\n  - {find: mentioned, replace: said, kind: synonym, disabled: true}\n  - find: uproar\n    replace: outcry\n    kind: synonym\n    prev: [\"an\"]\n",
    )
    .unwrap();
    let (ok, stdout, stderr) = run(dir.path(), &["suggest", "story"]);
    assert!(ok, "{stderr}");
    let list = entries(&stdout);
    assert!(!pairs(&list).iter().any(|(f, _)| f == "mentioned"));
    let site_entry = list
        .iter()
        .find(|e| get(e, "find") == Some("uproar"))
        .unwrap();
    assert_eq!(get(site_entry, "origin"), Some("site dictionary"));

    // A broken entry is a located error, for suggest and for check.
    std::fs::write(
        dir.path().join("dictionary.yaml"),
        "entries:\n  - find: uproar\n    replace: outcry\n    kind: synonim\n",
    )
    .unwrap();
    let (ok, stdout, stderr) = run(dir.path(), &["suggest", "story"]);
    assert!(!ok);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("error[unknown-kind]: unknown correction kind `synonim`"),
        "{stderr}"
    );
    assert!(stderr.contains("dictionary.yaml:4:11"), "{stderr}");
    assert!(stderr.contains("did you mean `synonym`?"));
}

#[test]
fn bad_requests_are_clear_errors() {
    let dir = site(&[("story", STORY, Some(EXISTING))]);
    let (ok, _, stderr) = run(dir.path(), &["suggest", "stroy"]);
    assert!(!ok);
    assert!(stderr.contains("error[unknown-article]: no article `stroy` in content/"));
    assert!(stderr.contains("did you mean `story`?"));
    // Existing corrections that do not resolve must be fixed first.
    std::fs::write(
        dir.path().join("content/story/corrections.yaml"),
        "- find: not in the text\n  replace: x\n  why: w\n",
    )
    .unwrap();
    let (ok, stdout, stderr) = run(dir.path(), &["suggest", "story", "--write"]);
    assert!(!ok);
    assert!(stdout.is_empty());
    assert!(stderr.contains("error[find-not-found]"), "{stderr}");
    assert!(
        stderr.contains(
            "fix the article's corrections and annotations before asking for suggestions"
        )
    );
    // A corrections file that is not a block list is not appended to.
    std::fs::write(
        dir.path().join("content/story/corrections.yaml"),
        "[{find: Liberal, replace: Liberal Party, why: w}]\n",
    )
    .unwrap();
    let (ok, _, stderr) = run(dir.path(), &["suggest", "story", "--write"]);
    assert!(!ok);
    assert!(stderr.contains("error[cannot-append]: cannot append suggestions to content/story/corrections.yaml: it is written as a flow list `[...]`"), "{stderr}");
}

#[test]
fn suggestions_never_break_an_annotation() {
    let text = "Both sources mentioned the national security file.\nThe nationwide safety officials mentioned it.\nThird nationwide safety sources talked.\n";
    let dir = site(&[("story", text, None)]);
    // Without annotations both garbled phrases get one `all: true` entry.
    let (_, stdout, _) = run(dir.path(), &["suggest", "story"]);
    let safety = |list: &[Node]| -> Vec<(Option<String>, bool)> {
        list.iter()
            .filter(|e| get(e, "find") == Some("nationwide safety"))
            .map(|e| (get(e, "after").map(str::to_string), e.get("all").is_some()))
            .collect()
    };
    assert_eq!(safety(&entries(&stdout)), [(None, true)]);
    // Line 2's phrase is quoted as it stands: changing it would lose the quote.
    std::fs::write(
        dir.path().join("content/story/annotations.yaml"),
        "- quote: The nationwide safety officials\n  note: n\n",
    )
    .unwrap();
    let (_, stdout, _) = run(dir.path(), &["suggest", "story"]);
    assert_eq!(
        safety(&entries(&stdout)),
        [(Some(" sources".to_string()), false)]
    );
    // And "national security" is quoted once: restoring line 3 would make it ambiguous.
    std::fs::write(
        dir.path().join("content/story/annotations.yaml"),
        "- quote: The nationwide safety officials\n  note: n\n- quote: national security\n  note: m\n",
    )
    .unwrap();
    let (ok, _, stderr) = run(dir.path(), &["suggest", "story", "--write"]);
    assert!(ok, "{stderr}");
    let written =
        std::fs::read_to_string(dir.path().join("content/story/corrections.yaml")).unwrap();
    let list = entries(&written);
    assert!(safety(&list).is_empty());
    // The other suggestions are kept.
    let mentioned: Vec<&Node> = list
        .iter()
        .filter(|e| get(e, "find") == Some("mentioned"))
        .collect();
    assert_eq!(mentioned.len(), 1);
    assert_eq!(get(mentioned[0], "all"), Some("true"));
    build(dir.path());
}

#[test]
fn suggestions_for_the_seed_article_never_break_its_build() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    copy_dir(&repo().join("content"), &dir.path().join("content"));
    let path = dir
        .path()
        .join("content/han-dong-two-michaels/corrections.yaml");
    let before = std::fs::read_to_string(&path).unwrap();
    let (ok, _, stderr) = run(dir.path(), &["suggest", "han-dong-two-michaels", "--write"]);
    assert!(ok, "{stderr}");
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.starts_with(&before));
    let added = entries(&after).len() - entries(&before).len();
    // With 228 corrections in place, whatever is left to suggest resolves with them.
    build(dir.path());
    let doc = json(dir.path(), &["check", "--format", "json"]);
    let unreviewed = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "unreviewed")
        .count();
    assert_eq!(unreviewed, added);

    // From scratch, every suggestion together still builds.
    std::fs::remove_file(&path).unwrap();
    std::fs::remove_file(
        dir.path()
            .join("content/han-dong-two-michaels/annotations.yaml"),
    )
    .unwrap();
    let (ok, _, stderr) = run(dir.path(), &["suggest", "han-dong-two-michaels", "--write"]);
    assert!(ok, "{stderr}");
    assert!(entries(&std::fs::read_to_string(&path).unwrap()).len() > 50);
    build(dir.path());
}
