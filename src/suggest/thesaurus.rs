//! The thesaurus source: candidate restorations for words and phrases no
//! dictionary knows, checked by the plausibility model.
//!
//! A thesaurus spinner replaces a word with one of its synonyms, so the word
//! as received usually has its restoration among its own synonyms.
//! `data/thesaurus.bin` (built by `data/build-thesaurus.py` from WordNet 3.1,
//! restricted to the model's vocabulary) lists, for a word or phrase as received, the common words and
//! phrases it may stand for. Each is scored by [`Model::ratio`] in context;
//! the table only proposes, the model decides, and only strong evidence
//! becomes a suggestion (weaker evidence a flag for review).
//!
//! The file is compiled in but parsed only on first use, by `suggest`.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use super::model::{Model, varint};
use super::rules::{TokenKind, Tokens};

/// The table's file.
pub const DATA: &[u8] = include_bytes!("../../data/thesaurus.bin");

/// Evidence (natural log of odds, [`Model::ratio`] plus the article's
/// prior) from which a thesaurus restoration is flagged for review. Never
/// suggested: on the tuning articles no threshold reached the precision a
/// suggestion needs (eval/README.md). Set on the tuning articles and their
/// clean texts, never on the held-out ones.
pub const FLAG: f64 = 6.0;

/// Words among the model's most frequent this many are never taken as spun
/// ("the", "of", "said"): a spinner's output is rarely a function word, and a
/// table entry for one would be tried everywhere.
const MIN_RANK: u32 = 100;

/// The synonym table: for a word or phrase as received (model word ids), its
/// candidate restorations.
#[derive(Debug, Default)]
pub struct Thesaurus {
    phrases: Vec<Box<[u32]>>,
    /// Received phrase → range in `restorations`.
    received: HashMap<Box<[u32]>, (u32, u32)>,
    /// Phrase ids.
    restorations: Vec<u32>,
    /// Words in the longest received phrase.
    longest: usize,
}

fn small(data: &[u8], pos: &mut usize) -> Option<u32> {
    u32::try_from(varint(data, pos)?).ok()
}

impl Thesaurus {
    /// The built-in table, parsed on first use against the built-in model's
    /// vocabulary.
    pub fn builtin() -> &'static Thesaurus {
        static TABLE: OnceLock<Thesaurus> = OnceLock::new();
        // Built by the project and tested; a damaged file gives an empty
        // table, which proposes nothing.
        TABLE.get_or_init(|| Thesaurus::parse(DATA, Model::builtin().words()).unwrap_or_default())
    }

    /// Parses the table's format (see `data/build-thesaurus.py`); every word
    /// id must be below `vocabulary` (the model's number of words).
    pub fn parse(data: &[u8], vocabulary: usize) -> Option<Thesaurus> {
        let rest = data.strip_prefix(b"EMTH1\n")?;
        let mut pos = 0;
        let count = small(rest, &mut pos)? as usize;
        let mut phrases = Vec::with_capacity(count.min(rest.len()));
        for _ in 0..count {
            let k = small(rest, &mut pos)? as usize;
            if k == 0 || k > 8 {
                return None;
            }
            let mut words = Vec::with_capacity(k);
            for _ in 0..k {
                let id = small(rest, &mut pos)?;
                if id as usize >= vocabulary {
                    return None;
                }
                words.push(id);
            }
            phrases.push(words.into_boxed_slice());
        }
        let count = small(rest, &mut pos)? as usize;
        let mut received = HashMap::with_capacity(count.min(rest.len()));
        let mut restorations = Vec::new();
        let mut longest = 0;
        let mut rec = 0u32;
        for i in 0..count {
            let d = small(rest, &mut pos)?;
            if i > 0 && d == 0 {
                return None;
            }
            rec = rec.checked_add(d)?;
            let phrase = phrases.get(rec as usize)?;
            let n = small(rest, &mut pos)?;
            let start = u32::try_from(restorations.len()).ok()?;
            let mut r = 0u32;
            for j in 0..n {
                let e = small(rest, &mut pos)?;
                if j > 0 && e == 0 {
                    return None;
                }
                r = r.checked_add(e)?;
                if r as usize >= phrases.len() || r == rec {
                    return None;
                }
                restorations.push(r);
            }
            longest = longest.max(phrase.len());
            received.insert(phrase.clone(), (start, n));
        }
        (pos == rest.len()).then_some(Thesaurus {
            phrases,
            received,
            restorations,
            longest,
        })
    }

    /// Number of received words and phrases with restorations.
    pub fn len(&self) -> usize {
        self.received.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.received.is_empty()
    }

    /// The candidate restorations of `received` (model word ids), each as
    /// model word ids.
    pub fn restorations(&self, received: &[u32]) -> impl Iterator<Item = &[u32]> {
        let (start, n) = self.received.get(received).copied().unwrap_or((0, 0));
        self.restorations[start as usize..(start + n) as usize]
            .iter()
            .map(|&p| &*self.phrases[p as usize])
    }

    /// The candidate restorations of a word or phrase as spelt (lowercase,
    /// words separated by single spaces), as text.
    pub fn lookup(&self, model: &Model, received: &str) -> Vec<String> {
        let Some(ids) = received
            .split(' ')
            .map(|w| model.id(w))
            .collect::<Option<Vec<u32>>>()
        else {
            return Vec::new();
        };
        self.restorations(&ids).map(|p| spell(model, p)).collect()
    }
}

fn spell(model: &Model, phrase: &[u32]) -> String {
    phrase
        .iter()
        .map(|&w| model.word(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A restoration the table proposed and the model scored.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Byte range of the received text.
    pub range: Range<usize>,
    /// The restoration, capitalised like the received text.
    pub replace: String,
    /// The evidence for it: [`Model::ratio`] plus the article's prior.
    pub evidence: f64,
}

/// For every word and phrase of `toks` the table knows, its best-scoring
/// restoration with the evidence for it (the article's prior `shift` added),
/// when that is at least `floor`. Spans overlap: the caller chooses.
/// Skipped: words among the most frequent, numbers, words with apostrophes,
/// and capitalised words inside a sentence (names).
pub fn hits(
    table: &Thesaurus,
    model: &Model,
    toks: &Tokens<'_>,
    shift: f64,
    floor: f64,
) -> Vec<Hit> {
    let n = toks.tokens.len();
    // Per token: its model id, or None when it can never be part of a spun phrase.
    let ids: Vec<Option<u32>> = (0..n)
        .map(|i| {
            let t = &toks.tokens[i];
            let s = toks.str(i);
            if t.kind != TokenKind::Word
                || s.contains(['\'', '’'])
                || s.chars().skip(1).any(char::is_uppercase)
                || (s.starts_with(char::is_uppercase) && !toks.sentence_start(i))
            {
                return None;
            }
            model.id(&s.to_lowercase())
        })
        .collect();
    let mut out = Vec::new();
    for i in 0..n {
        for len in 1..=table.longest.min(n - i) {
            let span = i..i + len;
            let Some(words) = span.clone().map(|k| ids[k]).collect::<Option<Vec<u32>>>() else {
                break;
            };
            if toks.tokens[i + len - 1].para != toks.tokens[i].para {
                break;
            }
            if words.iter().all(|&w| w < MIN_RANK) {
                continue;
            }
            let range = toks.tokens[i].range.start..toks.tokens[i + len - 1].range.end;
            let capital = toks.str(i).starts_with(char::is_uppercase);
            let mut best: Option<Hit> = None;
            for phrase in table.restorations(&words) {
                let spelt = spell(model, phrase);
                let replace = if capital {
                    super::dictionary::capitalise(&spelt).unwrap_or(spelt)
                } else {
                    spelt
                };
                let Some(r) = model.ratio(toks, &range, &replace) else {
                    continue;
                };
                let evidence = r + shift;
                if evidence >= floor && best.as_ref().is_none_or(|b| evidence > b.evidence) {
                    best = Some(Hit {
                        range: range.clone(),
                        replace,
                        evidence,
                    });
                }
            }
            out.extend(best);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_loads_within_the_models_vocabulary() {
        let m = Model::builtin();
        let t = Thesaurus::builtin();
        assert!(t.len() > 20_000, "{}", t.len());
        // WordNet's synset {city, metropolis, urban center}: a spinner's
        // "metropolis" may stand for "city"; the plural made by rule.
        assert!(t.lookup(m, "metropolis").contains(&"city".to_string()));
        assert_eq!(t.lookup(m, "automobiles"), ["cars", "machines"]);
        // a verb's -ed form: "misplaced" for "lost"
        assert!(t.lookup(m, "misplaced").contains(&"lost".to_string()));
        // Restorations are common words: never the rarer word for a common one.
        assert!(!t.lookup(m, "city").contains(&"metropolis".to_string()));
        assert!(t.lookup(m, "xqzzv").is_empty());
    }

    #[test]
    fn damaged_tables_are_refused_not_misread() {
        // two phrases (word 5; words 6 7), the first restored by the second
        let good = b"EMTH1\n\x02\x01\x05\x02\x06\x07\x01\x00\x01\x01";
        let t = Thesaurus::parse(good, 10).unwrap();
        assert_eq!(t.restorations(&[5]).collect::<Vec<_>>(), [&[6u32, 7][..]]);
        assert_eq!(t.restorations(&[6, 7]).count(), 0);
        assert_eq!(t.longest, 1);
        // a word id outside the vocabulary
        assert!(Thesaurus::parse(good, 7).is_none());
        // truncated, trailing bytes, a phrase restored by itself, bad magic
        assert!(Thesaurus::parse(&good[..good.len() - 1], 10).is_none());
        assert!(Thesaurus::parse(&[&good[..], b"\0"].concat(), 10).is_none());
        assert!(Thesaurus::parse(b"EMTH1\n\x01\x01\x05\x01\x00\x01\x00", 10).is_none());
        assert!(Thesaurus::parse(b"EMLM1\n", 10).is_none());
        assert!(Thesaurus::parse(&DATA[..DATA.len() / 2], 80_000).is_none());
    }

    #[test]
    fn candidates_are_scored_in_context_and_names_are_left_alone() {
        let m = Model::builtin();
        let t = Thesaurus::builtin();
        let text = "The metropolis council met on Monday.\nThe Metropolis Hotel said.";
        let toks = Tokens::new(text);
        let found = hits(t, m, &toks, 0.0, f64::NEG_INFINITY);
        let best = |find: &str| {
            let i = text.find(find).unwrap();
            found
                .iter()
                .find(|h| h.range == (i..i + find.len()))
                .map(|h| (h.replace.as_str(), h.evidence))
        };
        let (replace, evidence) = best("metropolis").unwrap();
        assert_eq!(replace, "city");
        assert!(evidence >= FLAG, "{evidence}");
        // "Metropolis" inside a sentence is capitalised: a name, never tried.
        assert_eq!(best("Metropolis"), None);
        // Frequent words are never tried ("the", "on").
        assert_eq!(best("on"), None);
        // Sentence-initial capitals are kept on the restoration.
        let toks = Tokens::new("Metropolis officials met.");
        let found = hits(t, m, &toks, 0.0, f64::NEG_INFINITY);
        assert!(found.iter().any(|h| h.replace == "City"), "{found:?}");
        // Below the floor nothing is returned.
        assert!(hits(t, m, &toks, 0.0, 1e9).is_empty());
    }
}
