//! The strings table: every word emend writes into pages, feeds and exports
//! from Rust (page titles, descriptions, dates, counts, glossary headings).
//! Everything else a reader sees is in the templates, so with a translated
//! table and templates a site needs no change to emend's code in another
//! language.
//!
//! The built-in table is `themes/default/strings/en.yaml`; a theme's
//! `strings/<language>.yaml` and then the site's own `strings/<language>.yaml`
//! override it key by key (`<language>` is `site.yaml`'s `language`, tried as
//! written and then as its primary subtag: `fr-CA`, then `fr`). Templates see
//! the table as `t`.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::content::{Kind, SourceType};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::source::SourceFile;
use crate::yaml::{self, Schema};

/// The built-in English table.
pub const BUILTIN: &str = include_str!("../../themes/default/strings/en.yaml");
const BUILTIN_PATH: &str = "<built-in default theme>/strings/en.yaml";

macro_rules! strings {
    ($( $(#[$doc:meta])* $key:ident, )*) => {
        /// The strings table (see the module documentation).
        #[derive(Debug, Clone, Serialize)]
        pub struct Strings {
            /// Month names, January first (12).
            pub months: Vec<String>,
            $( $(#[$doc])* pub $key: String, )*
        }

        #[derive(Debug, Deserialize)]
        struct StringsYaml {
            months: Option<Vec<String>>,
            $( $key: Option<String>, )*
        }

        /// Every key of a strings file.
        pub const KEYS: &[&str] = &["months", $( stringify!($key), )*];

        impl Strings {
            /// Replaces the values `file` sets.
            fn overlay(&mut self, file: StringsYaml) {
                if let Some(v) = file.months { self.months = v; }
                $( if let Some(v) = file.$key { self.$key = v; } )*
            }

            fn empty() -> Strings {
                Strings { months: Vec::new(), $( $key: String::new(), )* }
            }
        }
    };
}

strings! {
    /// `{day} {month} {year}`.
    date,
    /// `{title} (corrected text)`.
    reading_title,
    /// The title of index pages after the first (`{site}`, `{n}`).
    index_page_title,
    /// Title of the glossary page.
    glossary_title,
    /// Title of the search page.
    search_title,
    /// Title of the 404 page.
    not_found_title,
    /// An edition's description when it has no summary (`{title}`).
    article_description,
    /// The glossary's description (`{site}`).
    glossary_description,
    /// The search page's description (`{site}`).
    search_description,
    /// A note reference's label for screen readers (`{n}`).
    note_reference,
    /// The tooltip of a deletion mark.
    deleted_mark,
    /// A change number's label for screen readers (`{n}`).
    change_reference,
    /// The title of an edition's W3C annotation collection (`{title}`).
    annotations_label,
    /// `{n} correction`.
    corrections_one,
    /// `{n} corrections`.
    corrections_other,
    /// `{n} note`.
    notes_one,
    /// `{n} notes`.
    notes_other,
    /// The counts after a feed entry's summary (`{corrections}`, `{notes}`).
    feed_counts,
    /// The title of a feed entry announcing a revision of an edition (`{title}`).
    feed_revision_title,
    /// The heading of the revision list in an edition's feed entry.
    feed_revisions,
    /// A schema.org correction's name (`{from}`, `{to}`).
    correction_pair,
    /// The same for a deletion (`{from}`).
    correction_deleted,
    /// A correction made at several places (`{correction}`, `{n}`).
    correction_places,
    /// A correction's text when it has no `why` (`{kind}`).
    correction_no_why,
    /// Glossary heading.
    kind_synonym,
    /// Glossary heading.
    kind_mistranslation,
    /// Glossary heading.
    kind_name,
    /// Glossary heading.
    kind_number,
    /// Glossary heading.
    kind_grammar,
    /// Glossary heading.
    kind_punctuation,
    /// Glossary heading.
    kind_artifact,
    /// Glossary heading.
    kind_spelling,
    /// Glossary heading.
    kind_formatting,
    /// Glossary heading.
    kind_other,
    /// A change's kind in the list of changes.
    change_kind_synonym,
    /// A change's kind in the list of changes.
    change_kind_mistranslation,
    /// A change's kind in the list of changes.
    change_kind_name,
    /// A change's kind in the list of changes.
    change_kind_number,
    /// A change's kind in the list of changes.
    change_kind_grammar,
    /// A change's kind in the list of changes.
    change_kind_punctuation,
    /// A change's kind in the list of changes.
    change_kind_artifact,
    /// A change's kind in the list of changes.
    change_kind_spelling,
    /// A change's kind in the list of changes.
    change_kind_formatting,
    /// A change's kind in the list of changes.
    change_kind_other,
    /// A source's type in words.
    source_primary,
    /// A source's type in words.
    source_court,
    /// A source's type in words.
    source_news,
    /// A source's type in words.
    source_reference,
    /// A source's type in words.
    source_other,
    /// The heading of an edition page's key.
    legend_title,
    /// The key's line for deleted words.
    legend_deleted,
    /// The key's line for restored words.
    legend_inserted,
    /// The key's line for change numbers.
    legend_change,
    /// The key's line for note numbers.
    legend_note,
    /// The heading of an edition page's density strip.
    overview_title,
    /// A cell of the density strip (`{n}`: the passage, `{changes}`: its count).
    overview_passage,
    /// A count of changes, one.
    changes_one,
    /// A count of changes, other than one.
    changes_other,
    /// The heading of the filter that shows or hides changes by kind.
    filter_title,
    /// The TEI edition's subtitle.
    tei_subtitle,
    /// What the editors are responsible for (TEI `respStmt/resp`).
    tei_responsibility,
    /// The TEI header's statement of editorial method (`correction`).
    tei_method,
    /// The TEI header's statement of how the text is segmented (`segmentation`).
    tei_segmentation,
    /// When the garbled copy was taken (`{date}`), in the TEI `sourceDesc`.
    tei_retrieved,
    /// The caveat every citation carries.
    cite_caveat,
    /// What an edition restores (`{original}`: author, title, publication, date, address).
    cite_restores,
    /// The original's title quoted in that note (`{title}`).
    cite_title,
}

const SCHEMA: Schema = Schema {
    what: "strings file",
    keys: KEYS,
    required: &[],
    example: "glossary_title: \"Glossaire des expressions déformées\"",
};

/// Replaces each `{name}` in `template` by its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if let Some((_, v)) = values.iter().find(|(k, _)| *k == name) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl Strings {
    /// The built-in English table.
    pub fn builtin() -> Strings {
        let mut out = Diagnostics::new();
        let file = SourceFile::from_bytes(Path::new(BUILTIN_PATH), BUILTIN.as_bytes().to_vec())
            .expect("the built-in strings are UTF-8");
        let mut strings = Strings::empty();
        let parsed = yaml::load_map::<StringsYaml>(&file, &SCHEMA, &mut out);
        strings.overlay(parsed.expect("the built-in strings parse").0);
        strings
    }

    /// The table for `language`: the built-in one, overlaid by the files that
    /// exist among `dirs` (each a `strings/` folder, in increasing priority).
    pub fn load(language: &str, dirs: &[&Path], out: &mut Diagnostics) -> Option<Strings> {
        let mut strings = Strings::builtin();
        let primary = language.split('-').next().unwrap_or(language);
        out.checked(|out| {
            for dir in dirs {
                // The primary subtag first, so `fr-CA.yaml` overrides `fr.yaml`.
                let mut names = vec![format!("{primary}.yaml")];
                if primary != language {
                    names.push(format!("{language}.yaml"));
                }
                for name in names {
                    let path = dir.join(name);
                    if !path.is_file() {
                        continue;
                    }
                    let Some(file) = out.ok(SourceFile::read_yaml(&path)) else {
                        continue;
                    };
                    if let Some((parsed, node)) = yaml::load_map::<StringsYaml>(&file, &SCHEMA, out)
                    {
                        if parsed.months.as_ref().is_some_and(|m| m.len() != 12) {
                            out.push(
                                Diagnostic::error(
                                    Code::WrongType,
                                    "`months` must list 12 month names",
                                )
                                .at(node.as_ref().map_or_else(
                                    || Location::file_only(&path),
                                    |n| yaml::value_location(&file, Some(n), "months"),
                                ))
                                .help("list the months in order, January first"),
                            );
                            continue;
                        }
                        strings.overlay(parsed);
                    }
                }
            }
            Some(())
        })?;
        Some(strings)
    }

    /// "2023-03-22" → "22 March 2023" (as `date` says).
    pub fn human_date(&self, iso: &str) -> Option<String> {
        let mut parts = iso.splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        let m: usize = m.parse().ok()?;
        let d: u32 = d.parse().ok()?;
        let month = self.months.get(m.checked_sub(1)?)?;
        Some(fill(
            &self.date,
            &[("day", &d.to_string()), ("month", month), ("year", y)],
        ))
    }

    /// "3 corrections" / "1 correction".
    pub fn corrections(&self, n: usize) -> String {
        let form = if n == 1 {
            &self.corrections_one
        } else {
            &self.corrections_other
        };
        fill(form, &[("n", &n.to_string())])
    }

    /// "2 notes" / "1 note".
    pub fn notes(&self, n: usize) -> String {
        let form = if n == 1 {
            &self.notes_one
        } else {
            &self.notes_other
        };
        fill(form, &[("n", &n.to_string())])
    }

    /// The glossary heading of a kind of correction.
    pub fn kind_label(&self, kind: Kind) -> &str {
        match kind {
            Kind::Synonym => &self.kind_synonym,
            Kind::Mistranslation => &self.kind_mistranslation,
            Kind::Name => &self.kind_name,
            Kind::Number => &self.kind_number,
            Kind::Grammar => &self.kind_grammar,
            Kind::Punctuation => &self.kind_punctuation,
            Kind::Artifact => &self.kind_artifact,
            Kind::Spelling => &self.kind_spelling,
            Kind::Formatting => &self.kind_formatting,
            Kind::Other => &self.kind_other,
        }
    }
}

impl Strings {
    /// One change's kind in words (`synonym swap`).
    pub fn change_kind_label(&self, kind: Kind) -> &str {
        match kind {
            Kind::Synonym => &self.change_kind_synonym,
            Kind::Mistranslation => &self.change_kind_mistranslation,
            Kind::Name => &self.change_kind_name,
            Kind::Number => &self.change_kind_number,
            Kind::Grammar => &self.change_kind_grammar,
            Kind::Punctuation => &self.change_kind_punctuation,
            Kind::Artifact => &self.change_kind_artifact,
            Kind::Spelling => &self.change_kind_spelling,
            Kind::Formatting => &self.change_kind_formatting,
            Kind::Other => &self.change_kind_other,
        }
    }

    /// What kind of document a source is, in words (`court record`).
    pub fn source_type_label(&self, source_type: SourceType) -> &str {
        match source_type {
            SourceType::Primary => &self.source_primary,
            SourceType::Court => &self.source_court,
            SourceType::News => &self.source_news,
            SourceType::Reference => &self.source_reference,
            SourceType::Other => &self.source_other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_sets_every_key() {
        let s = Strings::builtin();
        let json = serde_json::to_value(&s).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = KEYS.to_vec();
        expected.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, expected);
        for (k, v) in json.as_object().unwrap() {
            assert!(v.as_str().is_none_or(|v| !v.is_empty()), "{k} is empty");
        }
        assert_eq!(s.months.len(), 12);
        assert_eq!(s.human_date("2023-03-22").as_deref(), Some("22 March 2023"));
        assert_eq!(s.corrections(1), "1 correction");
        assert_eq!(s.notes(3), "3 notes");
        assert_eq!(s.kind_label(Kind::Name), "Names and titles");
        assert_eq!(s.change_kind_label(Kind::Synonym), "synonym swap");
        assert_eq!(s.source_type_label(SourceType::Court), "court record");
    }

    #[test]
    fn fill_replaces_known_names_and_keeps_other_braces() {
        assert_eq!(
            fill("“{from}” → “{to}”", &[("from", "a"), ("to", "b")]),
            "“a” → “b”"
        );
        assert_eq!(fill("{x} {unknown} {", &[("x", "1")]), "1 {unknown} {");
        assert_eq!(
            fill("{n}{n}", &[("n", "{n}")]),
            "{n}{n}",
            "values are not filled again"
        );
    }

    #[test]
    fn a_site_overrides_keys_by_language_with_located_errors() {
        let dir = tempfile::tempdir().unwrap();
        let strings = dir.path().join("strings");
        std::fs::create_dir(&strings).unwrap();
        std::fs::write(
            strings.join("fr.yaml"),
            "date: \"{day} {month} {year}\"\nmonths: [janvier, février, mars, avril, mai, juin, juillet, août, septembre, octobre, novembre, décembre]\nsearch_title: Recherche\n",
        )
        .unwrap();
        std::fs::write(strings.join("fr-CA.yaml"), "search_title: Chercher\n").unwrap();
        let mut out = Diagnostics::new();
        let s = Strings::load("fr-CA", &[&strings], &mut out).unwrap();
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(s.human_date("2023-03-22").as_deref(), Some("22 mars 2023"));
        assert_eq!(s.search_title, "Chercher", "the regional file wins");
        assert_eq!(
            s.glossary_title, "Glossary of garbled phrases",
            "unset keys stay"
        );

        std::fs::write(
            strings.join("fr.yaml"),
            "serch_title: Recherche\nmonths: [a, b]\n",
        )
        .unwrap();
        let mut out = Diagnostics::new();
        assert!(Strings::load("fr", &[&strings], &mut out).is_none());
        let found: Vec<String> = out.iter().map(|d| d.one_line()).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].ends_with(
                "fr.yaml:1:1: error[unknown-key]: unknown key `serch_title` in strings file"
            ),
            "{found:?}"
        );
        assert!(
            found[1].ends_with("fr.yaml:2:9: error[wrong-type]: `months` must list 12 month names"),
            "{found:?}"
        );
    }
}
