//! Watching the site's sources and deciding what a change touches.
//!
//! Events come from `notify` through `notify-debouncer-full`, which merges
//! bursts (an editor's write + rename + chmod) and pairs renames, so an atomic
//! save (write `.x.swp`, rename over `x`) arrives as one change of `x`.
//! Editors' temporary and backup files are ignored, and so are mere reads:
//! inotify reports every open, including emend's own while it rebuilds.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode};
use notify_debouncer_full::notify::{self, EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::live::Scope;

/// Top-level folders whose contents affect the whole site.
const SITE_FOLDERS: &[&str] = &["themes", "templates", "static", "pages"];

/// How long the debouncer waits for a burst of events to end.
pub const DEBOUNCE: Duration = Duration::from_millis(50);

/// A batch of changed paths (absolute), as delivered by the debouncer.
pub type Batch = Vec<PathBuf>;

/// Watches a site root; dropping it stops watching.
pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: BTreeSet<&'static str>,
}

impl Watcher {
    /// Starts watching `root` (absolute): the root itself for `site.yaml` and
    /// new folders, and `content/`, `themes/`, `templates/`, `static/`,
    /// `pages/` recursively.
    pub fn start(root: &Path, tx: Sender<notify::Result<Batch>>) -> notify::Result<Watcher> {
        let debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
            let batch = match result {
                Ok(events) => Ok(events
                    .into_iter()
                    .filter(|e| is_change(&e.kind))
                    .flat_map(|e| e.event.paths)
                    .collect::<Vec<_>>()),
                Err(mut errors) => Err(errors.remove(0)),
            };
            if batch.as_ref().is_ok_and(|b| b.is_empty()) {
                return;
            }
            let _ = tx.send(batch);
        })?;
        let mut watcher = Watcher {
            debouncer,
            root: root.to_path_buf(),
            watched: BTreeSet::new(),
        };
        watcher.debouncer.watch(root, RecursiveMode::NonRecursive)?;
        watcher.watch_new_folders()?;
        Ok(watcher)
    }

    /// Starts watching source folders created since the last call.
    pub fn watch_new_folders(&mut self) -> notify::Result<()> {
        for name in std::iter::once("content").chain(SITE_FOLDERS.iter().copied()) {
            let dir = self.root.join(name);
            if !self.watched.contains(name) && dir.is_dir() {
                self.debouncer.watch(&dir, RecursiveMode::Recursive)?;
                self.watched.insert(name);
            }
        }
        Ok(())
    }
}

/// Whether an event kind can change a file's contents (opens and reads cannot).
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Waits for the next batch (or starts from `first`, one already received)
/// and merges any that queued up behind it, so a burst that outlasts one
/// debounce period still causes one rebuild.
pub fn next_batch(
    rx: &Receiver<notify::Result<Batch>>,
    first: Option<notify::Result<Batch>>,
) -> Option<notify::Result<Batch>> {
    let first = match first {
        Some(f) => f,
        None => rx.recv().ok()?,
    };
    let mut batch = match first {
        Ok(b) => b,
        Err(e) => return Some(Err(e)),
    };
    while let Ok(Ok(more)) = rx.try_recv() {
        batch.extend(more);
    }
    Some(Ok(batch))
}

/// What a batch of changed paths (absolute, under `root`) touches, and the
/// site-relative paths that matter (for the log). `None` if nothing does.
pub fn scope_of(root: &Path, paths: &[PathBuf]) -> Option<(Scope, Vec<PathBuf>)> {
    let mut everything = false;
    let mut slugs = BTreeSet::new();
    let mut relevant = BTreeSet::new();
    for path in paths {
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        match classify(rel) {
            Affects::Nothing => continue,
            Affects::Everything => everything = true,
            Affects::Article(slug) => {
                slugs.insert(slug);
            }
        }
        relevant.insert(rel.to_path_buf());
    }
    if relevant.is_empty() {
        return None;
    }
    let scope = if everything {
        Scope::Everything
    } else {
        Scope::Articles(slugs)
    };
    Some((scope, relevant.into_iter().collect()))
}

/// What a change of one path (relative to the site root) affects.
#[derive(Debug, PartialEq, Eq)]
pub enum Affects {
    /// Not a source (output folder, `.git`, an editor's temporary file).
    Nothing,
    /// One article, by folder name.
    Article(String),
    /// Configuration, theme, templates, static files or site pages (every
    /// page's footer links the pages).
    Everything,
}

/// Classifies a path relative to the site root.
pub fn classify(rel: &Path) -> Affects {
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let Some(last) = parts.last() else {
        return Affects::Nothing;
    };
    if parts.iter().any(|p| p.starts_with('.')) || is_scratch_file(last) {
        return Affects::Nothing;
    }
    match parts.as_slice() {
        [file] if file == "site.yaml" => Affects::Everything,
        [top, ..] if SITE_FOLDERS.contains(&top.as_str()) => Affects::Everything,
        [top] if top == "content" => Affects::Everything,
        [top, slug, ..] if top == "content" => Affects::Article(slug.clone()),
        _ => Affects::Nothing,
    }
}

/// Editors' swap, backup and temporary files.
pub fn is_scratch_file(name: &str) -> bool {
    name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913" // vim probes whether it may write a folder
        || [".swp", ".swx", ".swo", ".tmp", ".kate-swp", "___jb_tmp___", "___jb_old___"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(s: &str) -> Affects {
        Affects::Article(s.to_string())
    }

    #[test]
    fn classifies_sources_and_ignores_everything_else() {
        let cases = [
            ("site.yaml", Affects::Everything),
            ("themes/default/templates/base.html", Affects::Everything),
            ("templates/article.html", Affects::Everything),
            ("static/logo.svg", Affects::Everything),
            ("pages/methodology.md", Affects::Everything),
            ("content", Affects::Everything),
            ("content/alpha/corrections.yaml", article("alpha")),
            ("content/alpha", article("alpha")),
            ("content/new-one/original.txt", article("new-one")),
            // editors' scratch files
            ("content/alpha/.corrections.yaml.swp", Affects::Nothing),
            ("content/alpha/corrections.yaml~", Affects::Nothing),
            ("content/alpha/4913", Affects::Nothing),
            ("content/alpha/#corrections.yaml#", Affects::Nothing),
            ("content/alpha/corrections.yaml.tmp", Affects::Nothing),
            ("themes/x/templates/base.html___jb_tmp___", Affects::Nothing),
            // hidden folders and files, output, elsewhere
            ("content/.hidden/meta.yaml", Affects::Nothing),
            (".git/index", Affects::Nothing),
            ("public/index.html", Affects::Nothing),
            ("README.md", Affects::Nothing),
            ("site.yaml.swp", Affects::Nothing),
        ];
        for (path, want) in cases {
            assert_eq!(classify(Path::new(path)), want, "{path}");
        }
    }

    #[test]
    fn a_batch_is_scoped_to_its_articles_unless_a_site_file_changed() {
        let root = Path::new("/site");
        let paths = |ps: &[&str]| ps.iter().map(|p| root.join(p)).collect::<Vec<_>>();
        let (scope, rel) = scope_of(
            root,
            &paths(&[
                "content/a/corrections.yaml",
                "content/a/.corrections.yaml.swp",
                "content/b/meta.yaml",
                "public/a/index.html",
            ]),
        )
        .unwrap();
        assert_eq!(scope, Scope::Articles(["a".into(), "b".into()].into()));
        assert_eq!(
            rel,
            [
                PathBuf::from("content/a/corrections.yaml"),
                PathBuf::from("content/b/meta.yaml")
            ]
        );
        let (scope, _) = scope_of(root, &paths(&["content/a/meta.yaml", "site.yaml"])).unwrap();
        assert_eq!(scope, Scope::Everything);
        assert!(scope_of(root, &paths(&["content/a/x.swp", "public/index.html"])).is_none());
        assert!(scope_of(root, &[PathBuf::from("/elsewhere/site.yaml")]).is_none());
    }

    #[test]
    fn reads_are_not_changes() {
        use notify::event::{CreateKind, DataChange, ModifyKind};
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
    }
}
