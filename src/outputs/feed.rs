//! The Atom feed (RFC 4287) of the site's editions, written with the
//! `atom_syndication` crate.
//!
//! Dates come from content only, so the feed is byte-identical across builds:
//! an entry is `updated` on the later of its `published` and `retrieved` dates,
//! the feed on its newest entry's date.

use atom_syndication::{
    Category, Entry, Feed, FixedDateTime, Generator, Link, Person, Text, WriteConfig,
};

use super::ArticleEntry;
use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic};
use crate::theme::Strings;
use crate::theme::strings::fill;

/// Where the feed is written (site-relative).
pub const FEED_PATH: &str = "atom.xml";
/// How many of the newest editions the feed lists.
pub const FEED_LIMIT: usize = 50;
/// The date used when no article has one (documented; never "now").
const NO_DATE: &str = "1970-01-01";

fn date(day: &str) -> Option<FixedDateTime> {
    FixedDateTime::parse_from_rfc3339(&format!("{day}T00:00:00Z")).ok()
}

fn link(href: String, rel: &str, mime: &str, title: Option<String>) -> Link {
    Link {
        href,
        rel: rel.into(),
        mime_type: Some(mime.into()),
        title,
        ..Default::default()
    }
}

/// Builds the feed: the [`FEED_LIMIT`] newest editions, in index order.
pub fn feed(config: &SiteConfig, strings: &Strings, articles: &[ArticleEntry]) -> Feed {
    let listed = &articles[..articles.len().min(FEED_LIMIT)];
    let newest = listed
        .iter()
        .filter_map(ArticleEntry::updated)
        .max()
        .unwrap_or(NO_DATE);
    let feed_updated = date(newest).or_else(|| date(NO_DATE)).unwrap_or_default();
    let entries = listed
        .iter()
        .map(|a| {
            let i = &a.info;
            let url = config.absolute(&a.path);
            let summary = i
                .summary
                .clone()
                .unwrap_or_else(|| fill(&strings.article_description, &[("title", &i.title)]));
            let mut links = vec![link(url.clone(), "alternate", "text/html", None)];
            if let Some(src) = &i.source_url {
                links.push(link(src.clone(), "related", "text/html", i.source.clone()));
            }
            Entry {
                id: url,
                title: Text::plain(i.title.clone()),
                updated: a.updated().and_then(date).unwrap_or(feed_updated),
                published: i.published.as_deref().and_then(date),
                authors: i
                    .author
                    .iter()
                    .map(|name| Person {
                        name: name.clone(),
                        ..Default::default()
                    })
                    .collect(),
                links,
                summary: Some(Text::plain(format!(
                    "{summary} {}",
                    fill(
                        &strings.feed_counts,
                        &[
                            ("corrections", &strings.corrections(i.stats.corrections)),
                            ("notes", &strings.notes(i.stats.annotations)),
                        ],
                    )
                ))),
                categories: i
                    .tags
                    .iter()
                    .map(|t| Category {
                        term: t.clone(),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }
        })
        .collect();
    Feed {
        id: config.base_url.clone(),
        title: Text::plain(config.title.clone()),
        subtitle: (!config.description.is_empty()).then(|| Text::plain(config.description.clone())),
        updated: feed_updated,
        authors: vec![Person {
            name: config
                .publisher
                .clone()
                .unwrap_or_else(|| config.title.clone()),
            uri: Some(config.base_url.clone()),
            ..Default::default()
        }],
        links: vec![
            link(
                config.absolute(FEED_PATH),
                "self",
                "application/atom+xml",
                None,
            ),
            link(config.base_url.clone(), "alternate", "text/html", None),
        ],
        generator: Some(Generator {
            value: "emend".into(),
            ..Default::default()
        }),
        lang: Some(config.language.clone()),
        entries,
        ..Default::default()
    }
}

/// The feed as XML.
pub fn render(feed: &Feed) -> Result<Vec<u8>, Diagnostic> {
    let failed = |e: &dyn std::fmt::Display| {
        Diagnostic::error(Code::Feed, format!("cannot write the Atom feed: {e}"))
    };
    let mut out = feed
        .write_with_config(
            Vec::new(),
            WriteConfig {
                write_document_declaration: true,
                indent_size: Some(2),
            },
        )
        .map_err(|e| failed(&e))?;
    out.push(b'\n');
    // Titles and summaries may hold characters XML cannot carry even as
    // references (a control character makes a reader reject the whole feed).
    let xml = String::from_utf8(out).map_err(|e| failed(&e))?;
    Ok(crate::text::replace_unrepresentable(xml).into_bytes())
}
