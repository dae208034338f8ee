//! Where a suggestion comes from, as a type: the YAML `origin:` value is
//! rendered from it, and nothing reads the rendered text back.

use std::fmt;

/// One source of a suggestion. Several sources agreeing on one change are
/// kept as a sorted list and written joined with ` + `
/// (`dictionary + learned from a, b`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// The built-in spinner dictionary: `dictionary`.
    Dictionary,
    /// The site's own `dictionary.yaml`: `site dictionary`.
    SiteDictionary,
    /// Corrections accepted in the site's other articles:
    /// `learned from a, b` or `learned from a, b, c and 12 more`.
    Learned {
        /// The first few articles the rule was learned from (slugs).
        from: Vec<String>,
        /// How many more articles it was learned from.
        more: usize,
    },
    /// A pattern detector: `pattern: spintax`.
    Pattern(&'static str),
    /// The plausibility model (`model`): it found the restoration far more
    /// likely in context than the text as it stands.
    Model,
}

/// The kind of source, for counting and evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    /// The built-in or the site's dictionary.
    Dictionary,
    /// Site learning.
    Learned,
    /// A pattern detector.
    Pattern,
    /// The plausibility model.
    Model,
    /// Thesaurus neighbours scored by the model (`--thesaurus`; flags only,
    /// never an [`Origin`] of a suggestion: see `thesaurus`).
    Thesaurus,
}

impl SourceKind {
    /// How the source is named in messages.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Dictionary => "dictionary",
            SourceKind::Learned => "site learning",
            SourceKind::Pattern => "patterns",
            SourceKind::Model => "model",
            SourceKind::Thesaurus => "thesaurus",
        }
    }
}

impl Origin {
    /// The kind of source.
    pub fn kind(&self) -> SourceKind {
        match self {
            Origin::Dictionary | Origin::SiteDictionary => SourceKind::Dictionary,
            Origin::Learned { .. } => SourceKind::Learned,
            Origin::Pattern(_) => SourceKind::Pattern,
            Origin::Model => SourceKind::Model,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Dictionary => f.write_str("dictionary"),
            Origin::SiteDictionary => f.write_str("site dictionary"),
            Origin::Learned { from, more: 0 } => write!(f, "learned from {}", from.join(", ")),
            Origin::Learned { from, more } => {
                write!(f, "learned from {} and {more} more", from.join(", "))
            }
            Origin::Pattern(name) => write!(f, "pattern: {name}"),
            Origin::Model => f.write_str("model"),
        }
    }
}

/// The `origin:` value of several agreeing sources.
pub fn render(origins: &[Origin]) -> String {
    origins
        .iter()
        .map(Origin::to_string)
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The kinds of source among `origins`, sorted and without repeats.
pub fn kinds(origins: &[Origin]) -> Vec<SourceKind> {
    let mut k: Vec<SourceKind> = origins.iter().map(Origin::kind).collect();
    k.sort();
    k.dedup();
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_render_as_the_yaml_values_of_before() {
        let learned = Origin::Learned {
            from: vec!["a".into(), "b".into()],
            more: 0,
        };
        let many = Origin::Learned {
            from: vec!["a".into()],
            more: 12,
        };
        assert_eq!(
            render(&[Origin::Dictionary, learned.clone()]),
            "dictionary + learned from a, b"
        );
        assert_eq!(many.to_string(), "learned from a and 12 more");
        assert_eq!(Origin::SiteDictionary.to_string(), "site dictionary");
        assert_eq!(Origin::Pattern("spintax").to_string(), "pattern: spintax");
        assert_eq!(
            render(&[Origin::Dictionary, Origin::Model]),
            "dictionary + model"
        );
        assert_eq!(
            kinds(&[
                Origin::Model,
                Origin::SiteDictionary,
                Origin::Dictionary,
                learned
            ]),
            [
                SourceKind::Dictionary,
                SourceKind::Learned,
                SourceKind::Model
            ]
        );
    }
}
