//! Citing an edition: `/<slug>/cite.bib` (BibTeX), `cite.ris` (RIS),
//! `cite.json` (CSL-JSON), the Highwire `citation_*` meta tags reference
//! managers read from the page (Zotero, Google Scholar), and the data of the
//! "Cite this edition" box ([`CiteView`]).
//!
//! What is cited is the *edition*, a web page: its title, the original's
//! author, the edition's editors (`site.yaml` `editors`; without them the
//! site's publisher, or the site, as a corporate editor), the site, the date
//! the edition last changed ([`edition_date`]), its address and DOI;
//! each format also names the original publication it restores (the
//! "original" fields where the format has them) and carries the caveat that
//! the text is a restoration of a garbled copy (strings table:
//! `cite_caveat`).

use serde::Serialize;

use crate::config::{Editor, SiteConfig};
use crate::render::ArticleInfo;
use crate::text::is_unrepresentable;
use crate::theme::Strings;
use crate::theme::strings::fill;

/// File names of the citation downloads in an edition's folder.
pub const BIB_FILE: &str = "cite.bib";
/// RIS.
pub const RIS_FILE: &str = "cite.ris";
/// CSL-JSON.
pub const CSL_FILE: &str = "cite.json";

/// The date an edition is cited by: the latest of the original's
/// publication, the copy's retrieval and the edition's revisions (the
/// edition cannot be older than the copy it was made from), as the feed's
/// `updated` ([`super::ArticleEntry::updated`]); none if content gives no date.
pub fn edition_date(info: &ArticleInfo) -> Option<&str> {
    [
        info.published.as_deref(),
        info.retrieved.as_deref(),
        info.revisions.iter().map(|r| r.date.as_str()).max(),
    ]
    .into_iter()
    .flatten()
    .max()
}

/// One name as citations need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Name {
    /// As written ("Ada Lovelace", "The emend project").
    pub name: String,
    /// An organisation (cited as written, never inverted).
    pub organization: bool,
    /// Its ORCID iD URI, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orcid: Option<String>,
}

impl Name {
    fn person(e: &Editor) -> Name {
        Name {
            name: e.name.clone(),
            organization: false,
            orcid: e.orcid_url(),
        }
    }

    /// Family and given names: the last word is the family name (as BibTeX
    /// reads "First Last"); one word, or an organisation, has no split.
    fn split(&self) -> Option<(&str, &str)> {
        if self.organization {
            return None;
        }
        let n = self.name.trim();
        n.rsplit_once(' ')
            .map(|(given, family)| (family.trim(), given.trim()))
            .filter(|(f, g)| !f.is_empty() && !g.is_empty())
    }
}

/// A `<meta name content>` pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meta {
    /// `citation_title`, …
    pub name: &'static str,
    /// The value.
    pub content: String,
}

/// Everything a citation of one edition says; every format is written from it.
#[derive(Debug, Clone, Serialize)]
pub struct Citation {
    /// The BibTeX key and CSL id (the slug).
    pub key: String,
    /// The edition's title.
    pub title: String,
    /// The original's authors (a byline with " and " gives several).
    pub authors: Vec<Name>,
    /// The edition's editors (never empty: the site's publisher stands in).
    pub editors: Vec<Name>,
    /// The site's title (where the edition is published).
    pub site: String,
    /// The publisher (the site's publisher, or its title).
    pub publisher: String,
    /// The date it is cited by (ISO), see [`edition_date`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The edition page's address.
    pub url: String,
    /// The edition's DOI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// Language (BCP 47).
    pub language: String,
    /// Tags.
    pub keywords: Vec<String>,
    /// The original publication's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The original's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// The original's publication date (ISO).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The caveat that the text is a restoration (strings: `cite_caveat`).
    pub caveat: String,
    /// What the edition restores: the original's author, title,
    /// publication, date and address (strings: `cite_restores`).
    pub restores: String,
    /// The caveat, then what the edition restores, as one note.
    pub note: String,
}

/// The original's authors from its byline: " and " separates names; a name
/// with a comma ("The Harbour Desk, Inc.", "Sam Cooper, Global News") is
/// cited as written rather than split into given and family names.
pub fn authors(byline: Option<&str>) -> Vec<Name> {
    byline
        .map(|b| {
            b.split(" and ")
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(|n| Name {
                    name: n.to_string(),
                    organization: n.contains(','),
                    orcid: None,
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Citation {
    /// The citation of an edition.
    pub fn new(config: &SiteConfig, strings: &Strings, info: &ArticleInfo) -> Citation {
        let publisher = config
            .publisher
            .clone()
            .unwrap_or_else(|| config.title.clone());
        let editors = if config.editors.is_empty() {
            vec![Name {
                name: publisher.clone(),
                organization: true,
                orcid: None,
            }]
        } else {
            config.editors.iter().map(Name::person).collect()
        };
        let human = |iso: &str| strings.human_date(iso).unwrap_or_else(|| iso.to_string());
        let mut original: Vec<String> = Vec::new();
        if let Some(a) = &info.author {
            original.push(a.clone());
        }
        original.push(fill(&strings.cite_title, &[("title", &info.title)]));
        if let Some(s) = &info.source {
            original.push(s.clone());
        }
        if let Some(p) = &info.published {
            original.push(human(p));
        }
        if let Some(u) = &info.source_url {
            original.push(u.clone());
        }
        let caveat = strings.cite_caveat.clone();
        let restores = fill(
            &strings.cite_restores,
            &[("original", &original.join(", "))],
        );
        let note = format!("{caveat} {restores}");
        Citation {
            key: info.slug.clone(),
            title: info.title.clone(),
            authors: authors(info.author.as_deref()),
            editors,
            site: config.title.clone(),
            publisher,
            date: edition_date(info).map(str::to_string),
            url: config.absolute(&format!("{}/", info.slug)),
            doi: info.doi.clone(),
            language: info.language.clone(),
            keywords: info.tags.clone(),
            source: info.source.clone(),
            source_url: info.source_url.clone(),
            published: info.published.clone(),
            caveat,
            restores,
            note,
        }
    }

    /// The edition's DOI as a resolvable address.
    pub fn doi_url(&self) -> Option<String> {
        self.doi.as_ref().map(|d| format!("https://doi.org/{d}"))
    }
}

/// A field value on one line, with the characters no citation format can
/// carry replaced (control characters as U+FFFD, line breaks as spaces).
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        out.push(if is_unrepresentable(c) { '\u{fffd}' } else { c });
    }
    out.trim_end().to_string()
}

/// A BibTeX field value: LaTeX's special characters as commands, so braces
/// always balance and nothing is read as markup.
fn bib_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in one_line(s).chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            c => out.push(c),
        }
    }
    out
}

/// A URL for BibTeX's verbatim `url` field: braces, backslashes and spaces
/// percent-encoded (the address stays the same address).
fn bib_url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        match c {
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            '\\' => out.push_str("%5C"),
            ' ' => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out
}

/// A name list for BibTeX: organisations in double braces (never split into
/// first and last names), people as written, joined by `and`.
fn bib_names(names: &[Name]) -> String {
    names
        .iter()
        .map(|n| {
            if n.organization {
                format!("{{{}}}", bib_text(&n.name))
            } else {
                bib_text(&n.name)
            }
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// `cite.bib`: one `@misc` entry (every BibTeX style knows it), with
/// biblatex's `date`, `url`, `doi` and `language` too.
pub fn bibtex(c: &Citation) -> String {
    let mut fields: Vec<(&str, String)> = vec![("title", format!("{{{}}}", bib_text(&c.title)))];
    if !c.authors.is_empty() {
        fields.push(("author", format!("{{{}}}", bib_names(&c.authors))));
    }
    fields.push(("editor", format!("{{{}}}", bib_names(&c.editors))));
    fields.push(("howpublished", format!("{{{}}}", bib_text(&c.site))));
    fields.push(("publisher", format!("{{{}}}", bib_text(&c.publisher))));
    if let Some(d) = &c.date {
        fields.push(("date", format!("{{{}}}", bib_text(d))));
        if let Some(y) = d.get(..4) {
            fields.push(("year", format!("{{{}}}", bib_text(y))));
        }
        if let Some(m) = d
            .get(5..7)
            .and_then(|m| m.parse::<usize>().ok())
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
        {
            // A month macro, so styles print it in their own language.
            fields.push(("month", (*m).to_string()));
        }
    }
    fields.push(("url", format!("{{{}}}", bib_url(&c.url))));
    if let Some(d) = &c.doi {
        fields.push(("doi", format!("{{{}}}", bib_url(d))));
    }
    fields.push(("language", format!("{{{}}}", bib_text(&c.language))));
    if !c.keywords.is_empty() {
        fields.push((
            "keywords",
            format!("{{{}}}", bib_text(&c.keywords.join(", "))),
        ));
    }
    fields.push(("note", format!("{{{}}}", bib_text(&c.note))));
    let mut out = format!("@misc{{{},\n", bib_key(&c.key));
    for (name, value) in fields {
        out.push_str(&format!("  {name} = {value},\n"));
    }
    out.push_str("}\n");
    out
}

/// A citation key: the slug's letters, digits and hyphens (all a slug has).
fn bib_key(slug: &str) -> String {
    let key: String = slug
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    if key.is_empty() {
        "edition".to_string()
    } else {
        key
    }
}

/// RIS dates: `YYYY/MM/DD`.
fn ris_date(iso: &str) -> String {
    iso.replace('-', "/")
}

/// `cite.ris`: one `ELEC` (web page) record, CR LF line ends as the RIS
/// specification has them.
pub fn ris(c: &Citation) -> String {
    let mut lines: Vec<(&str, String)> = vec![("TY", "ELEC".to_string())];
    lines.push(("TI", c.title.clone()));
    for a in &c.authors {
        lines.push(("AU", a.name.clone()));
    }
    for e in &c.editors {
        lines.push(("ED", e.name.clone()));
    }
    lines.push(("T2", c.site.clone()));
    lines.push(("PB", c.publisher.clone()));
    if let Some(d) = &c.date {
        if let Some(y) = d.get(..4) {
            lines.push(("PY", y.to_string()));
        }
        lines.push(("DA", ris_date(d)));
    }
    lines.push(("UR", c.url.clone()));
    if let Some(d) = &c.doi {
        lines.push(("DO", d.clone()));
    }
    lines.push(("LA", c.language.clone()));
    for k in &c.keywords {
        lines.push(("KW", k.clone()));
    }
    let mut original: Vec<String> = Vec::new();
    original.extend(c.source.clone());
    original.extend(c.published.as_deref().map(ris_date));
    original.extend(c.source_url.clone());
    if !original.is_empty() {
        lines.push(("OP", original.join(", ")));
    }
    lines.push(("N1", c.note.clone()));
    let mut out = String::new();
    for (tag, value) in lines {
        out.push_str(tag);
        out.push_str("  - ");
        out.push_str(&one_line(&value));
        out.push_str("\r\n");
    }
    out.push_str("ER  - \r\n");
    out
}

/// A CSL name: family and given when the name splits, else literal.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
enum CslName {
    Person { family: String, given: String },
    Literal { literal: String },
}

fn csl_name(n: &Name) -> CslName {
    match n.split() {
        Some((family, given)) => CslName::Person {
            family: one_line(family),
            given: one_line(given),
        },
        None => CslName::Literal {
            literal: one_line(&n.name),
        },
    }
}

/// A CSL date.
#[derive(Debug, Clone, Serialize)]
struct CslDate {
    #[serde(rename = "date-parts")]
    date_parts: Vec<Vec<u32>>,
}

fn csl_date(iso: &str) -> Option<CslDate> {
    let parts: Vec<u32> = iso.split('-').map_while(|p| p.parse().ok()).collect();
    (parts.len() == 3).then(|| CslDate {
        date_parts: vec![parts],
    })
}

/// One CSL-JSON item.
#[derive(Debug, Clone, Serialize)]
struct CslItem {
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    author: Vec<CslName>,
    editor: Vec<CslName>,
    #[serde(rename = "container-title")]
    container_title: String,
    publisher: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    issued: Option<CslDate>,
    #[serde(rename = "URL")]
    url: String,
    #[serde(rename = "DOI", skip_serializing_if = "Option::is_none")]
    doi: Option<String>,
    language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    keyword: Option<String>,
    #[serde(rename = "original-title")]
    original_title: String,
    #[serde(rename = "original-author", skip_serializing_if = "Vec::is_empty")]
    original_author: Vec<CslName>,
    #[serde(rename = "original-publisher", skip_serializing_if = "Option::is_none")]
    original_publisher: Option<String>,
    #[serde(rename = "original-date", skip_serializing_if = "Option::is_none")]
    original_date: Option<CslDate>,
    note: String,
}

/// `cite.json`: a CSL-JSON array with the edition as a `webpage`.
pub fn csl_json(c: &Citation) -> Vec<u8> {
    let item = CslItem {
        id: c.key.clone(),
        kind: "webpage",
        title: one_line(&c.title),
        author: c.authors.iter().map(csl_name).collect(),
        editor: c.editors.iter().map(csl_name).collect(),
        container_title: one_line(&c.site),
        publisher: one_line(&c.publisher),
        issued: c.date.as_deref().and_then(csl_date),
        url: c.url.clone(),
        doi: c.doi.clone(),
        language: c.language.clone(),
        keyword: (!c.keywords.is_empty()).then(|| one_line(&c.keywords.join(", "))),
        original_title: one_line(&c.title),
        original_author: c.authors.iter().map(csl_name).collect(),
        original_publisher: c.source.as_deref().map(one_line),
        original_date: c.published.as_deref().and_then(csl_date),
        note: one_line(&c.note),
    };
    let mut bytes = serde_json::to_vec_pretty(&[item]).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The Highwire Press `citation_*` tags of an edition page.
pub fn meta_tags(c: &Citation, tei_url: Option<&str>) -> Vec<Meta> {
    let mut tags = vec![Meta {
        name: "citation_title",
        content: one_line(&c.title),
    }];
    for a in &c.authors {
        tags.push(Meta {
            name: "citation_author",
            content: one_line(&a.name),
        });
    }
    for e in &c.editors {
        tags.push(Meta {
            name: "citation_editor",
            content: one_line(&e.name),
        });
    }
    if let Some(d) = &c.date {
        // Google Scholar's inclusion guidelines ask for YYYY/MM/DD.
        tags.push(Meta {
            name: "citation_publication_date",
            content: d.replace('-', "/"),
        });
    }
    tags.push(Meta {
        name: "citation_publisher",
        content: one_line(&c.publisher),
    });
    tags.push(Meta {
        name: "citation_public_url",
        content: c.url.clone(),
    });
    tags.push(Meta {
        name: "citation_fulltext_html_url",
        content: c.url.clone(),
    });
    if let Some(tei_url) = tei_url {
        tags.push(Meta {
            name: "citation_xml_url",
            content: tei_url.to_string(),
        });
    }
    if let Some(d) = &c.doi {
        tags.push(Meta {
            name: "citation_doi",
            content: d.clone(),
        });
    }
    tags.push(Meta {
        name: "citation_language",
        content: c.language.clone(),
    });
    for k in &c.keywords {
        tags.push(Meta {
            name: "citation_keywords",
            content: one_line(k),
        });
    }
    tags
}

/// What the theme's `partials/cite.html` and `partials/cite-meta.html` see
/// as `cite`.
#[derive(Debug, Clone, Serialize)]
pub struct CiteView {
    /// The citation's data (names, dates, addresses).
    #[serde(flatten)]
    pub citation: Citation,
    /// The edition's folder relative to the page that shows the box (`""`
    /// on the edition page, `"../"` on the reading view): the downloads are
    /// `{{ cite.dir }}{{ cite.files.bib }}`.
    pub dir: String,
    /// The DOI as an address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doi_url: Option<String>,
    /// The BibTeX entry (shown and copied on the page).
    pub bibtex: String,
    /// The `citation_*` meta tags.
    pub meta: Vec<Meta>,
    /// File names of the downloads, in the edition's folder.
    pub files: CiteFiles,
}

/// The file names of an edition's citation and TEI downloads.
#[derive(Debug, Clone, Serialize)]
pub struct CiteFiles {
    /// `cite.bib`.
    pub bib: &'static str,
    /// `cite.ris`.
    pub ris: &'static str,
    /// `cite.json`.
    pub csl: &'static str,
    /// `tei.xml`.
    pub tei: &'static str,
}

impl CiteView {
    /// The view of a citation on a page `dir` away from the edition's folder.
    pub fn new(config: &SiteConfig, citation: Citation, dir: &str) -> CiteView {
        let tei_url = config
            .exports
            .tei
            .then(|| config.absolute(&format!("{}/{}", citation.key, super::tei::TEI_FILE)));
        CiteView {
            dir: dir.to_string(),
            doi_url: citation.doi_url(),
            bibtex: bibtex(&citation),
            meta: meta_tags(&citation, tei_url.as_deref()),
            citation,
            files: CiteFiles {
                bib: BIB_FILE,
                ris: RIS_FILE,
                csl: CSL_FILE,
                tei: super::tei::TEI_FILE,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bibtex_escapes_specials_and_keeps_braces_balanced() {
        assert_eq!(
            bib_text("50% of {x} & $y #1 a_b ~ ^ \\ end\nline"),
            "50\\% of \\{x\\} \\& \\$y \\#1 a\\_b \\textasciitilde{} \\textasciicircum{} \\textbackslash{} end line"
        );
        assert_eq!(
            bib_url("https://e.org/a b{c}\\"),
            "https://e.org/a%20b%7Bc%7D%5C"
        );
    }

    #[test]
    fn names_split_on_the_last_space_unless_organisations() {
        let p = Name {
            name: "Ada King Lovelace".into(),
            organization: false,
            orcid: None,
        };
        assert_eq!(p.split(), Some(("Lovelace", "Ada King")));
        let o = Name {
            name: "The emend project".into(),
            organization: true,
            orcid: None,
        };
        assert_eq!(o.split(), None);
        assert_eq!(
            authors(Some("A B and C")),
            vec![
                Name {
                    name: "A B".into(),
                    organization: false,
                    orcid: None
                },
                Name {
                    name: "C".into(),
                    organization: false,
                    orcid: None
                }
            ]
        );
    }

    #[test]
    fn one_line_drops_line_breaks_and_unrepresentable_characters() {
        assert_eq!(one_line(" a\r\n b\u{1b}\t"), "a b\u{fffd}");
    }
}
