//! `site.yaml`: the site-wide settings.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::source::SourceFile;
use crate::yaml::{self, Node, Schema, value_location};

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
        "exports",
        "paginate_by",
        "source_policy",
        "contact",
        "editors",
    ],
    required: &["title", "base_url"],
    example: "title: \"Restored editions\"\nbase_url: \"https://example.org/editions/\"",
};

/// The accepted keys of `exports:` in `site.yaml`.
pub const EXPORTS_SCHEMA: Schema = Schema {
    what: "site.yaml `exports` block",
    keys: &[
        "texts",
        "edition_json",
        "annotations",
        "editions_json",
        "tei",
        "citations",
    ],
    required: &[],
    example: "exports:\n  edition_json: false\n  annotations: false",
};

/// Editions listed on one page of the index unless `paginate_by` says otherwise.
pub const DEFAULT_PAGINATE_BY: usize = 50;

#[derive(Debug, Deserialize)]
struct ExportsYaml {
    texts: Option<bool>,
    edition_json: Option<bool>,
    annotations: Option<bool>,
    editions_json: Option<bool>,
    tei: Option<bool>,
    citations: Option<bool>,
}

/// The exports a site publishes (`exports:` in `site.yaml`; all on unless turned off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Exports {
    /// `<slug>/original.txt` and `<slug>/corrected.txt` (`.md` for Markdown).
    pub texts: bool,
    /// `<slug>/edition.json`.
    pub edition_json: bool,
    /// `<slug>/annotations.jsonld`.
    pub annotations: bool,
    /// `/editions.json`.
    pub editions_json: bool,
    /// `<slug>/tei.xml`, the TEI P5 edition.
    pub tei: bool,
    /// `<slug>/cite.bib`, `cite.ris` and `cite.json`: the citation as files
    /// (the citation and its BibTeX entry stay on the page).
    pub citations: bool,
}

impl Default for Exports {
    fn default() -> Exports {
        Exports {
            texts: true,
            edition_json: true,
            annotations: true,
            editions_json: true,
            tei: true,
            citations: true,
        }
    }
}
/// The accepted keys of `source_policy` in `site.yaml`.
pub const POLICY_SCHEMA: Schema = Schema {
    what: "source_policy",
    keys: &["avoid", "flag"],
    required: &[],
    example: "source_policy:\n  avoid:\n    - domain: example.com\n      reason: \"Republishes other outlets' stories: cite the original.\"",
};

/// The accepted keys of one rule of `source_policy`.
pub const POLICY_RULE_SCHEMA: Schema = Schema {
    what: "source policy rule",
    keys: &["domain", "reason"],
    required: &["domain", "reason"],
    example: "    - domain: example.com\n      reason: \"Republishes other outlets' stories: cite the original.\"",
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
    exports: Option<ExportsYaml>,
    paginate_by: Option<u32>,
    source_policy: Option<PolicyYaml>,
    contact: Option<String>,
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

#[derive(Debug, Deserialize)]
struct PolicyYaml {
    #[serde(default)]
    avoid: Vec<RuleYaml>,
    #[serde(default)]
    flag: Vec<RuleYaml>,
}

#[derive(Debug, Deserialize)]
struct RuleYaml {
    domain: String,
    reason: String,
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
    /// Which exports are written (and linked).
    pub exports: Exports,
    /// Editions per index page (`0`: all on one page).
    pub paginate_by: usize,
    /// Domains whose citation `check` warns about (`avoid`) or notes (`flag`).
    pub source_policy: SourcePolicy,
    /// Where readers report an error (an e-mail address or a web page).
    pub contact: Option<Contact>,
    /// The editors of the site's editions, in the order given (may be empty:
    /// exports then name the publisher, or the site, as responsible).
    pub editors: Vec<Editor>,
}

/// What a site's source policy says about a domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyAction {
    /// Do not cite it: `check` warns.
    Avoid,
    /// Allowed, but worth a second look: `check` notes it.
    Flag,
}

impl PolicyAction {
    /// The list it comes from in `site.yaml`.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyAction::Avoid => "avoid",
            PolicyAction::Flag => "flag",
        }
    }
}

/// One rule of the source policy.
#[derive(Debug, Clone)]
pub struct PolicyRule {
    /// The domain (lowercase); it covers its subdomains.
    pub domain: String,
    /// Why, for the editor.
    pub reason: String,
    /// Avoid or flag.
    pub action: PolicyAction,
    /// Where the rule's `domain` is in `site.yaml`.
    pub at: Location,
}

/// A cited address that a rule of the policy matches.
#[derive(Debug, Clone)]
pub struct PolicyMatch<'a> {
    /// The rule.
    pub rule: &'a PolicyRule,
    /// The host of the address that matched (`www.example.com`).
    pub host: String,
    /// The address is an archive's copy of a page on `host`.
    pub via_archive: bool,
}

/// `source_policy` of `site.yaml`: domains whose citation `check` and
/// `build` report, wherever a note or a status block cites them.
#[derive(Debug, Clone, Default)]
pub struct SourcePolicy {
    /// Every rule, `avoid` ones first, in file order.
    pub rules: Vec<PolicyRule>,
}

impl SourcePolicy {
    /// The rule that applies to a cited `url`, if any: the one with the most
    /// specific domain that equals the host or is a parent domain of it
    /// (`example.com` covers `www.example.com`); `avoid` wins a tie. An
    /// archive's copy (`https://web.archive.org/web/2024/https://example.com/a`)
    /// is judged by the page it copies as well as by the archive itself.
    pub fn check(&self, url: &str) -> Option<PolicyMatch<'_>> {
        if self.rules.is_empty() {
            return None;
        }
        let (host, rest) = url_host(url)?;
        let mut found = self.rule_for(&host).map(|rule| PolicyMatch {
            rule,
            host: host.clone(),
            via_archive: false,
        });
        if let Some((inner, _)) = embedded_url(rest).and_then(url_host)
            && let Some(rule) = self.rule_for(&inner)
            && found.as_ref().is_none_or(|f| {
                f.rule.action == PolicyAction::Flag && rule.action == PolicyAction::Avoid
            })
        {
            found = Some(PolicyMatch {
                rule,
                host: inner,
                via_archive: true,
            });
        }
        found
    }

    fn rule_for(&self, host: &str) -> Option<&PolicyRule> {
        self.rules
            .iter()
            .filter(|r| {
                host == r.domain
                    || host
                        .strip_suffix(r.domain.as_str())
                        .is_some_and(|sub| sub.ends_with('.'))
            })
            // Most specific domain first; on a tie the first rule, and `avoid` rules come first.
            .min_by_key(|r| std::cmp::Reverse(r.domain.len()))
    }
}

/// The lowercase host of an http(s) URL (no user, port or trailing dot) and
/// the rest of the URL after it.
fn url_host(url: &str) -> Option<(String, &str)> {
    let (scheme, rest) = url.trim().split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.rfind(':') {
        Some(i) if !host.ends_with(']') => &host[..i],
        _ => host,
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some((host, &rest[end..]))
}

/// An http(s) URL inside the path of another (an archive's copy of a page).
fn embedded_url(rest: &str) -> Option<&str> {
    let lower = rest.to_ascii_lowercase();
    let at = ["http://", "https://"]
        .iter()
        .filter_map(|p| lower.find(p))
        .min()?;
    Some(&rest[at..])
}

/// Whether `domain` is a plain domain name: dot-separated labels of a-z,
/// 0-9 and `-`, none empty or starting or ending with `-`.
pub fn is_domain(domain: &str) -> bool {
    !domain.is_empty()
        && domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// Where readers report an error: an e-mail address or a web page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Contact {
    /// The link (`mailto:…` or the http(s) address).
    pub href: String,
    /// The address as written in `site.yaml`.
    pub text: String,
}

impl Contact {
    /// Reads `contact`: an e-mail address (`name@host.tld`, optionally
    /// written `mailto:name@host.tld`) or an http(s) URL.
    pub fn parse(value: &str) -> Option<Contact> {
        let value = value.trim();
        if crate::content::is_http_url(value) {
            return Some(Contact {
                href: value.to_string(),
                text: value.to_string(),
            });
        }
        let address = value
            .strip_prefix("mailto:")
            .or_else(|| value.strip_prefix("MAILTO:"))
            .unwrap_or(value);
        let (user, host) = address.split_once('@')?;
        let ok = !user.is_empty()
            && !user.contains(|c: char| {
                c.is_whitespace() || c.is_control() || "<>\"(),;:[]\\@".contains(c)
            })
            && is_domain(&host.to_ascii_lowercase())
            && host.contains('.');
        ok.then(|| Contact {
            href: format!("mailto:{address}"),
            text: address.to_string(),
        })
    }
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
        let file = out.ok(SourceFile::read_yaml(&path))?;
        SiteConfig::parse(root, &file, out)
    }

    /// Parses an already-read `site.yaml` of the site at `root`.
    pub fn parse(root: &Path, file: &SourceFile, out: &mut Diagnostics) -> Option<SiteConfig> {
        out.checked(|out| Self::parse_fields(root, file, out))
    }

    fn parse_fields(root: &Path, file: &SourceFile, out: &mut Diagnostics) -> Option<SiteConfig> {
        // The nested blocks' keys are checked before serde, so all typos show at once.
        if let Some(root) = yaml::YamlIndex::build(&file.text).and_then(|i| i.root) {
            let mut worst = yaml::KeyStatus::Clean;
            if let Some(exports) = root.get("exports") {
                worst = worst.max(yaml::check_keys(file, exports, &EXPORTS_SCHEMA, out));
            }
            if let Some(policy) = root.get("source_policy") {
                worst = worst.max(yaml::check_keys(file, policy, &POLICY_SCHEMA, out));
                for list in ["avoid", "flag"] {
                    for rule in policy.get(list).map_or(&[][..], |l| l.items()) {
                        worst = worst.max(yaml::check_keys(file, rule, &POLICY_RULE_SCHEMA, out));
                    }
                }
            }
            if worst == yaml::KeyStatus::Broken {
                return None;
            }
        }
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
                        .help(match e {
                            BaseUrlError::Character(..) => "remove it; a character an address really needs is written percent-encoded (a space as `%20`)",
                            _ => "use the address the site will be served from, e.g. `https://user.github.io/project/`",
                        }),
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
        let exports = match raw.exports {
            None => Exports::default(),
            Some(e) => Exports {
                texts: e.texts.unwrap_or(true),
                edition_json: e.edition_json.unwrap_or(true),
                annotations: e.annotations.unwrap_or(true),
                editions_json: e.editions_json.unwrap_or(true),
                tei: e.tei.unwrap_or(true),
                citations: e.citations.unwrap_or(true),
            },
        };
        if !exports.texts {
            // Offsets and selectors count characters of the texts.
            for (on, key) in [
                (exports.edition_json, "edition_json"),
                (exports.annotations, "annotations"),
            ] {
                if on {
                    let at = node.as_ref().and_then(|n| n.get("exports"));
                    out.push(
                        Diagnostic::error(
                            Code::BadExports,
                            format!("`exports` turns the texts off but not `{key}`, whose offsets count their characters"),
                        )
                        .at(value_location(file, at, "texts"))
                        .label("the texts are off")
                        .help(format!(
                            "keep the texts (original.txt, corrected.txt), or also set `{key}: false`"
                        )),
                    );
                }
            }
        }
        let source_policy = raw
            .source_policy
            .map(|p| policy(file, node.as_ref(), p, out))
            .unwrap_or_default();
        let contact = raw.contact.as_deref().and_then(|c| {
            let parsed = Contact::parse(c);
            if parsed.is_none() {
                out.push(
                    Diagnostic::error(
                        Code::BadContact,
                        format!("contact `{c}` is neither an e-mail address nor an http(s) URL"),
                    )
                    .at(value_location(file, node.as_ref(), "contact"))
                    .help("give an address readers can write to, e.g. `corrections@example.org`, or a page such as `https://example.org/contact`"),
                );
            }
            parsed
        });
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
            exports,
            paginate_by: raw.paginate_by.map_or(DEFAULT_PAGINATE_BY, |n| n as usize),
            source_policy,
            contact,
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

/// Validates `source_policy`: every domain a plain domain name, every reason given.
fn policy(
    file: &SourceFile,
    site: Option<&Node>,
    raw: PolicyYaml,
    out: &mut Diagnostics,
) -> SourcePolicy {
    let node = site.and_then(|n| n.get("source_policy"));
    let mut rules = Vec::new();
    for (action, list) in [
        (PolicyAction::Avoid, raw.avoid),
        (PolicyAction::Flag, raw.flag),
    ] {
        let items = node.and_then(|n| n.get(action.as_str()));
        for (i, rule) in list.into_iter().enumerate() {
            let item = items.and_then(|n| n.items().get(i));
            let at = value_location(file, item, "domain");
            let domain = rule
                .domain
                .trim()
                .trim_end_matches('.')
                .to_ascii_lowercase();
            if !is_domain(&domain) {
                let help = match url_host(&domain) {
                    Some((host, _)) => format!("write the domain alone: `domain: {host}`"),
                    None if domain.starts_with("*.") => format!(
                        "write `domain: {}`: a rule already covers every subdomain",
                        &domain[2..]
                    ),
                    None => "write a domain name such as `example.com`: no scheme, path or spaces (subdomains are covered)".to_string(),
                };
                out.push(
                    Diagnostic::error(
                        Code::BadDomain,
                        format!("`{}` is not a domain name", rule.domain),
                    )
                    .at(at.clone())
                    .label("not a domain")
                    .help(help),
                );
            }
            if rule.reason.trim().is_empty() {
                out.push(
                    Diagnostic::error(
                        Code::EmptyNote,
                        format!("source policy rule for `{domain}` gives no reason"),
                    )
                    .at(value_location(file, item, "reason"))
                    .help("say why, in one sentence: editors see it next to every source the rule catches"),
                );
            }
            rules.push(PolicyRule {
                domain,
                reason: rule.reason.trim().to_string(),
                action,
                at,
            });
        }
    }
    SourcePolicy { rules }
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
    /// A character no address may hold as written (a quote, `<`, a control
    /// character, a line break, an invisible or unusual space).
    #[error("base_url contains {1}, which an address cannot hold")]
    Character(String, String),
}

/// Names a character a base URL must not hold, for the message; `None` if it may.
fn forbidden_in_url(c: char) -> Option<String> {
    let name = match c {
        '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => "a line break",
        '\u{a0}' => "a no-break space",
        '\u{200b}' => "a zero-width space",
        '\u{feff}' => "a byte order mark",
        '"' | '\'' | '`' => "a quote",
        '<' | '>' => "an angle bracket",
        ' ' | '\t' => "a space",
        '\\' | '^' | '{' | '}' | '|' => "a character addresses must escape",
        c if c.is_control() => "a control character",
        c if c.is_whitespace() => "a space character",
        // Invisible format characters (joiners, direction marks, …).
        '\u{200c}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' => "an invisible formatting character",
        c if c.is_ascii() || c.is_alphanumeric() => return None,
        '\u{300}'..='\u{36f}' => return None,
        _ => "a character that is neither a letter nor a digit",
    };
    Some(format!("{name} (U+{:04X})", c as u32))
}

/// Checks a base URL (http or https, with a host) and makes it end with `/`.
pub fn normalize_base_url(url: &str) -> Result<String, BaseUrlError> {
    let url = url.trim_matches([' ', '\t']);
    // Checked on the whole address: a newline in the path would inject a
    // line into robots.txt, a quote would end an attribute.
    if let Some(what) = url.chars().find_map(forbidden_in_url) {
        return Err(BaseUrlError::Character(url.to_string(), what));
    }
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
        // Non-ASCII letters in a path are fine.
        assert!(normalize_base_url("https://exemple.fr/édition/").is_ok());
    }

    #[test]
    fn base_url_characters_that_would_break_a_page_are_refused() {
        for (url, what) in [
            ("https://x.org/a\"b/", "a quote (U+0022)"),
            ("https://x.org/a'b/", "a quote (U+0027)"),
            ("https://x.org/<script>/", "an angle bracket (U+003C)"),
            ("https://x.org/a\nDisallow: /", "a line break (U+000A)"),
            ("https://x.org/a\u{2028}b/", "a line break (U+2028)"),
            ("https://x.org/a\u{a0}b/", "a no-break space (U+00A0)"),
            ("https://x.org/a\u{200b}b/", "a zero-width space (U+200B)"),
            ("https://x.org/a\u{1}b/", "a control character (U+0001)"),
            (
                "https://x.org/a\u{202e}b/",
                "an invisible formatting character (U+202E)",
            ),
            ("https://x.org/a b/", "a space (U+0020)"),
        ] {
            match normalize_base_url(url) {
                Err(BaseUrlError::Character(_, w)) => assert_eq!(w, what, "{url:?}"),
                other => panic!("{url:?}: {other:?}"),
            }
        }
    }

    fn policy(rules: &[(&str, PolicyAction)]) -> SourcePolicy {
        SourcePolicy {
            rules: rules
                .iter()
                .map(|(domain, action)| PolicyRule {
                    domain: domain.to_string(),
                    reason: String::new(),
                    action: *action,
                    at: Location::file_only(Path::new("site.yaml")),
                })
                .collect(),
        }
    }

    #[test]
    fn policy_rules_cover_subdomains_and_the_most_specific_wins() {
        use PolicyAction::{Avoid, Flag};
        let p = policy(&[
            ("example.com", Avoid),
            ("wikipedia.org", Flag),
            ("news.example.com", Flag),
            ("wikipedia.org", Avoid),
        ]);
        let verdict = |url: &str| {
            p.check(url)
                .map(|m| (m.rule.domain.clone(), m.rule.action, m.host, m.via_archive))
        };
        let hit = |d: &str, a, h: &str, v| Some((d.to_string(), a, h.to_string(), v));
        assert_eq!(
            verdict("https://example.com/a"),
            hit("example.com", Avoid, "example.com", false)
        );
        assert_eq!(
            verdict("HTTP://User@WWW.Example.COM.:8080/a?b#c"),
            hit("example.com", Avoid, "www.example.com", false)
        );
        assert_eq!(
            verdict("https://news.example.com/a"),
            hit("news.example.com", Flag, "news.example.com", false)
        );
        assert_eq!(
            verdict("https://a.news.example.com/a"),
            hit("news.example.com", Flag, "a.news.example.com", false)
        );
        // Two rules for one domain: the first, and `avoid` rules come first.
        assert_eq!(
            verdict("https://en.wikipedia.org/wiki/X"),
            hit("wikipedia.org", Flag, "en.wikipedia.org", false)
        );
        for clean in [
            "https://notexample.com/",
            "https://example.com.evil.org/",
            "https://evil.org/example.com",
            "ftp://example.com/",
            "https://",
        ] {
            assert_eq!(verdict(clean), None, "{clean}");
        }
        // An archive's copy is judged by what it copies, an avoided page first.
        assert_eq!(
            verdict("https://web.archive.org/web/2024id_/https://www.example.com/a"),
            hit("example.com", Avoid, "www.example.com", true)
        );
        assert_eq!(
            verdict("https://archive.ph/2024/http://news.example.com/a"),
            hit("news.example.com", Flag, "news.example.com", true)
        );
        assert_eq!(
            verdict("https://web.archive.org/web/2024/https://ok.org/"),
            None
        );
        assert!(
            SourcePolicy::default()
                .check("https://example.com/")
                .is_none()
        );
    }

    #[test]
    fn domains_and_contacts() {
        for good in [
            "example.com",
            "a-b.example.co.uk",
            "localhost",
            "xn--bcher-kva.example",
        ] {
            assert!(is_domain(good), "{good}");
        }
        for bad in [
            "",
            "https://example.com",
            "example.com/news",
            "*.example.com",
            "-a.com",
            "a..b",
            "Example.com",
            "a b.com",
        ] {
            assert!(!is_domain(bad), "{bad}");
        }
        assert_eq!(
            Contact::parse("corrections@example.org"),
            Some(Contact {
                href: "mailto:corrections@example.org".into(),
                text: "corrections@example.org".into()
            })
        );
        assert_eq!(
            Contact::parse("mailto:a.b@example.org").map(|c| c.href),
            Some("mailto:a.b@example.org".into())
        );
        assert_eq!(
            Contact::parse("https://example.org/contact").map(|c| c.href),
            Some("https://example.org/contact".into())
        );
        for bad in [
            "write to us",
            "a@b",
            "@example.org",
            "a b@example.org",
            "javascript:alert(1)",
            "a@example.org?subject=<x>",
        ] {
            assert_eq!(Contact::parse(bad), None, "{bad}");
        }
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
        // Every export is on and the index shows 50 editions a page unless told otherwise.
        assert_eq!(cfg.exports, Exports::default());
        assert!(cfg.exports.texts && cfg.exports.edition_json);
        assert_eq!(cfg.paginate_by, DEFAULT_PAGINATE_BY);

        std::fs::write(
            dir.path().join("site.yaml"),
            "title: T\nbase_url: https://x.org/\npaginate_by: 0\nexports:\n  annotations: false\n",
        )
        .unwrap();
        let mut out = crate::diagnostics::Diagnostics::new();
        let cfg = SiteConfig::load(dir.path(), &mut out).unwrap();
        assert_eq!(cfg.paginate_by, 0);
        assert_eq!(
            cfg.exports,
            Exports {
                annotations: false,
                ..Exports::default()
            }
        );
    }
}
