//! The Atom feed (RFC 4287) of the site's editions and of their revisions,
//! written with the `atom_syndication` crate.
//!
//! Each edition is one entry, whose id (its page's address) never changes:
//! it is `updated` on the latest of its `published`, `retrieved` and revision
//! dates, and its content lists the revisions. Each revision of an edition is
//! also an entry of its own ("Revised: …", with a `tag:` id of its own and a
//! link to the edition), because feed readers recognise entries by id and
//! most never show an entry again after it was read, whatever its `updated`
//! says: only a new entry reaches the readers who saw the first version.
//!
//! Dates come from content only, so the feed is byte-identical across builds;
//! the feed is `updated` on its newest entry's date.

use atom_syndication::{
    Category, Content, Entry, Feed, FixedDateTime, Generator, Link, Person, Text, WriteConfig,
};

use super::ArticleEntry;
use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic};
use crate::render::markdown::plain_text_of;
use crate::text::escape_html;
use crate::theme::Strings;
use crate::theme::strings::fill;

/// Where the feed is written (site-relative).
pub const FEED_PATH: &str = "atom.xml";
/// How many entries the feed lists: the newest editions and revisions.
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

/// What one entry of the feed announces.
#[derive(Clone, Copy)]
enum Item<'a> {
    /// An edition.
    Edition(&'a ArticleEntry),
    /// The `n`-th revision (0-based, oldest first) of an edition.
    Revision(&'a ArticleEntry, usize),
}

/// The `tag:` URI (RFC 4151) that identifies a revision's entry: the base
/// URL's host, the revision's date, and the edition's path with the
/// revision's number among those of that day (`tag:example.org,2026-12-07:/editions/slug/revisions/1`).
pub fn revision_id(config: &SiteConfig, entry: &ArticleEntry, n: usize) -> String {
    let revisions = &entry.info.revisions;
    let day = &revisions[n].date;
    let nth_that_day = revisions[..=n].iter().filter(|r| &r.date == day).count();
    let host = config
        .base_url
        .split_once("://")
        .map_or("", |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    format!(
        "tag:{host},{day}:{}{}revisions/{nth_that_day}",
        config.base_path(),
        entry.path
    )
}

/// The dates that place an edition and its revisions in the feed: its
/// index date and its revisions' dates.
#[derive(Debug, Clone)]
pub struct Dates {
    index_date: Option<String>,
    revisions: Vec<String>,
}

impl Dates {
    /// The dates of an edition.
    pub fn of(entry: &ArticleEntry) -> Dates {
        Dates {
            index_date: entry.index_date().map(str::to_string),
            revisions: entry
                .info
                .revisions
                .iter()
                .map(|r| r.date.clone())
                .collect(),
        }
    }
}

/// The editions (their numbers in index order, ascending) with an item
/// among the feed's [`FEED_LIMIT`] newest: [`feed`] of only those editions,
/// in index order, is the feed of them all.
pub fn newest(editions: &[Dates]) -> Vec<usize> {
    let mut items: Vec<(Option<&str>, usize)> = Vec::new();
    for (i, d) in editions.iter().enumerate() {
        items.push((d.index_date.as_deref(), i));
        for r in &d.revisions {
            items.push((Some(r.as_str()), i));
        }
    }
    // As `feed` sorts: stable, newest first.
    items.sort_by(|x, y| y.0.cmp(&x.0));
    items.truncate(FEED_LIMIT);
    let mut wanted: Vec<usize> = items.into_iter().map(|(_, i)| i).collect();
    wanted.sort_unstable();
    wanted.dedup();
    wanted
}

/// Builds the feed: the [`FEED_LIMIT`] newest editions and revisions. Editions
/// are dated as on the index (so without revisions the feed lists the newest
/// editions in index order) and revisions by their date; newest first.
pub fn feed(config: &SiteConfig, strings: &Strings, articles: &[ArticleEntry]) -> Feed {
    let mut items: Vec<(Option<&str>, Item<'_>)> = Vec::new();
    for a in articles {
        items.push((a.index_date(), Item::Edition(a)));
        for (n, r) in a.info.revisions.iter().enumerate() {
            items.push((Some(r.date.as_str()), Item::Revision(a, n)));
        }
    }
    // Stable: editions keep index order among equal dates, revisions follow theirs.
    items.sort_by(|x, y| y.0.cmp(&x.0));
    items.truncate(FEED_LIMIT);
    let newest = items
        .iter()
        .filter_map(|(_, item)| match item {
            Item::Edition(a) => a.updated(),
            Item::Revision(a, n) => Some(a.info.revisions[*n].date.as_str()),
        })
        .max()
        .unwrap_or(NO_DATE);
    let feed_updated = date(newest).or_else(|| date(NO_DATE)).unwrap_or_default();
    let entries = items
        .iter()
        .map(|(_, item)| match *item {
            Item::Edition(a) => edition_entry(config, strings, a, &feed_updated),
            Item::Revision(a, n) => revision_entry(config, strings, a, n, &feed_updated),
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

/// An edition's entry.
fn edition_entry(
    config: &SiteConfig,
    strings: &Strings,
    a: &ArticleEntry,
    feed_updated: &FixedDateTime,
) -> Entry {
    let i = &a.info;
    let url = config.absolute(&a.path);
    let summary = i
        .summary
        .clone()
        .unwrap_or_else(|| fill(&strings.article_description, &[("title", &i.title)]));
    let counts = fill(
        &strings.feed_counts,
        &[
            ("corrections", &strings.corrections(i.stats.corrections)),
            ("notes", &strings.notes(i.stats.annotations)),
        ],
    );
    let mut links = vec![link(url.clone(), "alternate", "text/html", None)];
    if let Some(src) = &i.source_url {
        links.push(link(src.clone(), "related", "text/html", i.source.clone()));
    }
    // The revisions, newest first, in the entry's content (the summary stays short).
    let content = (!i.revisions.is_empty()).then(|| {
        let mut html = format!(
            "<p>{}</p>\n<p>{}</p>\n<p>{}</p>\n<ul>\n",
            escape_html(&summary),
            escape_html(&counts),
            escape_html(&strings.feed_revisions)
        );
        for r in i.revisions.iter().rev() {
            let day = strings
                .human_date(&r.date)
                .unwrap_or_else(|| r.date.clone());
            html.push_str(&format!(
                "<li><time datetime=\"{}\">{}</time>: {}</li>\n",
                escape_html(&r.date),
                escape_html(&day),
                escape_html(&plain_text_of(&r.note))
            ));
        }
        html.push_str("</ul>");
        Content {
            value: Some(html),
            content_type: Some("html".into()),
            ..Default::default()
        }
    });
    Entry {
        id: url,
        title: Text::plain(i.title.clone()),
        updated: a.updated().and_then(date).unwrap_or(*feed_updated),
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
        summary: Some(Text::plain(format!("{summary} {counts}"))),
        content,
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
}

/// The entry announcing revision `n` of an edition: its note, dated, linking
/// to the edition.
fn revision_entry(
    config: &SiteConfig,
    strings: &Strings,
    a: &ArticleEntry,
    n: usize,
    feed_updated: &FixedDateTime,
) -> Entry {
    let i = &a.info;
    let revision = &i.revisions[n];
    let day = date(&revision.date).unwrap_or(*feed_updated);
    Entry {
        id: revision_id(config, a, n),
        title: Text::plain(fill(&strings.feed_revision_title, &[("title", &i.title)])),
        updated: day,
        published: Some(day),
        links: vec![link(
            config.absolute(&a.path),
            "alternate",
            "text/html",
            None,
        )],
        summary: Some(Text::plain(plain_text_of(&revision.note))),
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
