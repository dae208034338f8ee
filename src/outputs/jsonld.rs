//! schema.org metadata for edition pages: the edition as a `NewsArticle` based
//! on the original publication (`isBasedOn`), citing the notes' sources, with
//! each dated revision of the edition (`dateModified` is the latest) and each
//! correction of the text listed as a `CorrectionComment`.
//!
//! The JSON is embedded in a `<script type="application/ld+json">` element, so
//! [`embed`] escapes everything that could end the element or open a comment.

use serde::Serialize;

use crate::config::SiteConfig;
use crate::content::Article;
use crate::engine::Edition;
use crate::render::EditionView;
use crate::render::markdown::plain_text_of;
use crate::theme::Strings;
use crate::theme::strings::fill;

/// A named thing (`Person`, `Organization`).
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    /// schema.org type.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// Name.
    pub name: String,
}

/// The original publication the edition restores.
#[derive(Debug, Clone, Serialize)]
pub struct BasedOn {
    /// `NewsArticle`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// Title.
    pub headline: String,
    /// Address of the original.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its publication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<Named>,
    /// Its byline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<Named>,
    /// Its date.
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    pub date_published: Option<String>,
}

/// A source cited by a note.
#[derive(Debug, Clone, Serialize)]
pub struct Citation {
    /// `CreativeWork`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// Title.
    pub name: String,
    /// Address.
    pub url: String,
    /// Publisher.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<Named>,
    /// Date.
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    pub date_published: Option<String>,
}

/// One correction (an entry of `corrections.yaml`).
#[derive(Debug, Clone, Serialize)]
pub struct Correction {
    /// `CorrectionComment`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// What changed: `“garbled” → “restored”`.
    pub name: String,
    /// Why (or the kind of correction when no reason is given).
    pub text: String,
    /// The first change of the entry on the page.
    pub url: String,
}

/// One revision of the edition itself (an entry of `revisions` in `meta.yaml`).
#[derive(Debug, Clone, Serialize)]
pub struct RevisionComment {
    /// `CorrectionComment`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// When (YYYY-MM-DD).
    #[serde(rename = "datePublished")]
    pub date_published: String,
    /// What changed and why (plain text).
    pub text: String,
}

/// An item of `correction`: a revision of the edition, or a correction of
/// the text as received.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum CorrectionItem {
    /// A dated revision of the edition.
    Revision(RevisionComment),
    /// A correction of the garbled text.
    Change(Correction),
}

/// The edition page as a schema.org `NewsArticle`.
#[derive(Debug, Clone, Serialize)]
pub struct NewsArticle {
    /// `https://schema.org`.
    #[serde(rename = "@context")]
    pub context: &'static str,
    /// `NewsArticle`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// Canonical URL.
    #[serde(rename = "@id")]
    pub id: String,
    /// Canonical URL.
    pub url: String,
    /// Canonical URL.
    #[serde(rename = "mainEntityOfPage")]
    pub main_entity_of_page: String,
    /// Title.
    pub headline: String,
    /// Summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Language.
    #[serde(rename = "inLanguage")]
    pub in_language: String,
    /// Publication date of the original (the edition reproduces its text).
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    pub date_published: Option<String>,
    /// The date of the edition's latest revision.
    #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
    pub date_modified: Option<String>,
    /// The original's byline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<Named>,
    /// Who publishes the edition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<Named>,
    /// Tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keywords: Option<String>,
    /// The original publication.
    #[serde(rename = "isBasedOn", skip_serializing_if = "Option::is_none")]
    pub is_based_on: Option<BasedOn>,
    /// Sources cited by the notes (each once, in note order).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub citation: Vec<Citation>,
    /// The edition's revisions (oldest first), then the corrections of the
    /// text in document order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub correction: Vec<CorrectionItem>,
}

/// Builds the `NewsArticle` of an edition page.
pub fn news_article(
    config: &SiteConfig,
    strings: &Strings,
    article: &Article,
    edition: &Edition,
    view: &EditionView,
) -> NewsArticle {
    let meta = &article.meta;
    let url = config.absolute(&format!("{}/", article.slug));
    let original = article.original.text.as_str();
    // One comment per correction entry, at its first change.
    let mut first_change: Vec<Option<&crate::engine::Change>> =
        vec![None; article.corrections.len()];
    let mut places = vec![0usize; article.corrections.len()];
    for c in &edition.changes {
        places[c.entry] += 1;
        first_change[c.entry].get_or_insert(c);
    }
    let mut correction: Vec<(usize, Correction)> = article
        .corrections
        .iter()
        .enumerate()
        .filter_map(|(i, spec)| {
            let change = first_change[i]?;
            let from = &original[change.original.clone()];
            let to = &edition.corrected[change.corrected.clone()];
            let mut name = if to.is_empty() {
                fill(&strings.correction_deleted, &[("from", from)])
            } else {
                fill(&strings.correction_pair, &[("from", from), ("to", to)])
            };
            if places[i] > 1 {
                name = fill(
                    &strings.correction_places,
                    &[("correction", &name), ("n", &places[i].to_string())],
                );
            }
            Some((
                change.number,
                Correction {
                    kind: "CorrectionComment",
                    name,
                    text: spec.why.clone().unwrap_or_else(|| {
                        fill(&strings.correction_no_why, &[("kind", spec.kind.as_str())])
                    }),
                    url: format!("{url}#{}", crate::anchors::change(change.number)),
                },
            ))
        })
        .collect();
    // In document order.
    correction.sort_by_key(|(number, _)| *number);
    let revisions = meta.revisions.iter().map(|r| {
        CorrectionItem::Revision(RevisionComment {
            kind: "CorrectionComment",
            date_published: r.date.clone(),
            text: plain_text_of(&r.note),
        })
    });
    let correction = revisions
        .chain(
            correction
                .into_iter()
                .map(|(_, c)| CorrectionItem::Change(c)),
        )
        .collect();
    let mut citation: Vec<Citation> = Vec::new();
    for note in &view.notes {
        for s in &article.annotations[note.entry].sources {
            if citation.iter().all(|c| c.url != s.url) {
                citation.push(Citation {
                    kind: "CreativeWork",
                    name: s.title.clone(),
                    url: s.url.clone(),
                    publisher: s.publisher.clone().map(|name| Named {
                        kind: "Organization",
                        name,
                    }),
                    date_published: s.date.clone(),
                });
            }
        }
    }
    let author = meta.author.clone().map(|name| Named {
        kind: "Person",
        name,
    });
    let is_based_on = (meta.source_url.is_some() || meta.source.is_some()).then(|| BasedOn {
        kind: "NewsArticle",
        headline: meta.title.clone(),
        url: meta.source_url.clone(),
        publisher: meta.source.clone().map(|name| Named {
            kind: "Organization",
            name,
        }),
        author: author.clone(),
        date_published: meta.published.clone(),
    });
    NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        id: url.clone(),
        url: url.clone(),
        main_entity_of_page: url,
        headline: meta.title.clone(),
        description: meta.summary.clone(),
        in_language: view.article.language.clone(),
        date_published: meta.published.clone(),
        date_modified: meta.revisions.last().map(|r| r.date.clone()),
        author,
        publisher: config.publisher.clone().map(|name| Named {
            kind: "Organization",
            name,
        }),
        keywords: (!meta.tags.is_empty()).then(|| meta.tags.join(", ")),
        is_based_on,
        citation,
        correction,
    }
}

/// JSON for a `<script type="application/ld+json">` element: `<`, `>` and `&`
/// (and the JavaScript line separators) are written as `\u` escapes, so no
/// content can close the element (`</script>`) or open a comment (`<!--`).
/// These characters only occur inside JSON strings, where the escapes mean the same.
pub fn embed(value: &impl Serialize) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".into());
    if !json.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return json;
    }
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_json_cannot_close_the_script_or_open_a_comment() {
        let hostile = serde_json::json!({
            "headline": "</script><script>alert(1)</script> <!-- x --> & \u{2028}",
        });
        let embedded = embed(&hostile);
        for bad in ["<", ">", "&", "\u{2028}"] {
            assert!(!embedded.contains(bad), "{embedded}");
        }
        // ...and it still means the same.
        let back: serde_json::Value = serde_json::from_str(&embedded).unwrap();
        assert_eq!(back, hostile);
    }
}
