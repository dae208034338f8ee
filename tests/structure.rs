//! Structural edge cases: corrections that join or split paragraphs, Markdown
//! tables, the raw-HTML opt-in, and a partial custom theme.

mod common;

use common::*;

#[test]
fn joined_and_split_paragraphs_share_a_row() {
    let site = fixture("structure");
    build(site.path());
    let page = html(&site.path().join("public/joined/index.html"));
    let rows = passages(&page);
    // original: 4 lines; corrected: "…the spinner split in two." + 2 sentences + table line
    assert_eq!(rows.len(), 3);
    let p = sel("p");
    let count = |row: &(scraper::ElementRef<'_>, scraper::ElementRef<'_>), side: &str| {
        let cell = if side == "orig" { row.0 } else { row.1 };
        cell.select(&p).count()
    };
    // row 1: two original paragraphs beside one corrected paragraph
    assert_eq!((count(&rows[0], "orig"), count(&rows[0], "corr")), (2, 1));
    // row 2: one original paragraph beside two corrected ones
    assert_eq!((count(&rows[1], "orig"), count(&rows[1], "corr")), (1, 2));
    assert_eq!((count(&rows[2], "orig"), count(&rows[2], "corr")), (1, 1));
    let corr: Vec<String> = rows[0]
        .1
        .select(&sel("p"))
        .map(|e| text_without(e, "sup"))
        .collect();
    assert_eq!(corr, ["One paragraph that the spinner split in two."]);
    // the join is one change, split across the two original paragraphs
    let frags: Vec<String> = rows[0]
        .0
        .select(&sel("del.chg"))
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(frags, ["the", "spinner"]);
    assert_eq!(
        all(&page, "del#c1-o").len(),
        1,
        "only the first fragment carries the id"
    );
    // .txt is never Markdown: the table line stays text
    assert!(all(&page, "table").is_empty());
}

#[test]
fn markdown_tables_and_raw_html_opt_in() {
    let site = fixture("structure");
    build(site.path());
    let page = html(&site.path().join("public/rich/index.html"));
    let cell: String = one(&page, ".cell.corr table td ins.chg").text().collect();
    assert_eq!(cell, "said");
    // allow_raw_html: true lets the site owner's HTML through
    let b: String = one(&page, ".cell.corr b").text().collect();
    assert_eq!(b, "bold");
}

#[test]
fn a_partial_theme_falls_back_to_the_default_templates() {
    let site = fixture("structure");
    build(site.path());
    let index = html(&site.path().join("public/index.html"));
    let p: String = one(&index, "p.plain-theme").text().collect();
    assert_eq!(p, "Plain theme index with 2 articles.");
    // article pages still use the built-in template; theme statics are copied next to the built-in ones
    one(&html(&site.path().join("public/rich/index.html")), ".grid");
    assert!(site.path().join("public/plain.css").is_file());
    assert!(site.path().join("public/style.css").is_file());
}
