//! Publishing anywhere: every generated link resolves inside the output under a
//! sub-path base URL; the feed, sitemap, JSON-LD and W3C/JSON exports parse and
//! carry their required fields; export offsets slice the downloads exactly; the
//! search index finds a word of the corrected text (through the index files,
//! and through `search.js` in a real browser).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;
use emend::links::{CheckOptions, Collector, Problem, check};
use serde_json::Value;

const SUB: &str = "https://user.github.io/project/";

fn build_args(root: &Path, args: &[&str]) {
    let out = emend(root).arg("build").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn scan(dir: &Path) -> BTreeMap<String, emend::links::FileLinks> {
    let c = Collector::new(SUB);
    c.add_dir(dir).unwrap();
    c.into_files()
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The file under `public` that an absolute URL under `base` names.
fn file_for(public: &Path, base: &str, url: &str) -> PathBuf {
    let rel = url
        .strip_prefix(base)
        .unwrap_or_else(|| panic!("{url} is not under {base}"));
    let rel = rel.split('#').next().unwrap();
    if rel.is_empty() || rel.ends_with('/') {
        public.join(rel).join("index.html")
    } else {
        public.join(rel)
    }
}

/// `text[start..end]` in characters.
fn chars(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

/// A site with the basic fixture plus an article whose original has a byte
/// order mark, CRLF line endings and characters outside ASCII and the BMP.
fn unicode_site() -> tempfile::TempDir {
    let site = fixture("basic");
    let dir = site.path().join("content/gamma");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("original.txt"),
        "\u{feff}Café owners mentioned the 𝔘nion’s “nationwide safety” plan.\r\nThe MP mentioned it twice.\r\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("meta.yaml"),
        "title: \"Gamma: BOM, CRLF and non-ASCII\"\npublished: 2024-02-01\nsummary: \"Offsets in characters.\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("corrections.yaml"),
        "- find: \"nationwide safety\"\n  replace: \"national security\"\n  kind: synonym\n  why: \"A fixed term, spun.\"\n- find: mentioned\n  replace: said\n  all: true\n  kind: synonym\n- find: \"𝔘nion’s\"\n  replace: \"Union’s\"\n  kind: artifact\n  why: \"A stray mathematical letter.\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("annotations.yaml"),
        "- quote: \"national security\"\n  note: \"A *term of art*.\"\n  sources:\n    - title: \"Security\"\n      url: \"https://example.com/sec\"\n- quote: \"Café owners\"\n  on: original\n  note: \"As received.\"\n",
    )
    .unwrap();
    site
}

#[test]
fn every_generated_link_resolves_inside_the_output_under_a_sub_path() {
    let site = unicode_site();
    build_args(site.path(), &["--base-url", SUB, "--drafts"]);
    let public = site.path().join("public");
    let files = scan(&public);
    let report = check(
        &files,
        &CheckOptions {
            base_url: SUB.into(),
            file_browsing: true,
        },
    );
    assert!(report.broken.is_empty(), "{:#?}", report.broken);
    // The check is not vacuous: every HTML page was parsed and has links, and
    // footnote references, change anchors and note back-links were resolved.
    let pages: Vec<&String> = files.keys().filter(|k| k.ends_with(".html")).collect();
    assert_eq!(pages.len(), 12, "{pages:?}");
    for page in &pages {
        assert!(!files[*page].links.is_empty(), "{page} has no links");
    }
    assert!(report.internal > 200, "{}", report.internal);
    assert!(report.fragments > 40, "{}", report.fragments);
    let alpha = &files["alpha/index.html"];
    let hrefs: Vec<&str> = alpha.links.iter().map(|l| l.url.as_str()).collect();
    for expected in [
        "#note-1",
        "#ref-1",
        "#c1-c",
        "../style.css",
        "../index.html",
        "corrected/index.html",
        "edition.json",
        "annotations.jsonld",
        "../search/index.html",
        "https://user.github.io/project/alpha/",
    ] {
        assert!(hrefs.contains(&expected), "alpha has no link {expected}");
    }
    // Absolute URLs everywhere use the sub-path.
    for (file, links) in &files {
        for l in &links.links {
            if l.url.starts_with("https://user.github.io") {
                assert!(l.url.starts_with(SUB), "{file}: {}", l.url);
            }
        }
    }
    // The 404 page, served at any depth, links from the base path.
    assert!(
        files["404.html"]
            .links
            .iter()
            .any(|l| l.url == "/project/style.css")
    );
}

#[test]
fn the_checker_reports_what_breaks_in_a_built_site() {
    let site = fixture("basic");
    build_args(site.path(), &["--base-url", SUB]);
    let public = site.path().join("public");
    // Break a page the way a bad template or a lost file would.
    let page = public.join("alpha/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        html.replacen("id=\"note-2\"", "id=\"note-two\"", 1)
            .replacen("href=\"../style.css\"", "href=\"/style.css\"", 1),
    )
    .unwrap();
    std::fs::remove_file(public.join("beta/edition.json")).unwrap();
    let report = check(
        &scan(&public),
        &CheckOptions {
            base_url: SUB.into(),
            file_browsing: true,
        },
    );
    let found: Vec<(String, String, Problem)> = report
        .broken
        .into_iter()
        .map(|b| (b.file, b.url, b.problem))
        .collect();
    assert_eq!(
        found,
        [
            // The reading view links the notes on the text as received,
            // which only the edition page shows.
            (
                "alpha/corrected/index.html".to_string(),
                "../index.html#note-2".to_string(),
                Problem::NoFragment {
                    target: "alpha/index.html".into(),
                    fragment: "note-2".into()
                }
            ),
            // edition.json points at each note on the page.
            (
                "alpha/edition.json".to_string(),
                format!("{SUB}alpha/#note-2"),
                Problem::NoFragment {
                    target: "alpha/index.html".into(),
                    fragment: "note-2".into()
                }
            ),
            (
                "alpha/index.html".to_string(),
                "/style.css".to_string(),
                Problem::OutsideBasePath("/project/".into())
            ),
            (
                "alpha/index.html".to_string(),
                "#note-2".to_string(),
                Problem::NoFragment {
                    target: "alpha/index.html".into(),
                    fragment: "note-2".into()
                }
            ),
            // The reading view links it in its head, the edition page in
            // its head and in the text.
            (
                "beta/corrected/index.html".to_string(),
                "../edition.json".to_string(),
                Problem::Missing("beta/edition.json".into())
            ),
            (
                "beta/index.html".to_string(),
                "edition.json".to_string(),
                Problem::Missing("beta/edition.json".into())
            ),
            (
                "beta/index.html".to_string(),
                "edition.json".to_string(),
                Problem::Missing("beta/edition.json".into())
            ),
            (
                "editions.json".to_string(),
                format!("{SUB}beta/edition.json"),
                Problem::Missing("beta/edition.json".into())
            ),
        ]
    );
}

#[test]
fn pretty_links_point_at_folders_and_resolve_on_a_web_server() {
    let site = fixture("basic");
    let yaml = site.path().join("site.yaml");
    let mut text = std::fs::read_to_string(&yaml).unwrap();
    text.push_str("pretty_links: true\n");
    std::fs::write(&yaml, text).unwrap();
    build_args(site.path(), &["--base-url", SUB]);
    let public = site.path().join("public");
    let index = html(&public.join("index.html"));
    assert_eq!(
        all(&index, ".article-list h2 a")[0].value().attr("href"),
        Some("alpha/")
    );
    let files = scan(&public);
    let server = check(
        &files,
        &CheckOptions {
            base_url: SUB.into(),
            file_browsing: false,
        },
    );
    assert!(server.broken.is_empty(), "{:#?}", server.broken);
    // The same output opened from disk would show folder listings: the checker says so.
    let disk = check(
        &files,
        &CheckOptions {
            base_url: SUB.into(),
            file_browsing: true,
        },
    );
    assert!(!disk.broken.is_empty());
    assert!(
        disk.broken
            .iter()
            .all(|b| matches!(b.problem, Problem::FolderLink))
    );
}

#[test]
fn check_links_renders_in_memory_and_reports_broken_note_links() {
    let site = fixture("basic");
    let before = snapshot_dir(site.path());
    let out = emend(site.path())
        .args(["check", "--links"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("Checked 2 articles: no errors"), "{stderr}");
    assert!(
        stderr.contains("; 4 external not checked (add --external)"),
        "{stderr}"
    );
    // Nothing was written.
    assert_eq!(snapshot_dir(site.path()), before);

    // A note with a link to an edition that does not exist.
    std::fs::write(
        site.path().join("content/beta/annotations.yaml"),
        "- quote: \"Liberal Party\"\n  note: \"See [the other edition](../gone/index.html#p1).\"\n",
    )
    .unwrap();
    let out = emend(site.path())
        .args(["check", "--links"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The note is on the edition page and in the reading view, one folder deeper.
    // The reading view rebases the link, so both name the same missing page.
    let expected = "error[broken-link]: beta/corrected/index.html:94: link `../../gone/index.html#p1`: `gone/index.html` does not exist in the output
 = note: beta/corrected/index.html is built from content/beta/ (original, annotations) and the theme's templates
 = help: if the link is in a note or an original, point it at a page that exists; if it comes from a template, fix the template


error[broken-link]: beta/index.html:196: link `../gone/index.html#p1`: `gone/index.html` does not exist in the output
 = note: beta/index.html is built from content/beta/ (original, annotations) and the theme's templates
 = help: if the link is in a note or an original, point it at a page that exists; if it comes from a template, fix the template

error: 2 errors
";
    assert_eq!(stderr, expected);
    assert!(!site.path().join("public").exists());
}

/// A tiny HTTP server on the loopback interface: `/ok` answers 200, anything
/// else 404. Serves at most `max` connections, then stops.
fn local_server(max: usize) -> (String, std::thread::JoinHandle<()>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(max) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("");
            let status = if path == "/ok" {
                "200 OK"
            } else {
                "404 Not Found"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (addr, handle)
}

#[test]
fn external_links_are_requested_only_with_the_flag() {
    let (server, _handle) = local_server(8);
    let site = fixture("basic");
    std::fs::write(
        site.path().join("content/beta/annotations.yaml"),
        format!(
            "- quote: \"Liberal Party\"\n  note: \"Two sources.\"\n  sources:\n    - title: Fine\n      url: \"{server}/ok\"\n    - title: Gone\n      url: \"{server}/gone\"\n"
        ),
    )
    .unwrap();
    // Without --external no request is made and the check passes.
    let out = emend(site.path())
        .args(["check", "--links"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // With it, the dead source is reported; the example.com links of the
    // fixture cannot be reached here, so keep only the local ones.
    for f in ["alpha/meta.yaml", "alpha/annotations.yaml"] {
        let p = site.path().join("content").join(f);
        let text = std::fs::read_to_string(&p)
            .unwrap()
            .replace("https://example.com/alpha", &format!("{server}/ok"))
            .replace("https://globalnews.ca", &format!("{server}/ok"))
            .replace(
                "https://en.wikipedia.org/wiki/Global_News",
                &format!("{server}/ok"),
            );
        std::fs::write(&p, text).unwrap();
    }
    std::fs::write(
        site.path().join("content/beta/original.md"),
        std::fs::read_to_string(site.path().join("content/beta/original.md"))
            .unwrap()
            .replace("https://example.com/lp", &format!("{server}/ok")),
    )
    .unwrap();
    let out = emend(site.path())
        .args(["check", "--links", "--external"])
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error[")).collect();
    assert_eq!(
        errors,
        [format!(
            "error[broken-external-link]: beta/corrected/index.html:98: link `{server}/gone`: the server answered HTTP 404"
        )]
    );
}

/// The texts an edition's offsets count in: the original download without its
/// byte order mark, and the corrected download.
fn texts(public: &Path, slug: &str, ext: &str) -> (String, String) {
    let original =
        std::fs::read_to_string(public.join(slug).join(format!("original.{ext}"))).unwrap();
    let original = original
        .strip_prefix('\u{feff}')
        .unwrap_or(&original)
        .to_string();
    let corrected =
        std::fs::read_to_string(public.join(slug).join(format!("corrected.{ext}"))).unwrap();
    (original, corrected)
}

/// Checks an `edition.json`: required fields, and that every offset slices the
/// downloads to exactly the exported text. Returns it for further checks.
fn validate_edition_json(public: &Path, slug: &str) -> Value {
    let e = json(&public.join(slug).join("edition.json"));
    assert_eq!(e["schema"], "emend-edition/1");
    assert_eq!(e["offsets"], "unicode-code-points");
    assert_eq!(e["slug"], slug);
    assert_eq!(e["url"], format!("{SUB}{slug}/"));
    assert!(e["title"].is_string() && e["language"].is_string());
    let ext = if e["original"]["media_type"] == "text/markdown" {
        "md"
    } else {
        "txt"
    };
    assert_eq!(e["original"]["url"], format!("{SUB}{slug}/original.{ext}"));
    assert_eq!(
        e["corrected"]["url"],
        format!("{SUB}{slug}/corrected.{ext}")
    );
    let (original, corrected) = texts(public, slug, ext);
    assert_eq!(e["original"]["characters"], original.chars().count() as u64);
    assert_eq!(
        e["corrected"]["characters"],
        corrected.chars().count() as u64
    );
    let span = |v: &Value| (v["start"].as_u64().unwrap(), v["end"].as_u64().unwrap());
    let changes = e["corrections"].as_array().unwrap();
    assert_eq!(
        changes.len() as u64,
        e["stats"]["changes"].as_u64().unwrap()
    );
    for (i, c) in changes.iter().enumerate() {
        assert_eq!(c["number"], i as u64 + 1, "{c}");
        let (s, t) = span(&c["original"]);
        assert_eq!(chars(&original, s, t), c["find"].as_str().unwrap(), "{c}");
        let (s, t) = span(&c["corrected"]);
        assert_eq!(
            chars(&corrected, s, t),
            c["replace"].as_str().unwrap(),
            "{c}"
        );
        assert!(c["kind"].is_string() && c["entry"].is_u64(), "{c}");
        assert!(
            c["status"] == "reviewed" || c["status"] == "suggested",
            "{c}"
        );
        assert_eq!(c["url"], format!("{SUB}{slug}/#c{}", i + 1));
    }
    let notes = e["annotations"].as_array().unwrap();
    assert_eq!(
        notes.len() as u64,
        e["stats"]["annotations"].as_u64().unwrap()
    );
    for (i, n) in notes.iter().enumerate() {
        assert_eq!(n["number"], i as u64 + 1, "{n}");
        let text = if n["on"] == "original" {
            &original
        } else {
            &corrected
        };
        let (s, t) = span(&n["position"]);
        assert_eq!(chars(text, s, t), n["quote"].as_str().unwrap(), "{n}");
        assert!(n["note"].is_string() && n["note_html"].is_string(), "{n}");
        assert_eq!(n["url"], format!("{SUB}{slug}/#note-{}", i + 1));
    }
    e
}

#[test]
fn edition_json_offsets_slice_the_downloads_exactly() {
    let site = unicode_site();
    build_args(site.path(), &["--base-url", SUB]);
    let public = site.path().join("public");
    for slug in ["alpha", "beta"] {
        validate_edition_json(&public, slug);
    }
    let e = validate_edition_json(&public, "gamma");
    // The original download is the file byte for byte, BOM included; the BOM is not text.
    assert_eq!(
        std::fs::read(public.join("gamma/original.txt")).unwrap(),
        std::fs::read(site.path().join("content/gamma/original.txt")).unwrap()
    );
    assert_eq!(e["original"]["byte_order_mark"], true);
    let (original, _) = texts(&public, "gamma", "txt");
    let changes = e["corrections"].as_array().unwrap();
    assert_eq!(changes.len(), 4);
    // Character offsets, not bytes: "nationwide safety" follows é, 𝔘 and curly quotes.
    let ns = changes
        .iter()
        .find(|c| c["find"] == "nationwide safety")
        .unwrap();
    let byte_start = original.find("nationwide safety").unwrap();
    let char_start = original[..byte_start].chars().count() as u64;
    assert_eq!(ns["original"]["start"], char_start);
    assert_ne!(char_start, byte_start as u64);
    assert_eq!(ns["replace"], "national security");
    assert_eq!(ns["why"], "A fixed term, spun.");
    assert_eq!(ns["entry"], 1);
    // The `all: true` entry yields two changes of entry 2, across the CRLF.
    assert_eq!(changes.iter().filter(|c| c["entry"] == 2).count(), 2);
    let notes = e["annotations"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["on"], "original");
    assert_eq!(notes[0]["quote"], "Café owners");
    assert_eq!(notes[0]["note"], "As received.");
    assert_eq!(notes[1]["note_html"], "<p>A <em>term of art</em>.</p>\n");
    assert_eq!(notes[1]["sources"][0]["url"], "https://example.com/sec");
}

/// Checks an `annotations.jsonld` against the W3C Web Annotation Data Model's
/// required fields, and that its selectors match the text they point into.
fn validate_annotations(public: &Path, slug: &str) -> Value {
    let a = json(&public.join(slug).join("annotations.jsonld"));
    assert_eq!(a["@context"], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(a["type"], "AnnotationCollection");
    assert_eq!(a["id"], format!("{SUB}{slug}/annotations.jsonld"));
    let page = &a["first"];
    assert_eq!(page["type"], "AnnotationPage");
    assert_eq!(page["partOf"], a["id"]);
    let items = page["items"].as_array().unwrap();
    assert_eq!(a["total"], items.len() as u64);
    let edition = json(&public.join(slug).join("edition.json"));
    assert_eq!(
        items.len(),
        edition["annotations"].as_array().unwrap().len()
    );
    let mut ids = std::collections::BTreeSet::new();
    for item in items {
        assert!(ids.insert(item["id"].as_str().unwrap().to_string()));
        assert_eq!(item["type"], "Annotation");
        assert_eq!(item["motivation"], "commenting");
        let body = item["body"].as_array().unwrap();
        assert_eq!(body[0]["type"], "TextualBody");
        assert_eq!(body[0]["format"], "text/html");
        assert!(body[0]["value"].as_str().unwrap().starts_with("<p>"));
        for source in &body[1..] {
            assert_eq!(source["type"], "SpecificResource");
            assert_eq!(source["purpose"], "linking");
            assert!(source["source"]["id"].as_str().unwrap().starts_with("http"));
        }
        // The target's source is the text file the offsets count in.
        let target = &item["target"];
        let source = target["source"].as_str().unwrap();
        let bytes = std::fs::read(file_for(public, SUB, source)).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let selectors = target["selector"].as_array().unwrap();
        let types: Vec<&str> = selectors
            .iter()
            .map(|s| s["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["TextQuoteSelector", "TextPositionSelector"]);
        let (quote, pos) = (&selectors[0], &selectors[1]);
        let (start, end) = (pos["start"].as_u64().unwrap(), pos["end"].as_u64().unwrap());
        assert_eq!(chars(text, start, end), quote["exact"].as_str().unwrap());
        let prefix_start = start.saturating_sub(32);
        assert_eq!(
            chars(text, prefix_start, start),
            quote["prefix"].as_str().unwrap()
        );
        let total = text.chars().count() as u64;
        assert_eq!(
            chars(text, end, (end + 32).min(total)),
            quote["suffix"].as_str().unwrap()
        );
        // `on: original` notes target the original download, the rest the corrected text.
        let on_original = source.ends_with("/original.txt") || source.ends_with("/original.md");
        let scope = target["scope"].as_str().unwrap();
        assert_eq!(
            scope,
            if on_original {
                format!("{SUB}{slug}/")
            } else {
                format!("{SUB}{slug}/corrected/")
            }
        );
    }
    a
}

#[test]
fn w3c_annotations_have_the_required_fields_and_exact_selectors() {
    let site = unicode_site();
    build_args(site.path(), &["--base-url", SUB]);
    let public = site.path().join("public");
    for slug in ["alpha", "beta", "gamma"] {
        validate_annotations(&public, slug);
    }
    let gamma = json(&public.join("gamma/annotations.jsonld"));
    let items = gamma["first"]["items"].as_array().unwrap();
    assert_eq!(
        items[0]["target"]["source"],
        format!("{SUB}gamma/original.txt")
    );
    assert_eq!(items[0]["target"]["selector"][0]["prefix"], "");
    assert_eq!(items[1]["body"][1]["source"]["label"], "Security");
}

#[test]
fn editions_json_indexes_every_edition() {
    let site = unicode_site();
    build_args(site.path(), &["--base-url", SUB]);
    let public = site.path().join("public");
    let index = json(&public.join("editions.json"));
    assert_eq!(index["schema"], "emend-editions/1");
    assert_eq!(index["site"]["url"], SUB);
    assert_eq!(index["site"]["feed"], format!("{SUB}atom.xml"));
    let slugs: Vec<&str> = index["editions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["gamma", "alpha", "beta"]);
    for e in index["editions"].as_array().unwrap() {
        for key in ["url", "edition", "annotations"] {
            let url = e[key].as_str().unwrap();
            assert!(file_for(&public, SUB, url).is_file(), "{url}");
        }
        assert!(e["stats"]["corrections"].is_u64());
    }
}

/// A parsed XML element: local name, attributes, text, children.
#[derive(Debug, Default)]
struct Xml {
    name: String,
    ns: Option<String>,
    attrs: BTreeMap<String, String>,
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
                let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                let value = a
                    .decoded_and_normalized_value(quick_xml::XmlVersion::Implicit1_0, decoder)
                    .unwrap()
                    .into_owned();
                if key == "xmlns" {
                    el.ns = Some(value.clone());
                }
                el.attrs.insert(key, value);
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
        assert_eq!(stack.len(), 1, "unbalanced XML");
        stack
            .pop()
            .unwrap()
            .children
            .into_iter()
            .next()
            .expect("no root element")
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

fn is_rfc3339(s: &str) -> bool {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).is_ok()
}

/// Checks `atom.xml` against RFC 4287's requirements and that its entries are
/// pages of the output. Returns the parsed feed.
fn validate_feed(public: &Path) -> Xml {
    let feed = Xml::parse(&std::fs::read_to_string(public.join("atom.xml")).unwrap());
    // §4.1.1: the feed has exactly one id, title and updated, an author (here
    // at feed level, so entries need none), and a self link.
    assert_eq!(feed.name, "feed");
    assert_eq!(feed.ns.as_deref(), Some("http://www.w3.org/2005/Atom"));
    assert_eq!(feed.one("id").text, SUB);
    assert!(!feed.one("title").text.is_empty());
    assert!(is_rfc3339(&feed.one("updated").text));
    assert!(!feed.one("author").one("name").text.is_empty());
    let selfs: Vec<&Xml> = feed
        .all("link")
        .into_iter()
        .filter(|l| l.attrs["rel"] == "self")
        .collect();
    assert_eq!(selfs.len(), 1);
    assert_eq!(selfs[0].attrs["href"], format!("{SUB}atom.xml"));
    // §4.1.2: each entry has one id, title and updated, and one alternate
    // link, to a page of the output. An edition's id is its page; a revision's
    // is a `tag:` URI of its own (RFC 4151). Ids are unique (§4.2.6).
    let mut ids = std::collections::BTreeSet::new();
    for e in feed.all("entry") {
        let id = &e.one("id").text;
        assert!(ids.insert(id.clone()), "{id} twice");
        assert!(!e.one("title").text.is_empty());
        assert!(is_rfc3339(&e.one("updated").text));
        for p in e.all("published") {
            assert!(is_rfc3339(&p.text));
        }
        let alternate: Vec<&Xml> = e
            .all("link")
            .into_iter()
            .filter(|l| l.attrs["rel"] == "alternate")
            .collect();
        assert_eq!(alternate.len(), 1);
        let href = &alternate[0].attrs["href"];
        assert!(file_for(public, SUB, href).is_file(), "{href}");
        if id.starts_with("tag:") {
            let host = SUB.split('/').nth(2).unwrap();
            assert!(id.starts_with(&format!("tag:{host},")), "{id}");
        } else {
            assert_eq!(href, id);
        }
        assert!(!e.one("summary").text.is_empty());
    }
    feed
}

#[test]
fn the_atom_feed_is_valid_and_deterministic() {
    let site = unicode_site();
    build_args(site.path(), &["--base-url", SUB]);
    let public = site.path().join("public");
    let text = std::fs::read_to_string(public.join("atom.xml")).unwrap();
    let feed = validate_feed(&public);
    assert_eq!(feed.one("title").text, "Fixture Editions");
    assert_eq!(feed.one("updated").text, "2024-02-01T00:00:00+00:00");
    assert!(!feed.one("author").one("name").text.is_empty());
    let links: Vec<(&str, &str)> = feed
        .all("link")
        .iter()
        .map(|l| (l.attrs["rel"].as_str(), l.attrs["href"].as_str()))
        .collect();
    assert_eq!(
        links,
        [
            ("self", "https://user.github.io/project/atom.xml"),
            ("alternate", SUB)
        ]
    );
    let entries = feed.all("entry");
    let titles: Vec<&str> = entries
        .iter()
        .map(|e| e.one("title").text.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "Gamma: BOM, CRLF and non-ASCII",
            "Alpha: a plain-text edition",
            "Beta: a Markdown edition"
        ]
    );
    // Alpha is updated on its retrieval date (the later of its two dates).
    assert_eq!(entries[1].one("updated").text, "2024-01-05T00:00:00+00:00");
    assert_eq!(
        entries[1].one("published").text,
        "2023-03-22T00:00:00+00:00"
    );
    // Pages point feed readers at the feed.
    let page = html(&public.join("alpha/index.html"));
    assert_eq!(
        one(&page, "link[rel=alternate][type='application/atom+xml']")
            .value()
            .attr("href"),
        Some("../atom.xml")
    );
    // No date of "now": a rebuild gives the same bytes.
    build_args(site.path(), &["--base-url", SUB, "--output", "again"]);
    assert_eq!(
        std::fs::read(site.path().join("again/atom.xml")).unwrap(),
        text.as_bytes()
    );
}

/// Checks `sitemap.xml` (sitemaps.org protocol) and `robots.txt`; returns the
/// sitemap's `(loc, lastmod)` pairs.
fn validate_sitemap(public: &Path) -> Vec<(String, Option<String>)> {
    let sitemap = Xml::parse(&std::fs::read_to_string(public.join("sitemap.xml")).unwrap());
    assert_eq!(sitemap.name, "urlset");
    assert_eq!(
        sitemap.ns.as_deref(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let urls: Vec<(String, Option<String>)> = sitemap
        .all("url")
        .iter()
        .map(|u| {
            (
                u.one("loc").text.clone(),
                u.all("lastmod").first().map(|l| l.text.clone()),
            )
        })
        .collect();
    assert!(urls.len() <= 50_000);
    for (loc, lastmod) in &urls {
        assert!(file_for(public, SUB, loc).is_file(), "{loc}");
        if let Some(d) = lastmod {
            assert!(emend::content::is_valid_date(d), "{d}");
        }
    }
    let robots = std::fs::read_to_string(public.join("robots.txt")).unwrap();
    let sitemap_lines: Vec<&str> = robots
        .lines()
        .filter(|l| l.starts_with("Sitemap:"))
        .collect();
    assert_eq!(sitemap_lines, [format!("Sitemap: {SUB}sitemap.xml")]);
    urls
}

#[test]
fn sitemap_and_robots_list_every_page() {
    let site = fixture("basic");
    build_args(site.path(), &["--base-url", SUB]);
    let public = site.path().join("public");
    let urls = validate_sitemap(&public);
    let urls: Vec<(&str, Option<&str>)> = urls
        .iter()
        .map(|(l, m)| (l.as_str(), m.as_deref()))
        .collect();
    assert_eq!(
        urls,
        [
            ("https://user.github.io/project/", Some("2024-01-05")),
            ("https://user.github.io/project/alpha/", Some("2024-01-05")),
            (
                "https://user.github.io/project/alpha/corrected/",
                Some("2024-01-05")
            ),
            ("https://user.github.io/project/beta/", Some("2023-01-10")),
            (
                "https://user.github.io/project/beta/corrected/",
                Some("2023-01-10")
            ),
        ]
    );
    let robots = std::fs::read_to_string(public.join("robots.txt")).unwrap();
    assert!(robots.contains("User-agent: *\nDisallow:\n"));
    // The draft is in no output file: not the feed, sitemap, exports or search index.
    for (path, bytes) in snapshot_dir(&public) {
        assert!(!path.contains("draft"), "{path}");
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("draft-one") && !text.contains("Just a draft"),
            "{path}"
        );
    }
}

fn ld_json(doc: &scraper::Html) -> Value {
    let script = one(doc, "script[type='application/ld+json']");
    serde_json::from_str(&script.text().collect::<String>()).unwrap()
}

/// Checks an edition page's schema.org `NewsArticle` and returns it.
fn validate_news_article(public: &Path, slug: &str) -> Value {
    let page = html(&public.join(slug).join("index.html"));
    let ld = ld_json(&page);
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["url"], format!("{SUB}{slug}/"));
    assert_eq!(ld["mainEntityOfPage"], ld["url"]);
    let title: String = one(&page, "h1").text().collect();
    assert_eq!(ld["headline"], title.as_str());
    for c in ld["citation"].as_array().into_iter().flatten() {
        assert_eq!(c["@type"], "CreativeWork");
        assert!(c["url"].as_str().unwrap().starts_with("http"));
    }
    let edition = json(&public.join(slug).join("edition.json"));
    let entries: std::collections::BTreeSet<u64> = edition["corrections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["entry"].as_u64().unwrap())
        .collect();
    let items = ld["correction"].as_array().map_or(&[][..], Vec::as_slice);
    // The edition's revisions (dated, no name), then the corrections of the text.
    let (revisions, corrections): (Vec<&Value>, Vec<&Value>) =
        items.iter().partition(|c| c.get("datePublished").is_some());
    let meta_revisions = edition["revisions"].as_array().map_or(0, Vec::len);
    assert_eq!(revisions.len(), meta_revisions);
    for r in &revisions {
        assert_eq!(r["@type"], "CorrectionComment");
        assert!(!r["text"].as_str().unwrap().is_empty());
    }
    assert_eq!(
        ld.get("dateModified"),
        revisions.last().map(|r| &r["datePublished"])
    );
    assert_eq!(corrections.len(), entries.len());
    for c in corrections {
        assert_eq!(c["@type"], "CorrectionComment");
        assert!(!c["name"].as_str().unwrap().is_empty());
        assert!(!c["text"].as_str().unwrap().is_empty());
        // Each points at its change on the page, which exists.
        let url = c["url"].as_str().unwrap();
        let id = url.split_once('#').unwrap().1;
        one(&page, &format!("li#{id}"));
    }
    ld
}

#[test]
fn json_ld_describes_the_edition_and_its_corrections() {
    let site = fixture("basic");
    build_args(site.path(), &["--base-url", SUB]);
    let public = site.path().join("public");
    let page = html(&public.join("alpha/index.html"));
    let ld = validate_news_article(&public, "alpha");
    validate_news_article(&public, "beta");
    assert_eq!(ld["headline"], "Alpha: a plain-text edition");
    assert_eq!(ld["datePublished"], "2023-03-22");
    assert_eq!(ld["isBasedOn"]["url"], "https://example.com/alpha");
    assert_eq!(ld["isBasedOn"]["publisher"]["name"], "Example Times");
    assert_eq!(
        ld["citation"][0]["url"],
        "https://en.wikipedia.org/wiki/Global_News"
    );
    let corrections = ld["correction"].as_array().unwrap();
    assert_eq!(corrections.len(), 7);
    assert_eq!(corrections[0]["name"], "“mentioned” → “said”");
    assert_eq!(
        corrections[0]["text"],
        "The spinner swapped 'said' for 'mentioned'."
    );
    assert_eq!(corrections[6]["name"], "“{that a} ” deleted");
    // Open Graph and Twitter cards.
    let meta = |sel: &str| one(&page, sel).value().attr("content").unwrap().to_string();
    assert_eq!(meta("meta[property='og:type']"), "article");
    assert_eq!(meta("meta[property='og:url']"), format!("{SUB}alpha/"));
    assert_eq!(
        meta("meta[property='og:title']"),
        "Alpha: a plain-text edition"
    );
    assert_eq!(
        meta("meta[property='og:description']"),
        "Restores a spun plain-text report."
    );
    assert_eq!(meta("meta[name='twitter:card']"), "summary");
    assert_eq!(
        meta("meta[property='article:published_time']"),
        "2023-03-22"
    );
    // The index page is a website, not an article, and has no JSON-LD.
    let index = html(&site.path().join("public/index.html"));
    assert_eq!(
        one(&index, "meta[property='og:type']")
            .value()
            .attr("content"),
        Some("website")
    );
    assert!(all(&index, "script[type='application/ld+json']").is_empty());
}

#[test]
fn json_ld_survives_hostile_content() {
    let site = fixture("basic");
    let hostile = "</script><script>alert(1)</script><!-- & -->";
    std::fs::write(
        site.path().join("content/beta/meta.yaml"),
        format!("title: '{hostile}'\nsummary: \"</SCRIPT >x\"\n"),
    )
    .unwrap();
    std::fs::write(
        site.path().join("content/beta/corrections.yaml"),
        "- find: quietly\n  replace: loudly\n  kind: synonym\n  why: \"</script><!--\"\n- find: Celebration\n  replace: Party\n  kind: name\n- find: mentioned\n  replace: noted\n  all: true\n",
    )
    .unwrap();
    build(site.path());
    let raw = std::fs::read_to_string(site.path().join("public/beta/index.html")).unwrap();
    let start = raw.find("<script type=\"application/ld+json\">").unwrap();
    let body = &raw[start..];
    let end = body.find("</script>").unwrap();
    let json_text = &body["<script type=\"application/ld+json\">".len()..end];
    assert!(
        !json_text.contains('<') && !json_text.contains('>'),
        "{json_text}"
    );
    let ld: Value = serde_json::from_str(json_text).unwrap();
    assert_eq!(ld["headline"], hostile);
    assert_eq!(ld["description"], "</SCRIPT >x");
    assert_eq!(ld["correction"][0]["text"], "</script><!--");
    // The parsed page has no script but the theme's and the data block.
    let page = html(&site.path().join("public/beta/index.html"));
    let scripts: Vec<Option<&str>> = all(&page, "script")
        .iter()
        .map(|s| s.value().attr("src").or(s.value().attr("type")))
        .collect();
    assert_eq!(
        scripts,
        [
            Some("application/ld+json"),
            Some("../cite.js"),
            Some("../edition.js")
        ]
    );
}

/// `emendSearch.<call>(args);` → the arguments as a JSON array.
fn js_call(path: &Path, call: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let args = text
        .trim_end()
        .strip_prefix(&format!("emendSearch.{call}("))
        .and_then(|t| t.strip_suffix(");"))
        .unwrap_or_else(|| panic!("{}: not an emendSearch.{call} call", path.display()));
    match serde_json::from_str(&format!("[{args}]")).unwrap() {
        Value::Array(a) => a,
        _ => unreachable!(),
    }
}

/// Reads a term's postings (base64 VLQ numbers: `k`, `k` pairs of document
/// delta and weight, then optionally a bitmap of every document with the
/// term) into the documents that have it, in order, and whether there was a bitmap.
fn decode_postings(s: &str, docs: usize) -> (Vec<usize>, bool) {
    const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let digits: Vec<usize> = s.chars().map(|c| B64.find(c).unwrap()).collect();
    let mut at = 0;
    let mut next = || {
        let (mut n, mut shift) = (0, 0);
        loop {
            let d = digits[at];
            at += 1;
            n |= (d & 31) << shift;
            if d < 32 {
                return (n, at);
            }
            shift += 5;
        }
    };
    let (k, mut used) = next();
    let mut listed = Vec::new();
    let mut doc = 0;
    for _ in 0..k {
        doc += next().0;
        let (weight, end) = next();
        assert!(weight >= 1, "{s}");
        listed.push(doc);
        used = end;
    }
    if used == digits.len() {
        return (listed, false);
    }
    let bitmap = &digits[used..];
    assert_eq!(bitmap.len(), docs.div_ceil(6), "{s}");
    let all: Vec<usize> = (0..docs)
        .filter(|d| bitmap[d / 6] & (1 << (d % 6)) != 0)
        .collect();
    assert!(listed.iter().all(|d| all.contains(d)), "{s}");
    (all, true)
}

/// A term's postings as written in the index, and the number of documents.
fn postings_of(public: &Path, term: &str) -> Option<(String, usize)> {
    let dir = public.join("search");
    let meta = &js_call(&dir.join("meta.js"), "meta")[0];
    let docs = meta["docs"].as_u64().unwrap() as usize;
    let firsts: Vec<&str> = meta["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let n = firsts.iter().rposition(|f| *f <= term).unwrap_or(0);
    let shard = js_call(&dir.join(format!("t/{n}.js")), "shard");
    assert_eq!(shard[0], n as u64);
    let entries = shard[1].as_array().unwrap();
    let at = entries.iter().step_by(2).position(|e| e == term)?;
    Some((entries[2 * at + 1].as_str().unwrap().to_string(), docs))
}

/// Looks `term` up in a built search index: `(slug, passage anchors)` per
/// edition, the anchors being those of the edition's passages (in its
/// `d/<slug>.js` file) that have the word.
fn lookup(public: &Path, term: &str) -> Vec<(String, Vec<String>)> {
    let dir = public.join("search");
    let meta = &js_call(&dir.join("meta.js"), "meta")[0];
    let chunk = meta["chunk"].as_u64().unwrap() as usize;
    let Some((postings, docs)) = postings_of(public, term) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for doc in decode_postings(&postings, docs).0 {
        let slugs = js_call(&dir.join(format!("s/{}.js", doc / chunk)), "slugs");
        assert_eq!(slugs[0], (doc / chunk) as u64);
        let slug = slugs[1][doc % chunk].as_str().unwrap().to_string();
        let d = js_call(&dir.join(format!("d/{slug}.js")), "doc");
        assert_eq!(d[0], slug.as_str());
        let has = |text: &str| {
            text.to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == term)
        };
        let mut anchors = Vec::new();
        if has(d[1]["t"].as_str().unwrap()) {
            anchors.push(String::new());
        }
        for p in d[1]["r"]
            .as_array()
            .unwrap()
            .iter()
            .chain(d[1]["n"].as_array().unwrap())
        {
            if has(p[2].as_str().unwrap()) {
                anchors.push(p[0].as_str().unwrap().to_string());
            }
        }
        assert!(!anchors.is_empty(), "{slug} has no passage with {term}");
        out.push((slug, anchors));
    }
    out
}

#[test]
fn the_search_index_maps_words_of_the_corrected_text_to_their_passages() {
    let site = fixture("basic");
    build_args(site.path(), &["--base-url", SUB]);
    let public = site.path().join("public");
    // "loudly" is in beta's corrected text only; "quietly" only in its original.
    assert_eq!(
        lookup(&public, "loudly"),
        [("beta".to_string(), vec!["p2".to_string()])]
    );
    assert!(lookup(&public, "quietly").is_empty());
    // Notes are searchable too, and titles.
    assert_eq!(
        lookup(&public, "canadian"),
        [("alpha".to_string(), vec!["note-3".to_string()])]
    );
    assert_eq!(
        lookup(&public, "markdown"),
        [("beta".to_string(), vec![String::new()])]
    );
    // A word in both editions, in index order (alpha is newer).
    let both: Vec<String> = lookup(&public, "liberal")
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(both, ["alpha", "beta"]);
    // The search page exists, is not indexed by search engines, and every page has the box.
    let page = html(&public.join("search/index.html"));
    one(&page, "meta[name=robots][content=noindex]");
    one(&page, "form.search-form input[name=q]");
    let alpha = html(&public.join("alpha/index.html"));
    assert_eq!(
        one(&alpha, "form.site-search").value().attr("action"),
        Some("../search/index.html")
    );
}

#[test]
fn the_search_index_finds_the_seed_article_by_a_word_of_its_corrected_text() {
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("site");
    emend(&repo())
        .args(["build", "--base-url", SUB, "--output"])
        .arg(&public)
        .assert()
        .success();
    let slug = "han-dong-two-michaels";
    let original = std::fs::read_to_string(public.join(slug).join("original.txt")).unwrap();
    let corrected = std::fs::read_to_string(public.join(slug).join("corrected.txt")).unwrap();
    // "security" was restored from "safety": in the corrected text, not the original.
    assert!(corrected.contains("security") && !original.contains("security"));
    let found = lookup(&public, "security");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, slug);
    // Each passage it names is a row (or note) of the page that contains the word.
    let page = html(&public.join(slug).join("index.html"));
    for anchor in &found[0].1 {
        let text: String = if anchor.starts_with('p') {
            one(&page, &format!(".cell.corr#{anchor}")).text().collect()
        } else {
            one(&page, &format!("li#{anchor}")).text().collect()
        };
        assert!(text.to_lowercase().contains("security"), "{anchor}: {text}");
    }
}

/// Runs the search page in headless Chromium and returns the rendered DOM.
/// The tests that call it are ignored (and counted so) where the build
/// script found no Chromium (see build.rs).
fn browser_search(public: &Path, query: &str) -> scraper::Html {
    let chromium = option_env!("EMEND_TEST_CHROMIUM").unwrap_or_else(|| {
        panic!("no Chromium was found when the tests were built (apt-get install chromium, or set CHROMIUM; then `touch build.rs`)")
    });
    let profile = tempfile::tempdir().unwrap();
    let url = format!(
        "file://{}?q={}",
        public.join("search/index.html").display(),
        query.replace(' ', "+")
    );
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    scraper::Html::parse_document(&String::from_utf8_lossy(&out.stdout))
}

fn results(doc: &scraper::Html) -> (String, Vec<(String, String)>) {
    let status: String = one(doc, ".search-status").text().collect();
    let hits = all(doc, ".search-results li")
        .iter()
        .map(|li| {
            let a = li.select(&sel("h2 a")).next().unwrap();
            let marks: Vec<String> = li
                .select(&sel(".snippet mark"))
                .map(|m| m.text().collect())
                .collect();
            (a.value().attr("href").unwrap().to_string(), marks.join(","))
        })
        .collect();
    (status, hits)
}

#[test]
#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium: apt-get install chromium (or set CHROMIUM), then touch build.rs"
)]
fn search_js_in_a_real_browser_finds_the_seed_article_from_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("site");
    emend(&repo())
        .args(["build", "--base-url", SUB, "--output"])
        .arg(&public)
        .assert()
        .success();
    let doc = browser_search(&public, "Security");
    let (status, hits) = results(&doc);
    assert_eq!(status, "1 edition matches “Security”.");
    assert_eq!(hits.len(), 1);
    let (href, marks) = &hits[0];
    let anchor = href
        .strip_prefix("../han-dong-two-michaels/index.html#")
        .unwrap_or_else(|| panic!("{href}"));
    assert!(marks.to_lowercase().contains("security"), "{marks}");
    // The link goes to the passage that has the word.
    let page = html(&public.join("han-dong-two-michaels/index.html"));
    let row: String = one(&page, &format!(".cell.corr#{anchor}")).text().collect();
    assert!(row.contains("security"), "{anchor}: {row}");
    // A garbled word that the edition corrected away is not found.
    let doc = browser_search(&public, "nationwide");
    assert_eq!(
        results(&doc),
        ("No results for “nationwide”.".to_string(), vec![])
    );
}

#[test]
#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium: apt-get install chromium (or set CHROMIUM), then touch build.rs"
)]
fn search_js_ranks_and_links_results_across_editions() {
    let site = fixture("basic");
    build_args(site.path(), &["--base-url", SUB]);
    let public = site.path().join("public");
    // Both words must occur; "part" also matches "party" as a prefix.
    let doc = browser_search(&public, "loudly part");
    assert_eq!(
        results(&doc),
        (
            "1 edition matches “loudly part”.".to_string(),
            vec![(
                "../beta/index.html#p2".to_string(),
                "loudly,Party".to_string()
            )]
        )
    );
    let doc = browser_search(&public, "liberal");
    let hrefs: Vec<String> = results(&doc).1.into_iter().map(|(h, _)| h).collect();
    assert_eq!(hrefs, ["../alpha/index.html#p2", "../beta/index.html#p2"]);
}

/// A site of 130 editions (more than a term's weighted postings keep) that
/// all have "inquiry"; a007 has it in six passages, a042 in its title and one
/// passage, and a100..a104 also have "zebra". Dates tie, so index order is slug order.
fn many_editions_site() -> tempfile::TempDir {
    many_editions_site_with("")
}

/// [`many_editions_site`], built once for the tests that only read it: its
/// output folder.
fn many_editions_built() -> &'static Path {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, public) = BUILT.get_or_init(|| {
        let site = many_editions_site();
        build_args(site.path(), &[]);
        let public = site.path().join("public");
        (site, public)
    });
    public
}

/// [`many_editions_site`] with more lines in `site.yaml`.
fn many_editions_site_with(settings: &str) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(
        site.path().join("site.yaml"),
        format!("title: Many\nbase_url: \"{SUB}\"\n{settings}"),
    )
    .unwrap();
    for i in 0..130 {
        let slug = format!("a{i:03}");
        let dir = site.path().join("content").join(&slug);
        std::fs::create_dir_all(&dir).unwrap();
        let mut text = format!("The inquiry sat on day {i}.\n\nWitnesses spoke.\n");
        if i == 7 {
            for k in 0..5 {
                text.push_str(&format!("\nThe inquiry heard witness {k}.\n"));
            }
        }
        if (100..105).contains(&i) {
            text.push_str("\nA zebra was mentioned.\n");
        }
        std::fs::write(dir.join("original.txt"), text).unwrap();
        let title = if i == 42 {
            "Inquiry report".to_string()
        } else {
            format!("Day {i}")
        };
        std::fs::write(
            dir.join("meta.yaml"),
            format!("title: \"{title}\"\npublished: 2024-01-01\n"),
        )
        .unwrap();
        std::fs::write(dir.join("corrections.yaml"), "").unwrap();
    }
    site
}

#[test]
fn a_common_term_keeps_every_edition_and_ranks_the_heaviest_first() {
    let public = many_editions_built();
    // A term in every edition is a bitmap plus the heaviest editions' weights.
    let (postings, docs) = postings_of(public, "inquiry").unwrap();
    assert_eq!(docs, 130);
    assert!(decode_postings(&postings, docs).1, "{postings}");
    let found = lookup(public, "inquiry");
    assert_eq!(found.len(), 130);
    assert_eq!(
        found[7],
        (
            "a007".to_string(),
            ["p1", "p3", "p4", "p5", "p6", "p7"]
                .map(String::from)
                .to_vec()
        )
    );
    assert_eq!(
        found[42],
        ("a042".to_string(), vec![String::new(), "p1".to_string()])
    );
    let zebra: Vec<String> = lookup(public, "zebra")
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(zebra, ["a100", "a101", "a102", "a103", "a104"]);
}

#[test]
#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium: apt-get install chromium (or set CHROMIUM), then touch build.rs"
)]
fn the_search_page_ranks_and_intersects_a_common_term_in_a_real_browser() {
    let public = many_editions_built();
    let doc = browser_search(public, "inquiry");
    let (status, hits) = results(&doc);
    assert_eq!(
        status,
        "130 editions match “inquiry”; the best 20 are shown."
    );
    let hrefs: Vec<&str> = hits.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(hrefs.len(), 20);
    // Six passages, then a title (three) and a passage, then index order.
    assert_eq!(hrefs[0], "../a007/index.html#p1");
    assert_eq!(hrefs[1], "../a042/index.html#p1");
    let rest: Vec<String> = [
        0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
    ]
    .iter()
    .map(|i| format!("../a{i:03}/index.html#p1"))
    .collect();
    assert_eq!(hrefs[2..], rest);
    assert!(hits.iter().all(|(_, marks)| marks == "inquiry"), "{hits:?}");
    // Both words must occur: the common one's bitmap meets the rare one's list.
    let doc = browser_search(public, "zebra inquiry");
    let (status, hits) = results(&doc);
    assert_eq!(status, "5 editions match “zebra inquiry”.");
    let hrefs: Vec<&str> = hits.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        hrefs,
        [100, 101, 102, 103, 104]
            .map(|i| format!("../a{i}/index.html#p1"))
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
}

/// The slugs an index page lists, in order.
fn listed(page: &scraper::Html) -> Vec<String> {
    all(page, ".article-list .article-item h2 a")
        .iter()
        .map(|a| {
            let href = a.value().attr("href").unwrap();
            href.trim_start_matches("../")
                .split('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn link_rel(page: &scraper::Html, rel: &str) -> Option<String> {
    all(page, &format!("head link[rel={rel}]"))
        .first()
        .map(|l| l.value().attr("href").unwrap().to_string())
}

#[test]
fn the_index_is_paginated_with_prev_next_links_and_the_home_page_first() {
    let site = many_editions_site_with("paginate_by: 50\n");
    build_args(site.path(), &[]);
    let public = site.path().join("public");
    let slugs = |r: std::ops::Range<usize>| r.map(|i| format!("a{i:03}")).collect::<Vec<_>>();

    let first = html(&public.join("index.html"));
    assert_eq!(listed(&first), slugs(0..50));
    assert_eq!(link_rel(&first, "prev"), None);
    assert_eq!(
        link_rel(&first, "next").as_deref(),
        Some("page/2/index.html")
    );
    assert_eq!(link_rel(&first, "canonical").as_deref(), Some(SUB));
    assert_eq!(one(&first, "title").text().collect::<String>(), "Many");
    assert_eq!(
        one(&first, "ol.article-list").value().attr("start"),
        Some("130")
    );
    let nav: Vec<(String, Option<String>)> = all(&first, "nav.pagination a")
        .iter()
        .map(|a| (a.text().collect(), a.value().attr("href").map(String::from)))
        .collect();
    assert_eq!(
        nav,
        [
            ("Older".to_string(), Some("page/2/index.html".to_string())),
            ("Last".to_string(), Some("page/3/index.html".to_string()))
        ]
    );
    assert_eq!(
        one(&first, "nav.pagination [aria-current=page]")
            .text()
            .collect::<String>(),
        "Page 1 of 3"
    );

    let second = html(&public.join("page/2/index.html"));
    assert_eq!(listed(&second), slugs(50..100));
    assert_eq!(
        link_rel(&second, "prev").as_deref(),
        Some("../../index.html")
    );
    assert_eq!(
        link_rel(&second, "next").as_deref(),
        Some("../../page/3/index.html")
    );
    assert_eq!(
        link_rel(&second, "canonical"),
        Some(format!("{SUB}page/2/"))
    );
    assert_eq!(
        one(&second, "title").text().collect::<String>(),
        "Many (page 2)"
    );
    assert_eq!(
        one(&second, "ol.article-list").value().attr("start"),
        Some("80")
    );
    assert_eq!(
        all(&second, ".article-item h2 a")[0].value().attr("href"),
        Some("../../a050/index.html")
    );

    let last = html(&public.join("page/3/index.html"));
    assert_eq!(listed(&last), slugs(100..130));
    assert_eq!(link_rel(&last, "next"), None);
    assert_eq!(
        link_rel(&last, "prev").as_deref(),
        Some("../../page/2/index.html")
    );
    // The home page is the first page: there is no page/1/.
    assert!(!public.join("page/1").exists());
    assert!(!public.join("page/4").exists());
    // Every page link resolves, from disk too.
    let report = check(
        &scan(&public),
        &CheckOptions {
            base_url: SUB.into(),
            file_browsing: true,
        },
    );
    assert!(report.broken.is_empty(), "{:#?}", report.broken);
}

#[test]
fn paginate_by_zero_lists_everything_on_the_home_page_and_the_default_is_fifty() {
    let site = many_editions_site_with("paginate_by: 0\n");
    build_args(site.path(), &[]);
    let public = site.path().join("public");
    let index = html(&public.join("index.html"));
    assert_eq!(listed(&index).len(), 130);
    assert!(all(&index, "nav.pagination").is_empty());
    assert_eq!(link_rel(&index, "next"), None);
    assert_eq!(one(&index, "ol.article-list").value().attr("start"), None);
    assert!(!public.join("page").exists());

    let site = many_editions_site_with("pretty_links: true\n");
    build_args(site.path(), &[]);
    let public = site.path().join("public");
    let index = html(&public.join("index.html"));
    assert_eq!(listed(&index).len(), 50);
    assert_eq!(link_rel(&index, "next").as_deref(), Some("page/2/"));
    let third = html(&public.join("page/3/index.html"));
    assert_eq!(listed(&third).len(), 30);
    assert_eq!(link_rel(&third, "prev").as_deref(), Some("../../page/2/"));
    let second = html(&public.join("page/2/index.html"));
    assert_eq!(link_rel(&second, "prev").as_deref(), Some("../../"));
}

#[test]
fn exports_a_site_turns_off_are_neither_written_nor_linked() {
    let site = fixture("basic");
    let yaml = site.path().join("site.yaml");
    let mut settings = std::fs::read_to_string(&yaml).unwrap();
    settings.push_str(
        "exports:\n  edition_json: false\n  annotations: false\n  editions_json: false\n",
    );
    std::fs::write(&yaml, &settings).unwrap();
    build_args(site.path(), &["--base-url", SUB]);
    let public = site.path().join("public");
    for slug in ["alpha", "beta"] {
        assert!(!public.join(slug).join("edition.json").exists());
        assert!(!public.join(slug).join("annotations.jsonld").exists());
        let ext = if slug == "beta" { "md" } else { "txt" };
        assert!(public.join(slug).join(format!("original.{ext}")).exists());
        assert!(public.join(slug).join(format!("corrected.{ext}")).exists());
        let page = html(&public.join(slug).join("index.html"));
        let hrefs: Vec<&str> = all(&page, "a[href], link[href]")
            .iter()
            .filter_map(|a| a.value().attr("href"))
            .collect();
        // cite.json (the citation) stays: it is not one of these exports.
        let off = ["edition.json", "editions.json", "annotations.jsonld"];
        assert!(
            !hrefs.iter().any(|h| off.iter().any(|f| h.ends_with(f))),
            "{hrefs:?}"
        );
        assert!(hrefs.contains(&"cite.json"), "{hrefs:?}");
        assert!(
            hrefs.contains(&format!("original.{ext}").as_str()),
            "{hrefs:?}"
        );
    }
    assert!(!public.join("editions.json").exists());
    let report = check(
        &scan(&public),
        &CheckOptions {
            base_url: SUB.into(),
            file_browsing: true,
        },
    );
    assert!(report.broken.is_empty(), "{:#?}", report.broken);

    // With the texts off too, nothing links to them.
    let settings = settings.replace("exports:\n", "exports:\n  texts: false\n");
    std::fs::write(&yaml, &settings).unwrap();
    build_args(site.path(), &["--base-url", SUB]);
    assert!(!public.join("alpha/original.txt").exists());
    assert!(!public.join("alpha/corrected.txt").exists());
    let page = html(&public.join("alpha/index.html"));
    assert!(all(&page, "a[href$='.txt']").is_empty());
    assert_eq!(all(&page, "nav.ed-links a").len(), 1);

    // Only the annotations off: edition.json is written and no longer links to them.
    let settings = settings
        .replace("  texts: false\n", "")
        .replace("  edition_json: false\n", "");
    std::fs::write(&yaml, &settings).unwrap();
    build_args(site.path(), &["--base-url", SUB]);
    let edition = json(&public.join("alpha/edition.json"));
    assert!(edition.get("annotations_url").is_none(), "{edition}");
    assert!(edition["original"]["url"].is_string());
    for note in edition["annotations"].as_array().unwrap() {
        assert!(note.get("annotation").is_none(), "{note}");
        assert!(note["url"].is_string());
    }
}

#[test]
fn the_bundled_site_builds_valid_output_under_a_sub_path() {
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("site");
    emend(&repo())
        .args(["build", "--base-url", SUB, "--output"])
        .arg(&public)
        .assert()
        .success();
    let report = check(
        &scan(&public),
        &CheckOptions {
            base_url: SUB.into(),
            file_browsing: true,
        },
    );
    assert!(report.broken.is_empty(), "{:#?}", report.broken);
    assert!(report.fragments > 300, "{}", report.fragments);
    let slug = "han-dong-two-michaels";
    let feed = validate_feed(&public);
    // The edition, and one entry per revision of it.
    let revisions = json(&public.join(slug).join("edition.json"))["revisions"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(feed.all("entry").len(), 1 + revisions);
    // The home page, the methodology page, the edition and its reading view.
    assert_eq!(validate_sitemap(&public).len(), 4);
    let edition = validate_edition_json(&public, slug);
    assert!(edition["corrections"].as_array().unwrap().len() > 100);
    let annotations = validate_annotations(&public, slug);
    assert!(annotations["total"].as_u64().unwrap() >= 20);
    let ld = validate_news_article(&public, slug);
    assert!(
        ld["isBasedOn"]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://globalnews.ca/")
    );
    let index = json(&public.join("editions.json"));
    assert_eq!(index["editions"][0]["slug"], slug);
}

#[test]
fn the_bundled_site_passes_the_link_check() {
    let out = emend(&repo()).args(["check", "--links"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("Links: "), "{stderr}");
}
