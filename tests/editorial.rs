//! The editorial features of docs/editorial.md: the source policy (warnings
//! and notes at the cited source, with the rule's reason), revisions in the
//! Atom feed and the schema.org metadata, and the site's own pages (rendered,
//! linked from every footer, in the sitemap, checked).

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

fn write(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const POLICY_SITE: &str = "title: Policy\nbase_url: \"https://example.org/\"\nsource_policy:\n  avoid:\n    - domain: content-farm.example\n      reason: \"Republishes other outlets' articles: cite the original publisher.\"\n  flag:\n    - domain: wikipedia.org\n      reason: \"Background only.\"\n    - domain: news.content-farm.example\n      reason: \"Its newsroom desk, checked case by case.\"\n";

/// A site whose one article cites, in order: an avoided domain (a subdomain
/// of it), a flagged one, an archive's copy of an avoided page, a subdomain
/// a more specific `flag` rule covers, and a look-alike domain no rule covers.
fn policy_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    write(
        site.path(),
        &[
            ("site.yaml", POLICY_SITE),
            ("content/story/original.txt", "Han Dong said it.\n"),
            (
                "content/story/meta.yaml",
                "title: Story\nstatus:\n  as_of: 2026-12-07\n  text: Settled.\n  sources:\n    - title: \"Settled\"\n      url: \"https://Content-Farm.example:443/settled\"\n",
            ),
            (
                "content/story/annotations.yaml",
                "- quote: Han Dong\n  note: An MP.\n  sources:\n    - title: \"Han Dong welcomes probe\"\n      url: \"https://www.content-farm.example/han-dong\"\n    - title: \"Han Dong\"\n      url: \"https://en.wikipedia.org/wiki/Han_Dong\"\n    - title: \"Archived\"\n      url: \"https://web.archive.org/web/2024/https://content-farm.example/a\"\n    - title: \"Desk\"\n      url: \"https://news.content-farm.example/b\"\n    - title: \"Look-alike\"\n      url: \"https://notcontent-farm.example/c\"\n",
            ),
        ],
    );
    site
}

const POLICY_OUTPUT: &str = r#"warning[avoided-source]: source "Han Dong welcomes probe" is on www.content-farm.example, which the site's source policy says to avoid
  ┌─ content/story/annotations.yaml:5:12
  │
5 │       url: "https://www.content-farm.example/han-dong"
  │            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ avoid: content-farm.example
  │
  ┌─ site.yaml:5:15
  │
5 │     - domain: content-farm.example
  │               -------------------- `avoid` rule
  │
  = note: reason: Republishes other outlets' articles: cite the original publisher.
  = help: cite a primary document or a reputable report of the same fact instead


note[flagged-source]: source "Han Dong" is on en.wikipedia.org, which the site's source policy flags
  ┌─ content/story/annotations.yaml:7:12
  │
7 │       url: "https://en.wikipedia.org/wiki/Han_Dong"
  │            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ flagged: wikipedia.org
  │
  ┌─ site.yaml:8:15
  │
8 │     - domain: wikipedia.org
  │               ------------- `flag` rule
  │
  = note: reason: Background only.
  = help: make sure it supports the sentence it is cited for; for a contested claim, cite a primary document or a reputable report as well


warning[avoided-source]: source "Archived" is an archived copy of a page on content-farm.example, which the site's source policy says to avoid
  ┌─ content/story/annotations.yaml:9:12
  │
9 │       url: "https://web.archive.org/web/2024/https://content-farm.example/a"
  │            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ avoid: content-farm.example
  │
  ┌─ site.yaml:5:15
  │
5 │     - domain: content-farm.example
  │               -------------------- `avoid` rule
  │
  = note: reason: Republishes other outlets' articles: cite the original publisher.
  = help: cite a primary document or a reputable report of the same fact instead


note[flagged-source]: source "Desk" is on news.content-farm.example, which the site's source policy flags
   ┌─ content/story/annotations.yaml:11:12
   │
11 │       url: "https://news.content-farm.example/b"
   │            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ flagged: news.content-farm.example
   │
   ┌─ site.yaml:10:15
   │
10 │     - domain: news.content-farm.example
   │               ------------------------- `flag` rule
   │
   = note: reason: Its newsroom desk, checked case by case.
   = help: make sure it supports the sentence it is cited for; for a contested claim, cite a primary document or a reputable report as well


warning[avoided-source]: source "Settled" is on content-farm.example, which the site's source policy says to avoid
  ┌─ content/story/meta.yaml:7:12
  │
7 │       url: "https://Content-Farm.example:443/settled"
  │            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ avoid: content-farm.example
  │
  ┌─ site.yaml:5:15
  │
5 │     - domain: content-farm.example
  │               -------------------- `avoid` rule
  │
  = note: reason: Republishes other outlets' articles: cite the original publisher.
  = help: cite a primary document or a reputable report of the same fact instead

warning: 3 warnings, 2 notes
"#;

#[test]
fn the_source_policy_warns_and_notes_at_each_cited_url() {
    let site = policy_site();
    let out = emend(site.path()).arg("check").output().unwrap();
    // Warnings and notes never fail a run.
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!("{POLICY_OUTPUT}Checked 1 article: no errors\n")
    );

    // The same, for tools: severities, codes and positions, notes counted apart.
    let out = emend(site.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (&json["errors"], &json["warnings"], &json["notes"]),
        (&0.into(), &3.into(), &2.into())
    );
    let found: Vec<(String, String, String, u64, u64, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["related"][0]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let row = |sev: &str, code: &str, file: &str, line, col, rule| {
        (
            sev.to_string(),
            code.to_string(),
            file.to_string(),
            line,
            col,
            rule,
        )
    };
    assert_eq!(
        found,
        [
            row(
                "warning",
                "avoided-source",
                "content/story/annotations.yaml",
                5,
                12,
                5
            ),
            row(
                "note",
                "flagged-source",
                "content/story/annotations.yaml",
                7,
                12,
                8
            ),
            row(
                "warning",
                "avoided-source",
                "content/story/annotations.yaml",
                9,
                12,
                5
            ),
            row(
                "note",
                "flagged-source",
                "content/story/annotations.yaml",
                11,
                12,
                10
            ),
            row(
                "warning",
                "avoided-source",
                "content/story/meta.yaml",
                7,
                12,
                5
            ),
        ]
    );
    assert_eq!(
        json["diagnostics"][0]["notes"][0],
        "reason: Republishes other outlets' articles: cite the original publisher."
    );

    // `build` reports them too, and builds.
    let out = emend(site.path()).arg("build").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).starts_with(POLICY_OUTPUT), "{}", stderr(&out));
    // With `-q`, only errors: nothing.
    let out = emend(site.path()).args(["-q", "check"]).output().unwrap();
    assert_eq!(stderr(&out), "");
}

#[test]
fn a_site_without_a_policy_reports_no_source() {
    let site = policy_site();
    write(
        site.path(),
        &[(
            "site.yaml",
            "title: P\nbase_url: \"https://example.org/\"\n",
        )],
    );
    let out = emend(site.path()).arg("check").output().unwrap();
    assert_eq!(stderr(&out), "Checked 1 article: no errors\n");
}

#[test]
fn policy_mistakes_are_located_in_site_yaml() {
    let site = policy_site();
    write(
        site.path(),
        &[(
            "site.yaml",
            "title: P\nbase_url: \"https://example.org/\"\nsource_policy:\n  avoid:\n    - domain: \"https://www.example.com/news\"\n      reason: \"x\"\n    - domain: \"*.example.net\"\n      reason: \"\"\n  flagg:\n    - domain: wikipedia.org\n      reasn: y\n",
        )],
    );
    let out = emend(site.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, u64, u64, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["help"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    // Every mistake at once: an unknown key does not stop the rest being read.
    let row = |c: &str, l, col, h: &str| (c.to_string(), l, col, h.to_string());
    assert_eq!(
        found,
        [
            row(
                "bad-domain",
                5,
                15,
                "write the domain alone: `domain: www.example.com`"
            ),
            row(
                "bad-domain",
                7,
                15,
                "write `domain: example.net`: a rule already covers every subdomain"
            ),
            row(
                "empty-note",
                8,
                15,
                "say why, in one sentence: editors see it next to every source the rule catches"
            ),
            row("unknown-key", 9, 3, "did you mean `flag`?"),
        ]
    );

    write(
        site.path(),
        &[(
            "site.yaml",
            "title: P\nbase_url: \"https://example.org/\"\nsource_policy:\n  avoid:\n    - domain: \"https://www.example.com/news\"\n      reason: \"x\"\n    - domain: \"*.example.net\"\n      reason: \"\"\n  flag:\n    - domain: Wikipedia.org\n      reason: y\n    - reason: z\n",
        )],
    );
    let out = emend(site.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<(&str, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(codes, [("missing-key", 12)]);

    // A domain's letter case does not matter; a contact must be an address.
    write(
        site.path(),
        &[(
            "site.yaml",
            "title: P\nbase_url: \"https://example.org/\"\nsource_policy:\n  avoid:\n    - domain: \"https://www.example.com/news\"\n      reason: \"x\"\n    - domain: \"*.example.net\"\n      reason: \"\"\n  flag:\n    - domain: Wikipedia.org\n      reason: y\ncontact: \"write to us\"\n",
        )],
    );
    let out = emend(site.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, u64, u64, String)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["help"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            row(
                "bad-domain",
                5,
                15,
                "write the domain alone: `domain: www.example.com`"
            ),
            row(
                "bad-domain",
                7,
                15,
                "write `domain: example.net`: a rule already covers every subdomain"
            ),
            row(
                "empty-note",
                8,
                15,
                "say why, in one sentence: editors see it next to every source the rule catches"
            ),
            row(
                "bad-contact",
                12,
                10,
                "give an address readers can write to, e.g. `corrections@example.org`, or a page such as `https://example.org/contact`"
            ),
        ]
    );
}

/// Parsed XML: element name, attributes, text and children (enough for Atom).
#[derive(Debug, Default)]
struct Xml {
    name: String,
    attrs: std::collections::BTreeMap<String, String>,
    text: String,
    children: Vec<Xml>,
}

impl Xml {
    fn parse(text: &str) -> Xml {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(text);
        let mut stack = vec![Xml::default()];
        let decoder = reader.decoder();
        let open = |e: &quick_xml::events::BytesStart<'_>| {
            let mut el = Xml {
                name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                ..Default::default()
            };
            for a in e.attributes() {
                let a = a.unwrap();
                el.attrs.insert(
                    String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                    a.decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, decoder)
                        .unwrap()
                        .into_owned(),
                );
            }
            el
        };
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) => stack.push(open(&e)),
                Event::Empty(e) => {
                    let el = open(&e);
                    stack.last_mut().unwrap().children.push(el);
                }
                Event::End(_) => {
                    let el = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(el);
                }
                Event::Text(t) => stack
                    .last_mut()
                    .unwrap()
                    .text
                    .push_str(&t.decode().unwrap()),
                Event::GeneralRef(r) => {
                    let name = r.decode().unwrap();
                    let s = quick_xml::escape::resolve_predefined_entity(&name).unwrap();
                    stack.last_mut().unwrap().text.push_str(s);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let mut root = stack.pop().unwrap();
        root.children.pop().unwrap()
    }

    fn all(&self, name: &str) -> Vec<&Xml> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    fn one(&self, name: &str) -> &Xml {
        let found = self.all(name);
        assert_eq!(found.len(), 1, "expected one <{name}> in <{}>", self.name);
        found[0]
    }
}

/// The basic fixture, with two revisions of `alpha` (written newest first)
/// and one of `beta` on the same day as alpha's latest.
fn revised_site() -> tempfile::TempDir {
    let site = fixture("basic");
    let alpha = site.path().join("content/alpha/meta.yaml");
    let mut meta = std::fs::read_to_string(&alpha).unwrap();
    meta.push_str("revisions:\n  - date: 2026-12-07\n    note: \"Note 1 brought up to date with the *2024* ruling; 'perceived' restored as received.\"\n  - date: 2026-11-27\n    note: \"First edition.\"\n");
    std::fs::write(&alpha, meta).unwrap();
    let beta = site.path().join("content/beta/meta.yaml");
    let mut meta = std::fs::read_to_string(&beta).unwrap();
    meta.push_str(
        "revisions:\n  - date: 2026-12-07\n    note: \"A note <b>corrected</b> & sourced.\"\n",
    );
    std::fs::write(&beta, meta).unwrap();
    site
}

#[test]
fn revisions_are_announced_in_the_feed() {
    let site = revised_site();
    build(site.path());
    let public = site.path().join("public");
    let feed = Xml::parse(&std::fs::read_to_string(public.join("atom.xml")).unwrap());
    assert_eq!(feed.name, "feed");
    assert_eq!(feed.one("updated").text, "2026-12-07T00:00:00+00:00");
    let entries: Vec<(String, String, String)> = feed
        .all("entry")
        .iter()
        .map(|e| {
            (
                e.one("id").text.clone(),
                e.one("title").text.clone(),
                e.one("updated").text.clone(),
            )
        })
        .collect();
    let e = |id: &str, title: &str, day: &str| {
        (
            id.to_string(),
            title.to_string(),
            format!("{day}T00:00:00+00:00"),
        )
    };
    // Newest first: the revisions of 7 December (alpha's, then beta's, in
    // index order), alpha's first edition, then the editions by date.
    assert_eq!(
        entries,
        [
            e(
                "tag:example.org,2026-12-07:/sub/alpha/revisions/1",
                "Revised: Alpha: a plain-text edition",
                "2026-12-07"
            ),
            e(
                "tag:example.org,2026-12-07:/sub/beta/revisions/1",
                "Revised: Beta: a Markdown edition",
                "2026-12-07"
            ),
            e(
                "tag:example.org,2026-11-27:/sub/alpha/revisions/1",
                "Revised: Alpha: a plain-text edition",
                "2026-11-27"
            ),
            e(
                "https://example.org/sub/alpha/",
                "Alpha: a plain-text edition",
                "2026-12-07"
            ),
            e(
                "https://example.org/sub/beta/",
                "Beta: a Markdown edition",
                "2026-12-07"
            ),
        ]
    );
    let all = feed.all("entry");
    // A revision's entry: dated, its note as plain text, linking to the edition.
    let rev = all[0];
    assert_eq!(rev.one("published").text, "2026-12-07T00:00:00+00:00");
    assert_eq!(
        rev.one("summary").text,
        "Note 1 brought up to date with the 2024 ruling; 'perceived' restored as received."
    );
    let link = rev.one("link");
    assert_eq!(
        (link.attrs["rel"].as_str(), link.attrs["href"].as_str()),
        ("alternate", "https://example.org/sub/alpha/")
    );
    // Notes are Markdown: the feed has their text, without markup.
    assert_eq!(all[1].one("summary").text, "A note corrected & sourced.");
    // The edition's entry keeps its id and lists the revisions, newest first,
    // escaped, in its HTML content.
    let alpha = all[3];
    assert_eq!(alpha.one("published").text, "2023-03-22T00:00:00+00:00");
    let content = alpha.one("content");
    assert_eq!(content.attrs["type"], "html");
    assert_eq!(
        content.text,
        "<p>Restores a spun plain-text report.</p>\n<p>(7 corrections, 3 notes.)</p>\n<p>Revisions of this edition</p>\n<ul>\n<li><time datetime=\"2026-12-07\">7 December 2026</time>: Note 1 brought up to date with the 2024 ruling; &#39;perceived&#39; restored as received.</li>\n<li><time datetime=\"2026-11-27\">27 November 2026</time>: First edition.</li>\n</ul>"
    );
    assert!(
        all[4]
            .one("content")
            .text
            .contains("7 December 2026</time>: A note corrected &amp; sourced.</li>")
    );
    // The sitemap dates the edition by its latest revision.
    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains(
            "<loc>https://example.org/sub/alpha/</loc>\n    <lastmod>2026-12-07</lastmod>"
        ),
        "{sitemap}"
    );
    // Every link of the feed still resolves (the `tag:` ids are not links).
    let out = emend(site.path())
        .args(["check", "--links"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_feed_without_revisions_is_unchanged_in_shape() {
    let site = fixture("basic");
    build(site.path());
    let feed = Xml::parse(&std::fs::read_to_string(site.path().join("public/atom.xml")).unwrap());
    for e in feed.all("entry") {
        assert!(e.all("content").is_empty());
        assert!(e.one("id").text.starts_with("https://example.org/sub/"));
    }
}

fn ld_json(path: &Path) -> Value {
    let page = html(path);
    let script = one(&page, "script[type='application/ld+json']");
    serde_json::from_str(&script.text().collect::<String>()).unwrap()
}

#[test]
fn revisions_are_schema_org_corrections_and_date_the_modification() {
    let site = revised_site();
    build(site.path());
    let ld = ld_json(&site.path().join("public/alpha/index.html"));
    assert_eq!(ld["datePublished"], "2023-03-22");
    assert_eq!(ld["dateModified"], "2026-12-07");
    let corrections = ld["correction"].as_array().unwrap();
    // The two revisions, oldest first, then the seven corrections of the text.
    assert_eq!(corrections.len(), 9);
    assert_eq!(
        corrections[0],
        serde_json::json!({
            "@type": "CorrectionComment",
            "datePublished": "2026-11-27",
            "text": "First edition."
        })
    );
    assert_eq!(
        corrections[1],
        serde_json::json!({
            "@type": "CorrectionComment",
            "datePublished": "2026-12-07",
            "text": "Note 1 brought up to date with the 2024 ruling; 'perceived' restored as received."
        })
    );
    assert_eq!(corrections[2]["name"], "“mentioned” → “said”");
    // An edition without revisions has no dateModified.
    let site = fixture("basic");
    build(site.path());
    let ld = ld_json(&site.path().join("public/alpha/index.html"));
    assert!(ld.get("dateModified").is_none());
    assert_eq!(ld["correction"].as_array().unwrap().len(), 7);
}

/// The basic fixture with two pages, one linked from the footer, and a contact.
fn site_with_pages() -> tempfile::TempDir {
    let site = fixture("basic");
    let config = site.path().join("site.yaml");
    let mut yaml = std::fs::read_to_string(&config).unwrap();
    yaml.push_str("contact: \"corrections@example.org\"\n");
    std::fs::write(&config, yaml).unwrap();
    write(
        site.path(),
        &[
            (
                "pages/methodology.md",
                "---\ntitle: \"How we <restore> texts\"\nfooter: true\nupdated: 2026-12-07\n---\n# Evidence\n\nEvery change needs *evidence*; see the [glossary](../glossary/index.html) and [alpha](../alpha/index.html#c1).\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(1))\n",
            ),
            (
                "pages/zz-about.md",
                "---\ntitle: About\nslug: about\ndescription: \"Who we are.\"\n---\nWe are a test.\n",
            ),
            ("pages/notes.txt", "not a page\n"),
        ],
    );
    site
}

#[test]
fn pages_are_rendered_escaped_and_linked_from_every_footer() {
    let site = site_with_pages();
    let out = emend(site.path()).arg("build").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // A file in pages/ that is not a page is a warning.
    assert!(
        stderr(&out)
            .contains("warning[stray-file]: `notes.txt` in pages/ is not a Markdown page; ignored"),
        "{}",
        stderr(&out)
    );
    let public = site.path().join("public");
    let page = html(&public.join("methodology/index.html"));
    assert_eq!(
        one(&page, "h1").text().collect::<String>(),
        "How we <restore> texts"
    );
    assert_eq!(
        one(&page, "title").text().collect::<String>(),
        "How we <restore> texts · Fixture Editions"
    );
    assert_eq!(one(&page, "body").value().attr("class"), Some("page-page"));
    assert_eq!(
        one(&page, ".prose h2").text().collect::<String>(),
        "Evidence"
    );
    assert_eq!(
        one(&page, "time").value().attr("datetime"),
        Some("2026-12-07")
    );
    assert_eq!(
        one(&page, "time").text().collect::<String>(),
        "7 December 2026"
    );
    // Raw HTML is escaped (the site has not opted in), script URLs dropped.
    assert!(all(&page, "main script").is_empty());
    assert!(
        one(&page, ".prose")
            .text()
            .collect::<String>()
            .contains("<script>alert(1)</script>")
    );
    let hrefs: Vec<&str> = all(&page, ".prose a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(hrefs, ["../glossary/index.html", "../alpha/index.html#c1"]);
    assert_eq!(
        one(&page, "meta[name=description]").value().attr("content"),
        Some("Evidence Every change needs evidence; see the glossary and alpha. bad")
    );
    assert_eq!(
        one(&page, "link[rel=canonical]").value().attr("href"),
        Some("https://example.org/sub/methodology/")
    );
    let about = html(&public.join("about/index.html"));
    assert_eq!(
        one(&about, "meta[name=description]")
            .value()
            .attr("content"),
        Some("Who we are.")
    );

    // Every page's footer links the footer page (not `about`) and the contact.
    for (rel, prefix) in [
        ("index.html", ""),
        ("alpha/index.html", "../"),
        ("alpha/corrected/index.html", "../../"),
        ("glossary/index.html", "../"),
        ("search/index.html", "../"),
        ("methodology/index.html", "../"),
        ("about/index.html", "../"),
        ("404.html", "/sub/"),
    ] {
        let doc = html(&public.join(rel));
        let nav = one(&doc, "footer nav");
        assert_eq!(nav.value().attr("aria-label"), Some("About this site"));
        let links: Vec<(String, String, Option<&str>)> = all(&doc, "footer nav a")
            .iter()
            .map(|a| {
                (
                    a.value().attr("href").unwrap().to_string(),
                    a.text().collect(),
                    a.value().attr("aria-current"),
                )
            })
            .collect();
        let current = (rel == "methodology/index.html").then_some("page");
        assert_eq!(
            links,
            [
                (
                    format!("{prefix}methodology/index.html"),
                    "How we <restore> texts".to_string(),
                    current
                ),
                (
                    "mailto:corrections@example.org".to_string(),
                    "corrections@example.org".to_string(),
                    None
                ),
            ],
            "{rel}"
        );
    }
    // The pages are in the sitemap, dated when the page says.
    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains(
            "<loc>https://example.org/sub/methodology/</loc>\n    <lastmod>2026-12-07</lastmod>"
        ),
        "{sitemap}"
    );
    assert!(
        sitemap.contains("<loc>https://example.org/sub/about/</loc>\n  </url>"),
        "{sitemap}"
    );
    // Every link of every page, the pages' included, resolves.
    let out = emend(site.path())
        .args(["check", "--links"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn raw_html_in_pages_follows_the_sites_opt_in() {
    let site = site_with_pages();
    let config = site.path().join("site.yaml");
    let mut yaml = std::fs::read_to_string(&config).unwrap();
    yaml.push_str("allow_raw_html: true\n");
    std::fs::write(&config, yaml).unwrap();
    write(
        site.path(),
        &[(
            "pages/zz-about.md",
            "---\ntitle: About\nslug: about\n---\n<abbr title=\"Royal Canadian Mounted Police\">RCMP</abbr>\n",
        )],
    );
    build(site.path());
    let page = html(&site.path().join("public/about/index.html"));
    assert_eq!(
        one(&page, ".prose abbr").value().attr("title"),
        Some("Royal Canadian Mounted Police")
    );
}

#[test]
fn without_pages_or_contact_the_footer_has_no_links() {
    let site = fixture("basic");
    build(site.path());
    let index = html(&site.path().join("public/index.html"));
    assert!(all(&index, "footer nav").is_empty());
    assert_eq!(all(&index, "footer p").len(), 1);
}

#[test]
fn page_addresses_must_be_free() {
    let site = site_with_pages();
    write(
        site.path(),
        &[
            ("pages/alpha.md", "---\ntitle: Alpha page\n---\nText.\n"),
            (
                "pages/zz-second.md",
                "---\ntitle: Second\nslug: about\n---\nText.\n",
            ),
        ],
    );
    let out = emend(site.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "error[page-slug-taken]: page `pages/alpha.md` would be published at `alpha/`, where an article is\n  ┌─ pages/alpha.md:1:1\n  │\n1 │ ---\n  │ ^^^ published at `alpha/`\n  │\n  = note: the article is content/alpha\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("error[page-slug-taken]: two pages would be published at `about/`\n  ┌─ pages/zz-second.md:3:7\n"),
        "{err}"
    );
    assert!(err.contains("- first page"), "{err}");
    // The colliding page is left out, so nothing is written twice.
    assert!(!err.contains("output-collision"), "{err}");
    assert!(err.ends_with("error: 2 errors, 1 warning\n"), "{err}");
}
