//! Finding article folders under `content/`, and refusing what must not be
//! read (links leading outside the site, stray files).

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};

/// What discovery makes of one entry of `content/`.
#[derive(Debug)]
pub enum Entry {
    /// An article folder.
    Article(PathBuf),
    /// Not there, or hidden (a name starting with `.`): silently skipped.
    Absent,
    /// Refused or ignored, with the reason (a link leading outside the site,
    /// a stray file).
    Refused(Diagnostic),
}

/// Classifies the entry `name` of `content/` exactly as [`discover`] does, so
/// that `serve` can look at the folders an edit touched without listing all
/// of them.
pub fn discover_entry(root: &Path, name: &OsStr) -> Entry {
    let shown = name.to_string_lossy();
    if shown.starts_with('.') || shown.is_empty() {
        return Entry::Absent;
    }
    let content = root.join("content");
    // `serve` classifies entries without `discover_entries`: check the folder too.
    if let Err(d) = check_path_inside(root, &content) {
        return Entry::Refused(d);
    }
    let path = content.join(name);
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return Entry::Absent;
    };
    if meta.file_type().is_symlink()
        && let Err(d) = check_symlink(root, &path)
    {
        return Entry::Refused(d);
    }
    if path.is_dir() {
        Entry::Article(path)
    } else {
        Entry::Refused(
            Diagnostic::warning(Code::StrayFile, format!("`{shown}` in content/ is not an article folder; ignored"))
                .at(Location::file_only(&path))
                .help("each article is a folder `content/<slug>/` holding original.txt or original.md and meta.yaml"),
        )
    }
}

/// The article folders under `content/`, sorted by name. Non-folders are
/// reported as warnings (hidden files are ignored).
pub fn discover(root: &Path, out: &mut Diagnostics) -> Vec<PathBuf> {
    discover_entries(root, out)
        .into_iter()
        .filter_map(|(_, entry)| match entry {
            Entry::Article(path) => Some(path),
            Entry::Absent => None,
            Entry::Refused(d) => {
                out.push(d);
                None
            }
        })
        .collect()
}

/// Every entry of `content/` by name, sorted, classified by
/// [`discover_entry`]. Errors reading the folder itself go to `out`.
pub fn discover_entries(root: &Path, out: &mut Diagnostics) -> Vec<(OsString, Entry)> {
    let content = root.join("content");
    // `content/` itself may be a link out of the site: one error, not one per entry.
    if let Err(d) = check_path_inside(root, &content) {
        out.push(d);
        return Vec::new();
    }
    if !content.is_dir() {
        out.push(
            Diagnostic::error(
                Code::NoContent,
                format!("no content folder at {}", content.display()),
            )
            .help("create `content/<slug>/` folders, one per article, or run `emend new <slug>`"),
        );
        return Vec::new();
    }
    let walker = walkdir::WalkDir::new(&content)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name();
    let mut entries = Vec::new();
    for entry in walker {
        match entry {
            Ok(e) => {
                let name = e.file_name().to_os_string();
                let entry = discover_entry(root, &name);
                entries.push((name, entry));
            }
            Err(e) => {
                let path = e.path().unwrap_or(&content).to_path_buf();
                let err = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("a symbolic link loop"));
                out.push(crate::source::io_diagnostic(&path, "read the folder", &err));
            }
        }
    }
    entries
}

/// Refuses a symlink whose target lies outside the site root: content from outside
/// the site would be published without the owner noticing.
pub fn check_symlink(root: &Path, path: &Path) -> Result<(), Diagnostic> {
    let target = std::fs::canonicalize(path);
    let root = std::fs::canonicalize(root);
    let shown = crate::diagnostics::display_path(path);
    match (target, root) {
        (Ok(t), Ok(r)) if t.starts_with(&r) => Ok(()),
        (Ok(t), _) => Err(Diagnostic::error(
            Code::SymlinkOutside,
            format!(
                "{shown} is a symbolic link to {}, outside the site",
                t.display()
            ),
        )
        .at(Location::file_only(path))
        .help("copy the files into the site instead of linking to them")),
        (Err(e), _) => Err(Diagnostic::error(
            Code::BrokenSymlink,
            format!("{shown} is a broken link: {e}"),
        )
        .at(Location::file_only(path))),
    }
}

/// Checks every folder on the way from `root` to `path` (a folder emend is
/// about to read, such as `content/` or `themes/<name>/templates/`): a link
/// among them that leads outside the site is refused like a linked file.
pub fn check_path_inside(root: &Path, path: &Path) -> Result<(), Diagnostic> {
    let Ok(rel) = path.strip_prefix(root) else {
        return Ok(());
    };
    let mut current = root.to_path_buf();
    for part in rel.components() {
        current.push(part);
        if current
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            check_symlink(root, &current)?;
        }
    }
    Ok(())
}
