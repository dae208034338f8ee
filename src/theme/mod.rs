//! Themes: Tera templates and static assets.
//!
//! Templates are layered, later layers overriding earlier ones by name:
//! 1. the default theme built into the binary (so every template exists),
//! 2. `themes/<theme>/templates/` of the site,
//! 3. the site's own `templates/` (override single templates without a theme).
//!
//! Static files are layered the same way (`themes/<theme>/static/`, then the
//! site's `static/`). Templates are compiled once per build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use tera::{Context, ErrorKind, Tera};

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::source::{SourceFile, io_diagnostic};

pub mod strings;

pub use strings::Strings;

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!("../../themes/default/", $name)) as &[u8])),*]
    };
}

/// The default theme, compiled into the binary: `(path under the theme, contents)`.
pub const DEFAULT_THEME: &[(&str, &[u8])] = embedded!(
    "templates/base.html",
    "templates/components.html",
    "templates/index.html",
    "templates/article.html",
    "templates/reading.html",
    "templates/404.html",
    "templates/glossary.html",
    "templates/search.html",
    "templates/page.html",
    "templates/sitemap.xml",
    "templates/sitemap_index.xml",
    "templates/robots.txt",
    "templates/partials/cite.html",
    "templates/partials/cite-meta.html",
    "static/style.css",
    "static/edition.js",
    "static/search.js",
    "static/favicon.svg",
    "static/cite.js",
    "static/cite.css",
);

/// Where a static file comes from.
#[derive(Debug, Clone)]
pub enum StaticSource {
    /// Built into the binary.
    Embedded(&'static [u8]),
    /// A file of the site or its theme.
    File(PathBuf),
}

/// A loaded theme, ready to render.
pub struct Theme {
    tera: Tera,
    /// Template name → file it came from (for error locations).
    origins: BTreeMap<String, (PathBuf, String)>,
    /// Output path → source.
    pub statics: BTreeMap<String, StaticSource>,
    /// The words emend writes from Rust, in the site's language.
    pub strings: Strings,
    /// Template name → the size of the largest page rendered from it so far,
    /// to size the next page's buffer.
    sizes: BTreeMap<String, AtomicUsize>,
}

impl Theme {
    /// Loads and compiles the templates of the site's theme and its strings
    /// table; reports every broken template.
    pub fn load(config: &SiteConfig, out: &mut Diagnostics) -> Option<Theme> {
        let theme_dir = config.root.join("themes").join(&config.theme);
        let (templates, statics) = out.checked(|out| gather(config, &theme_dir, out))?;
        let strings = Strings::load(
            &config.language,
            &[&theme_dir.join("strings"), &config.root.join("strings")],
            out,
        )?;
        let tera = compile(&templates, &strings, out)?;
        let sizes = templates
            .keys()
            .map(|name| (name.clone(), AtomicUsize::new(0)))
            .collect();
        Some(Theme {
            tera,
            sizes,
            origins: templates,
            statics,
            strings,
        })
    }

    /// Renders template `name` with `data` (serialised as the context).
    /// `page` names what was being rendered, for error messages.
    pub fn render(
        &self,
        name: &str,
        data: &impl Serialize,
        page: &str,
    ) -> Result<String, Diagnostic> {
        let context = Context::from_serialize(data).map_err(|e| {
            Diagnostic::error(
                Code::TemplateContext,
                format!("cannot prepare data for {name}: {e}"),
            )
        })?;
        // Into a buffer as large as this template's largest page so far: a
        // side-by-side page is hundreds of kilobytes, which Tera's own buffer
        // (sized for the template's text) would reach by many reallocations.
        let hint = self.sizes.get(name);
        let mut buffer = Vec::with_capacity(hint.map_or(0, |size| size.load(Ordering::Relaxed)));
        let rendered = self.tera.render_to(name, &context, &mut buffer);
        if let Some(size) = hint {
            size.fetch_max(buffer.len(), Ordering::Relaxed);
        }
        let rendered = rendered
            .and_then(|()| Ok(String::from_utf8(buffer)?))
            .map_err(|e| {
                let origin = match e.kind() {
                    ErrorKind::RenderingError(r) | ErrorKind::SyntaxError(r) => {
                        self.origins.get(r.filename())
                    }
                    _ => self.origins.get(name),
                };
                match origin {
                    Some((path, content)) => template_diagnostic(&e, path, content, Some(page)),
                    None => Diagnostic::error(Code::Template, format!("rendering {page}: {e}")),
                }
            })?;
        // Content may hold characters no HTML or XML document can carry.
        Ok(crate::text::replace_unrepresentable(rendered))
    }

    /// Whether the theme has a template of that name.
    pub fn has(&self, name: &str) -> bool {
        self.origins.contains_key(name)
    }
}

/// emend's own template filters:
/// - `human_date`: `2023-03-22` → `22 March 2023`, in the site's language (an
///   unparsable value is shown as it is).
fn register_filters(tera: &mut Tera, strings: &Strings) {
    let table = strings.clone();
    tera.register_filter(
        "human_date",
        move |iso: &str, _: tera::Kwargs, _: &tera::State| {
            table.human_date(iso).unwrap_or_else(|| iso.to_string())
        },
    );
}

/// Template name → (file it came from, text).
type Templates = BTreeMap<String, (PathBuf, String)>;

/// The theme's files, layered: built-in, then `themes/<theme>/`, then the
/// site's own `templates/` and `static/`. Replaced templates are read.
fn gather(
    config: &SiteConfig,
    theme_dir: &Path,
    out: &mut Diagnostics,
) -> Option<(Templates, BTreeMap<String, StaticSource>)> {
    let root = &config.root;
    let mut templates = Templates::new();
    let mut statics: BTreeMap<String, StaticSource> = BTreeMap::new();
    for (path, bytes) in DEFAULT_THEME {
        if let Some(name) = path.strip_prefix("templates/") {
            let shown = PathBuf::from(format!("<built-in default theme>/{path}"));
            templates.insert(
                name.to_string(),
                (shown, String::from_utf8_lossy(bytes).into_owned()),
            );
        } else if let Some(name) = path.strip_prefix("static/") {
            statics.insert(name.to_string(), StaticSource::Embedded(bytes));
        }
    }
    if !theme_dir.is_dir() && config.theme != "default" {
        let available = list_themes(root);
        out.push(
            Diagnostic::error(
                Code::ThemeNotFound,
                format!(
                    "theme `{}` not found at {}",
                    config.theme,
                    theme_dir.display()
                ),
            )
            .at(Location::file_only(&root.join("site.yaml")))
            .help(if available.is_empty() {
                "remove `theme:` to use the built-in default theme".to_string()
            } else {
                format!(
                    "available themes: default (built in), {}",
                    available.join(", ")
                )
            }),
        );
        return None;
    }
    let is_template =
        |rel: &str| rel.ends_with(".html") || rel.ends_with(".xml") || rel.ends_with(".txt");
    for dir in [theme_dir.join("templates"), root.join("templates")] {
        collect(root, &dir, out, |rel, path| {
            if is_template(rel) {
                templates.insert(rel.to_string(), (path.to_path_buf(), String::new()));
            }
        });
    }
    for dir in [theme_dir.join("static"), root.join("static")] {
        collect(root, &dir, out, |rel, path| {
            statics.insert(rel.to_string(), StaticSource::File(path.to_path_buf()));
        });
    }
    // Read the template files that replaced built-ins.
    for (path, content) in templates.values_mut() {
        if content.is_empty()
            && path.exists()
            && let Some(f) = out.ok(SourceFile::read(path))
        {
            *content = f.text;
        }
    }
    Some((templates, statics))
}

/// Compiles the templates. Each replaced template is first compiled next to
/// the built-in ones alone, so every broken template is reported, not only
/// the first.
fn compile(templates: &Templates, strings: &Strings, out: &mut Diagnostics) -> Option<Tera> {
    let builtin: Vec<(String, String)> = DEFAULT_THEME
        .iter()
        .filter_map(|(p, b)| {
            p.strip_prefix("templates/")
                .map(|n| (n.to_string(), String::from_utf8_lossy(b).into_owned()))
        })
        .collect();
    let mut ok = true;
    for (name, (path, content)) in templates {
        if path.starts_with("<built-in default theme>") {
            continue;
        }
        let mut scratch = Tera::new();
        register_filters(&mut scratch, strings);
        let batch = builtin
            .iter()
            .filter(|(n, _)| n != name)
            .map(|(n, c)| (n.as_str(), c.as_str()))
            .chain(std::iter::once((name.as_str(), content.as_str())));
        if let Err(e) = scratch.add_raw_templates(batch)
            && !matches!(e.kind(), ErrorKind::MissingParent { .. })
        {
            out.extend(located_errors(&e, templates, name));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let mut tera = Tera::new();
    register_filters(&mut tera, strings);
    if let Err(e) =
        tera.add_raw_templates(templates.iter().map(|(n, (_, c))| (n.as_str(), c.as_str())))
    {
        let first = templates.keys().next().cloned().unwrap_or_default();
        out.extend(located_errors(&e, templates, &first));
        return None;
    }
    Some(tera)
}

fn list_themes(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("themes"))
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Walks `dir` (if it exists), calling `f` with each file's `/`-separated
/// relative path. Symbolic links that lead outside the site are refused.
fn collect(root: &Path, dir: &Path, out: &mut Diagnostics, mut f: impl FnMut(&str, &Path)) {
    // `themes/<name>` or `templates/` may itself be a link out of the site.
    if let Err(d) = crate::content::check_path_inside(root, dir) {
        if !out.contains(&d) {
            out.push(d);
        }
        return;
    }
    if !dir.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let err = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("a symbolic link loop"));
                out.push(io_diagnostic(&path, "read", &err));
                continue;
            }
        };
        if entry.path_is_symlink()
            && let Err(d) = crate::content::check_symlink(root, entry.path())
        {
            out.push(d);
            continue;
        }
        if !entry.path().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        if rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let rel = rel.to_string_lossy().replace('\\', "/");
        f(&rel, entry.path());
    }
}

/// Diagnostics for a compile error, located in the templates it names. Tera
/// reports reference errors (unknown filters, tests, functions) as one text of
/// rustc-style reports; those are split and located one by one.
fn located_errors(
    e: &tera::Error,
    templates: &BTreeMap<String, (PathBuf, String)>,
    fallback: &str,
) -> Vec<Diagnostic> {
    if let ErrorKind::Msg(text) = e.kind() {
        let parsed: Vec<Diagnostic> = text
            .split("\n\n")
            .filter_map(|report| parse_report(report, templates))
            .collect();
        if !parsed.is_empty() {
            return parsed;
        }
    }
    let name = match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => r.filename().to_string(),
        ErrorKind::MissingParent { current, .. } => current.clone(),
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
            tpl.clone()
        }
        _ => fallback.to_string(),
    };
    let (path, content) = templates
        .get(&name)
        .or_else(|| templates.get(fallback))
        .cloned()
        .unwrap_or_default();
    vec![template_diagnostic(e, &path, &content, None)]
}

/// Parses one "error: msg\n --> name:line:col\n ... ^^^" report.
fn parse_report(
    report: &str,
    templates: &BTreeMap<String, (PathBuf, String)>,
) -> Option<Diagnostic> {
    let mut lines = report.trim_start_matches('\n').lines();
    let message = lines.next()?.strip_prefix("error: ")?.to_string();
    let place = lines.next()?.trim().strip_prefix("--> ")?;
    let mut parts = place.rsplitn(3, ':');
    let col: usize = parts.next()?.parse().ok()?;
    let line: usize = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    let (path, content) = templates.get(name)?;
    let carets = report
        .lines()
        .find(|l| l.trim_start_matches([' ', '|']).starts_with('^'));
    let len = carets.map_or(1, |l| l.matches('^').count()).max(1);
    let index = crate::text::LineIndex::new(content);
    let start = index.offset(content, line, col);
    let end = content[start..]
        .char_indices()
        .nth(len)
        .map_or(content.len(), |(i, _)| start + i);
    Some(
        Diagnostic::error(Code::Template, format!("template error: {message}"))
            .at(Location::in_text(path, content, start..end))
            .label("here")
            .help("fix the template, or delete the override to use the default theme's version"),
    )
}

fn template_diagnostic(
    e: &tera::Error,
    path: &Path,
    content: &str,
    page: Option<&str>,
) -> Diagnostic {
    let (message, location) = match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let span = r.span().range.clone();
            let span = span.start.min(content.len())..span.end.min(content.len());
            (
                r.message().trim_start_matches("error: ").to_string(),
                Location::in_text(path, content, span),
            )
        }
        other => (other.to_string(), Location::file_only(path)),
    };
    let mut d = Diagnostic::error(Code::Template, format!("template error: {message}"))
        .at(location)
        .label("here");
    if let Some(page) = page {
        d = d.note(format!("while rendering {page}"));
    }
    d.help("fix the template, or delete the override to use the default theme's version")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(root: &Path) -> SiteConfig {
        std::fs::write(
            root.join("site.yaml"),
            "title: T\nbase_url: https://e.org/\n",
        )
        .unwrap();
        let mut out = crate::diagnostics::Diagnostics::new();
        SiteConfig::load(root, &mut out).unwrap()
    }

    #[test]
    fn built_in_theme_loads_without_a_themes_folder() {
        let dir = tempfile::tempdir().unwrap();
        let mut out = crate::diagnostics::Diagnostics::new();
        let theme = Theme::load(&config(dir.path()), &mut out).unwrap();
        assert!(out.is_empty(), "{out:?}");
        assert!(theme.has("article.html"));
        assert!(theme.statics.contains_key("style.css"));
    }

    #[test]
    fn site_templates_override_single_templates() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/404.html"),
            "gone: {{ site.title }}",
        )
        .unwrap();
        let mut out = crate::diagnostics::Diagnostics::new();
        let theme = Theme::load(&config(dir.path()), &mut out).unwrap();
        let html = theme
            .render(
                "404.html",
                &serde_json::json!({"site": {"title": "T"}}),
                "404",
            )
            .unwrap();
        assert_eq!(html, "gone: T");
    }

    #[test]
    fn broken_templates_are_all_reported_with_positions() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/404.html"),
            "ok\n{% if x %}never closed",
        )
        .unwrap();
        std::fs::write(dir.path().join("templates/index.html"), "{{ a b }}").unwrap();
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(Theme::load(&config(dir.path()), &mut out).is_none());
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out.iter().all(|d| d.code == "template"));
        let files: Vec<_> = out
            .iter()
            .map(|d| {
                d.location
                    .as_ref()
                    .unwrap()
                    .file
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(files, ["404.html", "index.html"]);
    }

    #[test]
    fn rendering_errors_name_the_template_and_page() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(
            dir.path().join("templates/404.html"),
            "line\n{{ no_such_var }}",
        )
        .unwrap();
        let mut out = crate::diagnostics::Diagnostics::new();
        let theme = Theme::load(&config(dir.path()), &mut out).unwrap();
        let d = theme
            .render("404.html", &serde_json::json!({}), "404.html")
            .unwrap_err();
        assert_eq!(d.code, "template");
        assert_eq!(d.location.as_ref().unwrap().line, 2);
        assert_eq!(d.notes, ["while rendering 404.html"]);
    }

    #[test]
    fn unknown_theme_lists_available_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("themes/plain")).unwrap();
        let mut cfg = config(dir.path());
        cfg.theme = "fancy".into();
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(Theme::load(&cfg, &mut out).is_none());
        assert_eq!(
            out[0].help.as_deref(),
            Some("available themes: default (built in), plain")
        );
    }
}
