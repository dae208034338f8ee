//! Invariant checks shared by the fuzz targets (`fuzz/fuzz_targets/`) and the
//! regression tests (`tests/fuzz_regressions.rs` includes this file with
//! `#[path]`). Each check runs emend's library on in-memory input and panics,
//! with a message saying which rule broke, if emend panics or breaks a rule.
//!
//! Only `emend` and `std` may be used here: the file is compiled in both crates.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use emend::config::SiteConfig;
use emend::content::{self, Article, ArticleTexts, Format, Pick, Side};
use emend::diagnostics::{self, Diagnostic, Diagnostics, Location};
use emend::engine::{self, Edition};
use emend::render::{self, blocks};
use emend::site::{Site, pipeline};
use emend::source::SourceFile;
use emend::writer::Sink;

/// Which YAML file a raw input is parsed as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlKind {
    /// `meta.yaml`.
    Meta,
    /// `corrections.yaml`.
    Corrections,
    /// `annotations.yaml`.
    Annotations,
    /// `site.yaml`.
    Site,
}

impl YamlKind {
    /// All kinds, indexed by the first byte of a `yaml` fuzz input.
    pub const ALL: [YamlKind; 4] = [
        YamlKind::Meta,
        YamlKind::Corrections,
        YamlKind::Annotations,
        YamlKind::Site,
    ];

    /// The file name it stands for.
    pub fn file_name(self) -> &'static str {
        match self {
            YamlKind::Meta => "meta.yaml",
            YamlKind::Corrections => "corrections.yaml",
            YamlKind::Annotations => "annotations.yaml",
            YamlKind::Site => "site.yaml",
        }
    }

    /// The kind for a file name such as `x.corrections.yaml`.
    pub fn from_file_name(name: &str) -> Option<YamlKind> {
        YamlKind::ALL
            .into_iter()
            .find(|k| name.ends_with(&format!(".{}", k.file_name())) || name == k.file_name())
    }
}

/// Parses `bytes` as a YAML file of `kind`: never a panic; every diagnostic
/// points inside the file and renders.
pub fn yaml(kind: YamlKind, bytes: &[u8]) {
    let path = Path::new("content/a").join(kind.file_name());
    let mut out = Diagnostics::new();
    match SourceFile::from_bytes(&path, bytes.to_vec()) {
        Err(d) => out.push(d),
        Ok(file) => match kind {
            YamlKind::Meta => {
                if let Some(meta) = content::parse_meta(&file, &mut out) {
                    assert!(!meta.title.trim().is_empty(), "accepted an empty title");
                }
            }
            YamlKind::Corrections => {
                if let Some(list) = content::parse_corrections(&file, &mut out) {
                    for c in &list {
                        assert!(
                            !c.selector.exact.trim().is_empty(),
                            "accepted an empty or blank `find`"
                        );
                        if let Pick::Nth(n) = c.selector.pick {
                            assert!(n >= 1, "accepted occurrence 0");
                        }
                    }
                }
            }
            YamlKind::Annotations => {
                if let Some(list) = content::parse_annotations(&file, &mut out) {
                    for a in &list {
                        assert!(
                            !a.selector.exact.trim().is_empty(),
                            "accepted a blank quote"
                        );
                        assert!(!a.note.trim().is_empty(), "accepted an empty note");
                        for s in &a.sources {
                            assert!(content::is_http_url(&s.url), "accepted url {:?}", s.url);
                        }
                    }
                }
            }
            YamlKind::Site => {
                if let Some(cfg) = SiteConfig::parse(Path::new("/nonexistent"), &file, &mut out) {
                    assert!(cfg.base_url.ends_with('/'), "base_url without a slash");
                    assert!(
                        !cfg.base_url.contains([
                            '"', '\'', '<', '>', '\n', '\r', '\u{2028}', '\u{a0}', '\u{200b}'
                        ]) && !cfg.base_url.chars().any(char::is_control),
                        "accepted base_url {:?}",
                        cfg.base_url
                    );
                }
            }
        },
    }
    let files = BTreeMap::from([(path, bytes.to_vec())]);
    diagnostics_render(&out, &files);
}

/// The files of one article, as bytes (what a fuzz input decodes to, and what a
/// regression folder holds).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Case {
    /// `original.md` rather than `original.txt`.
    pub markdown: bool,
    /// The original.
    pub original: Vec<u8>,
    /// `meta.yaml`.
    pub meta: Vec<u8>,
    /// `corrections.yaml`.
    pub corrections: Option<Vec<u8>>,
    /// `annotations.yaml`.
    pub annotations: Option<Vec<u8>>,
}

impl Case {
    fn format(&self) -> Format {
        if self.markdown {
            Format::Markdown
        } else {
            Format::Text
        }
    }

    /// The article's files by path, as diagnostics name them.
    pub fn files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let dir = Path::new("content/a");
        let mut files = BTreeMap::new();
        files.insert(
            dir.join(format!("original.{}", self.format().ext())),
            self.original.clone(),
        );
        files.insert(dir.join("meta.yaml"), self.meta.clone());
        if let Some(c) = &self.corrections {
            files.insert(dir.join("corrections.yaml"), c.clone());
        }
        if let Some(a) = &self.annotations {
            files.insert(dir.join("annotations.yaml"), a.clone());
        }
        files
    }

    /// Reads a case from an article folder (a regression).
    pub fn load(dir: &Path) -> std::io::Result<Case> {
        let read_opt = |name: &str| std::fs::read(dir.join(name)).ok();
        let (markdown, original) = match read_opt("original.md") {
            Some(md) => (true, md),
            None => (false, std::fs::read(dir.join("original.txt"))?),
        };
        Ok(Case {
            markdown,
            original,
            meta: read_opt("meta.yaml").unwrap_or_else(|| b"title: T\n".to_vec()),
            corrections: read_opt("corrections.yaml"),
            annotations: read_opt("annotations.yaml"),
        })
    }

    /// Writes the case as an article folder (to keep a crash as a regression).
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (path, bytes) in self.files() {
            std::fs::write(dir.join(path.file_name().expect("file name")), bytes)?;
        }
        Ok(())
    }

    fn article(&self, out: &mut Diagnostics) -> Option<Article> {
        content::article_from_texts(
            &ArticleTexts {
                slug: "a",
                format: self.format(),
                original: &self.original,
                meta: &self.meta,
                corrections: self.corrections.as_deref(),
                annotations: self.annotations.as_deref(),
            },
            out,
        )
    }
}

/// Diagnostics must point inside their files (on character boundaries) and
/// render in both formats without panicking.
pub fn diagnostics_render(diags: &[Diagnostic], files: &BTreeMap<PathBuf, Vec<u8>>) {
    let check = |loc: &Location| {
        let Some(bytes) = files.get(&loc.file) else {
            return;
        };
        let text = String::from_utf8_lossy(bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        assert!(
            loc.span.start <= loc.span.end && loc.span.end <= text.len(),
            "span {:?} outside {} ({} bytes)",
            loc.span,
            loc.file.display(),
            text.len()
        );
        if std::str::from_utf8(bytes).is_ok() {
            assert!(
                text.is_char_boundary(loc.span.start) && text.is_char_boundary(loc.span.end),
                "span {:?} not on character boundaries in {}",
                loc.span,
                loc.file.display()
            );
        }
        assert!(loc.line >= 1 && loc.column >= 1, "line/column not 1-based");
    };
    for d in diags {
        if let Some(loc) = &d.location {
            check(loc);
        }
        for r in &d.related {
            check(&r.location);
        }
    }
    let human =
        diagnostics::render_human_with(diags, false, |p| files.get(p).cloned().unwrap_or_default());
    assert_eq!(
        diags.is_empty(),
        human.is_empty(),
        "rendering lost diagnostics"
    );
    let json = diagnostics::render_json(diags);
    assert!(
        json.starts_with('{') || json.starts_with('['),
        "bad JSON: {json}"
    );
}

/// Loads and resolves a case; on success checks every engine invariant and
/// returns the article and edition, on failure checks the diagnostics.
pub fn engine(case: &Case) -> Option<(Article, Edition)> {
    let files = case.files();
    let mut out = Diagnostics::new();
    let Some(article) = case.article(&mut out) else {
        assert!(
            out.iter().any(|d| d.is_error()),
            "load failed without an error"
        );
        diagnostics_render(&out, &files);
        return None;
    };
    match engine::resolve(&article) {
        Ok(edition) => {
            edition_invariants(&article, &edition);
            diagnostics_render(&out, &files);
            Some((article, edition))
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "resolve failed without an error");
            out.extend(errors.iter().map(|e| e.to_diagnostic()));
            diagnostics_render(&out, &files);
            None
        }
    }
}

/// The rules of a resolved edition (see the engine's module docs).
pub fn edition_invariants(article: &Article, edition: &Edition) {
    let original = article.original.text.as_str();
    let corrected = edition.corrected.as_str();
    let mut count = vec![0usize; article.corrections.len()];
    let mut rebuilt = String::new();
    let mut pos = 0;
    for (i, c) in edition.changes.iter().enumerate() {
        assert_eq!(c.number, i + 1, "changes are numbered in order");
        assert!(
            c.original.start >= pos,
            "changes overlap or are out of order"
        );
        let spec = &article.corrections[c.entry];
        count[c.entry] += 1;
        // The matched range holds the `find` text, on word boundaries, in context.
        assert_eq!(&original[c.original.clone()], spec.selector.exact);
        assert!(
            emend::text::on_word_boundaries(original, &c.original),
            "match inside a word"
        );
        assert!(
            emend::text::on_grapheme_boundaries(original, &c.original),
            "match cuts a character (grapheme cluster)"
        );
        if let Some(b) = &spec.selector.before {
            assert!(original[..c.original.start].ends_with(b.as_str()));
        }
        if let Some(a) = &spec.selector.after {
            assert!(original[c.original.end..].starts_with(a.as_str()));
        }
        // Outside the ranges nothing changes; each range holds its replacement.
        rebuilt.push_str(&original[pos..c.original.start]);
        assert_eq!(
            rebuilt.len(),
            c.corrected.start,
            "corrected range misplaced"
        );
        rebuilt.push_str(&spec.replace);
        assert_eq!(rebuilt.len(), c.corrected.end, "corrected range misplaced");
        assert_eq!(&corrected[c.corrected.clone()], spec.replace);
        assert_eq!(edition.to_corrected(c.original.start), c.corrected.start);
        assert_eq!(edition.to_corrected(c.original.end), c.corrected.end);
        if !c.corrected.is_empty() {
            // (the end of a deletion is also the start of what follows: ambiguous)
            assert_eq!(edition.to_original(c.corrected.end), c.original.end);
        }
        pos = c.original.end;
    }
    rebuilt.push_str(&original[pos..]);
    assert_eq!(
        rebuilt, corrected,
        "corrected text is not the original with each range replaced"
    );
    for (spec, n) in article.corrections.iter().zip(&count) {
        match spec.selector.pick {
            Pick::All => assert!(*n >= 1, "`all` correction applied nowhere"),
            _ => assert_eq!(*n, 1, "a single correction applied {n} times"),
        }
    }
    for note in &edition.notes {
        let spec = &article.annotations[note.entry];
        assert_eq!(note.side, spec.side);
        let text = match note.side {
            Side::Original => original,
            Side::Corrected => corrected,
        };
        assert_eq!(&text[note.range.clone()], spec.selector.exact, "note range");
    }
}

/// A sink that keeps pages in memory.
#[derive(Default)]
pub struct MemSink {
    /// Written files by site path.
    pub files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Sink for MemSink {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        assert!(
            !rel.starts_with('/') && !rel.split('/').any(|s| s == ".." || s.is_empty()),
            "output path escapes: {rel}"
        );
        self.files
            .lock()
            .expect("sink lock")
            .insert(rel.to_string(), bytes.to_vec());
        Ok(())
    }
    fn copy(&self, rel: &str, _from: &Path) -> Result<(), Diagnostic> {
        // In-memory articles have no file to copy; record the path only.
        self.write(rel, b"")
    }
}

/// A site with the built-in theme and no files on disk.
pub fn memory_site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let yaml = b"title: \"Fuzz <site>\"\nbase_url: https://example.org/sub/\n";
        let file = SourceFile::from_bytes(Path::new("site.yaml"), yaml.to_vec()).expect("utf-8");
        let mut out = Diagnostics::new();
        let root = Path::new("/nonexistent-emend-fuzz-root");
        let config = SiteConfig::parse(root, &file, &mut out).expect("site.yaml");
        Site::with_config(config, &mut out).expect("built-in theme")
    })
}

/// Resolves and renders a case into full pages: every page must be
/// well-formed and safe, and each text column must show exactly its text.
pub fn render(case: &Case) {
    let Some((article, edition)) = engine(case) else {
        return;
    };
    let site = memory_site();
    let view = render::edition_view(
        &article,
        &edition,
        &site.config,
        &site.highlighter,
        &site.theme.strings,
    );
    if !case.markdown {
        let paragraphs = |text: &str| -> Vec<String> {
            blocks::text_blocks(text)
                .into_iter()
                .map(|b| text[b.range].to_string())
                .collect()
        };
        let shown = |cells: Vec<&String>| -> Vec<String> {
            cells
                .into_iter()
                .flat_map(|html| visible_paragraphs(html).unwrap_or_else(|e| panic!("{e}\n{html}")))
                .collect()
        };
        assert_eq!(
            shown(view.rows.iter().map(|r| &r.original).collect()),
            paragraphs(&article.original.text),
            "original column text"
        );
        assert_eq!(
            shown(view.rows.iter().map(|r| &r.corrected).collect()),
            paragraphs(&edition.corrected),
            "corrected column text"
        );
        assert_eq!(
            shown(vec![&view.reading_html]),
            paragraphs(&edition.corrected),
            "reading view text"
        );
    }
    // A change or note inside Markdown syntax the page cannot mark is an error
    // (`in-markup`): the build must fail with exactly those errors.
    let conflicts = render::markup_conflicts(&article, &edition);
    let changes = edition.changes.len();
    let sink = MemSink::default();
    let outcome = pipeline::build_loaded(site, Box::new(article), &sink, false);
    if !conflicts.is_empty() {
        assert!(outcome.entry.is_none(), "built despite {conflicts:?}");
        assert!(
            outcome
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .all(|d| d.code == "in-markup"),
            "{:?}",
            outcome.diagnostics
        );
        return;
    }
    assert!(
        outcome.entry.is_some(),
        "render failed: {:?}",
        outcome.diagnostics
    );
    let mut all_html = String::new();
    for (path, bytes) in sink.files.lock().expect("sink lock").iter() {
        if path.ends_with(".html") {
            let html = std::str::from_utf8(bytes).expect("pages are UTF-8");
            if let Err(e) = check_page(html) {
                panic!("{path}: {e}");
            }
            all_html.push_str(html);
        }
    }
    // Every change is marked where the apparatus links to it.
    for n in 1..=changes {
        let id = format!("id=\"{}\"", emend::anchors::ChangeIds::of(n).original);
        assert!(all_html.contains(&id), "no {id} on the page");
    }
}

/// Elements without an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// One token of emend's HTML output.
#[derive(Debug, PartialEq)]
pub enum Token<'a> {
    /// A start tag: name and attributes (values unescaped).
    Start(String, Vec<(String, String)>),
    /// An end tag.
    End(String),
    /// Text (unescaped).
    Text(String),
    /// A doctype or comment.
    Other(&'a str),
}

/// Unescapes the character references emend and pulldown-cmark write.
pub fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after
            .find(';')
            .filter(|&e| e <= 10)
            .ok_or_else(|| format!("bare `&` in {s:?}"))?;
        let name = &after[..end];
        let c = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "#39" | "#x27" | "apos" => '\'',
            "nbsp" => '\u{a0}',
            n if n.starts_with("#x") || n.starts_with("#X") => {
                char::from_u32(u32::from_str_radix(&n[2..], 16).map_err(|e| e.to_string())?)
                    .ok_or("bad reference")?
            }
            n if n.starts_with('#') => {
                char::from_u32(n[1..].parse().map_err(|_| format!("bad reference &{n};"))?)
                    .ok_or("bad reference")?
            }
            n => return Err(format!("unknown entity &{n};")),
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Splits emend's output into tokens. Stricter than a browser: a `<` that does
/// not start a tag, an unquoted attribute or an unknown entity is an error, as
/// emend escapes all text.
pub fn tokenize(html: &str) -> Result<Vec<Token<'_>>, String> {
    let mut tokens = Vec::new();
    let mut rest = html;
    let mut raw_text_until: Option<String> = None;
    while !rest.is_empty() {
        if let Some(close) = &raw_text_until {
            let end = rest
                .find(close.as_str())
                .ok_or_else(|| format!("unclosed {close}"))?;
            tokens.push(Token::Other(&rest[..end]));
            rest = &rest[end..];
            raw_text_until = None;
            continue;
        }
        let Some(lt) = rest.find('<') else {
            tokens.push(Token::Text(unescape(rest)?));
            break;
        };
        if lt > 0 {
            tokens.push(Token::Text(unescape(&rest[..lt])?));
            rest = &rest[lt..];
            continue;
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").ok_or("unclosed comment")?;
            tokens.push(Token::Other(&rest[..end + 7]));
            rest = &after[end + 3..];
            continue;
        }
        if rest.starts_with("<!") {
            let end = rest.find('>').ok_or("unclosed doctype")?;
            tokens.push(Token::Other(&rest[..=end]));
            rest = &rest[end + 1..];
            continue;
        }
        let end = rest.find('>').ok_or("unclosed tag")?;
        let inner = &rest[1..end];
        rest = &rest[end + 1..];
        if let Some(name) = inner.strip_prefix('/') {
            let name = name.trim();
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(format!("bad end tag <{inner}>"));
            }
            tokens.push(Token::End(name.to_ascii_lowercase()));
            continue;
        }
        let inner = inner.strip_suffix('/').unwrap_or(inner).trim_end();
        let name_end = inner
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(inner.len());
        let name = &inner[..name_end];
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(format!("`<` that does not start a tag: <{inner}>"));
        }
        let mut attrs = Vec::new();
        let mut a = inner[name_end..].trim_start();
        while !a.is_empty() {
            let key_end = a
                .find(|c: char| c == '=' || c.is_ascii_whitespace())
                .unwrap_or(a.len());
            let key = a[..key_end].to_ascii_lowercase();
            if key.is_empty()
                || !key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b':')
            {
                return Err(format!("bad attribute in <{inner}>"));
            }
            a = &a[key_end..];
            let value = if let Some(v) = a.strip_prefix('=') {
                let v = v.strip_prefix('"').ok_or("unquoted attribute value")?;
                let q = v.find('"').ok_or("unclosed attribute value")?;
                a = &v[q + 1..];
                unescape(&v[..q])?
            } else {
                String::new()
            };
            attrs.push((key, value));
            a = a.trim_start();
        }
        let name = name.to_ascii_lowercase();
        if name == "script" || name == "style" {
            raw_text_until = Some(format!("</{name}>"));
        }
        tokens.push(Token::Start(name, attrs));
    }
    Ok(tokens)
}

/// Whether a URL could run script or embed content (the rule a browser applies:
/// the scheme, case-insensitively, ignoring whitespace and control characters).
pub fn is_script_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "data:", "vbscript:"]
        .iter()
        .any(|s| cleaned.starts_with(s))
}

/// `--name: 12` declarations only: what the theme's grid placement writes
/// (tests/security.rs applies the same rule to built pages).
pub fn is_theme_grid_style(v: &str) -> bool {
    v.split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .all(|d| {
            d.split_once(':').is_some_and(|(name, value)| {
                let name = name.trim();
                let value = value.trim();
                name.len() > 2
                    && name.starts_with("--")
                    && name[2..]
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'-')
                    && !value.is_empty()
                    && value.bytes().all(|b| b.is_ascii_digit())
            })
        })
}

/// A page emend wrote: tags balance, and nothing from content can run script.
pub fn check_page(html: &str) -> Result<(), String> {
    if let Some(c) = html.chars().find(|&c| emend::text::is_unrepresentable(c)) {
        return Err(format!("character {c:?} no HTML document can carry"));
    }
    let tokens = tokenize(html)?;
    let mut stack: Vec<&str> = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Start(name, attrs) => {
                for (k, v) in attrs {
                    if k.starts_with("on") {
                        return Err(format!("event handler attribute {k}={v:?}"));
                    }
                    // The theme places the edition's passages with numeric
                    // custom properties (`--rows: 46`, `--at: 3`); any other
                    // style attribute would be CSS from content.
                    if k == "style" && !is_theme_grid_style(v) {
                        return Err(format!("style attribute {v:?}"));
                    }
                    if matches!(
                        k.as_str(),
                        "href" | "src" | "action" | "formaction" | "srcset"
                    ) && is_script_url(v)
                    {
                        return Err(format!("script URL {k}={v:?}"));
                    }
                }
                match name.as_str() {
                    "script" => {
                        let attr = |name: &str| {
                            attrs
                                .iter()
                                .find(|(k, _)| k == name)
                                .map(|(_, v)| v.as_str())
                        };
                        let theme_script = attr("src").is_some_and(|s| {
                            ["edition.js", "search.js", "cite.js"]
                                .iter()
                                .any(|js| s.ends_with(js))
                        });
                        // The JSON-LD block: data, with `<` escaped so content cannot end it.
                        let json_ld = attr("type") == Some("application/ld+json")
                            && attr("src").is_none()
                            && match tokens.get(i + 1) {
                                Some(Token::Other(body)) => {
                                    !body.contains('<')
                                        && serde_json::from_str::<serde_json::Value>(body).is_ok()
                                }
                                _ => false,
                            };
                        if !theme_script && !json_ld {
                            return Err(format!("script element {attrs:?}"));
                        }
                    }
                    // The theme's search box: a plain GET form to the search page.
                    "form"
                        if attrs.iter().any(|(k, v)| {
                            k == "class" && matches!(v.as_str(), "site-search" | "search-form")
                        }) && !attrs.iter().any(|(k, _)| k == "method") => {}
                    "style" | "iframe" | "object" | "embed" | "form" | "base" => {
                        return Err(format!("<{name}> element"));
                    }
                    _ => {}
                }
                if !VOID.contains(&name.as_str()) {
                    stack.push(name);
                }
            }
            Token::End(name) => match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            },
            Token::Text(_) | Token::Other(_) => {}
        }
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err(format!("unclosed elements {stack:?}"))
    }
}

/// The visible text of each `<p>` in a fragment of a text column (note
/// reference numbers, which are not part of the text, left out).
pub fn visible_paragraphs(fragment: &str) -> Result<Vec<String>, String> {
    let mut paragraphs = Vec::new();
    let mut current: Option<String> = None;
    let mut stack: Vec<(String, bool)> = Vec::new(); // (name, skipped)
    for t in tokenize(fragment)? {
        let skipping = stack.iter().any(|(_, s)| *s);
        match t {
            Token::Start(name, attrs) => {
                let skip = name == "sup"
                    && attrs
                        .iter()
                        .any(|(k, v)| k == "class" && v.split(' ').any(|c| c == "nref"));
                if name == "p" {
                    current = Some(String::new());
                }
                if !VOID.contains(&name.as_str()) {
                    stack.push((name, skip));
                }
            }
            Token::End(name) => {
                match stack.pop() {
                    Some((open, _)) if open == name => {}
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
                if name == "p" {
                    paragraphs.push(current.take().ok_or("</p> without <p>")?);
                }
            }
            Token::Text(text) if !skipping => {
                if let Some(p) = current.as_mut() {
                    p.push_str(&text);
                } else if !text.trim().is_empty() {
                    return Err(format!("text outside a paragraph: {text:?}"));
                }
            }
            _ => {}
        }
    }
    Ok(paragraphs)
}
