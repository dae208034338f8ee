//! The glossary page: every distinct garbled → restored pair, grouped by kind,
//! with counts and working links to each occurrence.

mod common;

use common::*;

/// (garbled, restored, count, [(article path, [change numbers])]) per kind.
type Rows = Vec<(
    String,
    Vec<(String, String, String, Vec<(String, Vec<String>)>)>,
)>;

fn glossary_rows(page: &scraper::Html) -> Rows {
    all(page, "section.glossary-kind")
        .iter()
        .map(|section| {
            let kind = section.value().attr("id").unwrap().to_string();
            let rows = section
                .select(&sel("tbody tr"))
                .map(|tr| {
                    let cell = |c: &str| -> String {
                        tr.select(&sel(&format!("td.{c}")))
                            .next()
                            .unwrap()
                            .text()
                            .collect()
                    };
                    let places = tr
                        .select(&sel(".occurrences > li"))
                        .map(|li| {
                            // The article is linked once, at the head of the
                            // page; a row names it by the path of its changes.
                            let article = li
                                .select(&sel("a.occ"))
                                .next()
                                .unwrap()
                                .value()
                                .attr("href")
                                .unwrap()
                                .split_once('#')
                                .unwrap()
                                .0
                                .to_string();
                            let numbers = li
                                .select(&sel("a.occ"))
                                .map(|a| a.text().collect())
                                .collect();
                            (article, numbers)
                        })
                        .collect();
                    (cell("garbled"), cell("restored"), cell("count"), places)
                })
                .collect();
            (kind, rows)
        })
        .collect()
}

fn s(x: &str) -> String {
    x.to_string()
}

#[test]
fn lists_every_pair_by_kind_with_counts_and_links() {
    let site = fixture("basic");
    build(site.path());
    let public = site.path().join("public");
    let page = html(&public.join("glossary/index.html"));
    assert_eq!(
        one(&page, "title").text().collect::<String>(),
        "Glossary of garbled phrases · Fixture Editions"
    );
    let rows = glossary_rows(&page);
    let alpha = || s("../alpha/index.html");
    let beta = || s("../beta/index.html");
    assert_eq!(
        rows,
        vec![
            (
                s("k-synonym"),
                vec![
                    (
                        s("mentioned"),
                        s("noted"),
                        s("2 changes"),
                        vec![(beta(), vec![s("3"), s("4")])]
                    ),
                    (
                        s("mentioned"),
                        s("said"),
                        s("2 changes"),
                        vec![(alpha(), vec![s("1"), s("6")])]
                    ),
                    (
                        s("mentioned"),
                        s("told"),
                        s("1 change"),
                        vec![(alpha(), vec![s("3")])]
                    ),
                    (
                        s("quietly"),
                        s("loudly"),
                        s("1 change"),
                        vec![(beta(), vec![s("1")])]
                    ),
                ]
            ),
            (
                s("k-name"),
                vec![
                    (
                        s("Celebration"),
                        s("Party"),
                        s("1 change"),
                        vec![(beta(), vec![s("2")])]
                    ),
                    (
                        s("International Information"),
                        s("Global News"),
                        s("1 change"),
                        vec![(alpha(), vec![s("4")])]
                    ),
                    (
                        s("Liberal Celebration ."),
                        s("Liberal Party."),
                        s("1 change"),
                        vec![(alpha(), vec![s("5")])]
                    ),
                ]
            ),
            (
                s("k-number"),
                vec![(
                    s("2"),
                    s("two"),
                    s("1 change"),
                    vec![(alpha(), vec![s("2")])]
                )]
            ),
            (
                s("k-artifact"),
                vec![(
                    s("{that a} "),
                    s("(deleted)"),
                    s("1 change"),
                    vec![(alpha(), vec![s("7")])]
                )]
            ),
        ]
    );
    let headings: Vec<String> = all(&page, "section.glossary-kind h2")
        .iter()
        .map(|h| h.text().collect())
        .collect();
    assert_eq!(
        headings,
        ["Synonym swaps", "Names and titles", "Numbers", "Artifacts"]
    );
    // Each article is linked once, in a numbered list the rows refer to.
    let editions: Vec<(String, String)> = all(&page, ".glossary-editions li")
        .iter()
        .map(|li| {
            let key: String = li.select(&sel(".ed-key")).next().unwrap().text().collect();
            let href = li.select(&sel("a")).next().unwrap().value().attr("href");
            let href = href.unwrap().to_string();
            (key, href)
        })
        .collect();
    assert_eq!(
        editions,
        [
            (s("1"), s("../alpha/index.html")),
            (s("2"), s("../beta/index.html"))
        ]
    );
    let titled = all(&page, "main a:not(.occ)")
        .iter()
        .filter(|a| a.value().attr("href") == Some("../alpha/index.html"))
        .count();
    assert_eq!(titled, 1, "the article is linked once");
    let lede: String = one(&page, ".page-head .lede").text().collect();
    assert!(lede.starts_with("Every distinct garbled → restored pair in these editions: 9 pairs, 11 changes in 2 articles"), "{lede}");

    // Every occurrence link lands on that change's entry in the list of
    // changes (shown at every width, unlike the text as received), which
    // names the garbled text of the glossary's row.
    let mut followed = 0;
    for row in all(&page, "table.glossary tr") {
        let Some(garbled) = row.select(&sel("td.garbled")).next() else {
            continue;
        };
        let garbled: String = garbled.text().collect();
        for a in row.select(&sel("a.occ")) {
            let href = a.value().attr("href").unwrap();
            let (path, frag) = href.split_once('#').unwrap();
            let target = html(&public.join("glossary").join(path));
            let entry = one(&target, &format!(".apparatus .changes > li#{frag}"));
            let number: String = a.text().collect();
            assert_eq!(entry.value().attr("data-c"), Some(number.as_str()));
            let shown: String = entry
                .select(&sel(".pair del"))
                .next()
                .unwrap()
                .text()
                .collect();
            assert_eq!(shown.trim(), garbled.trim(), "{href}");
            followed += 1;
        }
    }
    assert_eq!(followed, all(&page, "a.occ").len());
    assert!(followed > 0);
}

#[test]
fn every_page_links_to_the_glossary() {
    let site = fixture("basic");
    build(site.path());
    let public = site.path().join("public");
    for (page, href) in [
        ("index.html", "glossary/index.html"),
        ("alpha/index.html", "../glossary/index.html"),
        ("alpha/corrected/index.html", "../../glossary/index.html"),
        ("glossary/index.html", "../glossary/index.html"),
        ("404.html", "/sub/glossary/index.html"),
    ] {
        let doc = html(&public.join(page));
        let link = one(&doc, ".site-nav a:nth-child(2)");
        assert_eq!(link.value().attr("href"), Some(href), "{page}");
        assert_eq!(link.text().collect::<String>(), "Glossary");
    }
    let doc = html(&public.join("glossary/index.html"));
    assert_eq!(
        one(&doc, ".site-nav a[aria-current=page]")
            .text()
            .collect::<String>(),
        "Glossary"
    );
}

#[test]
fn unreviewed_suggestions_and_drafts_are_left_out() {
    let site = fixture("basic");
    let path = site.path().join("content/beta/corrections.yaml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(
        "- find: today\n  replace: yesterday\n  kind: synonym\n  why: w\n  status: suggested\n",
    );
    std::fs::write(&path, text).unwrap();
    build(site.path());
    let public = site.path().join("public");
    let page = html(&public.join("glossary/index.html"));
    let garbled: Vec<String> = all(&page, "td.garbled")
        .iter()
        .map(|t| t.text().collect())
        .collect();
    assert!(!garbled.contains(&s("today")));
    assert_eq!(garbled.len(), 9);
    // the suggestion is on the article page, marked, but not in the glossary
    assert_eq!(
        all(&html(&public.join("beta/index.html")), "del.chg.sug").len(),
        1
    );
}

#[test]
fn an_empty_site_says_so_and_the_template_can_be_overridden() {
    let site = fixture("basic");
    for slug in ["alpha", "beta"] {
        std::fs::remove_file(
            site.path()
                .join("content")
                .join(slug)
                .join("corrections.yaml"),
        )
        .unwrap();
    }
    std::fs::remove_file(site.path().join("content/alpha/annotations.yaml")).unwrap();
    std::fs::remove_file(site.path().join("content/beta/annotations.yaml")).unwrap();
    build(site.path());
    let page = html(&site.path().join("public/glossary/index.html"));
    assert!(all(&page, "table.glossary").is_empty());
    assert_eq!(
        one(&page, "main > p").text().collect::<String>(),
        "No reviewed corrections yet."
    );

    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/glossary.html"),
        "<p id=n>{{ glossary.pairs }} pairs</p>",
    )
    .unwrap();
    build(site.path());
    let page = html(&site.path().join("public/glossary/index.html"));
    assert_eq!(one(&page, "#n").text().collect::<String>(), "0 pairs");
}

#[test]
fn large_sites_link_a_bounded_number_of_places_with_exact_counts() {
    // 32 articles with the same pair, one of them with 14 occurrences: the page
    // links 30 articles and 12 changes per article, and counts the rest.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("site.yaml"),
        "title: T\nbase_url: https://example.org/\n",
    )
    .unwrap();
    for i in 0..32 {
        let art = root.join(format!("content/a-{i:02}"));
        std::fs::create_dir_all(&art).unwrap();
        let times = if i == 0 { 14 } else { 1 };
        std::fs::write(
            art.join("original.txt"),
            vec!["She mentioned it."; times].join("\n"),
        )
        .unwrap();
        std::fs::write(
            art.join("meta.yaml"),
            format!(
                "title: \"Article {i}\"\npublished: 2020-01-{:02}\n",
                28 - (i % 28)
            ),
        )
        .unwrap();
        std::fs::write(
            art.join("corrections.yaml"),
            "- {find: mentioned, replace: said, all: true, kind: synonym, why: w}\n",
        )
        .unwrap();
    }
    build(root);
    let page = html(&root.join("public/glossary/index.html"));
    let count: String = one(&page, "td.count").text().collect();
    assert_eq!(count, "45 changes");
    let listed = all(&page, ".occurrences > li:not(.more)");
    assert_eq!(listed.len(), 30);
    let more: String = one(&page, ".occurrences > li.more").text().collect();
    assert_eq!(more, "and 2 more articles");
    let first = listed
        .iter()
        .find(|li| {
            li.select(&sel(".ed-key"))
                .any(|k| k.value().attr("title") == Some("Article 0"))
        })
        .expect("article 0 is listed");
    assert_eq!(first.select(&sel("a.occ")).count(), 12);
    assert!(
        first.text().collect::<String>().ends_with("and 2 more"),
        "{}",
        first.text().collect::<String>()
    );
}
