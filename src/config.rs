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
        let (raw, node) = yaml::load_map::<SiteYaml>(file, &SITE_SCHEMA, out)?;
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
