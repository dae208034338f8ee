//! Exact anchoring: finding every occurrence of many anchors in one pass.
//!
//! All distinct anchor texts of an article go into one Aho-Corasick automaton,
//! which reports every (possibly overlapping) occurrence in a single scan of
//! the text; the per-anchor rules (word boundaries, before/after context,
//! occurrence) are then applied to each anchor's own list of matches.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::content::{Pick, Selector};
use crate::text::{on_grapheme_boundaries, on_word_boundaries};

/// Whether a match may stand: on word boundaries where the needle starts or
/// ends a word, and never cutting a character as readers see it (a grapheme
/// cluster: `Cafe` does not match inside an NFD `Café`, `❤` not inside `❤️`).
pub fn acceptable(text: &str, r: &Range<usize>) -> bool {
    on_word_boundaries(text, r) && on_grapheme_boundaries(text, r)
}

/// Why a selector did not resolve to the matches it asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorFailure {
    /// No match satisfied the selector. `without_context` lists matches of the
    /// exact text that failed only the before/after context.
    NotFound {
        /// Matches of `exact` that the context rejected (the first [`SHOWN`]).
        without_context: Vec<Range<usize>>,
        /// The first place `exact` occurs that was refused only because it
        /// would cut a character as readers see it (a grapheme cluster).
        split: Option<Range<usize>>,
    },
    /// Several matches and no rule to pick one.
    Ambiguous {
        /// The first [`SHOWN`] matches.
        matches: Vec<Range<usize>>,
        /// How many there are.
        total: usize,
    },
    /// `occurrence: n` with fewer matches than `n`.
    OutOfRange {
        /// The occurrence asked for.
        n: u32,
        /// The first [`SHOWN`] matches.
        matches: Vec<Range<usize>>,
        /// How many there are.
        total: usize,
    },
}

/// How many matches a failure keeps to show: an error about a word that
/// occurs 10,000 times lists a few and counts the rest (a file of thousands of
/// such entries must not hold every match of every one).
pub const SHOWN: usize = 20;

fn shown(matches: &[Range<usize>]) -> Vec<Range<usize>> {
    matches[..matches.len().min(SHOWN)].to_vec()
}

/// Above this many distinct anchors, one automaton pass beats one search per anchor.
const AUTOMATON_THRESHOLD: usize = 96;

/// Occurrences of one needle: leftmost first, not overlapping each other, on
/// word boundaries (an occurrence inside a word does not hide a later one);
/// and the first occurrence refused only for cutting a character.
fn find_one(text: &str, needle: &str) -> (Vec<Range<usize>>, Option<Range<usize>>) {
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut split = None;
    let mut from = 0;
    while let Some(i) = finder.find(&bytes[from..]) {
        let r = from + i..from + i + needle.len();
        if acceptable(text, &r) {
            from = r.end;
            out.push(r);
        } else {
            note_split(text, &r, &mut split);
            from = r.start + text[r.start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    (out, split)
}

/// Remembers the first refused match that only cut a character.
fn note_split(text: &str, r: &Range<usize>, split: &mut Option<Range<usize>>) {
    if split.is_none() && on_word_boundaries(text, r) && !on_grapheme_boundaries(text, r) {
        *split = Some(r.clone());
    }
}

/// The first occurrence of a needle refused only for cutting a character.
pub type Split = Option<Range<usize>>;

/// A set of needles prepared once and searched for in many texts (the spinner
/// dictionary is searched for in every article).
#[derive(Debug, Clone)]
pub struct Needles {
    patterns: Vec<String>,
    automaton: Option<AhoCorasick>,
}

impl Needles {
    /// Prepares distinct, non-empty needles.
    pub fn new(patterns: Vec<String>) -> Self {
        Self::build(patterns, false)
    }

    fn build(patterns: Vec<String>, force_automaton: bool) -> Self {
        // Few needles (the usual case): one SIMD substring search per needle is
        // cheaper than building an automaton. Many (thousands of corrections,
        // the dictionary): one Aho-Corasick pass over the text. Standard
        // semantics are required for overlapping search: a short needle inside
        // a longer one ("Chinese" in "Chinese language") must still be found. A
        // contiguous NFA: a DFA searches faster but costs far more to build.
        let automaton = (patterns.len() > AUTOMATON_THRESHOLD || force_automaton)
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        Needles {
            patterns,
            automaton,
        }
    }

    /// The needles, in the order given.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Occurrences of each needle in `text` (by needle index): leftmost first,
    /// not overlapping each other, on word boundaries.
    pub fn scan(&self, text: &str) -> Vec<Vec<Range<usize>>> {
        self.scan_with_splits(text).0
    }

    /// [`Needles::scan`], with the first occurrence of each needle that was
    /// refused only for cutting a character (by needle index).
    pub fn scan_with_splits(&self, text: &str) -> (Vec<Vec<Range<usize>>>, Vec<Split>) {
        let Some(ac) = &self.automaton else {
            return self.patterns.iter().map(|p| find_one(text, p)).unzip();
        };
        let mut splits: Vec<Option<Range<usize>>> = vec![None; self.patterns.len()];
        let mut last_end: Vec<usize> = vec![0; self.patterns.len()];
        let mut lists: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.patterns.len()];
        for m in ac.find_overlapping_iter(text) {
            let id = m.pattern().as_usize();
            let r = m.start()..m.end();
            // Occurrences of one text do not overlap each other ("aa" in "aaa" is one match).
            if !lists[id].is_empty() && r.start < last_end[id] {
                continue;
            }
            if acceptable(text, &r) {
                last_end[id] = r.end;
                lists[id].push(r);
            } else {
                note_split(text, &r, &mut splits[id]);
            }
        }
        (lists, splits)
    }
}

/// Every word-boundary-respecting occurrence of a set of texts in one text.
pub struct Matches<'t> {
    text: &'t str,
    by_text: HashMap<String, Vec<Range<usize>>>,
    /// Per text: the first occurrence refused for cutting a character.
    splits: HashMap<String, Range<usize>>,
}

impl<'t> Matches<'t> {
    /// Scans `text` once for all `needles` (duplicates and empty needles are fine).
    pub fn find<'n>(text: &'t str, needles: impl IntoIterator<Item = &'n str>) -> Self {
        Self::find_with(text, needles, false)
    }

    fn find_with<'n>(
        text: &'t str,
        needles: impl IntoIterator<Item = &'n str>,
        automaton: bool,
    ) -> Self {
        let mut patterns: Vec<&str> = needles.into_iter().filter(|n| !n.is_empty()).collect();
        patterns.sort_unstable();
        patterns.dedup();
        let set = Needles::build(
            patterns.iter().map(|p| (*p).to_string()).collect(),
            automaton,
        );
        let (lists, splits) = set.scan_with_splits(text);
        let splits = set
            .patterns
            .iter()
            .zip(splits)
            .filter_map(|(p, s)| Some((p.clone(), s?)))
            .collect();
        let by_text = set.patterns.into_iter().zip(lists).collect();
        Matches {
            text,
            by_text,
            splits,
        }
    }

    /// All occurrences of `exact` (must have been among the needles).
    pub fn of(&self, exact: &str) -> &[Range<usize>] {
        self.by_text.get(exact).map_or(&[], Vec::as_slice)
    }

    /// Resolves a selector to its matches (one, unless `all`).
    pub fn select(&self, sel: &Selector) -> Result<Vec<Range<usize>>, AnchorFailure> {
        let all = self.of(&sel.exact);
        let fits = |r: &Range<usize>| {
            sel.before
                .as_deref()
                .is_none_or(|b| self.text[..r.start].ends_with(b))
                && sel
                    .after
                    .as_deref()
                    .is_none_or(|a| self.text[r.end..].starts_with(a))
        };
        // Without context every match fits: no per-selector copy (thousands of
        // `occurrence: N` entries for one common word stay linear).
        let matching: std::borrow::Cow<'_, [Range<usize>]> =
            if sel.before.is_none() && sel.after.is_none() {
                all.into()
            } else {
                all.iter()
                    .filter(|r| fits(r))
                    .cloned()
                    .collect::<Vec<_>>()
                    .into()
            };
        if matching.is_empty() {
            return Err(AnchorFailure::NotFound {
                without_context: shown(all),
                split: if all.is_empty() {
                    self.splits.get(&sel.exact).cloned()
                } else {
                    None
                },
            });
        }
        match sel.pick {
            Pick::All => Ok(matching.into_owned()),
            Pick::Unique if matching.len() == 1 => Ok(matching.into_owned()),
            Pick::Unique => Err(AnchorFailure::Ambiguous {
                matches: shown(&matching),
                total: matching.len(),
            }),
            Pick::Nth(n) => match matching.get(n as usize - 1) {
                Some(r) => Ok(vec![r.clone()]),
                None => Err(AnchorFailure::OutOfRange {
                    n,
                    matches: shown(&matching),
                    total: matching.len(),
                }),
            },
        }
    }
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // expected match lists
mod tests {
    use super::*;

    fn sel(exact: &str) -> Selector {
        Selector {
            exact: exact.into(),
            before: None,
            after: None,
            pick: Pick::Unique,
        }
    }

    #[test]
    fn never_matches_part_of_a_character() {
        // NFD accent, variation selector, ZWJ sequence: the base alone never matches.
        let text = "Cafe\u{301} and Cafe; I \u{2764}\u{fe0f} it, \u{2764} too; \u{1f469}\u{200d}\u{1f4bb} codes";
        for automaton in [false, true] {
            let m = Matches::find_with(
                text,
                ["Cafe", "\u{2764}", "\u{1f469}", "Cafe\u{301}"],
                automaton,
            );
            assert_eq!(m.of("Cafe"), [11..15], "automaton: {automaton}");
            assert_eq!(m.of("Cafe\u{301}"), [0..6]);
            let heart = text.rfind("\u{2764} too").unwrap();
            assert_eq!(m.of("\u{2764}"), [heart..heart + 3]);
            assert!(m.of("\u{1f469}").is_empty());
            assert_eq!(
                m.select(&sel("\u{1f469}")),
                Err(AnchorFailure::NotFound {
                    without_context: vec![],
                    split: Some(
                        text.find('\u{1f469}').unwrap()..text.find('\u{1f469}').unwrap() + 4
                    ),
                })
            );
        }
    }

    #[test]
    fn finds_overlapping_anchors_in_one_pass() {
        let text = "the Chinese language consul, Chinese language";
        let m = Matches::find(
            text,
            ["Chinese language", "Chinese language consul", "consul"],
        );
        assert_eq!(m.of("Chinese language"), [4..20, 29..45]);
        assert_eq!(m.of("Chinese language consul"), [4..27]);
        assert_eq!(m.of("consul"), [21..27]);
    }

    #[test]
    fn substring_search_and_automaton_agree() {
        let text = "unsaid said saids 2021 2 said, Chinese language consul; x:::y aaa a-a said";
        let needles = [
            "said",
            "2",
            "Chinese language",
            "Chinese",
            "language consul",
            "::",
            "aa",
            "a",
            "a-a",
            "y a",
        ];
        let fast = Matches::find_with(text, needles, false);
        let automaton = Matches::find_with(text, needles, true);
        for n in needles {
            assert_eq!(fast.of(n), automaton.of(n), "{n}");
        }
        assert_eq!(fast.of("said"), [7..11, 25..29, 70..74]);
    }

    #[test]
    fn respects_word_boundaries() {
        let text = "unsaid said saids 2021 2";
        let m = Matches::find(text, ["said", "2"]);
        assert_eq!(m.of("said"), [7..11]);
        assert_eq!(m.of("2"), [23..24]);
    }

    #[test]
    fn context_and_occurrence_pick_one() {
        let text = "a said b; c said d; e said f";
        let m = Matches::find(text, ["said"]);
        assert_eq!(
            m.select(&sel("said")),
            Err(AnchorFailure::Ambiguous {
                matches: vec![2..6, 12..16, 22..26],
                total: 3
            })
        );
        let mut s = sel("said");
        s.before = Some("c ".into());
        assert_eq!(m.select(&s), Ok(vec![12..16]));
        s.before = None;
        s.after = Some(" f".into());
        assert_eq!(m.select(&s), Ok(vec![22..26]));
        s.after = None;
        s.pick = Pick::Nth(2);
        assert_eq!(m.select(&s), Ok(vec![12..16]));
        s.pick = Pick::Nth(4);
        assert!(matches!(
            m.select(&s),
            Err(AnchorFailure::OutOfRange { n: 4, .. })
        ));
        s.pick = Pick::All;
        assert_eq!(m.select(&s).unwrap().len(), 3);
        // context that matches nothing reports where the bare text was
        let mut s = sel("said");
        s.before = Some("z ".into());
        assert_eq!(
            m.select(&s),
            Err(AnchorFailure::NotFound {
                without_context: vec![2..6, 12..16, 22..26],
                split: None,
            })
        );
    }

    #[test]
    fn failures_keep_a_few_matches_and_count_all() {
        let text = "a ".repeat(1000);
        let m = Matches::find(&text, ["a"]);
        let Err(AnchorFailure::Ambiguous { matches, total }) = m.select(&sel("a")) else {
            panic!("not ambiguous");
        };
        assert_eq!((matches.len(), total), (SHOWN, 1000));
        assert_eq!(matches[1], 2..3);
        let mut s = sel("a");
        s.pick = Pick::Nth(1001);
        assert!(matches!(
            m.select(&s),
            Err(AnchorFailure::OutOfRange { n: 1001, total: 1000, ref matches }) if matches.len() == SHOWN
        ));
    }

    #[test]
    fn self_overlapping_text_counts_once() {
        let m = Matches::find("x:::y", ["::"]);
        assert_eq!(m.of("::"), [1..3]);
    }
}
