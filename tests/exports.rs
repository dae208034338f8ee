//! The exports of an edition for scholars' tools, read back by independent
//! parsers, on the bundled site and on the fixtures (plain text and Markdown
//! originals, byte order marks, CR LF line ends, editors with ORCID iDs, a
//! DOI, revisions):
//!
//! - `tei.xml` validates against TEI P5's `tei_all` RELAX NG schema (jing),
//!   and its readings give the texts back: the `sic` reading is the original
//!   byte for byte (modulo XML escaping: no byte order mark, characters XML
//!   cannot carry as U+FFFD), the `corr` reading is `corrected.txt`; every
//!   change, note and pointer matches `edition.json`.
//! - `cite.bib` parses with a BibTeX parser (biblatex), `cite.json` validates
//!   against the CSL data schema, `cite.ris` has the required tags.
//! - The edition pages carry `citation_*` meta tags and a `<link
//!   rel="alternate">` to each export; `editions.json` lists the exports.
//! - `edition.json` validates against `docs/schemas/edition.schema.json`.
//!
//! The schema validation needs `jing` (Debian package `jing`) and
//! `tei_all.rng` (`tests/schemas/fetch-tei-all.sh` puts it at
//! `target/schemas/tei_all.rng`; or set `EMEND_TEI_RNG`). Without them that
//! test says SKIPPED on the terminal and passes, unless
//! `EMEND_SCHEMA_TESTS=require` (set by .ci/run), which makes it a failure.

mod common;
#[path = "common/json_schema.rs"]
mod json_schema;
#[path = "common/tei.rs"]
mod tei;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use common::*;
use serde_json::Value;
use tei::{TEI_NS, XML_NS, readings};

/// Writes to the real stderr (libtest captures `eprintln!` of passing tests).
fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// One built site.
struct Site {
    name: &'static str,
    root: PathBuf,
    out: PathBuf,
}

/// One edition of a built site.
struct Ed<'a> {
    site: &'a Site,
    slug: String,
    json: Value,
}

impl Ed<'_> {
    fn dir(&self) -> PathBuf {
        self.site.out.join(&self.slug)
    }
    fn read(&self, file: &str) -> String {
        let path = self.dir().join(file);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
    fn name(&self) -> String {
        format!("{}/{}", self.site.name, self.slug)
    }
}

/// The sites under test, each built once into a temporary folder.
fn sites() -> &'static [Site] {
    static SITES: OnceLock<(tempfile::TempDir, Vec<Site>)> = OnceLock::new();
    let (_, sites) = SITES.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let roots: [(&'static str, PathBuf); 8] = [
            ("bundled", repo()),
            ("tei", repo().join("tests/fixtures/tei")),
            ("basic", repo().join("tests/fixtures/basic")),
            ("structure", repo().join("tests/fixtures/structure")),
            ("browser", repo().join("tests/fixtures/browser")),
            ("bom", repo().join("tests/good/bom")),
            ("crlf", repo().join("tests/good/crlf")),
            (
                "crlf-bom-markdown",
                repo().join("tests/good/crlf-bom-markdown"),
            ),
        ];
        let sites = roots
            .into_iter()
            .map(|(name, root)| {
                let out = tmp.path().join(name);
                let run = emend(&root)
                    .args(["build", "--output"])
                    .arg(&out)
                    .output()
                    .unwrap();
                assert!(
                    run.status.success(),
                    "building {name} failed:\n{}",
                    String::from_utf8_lossy(&run.stderr)
                );
                Site { name, root, out }
            })
            .collect();
        (tmp, sites)
    });
    sites
}

/// Every edition of every site under test.
fn editions() -> Vec<Ed<'static>> {
    let mut out = Vec::new();
    for site in sites() {
        let index: Value =
            serde_json::from_slice(&std::fs::read(site.out.join("editions.json")).unwrap())
                .unwrap();
        for e in index["editions"].as_array().unwrap() {
            let slug = e["slug"].as_str().unwrap().to_string();
            let json: Value = serde_json::from_slice(
                &std::fs::read(site.out.join(&slug).join("edition.json")).unwrap(),
            )
            .unwrap();
            out.push(Ed { site, slug, json });
        }
    }
    assert!(
        out.len() >= 10,
        "expected the fixtures' editions, found {}",
        out.len()
    );
    out
}

fn edition(site: &str, slug: &str) -> Ed<'static> {
    editions()
        .into_iter()
        .find(|e| e.site.name == site && e.slug == slug)
        .unwrap_or_else(|| panic!("no edition {site}/{slug}"))
}

/// The text of a downloaded text file as XML can carry it: without a byte
/// order mark, characters XML cannot carry as U+FFFD.
fn as_xml_text(bytes: &[u8]) -> String {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.chars()
        .map(|c| {
            if emend::text::is_unrepresentable(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

// ---------------------------------------------------------------- tei.xml

fn parse_tei(xml: &str) -> roxmltree::Document<'_> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not well-formed: {e}"));
    assert!(doc.root_element().has_tag_name((TEI_NS, "TEI")));
    doc
}

/// The date an edition is cited by: the latest of the original's
/// publication, the copy's retrieval and the edition's revisions (none if
/// content gives no date).
fn cited_date(json: &Value) -> Option<String> {
    let revisions = json["revisions"].as_array().into_iter().flatten();
    revisions
        .filter_map(|r| r["date"].as_str())
        .chain(
            [json["published"].as_str(), json["retrieved"].as_str()]
                .into_iter()
                .flatten(),
        )
        .max()
        .map(str::to_string)
}

/// All the text of an element.
fn all_text(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|d| d.is_text())
        .map(|d| d.text().unwrap())
        .collect()
}

/// The text of an element, notes left out.
fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if d.is_text()
            && !d
                .ancestors()
                .any(|a| a.has_tag_name((TEI_NS, "note")) && a != node)
        {
            out.push_str(d.text().unwrap());
        }
    }
    out
}

#[test]
fn tei_readings_give_back_the_original_and_the_corrected_text() {
    for ed in editions() {
        let xml = ed.read("tei.xml");
        let doc = parse_tei(&xml);
        let r = readings(&doc);
        let ext = ed.json["format"].as_str().unwrap();
        let original = std::fs::read(ed.dir().join(format!("original.{ext}"))).unwrap();
        let corrected = std::fs::read(ed.dir().join(format!("corrected.{ext}"))).unwrap();
        assert_eq!(
            r.sic,
            as_xml_text(&original),
            "{}: the sic reading is not the original",
            ed.name()
        );
        assert_eq!(
            r.corr,
            as_xml_text(&corrected),
            "{}: the corr reading is not the corrected text",
            ed.name()
        );
        // The download is the content file, byte for byte.
        let source = ed
            .site
            .root
            .join("content")
            .join(&ed.slug)
            .join(format!("original.{ext}"));
        assert_eq!(original, std::fs::read(source).unwrap(), "{}", ed.name());
    }
}

#[test]
fn tei_changes_notes_and_pointers_match_edition_json() {
    for ed in editions() {
        let name = ed.name();
        let xml = ed.read("tei.xml");
        let doc = parse_tei(&xml);
        let r = readings(&doc);
        let ids: HashMap<&str, roxmltree::Node<'_, '_>> = doc
            .descendants()
            .filter_map(|n| n.attribute((XML_NS, "id")).map(|id| (id, n)))
            .collect();
        // Every pointer within the document points at something.
        for n in doc.descendants().filter(|n| n.is_element()) {
            for a in n.attributes() {
                if !matches!(
                    a.name(),
                    "target" | "targetEnd" | "resp" | "ref" | "corresp"
                ) {
                    continue;
                }
                for token in a.value().split_whitespace().filter(|t| t.starts_with('#')) {
                    assert!(
                        ids.contains_key(&token[1..]),
                        "{name}: {}/@{} = {token} points at nothing",
                        n.tag_name().name(),
                        a.name()
                    );
                }
            }
        }
        // Each change is a choice with its readings, kind and reason.
        let changes = ed.json["corrections"].as_array().unwrap();
        let choices = doc
            .descendants()
            .filter(|n| n.has_tag_name((TEI_NS, "choice")))
            .count();
        assert_eq!(choices, changes.len(), "{name}: one choice per change");
        for c in changes {
            let id = format!("c{}", c["number"]);
            let choice = ids
                .get(id.as_str())
                .unwrap_or_else(|| panic!("{name}: no {id}"));
            assert!(choice.has_tag_name((TEI_NS, "choice")));
            let child = |tag: &str| {
                choice
                    .children()
                    .find(|n| n.has_tag_name((TEI_NS, tag)))
                    .unwrap_or_else(|| panic!("{name}: {id} has no {tag}"))
            };
            let (sic, corr) = (child("sic"), child("corr"));
            assert_eq!(
                text_of(sic),
                as_xml_text(c["find"].as_str().unwrap().as_bytes()),
                "{name} {id}"
            );
            assert_eq!(
                text_of(corr),
                as_xml_text(c["replace"].as_str().unwrap().as_bytes()),
                "{name} {id}"
            );
            assert_eq!(corr.attribute("type"), c["kind"].as_str(), "{name} {id}");
            assert_eq!(
                corr.attribute("subtype") == Some("suggested"),
                c["status"] == "suggested",
                "{name} {id}"
            );
            let target = format!("#{id}");
            let why: Vec<String> = doc
                .descendants()
                .filter(|n| {
                    n.has_tag_name((TEI_NS, "note"))
                        && n.attribute("type") == Some("correction")
                        && n.attribute("target") == Some(target.as_str())
                })
                .map(text_of)
                .collect();
            match c["why"].as_str() {
                Some(w) => assert_eq!(why, [as_xml_text(w.as_bytes())], "{name} {id}"),
                None => assert!(why.is_empty(), "{name} {id}"),
            }
        }
        // Each note points at the ends of exactly its passage.
        let notes = ed.json["annotations"].as_array().unwrap();
        for a in notes {
            let id = format!("note-{}", a["number"]);
            let note = ids
                .get(id.as_str())
                .unwrap_or_else(|| panic!("{name}: no {id}"));
            let start = note.attribute("target").unwrap().trim_start_matches('#');
            let end = note.attribute("targetEnd").unwrap().trim_start_matches('#');
            let (text, at) = match a["on"].as_str().unwrap() {
                "original" => (&r.sic, &r.sic_at),
                _ => (&r.corr, &r.corr_at),
            };
            let (Some(&s), Some(&e)) = (at.get(start), at.get(end)) else {
                panic!("{name}: the anchors of {id} are not in its reading");
            };
            assert_eq!(
                &text[s..e],
                as_xml_text(a["quote"].as_str().unwrap().as_bytes()),
                "{name}: {id} is on the wrong passage"
            );
            let bibls = note
                .descendants()
                .filter(|n| n.has_tag_name((TEI_NS, "bibl")))
                .count();
            assert_eq!(bibls, a["sources"].as_array().unwrap().len(), "{name} {id}");
        }
    }
}

#[test]
fn tei_header_names_editors_source_publication_and_revisions() {
    let ed = edition("tei", "md-story");
    let xml = ed.read("tei.xml");
    let doc = parse_tei(&xml);
    let find = |tag: &'static str| {
        doc.descendants()
            .filter(move |n| n.has_tag_name((TEI_NS, tag)))
    };
    let title_stmt = find("titleStmt").next().unwrap();
    let editors: Vec<_> = title_stmt
        .children()
        .filter(|n| n.has_tag_name((TEI_NS, "editor")))
        .collect();
    assert_eq!(editors.len(), 2);
    assert_eq!(
        text_of(editors[0]).trim(),
        "Ada Lovelace0000-0002-1825-0097"
    );
    let orcid = editors[0]
        .descendants()
        .find(|n| n.has_tag_name((TEI_NS, "idno")))
        .unwrap();
    assert_eq!(orcid.attribute("type"), Some("ORCID"));
    assert_eq!(
        editors[0]
            .descendants()
            .find(|n| n.has_tag_name((TEI_NS, "persName")))
            .unwrap()
            .attribute("ref"),
        Some("https://orcid.org/0000-0002-1825-0097")
    );
    assert_eq!(text_of(editors[1]), "Charles Babbage");
    let resp = title_stmt
        .children()
        .find(|n| n.has_tag_name((TEI_NS, "respStmt")))
        .unwrap();
    assert_eq!(
        resp.children()
            .filter(|n| n.has_tag_name((TEI_NS, "persName")))
            .count(),
        2
    );
    // Corrections are the editors'.
    for corr in find("corr") {
        assert_eq!(corr.attribute("resp"), Some("#editor-1 #editor-2"));
    }
    let publication = find("publicationStmt").next().unwrap();
    let idnos: BTreeMap<&str, String> = publication
        .children()
        .filter(|n| n.has_tag_name((TEI_NS, "idno")))
        .map(|n| (n.attribute("type").unwrap(), text_of(n)))
        .collect();
    assert_eq!(idnos["DOI"], "10.5555/emend.fixture.1");
    assert_eq!(idnos["URI"], "https://example.org/sub/md-story/");
    let date = publication
        .children()
        .find(|n| n.has_tag_name((TEI_NS, "date")))
        .unwrap();
    assert_eq!(
        date.attribute("when"),
        Some("2024-07-01"),
        "the latest revision"
    );
    let source = find("sourceDesc").next().unwrap();
    let source_text = all_text(source);
    for part in [
        "Jane Q. Public",
        "The Daily Fixture",
        "https://news.example.com/2024/05/council-meeting",
        "2 June 2024",
    ] {
        assert!(
            source_text.contains(part),
            "sourceDesc lacks {part}: {source_text}"
        );
    }
    assert!(find("correction").next().unwrap().attribute("method") == Some("markup"));
    let changes: Vec<_> = find("revisionDesc")
        .next()
        .unwrap()
        .children()
        .filter(|n| n.is_element())
        .collect();
    assert_eq!(
        changes
            .iter()
            .map(|c| c.attribute("when").unwrap())
            .collect::<Vec<_>>(),
        ["2024-07-01", "2024-06-10"],
        "newest first"
    );
    // Markdown structure: headings open divs, list items are items, the
    // quotation is a quote, the code block an ab.
    let body = find("body").next().unwrap();
    let tags: HashSet<&str> = body
        .descendants()
        .filter(|n| n.is_element())
        .map(|n| n.tag_name().name())
        .collect();
    for tag in [
        "div", "head", "list", "item", "quote", "ab", "p", "metamark", "lb", "anchor",
    ] {
        assert!(
            tags.contains(tag),
            "no {tag} in the Markdown edition's body"
        );
    }
    let heads: Vec<String> = find("head")
        .map(|h| text_of(h).trim().to_string())
        .collect();
    // (The first heading's text holds both readings of its change.)
    assert_eq!(
        heads,
        ["# The council meeting mentioneddiscussed", "## Items"]
    );

    // Without editors, the site's publisher is responsible.
    let ed = edition("bundled", "han-dong-two-michaels");
    let xml = ed.read("tei.xml");
    let doc = parse_tei(&xml);
    let resp = doc
        .descendants()
        .find(|n| n.has_tag_name((TEI_NS, "respStmt")))
        .unwrap();
    assert_eq!(resp.attribute((XML_NS, "id")), Some("editors"));
    assert!(text_of(resp).contains("The emend project"));
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name((TEI_NS, "revisionDesc")))
    );
}

#[test]
fn tei_validates_against_tei_all() {
    let Some((jing, rng)) = tei::validator_or_skip() else {
        return;
    };
    let files: Vec<PathBuf> = editions().iter().map(|e| e.dir().join("tei.xml")).collect();
    if let Err(report) = tei::validate(&jing, &rng, &files) {
        panic!("tei.xml does not validate against tei_all:\n{report}");
    }
    // And jing does reject what is not TEI (so a pass means something).
    let bad = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(&files[0])
        .unwrap()
        .replacen("<sic>", "<sick>", 1)
        .replacen("</sic>", "</sick>", 1);
    std::fs::write(bad.path().join("bad.xml"), xml).unwrap();
    assert!(
        tei::validate(&jing, &rng, &[bad.path().join("bad.xml")]).is_err(),
        "jing accepted an invalid document"
    );
    say(&format!(
        "tei.xml of {} editions valid against tei_all",
        files.len()
    ));
}

// -------------------------------------------------------------- citations

#[test]
fn bibtex_parses_with_a_bibtex_parser() {
    use biblatex::ChunksExt;
    for ed in editions() {
        let name = ed.name();
        let bib = ed.read("cite.bib");
        let parsed =
            biblatex::Bibliography::parse(&bib).unwrap_or_else(|e| panic!("{name}: {e:?}\n{bib}"));
        assert_eq!(parsed.len(), 1, "{name}");
        let entry = parsed
            .get(&ed.slug)
            .unwrap_or_else(|| panic!("{name}: key"));
        assert_eq!(entry.entry_type, biblatex::EntryType::Misc);
        let report = entry.verify();
        assert!(
            report.missing.is_empty() && report.malformed.is_empty(),
            "{name}: {:?} {:?}",
            report.missing,
            report.malformed
        );
        let field = |k: &str| {
            entry
                .get(k)
                .map(|c| c.format_verbatim())
                .unwrap_or_default()
        };
        assert_eq!(field("title"), ed.json["title"].as_str().unwrap(), "{name}");
        assert_eq!(
            entry.url().unwrap(),
            ed.json["url"].as_str().unwrap(),
            "{name}"
        );
        assert!(
            field("note").starts_with("The text is a restoration of a garbled copy"),
            "{name}"
        );
        assert!(!entry.editors().unwrap().is_empty(), "{name}: editors");
        if let Some(doi) = ed.json["doi"].as_str() {
            assert_eq!(entry.doi().unwrap(), doi);
        }
        if let Some(author) = ed.json["author"].as_str() {
            let people = entry.author().unwrap();
            assert!(!people.is_empty(), "{name}");
            assert!(
                author.contains(&people[0].name),
                "{name}: {author} / {:?}",
                people[0]
            );
        }
        match cited_date(&ed.json) {
            Some(d) => {
                assert_eq!(field("date"), d, "{name}");
                assert!(
                    matches!(entry.date().unwrap(), biblatex::PermissiveType::Typed(_)),
                    "{name}"
                );
                assert_eq!(field("year"), d[..4], "{name}");
            }
            None => assert!(
                entry.get("date").is_none() && entry.get("year").is_none(),
                "{name}"
            ),
        }
    }
    // Special characters survive as the text they are, not as markup.
    let ed = edition("tei", "md-story");
    let bib = biblatex::Bibliography::parse(&ed.read("cite.bib")).unwrap();
    let entry = bib.get("md-story").unwrap();
    assert_eq!(
        entry.get("howpublished").unwrap().format_verbatim(),
        "Fixture Editions & <Friends>"
    );
    let editors = entry.editors().unwrap();
    let names: Vec<(String, String)> = editors[0]
        .0
        .iter()
        .map(|p| (p.given_name.clone(), p.name.clone()))
        .collect();
    assert_eq!(
        names,
        [
            ("Ada".into(), "Lovelace".into()),
            ("Charles".into(), "Babbage".into())
        ]
    );
    // A corporate byline is one name, not a first and a last name.
    let ed = edition("tei", "txt-story");
    let bib = biblatex::Bibliography::parse(&ed.read("cite.bib")).unwrap();
    let authors = bib.get("txt-story").unwrap().author().unwrap();
    assert_eq!(authors.len(), 2);
    assert_eq!(authors[1].name, "The Harbour Desk, Inc.");
    assert_eq!(authors[1].given_name, "");
}

#[test]
fn csl_json_validates_against_the_csl_data_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/schemas/csl-data.json")).unwrap(),
    )
    .unwrap();
    for ed in editions() {
        let name = ed.name();
        let csl: Value = serde_json::from_str(&ed.read("cite.json")).unwrap();
        let errors = json_schema::validate(&schema, &csl);
        assert!(
            errors.is_empty(),
            "{name}: cite.json breaks the CSL schema:\n{}",
            errors.join("\n")
        );
        let item = &csl[0];
        assert_eq!(item["type"], "webpage");
        assert_eq!(item["id"], ed.slug.as_str());
        assert_eq!(item["title"], ed.json["title"]);
        assert_eq!(item["URL"], ed.json["url"]);
        assert!(
            item["note"]
                .as_str()
                .unwrap()
                .starts_with("The text is a restoration")
        );
        assert!(!item["editor"].as_array().unwrap().is_empty());
        if let Some(doi) = ed.json["doi"].as_str() {
            assert_eq!(item["DOI"], doi);
        }
        if let Some(published) = ed.json["published"].as_str() {
            let parts: Vec<u64> = published.split('-').map(|p| p.parse().unwrap()).collect();
            assert_eq!(
                item["original-date"]["date-parts"][0],
                serde_json::json!(parts),
                "{name}"
            );
        }
    }
    let ed = edition("tei", "md-story");
    let csl: Value = serde_json::from_str(&ed.read("cite.json")).unwrap();
    assert_eq!(
        csl[0]["editor"],
        serde_json::json!([{"family": "Lovelace", "given": "Ada"}, {"family": "Babbage", "given": "Charles"}])
    );
    assert_eq!(
        csl[0]["issued"]["date-parts"][0],
        serde_json::json!([2024, 7, 1])
    );
    assert_eq!(csl[0]["container-title"], "Fixture Editions & <Friends>");
}

#[test]
fn ris_has_the_required_tags() {
    for ed in editions() {
        let name = ed.name();
        let ris = ed.read("cite.ris");
        assert!(
            ris.ends_with("ER  - \r\n"),
            "{name}: RIS ends with ER and CR LF"
        );
        let lines: Vec<&str> = ris.strip_suffix("\r\n").unwrap().split("\r\n").collect();
        let mut tags: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for line in &lines {
            assert!(
                line.len() >= 6 && &line[2..6] == "  - ",
                "{name}: not a RIS line: {line:?}"
            );
            let tag = &line[..2];
            assert!(
                tag.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
                "{name}: {tag}"
            );
            tags.entry(tag).or_default().push(&line[6..]);
        }
        assert!(lines[0].starts_with("TY  - "), "{name}: TY comes first");
        assert_eq!(tags["TY"], ["ELEC"]);
        assert_eq!(tags["ER"], [""]);
        assert_eq!(tags["TI"], [ed.json["title"].as_str().unwrap()]);
        assert_eq!(tags["UR"], [ed.json["url"].as_str().unwrap()]);
        for required in ["ED", "PB", "N1", "LA", "T2"] {
            assert!(tags.contains_key(required), "{name}: no {required}");
        }
        match cited_date(&ed.json) {
            Some(d) => {
                assert_eq!(tags["PY"], [&d[..4]], "{name}");
                assert_eq!(tags["DA"], [d.replace('-', "/")], "{name}");
            }
            None => assert!(
                !tags.contains_key("PY") && !tags.contains_key("DA"),
                "{name}"
            ),
        }
        assert!(tags["N1"][0].starts_with("The text is a restoration"));
        if ed.json["author"].is_string() {
            assert!(tags.contains_key("AU"), "{name}: no AU");
        }
        if let Some(doi) = ed.json["doi"].as_str() {
            assert_eq!(tags["DO"], [doi]);
        }
    }
}

// ------------------------------------------------------------ the pages

/// The `citation_*` tags of a page, in order.
fn citation_tags(page: &scraper::Html) -> Vec<(String, String)> {
    all(page, "meta[name^=citation_]")
        .into_iter()
        .map(|m| {
            (
                m.value().attr("name").unwrap().to_string(),
                m.value().attr("content").unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn edition_pages_carry_citation_meta_tags() {
    let ed = edition("tei", "md-story");
    let expected: Vec<(String, String)> = [
        (
            "citation_title",
            "The council meeting: a \"budget\" & its critics",
        ),
        ("citation_author", "Jane Q. Public"),
        ("citation_editor", "Ada Lovelace"),
        ("citation_editor", "Charles Babbage"),
        ("citation_publication_date", "2024/07/01"),
        ("citation_publisher", "The Fixture Society"),
        ("citation_public_url", "https://example.org/sub/md-story/"),
        (
            "citation_fulltext_html_url",
            "https://example.org/sub/md-story/",
        ),
        (
            "citation_xml_url",
            "https://example.org/sub/md-story/tei.xml",
        ),
        ("citation_doi", "10.5555/emend.fixture.1"),
        ("citation_language", "en"),
        ("citation_keywords", "council"),
        ("citation_keywords", "budget"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for page in ["index.html", "corrected/index.html"] {
        let doc = html(&ed.dir().join(page));
        assert_eq!(citation_tags(&doc), expected, "{page}");
    }
    // Every edition's tags say what its edition.json says.
    for ed in editions() {
        let name = ed.name();
        let doc = html(&ed.dir().join("index.html"));
        let tags = citation_tags(&doc);
        let get = |k: &str| {
            tags.iter()
                .filter(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            get("citation_title"),
            [ed.json["title"].as_str().unwrap()],
            "{name}"
        );
        assert_eq!(
            get("citation_public_url"),
            [ed.json["url"].as_str().unwrap()],
            "{name}"
        );
        assert_eq!(
            get("citation_xml_url"),
            [ed.json["tei_url"].as_str().unwrap()],
            "{name}"
        );
        assert_eq!(
            get("citation_language"),
            [ed.json["language"].as_str().unwrap()],
            "{name}"
        );
        let date = cited_date(&ed.json).map(|d| d.replace('-', "/"));
        assert_eq!(
            get("citation_publication_date"),
            date.iter().map(String::as_str).collect::<Vec<_>>(),
            "{name}"
        );
        assert_eq!(get("citation_publisher").len(), 1, "{name}");
        assert!(!get("citation_editor").is_empty(), "{name}");
        match ed.json["author"].as_str() {
            Some(a) => assert_eq!(get("citation_author").join(" and "), a, "{name}"),
            None => assert!(get("citation_author").is_empty(), "{name}"),
        }
        assert_eq!(
            get("citation_doi"),
            ed.json["doi"].as_str().into_iter().collect::<Vec<_>>(),
            "{name}"
        );
    }
}

#[test]
fn edition_pages_link_every_export() {
    for ed in editions() {
        let name = ed.name();
        for page in ["index.html", "corrected/index.html"] {
            let path = ed.dir().join(page);
            let doc = html(&path);
            let resolve = |href: &str| path.parent().unwrap().join(href);
            let alternates: BTreeMap<String, PathBuf> = all(&doc, "link[rel=alternate]")
                .into_iter()
                .map(|l| {
                    (
                        l.value().attr("type").unwrap().to_string(),
                        resolve(l.value().attr("href").unwrap()),
                    )
                })
                .collect();
            for (media_type, file) in [
                ("application/json", "edition.json"),
                ("application/ld+json", "annotations.jsonld"),
                ("application/tei+xml", "tei.xml"),
                ("application/x-bibtex", "cite.bib"),
                ("application/x-research-info-systems", "cite.ris"),
                ("application/vnd.citationstyles.csl+json", "cite.json"),
            ] {
                let target = alternates
                    .get(media_type)
                    .unwrap_or_else(|| panic!("{name} {page}: no alternate {media_type}"));
                assert_eq!(
                    std::fs::canonicalize(target).unwrap(),
                    std::fs::canonicalize(ed.dir().join(file)).unwrap(),
                    "{name} {page}"
                );
            }
            // The box: the readable citation, the caveat, the downloads;
            // the copy buttons hidden until the script shows them.
            let cite = one(&doc, "section.cite");
            let text = one(&doc, "#cite-text").text().collect::<String>();
            assert!(
                text.contains(ed.json["title"].as_str().unwrap()),
                "{name}: {text}"
            );
            assert!(
                text.contains(ed.json["url"].as_str().unwrap()),
                "{name}: {text}"
            );
            assert!(
                cite.text()
                    .collect::<String>()
                    .contains("The text is a restoration of a garbled copy")
            );
            for b in all(&doc, "section.cite button[data-copy]") {
                assert!(
                    b.value().attr("hidden").is_some(),
                    "{name}: a copy button is visible without JavaScript"
                );
                assert!(
                    doc.select(&sel(&format!("#{}", b.value().attr("data-copy").unwrap())))
                        .next()
                        .is_some()
                );
            }
            let downloads: Vec<PathBuf> = all(&doc, "section.cite .cite-downloads a")
                .into_iter()
                .map(|a| resolve(a.value().attr("href").unwrap()))
                .collect();
            assert_eq!(downloads.len(), 4, "{name}");
            for d in downloads {
                assert!(d.is_file(), "{name}: {} missing", d.display());
            }
            let bibtex = one(&doc, "#cite-bibtex").text().collect::<String>();
            assert_eq!(
                bibtex,
                ed.read("cite.bib"),
                "{name}: the BibTeX shown is the download"
            );
        }
    }
}

#[test]
fn editions_json_lists_every_export() {
    for site in sites() {
        let index: Value =
            serde_json::from_slice(&std::fs::read(site.out.join("editions.json")).unwrap())
                .unwrap();
        let base = index["site"]["url"].as_str().unwrap();
        assert!(index["site"]["editors"].is_array());
        for e in index["editions"].as_array().unwrap() {
            for (key, file) in [
                ("edition", "edition.json"),
                ("annotations", "annotations.jsonld"),
                ("tei", "tei.xml"),
                ("bibtex", "cite.bib"),
                ("ris", "cite.ris"),
                ("csl_json", "cite.json"),
            ] {
                let url = e[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("{}: no {key}", site.name));
                let rel = url.strip_prefix(base).unwrap();
                assert_eq!(rel, format!("{}/{file}", e["slug"].as_str().unwrap()));
                assert!(site.out.join(rel).is_file(), "{}: {rel}", site.name);
            }
        }
    }
    let tei = sites().iter().find(|s| s.name == "tei").unwrap();
    let index: Value =
        serde_json::from_slice(&std::fs::read(tei.out.join("editions.json")).unwrap()).unwrap();
    assert_eq!(
        index["site"]["editors"],
        serde_json::json!([{"name": "Ada Lovelace", "orcid": "0000-0002-1825-0097"}, {"name": "Charles Babbage"}])
    );
    // The annotations are the editors', by ORCID iD where they have one.
    let notes: Value = serde_json::from_slice(
        &std::fs::read(tei.out.join("md-story/annotations.jsonld")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        notes["first"]["items"][0]["creator"],
        serde_json::json!([
            {"id": "https://orcid.org/0000-0002-1825-0097", "type": "Person", "name": "Ada Lovelace"},
            {"type": "Person", "name": "Charles Babbage"}
        ])
    );
}

#[test]
fn check_links_covers_the_exports() {
    let out = emend(&repo().join("tests/fixtures/tei"))
        .args(["check", "--links", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"], 0, "{json:#}");
    assert!(out.status.success());
}

// ------------------------------------------------------------ edition.json

#[test]
fn edition_json_validates_against_its_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("docs/schemas/edition.schema.json")).unwrap(),
    )
    .unwrap();
    let mut seen: HashSet<String> = HashSet::new();
    for ed in editions() {
        let errors = json_schema::validate(&schema, &ed.json);
        assert!(
            errors.is_empty(),
            "{}: edition.json breaks its schema:\n{}",
            ed.name(),
            errors.join("\n")
        );
        if let Value::Object(o) = &ed.json {
            seen.extend(o.keys().cloned());
        }
    }
    // The fixtures exercise every optional field but `draft`, `status`,
    // `summary` and `title_note` of some edition (so the schema is tested on them).
    let props = schema["properties"].as_object().unwrap();
    let unseen: Vec<&String> = props
        .keys()
        .filter(|k| !seen.contains(*k) && *k != "draft")
        .collect();
    assert!(unseen.is_empty(), "no fixture has {unseen:?}");
}

#[test]
fn the_json_schema_checker_rejects_what_it_should() {
    use serde_json::json;
    let schema = json!({
        "type": "object",
        "required": ["a"],
        "additionalProperties": false,
        "properties": {
            "a": {"type": "integer", "minimum": 1},
            "b": {"enum": ["x", "y"]},
            "c": {"type": "array", "items": {"$ref": "#/definitions/d"}, "maxItems": 2},
            "e": {"anyOf": [{"type": "string", "pattern": "^[0-9]{4}$"}, {"type": "null"}]}
        },
        "definitions": {"d": {"type": "string", "minLength": 2}}
    });
    assert!(
        json_schema::validate(
            &schema,
            &json!({"a": 1, "b": "x", "c": ["ab"], "e": "2024"})
        )
        .is_empty()
    );
    for bad in [
        json!({}),
        json!({"a": 0}),
        json!({"a": 1.5}),
        json!({"a": 1, "z": 1}),
        json!({"a": 1, "b": "q"}),
        json!({"a": 1, "c": ["a"]}),
        json!({"a": 1, "c": ["ab", "ab", "ab"]}),
        json!({"a": 1, "e": "24"}),
        json!({"a": 1, "e": 2024}),
        json!([]),
    ] {
        assert!(
            !json_schema::validate(&schema, &bad).is_empty(),
            "accepted {bad}"
        );
    }
    let csl: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/schemas/csl-data.json")).unwrap(),
    )
    .unwrap();
    for bad in [
        json!([{"id": "x"}]),
        json!([{"id": "x", "type": "web-page"}]),
        json!([{"id": "x", "type": "webpage", "editor": [{"name": "A"}]}]),
        json!([{"id": "x", "type": "webpage", "issued": {"date-parts": [[2024, 1, 2, 3]]}}]),
        json!([{"id": "x", "type": "webpage", "DOI": 10}]),
        json!([{"id": "x", "type": "webpage", "url": "https://e.org/"}]),
    ] {
        assert!(
            !json_schema::validate(&csl, &bad).is_empty(),
            "CSL schema accepted {bad}"
        );
    }
}

// ------------------------------------------------------------ exports turned off

/// `exports: { tei: false, citations: false }`: no tei.xml and no citation
/// files are written, nothing links to them (pages, `<link>`s, Highwire tags,
/// edition.json, editions.json), the citation itself stays on the page, and
/// edition.json still validates against its schema.
#[test]
fn tei_and_citation_files_a_site_turns_off_are_neither_written_nor_linked() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("docs/schemas/edition.schema.json")).unwrap(),
    )
    .unwrap();
    let cases: [(&str, &[&str], &[&str]); 3] = [
        (
            "  tei: false\n",
            &["tei.xml"],
            &["cite.bib", "cite.ris", "cite.json"],
        ),
        (
            "  citations: false\n",
            &["cite.bib", "cite.ris", "cite.json"],
            &["tei.xml"],
        ),
        (
            "  tei: false\n  citations: false\n",
            &["tei.xml", "cite.bib", "cite.ris", "cite.json"],
            &[],
        ),
    ];
    for (setting, off, on) in cases {
        let site = fixture("tei");
        let yaml = site.path().join("site.yaml");
        let mut settings = std::fs::read_to_string(&yaml).unwrap();
        settings.push_str(&format!("exports:\n{setting}"));
        std::fs::write(&yaml, settings).unwrap();
        emend(site.path()).args(["build"]).assert().success();
        let public = site.path().join("public");
        let index: Value =
            serde_json::from_slice(&std::fs::read(public.join("editions.json")).unwrap()).unwrap();
        let listed = index["editions"].as_array().unwrap();
        assert!(!listed.is_empty());
        for entry in listed {
            let slug = entry["slug"].as_str().unwrap();
            let dir = public.join(slug);
            for file in off {
                assert!(!dir.join(file).exists(), "{setting}: {slug}/{file} written");
            }
            for file in on {
                assert!(dir.join(file).exists(), "{setting}: {slug}/{file} missing");
            }
            for page in ["index.html", "corrected/index.html"] {
                let doc = html(&dir.join(page));
                let hrefs: Vec<&str> = all(&doc, "a[href], link[href]")
                    .iter()
                    .filter_map(|a| a.value().attr("href"))
                    .collect();
                for file in off {
                    assert!(
                        !hrefs.iter().any(|h| h.ends_with(file)),
                        "{setting}: {slug}/{page} links {file}: {hrefs:?}"
                    );
                }
                for file in on {
                    assert!(
                        hrefs.iter().any(|h| h.ends_with(file)),
                        "{setting}: {slug}/{page} does not link {file}: {hrefs:?}"
                    );
                }
                let tags = citation_tags(&doc);
                let xml_tag = tags.iter().any(|(name, _)| name == "citation_xml_url");
                assert_eq!(
                    xml_tag,
                    !off.contains(&"tei.xml"),
                    "{setting}: {slug}/{page}"
                );
                // The citation and its BibTeX entry stay readable on the page.
                assert!(
                    !one(&doc, "#cite-text")
                        .text()
                        .collect::<String>()
                        .trim()
                        .is_empty()
                );
                assert!(
                    one(&doc, "#cite-bibtex")
                        .text()
                        .collect::<String>()
                        .starts_with('@')
                );
            }
            let ed: Value =
                serde_json::from_slice(&std::fs::read(dir.join("edition.json")).unwrap()).unwrap();
            let errors = json_schema::validate(&schema, &ed);
            assert!(
                errors.is_empty(),
                "{setting}: {slug}: {}",
                errors.join("\n")
            );
            let fields = [
                ("tei.xml", "tei_url", "tei"),
                ("cite.bib", "bibtex_url", "bibtex"),
                ("cite.ris", "ris_url", "ris"),
                ("cite.json", "csl_json_url", "csl_json"),
            ];
            for (file, in_edition, in_index) in fields {
                let published = !off.contains(&file);
                assert_eq!(
                    ed.get(in_edition).is_some(),
                    published,
                    "{setting}: {in_edition}"
                );
                assert_eq!(
                    entry.get(in_index).is_some(),
                    published,
                    "{setting}: {in_index}"
                );
            }
        }
        let links = emend(site.path())
            .args(["check", "--links", "--format", "json"])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&links.stdout).unwrap();
        assert_eq!(report["errors"], 0, "{setting}: {report:#}");
    }
}
