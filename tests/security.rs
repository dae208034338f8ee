//! Security: hostile content is rendered inert, links out of the site are
//! refused, and the output folder guard never lets a build delete or rewrite
//! what emend did not create. Every page is parsed (scraper) and checked
//! element by element and attribute by attribute, never by string search.

#[path = "../fuzz/src/check.rs"]
mod check;
mod common;

use std::path::Path;

use common::*;
use scraper::{ElementRef, Html};

/// Payloads placed in every field content reaches a page through.
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "\"><svg onload=alert(3)>",
    "' onmouseover='alert(4)' x='",
    "javascript:alert(5)",
    "<a href=\"javascript:alert(6)\">six</a>",
    "<style>body{display:none}</style>",
    "</textarea><iframe src=//evil.example>",
    "{{ 7*7 }} {% if true %}T{% endif %} {# hidden #} {{ site.title }}",
    "&lt;script&gt; &amp;",
];

fn y(s: &str) -> String {
    serde_json::to_string(s).unwrap() // a JSON string is a YAML double-quoted scalar
}

fn all_payloads() -> String {
    PAYLOADS.join(" | ")
}

/// A site with hostile text in originals, corrections, notes, titles and URLs.
fn hostile_site(root: &Path) {
    let p = all_payloads();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "site.yaml",
        &format!(
            "title: {}\ndescription: {}\npublisher: {}\nbase_url: \"https://example.org/ed/\"\n",
            y(&format!("Site {}", PAYLOADS[8])),
            y(&p),
            y(&p)
        ),
    );
    let meta = format!(
        "title: {}\nsource: {}\nsource_url: \"https://example.org/{{{{x}}}}/?q=javascript:alert(7)\"\nauthor: {}\nsummary: {}\ntags: [{}]\npublished: 2023-03-22\n",
        y(&format!("Title {}", PAYLOADS[8])),
        y(&p),
        y(&p),
        y(&p),
        y(PAYLOADS[0])
    );
    let lines: Vec<String> = PAYLOADS
        .iter()
        .map(|x| format!("Line: {x} mentioned."))
        .collect();
    write("content/plain/meta.yaml", &meta);
    write("content/plain/original.txt", &lines.join("\n"));
    let corrections = format!(
        "- find: \"Line: {{{{ 7*7 }}}}\"\n  replace: {}\n  why: {}\n- find: mentioned\n  replace: {}\n  all: true\n  why: {}\n",
        y(PAYLOADS[1]),
        y(&p),
        y(PAYLOADS[2]),
        y(PAYLOADS[3])
    );
    write("content/plain/corrections.yaml", &corrections);
    let note = [
        "Note with raw HTML <script>alert(8)</script> <img src=x onerror=alert(9)> <b onclick=alert(10)>b</b>",
        "",
        "[a](javascript:alert(11)) [b](JaVaScRiPt:alert(12)) [c](java&#x09;script:alert(13))",
        "[d](&#106;avascript:alert(14)) <javascript:alert(15)> [e](vbscript:msgbox(16))",
        "[f](data:text/html;base64,PHNjcmlwdD5hbGVydCgxNyk8L3NjcmlwdD4=) [g][r] ![h](data:image/svg+xml,<svg/onload=alert(18)>)",
        "",
        "[r]: javascript:alert(19)",
        "",
        "{{ 7*7 }} {% raw %} <style>p{color:red}</style>",
    ]
    .join("\n");
    let annotations = format!(
        "- quote: \"Line: <script>\"\n  on: original\n  note: {}\n  sources:\n    - title: {}\n      url: \"https://example.org/?q=%3Cscript%3E\"\n      publisher: {}\n- quote: {}\n  occurrence: 1\n  note: {}\n",
        y(&note),
        y(&p),
        y(&p),
        y(PAYLOADS[2]),
        y(&p)
    );
    write("content/plain/annotations.yaml", &annotations);
    let md = format!(
        "# Heading {}\n\n{}\n\n<div onclick=\"alert(20)\">raw block</div>\n\n[a](javascript:alert(21)) <vbscript:x> [b](  javascript:alert(22) ) ![c](javascript:alert(23))\n\n```html\n<script>alert(24)</script>\n```\n\n| `<img onerror=alert(25)>` | <b onmouseover=alert(26)>x</b> |\n|---|---|\n| {} | mentioned |\n\nA claim mentioned.[^1]\n\n[^1]: Footnote <script>alert(27)</script> [x](javascript:alert(28)).\n",
        PAYLOADS[0],
        lines.join("\n\n"),
        PAYLOADS[8]
    );
    write("content/markdown/meta.yaml", &meta);
    write("content/markdown/original.md", &md);
    write(
        "content/markdown/corrections.yaml",
        &format!(
            "- find: mentioned\n  replace: {}\n  all: true\n  why: {}\n",
            y(PAYLOADS[5]),
            y(&p)
        ),
    );
}

/// Whether a URL would run script or embed content in a browser: its scheme,
/// compared the way browsers do (case-insensitive, ignoring whitespace and
/// control characters).
fn is_script_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "data:", "vbscript:"]
        .iter()
        .any(|s| cleaned.starts_with(s))
}

const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "background",
    "cite",
    "data",
    "xlink:href",
];

/// Whether a script element is the theme's JSON-LD block: data, not code, and
/// written so no content can end it early (`<` escaped) or stop it parsing.
fn is_inert_json_ld(kind: Option<&str>, src: &str, inline: &str) -> bool {
    kind == Some("application/ld+json")
        && src.is_empty()
        && !inline.contains('<')
        && serde_json::from_str::<serde_json::Value>(inline).is_ok()
}

/// Everything a page may contain that could run script, restyle the page,
/// load foreign content or navigate, that does not come from the theme.
fn inert_problems(rel: &str, doc: &Html) -> Vec<String> {
    let mut problems = Vec::new();
    for node in doc.tree.nodes() {
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        let name = el.value().name();
        for (attr, value) in el.value().attrs() {
            if attr.to_ascii_lowercase().starts_with("on") {
                problems.push(format!("{rel}: <{name} {attr}={value:?}>"));
            }
            // The theme places the edition's passages with numeric custom
            // properties (`--rows: 46`, `--at: 3`); any other style attribute
            // would be CSS from content.
            if attr.eq_ignore_ascii_case("style") && !check::is_theme_grid_style(value) {
                problems.push(format!("{rel}: <{name} style={value:?}>"));
            }
            if URL_ATTRIBUTES.contains(&attr.to_ascii_lowercase().as_str()) && is_script_url(value)
            {
                problems.push(format!("{rel}: <{name} {attr}={value:?}>"));
            }
        }
        match name {
            "script" => {
                let src = el.value().attr("src").unwrap_or("");
                let inline: String = el.text().collect();
                let theme_script = ["edition.js", "search.js", "cite.js"]
                    .iter()
                    .any(|js| src.ends_with(js))
                    && !src.contains(':')
                    && inline.is_empty();
                if !theme_script && !is_inert_json_ld(el.value().attr("type"), src, &inline) {
                    problems.push(format!("{rel}: script src={src:?} {inline:?}"));
                }
            }
            // The theme's search box: a plain GET form to the search page.
            "form"
                if matches!(
                    el.value().attr("class"),
                    Some("site-search" | "search-form")
                ) && el.value().attr("method").is_none() => {}
            "style" | "iframe" | "frame" | "object" | "embed" | "form" | "base" | "svg"
            | "math" | "textarea" | "template" => {
                problems.push(format!("{rel}: <{name}> element"));
            }
            "meta" if el.value().attr("http-equiv").is_some() => {
                problems.push(format!("{rel}: <meta http-equiv>"));
            }
            "link" => {
                let rels = el.value().attr("rel").unwrap_or("");
                if !matches!(rels, "canonical" | "icon" | "stylesheet" | "alternate") {
                    problems.push(format!("{rel}: <link rel={rels:?}>"));
                }
            }
            _ => {}
        }
    }
    problems
}

#[test]
fn hostile_content_is_rendered_inert() {
    let tmp = tempfile::tempdir().unwrap();
    hostile_site(tmp.path());
    build(tmp.path());
    let public = tmp.path().join("public");
    let mut pages = 0;
    let mut problems = Vec::new();
    for (rel, bytes) in snapshot_dir(&public) {
        if !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let doc = Html::parse_document(&String::from_utf8(bytes).unwrap());
        problems.extend(inert_problems(&rel, &doc));
        // Template syntax in content is text, never evaluated.
        for node in doc.tree.nodes() {
            if let scraper::Node::Text(t) = node.value()
                && t.contains("49")
            {
                problems.push(format!("{rel}: `{{{{ 7*7 }}}}` was evaluated: {:?}", &**t));
            }
        }
    }
    assert_eq!(
        pages, 8,
        "index, 404, search, glossary and two pages per article"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The payloads are there, as text: escaped, not dropped.
    let page = html(&public.join("plain/index.html"));
    assert_eq!(
        one(&page, "h1").text().collect::<String>(),
        format!("Title {}", PAYLOADS[8])
    );
    assert_eq!(
        one(&page, "title").text().collect::<String>(),
        format!("Title {} · Site {}", PAYLOADS[8], PAYLOADS[8])
    );
    assert_eq!(
        one(&page, ".site-title").text().collect::<String>(),
        format!("Site {}", PAYLOADS[8])
    );
    let rows = passages(&page);
    assert_eq!(rows.len(), PAYLOADS.len());
    for ((orig, _), payload) in rows.iter().zip(PAYLOADS) {
        let orig = text_without(orig.select(&sel("p")).next().unwrap(), "sup.nref");
        assert_eq!(orig, format!("Line: {payload} mentioned."));
    }
    let corr = text_without(rows[0].1.select(&sel("p")).next().unwrap(), "sup");
    assert_eq!(corr, format!("Line: {} {}.", PAYLOADS[0], PAYLOADS[2]));
    let byline = one(&page, ".byline a");
    assert_eq!(
        byline.value().attr("href"),
        Some("https://example.org/{{x}}/?q=javascript:alert(7)")
    );
    // Unsafe links in notes keep their text and lose their URL.
    let note = one(&page, "#note-1");
    let note_text: String = note.text().collect();
    for visible in ["a", "b", "c", "d", "e", "f", "<script>alert(8)</script>"] {
        assert!(
            note_text.contains(visible),
            "{visible:?} missing from {note_text:?}"
        );
    }
    let hrefs: Vec<&str> = note
        .select(&sel("a"))
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        hrefs
            .iter()
            .all(|h| h.starts_with('#') || h.starts_with("https://")),
        "{hrefs:?}"
    );
}

/// Controls other than tab, LF and CR, and noncharacters: no HTML or XML
/// document may carry them (an XML parser rejects the whole file).
fn document_cannot_carry(c: char) -> bool {
    let u = u32::from(c);
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&u)
        || u & 0xFFFE == 0xFFFE
}

#[test]
fn characters_no_document_can_carry_never_reach_one() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    // Escapes in double-quoted YAML, raw in the original.
    let odd = "\\u001b[31m \\u0007 \\u0085 \\uFFFE \\uFDD0";
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "site.yaml",
        &format!(
            "title: \"Site {odd}\"\ndescription: \"D {odd}\"\nbase_url: \"https://example.org/\"\n"
        ),
    );
    write(
        "content/a/meta.yaml",
        &format!("title: \"Title {odd}\"\nsummary: \"Summary {odd}\"\nsource: \"S {odd}\"\n"),
    );
    write(
        "content/a/original.txt",
        "The MP mentioned \u{1b}[0m it \u{7}.\n\nSecond \u{fffe} paragraph.\n",
    );
    write(
        "content/a/corrections.yaml",
        &format!("- find: mentioned\n  replace: \"said {odd}\"\n  why: \"W {odd}\"\n"),
    );
    write(
        "content/a/annotations.yaml",
        &format!("- quote: Second\n  on: original\n  note: \"N {odd}\"\n"),
    );
    build(root);
    let mut checked = Vec::new();
    for (rel, bytes) in snapshot_dir(&root.join("public")) {
        if !(rel.ends_with(".html") || rel.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        let bad: Vec<char> = text.chars().filter(|&c| document_cannot_carry(c)).collect();
        assert!(bad.is_empty(), "{rel} carries {bad:?}");
        checked.push(rel);
    }
    // The feed and the sitemap are among them, and the feed still reads.
    assert!(checked.contains(&"atom.xml".to_string()), "{checked:?}");
    assert!(checked.contains(&"sitemap.xml".to_string()), "{checked:?}");
    let feed = std::fs::read_to_string(root.join("public/atom.xml")).unwrap();
    assert!(feed.contains("Title \u{fffd}[31m"), "{feed}");
}

#[test]
fn script_urls_in_metadata_and_sources_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("content/a")).unwrap();
    std::fs::write(
        root.join("site.yaml"),
        "title: T\nbase_url: \"https://e.org/\"\n",
    )
    .unwrap();
    std::fs::write(root.join("content/a/original.txt"), "Text here.").unwrap();
    std::fs::write(
        root.join("content/a/meta.yaml"),
        "title: T\nsource_url: \" JavaScript:alert(1)\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/a/annotations.yaml"),
        "- quote: Text\n  note: n\n  sources:\n    - title: S\n      url: \"data:text/html,<script>alert(1)</script>\"\n    - title: S\n      url: \"https://e.org/\\\" onmouseover=\\\"alert(1)\"\n",
    )
    .unwrap();
    let out = emend(root)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<(&str, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["line"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(
        codes,
        [("bad-url", 5), ("bad-url", 7), ("bad-url", 2)],
        "{json}"
    );
    // and the base URL
    std::fs::write(
        root.join("site.yaml"),
        "title: T\nbase_url: \"javascript:alert(1)//\"\n",
    )
    .unwrap();
    let out = emend(root).arg("check").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[bad-url]"));
}

#[test]
fn links_inside_the_site_are_followed_and_hidden_folders_ignored() {
    let site = fixture("basic");
    let root = site.path();
    // A shared text elsewhere in the site, linked into an article: allowed.
    std::fs::create_dir_all(root.join("shared")).unwrap();
    std::fs::rename(
        root.join("content/alpha/original.txt"),
        root.join("shared/alpha.txt"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        "../../shared/alpha.txt",
        root.join("content/alpha/original.txt"),
    )
    .unwrap();
    // Folders whose names start with dots are not articles, and nothing of them is published.
    for hidden in ["..x", ".git"] {
        std::fs::create_dir_all(root.join("content").join(hidden)).unwrap();
        std::fs::write(
            root.join("content").join(hidden).join("meta.yaml"),
            "title: H\n",
        )
        .unwrap();
        std::fs::write(
            root.join("content").join(hidden).join("original.txt"),
            "secret",
        )
        .unwrap();
    }
    build(root);
    let files: Vec<String> = snapshot_dir(&root.join("public"))
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert!(files.contains(&"alpha/original.txt".to_string()));
    assert!(
        files
            .iter()
            .all(|f| !f.contains("..") && !f.starts_with(".git")),
        "{files:?}"
    );
    assert_eq!(
        std::fs::read(root.join("public/alpha/original.txt")).unwrap(),
        std::fs::read(root.join("shared/alpha.txt")).unwrap()
    );
}

/// Runs `emend build --output <out>` in `cwd` with `HOME=<home>`; returns
/// (exit code, stderr).
fn build_into(cwd: &Path, root: &Path, out: &Path, home: &Path) -> (Option<i32>, String) {
    let o = emend(cwd)
        .env("HOME", home)
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(out)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn the_output_guard_refuses_folders_emend_did_not_create() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let root = tmp.path().join("work/edition");
    copy_dir(&repo().join("tests/fixtures/basic"), &root);
    std::fs::create_dir_all(home.join("Documents")).unwrap();
    std::fs::write(home.join("Documents/taxes.txt"), "private").unwrap();
    std::fs::write(home.join(".bashrc"), "export X=1").unwrap();
    std::fs::create_dir_all(root.join("docs")).unwrap();
    std::fs::write(root.join("docs/notes.md"), "mine").unwrap();
    std::fs::create_dir_all(tmp.path().join("elsewhere/deep")).unwrap();
    std::os::unix::fs::symlink(&home, root.join("home-link")).unwrap();
    let before = snapshot_dir(tmp.path());
    let refusals = [
        (home.clone(), "it is (or contains) your home folder"),
        (
            root.join("home-link"),
            "it is (or contains) your home folder",
        ),
        (home.join("Documents"), "was not created by emend"),
        (root.clone(), "it contains the site"),
        (root.join(".."), "it contains the site"),
        (home.join("../work"), "it contains the site"),
        (root.join("content"), "inside the site's `content/` folder"),
        (
            root.join("public/../content"),
            "inside the site's `content/` folder",
        ),
        (
            root.join("content/alpha/out"),
            "inside the site's `content/` folder",
        ),
        (
            root.join("content/alpha/original.txt"),
            "inside the site's `content/` folder",
        ),
        (
            root.join("themes/default"),
            "inside the site's `themes/` folder",
        ),
        (root.join("docs"), "was not created by emend"),
        (root.join("site.yaml"), "it exists and is not a folder"),
        (std::path::PathBuf::from("/"), "it is the filesystem root"),
    ];
    for (out, why) in &refusals {
        let (code, stderr) = build_into(&root, &root, out, &home);
        assert_eq!(code, Some(1), "{} accepted:\n{stderr}", out.display());
        assert!(
            stderr.contains("refusing to use") && stderr.contains(why),
            "{}: {stderr}",
            out.display()
        );
        // Nothing changed, and nothing was created next to it (no staging folder).
        assert_eq!(
            snapshot_dir(tmp.path()),
            before,
            "{} changed files",
            out.display()
        );
    }
    // The working directory may not be inside the output either.
    let cwd = tmp.path().join("elsewhere/deep");
    let (code, stderr) = build_into(&cwd, &root, &tmp.path().join("elsewhere"), &home);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("it contains the current working directory"),
        "{stderr}"
    );
    assert_eq!(snapshot_dir(tmp.path()), before);
    let listing = |d: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(listing(&home), [".bashrc", "Documents"]);

    // An empty folder becomes emend's, and only then may be replaced.
    let mine = home.join("Documents/edition-site");
    std::fs::create_dir(&mine).unwrap();
    let (code, stderr) = build_into(&root, &root, &mine, &home);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(mine.join(".emend-output").is_file());
    let (code, _) = build_into(&root, &root, &mine, &home);
    assert_eq!(code, Some(0));
    assert_eq!(
        std::fs::read_to_string(home.join("Documents/taxes.txt")).unwrap(),
        "private"
    );
    // Beside the output, only its build cache (docs/build-cache.md).
    assert_eq!(
        listing(&home.join("Documents")),
        [".edition-site.emend-cache", "edition-site", "taxes.txt"]
    );
}
