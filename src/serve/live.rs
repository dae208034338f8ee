//! The site as `emend serve` keeps it: built into memory, rebuilt piece by
//! piece, and always holding the last good version of every page.
//!
//! It runs the same pipeline steps as a build ([`crate::site::pipeline`]).
//! Each article's files are kept apart, so an edit to one article re-runs
//! [`build_article`] for that article and nothing else, and its new pages
//! are served at once ([`LiveSite::rebuild`]). The index and other site-wide
//! pages ([`Site::write_site_pages_reusing`]: feeds, glossary, search index) read every
//! article, which takes most of a second at 10,000 articles when they are all
//! made again, so they follow in a second step ([`LiveSite::update_site_pages`]),
//! as Hugo's fast render mode does; a group of them whose inputs did not change
//! is served as it was. A change to `site.yaml` or the theme rebuilds everything in one step. When a rebuild fails, the
//! files it would have replaced stay as they were and its errors are kept
//! until a later rebuild of the same part succeeds.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::content::{self, Entry};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::outputs::{ArticleEntry, sort_for_index};
use crate::site::pages::{Group, Reuse};
use crate::site::pipeline::build_article;
use crate::site::{ArticleOutcome, BuildOptions, Progress, Site};
use crate::writer::{Claims, Sink, collision};

/// File contents, shared between snapshots without copying.
pub type Bytes = Arc<[u8]>;

/// Site-relative path (`alpha/index.html`) → contents.
pub type Files = BTreeMap<String, Bytes>;

/// A [`Sink`] that keeps what it is given in memory.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<Files>,
}

impl MemorySink {
    /// The files written so far.
    pub fn into_files(self) -> Files {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl MemorySink {
    /// Adds files already in memory, sharing their bytes.
    fn insert_shared(&self, files: &Files) {
        let mut mine = self.files.lock().unwrap_or_else(|e| e.into_inner());
        for (path, bytes) in files {
            mine.insert(path.clone(), bytes.clone());
        }
    }
}

impl Sink for MemorySink {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(rel.to_string(), Arc::from(bytes));
        Ok(())
    }
}

/// One [`Group`] of site-wide files as the last site-pages step made it.
struct MemoryGroup {
    /// The hash of what it was made from ([`crate::site::pages::GroupKeys`]).
    key: [u64; 2],
    files: Files,
    pages: usize,
}

/// The site-pages step's [`Reuse`] in memory: a group whose inputs did not
/// change is served as it was (its bytes shared, not rendered again), as
/// `emend build` keeps it on disk. At 10,000 articles rendering the search
/// index alone takes most of a second; an edit that changes no search term
/// no longer waits for it.
struct KeptInMemory<'a> {
    previous: &'a BTreeMap<&'static str, MemoryGroup>,
    sink: &'a MemorySink,
    claims: &'a Claims<'a>,
    /// What each group is now: kept (with its files) or written (paths only,
    /// their bytes are taken from the sink afterwards).
    next: Vec<(Group, [u64; 2], Vec<String>, usize)>,
    kept: Vec<&'static str>,
}

impl Reuse for KeptInMemory<'_> {
    fn keep(&mut self, group: Group, key: [u64; 2], out: &mut Diagnostics) -> Option<usize> {
        let kept = self.previous.get(group.name()).filter(|g| g.key == key)?;
        if let Err(d) = self
            .claims
            .claim_kept(kept.files.keys().map(String::as_str))
        {
            out.push(d);
        }
        self.sink.insert_shared(&kept.files);
        self.next
            .push((group, key, kept.files.keys().cloned().collect(), kept.pages));
        self.kept.push(group.name());
        Some(kept.pages)
    }

    fn built(&mut self, group: Group, key: [u64; 2], files: Vec<String>, pages: usize) {
        self.next.push((group, key, files, pages));
    }
}

/// What a change touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Configuration, theme or templates: rebuild everything.
    Everything,
    /// These article folders (named by slug, created, edited or removed).
    Articles(BTreeSet<String>),
}

/// One immutable state of the served site. Files are kept per article, so a
/// new state shares every unchanged article's files with the previous one.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Increases whenever a served file changes; pages carry the generation
    /// they were served at, so a browser can tell it missed a reload.
    pub generation: u64,
    /// Index, 404 page, assets and other site-wide files.
    site: Arc<Files>,
    /// Each published article's files, by slug.
    articles: BTreeMap<String, Arc<Files>>,
    /// The errors that are unresolved right now, sorted.
    pub errors: Vec<Diagnostic>,
    /// Number of warnings right now.
    pub warnings: usize,
    /// Per article, the state of its files its pages were rendered from
    /// (absent while that is unknown: then nothing can be reviewed).
    pub versions: BTreeMap<String, String>,
}

impl Snapshot {
    /// The file at site path `path` (`alpha/index.html`).
    pub fn get(&self, path: &str) -> Option<&Bytes> {
        self.site.get(path).or_else(|| {
            let slug = path.split('/').next()?;
            self.articles.get(slug)?.get(path)
        })
    }

    /// Whether nothing has been built.
    pub fn is_empty(&self) -> bool {
        self.site.is_empty() && self.articles.values().all(|f| f.is_empty())
    }
}

/// Adds to `out` the paths whose contents differ between `old` and `new`.
fn diff(old: &Files, new: &Files, out: &mut Vec<String>) {
    for (path, bytes) in new {
        if old.get(path).is_none_or(|o| !same(o, bytes)) {
            out.push(path.clone());
        }
    }
    out.extend(old.keys().filter(|p| !new.contains_key(*p)).cloned());
}

/// What one rebuild covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuilt {
    /// The whole site, site pages included.
    Everything,
    /// These articles (by slug); the site pages follow separately.
    Articles(Vec<String>),
    /// The site-wide pages, after articles changed.
    SitePages,
}

/// The result of one rebuild.
pub struct Rebuild {
    /// What was rebuilt.
    pub rebuilt: Rebuilt,
    /// How long the rebuild took.
    pub elapsed: Duration,
    /// Time per phase (`-v` prints them).
    pub timings: Vec<(&'static str, Duration)>,
    /// The groups of site-wide files served as they were because what they
    /// are made from did not change (`-v` prints them).
    pub kept_site_files: Vec<&'static str>,
    /// Served paths whose contents changed (added, edited or removed), sorted.
    pub changed: Vec<String>,
    /// Diagnostics produced by this rebuild (not older ones), sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Articles on the index and pages rendered, for the summary line.
    pub articles: usize,
    /// HTML pages in the served site.
    pub pages: usize,
    /// The state to serve now.
    pub snapshot: Arc<Snapshot>,
}

/// The last successful build of one article.
struct GoodArticle {
    /// The state of its files the pages were rendered from ([`super::review::version`]).
    version: Option<String>,
    entry: Option<ArticleEntry>,
    files: Arc<Files>,
    has_code: bool,
    pages: usize,
}

#[derive(Default)]
struct ArticleState {
    good: Option<GoodArticle>,
    /// Diagnostics of the latest attempt.
    diagnostics: Vec<Diagnostic>,
}

/// The served site and how to rebuild it.
pub struct LiveSite {
    opts: BuildOptions,
    site: Option<Site>,
    /// From loading config and theme, and from reading `content/` itself.
    load_diagnostics: Vec<Diagnostic>,
    /// Entries of `content/` that discovery refused or ignored, by name.
    entry_diagnostics: BTreeMap<OsString, Diagnostic>,
    /// From the site-wide pages.
    pages_diagnostics: Vec<Diagnostic>,
    articles: BTreeMap<String, ArticleState>,
    site_files: Arc<Files>,
    /// The same files by group, with the key each was made from.
    site_groups: BTreeMap<&'static str, MemoryGroup>,
    /// Groups kept by the last site-pages step.
    kept_site_files: Vec<&'static str>,
    site_pages: usize,
    /// Articles changed since the site pages were last built.
    site_pages_stale: bool,
    served: Arc<Snapshot>,
}

impl LiveSite {
    /// A site that has not been built yet; call [`LiveSite::rebuild`] with
    /// [`Scope::Everything`] first.
    pub fn new(opts: BuildOptions) -> Self {
        LiveSite {
            opts,
            site: None,
            load_diagnostics: Vec::new(),
            entry_diagnostics: BTreeMap::new(),
            pages_diagnostics: Vec::new(),
            articles: BTreeMap::new(),
            site_files: Arc::default(),
            site_groups: BTreeMap::new(),
            kept_site_files: Vec::new(),
            site_pages: 0,
            site_pages_stale: false,
            served: Arc::new(Snapshot::default()),
        }
    }

    /// The site's title, once it has loaded.
    pub fn title(&self) -> Option<&str> {
        self.site.as_ref().map(|s| s.config.title.as_str())
    }

    /// The state being served.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.served.clone()
    }

    /// Rebuilds what `scope` covers and returns the new state. For articles,
    /// that is their own files only: call [`LiveSite::update_site_pages`] next.
    pub fn rebuild(&mut self, scope: &Scope, progress: &dyn Progress) -> Rebuild {
        let started = Instant::now();
        let mut timings = Vec::new();
        // While the configuration or theme is broken, every change is a chance
        // that it was fixed.
        let site_broken = self.site.is_none() || self.load_diagnostics.iter().any(|d| d.is_error());
        match scope {
            Scope::Articles(slugs) if !site_broken => {
                let mut diagnostics = Diagnostics::new();
                self.rebuild_articles(slugs, &mut diagnostics);
                self.site_pages_stale = true;
                timings.push(("articles", started.elapsed()));
                let rebuilt = Rebuilt::Articles(slugs.iter().cloned().collect());
                self.finish(rebuilt, started, timings, diagnostics)
            }
            _ => {
                let mut diagnostics = Diagnostics::new();
                self.rebuild_everything(progress, &mut diagnostics);
                timings.push(("articles", started.elapsed()));
                let phase = Instant::now();
                // The theme or settings may have changed: every group again.
                self.site_groups.clear();
                self.rebuild_site_pages(&mut diagnostics);
                timings.push(("site pages", phase.elapsed()));
                self.finish(Rebuilt::Everything, started, timings, diagnostics)
            }
        }
    }

    /// Rebuilds the index, feeds, glossary and search index if articles
    /// changed since they were built; `None` if they are up to date.
    pub fn update_site_pages(&mut self) -> Option<Rebuild> {
        if !self.site_pages_stale {
            return None;
        }
        let started = Instant::now();
        let mut diagnostics = Diagnostics::new();
        self.rebuild_site_pages(&mut diagnostics);
        self.site_pages_stale = false;
        let timings = vec![("site pages", started.elapsed())];
        Some(self.finish(Rebuilt::SitePages, started, timings, diagnostics))
    }

    /// Swaps in the new state and describes the rebuild.
    fn finish(
        &mut self,
        rebuilt: Rebuilt,
        started: Instant,
        mut timings: Vec<(&'static str, Duration)>,
        diagnostics: Diagnostics,
    ) -> Rebuild {
        let phase = Instant::now();
        let (changed, snapshot) = self.publish();
        timings.push(("swap in", phase.elapsed()));
        let good = || self.articles.values().filter_map(|a| a.good.as_ref());
        let kept_site_files = match rebuilt {
            Rebuilt::Articles(_) => Vec::new(),
            _ => self.kept_site_files.clone(),
        };
        Rebuild {
            rebuilt,
            kept_site_files,
            elapsed: started.elapsed(),
            timings,
            changed,
            diagnostics: diagnostics.sorted(),
            articles: good().filter(|g| g.entry.is_some()).count(),
            pages: self.site_pages + good().map(|g| g.pages).sum::<usize>(),
            snapshot,
        }
    }

    fn rebuild_everything(&mut self, progress: &dyn Progress, out: &mut Diagnostics) {
        let mut load = Diagnostics::new();
        let Some(mut site) = Site::load(&self.opts, &mut load) else {
            // Keep serving what was built with the last good configuration.
            self.load_diagnostics = load.clone().into_vec();
            out.append(&mut load);
            return;
        };
        let mut dirs = Vec::new();
        self.entry_diagnostics.clear();
        for (name, entry) in content::discover_entries(&site.config.root, &mut load) {
            match entry {
                Entry::Article(dir) => dirs.push(dir),
                Entry::Absent => {}
                Entry::Refused(d) => {
                    self.entry_diagnostics.insert(name, d);
                }
            }
        }
        site.drop_pages_of_articles(&dirs, &mut load);
        self.load_diagnostics = load.clone().into_vec();
        out.append(&mut load);
        out.extend(self.entry_diagnostics.values().cloned());
        let present: BTreeSet<String> = dirs.iter().map(|d| slug_of(d)).collect();
        self.articles.retain(|slug, _| present.contains(slug));
        progress.start(dirs.len());
        let built: Vec<(String, Built)> = dirs
            .par_iter()
            .map(|dir| {
                let built = build_into_memory(&site, dir, self.opts.drafts);
                progress.advance();
                (slug_of(dir), built)
            })
            .collect();
        progress.finish();
        for (slug, built) in built {
            self.record(slug, built, out);
        }
        self.site = Some(site);
    }

    fn rebuild_articles(&mut self, slugs: &BTreeSet<String>, out: &mut Diagnostics) {
        let Some(site) = &self.site else {
            return;
        };
        // Discovery decides what counts as an article (hidden names, symlinks
        // leading outside the site), exactly as in a build, but only for the
        // folders that changed: listing 10,000 folders costs more than the rebuild.
        let mut wanted = Vec::new();
        for slug in slugs {
            let name = OsString::from(slug);
            self.entry_diagnostics.remove(&name);
            match content::discover_entry(&site.config.root, &name) {
                Entry::Article(dir) => wanted.push(dir),
                Entry::Absent => {
                    self.articles.remove(slug);
                }
                Entry::Refused(d) => {
                    self.articles.remove(slug);
                    out.push(d.clone());
                    self.entry_diagnostics.insert(name, d);
                }
            }
        }
        let drafts = self.opts.drafts;
        let built: Vec<(String, Built)> = wanted
            .par_iter()
            .map(|dir| (slug_of(dir), build_into_memory(site, dir, drafts)))
            .collect();
        for (slug, built) in built {
            self.record(slug, built, out);
        }
    }

    /// Keeps a successful article build, or the previous one beside the new
    /// errors; passes its diagnostics on to `out`.
    fn record(&mut self, slug: String, built: Built, out: &mut Diagnostics) {
        let Built {
            outcome,
            files,
            version,
        } = built;
        let state = self.articles.entry(slug).or_default();
        let diagnostics = outcome.diagnostics.into_vec();
        state.diagnostics = diagnostics.clone();
        if !diagnostics.iter().any(Diagnostic::is_error) {
            state.good = Some(GoodArticle {
                version,
                entry: outcome.entry,
                files: Arc::new(files),
                has_code: outcome.has_code,
                pages: outcome.pages,
            });
        }
        out.extend(diagnostics);
    }

    fn entries(&self) -> Vec<ArticleEntry> {
        let mut entries: Vec<ArticleEntry> = self
            .articles
            .values()
            .filter_map(|a| a.good.as_ref()?.entry.clone())
            .collect();
        sort_for_index(&mut entries);
        entries
    }

    /// Rebuilds the site-wide pages from the last good build of every
    /// article, keeping each group whose inputs did not change; on failure
    /// the previous ones stay served.
    fn rebuild_site_pages(&mut self, out: &mut Diagnostics) {
        let Some(site) = &self.site else {
            return;
        };
        let entries = self.entries();
        let has_code = self
            .articles
            .values()
            .any(|a| a.good.as_ref().is_some_and(|g| g.has_code));
        let sink = MemorySink::default();
        // As in a build, each output path has one writer: a static file named
        // like a generated page is an error, not a silent shadow.
        let claims = Claims::new(&sink);
        let mut found = Diagnostics::new();
        let mut reuse = KeptInMemory {
            previous: &self.site_groups,
            sink: &sink,
            claims: &claims,
            next: Vec::new(),
            kept: Vec::new(),
        };
        let written =
            site.write_site_pages_reusing(&entries, has_code, &claims, &mut reuse, &mut found);
        let (next, kept) = (reuse.next, reuse.kept);
        drop(claims);
        let files = sink.into_files();
        for path in files.keys() {
            let article_files = path
                .split_once('/')
                .and_then(|(slug, _)| self.articles.get(slug)?.good.as_ref());
            if article_files.is_some_and(|g| g.files.contains_key(path)) {
                found.push(collision(path));
            }
        }
        match written {
            Some(pages) if !found.has_errors() => {
                self.site_groups = next
                    .into_iter()
                    .map(|(group, key, paths, pages)| {
                        let files = paths
                            .into_iter()
                            .filter_map(|p| Some((p.clone(), files.get(&p)?.clone())))
                            .collect();
                        (group.name(), MemoryGroup { key, files, pages })
                    })
                    .collect();
                self.kept_site_files = kept;
                self.site_files = Arc::new(files);
                self.site_pages = pages;
                self.pages_diagnostics.clear();
            }
            _ => {
                self.pages_diagnostics = found.clone().into_vec();
                out.append(&mut found);
            }
        }
    }

    /// Assembles the files to serve and compares them with what was served.
    fn publish(&mut self) -> (Vec<String>, Arc<Snapshot>) {
        let articles: BTreeMap<String, Arc<Files>> = self
            .articles
            .iter()
            .filter_map(|(slug, a)| Some((slug.clone(), a.good.as_ref()?.files.clone())))
            .collect();
        let none = Files::new();
        let mut changed = Vec::new();
        let old = &self.served;
        if !Arc::ptr_eq(&old.site, &self.site_files) {
            diff(&old.site, &self.site_files, &mut changed);
        }
        let slugs: BTreeSet<&String> = articles.keys().chain(old.articles.keys()).collect();
        for slug in slugs {
            match (old.articles.get(slug), articles.get(slug)) {
                (Some(a), Some(b)) if Arc::ptr_eq(a, b) => {}
                (a, b) => diff(
                    a.map_or(&none, |f| f.as_ref()),
                    b.map_or(&none, |f| f.as_ref()),
                    &mut changed,
                ),
            }
        }
        changed.sort();
        changed.dedup();

        let mut all = Diagnostics::new();
        all.extend(self.load_diagnostics.iter().cloned());
        all.extend(self.entry_diagnostics.values().cloned());
        all.extend(self.pages_diagnostics.iter().cloned());
        for state in self.articles.values() {
            all.extend(state.diagnostics.iter().cloned());
        }
        let warnings = all.warning_count();
        let errors: Vec<Diagnostic> = all.sorted().into_iter().filter(|d| d.is_error()).collect();

        let generation = self.served.generation + u64::from(!changed.is_empty());
        let versions = self
            .articles
            .iter()
            .filter_map(|(slug, a)| Some((slug.clone(), a.good.as_ref()?.version.clone()?)))
            .collect();
        self.served = Arc::new(Snapshot {
            versions,
            generation,
            site: self.site_files.clone(),
            articles,
            errors,
            warnings,
        });
        (changed, self.served.clone())
    }
}

fn same(a: &Bytes, b: &Bytes) -> bool {
    Arc::ptr_eq(a, b) || a[..] == b[..]
}

fn slug_of(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// One article built into memory.
struct Built {
    outcome: ArticleOutcome,
    files: Files,
    version: Option<String>,
}

fn build_into_memory(site: &Site, dir: &Path, drafts: bool) -> Built {
    let sink = MemorySink::default();
    // The files' state before and after the build: if they differ, the pages
    // may mix two states, and reviewing them waits for the next rebuild.
    let before = super::review::version(dir);
    let outcome = build_article(site, dir, &sink, drafts, false);
    let after = super::review::version(dir);
    Built {
        outcome,
        files: sink.into_files(),
        version: before.filter(|b| after.as_ref() == Some(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::NoProgress;

    fn site_with(articles: &[(&str, &str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("site.yaml"),
            "title: Live\nbase_url: \"http://127.0.0.1:1111/\"\n",
        )
        .unwrap();
        for (slug, original, corrections) in articles {
            let a = dir.path().join("content").join(slug);
            std::fs::create_dir_all(&a).unwrap();
            std::fs::write(a.join("original.txt"), original).unwrap();
            std::fs::write(a.join("meta.yaml"), format!("title: \"{slug}\"\n")).unwrap();
            std::fs::write(a.join("corrections.yaml"), corrections).unwrap();
        }
        dir
    }

    fn live(dir: &Path) -> LiveSite {
        LiveSite::new(BuildOptions {
            root: dir.to_path_buf(),
            ..Default::default()
        })
    }

    fn text(s: &Snapshot, path: &str) -> String {
        String::from_utf8(s.get(path).unwrap().to_vec()).unwrap()
    }

    const FIX: &str = "- find: mentioned\n  replace: said\n  why: spun\n";

    #[test]
    fn an_article_edit_serves_that_article_first_then_the_site_pages() {
        let dir = site_with(&[
            ("one", "She mentioned it.", FIX),
            ("two", "He mentioned that.", FIX),
        ]);
        let mut live = live(dir.path());
        let first = live.rebuild(&Scope::Everything, &NoProgress);
        assert!(first.diagnostics.is_empty(), "{:?}", first.diagnostics);
        assert!(first.snapshot.get("one/index.html").is_some());
        assert!(first.snapshot.get("index.html").is_some());
        let two_before = first.snapshot.get("two/index.html").unwrap().clone();

        std::fs::write(
            dir.path().join("content/one/corrections.yaml"),
            "- find: mentioned\n  replace: stated\n  why: spun\n",
        )
        .unwrap();
        let second = live.rebuild(&Scope::Articles(["one".to_string()].into()), &NoProgress);
        assert_eq!(second.rebuilt, Rebuilt::Articles(vec!["one".into()]));
        assert_eq!(
            second.changed,
            [
                "one/corrected.txt",
                "one/corrected/index.html",
                "one/edition.json",
                "one/index.html",
                "one/tei.xml",
                "search/d/one.js",
            ]
        );
        // Until the second step, the glossary still shows the old restoration.
        assert!(text(&second.snapshot, "glossary/index.html").contains("said"));
        let third = live.update_site_pages().expect("site pages are stale");
        assert_eq!(third.rebuilt, Rebuilt::SitePages);
        assert_eq!(third.changed, ["glossary/index.html", "search/t/0.js"]);
        assert!(text(&third.snapshot, "glossary/index.html").contains("stated"));
        assert_eq!(third.snapshot.generation, first.snapshot.generation + 2);
        assert!(live.update_site_pages().is_none());
        assert_eq!(
            text(&second.snapshot, "one/corrected.txt"),
            "She stated it."
        );
        // The other article was not rebuilt: the very same bytes are served.
        assert!(Arc::ptr_eq(
            second.snapshot.get("two/index.html").unwrap(),
            &two_before
        ));
        assert_eq!(second.snapshot.generation, first.snapshot.generation + 1);
    }

    #[test]
    fn a_static_file_named_like_a_page_is_an_error_and_the_page_is_kept() {
        let dir = site_with(&[("one", "She mentioned it.", FIX)]);
        let mut live = live(dir.path());
        let first = live.rebuild(&Scope::Everything, &NoProgress);
        let page = first.snapshot.get("one/index.html").unwrap().clone();
        let index = first.snapshot.get("index.html").unwrap().clone();
        std::fs::create_dir_all(dir.path().join("static/one")).unwrap();
        std::fs::write(dir.path().join("static/one/index.html"), "shadow").unwrap();
        std::fs::write(dir.path().join("static/index.html"), "shadow").unwrap();
        let clash = live.rebuild(&Scope::Everything, &NoProgress);
        let mut codes: Vec<String> = clash
            .snapshot
            .errors
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        codes.sort();
        assert_eq!(
            codes,
            [
                "output-collision: two files of the site would be written to `index.html`",
                "output-collision: two files of the site would be written to `one/index.html`",
            ]
        );
        // The last good pages stay served, not the static files.
        assert_eq!(clash.snapshot.get("one/index.html").unwrap(), &page);
        assert_eq!(clash.snapshot.get("index.html").unwrap(), &index);
        std::fs::remove_dir_all(dir.path().join("static")).unwrap();
        let fixed = live.rebuild(&Scope::Everything, &NoProgress);
        assert!(
            fixed.snapshot.errors.is_empty(),
            "{:?}",
            fixed.snapshot.errors
        );
    }

    #[test]
    fn site_files_whose_inputs_did_not_change_are_served_as_they_were() {
        let dir = site_with(&[
            ("one", "She mentioned it.", FIX),
            ("two", "He mentioned that.", FIX),
        ]);
        let mut live = live(dir.path());
        let first = live.rebuild(&Scope::Everything, &NoProgress);
        assert!(first.kept_site_files.is_empty());
        let search_files = |s: &Snapshot| -> Vec<(String, Bytes)> {
            s.site
                .iter()
                .filter(|(p, _)| p.starts_with("search/"))
                .map(|(p, b)| (p.clone(), b.clone()))
                .collect()
        };
        let search_before = search_files(&first.snapshot);
        assert!(!search_before.is_empty());
        let scope = Scope::Articles(["one".to_string()].into());

        // A new `why` is on the article page only: no site file is made again.
        let why = "- find: mentioned\n  replace: said\n  why: reworded by a spinner\n";
        std::fs::write(dir.path().join("content/one/corrections.yaml"), why).unwrap();
        live.rebuild(&scope, &NoProgress);
        let pages = live.update_site_pages().unwrap();
        assert_eq!(
            pages.kept_site_files,
            ["lists", "glossary", "search", "fixed"]
        );
        // The same bytes, shared rather than rendered again.
        for ((path, old), (_, new)) in search_before.iter().zip(search_files(&pages.snapshot)) {
            assert!(Arc::ptr_eq(old, &new), "{path} was made again");
        }

        // A new word in the text is searchable: the search index is made
        // again, and what lists the editions too (the excerpt changed).
        std::fs::write(
            dir.path().join("content/one/original.txt"),
            "She mentioned zebras.",
        )
        .unwrap();
        live.rebuild(&scope, &NoProgress);
        let pages = live.update_site_pages().unwrap();
        assert!(
            !pages.kept_site_files.contains(&"search"),
            "{:?}",
            pages.kept_site_files
        );
        assert!(pages.kept_site_files.contains(&"fixed"));
        assert!(
            pages.changed.iter().any(|p| p.starts_with("search/")),
            "{:?}",
            pages.changed
        );

        // A rebuild of everything (a theme or settings change) makes every group again.
        let all = live.rebuild(&Scope::Everything, &NoProgress);
        assert!(all.kept_site_files.is_empty(), "{:?}", all.kept_site_files);
    }

    #[test]
    fn an_edit_that_changes_no_site_page_publishes_nothing_more() {
        let dir = site_with(&[("one", "She mentioned it.", FIX)]);
        let mut live = live(dir.path());
        let first = live.rebuild(&Scope::Everything, &NoProgress);
        assert!(live.update_site_pages().is_none());
        // Same bytes rewritten: nothing changes, the generation stays.
        std::fs::write(dir.path().join("content/one/corrections.yaml"), FIX).unwrap();
        let scope = Scope::Articles(["one".to_string()].into());
        assert!(live.rebuild(&scope, &NoProgress).changed.is_empty());
        let pages = live.update_site_pages().unwrap();
        assert!(pages.changed.is_empty(), "{:?}", pages.changed);
        assert_eq!(pages.snapshot.generation, first.snapshot.generation);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_site_added_while_serving_is_refused_until_removed() {
        let dir = site_with(&[("one", "She mentioned it.", FIX)]);
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("original.txt"), "Secret.").unwrap();
        std::fs::write(outside.path().join("meta.yaml"), "title: Secret\n").unwrap();
        let mut live = live(dir.path());
        live.rebuild(&Scope::Everything, &NoProgress);
        let link = dir.path().join("content/leak");
        std::os::unix::fs::symlink(outside.path(), &link).unwrap();
        let scope = Scope::Articles(["leak".to_string()].into());
        let refused = live.rebuild(&scope, &NoProgress);
        assert_eq!(refused.diagnostics.len(), 1);
        assert_eq!(refused.diagnostics[0].code, "symlink-outside");
        assert_eq!(refused.snapshot.errors.len(), 1);
        assert!(refused.snapshot.get("leak/index.html").is_none());
        // Another article's edit does not forget the refusal.
        let other = live.rebuild(&Scope::Articles(["one".to_string()].into()), &NoProgress);
        assert_eq!(other.snapshot.errors.len(), 1);
        std::fs::remove_file(&link).unwrap();
        let gone = live.rebuild(&scope, &NoProgress);
        assert!(
            gone.snapshot.errors.is_empty(),
            "{:?}",
            gone.snapshot.errors
        );
    }

    #[test]
    fn a_broken_edit_keeps_the_last_good_pages_and_a_fix_clears_the_errors() {
        let dir = site_with(&[("one", "She mentioned it.", FIX)]);
        let mut live = live(dir.path());
        let first = live.rebuild(&Scope::Everything, &NoProgress);
        let scope = Scope::Articles(["one".to_string()].into());

        std::fs::write(
            dir.path().join("content/one/corrections.yaml"),
            "- find: mentoined\n  replace: said\n  why: spun\n",
        )
        .unwrap();
        let broken = live.rebuild(&scope, &NoProgress);
        assert!(broken.changed.is_empty(), "{:?}", broken.changed);
        assert_eq!(broken.snapshot.generation, first.snapshot.generation);
        assert_eq!(broken.snapshot.errors.len(), 1);
        assert_eq!(broken.snapshot.errors[0].code, "find-not-found");
        assert_eq!(text(&broken.snapshot, "one/corrected.txt"), "She said it.");
        // Editing another part of the site does not forget the error.
        let again = live.rebuild(&Scope::Articles(BTreeSet::new()), &NoProgress);
        assert_eq!(again.snapshot.errors.len(), 1);

        std::fs::write(dir.path().join("content/one/corrections.yaml"), FIX).unwrap();
        let fixed = live.rebuild(&scope, &NoProgress);
        assert!(fixed.snapshot.errors.is_empty());
    }

    #[test]
    fn removed_and_added_articles_leave_and_join_the_index() {
        let dir = site_with(&[("one", "She mentioned it.", FIX)]);
        let mut live = live(dir.path());
        live.rebuild(&Scope::Everything, &NoProgress);
        let extra = dir.path().join("content/two");
        std::fs::create_dir_all(&extra).unwrap();
        std::fs::write(extra.join("original.txt"), "Text.").unwrap();
        std::fs::write(extra.join("meta.yaml"), "title: Second\n").unwrap();
        let added = live.rebuild(&Scope::Articles(["two".to_string()].into()), &NoProgress);
        assert!(added.changed.contains(&"two/index.html".to_string()));
        let added = live.update_site_pages().unwrap();
        assert!(added.changed.contains(&"index.html".to_string()));
        assert!(text(&added.snapshot, "index.html").contains("Second"));

        std::fs::remove_dir_all(dir.path().join("content/one")).unwrap();
        let removed = live.rebuild(&Scope::Articles(["one".to_string()].into()), &NoProgress);
        assert!(removed.snapshot.get("one/index.html").is_none());
        assert!(removed.changed.contains(&"one/index.html".to_string()));
        let removed = live.update_site_pages().unwrap();
        assert!(!text(&removed.snapshot, "index.html").contains("one/index.html"));
    }

    #[test]
    fn a_broken_site_yaml_keeps_serving_and_is_retried_on_any_change() {
        let dir = site_with(&[("one", "She mentioned it.", FIX)]);
        let mut live = live(dir.path());
        live.rebuild(&Scope::Everything, &NoProgress);
        std::fs::write(dir.path().join("site.yaml"), "title: Live\nbase_ulr: x\n").unwrap();
        let broken = live.rebuild(&Scope::Everything, &NoProgress);
        assert!(broken.snapshot.get("one/index.html").is_some());
        assert!(
            broken
                .snapshot
                .errors
                .iter()
                .any(|d| d.code == "unknown-key")
        );
        std::fs::write(
            dir.path().join("site.yaml"),
            "title: Renamed\nbase_url: \"http://127.0.0.1:1111/\"\n",
        )
        .unwrap();
        // An article change while the site is broken retries the whole site.
        let fixed = live.rebuild(&Scope::Articles(["one".to_string()].into()), &NoProgress);
        assert_eq!(fixed.rebuilt, Rebuilt::Everything);
        assert!(fixed.snapshot.errors.is_empty());
        assert!(text(&fixed.snapshot, "index.html").contains("Renamed"));
    }
}
