//! The build, in explicit phases: load the site (config, theme) → discover
//! articles → for each article, in parallel: load, validate, resolve, render,
//! write → write the site-wide pages → swap the output in. Each phase is timed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{SiteConfig, normalize_base_url};
use crate::content::{self, Article, Loaded};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::engine::{self, Edition};
use crate::output::{Claims, NullSink, OutputDir, Sink};
use crate::publish::{self, jsonld};
use crate::render::highlight::{self, Highlighter};
use crate::render::{ArticleInfo, EditionView, edition_view};
use crate::search;
use crate::theme::{StaticSource, Theme};

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
}

/// Build (write output) or check (validate and render, write nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write the site.
    Build,
    /// Validate only.
    Check,
    /// Validate, render into memory and check every link of the result.
    CheckLinks(LinkCheck),
}

/// What `check --links` checks besides internal links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkCheck {
    /// Also request every external http(s) link.
    pub external: bool,
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
    /// Files written (build only).
    pub files: usize,
    /// The output folder (build only).
    pub output: Option<PathBuf>,
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

/// The site-wide values every template sees as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// Site title.
    pub title: String,
    /// Site description.
    pub description: String,
    /// Absolute base URL (ends with `/`).
    pub base_url: String,
    /// Site language.
    pub language: String,
    /// Publisher.
    pub publisher: Option<String>,
}

/// Per-page values every template sees as `page`.
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    /// `index`, `article`, `reading`, `glossary`, `404`.
    pub kind: &'static str,
    /// `<title>` text.
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Relative prefix to the site root (`""`, `"../"`), so links work under any
    /// sub-path and from `file://`.
    pub root: String,
    /// Link to the home page.
    pub home: String,
    /// Absolute canonical URL.
    pub canonical: String,
    /// `"index.html"` to append to folder links, or `""` with `pretty_links`.
    pub index: &'static str,
    /// Whether to link the code stylesheet.
    pub has_code: bool,
    /// Open Graph type: `website`, or `article` for edition pages.
    pub og_type: &'static str,
    /// schema.org JSON-LD for the page, escaped for a `<script>` element.
    pub jsonld: Option<String>,
    /// Ask search engines not to index the page (search, 404).
    pub noindex: bool,
}

/// An article as listed on the index.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleSummary {
    /// Metadata and counts.
    #[serde(flatten)]
    pub info: ArticleInfo,
    /// Site-relative path of its page (`slug/`).
    pub path: String,
    /// Its reviewed changes, for the glossary (not shown on the index).
    #[serde(skip)]
    pub glossary: Vec<crate::glossary::Item>,
    /// Its terms for the search index.
    #[serde(skip)]
    pub search: crate::search::ArticleTerms,
}

/// What `article.html` sees.
#[derive(Serialize)]
struct ArticlePage<'a> {
    site: SiteView,
    page: PageView,
    article: &'a ArticleInfo,
    rows: &'a [crate::render::RowView],
    notes: &'a [crate::render::NoteView],
}

/// What `reading.html` sees.
#[derive(Serialize)]
struct ReadingPage<'a> {
    site: SiteView,
    page: PageView,
    article: &'a ArticleInfo,
    html: &'a str,
    notes: &'a [crate::render::NoteView],
}

/// What `index.html` and `404.html` see.
#[derive(Serialize)]
struct ListPage<'a> {
    site: SiteView,
    page: PageView,
    /// The articles listed, newest first.
    articles: &'a [ArticleSummary],
    /// How many articles the site has (the 404 page lists only the newest).
    total: usize,
}

/// The 404 page suggests this many of the newest editions: it is served for
/// every mistyped address, so it stays small however large the site.
const NOT_FOUND_LISTED: usize = 10;

/// A loaded site: configuration and compiled theme.
pub struct Site {
    /// Settings.
    pub config: SiteConfig,
    /// Templates and assets.
    pub theme: Theme,
    /// Shared code highlighter.
    pub highlighter: Highlighter,
}

/// What building one article produced.
pub struct ArticleOutcome {
    /// The index entry, if the article was published.
    pub summary: Option<ArticleSummary>,
    /// Diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// Pages rendered.
    pub pages: usize,
    /// Whether it was a skipped draft.
    pub skipped_draft: bool,
    /// Whether its pages contain highlighted code.
    pub has_code: bool,
    /// Its resolved corrections, for the site-wide checks `check` runs.
    pub knowledge: Option<crate::suggest::Knowledge>,
}

/// An [`ArticleOutcome`] without knowledge (added by the caller when wanted).
fn outcome(
    summary: Option<ArticleSummary>,
    pages: usize,
    skipped_draft: bool,
    has_code: bool,
    diagnostics: Vec<Diagnostic>,
) -> ArticleOutcome {
    ArticleOutcome {
        summary,
        diagnostics,
        pages,
        skipped_draft,
        has_code,
        knowledge: None,
    }
}

impl Site {
    /// Loads configuration (with overrides) and the theme.
    pub fn load(opts: &BuildOptions, out: &mut Vec<Diagnostic>) -> Option<Site> {
        let mut config = SiteConfig::load(&opts.root, out)?;
        if let Some(url) = &opts.base_url {
            match normalize_base_url(url) {
                Ok(u) => config.base_url = u,
                Err(msg) => {
                    out.push(
                        Diagnostic::error(Code::BadUrl, msg)
                            .help("pass an absolute http(s) URL to --base-url"),
                    );
                    return None;
                }
            }
        }
        if let Some(dir) = &opts.output {
            config.output_dir = dir.clone();
        }
        for (key, name) in [
            ("highlight_theme", &config.highlight_theme),
            ("highlight_theme_dark", &config.highlight_theme_dark),
        ] {
            if !highlight::theme_exists(name) {
                let msg = highlight::stylesheet(name, name).err().unwrap_or_default();
                out.push(
                    Diagnostic::error(Code::BadHighlightTheme, format!("`{key}`: {msg}"))
                        .at(Location::file_only(&opts.root.join("site.yaml"))),
                );
            }
        }
        let theme = Theme::load(&config, out)?;
        Some(Site {
            config,
            theme,
            highlighter: Highlighter::new(),
        })
    }

    /// The `site` template value.
    pub fn site_view(&self) -> SiteView {
        SiteView {
            title: self.config.title.clone(),
            description: self.config.description.clone(),
            base_url: self.config.base_url.clone(),
            language: self.config.language.clone(),
            publisher: self.config.publisher.clone(),
        }
    }

    /// The `page` value for a page at site path `path` (`""`, `slug/`, `slug/corrected/`).
    pub fn page_view(
        &self,
        kind: &'static str,
        path: &str,
        title: String,
        description: String,
        has_code: bool,
    ) -> PageView {
        let depth = path.split('/').filter(|s| !s.is_empty()).count();
        let root = "../".repeat(depth);
        let index = if self.config.pretty_links {
            ""
        } else {
            "index.html"
        };
        let home = if self.config.pretty_links && root.is_empty() {
            "./".to_string()
        } else {
            format!("{root}{index}")
        };
        PageView {
            kind,
            title,
            description,
            root,
            home,
            canonical: self.config.absolute(path),
            index,
            has_code,
            og_type: "website",
            jsonld: None,
            noindex: false,
        }
    }

    /// Loads, resolves, renders and writes one article. With `learn`, the
    /// outcome keeps what site-wide checks learn from (the original and its
    /// changes); builds leave it out so memory does not grow with every text.
    pub fn build_article(
        &self,
        dir: &Path,
        sink: &dyn Sink,
        drafts: bool,
        learn: bool,
    ) -> ArticleOutcome {
        let mut diagnostics = Vec::new();
        let article = match content::load_article(&self.config.root, dir, drafts, &mut diagnostics)
        {
            Loaded::Article(a) => a,
            Loaded::SkippedDraft => return outcome(None, 0, true, false, diagnostics),
            Loaded::Failed => return outcome(None, 0, false, false, diagnostics),
        };
        let mut result = self.build_loaded(article, sink, learn);
        diagnostics.append(&mut result.diagnostics);
        result.diagnostics = diagnostics;
        result
    }

    /// Resolves, renders and writes an already loaded article; with `learn`,
    /// the article is kept as site knowledge for `emend check`.
    pub fn build_loaded(
        &self,
        article: Box<Article>,
        sink: &dyn Sink,
        learn: bool,
    ) -> ArticleOutcome {
        let mut diagnostics = Vec::new();
        let edition = match engine::resolve(&article) {
            Ok(e) => e,
            Err(errors) => {
                diagnostics.extend(errors.iter().map(|e| e.to_diagnostic()));
                return outcome(None, 0, false, false, diagnostics);
            }
        };
        diagnostics.extend(self.edition_warnings(&article));
        let view = edition_view(&article, &edition, &self.config, &self.highlighter);
        let search = match search::write_article_doc(&article.slug, &view, sink) {
            Ok(terms) => terms,
            Err(d) => {
                diagnostics.push(d);
                Default::default()
            }
        };
        match self.write_article(&article, &edition, &view, sink) {
            Ok(pages) => {
                let summary = ArticleSummary {
                    info: view.article.clone(),
                    path: format!("{}/", article.slug),
                    glossary: crate::glossary::items(&article, &edition),
                    search,
                };
                let mut done = outcome(Some(summary), pages, false, view.has_code, diagnostics);
                if learn {
                    done.knowledge =
                        Some(crate::suggest::Knowledge::new(*article, edition.changes));
                }
                done
            }
            Err(mut errs) => {
                diagnostics.append(&mut errs);
                outcome(None, 0, false, false, diagnostics)
            }
        }
    }

    fn edition_warnings(&self, article: &Article) -> Vec<Diagnostic> {
        engine::unreviewed(article)
            .map(|c| {
                let d = Diagnostic::warning(
                    Code::Unreviewed,
                    format!("correction {:?} → {:?} is an unreviewed suggestion", c.selector.exact, c.replace),
                )
                .at(c.pos.entry.clone())
                .help("review it, then remove `status: suggested` (or set `status: reviewed`)");
                if self.config.allow_unreviewed {
                    d
                } else {
                    Diagnostic { severity: crate::diagnostics::Severity::Error, ..d }
                        .note("site.yaml sets `allow_unreviewed: false`, so unreviewed suggestions cannot be published")
                }
            })
            .collect()
    }

    fn write_article(
        &self,
        article: &Article,
        edition: &Edition,
        view: &EditionView,
        sink: &dyn Sink,
    ) -> Result<usize, Vec<Diagnostic>> {
        let slug = &article.slug;
        let title = &view.article.title;
        let description = view
            .article
            .summary
            .clone()
            .unwrap_or_else(|| format!("A corrected, annotated edition of “{title}”."));
        let mut errors = publish::write_article_exports(self, article, edition, view, sink);
        let mut page = self.page_view(
            "article",
            &format!("{slug}/"),
            title.clone(),
            description.clone(),
            view.has_code,
        );
        page.og_type = "article";
        page.jsonld = Some(jsonld::embed(&jsonld::news_article(
            &self.config,
            article,
            edition,
            view,
        )));
        // Typed page data goes straight into Tera's context (no JSON tree in between).
        let side = ArticlePage {
            site: self.site_view(),
            page,
            article: &view.article,
            rows: &view.rows,
            notes: &view.notes,
        };
        let reading = ReadingPage {
            site: self.site_view(),
            page: self.page_view(
                "reading",
                &format!("{slug}/corrected/"),
                format!("{title} (corrected text)"),
                description,
                view.has_code,
            ),
            article: &view.article,
            html: &view.reading_html,
            notes: &view.reading_notes,
        };
        let mut pages = 0;
        let rendered = [
            (
                self.theme
                    .render("article.html", &side, &format!("{slug}/index.html")),
                format!("{slug}/index.html"),
            ),
            (
                self.theme.render(
                    "reading.html",
                    &reading,
                    &format!("{slug}/corrected/index.html"),
                ),
                format!("{slug}/corrected/index.html"),
            ),
        ];
        for (result, rel) in rendered {
            match result {
                Ok(html) => {
                    pages += 1;
                    if let Err(d) = sink.write(&rel, html.as_bytes()) {
                        errors.push(d);
                    }
                }
                Err(d) => errors.push(d),
            }
        }
        let ext = article.format.ext();
        if let Err(d) = sink.copy(&format!("{slug}/original.{ext}"), &article.original_path) {
            errors.push(d);
        }
        if let Err(d) = sink.write(
            &format!("{slug}/corrected.{ext}"),
            edition.corrected.as_bytes(),
        ) {
            errors.push(d);
        }
        if errors.is_empty() {
            Ok(pages)
        } else {
            Err(errors)
        }
    }

    /// Writes the index, the 404 page, static assets, the feed, sitemap,
    /// `robots.txt`, `editions.json`, the search index and the code stylesheet.
    pub fn write_site_pages(
        &self,
        articles: &[ArticleSummary],
        has_code: bool,
        sink: &dyn Sink,
    ) -> Result<usize, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let mut pages = 0;
        let index = ListPage {
            site: self.site_view(),
            page: self.page_view(
                "index",
                "",
                self.config.title.clone(),
                self.config.description.clone(),
                false,
            ),
            articles,
            total: articles.len(),
        };
        // The 404 page is served at any depth, so it links from the site root path.
        let mut not_found_page = self.page_view(
            "404",
            "404.html",
            "Page not found".into(),
            String::new(),
            false,
        );
        not_found_page.root = self.config.base_path().to_string();
        not_found_page.noindex = true;
        not_found_page.home = format!("{}{}", not_found_page.root, not_found_page.index);
        let not_found = ListPage {
            site: self.site_view(),
            page: not_found_page,
            articles: &articles[..articles.len().min(NOT_FOUND_LISTED)],
            total: articles.len(),
        };
        for (template, data, rel) in [
            ("index.html", &index, "index.html"),
            ("404.html", &not_found, "404.html"),
        ] {
            match self.theme.render(template, data, rel) {
                Ok(html) => {
                    pages += 1;
                    if let Err(d) = sink.write(rel, html.as_bytes()) {
                        errors.push(d);
                    }
                }
                Err(d) => errors.push(d),
            }
        }
        for (rel, source) in &self.theme.statics {
            let result = match source {
                StaticSource::Embedded(bytes) => sink.write(rel, bytes),
                StaticSource::File(path) => sink.copy(rel, path),
            };
            if let Err(d) = result {
                errors.push(d);
            }
        }
        match crate::glossary::write(self, articles, sink) {
            Ok(n) => pages += n,
            Err(mut errs) => errors.append(&mut errs),
        }
        errors.extend(publish::write_site_outputs(self, articles, sink));
        errors.extend(search::write_index(self, articles, sink));
        if has_code {
            match highlight::stylesheet(
                &self.config.highlight_theme,
                &self.config.highlight_theme_dark,
            ) {
                Ok(css) => {
                    if let Err(d) = sink.write("syntax.css", css.as_bytes()) {
                        errors.push(d);
                    }
                }
                Err(msg) => errors.push(Diagnostic::error(Code::BadHighlightTheme, msg)),
            }
        }
        if errors.is_empty() {
            Ok(pages)
        } else {
            Err(errors)
        }
    }
}

/// Index order: newest first by publication date (then retrieval date), then by slug.
pub fn sort_for_index(articles: &mut [ArticleSummary]) {
    articles.sort_by(|a, b| {
        let key = |x: &ArticleSummary| {
            x.info
                .published
                .clone()
                .or_else(|| x.info.retrieved.clone())
        };
        key(b)
            .cmp(&key(a))
            .then_with(|| a.info.slug.cmp(&b.info.slug))
    });
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

/// Runs a whole build or check.
pub fn run(opts: &BuildOptions, mode: Mode) -> Outcome {
    run_with_progress(opts, mode, &NoProgress)
}

/// [`run`], reporting article progress to `progress`.
pub fn run_with_progress(opts: &BuildOptions, mode: Mode, progress: &dyn Progress) -> Outcome {
    let mut diags = Diagnostics::new();
    let mut timings = Vec::new();
    let started = Instant::now();
    let mut out = Vec::new();
    let site = Site::load(opts, &mut out);
    diags.extend(out);
    let Some(site) = site else {
        return Outcome {
            summary: None,
            diagnostics: diags.sorted(),
        };
    };
    timings.push(("load site and theme", started.elapsed()));

    let phase = Instant::now();
    let mut out = Vec::new();
    let dirs = content::discover(&site.config.root, &mut out);
    diags.extend(out);
    timings.push(("discover", phase.elapsed()));

    let output = match mode {
        Mode::Build => match OutputDir::prepare(&site.config.output_dir, &site.config.root) {
            Ok(o) => Some(o),
            Err(d) => {
                diags.push(d);
                return Outcome {
                    summary: None,
                    diagnostics: diags.sorted(),
                };
            }
        },
        Mode::Check | Mode::CheckLinks(_) => None,
    };
    // `check --links` keeps only the links and ids of what would be written.
    let collector = matches!(mode, Mode::CheckLinks(_))
        .then(|| crate::links::Collector::new(&site.config.base_url));
    let sink: &dyn Sink = match (&output, &collector) {
        (Some(o), _) => o,
        (None, Some(c)) => c,
        (None, None) => &NullSink,
    };
    let claims = Claims::new(sink);
    let sink: &dyn Sink = &claims;

    let phase = Instant::now();
    progress.start(dirs.len());
    let results: Vec<ArticleOutcome> = dirs
        .par_iter()
        .map(|dir| {
            let outcome = site.build_article(dir, sink, opts.drafts, mode == Mode::Check);
            progress.advance();
            outcome
        })
        .collect();
    progress.finish();
    timings.push(("articles", phase.elapsed()));

    let mut summary = Summary::default();
    let mut articles = Vec::new();
    let mut has_code = false;
    let mut knowledge = Vec::new();
    for r in results {
        diags.extend(r.diagnostics);
        knowledge.extend(r.knowledge);
        summary.pages += r.pages;
        summary.drafts_skipped += usize::from(r.skipped_draft);
        has_code |= r.has_code;
        if let Some(s) = r.summary {
            articles.push(s);
        }
    }
    sort_for_index(&mut articles);
    summary.articles = articles.len();
    if mode == Mode::Check {
        // Text corrected in one article but left alone in another.
        let phase = Instant::now();
        diags.extend(crate::suggest::uncorrected_elsewhere(
            &site.config.root,
            &knowledge,
        ));
        timings.push(("site-wide checks", phase.elapsed()));
    }
    drop(knowledge);

    let phase = Instant::now();
    match site.write_site_pages(&articles, has_code, sink) {
        Ok(pages) => summary.pages += pages,
        Err(errs) => diags.extend(errs),
    }
    timings.push(("site pages", phase.elapsed()));

    let mut link_stats = None;
    if let (Mode::CheckLinks(what), Some(collector)) = (mode, collector)
        && !diags.has_errors()
    {
        let phase = Instant::now();
        let (found, stats) = crate::links::check_site(collector, &site.config, what.external);
        diags.extend(found);
        link_stats = Some(stats);
        timings.push(("links", phase.elapsed()));
    }

    if diags.has_errors() {
        let mut diagnostics = diags.sorted();
        if let Some(o) = output {
            diagnostics = o.summarize_disk_full(diagnostics);
            o.abort();
        }
        return Outcome {
            summary: None,
            diagnostics,
        };
    }
    if let Some(o) = output {
        summary.files = o.files_written();
        summary.output = Some(o.target().to_path_buf());
        let phase = Instant::now();
        if let Err(d) = o.commit() {
            diags.push(d);
            return Outcome {
                summary: None,
                diagnostics: diags.sorted(),
            };
        }
        timings.push(("commit", phase.elapsed()));
    }
    timings.push(("total", started.elapsed()));
    summary.timings = timings;
    summary.links = link_stats;
    Outcome {
        summary: Some(summary),
        diagnostics: diags.sorted(),
    }
}
