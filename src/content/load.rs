//! Reading one article folder (or its files held in memory) into an
//! [`Article`]: one assembly path for builds, fuzzing and property tests.

use std::path::{Path, PathBuf};

use super::discover::check_symlink;
use super::parse::{parse_annotation_entries, parse_correction_entries, parse_meta_fields};
use super::validate::check_slug;
use super::{Article, Format, Meta};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::source::{SourceFile, io_diagnostic};
use crate::text::did_you_mean;

/// What loading one article folder produced.
pub enum Loaded {
    /// A valid article.
    Article(Box<Article>),
    /// A draft, skipped without loading its texts.
    SkippedDraft,
    /// The article had errors (already reported) but could be put together:
    /// its anchors can still be checked, so every error of a run shows (a
    /// typo in `kind` must not hide a `find` that matches nothing).
    Invalid(Box<Article>),
    /// The article had errors (already reported).
    Failed,
}

/// The files an article folder may contain.
const KNOWN_FILES: &[&str] = &[
    "original.txt",
    "original.md",
    "meta.yaml",
    "corrections.yaml",
    "annotations.yaml",
];

/// Loads one article folder: finds its files, reads them and hands them to
/// `assemble` (the one assembly step, shared with [`article_from_texts`]).
/// Problems are recorded in `out`; warnings do not fail it. A draft is
/// skipped (unless `include_drafts`) before its texts are read.
pub fn load_article(
    root: &Path,
    dir: &Path,
    include_drafts: bool,
    out: &mut Diagnostics,
) -> Loaded {
    let slug = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if out
        .ok(check_slug(&slug, Location::file_only(dir)))
        .is_none()
    {
        return Loaded::Failed;
    }
    // Look at what is in the folder: typos in file names are a common mistake.
    let mut originals = Vec::new();
    let mut refused_original = false;
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => Some(entries),
        Err(e) => {
            // An unreadable folder is a permission problem, not "no meta.yaml".
            out.push(io_diagnostic(dir, "read the folder", &e));
            return Loaded::Failed;
        }
    };
    if let Some(entries) = entries {
        let mut names: Vec<_> = entries.flatten().collect();
        names.sort_by_key(|e| e.file_name());
        for e in names {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let path = e.path();
            if e.file_type().is_ok_and(|t| t.is_symlink())
                && out.ok(check_symlink(root, &path)).is_none()
            {
                refused_original |= name == "original.txt" || name == "original.md";
                continue;
            }
            if name == "original.txt" || name == "original.md" {
                originals.push(path);
            } else if !KNOWN_FILES.contains(&name.as_str()) {
                let mut d = Diagnostic::warning(
                    Code::UnknownFile,
                    format!("unexpected file `{name}` in article `{slug}`; ignored"),
                )
                .at(Location::file_only(&path));
                if let Some(s) = did_you_mean(&name, KNOWN_FILES) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                out.push(d);
            }
        }
    }
    let meta_path = dir.join("meta.yaml");
    // Anything named meta.yaml is read (a folder or a pipe is refused as
    // such); only a missing one is "no meta.yaml".
    let Some(has_meta) = present(&meta_path, out) else {
        return Loaded::Failed;
    };
    let mut meta_errors = Diagnostics::new();
    let meta = if has_meta {
        out.ok(SourceFile::read_yaml(&meta_path))
            .and_then(|file| parse_meta_fields(&file, &mut meta_errors))
    } else {
        out.push(
            Diagnostic::error(
                Code::MissingMeta,
                format!("article `{slug}` has no meta.yaml"),
            )
            .at(Location::file_only(dir))
            .help("create meta.yaml with at least `title: \"...\"`"),
        );
        None
    };
    let meta_ok = !meta_errors.has_errors();
    out.append(&mut meta_errors);
    if meta.as_ref().is_some_and(|m| m.draft) && !include_drafts {
        return Loaded::SkippedDraft;
    }
    let (original_path, format) = match originals.as_slice() {
        [one] => {
            let format = if one.extension().is_some_and(|e| e == "md") {
                Format::Markdown
            } else {
                Format::Text
            };
            (one.clone(), format)
        }
        // The refused link was reported; "no original" would only confuse.
        [] if refused_original => return Loaded::Failed,
        [] => {
            out.push(
                Diagnostic::error(Code::MissingOriginal, format!("article `{slug}` has no original.txt or original.md"))
                    .at(Location::file_only(dir))
                    .help("put the article exactly as received into original.txt (one paragraph per line) or original.md (Markdown)"),
            );
            return Loaded::Failed;
        }
        _ => {
            out.push(
                Diagnostic::error(
                    Code::TwoOriginals,
                    format!("article `{slug}` has both original.txt and original.md"),
                )
                .at(Location::file_only(dir))
                .help("keep exactly one original"),
            );
            return Loaded::Failed;
        }
    };
    let Some(original) = out.ok(SourceFile::read(&original_path)) else {
        return Loaded::Failed;
    };
    // A missing corrections or annotations file means none.
    let optional = |name: &str, out: &mut Diagnostics| -> Option<Option<SourceFile>> {
        let path = dir.join(name);
        if present(&path, out)? {
            out.ok(SourceFile::read_yaml(&path)).map(Some)
        } else {
            Some(None)
        }
    };
    let corrections = optional("corrections.yaml", out);
    let annotations = optional("annotations.yaml", out);
    let parts = Parts {
        slug,
        dir: dir.to_path_buf(),
        meta,
        meta_ok,
        original_path,
        original,
        format,
        corrections,
        annotations,
    };
    assemble(parts, out)
}

/// Whether something is at `path` (`Some(false)`: nothing), following links;
/// `None` when that cannot be known (a permission error, reported).
fn present(path: &Path, out: &mut Diagnostics) -> Option<bool> {
    match std::fs::metadata(path) {
        Ok(_) => Some(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(false),
        Err(e) => {
            out.push(io_diagnostic(path, "read", &e));
            None
        }
    }
}

/// Loads every article folder in parallel, drafts included (`suggest`
/// learns from their accepted corrections too): each with what loading it reported.
pub fn load_all(root: &Path, dirs: &[PathBuf]) -> Vec<(PathBuf, Option<Article>, Diagnostics)> {
    use rayon::prelude::*;
    dirs.par_iter()
        .map(|dir| {
            let mut out = Diagnostics::new();
            let article = match load_article(root, dir, true, &mut out) {
                Loaded::Article(a) => Some(*a),
                _ => None,
            };
            (dir.clone(), article, out)
        })
        .collect()
}

/// An article's files, read and decoded, with its metadata already parsed
/// (`None` where reading or parsing failed and was reported).
struct Parts {
    slug: String,
    dir: PathBuf,
    meta: Option<Meta>,
    /// Whether reading the metadata reported no error.
    meta_ok: bool,
    original_path: PathBuf,
    original: SourceFile,
    format: Format,
    /// `None`: unreadable (reported); `Some(None)`: absent.
    corrections: Option<Option<SourceFile>>,
    /// As `corrections`.
    annotations: Option<Option<SourceFile>>,
}

/// The one assembly step of an article, whichever way its files were read:
/// checks the original, parses corrections and annotations (reporting every
/// problem), and builds the [`Article`]: [`Loaded::Article`] if nothing
/// failed, [`Loaded::Invalid`] if values were wrong but every file could be
/// read (so its anchors can still be checked), [`Loaded::Failed`] otherwise.
fn assemble(parts: Parts, out: &mut Diagnostics) -> Loaded {
    let mut inner = Diagnostics::new();
    let article = assemble_lenient(parts, &mut inner);
    let failed = inner.has_errors();
    out.append(&mut inner);
    match article {
        Some((article, true)) if !failed => Loaded::Article(Box::new(article)),
        Some((article, _)) => Loaded::Invalid(Box::new(article)),
        None => Loaded::Failed,
    }
}

/// [`assemble`]'s work: the article, if it could be put together, and
/// whether its metadata was clean.
fn assemble_lenient(parts: Parts, out: &mut Diagnostics) -> Option<(Article, bool)> {
    if parts.original.text.trim().is_empty() {
        out.push(
            Diagnostic::error(
                Code::EmptyOriginal,
                format!("the original of `{}` is empty", parts.slug),
            )
            .at(Location::file_only(&parts.original.path))
            .help("paste the article text exactly as received"),
        );
        return None;
    }
    let corrections = match parts.corrections? {
        Some(file) => parse_correction_entries(&file, out),
        None => Some(Vec::new()),
    };
    let annotations = match parts.annotations? {
        Some(file) => parse_annotation_entries(&file, out),
        None => Some(Vec::new()),
    };
    let mut article = Article {
        slug: parts.slug,
        dir: parts.dir,
        meta: parts.meta?,
        original_path: parts.original_path,
        original: parts.original,
        format: parts.format,
        corrections: corrections?,
        annotations: annotations?,
    };
    article.match_line_endings();
    Some((article, parts.meta_ok))
}

/// The files of one article, held in memory.
#[derive(Debug, Clone, Copy)]
pub struct ArticleTexts<'a> {
    /// The folder name.
    pub slug: &'a str,
    /// The original's format.
    pub format: Format,
    /// `original.txt` / `original.md`, as bytes.
    pub original: &'a [u8],
    /// `meta.yaml`.
    pub meta: &'a [u8],
    /// `corrections.yaml`, if the article has one.
    pub corrections: Option<&'a [u8]>,
    /// `annotations.yaml`, if the article has one.
    pub annotations: Option<&'a [u8]>,
}

/// Loads an article from in-memory files through the same `assemble` step
/// as [`load_article`] (drafts are not skipped). Diagnostics name the files
/// `content/<slug>/...`. This is the entry point for fuzzing and property
/// tests, which must not touch the disk for every case.
pub fn article_from_texts(texts: &ArticleTexts<'_>, out: &mut Diagnostics) -> Option<Article> {
    let dir = Path::new("content").join(texts.slug);
    out.ok(check_slug(texts.slug, Location::file_only(&dir)))?;
    let read = |name: &str, bytes: &[u8], out: &mut Diagnostics| {
        out.ok(SourceFile::from_bytes(&dir.join(name), bytes.to_vec()))
    };
    let mut meta_errors = Diagnostics::new();
    let meta =
        read("meta.yaml", texts.meta, out).and_then(|f| parse_meta_fields(&f, &mut meta_errors));
    let meta_ok = !meta_errors.has_errors();
    out.append(&mut meta_errors);
    let original_name = format!("original.{}", texts.format.ext());
    let original = read(&original_name, texts.original, out)?;
    let optional = |name: &str, bytes: Option<&[u8]>, out: &mut Diagnostics| match bytes {
        Some(b) => read(name, b, out).map(Some),
        None => Some(None),
    };
    let corrections = optional("corrections.yaml", texts.corrections, out);
    let annotations = optional("annotations.yaml", texts.annotations, out);
    let parts = Parts {
        slug: texts.slug.to_string(),
        original_path: dir.join(&original_name),
        dir,
        meta,
        meta_ok,
        original,
        format: texts.format,
        corrections,
        annotations,
    };
    match assemble(parts, out) {
        Loaded::Article(a) => Some(*a),
        _ => None,
    }
}
