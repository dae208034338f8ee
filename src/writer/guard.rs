//! Which folders emend may use as its output: never the filesystem root, the
//! site or anything containing it, the working directory or the home folder,
//! a source folder of the site, or a non-empty folder emend did not create.
//! Every path is compared with links resolved on both sides.

use std::path::{Component, Path, PathBuf};

use super::MARKER;
use crate::diagnostics::{Code, Diagnostic, Location};

/// Makes a path absolute and removes `.`/`..` lexically (works for paths that do not exist yet).
pub fn normalize(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve symlinks in the part that exists, so `public` -> `/` tricks are seen.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = std::fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    resolved
}

/// Checks that emend may use `output` as the output folder of the site at `root`.
pub fn check_output_dir(
    output: &Path,
    root: &Path,
    cwd: &Path,
    home: Option<&Path>,
) -> Result<(), Diagnostic> {
    let out = normalize(output);
    let root = normalize(root);
    let cwd = normalize(cwd);
    let refuse = |why: String, help: &str| {
        Err(Diagnostic::error(
            Code::UnsafeOutput,
            format!(
                "refusing to use {} as the output folder: {why}",
                output.display()
            ),
        )
        .at(Location::file_only(&root.join("site.yaml")))
        .help(help.to_string()))
    };
    let pick = "set `output_dir` in site.yaml or pass `--output` with a folder of its own, such as `public`";
    if out.parent().is_none() {
        return refuse("it is the filesystem root".into(), pick);
    }
    if root.starts_with(&out) {
        return refuse("it contains the site".into(), pick);
    }
    if cwd.starts_with(&out) {
        return refuse("it contains the current working directory".into(), pick);
    }
    if let Some(home) = home.map(normalize)
        && home.starts_with(&out)
    {
        return refuse("it is (or contains) your home folder".into(), pick);
    }
    for source in ["content", "themes", "templates", "static"] {
        // The source folder may itself be a link (the README allows a linked
        // `content/`): compare where it really is, as for the output.
        if out.starts_with(root.join(source)) || out.starts_with(normalize(&root.join(source))) {
            return refuse(format!("it is inside the site's `{source}/` folder"), pick);
        }
    }
    if out.exists() {
        if !out.is_dir() {
            return refuse("it exists and is not a folder".into(), pick);
        }
        let has_marker = out.join(MARKER).is_file();
        let empty = std::fs::read_dir(&out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !has_marker && !empty {
            return refuse(
                "it exists, is not empty, and was not created by emend".into(),
                "emend only replaces folders it created (they contain a `.emend-output` file); move the folder away or choose another output folder",
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_output_folders() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path().join("site");
        std::fs::create_dir_all(root.join("content/a")).unwrap();
        let home = site.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let check =
            |out: &Path| check_output_dir(out, &root, &root, Some(&home)).map_err(|d| d.message);
        assert!(check(&root.join("public")).is_ok());
        for bad in [
            root.clone(),
            site.path().to_path_buf(),
            root.join("content"),
            root.join("content/a/out"),
            root.join("themes/x"),
            home.clone(),
            PathBuf::from("/"),
        ] {
            assert!(check(&bad).is_err(), "{} accepted", bad.display());
        }
        assert!(
            check(&root.join("public/../content"))
                .unwrap_err()
                .contains("inside the site's `content/` folder")
        );
        // a foreign non-empty folder
        let foreign = root.join("docs");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
        assert!(
            check(&foreign)
                .unwrap_err()
                .contains("was not created by emend")
        );
        // an empty folder is fine, and so is one carrying our marker
        let empty = root.join("empty");
        std::fs::create_dir_all(&empty).unwrap();
        assert!(check(&empty).is_ok());
        std::fs::write(foreign.join(MARKER), "").unwrap();
        assert!(check(&foreign).is_ok());
    }

    /// A `content/` that is a link elsewhere is still the site's content: an
    /// output inside it is refused whichever way it is spelled.
    #[cfg(unix)]
    #[test]
    fn a_linked_content_folder_is_guarded_where_it_really_is() {
        let base = tempfile::tempdir().unwrap();
        let root = base.path().join("site");
        let real = base.path().join("articles");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(real.join("a")).unwrap();
        std::os::unix::fs::symlink(&real, root.join("content")).unwrap();
        for out in [
            root.join("content/zzz"),
            real.join("zzz"),
            root.join("content"),
        ] {
            let err = check_output_dir(&out, &root, &root, None).unwrap_err();
            assert!(
                err.message.contains("inside the site's `content/` folder"),
                "{}: {}",
                out.display(),
                err.message
            );
        }
        assert!(check_output_dir(&root.join("public"), &root, &root, None).is_ok());
    }
}
