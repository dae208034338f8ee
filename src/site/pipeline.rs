//! The one pipeline: discover → load → resolve → render and write → site
//! pages → (checks). `build`, `check` and `check --links` run it whole
//! ([`run`]); `serve` runs the same steps on the articles an edit touched
//! ([`build_article`], [`Site::write_site_pages_reusing`]); `suggest` runs the same
//! discovery and loading ([`content::discover()`], [`content::load_all`]). What a run does beyond validating everything
//! is a set of [`Tasks`], not a mode compared with `==`.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::Site;
use super::cache::{
    self, BuildCache, Built, CachedArticle, CachedGroup, EntryHashes, EntryStore, StoredEntry,
};
use super::pages::{self, Editions, Group, GroupKeys, NoReuse, Reuse};
use crate::config::{Overrides, PolicyAction, SourcePolicy};
use crate::content::{self, Article, Loaded};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Severity};
use crate::engine::{self, Edition};
use crate::outputs::{ArticleEntry, index_order_of};
use crate::render::edition_view;
use crate::source::io_diagnostic;
use crate::writer::{Claims, NullSink, OutputDir, Recording, Sink};

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Site root (folder with `site.yaml`).
    pub root: PathBuf,
    /// Output folder override (relative to the working directory).
    pub output: Option<PathBuf>,
    /// `base_url` override (preview deploys).
    pub base_url: Option<String>,
    /// Include `draft: true` articles.
    pub drafts: bool,
    /// Build every article again, ignoring the build cache (`build --clean`).
    pub clean: bool,
    /// Report every unreviewed suggestion at its entry, instead of one
    /// summary per article (`check --unreviewed`, `--format json`).
    pub list_unreviewed: bool,
}

impl BuildOptions {
    /// The settings that override `site.yaml`'s.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            base_url: self.base_url.clone(),
            output_dir: self.output.clone(),
        }
    }
}

/// What `check --links` checks besides internal links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkCheck {
    /// Also request every external http(s) link.
    pub external: bool,
}

/// What a run does besides loading, resolving and rendering every article
/// (which every run does, so every run reports every problem of the content).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tasks {
    /// Write the site into the output folder.
    pub write: bool,
    /// Run the checks that look across articles (`uncorrected-elsewhere`).
    pub site_checks: bool,
    /// Keep the rendered site's links in memory and check every one.
    pub links: Option<LinkCheck>,
}

impl Tasks {
    /// `emend build`: write the site.
    pub const BUILD: Tasks = Tasks {
        write: true,
        site_checks: false,
        links: None,
    };
    /// `emend check`: validate everything, including across articles.
    pub const CHECK: Tasks = Tasks {
        write: false,
        site_checks: true,
        links: None,
    };

    /// `emend check --links [--external]`: what `check` does, plus links.
    pub fn check_links(external: bool) -> Tasks {
        Tasks {
            links: Some(LinkCheck { external }),
            ..Tasks::CHECK
        }
    }
}

/// Figures about a finished run.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Articles published.
    pub articles: usize,
    /// Drafts left out.
    pub drafts_skipped: usize,
    /// HTML pages rendered.
    pub pages: usize,
    /// Files whose bytes were written (build only; unchanged files are kept).
    pub files: usize,
    /// Articles taken from the build cache without being read (build only).
    pub reused: usize,
    /// Files removed because the site no longer produces them (build only).
    pub removed: usize,
    /// The output folder (build only).
    pub output: Option<PathBuf>,
    /// The groups of site-wide files kept as the last build wrote them,
    /// because what they are made from did not change (build only; see
    /// [`Group`]).
    pub kept_site_files: Vec<&'static str>,
    /// Time per phase.
    pub timings: Vec<(&'static str, Duration)>,
    /// What `check --links` checked.
    pub links: Option<crate::links::Stats>,
}

/// The result of a run: a summary if it succeeded, and every diagnostic.
pub struct Outcome {
    /// `Some` when the run succeeded (no errors).
    pub summary: Option<Summary>,
    /// Errors and warnings, sorted.
    pub diagnostics: Vec<Diagnostic>,
}

/// Hears about progress while the articles of a run build (the CLI draws a
/// progress bar from it). Called from parallel workers, hence `Sync`.
pub trait Progress: Sync {
    /// `total` articles are about to be built.
    fn start(&self, _total: usize) {}
    /// One more article is done.
    fn advance(&self) {}
    /// The articles phase is over.
    fn finish(&self) {}
}

/// Reports progress nowhere.
pub struct NoProgress;

impl Progress for NoProgress {}

/// What building one article produced.
#[derive(Default)]
pub struct ArticleOutcome {
    /// Its entry on the index and in the site-wide outputs, if it was published.
    pub entry: Option<ArticleEntry>,
    /// What went wrong (or is worth a look).
    pub diagnostics: Diagnostics,
    /// Pages rendered.
    pub pages: usize,
    /// Whether it was a skipped draft.
    pub skipped_draft: bool,
    /// Whether its pages contain highlighted code.
    pub has_code: bool,
    /// Its resolved corrections, for the checks across articles.
    pub knowledge: Option<crate::suggest::Knowledge>,
}

/// Resolves an article: applies its corrections, anchors its notes, and
/// reports what the site's settings say about it (unreviewed suggestions).
pub fn resolve(site: &Site, article: &Article, out: &mut Diagnostics) -> Option<Edition> {
    out.checked(|out| {
        let edition = match engine::resolve(article) {
            Ok(e) => e,
            Err(errors) => {
                out.extend(errors.iter().map(|e| e.to_diagnostic()));
                return None;
            }
        };
        // Marks the page could not show (inside a link's address…): errors now.
        out.extend(crate::render::markup_conflicts(article, &edition));
        let unreviewed: Vec<(usize, &crate::content::CorrectionSpec)> = article
            .corrections
            .iter()
            .enumerate()
            .filter(|(_, c)| c.status == crate::content::Status::Suggested)
            .collect();
        let as_set = |d: Diagnostic| {
            if site.config.allow_unreviewed {
                d
            } else {
                Diagnostic { severity: Severity::Error, ..d }
                    .note("site.yaml sets `allow_unreviewed: false`, so unreviewed suggestions cannot be published")
            }
        };
        if site.list_unreviewed {
            for (_, c) in &unreviewed {
                let d = Diagnostic::warning(
                    Code::Unreviewed,
                    format!("correction {:?} → {:?} is an unreviewed suggestion", c.selector.exact, c.replace),
                )
                .at(c.pos.entry.clone())
                .help("review it, then remove `status: suggested` (or set `status: reviewed`)");
                out.push(as_set(d));
            }
        } else if !unreviewed.is_empty() {
            out.push(as_set(unreviewed_summary(article, &edition, &unreviewed)));
        }
        source_policy(&site.config.source_policy, article, out);
        Some(edition)
    })
}

/// Reports every cited source that the site's source policy lists: a warning
/// for a domain to avoid, a note for one it flags, at the source's `url`.
pub fn source_policy(policy: &SourcePolicy, article: &Article, out: &mut Diagnostics) {
    let status = article.meta.status.iter().flat_map(|s| &s.sources);
    let notes = article.annotations.iter().flat_map(|a| &a.sources);
    for source in status.chain(notes) {
        let Some(found) = policy.check(&source.url) else {
            continue;
        };
        let rule = found.rule;
        let what = if found.via_archive {
            format!(
                "source {:?} is an archived copy of a page on {}",
                source.title, found.host
            )
        } else {
            format!("source {:?} is on {}", source.title, found.host)
        };
        let d = match rule.action {
            PolicyAction::Avoid => Diagnostic::warning(
                Code::AvoidedSource,
                format!("{what}, which the site's source policy says to avoid"),
            )
            .label(format!("avoid: {}", rule.domain))
            .help("cite a primary document or a reputable report of the same fact instead"),
            PolicyAction::Flag => Diagnostic::info(
                Code::FlaggedSource,
                format!("{what}, which the site's source policy flags"),
            )
            .label(format!("flagged: {}", rule.domain))
            .help("make sure it supports the sentence it is cited for; for a contested claim, cite a primary document or a reputable report as well"),
        };
        out.push(
            d.at(source.url_at.clone())
                .related(rule.at.clone(), format!("`{}` rule", rule.action.as_str()))
                .note(format!("reason: {}", rule.reason)),
        );
    }
}

/// One line for an article's unreviewed suggestions: entries and the places
/// they change, and where to review them.
fn unreviewed_summary(
    article: &Article,
    edition: &Edition,
    unreviewed: &[(usize, &crate::content::CorrectionSpec)],
) -> Diagnostic {
    let places = edition
        .changes
        .iter()
        .filter(|ch| unreviewed.iter().any(|(i, _)| *i == ch.entry))
        .count();
    let n = unreviewed.len();
    // One line: the slug names the article, the command lists the entries.
    Diagnostic::warning(
        Code::Unreviewed,
        format!(
            "{n} suggestion{} unreviewed in {} ({places} place{}): review {} in `emend serve` or list {} with `emend check --unreviewed`",
            if n == 1 { "" } else { "s" },
            article.slug,
            if places == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" },
            if n == 1 { "it" } else { "them" },
        ),
    )
}

/// Loads, resolves, renders and writes one article folder. With `learn`, the
/// outcome keeps what the checks across articles learn from (the original
/// and its changes); builds leave it out so memory does not grow with every text.
pub fn build_article(
    site: &Site,
    dir: &Path,
    sink: &dyn Sink,
    drafts: bool,
    learn: bool,
) -> ArticleOutcome {
    let mut diagnostics = Diagnostics::new();
    let article = match content::load_article(&site.config.root, dir, drafts, &mut diagnostics) {
        Loaded::Article(a) => a,
        Loaded::SkippedDraft => {
            return ArticleOutcome {
                skipped_draft: true,
                diagnostics,
                ..Default::default()
            };
        }
        Loaded::Invalid(article) => {
            // Its anchors are still checked, so one run shows every error.
            let _ = resolve(site, &article, &mut diagnostics);
            return ArticleOutcome {
                diagnostics,
                ..Default::default()
            };
        }
        Loaded::Failed => {
            return ArticleOutcome {
                diagnostics,
                ..Default::default()
            };
        }
    };
    let mut outcome = build_loaded(site, article, sink, learn);
    diagnostics.append(&mut outcome.diagnostics);
    outcome.diagnostics = diagnostics;
    outcome
}

/// [`build_article`] for an article already loaded (fuzzing and property
/// tests load theirs from memory).
pub fn build_loaded(
    site: &Site,
    article: Box<Article>,
    sink: &dyn Sink,
    learn: bool,
) -> ArticleOutcome {
    let mut out = Diagnostics::new();
    let Some(edition) = resolve(site, &article, &mut out) else {
        return ArticleOutcome {
            diagnostics: out,
            ..Default::default()
        };
    };
    let view = edition_view(
        &article,
        &edition,
        &site.config,
        &site.highlighter,
        &site.theme.strings,
    );
    let Some(files) = site.write_edition(&article, &edition, &view, sink, &mut out) else {
        return ArticleOutcome {
            diagnostics: out,
            ..Default::default()
        };
    };
    let entry = pages::entry(&article, &edition, &view, files.search);
    ArticleOutcome {
        entry: Some(entry),
        diagnostics: out,
        pages: files.pages,
        skipped_draft: false,
        has_code: view.has_code,
        knowledge: learn.then(|| crate::suggest::Knowledge::new(*article, edition.changes)),
    }
}

/// Runs a whole build or check.
pub fn run(opts: &BuildOptions, tasks: Tasks) -> Outcome {
    run_with_progress(opts, tasks, &NoProgress)
}

/// Opens the output folder and decides how to build into it: in place,
/// reusing unchanged articles, when the saved build cache is for this site
/// as it is now (and `--clean` was not given); otherwise as a whole new folder.
fn open_output(site: &Site, opts: &BuildOptions) -> Result<(OutputDir, RunCache), Diagnostic> {
    let mut output = OutputDir::open(&site.config.output_dir, &site.config.root)?;
    let key = cache::site_key(site, opts);
    // Taken either way, so that its file is closed before the commit replaces it.
    let saved = output.take_saved_state();
    let previous = if opts.clean {
        None
    } else {
        saved.and_then(|saved| BuildCache::decode(saved, key))
    };
    // The entries of the last build's articles, to which this build's are
    // appended; a full build starts a new store.
    let store = match previous
        .as_ref()
        .and_then(|p| EntryStore::open(output.cache_dir(), p.entries()).ok())
    {
        Some(store) => store,
        None => EntryStore::create(output.cache_dir())
            .map_err(|e| io_diagnostic(output.cache_dir(), "write to", &e))?,
    };
    output.begin(previous.is_some())?;
    Ok((
        output,
        RunCache {
            previous,
            next: BuildCache::new(key),
            store,
        },
    ))
}

/// The stored entries a build's cache will name, copied into a new store
/// when the build's store is mostly entries they replaced
/// ([`EntryStore::wasteful`]). `None` when it is not, or when the copy
/// failed: the entries then stay where they are, as a build that does not
/// compact leaves them.
fn compact_store<'a>(
    store: &EntryStore,
    entries: impl Iterator<Item = &'a StoredEntry> + Clone,
) -> Option<(EntryStore, Vec<StoredEntry>)> {
    let live = entries.clone().map(StoredEntry::stored_len).sum();
    if !store.wasteful(live) {
        return None;
    }
    store.compacted(entries).ok()
}

/// What building (or keeping) one article left for the rest of the run.
struct Done {
    diagnostics: Diagnostics,
    pages: usize,
    skipped_draft: bool,
    has_code: bool,
    /// Boxed: `None` but for `check`, and a list of these is as long as the site.
    knowledge: Option<Box<crate::suggest::Knowledge>>,
    /// Its entry in the site-wide outputs, if it was published.
    entry: Option<SiteEntry>,
    /// Whether it was kept from the build cache without being read.
    reused: bool,
    /// What to remember of it for the next build besides its entry.
    built: Option<Built>,
}

impl Done {
    /// An article built now; its entry encoded into `store` when there is one
    /// (so that the editions are not all decoded in memory until the site
    /// pages are made), else kept decoded.
    fn built(
        outcome: ArticleOutcome,
        built: Option<Built>,
        files: &[String],
        store: Option<&EntryStore>,
    ) -> Done {
        let entry = outcome.entry.map(|entry| {
            let hashes = EntryHashes::of(&entry);
            match store.map(|s| StoredEntry::new(&entry, hashes, files, s)) {
                Some(Ok(stored)) => SiteEntry::Stored(stored),
                // Not stored (the disk is full?): kept decoded, and not cached.
                _ => SiteEntry::Built {
                    entry: Box::new(entry),
                    hashes,
                },
            }
        });
        Done {
            diagnostics: outcome.diagnostics,
            pages: outcome.pages,
            skipped_draft: outcome.skipped_draft,
            has_code: outcome.has_code,
            knowledge: outcome.knowledge.map(Box::new),
            entry,
            reused: false,
            built,
        }
    }
}

/// Builds one article into the output folder, or keeps what the last build
/// wrote for it (`kept`) when nothing it depends on changed (its entry still
/// in `store`).
#[allow(clippy::too_many_arguments)]
fn build_cached(
    site: &Site,
    dir: &Path,
    output: &OutputDir,
    claims: &Claims,
    kept: Option<CachedArticle>,
    drafts: bool,
    started_at: std::time::SystemTime,
    store: &EntryStore,
) -> Done {
    // Taken before reading anything: an edit during the build shows next time.
    let fingerprint = cache::fingerprint(dir, started_at);
    if let (Some(kept), Some(now)) = (kept, &fingerprint)
        && &kept.fingerprint == now
        && let Some(files) = kept.files(store)
        && output.all_reusable(files.iter())
    {
        let (entry, built) = kept.into_parts();
        let mut diagnostics = Diagnostics::new();
        diagnostics.extend(built.diagnostics.iter().cloned());
        match claims.claim_kept(files.iter()) {
            Ok(()) => output.keep_all(files.iter()),
            Err(d) => diagnostics.push(d),
        }
        return Done {
            diagnostics,
            pages: built.pages,
            skipped_draft: false,
            has_code: built.has_code,
            knowledge: None,
            entry: Some(SiteEntry::Stored(entry)),
            reused: true,
            built: Some(built),
        };
    }
    let recording = Recording::new(claims);
    let outcome = build_article(site, dir, &recording, drafts, false);
    let files = recording.into_paths();
    // A build without errors is remembered with its warnings and notes, which
    // depend only on the article's files and the site key: a reused article
    // reports them again.
    let built = match fingerprint {
        Some(fingerprint) if outcome.entry.is_some() && !outcome.diagnostics.has_errors() => {
            Some(Built {
                fingerprint,
                pages: outcome.pages,
                has_code: outcome.has_code,
                diagnostics: outcome.diagnostics.clone().into_vec(),
            })
        }
        _ => None,
    };
    Done::built(outcome, built, &files, Some(store))
}

/// A published edition's entry during a build.
enum SiteEntry {
    /// Decoded in memory (`check`, which keeps no cache), with its share of
    /// the site-file group keys.
    Built {
        entry: Box<ArticleEntry>,
        hashes: EntryHashes,
    },
    /// Encoded in the build's [`EntryStore`]: kept from the build cache, or
    /// built now and stored.
    Stored(StoredEntry),
}

impl SiteEntry {
    /// What its place in the index is decided by.
    fn order(&self) -> (Option<&str>, &str) {
        match self {
            SiteEntry::Built { entry, .. } => (entry.index_date(), &entry.info.slug),
            SiteEntry::Stored(stored) => stored.order(),
        }
    }

    fn hashes(&self) -> &EntryHashes {
        match self {
            SiteEntry::Built { hashes, .. } => hashes,
            SiteEntry::Stored(stored) => stored.hashes(),
        }
    }

    fn stored(&self) -> Option<&StoredEntry> {
        match self {
            SiteEntry::Stored(stored) => Some(stored),
            SiteEntry::Built { .. } => None,
        }
    }
}

/// The published editions of a run, in index order, read by the site-wide
/// files one at a time: a stored entry is read from the store for each
/// group that needs it, and only the parts that group reads are decoded.
struct Published<'a> {
    entries: &'a [(SiteEntry, &'a PathBuf, Option<Built>)],
    store: Option<&'a EntryStore>,
}

impl Editions for Published<'_> {
    fn count(&self) -> usize {
        self.entries.len()
    }

    fn each_lists(
        &self,
        want: &dyn Fn(usize) -> bool,
        f: &mut dyn FnMut(Cow<'_, ArticleEntry>),
    ) -> Option<()> {
        for (i, (entry, _, _)) in self.entries.iter().enumerate() {
            if !want(i) {
                continue;
            }
            match entry {
                SiteEntry::Built { entry, .. } => f(Cow::Borrowed(entry)),
                SiteEntry::Stored(stored) => f(Cow::Owned(stored.decode_lists(self.store?)?)),
            }
        }
        Some(())
    }

    fn each_glossary(
        &self,
        f: &mut dyn FnMut(&str, &str, &[crate::outputs::glossary::Item]),
    ) -> Option<()> {
        for (entry, _, _) in self.entries {
            match entry {
                SiteEntry::Built { entry, .. } => {
                    f(&entry.info.title, &entry.path, &entry.glossary)
                }
                SiteEntry::Stored(stored) => {
                    let (title, path, items) = stored.decode_glossary(self.store?)?;
                    f(&title, &path, &items);
                }
            }
        }
        Some(())
    }

    fn each_search(
        &self,
        f: &mut dyn FnMut(&str, &crate::outputs::search::ArticleTerms),
    ) -> Option<()> {
        for (entry, _, _) in self.entries {
            match entry {
                SiteEntry::Built { entry, .. } => f(&entry.info.slug, &entry.search),
                SiteEntry::Stored(stored) => {
                    let (slug, terms) = stored.decode_search(self.store?)?;
                    f(&slug, &terms);
                }
            }
        }
        Some(())
    }
}

/// The build cache of a run that writes one: the last build's (if it may be
/// reused), the next one's, and the store of the editions' entries.
struct RunCache {
    previous: Option<BuildCache>,
    next: BuildCache,
    store: EntryStore,
}

/// An incremental build's site-wide files: a group is kept when the last
/// build wrote it from the same inputs and its files are still in the output.
struct CachedGroups<'a> {
    output: &'a OutputDir,
    claims: &'a Claims<'a>,
    previous: Option<&'a BuildCache>,
    next: &'a mut BuildCache,
    kept: Vec<&'static str>,
}

impl Reuse for CachedGroups<'_> {
    fn keep(&mut self, group: Group, key: [u64; 2], out: &mut Diagnostics) -> Option<usize> {
        let kept = self.previous?.group(group.name(), key)?;
        if !self
            .output
            .all_reusable(kept.files.iter().map(String::as_str))
        {
            return None;
        }
        match self
            .claims
            .claim_kept(kept.files.iter().map(String::as_str))
        {
            Ok(()) => self.output.keep_all(kept.files.iter().map(String::as_str)),
            Err(d) => out.push(d),
        }
        self.next.insert_group(group.name(), kept.clone());
        self.kept.push(group.name());
        Some(kept.pages)
    }

    fn built(&mut self, group: Group, key: [u64; 2], files: Vec<String>, pages: usize) {
        self.next
            .insert_group(group.name(), CachedGroup { key, files, pages });
    }
}

/// Where a run's files go.
enum Target {
    /// The output folder, staged and swapped in at the end.
    Disk(Box<OutputDir>),
    /// The links and ids of every file, for `check --links`.
    Links(crate::links::Collector),
    /// Nowhere (`check`).
    Nowhere,
}

/// [`run`], reporting article progress to `progress`.
pub fn run_with_progress(opts: &BuildOptions, tasks: Tasks, progress: &dyn Progress) -> Outcome {
    let mut out = Diagnostics::new();
    let started = Instant::now();
    let mut timings = Vec::new();
    let failed = |out: Diagnostics| Outcome {
        summary: None,
        diagnostics: out.sorted(),
    };

    let Some(mut site) = Site::load(opts, &mut out) else {
        return failed(out);
    };
    timings.push(("load site and theme", started.elapsed()));

    let phase = Instant::now();
    let dirs = content::discover(&site.config.root, &mut out);
    site.drop_pages_of_articles(&dirs, &mut out);
    timings.push(("discover", phase.elapsed()));

    let mut cache = None;
    let phase = Instant::now();
    let target = if tasks.write {
        match open_output(&site, opts) {
            Ok((output, run_cache)) => {
                if run_cache.previous.is_some() {
                    timings.push(("read build cache", phase.elapsed()));
                }
                cache = Some(run_cache);
                Target::Disk(Box::new(output))
            }
            Err(d) => {
                out.push(d);
                return failed(out);
            }
        }
    } else if tasks.links.is_some() {
        Target::Links(crate::links::Collector::new(&site.config.base_url))
    } else {
        Target::Nowhere
    };
    let sink: &dyn Sink = match &target {
        Target::Disk(o) => o.as_ref(),
        Target::Links(c) => c,
        Target::Nowhere => &NullSink,
    };
    // Each output path has one writer: a collision is an error, not a silent overwrite.
    let claims = Claims::new(sink);

    let phase = Instant::now();
    progress.start(dirs.len());
    let started_at = std::time::SystemTime::now();
    // What the last build kept of each article, taken out of the cache: it
    // becomes the article's entry and is not copied.
    // (None for a full build: no list of nothing per article.)
    let kept: Option<Vec<Option<CachedArticle>>> = match &mut cache {
        Some(RunCache {
            previous: Some(previous),
            ..
        }) => Some(
            dirs.iter()
                .map(|dir| previous.take(&site.config.root, dir))
                .collect(),
        ),
        _ => None,
    };
    let build = |(dir, kept): (&PathBuf, Option<CachedArticle>)| {
        let result = match (&target, &cache) {
            (Target::Disk(output), Some(c)) => build_cached(
                &site,
                dir,
                output,
                &claims,
                kept,
                opts.drafts,
                started_at,
                &c.store,
            ),
            _ => Done::built(
                build_article(&site, dir, &claims, opts.drafts, tasks.site_checks),
                None,
                &[],
                None,
            ),
        };
        progress.advance();
        result
    };
    let results: Vec<Done> = match kept {
        Some(kept) => dirs.par_iter().zip(kept).map(build).collect(),
        None => dirs.par_iter().map(|dir| build((dir, None))).collect(),
    };
    progress.finish();
    timings.push(("articles", phase.elapsed()));

    let mut summary = Summary::default();
    // Each published entry with its folder and what the cache keeps of it.
    let mut published: Vec<(SiteEntry, &PathBuf, Option<Built>)> = Vec::with_capacity(dirs.len());
    let mut has_code = false;
    let mut knowledge = Vec::new();
    for (dir, mut r) in dirs.iter().zip(results) {
        summary.reused += usize::from(r.reused);
        out.append(&mut r.diagnostics);
        knowledge.extend(r.knowledge.map(|k| *k));
        summary.pages += r.pages;
        summary.drafts_skipped += usize::from(r.skipped_draft);
        has_code |= r.has_code;
        if let Some(entry) = r.entry {
            published.push((entry, dir, r.built));
        }
    }
    published.sort_by(|a, b| index_order_of(a.0.order(), b.0.order()));
    summary.articles = published.len();
    if tasks.site_checks {
        // Text corrected in one article but left alone in another.
        let phase = Instant::now();
        crate::suggest::uncorrected_elsewhere(&site.config.root, &knowledge, &mut out);
        timings.push(("site-wide checks", phase.elapsed()));
    }
    drop(knowledge);

    let phase = Instant::now();
    let keys = GroupKeys::from_hashes(published.iter().map(|p| p.0.hashes()), has_code);
    let (mut cached, store) = match (&target, &mut cache) {
        (
            Target::Disk(output),
            Some(RunCache {
                previous,
                next,
                store,
            }),
        ) => (
            Some(CachedGroups {
                output,
                claims: &claims,
                previous: previous.as_ref(),
                next,
                kept: Vec::new(),
            }),
            Some(&*store),
        ),
        _ => (None, None),
    };
    let editions = Published {
        entries: &published,
        store,
    };
    let mut no_reuse = NoReuse;
    let reuse: &mut dyn Reuse = match &mut cached {
        Some(cached) => cached,
        None => &mut no_reuse,
    };
    let written = out.checked(|out| {
        let kept = pages::keep_site_groups(&keys, reuse, out);
        // The editions' data is read only when a group made from it must be
        // written again: an edit that changes no site-wide file never needs it.
        site.write_site_groups(&kept, &keys, &editions, has_code, &claims, reuse, out)
    });
    if let Some(cached) = cached {
        summary.kept_site_files = cached.kept;
    }
    if let Some(pages) = written {
        summary.pages += pages;
    }
    timings.push(("site pages", phase.elapsed()));
    drop(claims);

    match target {
        Target::Links(collector) if !out.has_errors() => {
            let phase = Instant::now();
            let external = tasks.links.is_some_and(|l| l.external);
            let (found, stats) = crate::links::check_site(collector, &site.config, external);
            out.extend(found);
            summary.links = Some(stats);
            timings.push(("links", phase.elapsed()));
        }
        Target::Disk(output) if out.has_errors() => {
            let diagnostics = output.summarize_disk_full(out.into_vec());
            output.abort();
            if let Some(c) = cache {
                c.store.discard();
            }
            return failed(diagnostics.into());
        }
        Target::Disk(output) => {
            summary.output = Some(output.target().to_path_buf());
            let phase = Instant::now();
            let saved: Vec<(&Path, &StoredEntry, &Built)> = published
                .iter()
                .filter_map(|(entry, dir, built)| {
                    Some((dir.as_path(), entry.stored()?, built.as_ref()?))
                })
                .collect();
            let compacted = cache
                .as_ref()
                .and_then(|c| compact_store(&c.store, saved.iter().map(|s| s.1)));
            let store = match (&compacted, &cache) {
                (Some((store, _)), _) => Some(store),
                (None, Some(c)) => Some(&c.store),
                (None, None) => None,
            };
            // The entries the saved cache names must be on disk first.
            if let Some(store) = store
                && let Err(e) = store.sync()
            {
                out.push(io_diagnostic(output.cache_dir(), "write to", &e));
                output.abort();
                if let Some((store, _)) = compacted {
                    store.discard();
                }
                return failed(out);
            }
            let state = cache.as_ref().map(|c| match &compacted {
                Some((store, moved)) => c.next.to_save(
                    &site.config.root,
                    store,
                    saved
                        .iter()
                        .zip(moved)
                        .map(|(&(dir, _, built), entry)| (dir, entry, built)),
                ),
                None => c
                    .next
                    .to_save(&site.config.root, &c.store, saved.iter().copied()),
            });
            let committed = match &state {
                Some(state) => output.commit(state),
                None => output.commit(b""),
            };
            drop(state);
            match committed {
                Ok(done) => {
                    summary.files = done.written;
                    summary.removed = done.removed;
                    if let Some(store) = store {
                        store.remove_others();
                    }
                }
                Err(d) => {
                    out.push(d);
                    if let Some((store, _)) = compacted {
                        store.discard();
                    }
                    return failed(out);
                }
            }
            timings.push(("commit", phase.elapsed()));
        }
        _ => {}
    }
    if out.has_errors() {
        return failed(out);
    }
    timings.push(("total", started.elapsed()));
    summary.timings = timings;
    Outcome {
        summary: Some(summary),
        diagnostics: out.sorted(),
    }
}
