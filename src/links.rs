//! The link checker: every internal link and `#fragment` of a built site must
//! resolve inside the output.
//!
//! Files are scanned as they are written (through [`Collector`], a [`Sink`] that
//! keeps only the links and ids of each file, never the bytes) or read back from
//! a folder ([`Collector::add_dir`]). [`check`] then resolves every link the way
//! a browser would, against the page it appears on and the site's base URL:
//!
//! - relative links (`../style.css`, `corrected/index.html#note-2`);
//! - root-relative links (`/project/style.css`): they must stay under the base
//!   URL's path, and, because they break when the site is opened from disk, are
//!   accepted only in `404.html` unless the site uses `pretty_links`;
//! - absolute URLs under `base_url` (canonical links, `og:url`, sitemap, feed,
//!   JSON exports);
//! - fragments, against the `id`s (and `<a name>`s) of the target page.
//!
//! Links to other hosts are collected and checked over HTTP only on request
//! ([`check_external`]).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic};
use crate::writer::{MARKER, Sink};

/// A link found in an output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The URL as written (entities decoded).
    pub url: String,
    /// 1-based line in the file.
    pub line: usize,
}

/// What the checker keeps of one output file.
#[derive(Debug, Clone, Default)]
pub struct FileLinks {
    /// Fragment targets (`id`s and `<a name>`s); `None` for files that are not HTML.
    pub ids: Option<HashSet<String>>,
    /// Links to check.
    pub links: Vec<Link>,
    /// `id`s that occur more than once (a fragment link to them is ambiguous).
    pub duplicate_ids: Vec<Link>,
}

/// The scanned output: site-relative path (`alpha/index.html`) → links and ids.
#[derive(Debug, Default)]
pub struct Collector {
    base_url: String,
    files: Mutex<BTreeMap<String, FileLinks>>,
}

impl Collector {
    /// A collector for a site published at `base_url` (absolute, ending in `/`).
    pub fn new(base_url: &str) -> Self {
        Collector {
            base_url: base_url.to_string(),
            files: Mutex::new(BTreeMap::new()),
        }
    }

    /// Scans one file.
    pub fn add(&self, rel: &str, bytes: &[u8]) {
        let scanned = scan(rel, bytes, &self.base_url);
        if let Ok(mut files) = self.files.lock() {
            files.insert(rel.to_string(), scanned);
        }
    }

    /// Scans every file of a built output folder (emend's marker file aside).
    pub fn add_dir(&self, dir: &Path) -> std::io::Result<()> {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(std::io::Error::other)?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(dir)
                .map_err(std::io::Error::other)?
                .to_string_lossy()
                .replace('\\', "/");
            if rel == MARKER {
                continue;
            }
            self.add(&rel, &std::fs::read(entry.path())?);
        }
        Ok(())
    }

    /// The scanned files.
    pub fn into_files(self) -> BTreeMap<String, FileLinks> {
        self.files.into_inner().unwrap_or_default()
    }
}

impl Sink for Collector {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.add(rel, bytes);
        Ok(())
    }
}

/// How links are judged.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The site's absolute base URL (ends with `/`).
    pub base_url: String,
    /// The site promises to work from disk (`file://`): relative links must name
    /// files (`slug/index.html`, not `slug/`) and only `404.html` may use
    /// root-relative links. Off with `pretty_links`.
    pub file_browsing: bool,
}

/// Why a link does not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The target file is not in the output.
    #[error("`{0}` does not exist in the output")]
    Missing(String),
    /// The target page has no such id.
    #[error("`{target}` has no element with id `{fragment}`")]
    NoFragment {
        /// The page linked to.
        target: String,
        /// The missing id.
        fragment: String,
    },
    /// `..` climbs above the site root.
    #[error("the link leads above the site's root folder")]
    AboveRoot,
    /// A root-relative or absolute link outside the base URL's path.
    #[error("the link leaves the site's base path `{0}`")]
    OutsideBasePath(String),
    /// A root-relative link on a page meant to work from disk.
    #[error("a root-relative link does not work when the site is opened from disk (file://)")]
    RootRelative,
    /// A link to a folder on a page meant to work from disk.
    #[error(
        "a link to a folder shows a folder listing when the site is opened from disk (file://)"
    )]
    FolderLink,
    /// `javascript:` and similar.
    #[error("the link uses an unsafe scheme")]
    UnsafeScheme,
    /// An id used twice on one page.
    #[error("the id `{0}` occurs more than once on the page")]
    DuplicateId(String),
    /// An external link that failed.
    #[error("{0}")]
    External(String),
}

/// One link that does not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// Site-relative path of the file with the link.
    pub file: String,
    /// 1-based line in that file.
    pub line: usize,
    /// The link as written.
    pub url: String,
    /// What is wrong.
    pub problem: Problem,
}

impl Broken {
    /// The user-facing diagnostic (`code`: `broken-link`, or `broken-external-link`).
    pub fn to_diagnostic(&self) -> Diagnostic {
        let code = if matches!(self.problem, Problem::External(_)) {
            Code::BrokenExternalLink
        } else {
            Code::BrokenLink
        };
        let d = Diagnostic::error(
            code,
            format!(
                "{}:{}: link `{}`: {}",
                self.file, self.line, self.url, self.problem
            ),
        );
        match &self.problem {
            Problem::Missing(_) | Problem::NoFragment { .. } => d.help(
                "if the link is in a note or an original, point it at a page that exists; if it comes from a template, fix the template",
            ),
            Problem::RootRelative => d.help(
                "use a relative link (templates: prefix with `{{ page.root }}`), or set `pretty_links: true` if the site is only served by a web server",
            ),
            Problem::FolderLink => d.help(
                "link to `…/index.html` (templates: append `{{ page.index }}`), or set `pretty_links: true` if the site is only served by a web server",
            ),
            Problem::OutsideBasePath(_) | Problem::AboveRoot => {
                d.help("links inside the site must stay under `base_url`; use a relative link")
            }
            Problem::DuplicateId(_) => {
                d.help("give each element a unique id so that `#fragment` links are unambiguous")
            }
            Problem::UnsafeScheme | Problem::External(_) => d,
        }
    }
}

/// The result of a check.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Links that do not resolve, sorted by file and line.
    pub broken: Vec<Broken>,
    /// Internal links checked.
    pub internal: usize,
    /// Of those, links with a fragment checked against the target's ids.
    pub fragments: usize,
    /// Distinct external URLs, each with its first occurrence (file, line).
    pub external: BTreeMap<String, (String, usize)>,
}

/// Resolves every link of every scanned file.
pub fn check(files: &BTreeMap<String, FileLinks>, opts: &CheckOptions) -> Report {
    let mut report = Report::default();
    let base_path = base_path(&opts.base_url);
    for (file, links) in files {
        for dup in &links.duplicate_ids {
            report.broken.push(Broken {
                file: file.clone(),
                line: dup.line,
                url: format!("#{}", dup.url),
                problem: Problem::DuplicateId(dup.url.clone()),
            });
        }
        for link in &links.links {
            let mut fail = |problem| {
                report.broken.push(Broken {
                    file: file.clone(),
                    line: link.line,
                    url: link.url.clone(),
                    problem,
                })
            };
            let target = match classify(&link.url, &opts.base_url, base_path) {
                Kind::Ignored => continue,
                Kind::Unsafe => {
                    fail(Problem::UnsafeScheme);
                    continue;
                }
                Kind::External(url) => {
                    // Fragments never reach the server: one request per document.
                    let url = url.split_once('#').map_or(url.as_str(), |(u, _)| u);
                    report
                        .external
                        .entry(url.to_string())
                        .or_insert_with(|| (file.clone(), link.line));
                    continue;
                }
                Kind::OutsideBase => {
                    fail(Problem::OutsideBasePath(base_path.to_string()));
                    continue;
                }
                Kind::Absolute(rest) => Target {
                    path: rest,
                    relative: false,
                },
                Kind::RootRelative(rest) => {
                    if opts.file_browsing && file != "404.html" {
                        fail(Problem::RootRelative);
                        continue;
                    }
                    Target {
                        path: rest,
                        relative: false,
                    }
                }
                Kind::Relative(rel) => Target {
                    path: rel,
                    relative: true,
                },
            };
            report.internal += 1;
            let (path_part, fragment) = split_fragment(&target.path);
            let joined = if target.relative && path_part.is_empty() {
                // `href=""` and `href="#x"`: this page.
                file.clone()
            } else if target.relative {
                let dir = file.rfind('/').map_or("", |i| &file[..=i]);
                format!("{dir}{path_part}")
            } else {
                path_part.to_string()
            };
            let Some(resolved) = normalize_path(&joined) else {
                fail(Problem::AboveRoot);
                continue;
            };
            let is_folder = resolved.is_empty() || resolved.ends_with('/');
            let target_file = if is_folder {
                format!("{resolved}index.html")
            } else if files.contains_key(&resolved) {
                resolved.clone()
            } else {
                format!("{resolved}/index.html")
            };
            let Some(target_links) = files.get(&target_file) else {
                fail(Problem::Missing(if is_folder {
                    target_file
                } else {
                    resolved
                }));
                continue;
            };
            if target.relative && opts.file_browsing && target_file != resolved {
                fail(Problem::FolderLink);
                continue;
            }
            let Some(fragment) = fragment else { continue };
            let fragment = percent_decode(fragment);
            if fragment.is_empty() || fragment == "top" || fragment.starts_with(":~:") {
                continue;
            }
            if let Some(ids) = &target_links.ids {
                report.fragments += 1;
                if !ids.contains(&fragment) {
                    fail(Problem::NoFragment {
                        target: target_file,
                        fragment,
                    });
                }
            }
        }
    }
    report
        .broken
        .sort_by(|a, b| (&a.file, a.line, &a.url).cmp(&(&b.file, b.line, &b.url)));
    report
}

struct Target {
    path: String,
    relative: bool,
}

enum Kind {
    /// `mailto:`, `tel:`, `data:` and other schemes that name no page.
    Ignored,
    /// `javascript:`, `vbscript:`.
    Unsafe,
    /// Another host (or the same host outside the site, for `http(s)` only).
    External(String),
    /// Same origin as the base URL but outside its path.
    OutsideBase,
    /// Under the base URL: the site-relative rest (with query/fragment).
    Absolute(String),
    /// `/…` under the base path: the site-relative rest.
    RootRelative(String),
    /// Relative to the page.
    Relative(String),
}

fn classify(url: &str, base_url: &str, base_path: &str) -> Kind {
    // Browsers strip ASCII whitespace around URLs in attributes.
    let url = url.trim_matches(|c: char| c.is_ascii_whitespace());
    if let Some(rest) = url.strip_prefix("//") {
        return classify(&format!("https://{rest}"), base_url, base_path);
    }
    if let Some(scheme) = scheme_of(url) {
        let lower = scheme.to_ascii_lowercase();
        let stripped: String = lower.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        if stripped == "javascript" || stripped == "vbscript" {
            return Kind::Unsafe;
        }
        if lower != "http" && lower != "https" {
            return Kind::Ignored;
        }
        if let Some(rest) = strip_prefix_ci(url, base_url) {
            return Kind::Absolute(rest.to_string());
        }
        if url.len() + 1 == base_url.len() && base_url.starts_with(url) {
            // `https://host/project` without the trailing slash.
            return Kind::Absolute(String::new());
        }
        let origin_len = base_url.len() - base_path.len();
        if let Some(rest) = strip_prefix_ci(url, &base_url[..origin_len])
            && (rest.is_empty() || rest.starts_with(['/', '?', '#']))
        {
            return Kind::OutsideBase;
        }
        return Kind::External(url.to_string());
    }
    if url.starts_with('/') {
        return match url.strip_prefix(base_path) {
            Some(rest) => Kind::RootRelative(rest.to_string()),
            None if format!("{url}/") == base_path => Kind::RootRelative(String::new()),
            None => Kind::OutsideBase,
        };
    }
    Kind::Relative(url.to_string())
}

/// The scheme of an absolute URL (`https` of `https://…`), if it has one.
fn scheme_of(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '\t' | '\n')))
    .then_some(scheme)
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// The path of a base URL (`/` or `/project/`).
fn base_path(base_url: &str) -> &str {
    let after = base_url.split_once("://").map_or("", |(_, r)| r);
    after.find('/').map_or("/", |i| &after[i..])
}

/// Splits `path?query#fragment` into the path and the fragment.
fn split_fragment(url: &str) -> (&str, Option<&str>) {
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    (path, fragment)
}

/// Removes `.` and `..` segments and percent-decodes; `None` if `..` climbs
/// above the root. A trailing `/` is kept (it names a folder).
fn normalize_path(path: &str) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            s => out.push(percent_decode(s)),
        }
    }
    let last = path.rsplit('/').next().unwrap_or("");
    let mut joined = out.join("/");
    if matches!(last, "" | "." | "..") && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

/// Decodes `%XX` escapes (invalid escapes stay as written).
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Which scanner a file gets, by name.
fn scan(rel: &str, bytes: &[u8], base_url: &str) -> FileLinks {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" | "htm" => scan_html(bytes),
        "xml" => scan_xml(bytes, base_url),
        "json" | "jsonld" => scan_json(bytes, base_url),
        "bib" => scan_citation(bytes, base_url, bibtex_url),
        "ris" => scan_citation(bytes, base_url, ris_url),
        _ if name == "robots.txt" => scan_robots(bytes),
        _ => FileLinks::default(),
    }
}

/// Byte offset → 1-based line.
struct Lines(Vec<usize>);

impl Lines {
    fn new(bytes: &[u8]) -> Self {
        Lines(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        )
    }
    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&nl| nl < offset) + 1
    }
}

/// Attributes holding a URL, by element.
fn url_attributes(tag: &str) -> &'static [&'static str] {
    match tag {
        "a" | "area" | "link" => &["href"],
        "script" | "iframe" | "embed" | "audio" | "track" => &["src"],
        "img" | "source" => &["src", "srcset"],
        "video" => &["src", "poster"],
        "object" => &["data"],
        "form" => &["action"],
        "blockquote" | "q" | "ins" | "del" => &["cite"],
        _ => &[],
    }
}

/// `<meta>` tags whose `content` is a URL.
const META_URLS: &[&str] = &[
    "citation_public_url",
    "citation_fulltext_html_url",
    "citation_abstract_html_url",
    "citation_pdf_url",
    "citation_xml_url",
    "og:url",
    "og:image",
    "og:image:url",
    "twitter:image",
    "twitter:url",
];

fn scan_html(bytes: &[u8]) -> FileLinks {
    use html5gum::{DefaultEmitter, Token, Tokenizer};
    let text = String::from_utf8_lossy(bytes);
    let lines = Lines::new(bytes);
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    // Script and style contents are raw text, not markup.
    emitter.naively_switch_states(true);
    let mut ids = HashSet::new();
    let mut out = FileLinks::default();
    let mut seen_dup = BTreeSet::new();
    for token in Tokenizer::new_with_emitter(text.as_ref(), emitter).flatten() {
        let Token::StartTag(tag) = token else {
            continue;
        };
        let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
        let line = lines.line(tag.span.start);
        let attr = |key: &str| {
            tag.attributes
                .get(key.as_bytes())
                .map(|v| String::from_utf8_lossy(&v.value).into_owned())
        };
        let mut anchors = Vec::new();
        if let Some(id) = attr("id") {
            anchors.push(id);
        }
        if name == "a"
            && let Some(n) = attr("name")
        {
            anchors.push(n);
        }
        for id in anchors {
            if !ids.insert(id.clone()) && seen_dup.insert(id.clone()) {
                out.duplicate_ids.push(Link { url: id, line });
            }
        }
        for key in url_attributes(&name) {
            let Some(value) = attr(key) else { continue };
            if *key == "srcset" {
                for candidate in value.split(',') {
                    if let Some(url) = candidate.split_whitespace().next() {
                        out.links.push(Link {
                            url: url.to_string(),
                            line,
                        });
                    }
                }
            } else {
                out.links.push(Link { url: value, line });
            }
        }
        if name == "meta" {
            let kind = attr("property")
                .or_else(|| attr("name"))
                .unwrap_or_default();
            if META_URLS.contains(&kind.as_str())
                && let Some(content) = attr("content")
            {
                out.links.push(Link { url: content, line });
            }
        }
    }
    out.ids = Some(ids);
    out
}

/// Sitemaps and feeds: every attribute value and text that is a URL under the base.
fn scan_xml(bytes: &[u8], base_url: &str) -> FileLinks {
    use quick_xml::XmlVersion;
    use quick_xml::events::Event;
    let lines = Lines::new(bytes);
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut out = FileLinks::default();
    let mut push = |value: &str, at: usize| {
        let value = value.trim();
        if strip_prefix_ci(value, base_url).is_some() {
            out.links.push(Link {
                url: value.to_string(),
                line: lines.line(at),
            });
        }
    };
    // Text arrives in pieces split at entity references; join them.
    let mut text = String::new();
    let mut text_at = 0;
    let mut buf = Vec::new();
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event_into(&mut buf);
        match &event {
            Ok(Event::Text(t)) => {
                if text.is_empty() {
                    text_at = at;
                }
                text.push_str(&t.decode().unwrap_or_default());
                buf.clear();
                continue;
            }
            Ok(Event::GeneralRef(r)) => {
                let name = r.decode().unwrap_or_default();
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&name) {
                    text.push_str(s);
                }
                buf.clear();
                continue;
            }
            _ => {}
        }
        if !text.is_empty() {
            push(&text, text_at);
            text.clear();
        }
        match event {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                for a in e.attributes().flatten() {
                    if let Ok(v) =
                        a.decoded_and_normalized_value(XmlVersion::Implicit1_0, reader.decoder())
                    {
                        push(&v, at);
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buf.clear();
    }
    out
}

/// JSON exports: every string value that is a URL under the base.
fn scan_json(bytes: &[u8], base_url: &str) -> FileLinks {
    fn walk(v: &serde_json::Value, base_url: &str, out: &mut Vec<Link>) {
        match v {
            serde_json::Value::String(s) if strip_prefix_ci(s, base_url).is_some() => {
                out.push(Link {
                    url: s.clone(),
                    line: 1,
                });
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, base_url, out)),
            serde_json::Value::Object(map) => map.values().for_each(|i| walk(i, base_url, out)),
            _ => {}
        }
    }
    let mut out = FileLinks::default();
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) {
        walk(&value, base_url, &mut out.links);
    }
    out
}

/// `robots.txt`: its `Sitemap:` lines.
/// The address in a BibTeX `url = {…}` field written on one line.
fn bibtex_url(line: &str) -> Option<&str> {
    let (key, value) = line.split_once('=')?;
    if !key.trim().eq_ignore_ascii_case("url") {
        return None;
    }
    let value = value.trim().trim_end_matches(',').trim();
    value.strip_prefix('{')?.strip_suffix('}')
}

/// The address in a RIS `UR` or `L1`–`L4` line (`UR  - https://…`).
fn ris_url(line: &str) -> Option<&str> {
    let (tag, value) = line.split_once("  - ")?;
    matches!(tag, "UR" | "L1" | "L2" | "L3" | "L4").then_some(value.trim())
}

/// Citation files (`cite.bib`, `cite.ris`): the addresses `url_of` finds on
/// their lines, those under the base.
fn scan_citation(bytes: &[u8], base_url: &str, url_of: fn(&str) -> Option<&str>) -> FileLinks {
    let text = String::from_utf8_lossy(bytes);
    let links = text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let url = url_of(l)?;
            strip_prefix_ci(url, base_url)?;
            Some(Link {
                url: url.to_string(),
                line: i + 1,
            })
        })
        .collect();
    FileLinks {
        links,
        ..Default::default()
    }
}

fn scan_robots(bytes: &[u8]) -> FileLinks {
    let text = String::from_utf8_lossy(bytes);
    let links = text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let (key, value) = l.split_once(':')?;
            key.trim().eq_ignore_ascii_case("sitemap").then(|| Link {
                url: value.trim().to_string(),
                line: i + 1,
            })
        })
        .collect();
    FileLinks {
        links,
        ..Default::default()
    }
}

/// Figures about a link check, for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Output files scanned.
    pub files: usize,
    /// Internal links resolved.
    pub internal: usize,
    /// Fragments checked against the target page's ids.
    pub fragments: usize,
    /// Distinct external URLs found.
    pub external: usize,
    /// Whether the external URLs were requested.
    pub external_checked: bool,
}

/// Checks the links of a site rendered into `collector`: internal links always,
/// external ones (15 s timeout each, 8 at a time) only when `external` is set.
pub fn check_site(
    collector: Collector,
    config: &SiteConfig,
    external: bool,
) -> (Vec<Diagnostic>, Stats) {
    let files = collector.into_files();
    let report = check(
        &files,
        &CheckOptions {
            base_url: config.base_url.clone(),
            file_browsing: !config.pretty_links,
        },
    );
    // Name the article folder a broken page is built from.
    let source_note = |b: &Broken, d: Diagnostic| match b.file.split_once('/') {
        Some((slug, _)) if config.root.join("content").join(slug).is_dir() => d.note(format!(
            "{} is built from content/{slug}/ (original, annotations) and the theme's templates",
            b.file
        )),
        _ => d,
    };
    let mut out: Vec<Diagnostic> = report
        .broken
        .iter()
        .map(|b| source_note(b, b.to_diagnostic()))
        .collect();
    if external {
        out.extend(
            check_external(&report.external, Duration::from_secs(15), 8)
                .iter()
                .map(|b| source_note(b, b.to_diagnostic())),
        );
    }
    let stats = Stats {
        files: files.len(),
        internal: report.internal,
        fragments: report.fragments,
        external: report.external.len(),
        external_checked: external,
    };
    (out, stats)
}

/// Checks external URLs over HTTP(S): `HEAD`, then `GET` when a server refuses
/// `HEAD`. Redirects are followed. Runs `parallel` requests at a time, each
/// limited to `timeout`. Returns the failures, sorted by URL.
pub fn check_external(
    urls: &BTreeMap<String, (String, usize)>,
    timeout: Duration,
    parallel: usize,
) -> Vec<Broken> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent(concat!("emend-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let list: Vec<(&String, &(String, usize))> = urls.iter().collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..parallel.clamp(1, 16).min(list.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((url, (file, line))) = list.get(i) else {
                        break;
                    };
                    if let Err(why) = fetch(&agent, url)
                        && let Ok(mut f) = failures.lock()
                    {
                        f.push(Broken {
                            file: file.clone(),
                            line: *line,
                            url: (*url).clone(),
                            problem: Problem::External(why),
                        });
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap_or_default();
    failures.sort_by(|a, b| a.url.cmp(&b.url));
    failures
}

fn fetch(agent: &ureq::Agent, url: &str) -> Result<(), String> {
    // The fragment is not sent; servers never see it.
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| {
        r.map(|resp| resp.status().as_u16())
            .map_err(|e| e.to_string())
    };
    let mut code = status(agent.head(url).call())?;
    if code >= 400 {
        // Many servers answer HEAD wrongly (403, 404, 405, 501); ask properly.
        code = status(agent.get(url).call())?;
    }
    match code {
        200..=399 => Ok(()),
        // Rate limiting says nothing about the link.
        429 => Ok(()),
        c => Err(format!("the server answered HTTP {c}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://example.org/sub/";

    fn site(files: &[(&str, &str)]) -> BTreeMap<String, FileLinks> {
        let c = Collector::new(BASE);
        for (rel, text) in files {
            c.add(rel, text.as_bytes());
        }
        c.into_files()
    }

    fn problems(files: &[(&str, &str)], file_browsing: bool) -> Vec<String> {
        let report = check(
            &site(files),
            &CheckOptions {
                base_url: BASE.into(),
                file_browsing,
            },
        );
        report
            .broken
            .iter()
            .map(|b| format!("{}:{} {} {}", b.file, b.line, b.url, b.problem))
            .collect()
    }

    #[test]
    fn resolves_relative_root_relative_and_absolute_links_with_fragments() {
        let files = [
            (
                "index.html",
                "<a href=\"a/index.html#x\">a</a>\n<a href=\"a/index.html#nope\">b</a>\n<link rel=canonical href=\"https://example.org/sub/\">",
            ),
            (
                "a/index.html",
                "<p id=x>x</p><a name=y></a>\n<a href=\"../index.html\">up</a><a href=\"#y\">y</a><a href=\"#z\">z</a>\n<img src=\"../img/a%20b.png\" srcset=\"../img/a%20b.png 1x, ../img/missing.png 2x\">",
            ),
            ("img/a b.png", ""),
            (
                "404.html",
                "<a href=\"/sub/a/index.html#x\">ok</a><a href=\"/elsewhere/\">bad</a>",
            ),
        ];
        assert_eq!(
            problems(&files, true),
            [
                "404.html:1 /elsewhere/ the link leaves the site's base path `/sub/`",
                "a/index.html:2 #z `a/index.html` has no element with id `z`",
                "a/index.html:3 ../img/missing.png `img/missing.png` does not exist in the output",
                "index.html:2 a/index.html#nope `a/index.html` has no element with id `nope`",
            ]
        );
    }

    #[test]
    fn file_browsing_rejects_folder_and_root_relative_links_outside_404() {
        let files = [
            (
                "index.html",
                "<a href=\"a/\">a</a><a href=\"/sub/a/index.html\">b</a><a href=\"a\">c</a><a href=\"https://example.org/sub/a/\">d</a>",
            ),
            ("a/index.html", "<a href=\"../../up.html\">x</a>"),
        ];
        assert_eq!(
            problems(&files, true),
            [
                "a/index.html:1 ../../up.html the link leads above the site's root folder",
                "index.html:1 /sub/a/index.html a root-relative link does not work when the site is opened from disk (file://)",
                "index.html:1 a a link to a folder shows a folder listing when the site is opened from disk (file://)",
                "index.html:1 a/ a link to a folder shows a folder listing when the site is opened from disk (file://)",
            ]
        );
        // With pretty links (web server only), folder and root-relative links are fine.
        assert_eq!(
            problems(&files, false),
            ["a/index.html:1 ../../up.html the link leads above the site's root folder"]
        );
    }

    #[test]
    fn external_ignored_and_unsafe_links_are_classified() {
        let files = [(
            "index.html",
            "<a href=\"https://other.org/x\">e</a><a href=\"https://other.org/x#part\">f</a><a href=\"//cdn.net/y\">p</a><a href=\"mailto:a@b\">m</a><a href=\"JavaScript:alert(1)\">j</a><a href=\"https://example.org/other/\">o</a>",
        )];
        let report = check(
            &site(&files),
            &CheckOptions {
                base_url: BASE.into(),
                file_browsing: true,
            },
        );
        let shown: Vec<String> = report
            .broken
            .iter()
            .map(|b| b.problem.to_string())
            .collect();
        assert_eq!(
            shown,
            [
                "the link uses an unsafe scheme",
                "the link leaves the site's base path `/sub/`"
            ]
        );
        let external: Vec<&String> = report.external.keys().collect();
        assert_eq!(external, ["https://cdn.net/y", "https://other.org/x"]);
        assert_eq!(report.internal, 0);
    }

    #[test]
    fn script_contents_are_not_markup_and_duplicate_ids_are_reported() {
        let files = [(
            "index.html",
            "<script>var s = '<a href=\"nowhere.html\">';</script>\n<p id=a></p><p id=a></p>",
        )];
        assert_eq!(
            problems(&files, true),
            ["index.html:2 #a the id `a` occurs more than once on the page"]
        );
    }

    #[test]
    fn xml_json_citation_and_robots_links_under_the_base_are_checked() {
        let files = [
            (
                "sitemap.xml",
                "<?xml version=\"1.0\"?>\n<urlset><url><loc>https://example.org/sub/</loc></url>\n<url><loc>https://example.org/sub/gone/</loc></url></urlset>",
            ),
            ("index.html", ""),
            (
                "robots.txt",
                "User-agent: *\nSitemap: https://example.org/sub/sitemap.xml\nSitemap: https://example.org/sub/missing.xml\n",
            ),
            (
                "e.json",
                "{\"url\": \"https://example.org/sub/index.html\", \"x\": [\"https://example.org/sub/no.json\", \"https://elsewhere.org/\"]}",
            ),
            (
                "a/cite.bib",
                "@misc{a,\n  title = {url = {https://example.org/sub/not-a-field/}},\n  url = {https://example.org/sub/a/},\n  note = {https://example.org/sub/in-a-note/},\n}\n@misc{b,\n  URL = {https://example.org/sub/b/},\n}\n",
            ),
            (
                "a/cite.ris",
                "TY  - ELEC\r\nUR  - https://example.org/sub/index.html\r\nN1  - https://example.org/sub/in-a-note/\r\nL1  - https://example.org/sub/a.pdf\r\nER  - \r\n",
            ),
            (
                "page.html",
                "<meta name=\"citation_public_url\" content=\"https://example.org/sub/gone.html\"><meta name=\"citation_title\" content=\"https://example.org/sub/a title/\">",
            ),
        ];
        assert_eq!(
            problems(&files, true),
            [
                "a/cite.bib:3 https://example.org/sub/a/ `a/index.html` does not exist in the output",
                "a/cite.bib:7 https://example.org/sub/b/ `b/index.html` does not exist in the output",
                "a/cite.ris:4 https://example.org/sub/a.pdf `a.pdf` does not exist in the output",
                "e.json:1 https://example.org/sub/no.json `no.json` does not exist in the output",
                "page.html:1 https://example.org/sub/gone.html `gone.html` does not exist in the output",
                "robots.txt:3 https://example.org/sub/missing.xml `missing.xml` does not exist in the output",
                "sitemap.xml:3 https://example.org/sub/gone/ `gone/index.html` does not exist in the output",
            ]
        );
    }

    #[test]
    fn paths_normalize_like_a_browser() {
        assert_eq!(normalize_path("a/./b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalize_path("a/b/").as_deref(), Some("a/b/"));
        assert_eq!(normalize_path("a/..").as_deref(), Some(""));
        assert_eq!(normalize_path("").as_deref(), Some(""));
        assert_eq!(normalize_path("..").as_deref(), None);
        assert_eq!(normalize_path("x%C3%A9.html").as_deref(), Some("xé.html"));
        assert_eq!(percent_decode("100%"), "100%");
    }
}
