//! Huge inputs, generated at run time (never committed): a 50 MB original and
//! 10,000 corrections in one file, each of which must build (or fail) in
//! reasonable time with the right result. Times are printed, not asserted
//! (`cargo test --test huge_inputs -- --nocapture` shows them); the release
//! figures are in `bench/huge.sh`.

mod common;

use std::fmt::Write;
use std::path::Path;
use std::time::Instant;

use common::*;

fn site(root: &Path) {
    std::fs::write(
        root.join("site.yaml"),
        "title: \"Huge\"\nbase_url: \"https://example.org/\"\n",
    )
    .unwrap();
}

fn article(root: &Path, slug: &str, original: &str, corrections: &str, annotations: &str) {
    let dir = root.join("content").join(slug);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("meta.yaml"), "title: \"Huge\"\n").unwrap();
    std::fs::write(dir.join("original.txt"), original).unwrap();
    std::fs::write(dir.join("corrections.yaml"), corrections).unwrap();
    std::fs::write(dir.join("annotations.yaml"), annotations).unwrap();
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    println!("{what}: {:.2} s", start.elapsed().as_secs_f64());
    out
}

/// Counts elements matching `selector` in a (large) page.
fn count(path: &Path, selector: &str) -> usize {
    all(&html(path), selector).len()
}

#[test]
fn a_50_mb_original_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    site(root);
    // ~50 MB: 92,000 paragraphs of ~550 bytes, with unique markers to correct.
    let filler = "The MP said the matter was raised with officials in the usual way, and that nothing in \
                  the record suggested otherwise; sources familiar with the file described it the same way. ";
    let mut original = String::with_capacity(52_000_000);
    let paragraphs = 92_000;
    for i in 0..paragraphs {
        write!(original, "Paragraph {i}: ").unwrap();
        for _ in 0..3 {
            original.push_str(filler);
        }
        match i {
            0 => original.push_str("First Celebration here."),
            46_000 => original.push_str("Middle Celebration here."),
            91_999 => original.push_str("Last Celebration here."),
            _ => {}
        }
        original.push('\n');
    }
    assert!(original.len() > 50_000_000, "{}", original.len());
    let corrections = "- {find: First Celebration, replace: First Party, why: w}\n\
                       - {find: Middle Celebration, replace: Middle Party, why: w}\n\
                       - {find: Last Celebration, replace: Last Party, why: w}\n";
    let annotations = "- {quote: Middle Party, note: \"In the middle.\"}\n";
    article(root, "huge", &original, corrections, annotations);

    let out = timed("build, 50 MB original", || {
        emend(root).arg("build").output().unwrap()
    });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = root.join("public/huge");
    assert_eq!(
        std::fs::read(public.join("original.txt")).unwrap(),
        original.as_bytes()
    );
    let corrected = std::fs::read_to_string(public.join("corrected.txt")).unwrap();
    assert_eq!(
        corrected,
        original
            .replace("First Celebration", "First Party")
            .replace("Middle Celebration", "Middle Party")
            .replace("Last Celebration", "Last Party")
    );
    let page = public.join("index.html");
    println!(
        "page: {:.1} MB",
        std::fs::metadata(&page).unwrap().len() as f64 / 1e6
    );
    let doc = timed("parse the page", || html(&page));
    assert_eq!(passages(&doc).len(), paragraphs);
    assert_eq!(all(&doc, ".cell.orig del.chg").len(), 3);
    assert_eq!(
        one(&doc, "#p46001 ins.chg").text().collect::<String>(),
        "Middle Party"
    );
    assert_eq!(all(&doc, "#p46001 mark.anno").len(), 1);
}

/// An original with `n` distinct words to correct, `per_line` to a paragraph.
fn many(n: usize, per_line: usize) -> (String, String) {
    let mut original = String::new();
    let mut corrections = String::new();
    for i in 0..n {
        write!(original, "w{i:05}x and ").unwrap();
        if (i + 1) % per_line == 0 {
            original.push_str("end.\n");
        }
        writeln!(
            corrections,
            "- find: w{i:05}x\n  replace: W{i}\n  kind: spelling\n  why: \"Entry {i}.\""
        )
        .unwrap();
    }
    original.push_str("end.\n");
    (original, corrections)
}

#[test]
fn ten_thousand_corrections_in_one_file() {
    for (label, per_line) in [("10 a paragraph", 10), ("all in one paragraph", 10_000)] {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        site(root);
        let (original, corrections) = many(10_000, per_line);
        article(root, "many", &original, &corrections, "");
        let out = timed(&format!("build, 10,000 corrections, {label}"), || {
            emend(root).arg("build").output().unwrap()
        });
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let page = root.join("public/many/index.html");
        assert_eq!(count(&page, ".cell.orig del.chg"), 10_000);
        assert_eq!(count(&page, ".cell.corr ins.chg"), 10_000);
        assert_eq!(count(&page, ".apparatus .changes > li"), 10_000);
        let corrected = std::fs::read_to_string(root.join("public/many/corrected.txt")).unwrap();
        assert!(
            corrected.starts_with("W0 and W1 and "),
            "{}",
            &corrected[..40]
        );
        assert!(!corrected.contains('w'));
    }
}

#[test]
fn ten_thousand_occurrences_of_one_word() {
    // Every `the` corrected by its own entry with `occurrence: N`.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    site(root);
    let mut original = String::new();
    let mut corrections = String::new();
    for i in 0..10_000 {
        write!(original, "the x{i} ").unwrap();
        if (i + 1) % 10 == 0 {
            original.push('\n');
        }
        writeln!(
            corrections,
            "- {{find: the, replace: The, occurrence: {}, why: w}}",
            i + 1
        )
        .unwrap();
    }
    article(root, "occurrences", &original, &corrections, "");
    let out = timed("build, 10,000 `occurrence: N` entries of one word", || {
        emend(root).arg("build").output().unwrap()
    });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let corrected = std::fs::read_to_string(root.join("public/occurrences/corrected.txt")).unwrap();
    assert_eq!(corrected, original.replace("the ", "The "));
    // Without `occurrence`, each entry is ambiguous: 10,000 errors, each
    // listing a few of the 10,000 matches and counting the rest.
    let corrections = "- {find: the, replace: The, why: w}\n".repeat(10_000);
    article(root, "occurrences", &original, &corrections, "");
    let out = timed("check, 10,000 ambiguous entries", || {
        emend(root)
            .args(["check", "--format", "json"])
            .output()
            .unwrap()
    });
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"], 10_000);
    let first = &json["diagnostics"][0];
    assert_eq!(
        first["message"],
        "`find` matches 10000 times in the original"
    );
    assert_eq!(first["related"].as_array().unwrap().len(), 20);
    assert!(
        first["notes"][0]
            .as_str()
            .unwrap()
            .ends_with(", … (9980 more)"),
        "{}",
        first["notes"][0]
    );
}

#[test]
fn ten_thousand_corrections_that_all_miss_fail_fast() {
    // The corrections of another article pasted into this one: every `find`
    // misses, and each miss looks for a near miss to suggest.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    site(root);
    let (_, corrections) = many(10_000, 10);
    let (other, _) = many(20_000, 10);
    let other = other.replace('w', "v");
    article(root, "wrong", &other, &corrections, "");
    let out = timed("check, 10,000 corrections that all miss", || {
        emend(root)
            .args(["check", "--format", "json"])
            .output()
            .unwrap()
    });
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"], 10_000);
    let diags = json["diagnostics"].as_array().unwrap();
    assert!(diags.iter().all(|d| d["code"] == "find-not-found"));
    // The first misses get a suggestion; the search budget then runs out
    // rather than the user's patience.
    let suggested = diags
        .iter()
        .filter(|d| {
            d["help"]
                .as_str()
                .is_some_and(|h| h.starts_with("did you mean"))
        })
        .count();
    println!("{suggested} of 10,000 misses got a near-miss suggestion");
    assert!(suggested > 0 && suggested < 10_000, "{suggested}");
    assert_eq!(
        diags[0]["help"].as_str().unwrap(),
        "did you mean \"v00000x\" (line 1, column 1)?"
    );
}
