//! `sitemap.xml` (sitemaps.org protocol) and `robots.txt`, rendered with the
//! theme's `sitemap.xml`, `sitemap_index.xml` and `robots.txt` templates.
//!
//! A sitemap holds at most 50,000 URLs; larger sites get `sitemap-1.xml`,
//! `sitemap-2.xml`, … and `sitemap.xml` becomes their index.

use serde::Serialize;

use super::ArticleEntry;

/// The protocol's limit of URLs per sitemap file.
pub const MAX_URLS: usize = 50_000;

/// One URL of the sitemap.
#[derive(Debug, Clone, Serialize)]
pub struct SitemapUrl {
    /// Absolute URL.
    pub loc: String,
    /// Last change (YYYY-MM-DD), from the content's dates.
    pub lastmod: Option<String>,
}

/// The sitemap files to write: `(site-relative path, template, URLs or sitemap URLs)`.
#[derive(Debug, Clone)]
pub struct SitemapFile {
    /// Where it goes.
    pub path: String,
    /// `sitemap.xml` or `sitemap_index.xml`.
    pub template: &'static str,
    /// For a sitemap: its URLs; for the index: the sitemaps (no `lastmod`).
    pub urls: Vec<SitemapUrl>,
}

/// Every public page: the home page, the site's pages (`(path, last
/// change)`, e.g. `("methodology/", Some("2026-12-07"))`), and each edition
/// and its reading view.
pub fn urls(
    absolute: impl Fn(&str) -> String,
    pages: &[(String, Option<String>)],
    articles: &[ArticleEntry],
) -> Vec<SitemapUrl> {
    let articles: Vec<(String, Option<String>)> = articles
        .iter()
        .map(|a| (a.path.clone(), a.updated().map(str::to_string)))
        .collect();
    urls_of(absolute, pages, &articles)
}

/// [`urls`] from each edition's path and last change
/// ([`ArticleEntry::updated`]), in index order.
pub fn urls_of(
    absolute: impl Fn(&str) -> String,
    pages: &[(String, Option<String>)],
    articles: &[(String, Option<String>)],
) -> Vec<SitemapUrl> {
    let newest = articles
        .iter()
        .filter_map(|(_, updated)| updated.as_deref())
        .max()
        .map(str::to_string);
    let mut urls = Vec::with_capacity(1 + pages.len() + 2 * articles.len());
    urls.push(SitemapUrl {
        loc: absolute(""),
        lastmod: newest,
    });
    urls.extend(pages.iter().map(|(path, lastmod)| SitemapUrl {
        loc: absolute(path),
        lastmod: lastmod.clone(),
    }));
    for (path, updated) in articles {
        urls.push(SitemapUrl {
            loc: absolute(path),
            lastmod: updated.clone(),
        });
        urls.push(SitemapUrl {
            loc: absolute(&format!("{path}corrected/")),
            lastmod: updated.clone(),
        });
    }
    urls
}

/// Splits the URLs into sitemaps of at most `max` URLs, with an index when
/// more than one is needed.
pub fn files(
    absolute: impl Fn(&str) -> String,
    urls: Vec<SitemapUrl>,
    max: usize,
) -> Vec<SitemapFile> {
    let mut out = Vec::new();
    each_file(absolute, urls, max, |file| out.push(file));
    out
}

/// [`files`], each handed to `f` as soon as it is made (with 100,000
/// editions there are 200,000 URLs: copied into every file at once, they
/// were held twice).
pub fn each_file(
    absolute: impl Fn(&str) -> String,
    mut urls: Vec<SitemapUrl>,
    max: usize,
    mut f: impl FnMut(SitemapFile),
) {
    if urls.len() <= max {
        f(SitemapFile {
            path: "sitemap.xml".into(),
            template: "sitemap.xml",
            urls,
        });
        return;
    }
    let mut index = Vec::new();
    let mut i = 0;
    while !urls.is_empty() {
        let chunk: Vec<SitemapUrl> = urls.drain(..max.min(urls.len())).collect();
        i += 1;
        let path = format!("sitemap-{i}.xml");
        index.push(SitemapUrl {
            loc: absolute(&path),
            lastmod: chunk.iter().filter_map(|u| u.lastmod.clone()).max(),
        });
        f(SitemapFile {
            path,
            template: "sitemap.xml",
            urls: chunk,
        });
    }
    f(SitemapFile {
        path: "sitemap.xml".into(),
        template: "sitemap_index.xml",
        urls: index,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_sites_get_an_index_of_sitemaps() {
        let abs = |p: &str| format!("https://x.org/s/{p}");
        let urls: Vec<SitemapUrl> = (0..5)
            .map(|i| SitemapUrl {
                loc: abs(&format!("a{i}/")),
                lastmod: Some(format!("2024-01-0{}", i + 1)),
            })
            .collect();
        let one = files(abs, urls.clone(), 5);
        assert_eq!(one.len(), 1);
        assert_eq!(
            (one[0].path.as_str(), one[0].template),
            ("sitemap.xml", "sitemap.xml")
        );
        let split = files(abs, urls, 2);
        let shape: Vec<(&str, &str, usize)> = split
            .iter()
            .map(|f| (f.path.as_str(), f.template, f.urls.len()))
            .collect();
        assert_eq!(
            shape,
            [
                ("sitemap-1.xml", "sitemap.xml", 2),
                ("sitemap-2.xml", "sitemap.xml", 2),
                ("sitemap-3.xml", "sitemap.xml", 1),
                ("sitemap.xml", "sitemap_index.xml", 3),
            ]
        );
        let index = &split[3].urls;
        assert_eq!(index[1].loc, "https://x.org/s/sitemap-2.xml");
        assert_eq!(index[1].lastmod.as_deref(), Some("2024-01-04"));
    }
}
