//! The page writers: every page of the site rendered from its template with a
//! typed context ([`super::view`]), and every file written through a
//! [`Sink`]. Per edition: the side-by-side page, the reading view, the two
//! texts, the exports and the search passages. Site-wide: the index, the 404
//! page, the glossary, the search page and index, the site's own pages
//! (`pages/`), the feed, sitemaps,
//! `robots.txt`, `editions.json`, the theme's static files and the code
//! stylesheet.

use std::borrow::Cow;

use serde::Serialize;

use super::Site;
use super::cache::{EntryHashes, KeyHasher};
use super::view::{
    ArticlePage, GlossaryPage, ListPage, PageKind, PageView, Pagination, ReadingPage, RobotsPage,
    SearchPage, SitemapPage, TextPage,
};
use crate::content::Article;
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::engine::Edition;
use crate::outputs::cite::{self, Citation, CiteView};
use crate::outputs::search::ArticleTerms;
use crate::outputs::{ArticleEntry, exports, feed, glossary, jsonld, search, sitemap, tei};
use crate::render::EditionView;
use crate::render::highlight;
use crate::render::page::site_page_view;
use crate::theme::StaticSource;
use crate::theme::strings::fill;
use crate::writer::{Recording, Sink};

/// The 404 page suggests this many of the newest editions: it is served for
/// every mistyped address, so it stays small however large the site.
const NOT_FOUND_LISTED: usize = 10;

/// What writing one edition produced.
pub struct EditionFiles {
    /// HTML pages written.
    pub pages: usize,
    /// The edition's terms for the search index.
    pub search: ArticleTerms,
}

impl Site {
    /// Renders `template` with `context` and writes it to `rel`; reports a
    /// failure into `out` and says whether it succeeded.
    fn page(
        &self,
        template: &str,
        context: &impl Serialize,
        rel: &str,
        sink: &dyn Sink,
        out: &mut Diagnostics,
    ) -> bool {
        out.ok(self.theme.render(template, context, rel))
            .and_then(|html| out.ok(sink.write(rel, html.as_bytes())))
            .is_some()
    }

    /// Writes a file; reports a failure into `out`.
    fn file(&self, rel: &str, bytes: &[u8], sink: &dyn Sink, out: &mut Diagnostics) -> bool {
        out.ok(sink.write(rel, bytes)).is_some()
    }

    /// Writes an edition's files: its two pages, its texts, its exports and its
    /// search passages. `None` if any failed (reported into `out`).
    pub fn write_edition(
        &self,
        article: &Article,
        edition: &Edition,
        view: &EditionView,
        sink: &dyn Sink,
        out: &mut Diagnostics,
    ) -> Option<EditionFiles> {
        out.checked(|out| {
            let config = &self.config;
            let strings = &self.theme.strings;
            let slug = &article.slug;
            let title = &view.article.title;
            let description = view
                .article
                .summary
                .clone()
                .unwrap_or_else(|| fill(&strings.article_description, &[("title", title)]));

            let citation = Citation::new(config, strings, &view.article);
            // The box links the downloads relative to each page.
            let cite_here = CiteView::new(config, citation.clone(), "");
            let cite_up = CiteView::new(config, citation.clone(), "../");
            let mut page = PageView::new(
                config,
                PageKind::Article,
                &format!("{slug}/"),
                title.clone(),
                description.clone(),
            );
            page.has_code = view.has_code;
            page.og_type = "article";
            page.jsonld = Some(jsonld::embed(&jsonld::news_article(
                config, strings, article, edition, view,
            )));
            let side_by_side = ArticlePage {
                site: &self.site_view,
                page,
                t: strings,
                article: &view.article,
                rows: &view.rows,
                notes: &view.notes,
                kinds: &view.kinds,
                meta: &view.meta_html,
                cite: &cite_here,
            };
            let mut page = PageView::new(
                config,
                PageKind::Reading,
                &format!("{slug}/corrected/"),
                fill(&strings.reading_title, &[("title", title)]),
                description,
            );
            page.has_code = view.has_code;
            let reading = ReadingPage {
                site: &self.site_view,
                page,
                t: strings,
                article: &view.article,
                html: &view.reading_html,
                notes: &view.reading_notes,
                elsewhere: &view.reading_elsewhere,
                meta: &view.reading_meta_html,
                cite: &cite_up,
            };
            let mut pages = 0;
            pages += usize::from(self.page(
                "article.html",
                &side_by_side,
                &format!("{slug}/index.html"),
                sink,
                out,
            ));
            pages += usize::from(self.page(
                "reading.html",
                &reading,
                &format!("{slug}/corrected/index.html"),
                sink,
                out,
            ));

            let ext = article.format.ext();
            let publish = config.exports;
            if publish.texts {
                out.ok(sink.copy(&format!("{slug}/original.{ext}"), &article.original_path));
                self.file(
                    &format!("{slug}/corrected.{ext}"),
                    edition.corrected.as_bytes(),
                    sink,
                    out,
                );
            }
            if publish.edition_json {
                self.file(
                    &format!("{slug}/edition.json"),
                    &exports::edition_json(config, article, edition, view),
                    sink,
                    out,
                );
            }
            if publish.annotations {
                self.file(
                    &format!("{slug}/annotations.jsonld"),
                    &exports::annotations_jsonld(config, strings, article, edition, view),
                    sink,
                    out,
                );
            }
            if publish.tei {
                self.file(
                    &format!("{slug}/{}", tei::TEI_FILE),
                    &tei::tei_xml(config, strings, article, edition, view),
                    sink,
                    out,
                );
            }
            if publish.citations {
                let files = [
                    (cite::BIB_FILE, cite::bibtex(&citation).into_bytes()),
                    (cite::RIS_FILE, cite::ris(&citation).into_bytes()),
                    (cite::CSL_FILE, cite::csl_json(&citation)),
                ];
                for (name, bytes) in files {
                    self.file(&format!("{slug}/{name}"), &bytes, sink, out);
                }
            }
            let (doc, terms) = search::article_doc(slug, view);
            self.file(&search::doc_path(slug), &doc, sink, out);
            Some(EditionFiles {
                pages,
                search: terms,
            })
        })
    }

    /// Writes the site-wide pages and files from the published editions (in
    /// index order), keeping each [`Group`] of files that `reuse` says was
    /// made from the same inputs before ([`NoReuse`] writes them all).
    /// Returns the number of HTML pages, `None` if anything failed (reported
    /// into `out`).
    pub fn write_site_pages_reusing(
        &self,
        articles: &[ArticleEntry],
        has_code: bool,
        sink: &dyn Sink,
        reuse: &mut dyn Reuse,
        out: &mut Diagnostics,
    ) -> Option<usize> {
        let keys = GroupKeys::new(articles, has_code);
        out.checked(|out| {
            let kept = keep_site_groups(&keys, reuse, out);
            self.write_site_groups(&kept, &keys, &articles, has_code, sink, reuse, out)
        })
    }

    /// Writes the groups of site-wide files that [`keep_site_groups`] did not
    /// keep, from the published editions (in index order; not read when
    /// [`KeptGroups::needs_editions`] is false). Returns the number of HTML
    /// pages, kept ones included; `None` if anything failed.
    #[allow(clippy::too_many_arguments)]
    pub fn write_site_groups(
        &self,
        kept: &KeptGroups,
        keys: &GroupKeys,
        articles: &dyn Editions,
        has_code: bool,
        sink: &dyn Sink,
        reuse: &mut dyn Reuse,
        out: &mut Diagnostics,
    ) -> Option<usize> {
        out.checked(|out| {
            let mut pages = kept.pages;
            for &group in &kept.remaining {
                let key = keys.of(group);
                let recording = Recording::new(sink);
                let written = match group {
                    Group::Lists => {
                        let Some(pages) = self.write_lists(articles, &recording, out) else {
                            out.push(unreadable());
                            return None;
                        };
                        pages
                    }
                    Group::Glossary => {
                        let mut glossary = glossary::Aggregate::default();
                        if articles
                            .each_glossary(&mut |title, path, items| {
                                glossary.add(title, path, items)
                            })
                            .is_none()
                        {
                            out.push(unreadable());
                            return None;
                        }
                        self.write_glossary(glossary, &recording, out)
                    }
                    Group::Search => {
                        let mut index = search::Index::new();
                        if articles
                            .each_search(&mut |slug, terms| index.add(slug, terms))
                            .is_none()
                        {
                            out.push(unreadable());
                            return None;
                        }
                        index.write(&mut |rel, bytes| {
                            self.file(&rel, &bytes, &recording, out);
                        });
                        0
                    }
                    Group::Fixed => self.write_fixed(has_code, &recording, out),
                };
                reuse.built(group, key, recording.into_paths(), written);
                pages += written;
            }
            Some(pages)
        })
    }

    /// The index pages, the 404 page, the feed, the sitemaps and
    /// `editions.json`: what lists the editions, made in one pass over them
    /// (an index page at a time), so that they are never all decoded at
    /// once. Returns the HTML pages written; `None` if an edition could not
    /// be read.
    fn write_lists(
        &self,
        articles: &dyn Editions,
        sink: &dyn Sink,
        out: &mut Diagnostics,
    ) -> Option<usize> {
        let config = &self.config;
        let strings = &self.theme.strings;
        let site = &self.site_view;
        let mut pages = 0;
        let total = articles.count();
        let per_page = config.paginate_by;
        let count = if per_page == 0 {
            1
        } else {
            total.div_ceil(per_page).max(1)
        };

        // What the other lists keep of each edition while the index pages
        // are written.
        let mut first: Vec<ArticleEntry> = Vec::new();
        let mut sitemap_entries: Vec<(String, Option<String>)> = Vec::with_capacity(total);
        let mut feed_dates: Vec<feed::Dates> = Vec::with_capacity(total);
        let mut editions_json = config
            .exports
            .editions_json
            .then(|| exports::EditionsJson::new(config));
        let mut page: Vec<ArticleEntry> = Vec::new();
        let mut number = 1;
        articles.each_lists(&|_| true, &mut |entry| {
            let entry = entry.into_owned();
            sitemap_entries.push((entry.path.clone(), entry.updated().map(str::to_string)));
            feed_dates.push(feed::Dates::of(&entry));
            if let Some(json) = &mut editions_json {
                json.push(&entry);
            }
            if first.len() < NOT_FOUND_LISTED {
                first.push(entry.clone());
            }
            page.push(entry);
            if per_page > 0 && page.len() == per_page && number < count {
                let (rel, index) = self.index_page(number, count, total, &page);
                pages += usize::from(self.page("index.html", &index, &rel, sink, out));
                page.clear();
                number += 1;
            }
        })?;
        let (rel, index) = self.index_page(number, count, total, &page);
        pages += usize::from(self.page("index.html", &index, &rel, sink, out));
        drop(page);
        // Written now, so that it is not held while the rest are made.
        if let Some(json) = editions_json {
            self.file("editions.json", &json.finish(), sink, out);
        }

        // The 404 page is served at any depth, so it links from the site root path.
        let mut page = PageView::new(
            config,
            PageKind::NotFound,
            "404.html",
            strings.not_found_title.clone(),
            String::new(),
        );
        page.root = config.base_path().to_string();
        page.noindex = true;
        page.home = format!("{}{}", page.root, page.index);
        let not_found = ListPage {
            site,
            page,
            t: strings,
            articles: &first,
            total,
            pagination: None,
        };
        pages += usize::from(self.page("404.html", &not_found, "404.html", sink, out));
        drop(first);

        // The feed's editions: those with an item among the newest, read again.
        let wanted = feed::newest(&feed_dates);
        drop(feed_dates);
        let mut in_feed = Vec::with_capacity(wanted.len());
        articles.each_lists(&|i| wanted.binary_search(&i).is_ok(), &mut |entry| {
            in_feed.push(entry.into_owned());
        })?;
        if let Some(xml) = out.ok(feed::render(&feed::feed(config, strings, &in_feed))) {
            self.file(feed::FEED_PATH, &xml, sink, out);
        }
        drop(in_feed);
        let absolute = |p: &str| config.absolute(p);
        let page_urls: Vec<(String, Option<String>)> = self
            .pages
            .iter()
            .map(|p| (format!("{}/", p.slug), p.updated.clone()))
            .collect();
        let urls = sitemap::urls_of(absolute, &page_urls, &sitemap_entries);
        drop(sitemap_entries);
        sitemap::each_file(absolute, urls, sitemap::MAX_URLS, |file| {
            let context = SitemapPage {
                site,
                urls: &file.urls,
            };
            self.page(file.template, &context, &file.path, sink, out);
        });
        Some(pages)
    }

    /// The glossary page. Returns the HTML pages written.
    fn write_glossary(
        &self,
        glossary: glossary::Aggregate,
        sink: &dyn Sink,
        out: &mut Diagnostics,
    ) -> usize {
        let config = &self.config;
        let strings = &self.theme.strings;
        let glossary = GlossaryPage {
            site: &self.site_view,
            page: PageView::new(
                config,
                PageKind::Glossary,
                "glossary/",
                strings.glossary_title.clone(),
                fill(&strings.glossary_description, &[("site", &config.title)]),
            ),
            t: strings,
            glossary: glossary.view(strings),
        };
        usize::from(self.page("glossary.html", &glossary, "glossary/index.html", sink, out))
    }

    /// What depends only on the site (settings, theme, `pages/`) and on
    /// whether any page has code: the theme's static files, the search page,
    /// `robots.txt`, the site's own pages and the code stylesheet. Returns
    /// the HTML pages written.
    fn write_fixed(&self, has_code: bool, sink: &dyn Sink, out: &mut Diagnostics) -> usize {
        let config = &self.config;
        let strings = &self.theme.strings;
        let site = &self.site_view;
        let mut pages = 0;
        for (rel, source) in &self.theme.statics {
            match source {
                StaticSource::Embedded(bytes) => out.ok(sink.write(rel, bytes)),
                StaticSource::File(path) => out.ok(sink.copy(rel, path)),
            };
        }

        let mut page = PageView::new(
            config,
            PageKind::Search,
            &format!("{}/", search::DIR),
            strings.search_title.clone(),
            fill(&strings.search_description, &[("site", &config.title)]),
        );
        page.noindex = true;
        let search_page = SearchPage {
            site,
            page,
            t: strings,
        };
        self.page(
            "search.html",
            &search_page,
            &format!("{}/index.html", search::DIR),
            sink,
            out,
        );
        let robots = RobotsPage {
            site,
            sitemap: config.absolute("sitemap.xml"),
        };
        self.page("robots.txt", &robots, "robots.txt", sink, out);

        let mut has_code = has_code;
        for p in &self.pages {
            let text = site_page_view(p, config, &self.highlighter);
            has_code |= text.has_code;
            let mut page = PageView::new(
                config,
                PageKind::Page,
                &format!("{}/", p.slug),
                text.title.clone(),
                text.description.clone(),
            );
            page.has_code = text.has_code;
            let context = TextPage {
                site,
                page,
                t: strings,
                text: &text,
            };
            pages += usize::from(self.page(
                "page.html",
                &context,
                &format!("{}/index.html", p.slug),
                sink,
                out,
            ));
        }

        if has_code {
            match highlight::stylesheet(&config.highlight_theme, &config.highlight_theme_dark) {
                Ok(css) => {
                    self.file("syntax.css", css.as_bytes(), sink, out);
                }
                Err(e) => out.push(Diagnostic::error(Code::BadHighlightTheme, e.to_string())),
            }
        }
        pages
    }
}

/// The published editions, in index order, as the site-wide files read
/// them: the lists all at once (their metadata and paths), the glossary and
/// the search index one edition at a time, so that a build need not hold
/// every edition's pairs and terms in memory.
pub trait Editions {
    /// How many editions there are.
    fn count(&self) -> usize;
    /// Calls `f` with the metadata and path of each edition whose number
    /// (0-based, in index order) `want` accepts (pairs and terms may be left
    /// empty); `None` if one could not be read.
    fn each_lists(
        &self,
        want: &dyn Fn(usize) -> bool,
        f: &mut dyn FnMut(Cow<'_, ArticleEntry>),
    ) -> Option<()>;
    /// Calls `f` with each edition's title, path and reviewed pairs; `None`
    /// if one could not be read.
    fn each_glossary(&self, f: &mut dyn FnMut(&str, &str, &[glossary::Item])) -> Option<()>;
    /// Calls `f` with each edition's slug and search terms; `None` if one
    /// could not be read.
    fn each_search(&self, f: &mut dyn FnMut(&str, &ArticleTerms)) -> Option<()>;
}

impl Editions for &[ArticleEntry] {
    fn count(&self) -> usize {
        self.len()
    }
    fn each_lists(
        &self,
        want: &dyn Fn(usize) -> bool,
        f: &mut dyn FnMut(Cow<'_, ArticleEntry>),
    ) -> Option<()> {
        for (i, a) in self.iter().enumerate() {
            if want(i) {
                f(Cow::Borrowed(a));
            }
        }
        Some(())
    }
    fn each_glossary(&self, f: &mut dyn FnMut(&str, &str, &[glossary::Item])) -> Option<()> {
        for a in *self {
            f(&a.info.title, &a.path, &a.glossary);
        }
        Some(())
    }
    fn each_search(&self, f: &mut dyn FnMut(&str, &ArticleTerms)) -> Option<()> {
        for a in *self {
            f(&a.info.slug, &a.search);
        }
        Some(())
    }
}

/// An edition kept in the build cache could not be read back.
fn unreadable() -> Diagnostic {
    Diagnostic::error(
        Code::TemplateContext,
        "an edition kept in the build cache could not be read back (an internal error; please report it)",
    )
    .help("`emend build --clean` builds without the cache")
}

/// The site-wide files, in groups by what they are made from. Given the same
/// site (settings, theme, templates, strings, static files, `pages/`: the
/// build cache's site key), a group's bytes depend only on the inputs its
/// [`GroupKeys`] key hashes, so a group whose key is unchanged can be kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Index pages, 404 page, feed, sitemaps, `editions.json`: each edition's
    /// metadata and path, in index order.
    Lists,
    /// The glossary: the metadata and the reviewed pairs of every edition.
    Glossary,
    /// The search index: the metadata and search terms of every edition.
    Search,
    /// Theme static files, search page, `robots.txt`, the site's own pages,
    /// the code stylesheet: nothing of the editions but whether any has code.
    Fixed,
}

impl Group {
    /// Every group, in the order they are written.
    pub const ALL: [Group; 4] = [Group::Lists, Group::Glossary, Group::Search, Group::Fixed];

    /// Its name in the build cache.
    pub fn name(self) -> &'static str {
        match self {
            Group::Lists => "lists",
            Group::Glossary => "glossary",
            Group::Search => "search",
            Group::Fixed => "fixed",
        }
    }
}

/// Decides whether a group of site-wide files may be kept as the last build
/// wrote them (an incremental build), and hears what was written instead.
pub trait Reuse {
    /// Keeps `group`'s files if the last build wrote them from inputs with
    /// this `key` and they are still in the output; returns the number of
    /// HTML pages among them. A kept file colliding with another is reported
    /// into `out`.
    fn keep(&mut self, group: Group, key: [u64; 2], out: &mut Diagnostics) -> Option<usize>;
    /// `group` was written from inputs with this `key`: these `files`, of
    /// which `pages` HTML pages.
    fn built(&mut self, group: Group, key: [u64; 2], files: Vec<String>, pages: usize);
}

/// Keeps nothing: every group is written.
pub struct NoReuse;

impl Reuse for NoReuse {
    fn keep(&mut self, _: Group, _: [u64; 2], _: &mut Diagnostics) -> Option<usize> {
        None
    }
    fn built(&mut self, _: Group, _: [u64; 2], _: Vec<String>, _: usize) {}
}

/// The outcome of [`keep_site_groups`]: the groups to write, and the HTML
/// pages among the files of those kept.
#[derive(Debug, Clone, Default)]
pub struct KeptGroups {
    /// The groups not kept, in writing order.
    pub remaining: Vec<Group>,
    /// HTML pages among the kept groups' files.
    pub pages: usize,
}

impl KeptGroups {
    /// Whether a group left to write is made from the editions (every group
    /// but [`Group::Fixed`]).
    pub fn needs_editions(&self) -> bool {
        self.remaining.iter().any(|g| *g != Group::Fixed)
    }
}

/// Asks `reuse` to keep each group of site-wide files whose key is the one
/// it was made from last time. Decided before anything is written, so that a
/// build whose site-wide files are all kept never needs the editions' data.
pub fn keep_site_groups(
    keys: &GroupKeys,
    reuse: &mut dyn Reuse,
    out: &mut Diagnostics,
) -> KeptGroups {
    let mut kept = KeptGroups::default();
    for group in Group::ALL {
        match reuse.keep(group, keys.of(group), out) {
            Some(pages) => kept.pages += pages,
            None => kept.remaining.push(group),
        }
    }
    kept
}

/// The key of each [`Group`]: a hash of what its files are made from.
pub struct GroupKeys {
    lists: [u64; 2],
    glossary: [u64; 2],
    search: [u64; 2],
    fixed: [u64; 2],
}

impl GroupKeys {
    /// Hashes the inputs of every group from the editions (in index order).
    pub fn new(articles: &[ArticleEntry], has_code: bool) -> GroupKeys {
        let hashes: Vec<EntryHashes> = articles.iter().map(EntryHashes::of).collect();
        GroupKeys::from_hashes(&hashes, has_code)
    }

    /// [`GroupKeys::new`] from each edition's [`EntryHashes`] (in index order).
    pub fn from_hashes<'a>(
        articles: impl IntoIterator<Item = &'a EntryHashes, IntoIter: ExactSizeIterator + Clone>,
        has_code: bool,
    ) -> GroupKeys {
        let articles = articles.into_iter();
        let mut entries = KeyHasher::new();
        entries.bytes(&(articles.len() as u64).to_le_bytes());
        for a in articles.clone() {
            entries.value(&a.lists);
        }
        let lists = entries.digest();
        let mut glossary = entries.clone();
        let mut search = entries.clone();
        for a in articles {
            glossary.value(&a.glossary);
            search.value(&a.search);
        }
        let mut fixed = KeyHasher::new();
        fixed.bytes(&[u8::from(has_code)]);
        GroupKeys {
            lists,
            glossary: glossary.digest(),
            search: search.digest(),
            fixed: fixed.digest(),
        }
    }

    /// The key of `group`.
    pub fn of(&self, group: Group) -> [u64; 2] {
        match group {
            Group::Lists => self.lists,
            Group::Glossary => self.glossary,
            Group::Search => self.search,
            Group::Fixed => self.fixed,
        }
    }
}

impl Site {
    /// Index page `n` of `count` (1-based), as (site-relative path,
    /// context), listing `articles` of `total`: the home page
    /// (`index.html`) has the newest `paginate_by` editions, then
    /// `page/2/index.html` and on the next ones (all on the home page when
    /// `paginate_by` is 0). There is no `page/1/`: the home page is the first page.
    fn index_page<'a>(
        &'a self,
        n: usize,
        count: usize,
        total: usize,
        articles: &'a [ArticleEntry],
    ) -> (String, ListPage<'a>) {
        let config = &self.config;
        let per_page = config.paginate_by;
        let path = |n: usize| {
            if n == 1 {
                String::new()
            } else {
                format!("{PAGE_DIR}/{n}/")
            }
        };
        let (title, description) = if n == 1 {
            (config.title.clone(), config.description.clone())
        } else {
            let title = fill(
                &self.theme.strings.index_page_title,
                &[("site", &config.title), ("n", &n.to_string())],
            );
            (title, config.description.clone())
        };
        let page = PageView::new(config, PageKind::Index, &path(n), title, description);
        let link = |k: usize| {
            if k == 1 {
                page.home.clone()
            } else {
                format!("{}{}{}", page.root, path(k), page.index)
            }
        };
        let offset = if per_page == 0 { 0 } else { (n - 1) * per_page };
        let pagination = Pagination {
            number: n,
            pages: count,
            per_page,
            offset,
            prev: (n > 1).then(|| link(n - 1)),
            next: (n < count).then(|| link(n + 1)),
            first: link(1),
            last: link(count),
        };
        let rel = format!("{}index.html", path(n));
        let context = ListPage {
            site: &self.site_view,
            page,
            t: &self.theme.strings,
            articles,
            total,
            pagination: Some(pagination),
        };
        (rel, context)
    }
}

/// The folder of the index pages after the first (`page/2/`, …).
pub const PAGE_DIR: &str = "page";

/// The entry the site-wide outputs list for a written edition.
pub fn entry(
    article: &Article,
    edition: &Edition,
    view: &EditionView,
    search: ArticleTerms,
) -> ArticleEntry {
    ArticleEntry {
        info: view.article.clone(),
        path: format!("{}/", article.slug),
        glossary: glossary::items(article, edition),
        search,
    }
}
