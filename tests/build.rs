//! End-to-end builds of fixture sites, asserting on the parsed HTML and files.

mod common;

use common::*;

const ALPHA_ORIGINAL: &str = "The MP mentioned that the 2 sources mentioned it.\nInternational Information reported on the Liberal Celebration .\n\nA new section: she mentioned <script>alert(\"x\")</script> & more.\nThe end {that a} here.";
const ALPHA_CORRECTED: &str = "The MP said that the two sources told it.\nGlobal News reported on the Liberal Party.\n\nA new section: she said <script>alert(\"x\")</script> & more.\nThe end here.";

#[test]
fn builds_index_article_reading_view_and_downloads() {
    let site = fixture("basic");
    build(site.path());
    let public = site.path().join("public");

    // Index: published articles, newest first, relative links; drafts left out.
    let index = html(&public.join("index.html"));
    let links: Vec<(String, String)> = all(&index, ".article-list h2 a")
        .iter()
        .map(|a| {
            (
                a.value().attr("href").unwrap().to_string(),
                a.text().collect(),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            (
                "alpha/index.html".to_string(),
                "Alpha: a plain-text edition".to_string()
            ),
            (
                "beta/index.html".to_string(),
                "Beta: a Markdown edition".to_string()
            ),
        ]
    );
    assert!(!public.join("draft-one").exists());

    // Downloads: the original byte for byte, the corrected text in the same format.
    assert_eq!(
        std::fs::read(public.join("alpha/original.txt")).unwrap(),
        ALPHA_ORIGINAL.as_bytes()
    );
    assert_eq!(
        std::fs::read_to_string(public.join("alpha/corrected.txt")).unwrap(),
        ALPHA_CORRECTED
    );
    assert_eq!(
        std::fs::read(public.join("beta/original.md")).unwrap(),
        std::fs::read(site.path().join("content/beta/original.md")).unwrap()
    );
    assert!(public.join(".emend-output").is_file());
}

#[test]
fn rows_pair_each_paragraph_with_its_correction() {
    let site = fixture("basic");
    build(site.path());
    let page = html(&site.path().join("public/alpha/index.html"));
    let rows = passages(&page);
    let originals: Vec<&str> = ALPHA_ORIGINAL.lines().filter(|l| !l.is_empty()).collect();
    let corrected: Vec<&str> = ALPHA_CORRECTED.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), originals.len());
    for (i, &(o, c)) in rows.iter().enumerate() {
        assert_eq!(c.value().attr("id"), Some(format!("p{}", i + 1).as_str()));
        assert_eq!(o.value().attr("id"), Some(format!("p{}-o", i + 1).as_str()));
        // The visible text of each side is exactly the text, note numbers aside.
        assert_eq!(text_without(o, "sup.nref").trim_end(), originals[i]);
        assert_eq!(text_without(c, "sup.nref").trim_end(), corrected[i]);
    }
    // The section break sits before the third passage, in both texts.
    let breaks: Vec<&str> = all(&page, ".cell.sb")
        .iter()
        .map(|e| e.value().attr("id").unwrap())
        .collect();
    assert_eq!(breaks, ["p3-o", "p3"]);
}

#[test]
fn changes_are_linked_and_explained() {
    let site = fixture("basic");
    build(site.path());
    let page = html(&site.path().join("public/alpha/index.html"));
    let dels = all(&page, ".cell.orig del.chg");
    let inss = all(&page, ".cell.corr ins.chg");
    assert_eq!(dels.len(), 7);
    assert_eq!(inss.len(), 7);
    for (n, (d, i)) in dels.iter().zip(&inss).enumerate() {
        let n = n + 1;
        assert_eq!(d.value().attr("id"), Some(format!("c{n}-o").as_str()));
        assert_eq!(i.value().attr("id"), Some(format!("c{n}-c").as_str()));
        assert_eq!(d.value().attr("data-c"), i.value().attr("data-c"));
        // every change has an apparatus entry linking to it
        let entry = one(&page, &format!("li#c{n}"));
        assert_eq!(entry.value().attr("data-c"), Some(n.to_string().as_str()));
        let link = entry.select(&sel("a.num")).next().unwrap();
        assert_eq!(link.value().attr("href"), Some(format!("#c{n}-c").as_str()));
        // and carries its number in both texts, linking to the entry; the
        // number is drawn from data-n, so the text copies without it
        for side in ["orig", "corr"] {
            let siglum = one(&page, &format!(".cell.{side} a.sig[data-c=\"{n}\"]"));
            assert_eq!(siglum.value().attr("href"), Some(format!("#c{n}").as_str()));
            assert_eq!(siglum.value().attr("data-n"), Some(n.to_string().as_str()));
            assert_eq!(siglum.text().count(), 0);
        }
        // each half names its partner and its entry, so scripts build no id
        assert_eq!(
            d.value().attr("data-partner"),
            Some(format!("c{n}-c").as_str())
        );
        assert_eq!(
            i.value().attr("data-partner"),
            Some(format!("c{n}-o").as_str())
        );
        assert_eq!(i.value().attr("data-entry"), Some(format!("c{n}").as_str()));
    }
    // The deletion of "{that a} " is an empty, marked insertion point.
    let gone = one(&page, "ins.chg.gone");
    assert_eq!(gone.text().count(), 0);
    let why: Vec<String> = all(&page, "li#c3 .why")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(why, ["Here the sources told the reporter."]);
    // A change identical to an earlier one refers back instead of repeating its reason.
    let repeat: String = one(&page, "li#c6 .why").text().collect();
    assert_eq!(repeat, "As change 1.");
    let kinds: Vec<String> = all(&page, ".changes .kind")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(
        kinds,
        [
            "synonym swap",
            "number",
            "synonym swap",
            "name or title",
            "name or title",
            "synonym swap",
            "artifact"
        ]
    );
}

#[test]
fn footnotes_round_trip_with_dpub_roles() {
    let site = fixture("basic");
    build(site.path());
    let page = html(&site.path().join("public/alpha/index.html"));
    let refs = all(&page, "a[role=doc-noteref]");
    assert_eq!(refs.len(), 3);
    one(&page, "section[role=doc-endnotes]");
    // The text as received comes first in the document (its column), so the
    // references are found by number, not in document order.
    for n in 1..=refs.len() {
        let r = one(&page, &format!("a#ref-{n}[role=doc-noteref]"));
        assert_eq!(r.value().attr("href"), Some(format!("#note-{n}").as_str()));
        assert_eq!(r.value().attr("id"), Some(format!("ref-{n}").as_str()));
        let note = one(&page, &format!("li#note-{n}"));
        let back = note.select(&sel("a[role=doc-backlink]")).next().unwrap();
        assert_eq!(
            back.value().attr("href"),
            Some(format!("#ref-{n}").as_str())
        );
    }
    // Numbered in reading order: the original-side note of row 2 comes after row 1's note.
    let quotes: Vec<String> = all(&page, ".notes .quote a")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(
        quotes,
        [
            "“The MP said”",
            "“International Information”",
            "“Global News”"
        ]
    );
    // The note on the garbled text sits in the original column.
    let orig_ref = one(&page, "#p2-o a[role=doc-noteref]");
    assert_eq!(orig_ref.value().attr("href"), Some("#note-2"));
    // Notes render Markdown and list sources.
    let note3 = one(&page, "li#note-3");
    let link = note3.select(&sel("li > p:not(.quote) a")).next().unwrap();
    assert_eq!(link.value().attr("href"), Some("https://globalnews.ca"));
    let source = note3.select(&sel(".sources a")).next().unwrap();
    assert_eq!(
        source.value().attr("href"),
        Some("https://en.wikipedia.org/wiki/Global_News")
    );
}

#[test]
fn reading_view_has_the_corrected_text_and_its_notes_only() {
    let site = fixture("basic");
    build(site.path());
    let page = html(&site.path().join("public/alpha/corrected/index.html"));
    assert!(all(&page, "del, ins").is_empty());
    let paras: Vec<String> = all(&page, ".reading-text p")
        .iter()
        .map(|p| text_without(*p, "sup.nref"))
        .collect();
    let expected: Vec<&str> = ALPHA_CORRECTED.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(paras, expected);
    assert_eq!(all(&page, ".reading-text hr.section-break").len(), 1);
    // The two notes on the corrected text keep their numbers on the edition
    // page (1 and 3: note 2 is on the text as received), so "note 3" means
    // one note wherever it is cited; the reading view points to note 2.
    let refs: Vec<&str> = all(&page, "a[role=doc-noteref]")
        .iter()
        .map(|a| a.value().attr("href").unwrap())
        .collect();
    assert_eq!(refs, ["#note-1", "#note-3"]);
    let numbers: Vec<&str> = all(&page, ".notes > ol > li")
        .iter()
        .map(|li| li.value().attr("value").unwrap())
        .collect();
    assert_eq!(numbers, ["1", "3"]);
    let elsewhere = one(&page, ".notes .elsewhere a[href*='#note-']");
    assert_eq!(elsewhere.value().attr("href"), Some("../index.html#note-2"));
    let back = one(&page, ".ed-links a");
    assert_eq!(back.value().attr("href"), Some("../index.html"));
}

#[test]
fn content_is_escaped_and_scripts_do_not_get_through() {
    let site = fixture("basic");
    build(site.path());
    for page in [
        "alpha/index.html",
        "alpha/corrected/index.html",
        "beta/index.html",
    ] {
        let doc = html(&site.path().join("public").join(page));
        // JSON-LD metadata is data, not script (its escaping is tested in tests/publish.rs).
        let scripts: Vec<_> = all(&doc, "script:not([type='application/ld+json'])")
            .iter()
            .map(|s| s.value().attr("src").map(str::to_string))
            .collect();
        assert!(
            scripts.iter().all(|s| s
                .as_deref()
                .is_some_and(|src| src.ends_with("edition.js") || src.ends_with("cite.js"))),
            "{page}: unexpected script {scripts:?}"
        );
        assert!(all(&doc, "b").is_empty(), "{page}: raw <b> got through");
    }
    let doc = html(&site.path().join("public/alpha/index.html"));
    let p3: String = text_without(one(&doc, "#p3-o"), "sup");
    assert!(p3.contains("<script>alert(\"x\")</script> & more"), "{p3}");
}

#[test]
fn markdown_originals_keep_structure_around_changes() {
    let site = fixture("basic");
    build(site.path());
    let page = html(&site.path().join("public/beta/index.html"));
    // Heading shifted below the page title.
    let h: String = one(&page, ".cell.corr#p1 h2").text().collect();
    assert_eq!(h, "Beta heading");
    // A change next to emphasis, and one inside a link.
    let p2 = one(&page, ".cell.corr#p2 p");
    assert_eq!(
        p2.select(&sel("em"))
            .next()
            .unwrap()
            .text()
            .collect::<String>(),
        "very"
    );
    let link = p2.select(&sel("a[href^='https:']")).next().unwrap();
    assert_eq!(link.value().attr("href"), Some("https://example.com/lp"));
    assert_eq!(
        link.select(&sel("ins.chg"))
            .next()
            .unwrap()
            .text()
            .collect::<String>(),
        "Party"
    );
    assert_eq!(
        text_without(p2, "sup"),
        "He spoke very loudly about the Liberal Party today."
    );
    // List items are rows of their own.
    let li: String = one(&page, ".cell.corr#p3 li").text().collect();
    assert_eq!(li, "first item noted");
    // Fenced code is highlighted with classes; the stylesheet exists and is linked.
    one(&page, ".cell.corr#p5 pre.code code.language-rust");
    assert!(site.path().join("public/syntax.css").is_file());
    one(&page, "link[href='../syntax.css']");
    // Raw HTML and escapes stay text.
    let raw = text_without(one(&page, ".cell.corr#p6 p"), "sup");
    assert_eq!(
        raw,
        "Raw <b>html</b> stays text & so do entities & escapes *like this*."
    );
    // Footnotes in the source get ids scoped to their column.
    one(&page, "#o-fn-1");
    one(&page, "#c-fn-1");
    // A page without code does not link the stylesheet.
    let alpha = html(&site.path().join("public/alpha/index.html"));
    assert!(all(&alpha, "link[href$='syntax.css']").is_empty());
}

#[test]
fn output_is_byte_identical_across_runs() {
    let site = fixture("basic");
    emend(site.path())
        .args(["build", "--output", "out1"])
        .assert()
        .success();
    emend(site.path())
        .args(["build", "--output", "out2"])
        .assert()
        .success();
    let a = snapshot_dir(&site.path().join("out1"));
    let b = snapshot_dir(&site.path().join("out2"));
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = fixture("basic");
    build(site.path());
    let before = snapshot_dir(&site.path().join("public"));
    // Break one article and change another: nothing may reach the output.
    std::fs::write(
        site.path().join("content/alpha/corrections.yaml"),
        "- find: nowhere to be found\n  replace: x\n",
    )
    .unwrap();
    std::fs::write(
        site.path().join("content/beta/meta.yaml"),
        "title: \"Changed title\"\n",
    )
    .unwrap();
    let out = emend(site.path()).arg("build").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(snapshot_dir(&site.path().join("public")), before);
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("emend"))
        .collect();
    // Only the build cache of the last good build stays beside the output;
    // nothing staged by the failed build.
    assert_eq!(leftovers, [".public.emend-cache"]);
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let site = fixture("basic");
    build(site.path());
    let stamp = |p: &str| {
        std::fs::metadata(site.path().join("public").join(p))
            .unwrap()
            .modified()
            .unwrap()
    };
    let alpha_before = stamp("alpha/index.html");
    let beta_before = stamp("beta/index.html");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(
        site.path().join("content/beta/meta.yaml"),
        "title: \"Beta, retitled\"\npublished: 2023-01-10\n",
    )
    .unwrap();
    build(site.path());
    assert_eq!(stamp("alpha/index.html"), alpha_before);
    assert_ne!(stamp("beta/index.html"), beta_before);
}

#[test]
fn drafts_are_built_only_on_request() {
    let site = fixture("basic");
    emend(site.path())
        .args(["build", "--drafts"])
        .assert()
        .success();
    let index = html(&site.path().join("public/index.html"));
    assert_eq!(all(&index, ".article-list li").len(), 3);
    one(&index, ".badge");
    assert!(site.path().join("public/draft-one/index.html").is_file());
}

#[test]
fn refuses_to_write_over_sources_or_foreign_folders() {
    let site = fixture("basic");
    let out = emend(site.path())
        .args(["build", "--output", "content"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refusing to use content as the output folder: it is inside the site's `content/` folder"), "{err}");
    std::fs::create_dir(site.path().join("docs")).unwrap();
    std::fs::write(site.path().join("docs/keep.txt"), "precious").unwrap();
    let out = emend(site.path())
        .args(["build", "--output", "docs"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("was not created by emend"));
    assert_eq!(
        std::fs::read_to_string(site.path().join("docs/keep.txt")).unwrap(),
        "precious"
    );
    let out = emend(site.path())
        .args(["build", "--output", "."])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("it contains the site"));
}

#[test]
fn base_url_override_changes_absolute_urls_only() {
    let site = fixture("basic");
    emend(site.path())
        .args(["build", "--base-url", "https://preview.example.net/pr-7"])
        .assert()
        .success();
    let page = html(&site.path().join("public/alpha/index.html"));
    let canonical = one(&page, "link[rel=canonical]");
    assert_eq!(
        canonical.value().attr("href"),
        Some("https://preview.example.net/pr-7/alpha/")
    );
    let css = one(&page, "link[rel=stylesheet][href$='/style.css']");
    assert_eq!(css.value().attr("href"), Some("../style.css"));
    // the 404 page is served at any depth, so it links from the site's base path
    let nf = html(&site.path().join("public/404.html"));
    assert_eq!(
        one(&nf, "link[rel=stylesheet]").value().attr("href"),
        Some("/pr-7/style.css")
    );
}

#[test]
fn the_bundled_site_checks_and_builds() {
    let out = emend(&repo())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"], 0, "{json:#}");
    assert!(out.status.success());
    // The site's source policy finds no source to avoid (issue 14): the notes
    // cite primary documents and news organisations; what it flags (the spun
    // copies cited as evidence of the spinner) are notes, not warnings.
    assert_eq!(json["warnings"], 0, "{json:#}");
    for d in json["diagnostics"].as_array().unwrap() {
        assert_eq!(d["severity"], "note", "{d:#}");
        assert_eq!(d["code"], "flagged-source", "{d:#}");
    }
    let tmp = tempfile::tempdir().unwrap();
    emend(&repo())
        .args(["build", "--output"])
        .arg(tmp.path().join("site"))
        .assert()
        .success();
    let page = html(&tmp.path().join("site/han-dong-two-michaels/index.html"));
    assert!(all(&page, "del.chg").len() > 100);
    // The methodology and corrections policy, linked from the footer with the contact.
    let footer: Vec<&str> = all(&page, "footer nav a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        footer,
        [
            "../methodology/index.html",
            "mailto:corrections@example.org"
        ]
    );
    let method = html(&tmp.path().join("site/methodology/index.html"));
    assert_eq!(
        one(&method, "h1").text().collect::<String>(),
        "Methodology and corrections policy"
    );
    assert!(all(&page, "a[role=doc-noteref]").len() >= 20);
    assert_eq!(
        std::fs::read(tmp.path().join("site/han-dong-two-michaels/original.txt")).unwrap(),
        std::fs::read(repo().join("content/han-dong-two-michaels/original.txt")).unwrap()
    );
}

#[test]
fn snapshot_of_a_fixture_page() {
    let site = fixture("basic");
    build(site.path());
    let page = std::fs::read_to_string(site.path().join("public/alpha/index.html")).unwrap();
    let start = page.find("<div class=\"ed-body\">").unwrap();
    let end = page.find("</article>").unwrap();
    insta::assert_snapshot!("alpha_edition", &page[start..end]);
}

#[test]
fn the_404_page_suggests_the_ten_newest_editions_and_links_to_all() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(
        site.path().join("site.yaml"),
        "title: Many\nbase_url: \"https://example.org/\"\n",
    )
    .unwrap();
    for day in 1..=12 {
        let dir = site.path().join(format!("content/day-{day:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("original.txt"), "Text.\n").unwrap();
        std::fs::write(
            dir.join("meta.yaml"),
            format!("title: Day {day}\npublished: 2024-01-{day:02}\n"),
        )
        .unwrap();
    }
    build(site.path());
    let page = html(&site.path().join("public/404.html"));
    let listed: Vec<String> = all(&page, "main ul.plain-list a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    let newest: Vec<String> = (3..=12).rev().map(|d| format!("Day {d}")).collect();
    assert_eq!(listed, newest);
    assert_eq!(
        one(&page, "main h2").text().collect::<String>(),
        "Newest editions"
    );
    let all_link = all(&page, "main p a")
        .into_iter()
        .find(|a| a.text().collect::<String>() == "All 12 editions on the home page")
        .expect("a link to the full list");
    assert_eq!(all_link.value().attr("href"), Some("/index.html"));

    // A small site lists everything, under a plain heading.
    std::fs::remove_dir_all(site.path().join("content/day-01")).unwrap();
    for day in 3..=12 {
        std::fs::remove_dir_all(site.path().join(format!("content/day-{day:02}"))).unwrap();
    }
    build(site.path());
    let page = html(&site.path().join("public/404.html"));
    assert_eq!(one(&page, "main h2").text().collect::<String>(), "Editions");
    assert_eq!(all(&page, "main ul.plain-list a").len(), 1);
    assert!(
        all(&page, "main p a")
            .iter()
            .any(|a| a.text().collect::<String>() == "All 1 edition on the home page")
    );
}

#[test]
fn relative_links_in_notes_and_markdown_work_from_the_reading_view_too() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(
        site.path().join("site.yaml"),
        "title: Links\nbase_url: \"https://example.org/sub/\"\n",
    )
    .unwrap();
    for (slug, original, annotations) in [
        (
            "alpha",
            "See [the beta edition](../beta/index.html) and ![a map](map.png).\n",
            "- quote: beta edition\n  note: \"Compare [beta](../beta/index.html) and [the source](https://source.example.net/).\"\n",
        ),
        ("beta", "Beta text.\n", ""),
    ] {
        let dir = site.path().join("content").join(slug);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("original.md"), original).unwrap();
        std::fs::write(dir.join("meta.yaml"), format!("title: {slug}\n")).unwrap();
        if !annotations.is_empty() {
            std::fs::write(dir.join("annotations.yaml"), annotations).unwrap();
        }
    }
    std::fs::create_dir_all(site.path().join("static/alpha")).unwrap();
    std::fs::write(site.path().join("static/alpha/map.png"), b"\x89PNG").unwrap();
    build(site.path());
    let hrefs = |page: &str, selector: &str, attr: &str| -> Vec<String> {
        let doc = html(&site.path().join("public").join(page));
        all(&doc, selector)
            .iter()
            .filter_map(|a| a.value().attr(attr).map(String::from))
            .collect()
    };
    // The edition page is where the author wrote the text for.
    let side = hrefs(
        "alpha/index.html",
        ".cell.corr a, .notes .note-body a",
        "href",
    );
    assert!(side.contains(&"../beta/index.html".to_string()), "{side:?}");
    // The reading view is one folder deeper.
    let reading = hrefs("alpha/corrected/index.html", "main a", "href");
    assert!(
        reading.contains(&"../../beta/index.html".to_string()),
        "{reading:?}"
    );
    assert!(
        !reading.contains(&"../beta/index.html".to_string()),
        "{reading:?}"
    );
    assert!(
        reading.contains(&"https://source.example.net/".to_string()),
        "{reading:?}"
    );
    let images = hrefs("alpha/corrected/index.html", "main img", "src");
    assert_eq!(images, ["../map.png"]);
    // And the link checker agrees that every link lands.
    emend(site.path())
        .args(["check", "--links"])
        .assert()
        .success();
}

#[test]
fn a_second_build_into_the_same_folder_is_refused_while_one_runs() {
    let site = fixture("basic");
    build(site.path());
    // Hold the output folder's lock as a running build does.
    let lock = std::fs::File::options()
        .read(true)
        .write(true)
        .open(site.path().join(".public.emend-cache/lock"))
        .unwrap();
    lock.try_lock().unwrap();
    std::fs::write(
        site.path().join(".public.emend-cache/lock"),
        format!("{}\n", std::process::id()),
    )
    .unwrap();
    let before = snapshot_dir(&site.path().join("public"));
    let out = emend(site.path()).arg("build").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error[output-locked]: another emend build is writing to ")
            && stderr.contains(&format!("public (pid {})", std::process::id()))
            && stderr.contains(
                "help: wait for it to finish, or build into another folder with --output"
            ),
        "{stderr}"
    );
    assert_eq!(snapshot_dir(&site.path().join("public")), before);
    drop(lock);
    build(site.path());
}
