//! What makes a built site findable and reusable on any static host: page
//! metadata (schema.org JSON-LD), the Atom feed, `sitemap.xml` and
//! `robots.txt`, and the open exports (`edition.json`, `annotations.jsonld`,
//! `editions.json`).

pub mod exports;
pub mod feed;
pub mod jsonld;
pub mod offsets;
pub mod sitemap;

use crate::content::Article;
use crate::diagnostics::{Code, Diagnostic};
use crate::engine::Edition;
use crate::output::Sink;
use crate::render::EditionView;
use crate::site::{ArticleSummary, Site};

/// Writes an article's exports: `<slug>/edition.json` and `<slug>/annotations.jsonld`.
pub fn write_article_exports(
    site: &Site,
    article: &Article,
    edition: &Edition,
    view: &EditionView,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let config = &site.config;
    let slug = &article.slug;
    let edition_json = exports::to_json(&exports::edition_export(config, article, edition, view));
    let annotations =
        exports::to_json(&exports::annotations_export(config, article, edition, view));
    [
        sink.write(&format!("{slug}/edition.json"), &edition_json),
        sink.write(&format!("{slug}/annotations.jsonld"), &annotations),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect()
}

/// Writes the site-wide files: the Atom feed, the sitemap(s), `robots.txt` and `editions.json`.
pub fn write_site_outputs(
    site: &Site,
    articles: &[ArticleSummary],
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    let config = &site.config;
    let mut errors = Vec::new();
    match feed::render(&feed::feed(config, articles)) {
        Ok(xml) => errors.extend(sink.write(feed::FEED_PATH, &xml).err()),
        Err(msg) => errors.push(Diagnostic::error(Code::Feed, msg)),
    }
    let absolute = |p: &str| config.absolute(p);
    let urls = sitemap::urls(absolute, articles);
    let files = sitemap::files(absolute, urls, sitemap::MAX_URLS);
    for file in &files {
        let data = serde_json::json!({ "site": site.site_view(), "urls": file.urls });
        match site.theme.render(file.template, &data, &file.path) {
            Ok(xml) => errors.extend(sink.write(&file.path, xml.as_bytes()).err()),
            Err(d) => errors.push(d),
        }
    }
    let robots = serde_json::json!({
        "site": site.site_view(),
        "sitemap": config.absolute("sitemap.xml"),
    });
    match site.theme.render("robots.txt", &robots, "robots.txt") {
        Ok(text) => errors.extend(sink.write("robots.txt", text.as_bytes()).err()),
        Err(d) => errors.push(d),
    }
    let index = exports::to_json(&exports::editions_index(config, articles));
    errors.extend(sink.write("editions.json", &index).err());
    errors
}
