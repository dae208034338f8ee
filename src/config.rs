//! `site.yaml`: the site-wide settings.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::source::SourceFile;
use crate::yaml::{self, Schema, value_location};

/// The accepted keys of `site.yaml`.
pub const SITE_SCHEMA: Schema = Schema {
    what: "site.yaml",
    keys: &[
        "title",
        "description",
        "base_url",
        "language",
        "publisher",
        "theme",
        "output_dir",
        "highlight_theme",
        "highlight_theme_dark",
        "allow_raw_html",
        "pretty_links",
        "allow_unreviewed",
        "editors",
    ],
    required: &["title", "base_url"],
    example: "title: \"Restored editions\"\nbase_url: \"https://example.org/editions/\"",
};

#[derive(Debug, Deserialize)]
struct SiteYaml {
    title: String,
    description: Option<String>,
    base_url: String,
    language: Option<String>,
    publisher: Option<String>,
    theme: Option<String>,
    output_dir: Option<PathBuf>,
    highlight_theme: Option<String>,
    highlight_theme_dark: Option<String>,
    #[serde(default)]
    allow_raw_html: bool,
    #[serde(default)]
    pretty_links: bool,
    allow_unreviewed: Option<bool>,
    #[serde(default)]
    editors: Vec<EditorYaml>,
}

/// Schema of one entry of `editors` in `site.yaml`.
pub const EDITOR_SCHEMA: Schema = Schema {
    what: "editor",
    keys: &["name", "orcid"],
    required: &["name"],
    example: "editors:\n  - name: \"Ada Lovelace\"\n    orcid: 0000-0002-1825-0097",
};

#[derive(Debug, Deserialize)]
struct EditorYaml {
    name: String,
    orcid: Option<String>,
}

/// Someone responsible for the site's editions: named in every export
/// (TEI `editor`, citations, `citation_editor` meta tags).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Editor {
    /// The name as it should be cited ("Ada Lovelace").
    pub name: String,
    /// An ORCID iD (`0000-0002-1825-0097`), checksum verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orcid: Option<String>,
}

impl Editor {
    /// The ORCID iD as the URI ORCID asks citations to use.
    pub fn orcid_url(&self) -> Option<String> {
        self.orcid
            .as_ref()
            .map(|id| format!("https://orcid.org/{id}"))
    }
}

/// Whether `id` is an ORCID iD: four groups of four digits separated by
/// hyphens, the last character a digit or `X` that matches the ISO 7064
/// MOD 11-2 check digit of the other fifteen (so a mistyped digit is caught).
pub fn is_orcid(id: &str) -> bool {
    let bytes = id.as_bytes();
    if bytes.len() != 19 {
        return false;
    }
    let mut total: u32 = 0;
    let mut digits = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if i % 5 == 4 {
            if b != b'-' {
                return false;
            }
            continue;
        }
        digits += 1;
        if digits == 16 {
            let check = (12 - total % 11) % 11;
            let expected = if check == 10 {
                b'X'
            } else {
                b'0' + check as u8
            };
            return b == expected;
        }
        if !b.is_ascii_digit() {
            return false;
        }
        total = (total + u32::from(b - b'0')) * 2;
    }
    false
}

/// Settings given on the command line, which win over `site.yaml`'s.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--base-url`, e.g. for preview deploys.
    pub base_url: Option<String>,
    /// `--output` (relative to the working directory).
    pub output_dir: Option<PathBuf>,
}

/// Validated site settings.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The site root (folder holding `site.yaml`).
    pub root: PathBuf,
    /// Site title.
    pub title: String,
    /// One-sentence description, used in meta tags and the feed.
    pub description: String,
    /// Absolute base URL, always ending in `/` (`https://host/sub/path/`).
    pub base_url: String,
    /// Site language (BCP 47), for `<html lang>`.
    pub language: String,
    /// Who publishes the edition (schema.org publisher, feed author).
    pub publisher: Option<String>,
    /// Theme folder name under `themes/`.
    pub theme: String,
    /// Output folder, resolved against the root.
    pub output_dir: PathBuf,
    /// syntect theme for code in light mode.
    pub highlight_theme: String,
    /// syntect theme for code in dark mode.
    pub highlight_theme_dark: String,
    /// Let raw HTML in Markdown originals and notes through (off: it is escaped).
    pub allow_raw_html: bool,
    /// Link to `slug/` instead of `slug/index.html` (needs a web server; breaks `file://`).
    pub pretty_links: bool,
    /// Whether corrections still marked `status: suggested` may be published.
    pub allow_unreviewed: bool,
    /// The editors of the site's editions, in the order given (may be empty:
    /// exports then name the publisher, or the site, as responsible).
    pub editors: Vec<Editor>,
}

impl SiteConfig {
    /// Loads `site.yaml` from `root` and applies the command line's
    /// overrides, reporting every problem into `out`.
    pub fn load_with(
        root: &Path,
        overrides: &Overrides,
        out: &mut Diagnostics,
    ) -> Option<SiteConfig> {
        let mut config = Self::load(root, out)?;
        if let Some(url) = &overrides.base_url {
            match normalize_base_url(url) {
                Ok(u) => config.base_url = u,
                Err(e) => {
                    out.push(
                        Diagnostic::error(Code::BadUrl, e.to_string())
                            .help("pass an absolute http(s) URL to --base-url"),
                    );
                    return None;
                }
            }
        }
        if let Some(dir) = &overrides.output_dir {
            config.output_dir = dir.clone();
        }
        Some(config)
    }

    /// Loads `site.yaml` from `root`, reporting every problem into `out`.
    pub fn load(root: &Path, out: &mut Diagnostics) -> Option<SiteConfig> {
        let path = root.join("site.yaml");
        if !path.exists() {
            out.push(
                Diagnostic::error(Code::NoSite, format!("no site.yaml in {}", display_dir(root)))
                    .help("run emend in a site folder, pass `--root DIR`, or create a site with `emend init`"),
            );
            return None;
        }
        let file = out.ok(SourceFile::read(&path))?;
        SiteConfig::parse(root, &file, out)
    }

    /// Parses an already-read `site.yaml` of the site at `root`.
    pub fn parse(root: &Path, file: &SourceFile, out: &mut Diagnostics) -> Option<SiteConfig> {
        out.checked(|out| Self::parse_fields(root, file, out))
    }

    fn parse_fields(root: &Path, file: &SourceFile, out: &mut Diagnostics) -> Option<SiteConfig> {
        // The editors' keys are checked before serde, so every typo shows at once.
        if let Some(editors) = yaml::YamlIndex::build(&file.text)
            .and_then(|i| i.root)
            .and_then(|r| r.get("editors").cloned())
        {
            let mut worst = yaml::KeyStatus::Clean;
            for e in editors.items() {
                worst = worst.max(yaml::check_keys(file, e, &EDITOR_SCHEMA, out));
            }
            if worst == yaml::KeyStatus::Broken {
                return None;
            }
        }
        let (raw, node) = yaml::load_map::<SiteYaml>(file, &SITE_SCHEMA, out)?;
        let editors_node = node.as_ref().and_then(|n| n.get("editors"));
        let mut editors = Vec::with_capacity(raw.editors.len());
        for (i, e) in raw.editors.into_iter().enumerate() {
            let item = editors_node.and_then(|n| n.items().get(i));
            if e.name.trim().is_empty() {
                out.push(
                    Diagnostic::error(Code::EmptyEditor, "an editor's `name` is empty")
                        .at(value_location(file, item, "name"))
                        .help(
                            "write the name as it should appear in citations, e.g. `Ada Lovelace`",
                        ),
                );
            }
            let orcid = e.orcid.map(|o| o.trim().to_string());
            if let Some(id) = &orcid
                && !is_orcid(id)
            {
                let bare = id.rsplit('/').next().unwrap_or(id);
                let shaped = id.len() == 19
                    && id.bytes().enumerate().all(|(i, b)| match i {
                        4 | 9 | 14 => b == b'-',
                        18 => b.is_ascii_digit() || b == b'X',
                        _ => b.is_ascii_digit(),
                    });
                let help = if bare != id && is_orcid(bare) {
                    format!("write the iD alone, without the address: `{bare}`")
                } else if shaped {
                    "its last character is a check digit computed from the others, and it does not match: a digit is mistyped; copy the iD from your ORCID record".to_string()
                } else {
                    "an ORCID iD is four groups of four digits, the last may be X, e.g. `0000-0002-1825-0097`; copy it from your ORCID record".to_string()
                };
                out.push(
                    Diagnostic::error(Code::BadOrcid, format!("`orcid: {id}` is not an ORCID iD"))
                        .at(value_location(file, item, "orcid"))
                        .help(help),
                );
            }
            editors.push(Editor {
                name: e.name.trim().to_string(),
                orcid,
            });
        }
        let base_url = match normalize_base_url(&raw.base_url) {
            Ok(url) => url,
            Err(e) => {
                out.push(
                    Diagnostic::error(Code::BadUrl, e.to_string())
                        .at(value_location(file, node.as_ref(), "base_url"))
                        .label("base_url")
                        .help("use the address the site will be served from, e.g. `https://user.github.io/project/`"),
                );
                String::new()
            }
        };
        let theme = raw.theme.unwrap_or_else(|| "default".into());
        if theme.is_empty()
            || !theme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            out.push(
                Diagnostic::error(
                    Code::BadTheme,
                    format!("theme name `{theme}` is not a folder name"),
                )
                .at(value_location(file, node.as_ref(), "theme"))
                .help("use the name of a folder under `themes/`, e.g. `default`"),
            );
        }
        let language = raw.language.unwrap_or_else(|| "en".into());
        if !crate::content::is_language_tag(&language) {
            out.push(
                Diagnostic::error(
                    Code::BadLanguage,
                    format!("`{language}` is not a language tag"),
                )
                .at(value_location(file, node.as_ref(), "language"))
                .help("use a BCP 47 tag such as `en`, `en-CA` or `fr`"),
            );
        }
        let output_dir = root.join(raw.output_dir.unwrap_or_else(|| PathBuf::from("public")));
        Some(SiteConfig {
            root: root.to_path_buf(),
            title: raw.title,
            description: raw.description.unwrap_or_default(),
            base_url,
            language,
            publisher: raw.publisher,
            theme,
            output_dir,
            highlight_theme: raw
                .highlight_theme
                .unwrap_or_else(|| "InspiredGitHub".into()),
            highlight_theme_dark: raw
                .highlight_theme_dark
                .unwrap_or_else(|| "base16-ocean.dark".into()),
            allow_raw_html: raw.allow_raw_html,
            pretty_links: raw.pretty_links,
            allow_unreviewed: raw.allow_unreviewed.unwrap_or(true),
            editors,
        })
    }

    /// The path part of the base URL (`/` or `/project/`).
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, r)| r);
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    }

    /// Absolute URL of a site path such as `slug/` or `feed.xml`.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }
}

fn display_dir(root: &Path) -> String {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        "the current folder".to_string()
    } else {
        root.display().to_string()
    }
}

/// Why a base URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    /// No `scheme://`.
    #[error("base_url `{0}` is not an absolute http(s) URL")]
    NotAbsolute(String),
    /// A scheme other than http(s).
    #[error("base_url `{0}` must use http or https")]
    Scheme(String),
    /// An empty or malformed host.
    #[error("base_url `{0}` has no valid host")]
    Host(String),
    /// `?query` or `#fragment`.
    #[error("base_url `{0}` must not have a query or fragment")]
    QueryOrFragment(String),
}

/// Checks a base URL (http or https, with a host) and makes it end with `/`.
pub fn normalize_base_url(url: &str) -> Result<String, BaseUrlError> {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(BaseUrlError::NotAbsolute(url.to_string()));
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(BaseUrlError::Scheme(url.to_string()));
    }
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty()
        || host.contains(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
    {
        return Err(BaseUrlError::Host(url.to_string()));
    }
    if rest.contains(['?', '#']) {
        return Err(BaseUrlError::QueryOrFragment(url.to_string()));
    }
    let mut url = url.to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_gets_a_trailing_slash_and_keeps_its_sub_path() {
        assert_eq!(
            normalize_base_url("https://x.org/ed").unwrap(),
            "https://x.org/ed/"
        );
        assert_eq!(
            normalize_base_url("http://localhost:1111/").unwrap(),
            "http://localhost:1111/"
        );
        assert!(normalize_base_url("javascript:alert(1)").is_err());
        assert!(normalize_base_url("ftp://x.org/").is_err());
        assert!(normalize_base_url("https:///x").is_err());
    }

    #[test]
    fn orcid_ids_are_checked_with_their_check_digit() {
        // ORCID's own examples, one with the check digit X.
        assert!(is_orcid("0000-0002-1825-0097"));
        assert!(is_orcid("0000-0001-5109-3700"));
        assert!(is_orcid("0000-0002-1694-233X"));
        // One digit off, swapped digits, wrong check digit, lower-case x.
        assert!(!is_orcid("0000-0002-1825-0098"));
        assert!(!is_orcid("0000-0002-1852-0097"));
        assert!(!is_orcid("0000-0002-1694-2330"));
        assert!(!is_orcid("0000-0002-1694-233x"));
        // Not the shape of an iD.
        for bad in [
            "",
            "0000000218250097",
            "0000-0002-1825-009",
            "0000-0002-1825-00977",
            "https://orcid.org/0000-0002-1825-0097",
            "0000_0002_1825_0097",
            "000a-0002-1825-0097",
            "0000-0002-1825-0０97",
        ] {
            assert!(!is_orcid(bad), "{bad}");
        }
    }

    #[test]
    fn editors_are_read_and_each_mistake_is_located() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.yaml"),
            "title: T\nbase_url: https://x.org/\neditors:\n  - name: Ada Lovelace\n    orcid: 0000-0002-1825-0097\n  - name: Charles Babbage\n",
        )
        .unwrap();
        let mut out = crate::diagnostics::Diagnostics::new();
        let config = SiteConfig::load(dir.path(), &mut out).unwrap();
        assert!(out.is_empty());
        assert_eq!(
            config.editors,
            vec![
                Editor {
                    name: "Ada Lovelace".into(),
                    orcid: Some("0000-0002-1825-0097".into())
                },
                Editor {
                    name: "Charles Babbage".into(),
                    orcid: None
                }
            ]
        );

        std::fs::write(
            dir.path().join("site.yaml"),
            "title: T\nbase_url: https://x.org/\neditors:\n  - name: \"\"\n  - name: A\n    orcid: https://orcid.org/0000-0002-1825-0097\n  - name: B\n    orcid: 0000-0002-1825-0098\n",
        )
        .unwrap();
        let mut out = crate::diagnostics::Diagnostics::new();
        let _ = SiteConfig::load(dir.path(), &mut out);
        let found: Vec<(String, usize)> = out
            .iter()
            .map(|d| {
                (
                    d.code.to_string(),
                    d.location.as_ref().map_or(0, |l| l.line),
                )
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("empty-editor".to_string(), 4),
                ("bad-orcid".to_string(), 6),
                ("bad-orcid".to_string(), 8)
            ]
        );
        assert_eq!(
            out[1].help.as_deref(),
            Some("write the iD alone, without the address: `0000-0002-1825-0097`")
        );

        std::fs::write(
            dir.path().join("site.yaml"),
            "title: T\nbase_url: https://x.org/\neditors:\n  - nmae: A\n",
        )
        .unwrap();
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(SiteConfig::load(dir.path(), &mut out).is_none());
        assert!(out.iter().any(|d| d.code == "unknown-key"), "{out:?}");
    }

    #[test]
    fn loads_and_reports_unknown_keys_with_hints() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.yaml"),
            "title: T\nbase_url: https://x.org/sub\nthem: dark\n",
        )
        .unwrap();
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(SiteConfig::load(dir.path(), &mut out).is_none());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, "unknown-key");
        assert_eq!(out[0].help.as_deref(), Some("did you mean `theme`?"));

        std::fs::write(
            dir.path().join("site.yaml"),
            "title: T\nbase_url: https://x.org/sub\n",
        )
        .unwrap();
        let mut out = crate::diagnostics::Diagnostics::new();
        let cfg = SiteConfig::load(dir.path(), &mut out).unwrap();
        assert_eq!(cfg.base_path(), "/sub/");
        assert_eq!(cfg.absolute("a/"), "https://x.org/sub/a/");
        assert_eq!(cfg.output_dir, dir.path().join("public"));
    }
}
