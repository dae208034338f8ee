//! The plausibility model: how likely a stretch of English is, from word and
//! word-pair counts (`data/english-bigrams.bin`, built by
//! `data/build-model.py` from PyPI's `wordsegment` 1.3.1, Apache-2.0: the
//! 80,000 most frequent words of the Google Web Trillion Word Corpus and the
//! 249,440 most frequent pairs among them).
//!
//! It is used in two ways, never alone:
//! - a dictionary entry marked `check: model` (a swap that is also ordinary
//!   English, such as `workplace` for `office`) is suggested only where the
//!   restoration is far more likely in its context than the text as it stands,
//!   and the model is named among the suggestion's sources;
//! - where the restoration is more likely but not by enough, the place is
//!   flagged for review ("this phrase looks garbled"), never written as an entry.
//!
//! The file is compiled in but parsed only on first use, by `suggest`.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use super::origin::SourceKind;
use super::rules::{TokenKind, Tokens};

/// The model's file.
pub const DATA: &[u8] = include_bytes!("../../data/english-bigrams.bin");

/// Evidence (natural log of odds, see [`Model::ratio`]) from which the model
/// confirms a restoration: odds of at least e^1.5 ≈ 4.5 to 1. Set on the
/// tuning articles and their clean texts (eval/README.md: 1.0–3.5 tried with
/// prior weights 0.5–1.5), never on the held-out ones.
pub const CONFIRM: f64 = 1.5;

/// Evidence from which the model confirms a dictionary entry's match outside
/// the contexts its `prev`/`next` lists name (see
/// [`Dictionary::relaxed_hits`](super::dictionary::Dictionary::relaxed_hits)),
/// in an evidently spun article only: a little more than [`CONFIRM`], since
/// the entry's own lists did not vouch for the place. Set on the tuning
/// articles and their clean texts (eval/README.md: margins 0–1.5 over
/// [`CONFIRM`] tried), never on the held-out ones.
pub const RELAXED_CONFIRM: f64 = 2.0;

/// How often a thesaurus spinner replaces a word it has a synonym for (the
/// tuning map changes roughly a third of the words it knows).
const SPIN_RATE: f64 = 0.3;

/// Weight of the prior (word frequencies) against the context's fit.
const PRIOR_WEIGHT: f64 = 1.0;

/// Evidence from which a place is flagged for review.
pub const FLAG: f64 = 0.5;

/// Extra evidence (natural log of odds) for every `check: model` place of an
/// article that is evidently spun: at least [`SPUN_MIN_HITS`] places matched
/// by dictionary entries that need no model check, and at least one such place
/// per [`SPUN_WORDS_PER_HIT`] tokens (words and punctuation). A spinner that has swapped dozens of
/// unambiguous words in an article has most likely swapped its ordinary-English
/// ones as well (the prior spin rate of the article is far above
/// `SPIN_RATE`). The shift grows with the density of those places (see
/// [`article_prior`]) up to [`SPUN_SHIFT_MAX`]. Set on the tuning articles and
/// their clean texts (eval/README.md), never on the held-out ones. Clean
/// articles have no unambiguous hits, so it never applies to them.
pub const SPUN_SHIFT: f64 = 2.0;
/// The most extra evidence an evidently spun article gets (see [`article_prior`]).
pub const SPUN_SHIFT_MAX: f64 = 3.0;
/// See [`SPUN_SHIFT`].
pub const SPUN_MIN_HITS: usize = 10;
/// See [`SPUN_SHIFT`].
pub const SPUN_WORDS_PER_HIT: usize = 50;

/// The article's extra evidence for its `check: model` places (see
/// [`SPUN_SHIFT`]), from the places unambiguous entries matched and its
/// number of tokens: [`SPUN_SHIFT`] at one such place per
/// [`SPUN_WORDS_PER_HIT`] tokens, plus the log of how many times denser they
/// are, at most [`SPUN_SHIFT_MAX`] (reached at about one per 18 tokens). The
/// denser the sure swaps, the likelier each ordinary-English one is spun too.
pub fn article_prior(unambiguous_hits: usize, tokens: usize) -> f64 {
    if unambiguous_hits >= SPUN_MIN_HITS && unambiguous_hits * SPUN_WORDS_PER_HIT >= tokens {
        let density = (unambiguous_hits * SPUN_WORDS_PER_HIT) as f64 / tokens.max(1) as f64;
        (SPUN_SHIFT + density.ln()).min(SPUN_SHIFT_MAX)
    } else {
        0.0
    }
}

/// Stupid-backoff weight of an unseen pair (Brants et al. 2007).
const BACKOFF: f64 = 0.4;

/// ln of the smallest pair count the file keeps (about 100,000 in the
/// source's counts): an absent pair occurred fewer times than that, which
/// caps its probability after a frequent word.
const LN_PAIR_FLOOR: f64 = 11.5;

/// Word and word-pair counts.
#[derive(Debug, Default)]
pub struct Model {
    index: HashMap<String, u32>,
    /// The words, most frequent first.
    words: Vec<String>,
    /// ln(count) per word.
    unigram: Vec<f32>,
    /// ln(count) per pair, keyed `w1 << 32 | w2`.
    bigram: HashMap<u64, f32>,
    /// ln(total count of words).
    ln_total: f64,
}

/// A place flagged for review: too uncertain to suggest.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// Byte range in the original.
    pub range: Range<usize>,
    /// The text there.
    pub find: String,
    /// The restoration the model prefers, if not by enough to suggest it.
    pub maybe: String,
    /// How much likelier the restoration is (natural log of the ratio).
    pub ratio: f64,
    /// What proposed the restoration: a `check: model` dictionary entry
    /// ([`SourceKind::Model`]) or a thesaurus neighbour ([`SourceKind::Thesaurus`]).
    pub source: SourceKind,
}

/// A LEB128 varint at `pos` (the model's and the thesaurus's format), moving
/// `pos` past it; `None` at the end of the data or on an overlong number.
pub(super) fn varint(data: &[u8], pos: &mut usize) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *data.get(*pos)?;
        *pos += 1;
        n |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

impl Model {
    /// The built-in model, parsed on first use.
    pub fn builtin() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        // The file is built by the project and tested; a damaged one gives an
        // empty model (every stretch equally unlikely), which confirms nothing.
        MODEL.get_or_init(|| Model::parse(DATA).unwrap_or_default())
    }

    /// Parses the model's file format (see `data/build-model.py`).
    pub fn parse(data: &[u8]) -> Option<Model> {
        let rest = data.strip_prefix(b"EMLM1\n")?;
        let mut pos = 0;
        let total = u32::from_le_bytes(rest.get(0..4)?.try_into().ok()?);
        pos += 4;
        let words = varint(rest, &mut pos)? as usize;
        let mut index = HashMap::with_capacity(words);
        let mut names = Vec::with_capacity(words);
        for i in 0..words {
            let end = pos + rest.get(pos..)?.iter().position(|&b| b == b'\n')?;
            let w = std::str::from_utf8(&rest[pos..end]).ok()?;
            index.insert(w.to_string(), u32::try_from(i).ok()?);
            names.push(w.to_string());
            pos = end + 1;
        }
        let unigram: Vec<f32> = rest
            .get(pos..pos + words)?
            .iter()
            .map(|&q| f32::from(q) / 8.0)
            .collect();
        pos += words;
        let pairs = varint(rest, &mut pos)? as usize;
        let mut bigram = HashMap::with_capacity(pairs);
        let (mut w1, mut w2) = (0u64, 0u64);
        for _ in 0..pairs {
            let d1 = varint(rest, &mut pos)?;
            let v2 = varint(rest, &mut pos)?;
            w1 += d1;
            w2 = if d1 == 0 { w2 + v2 } else { v2 };
            let q = *rest.get(pos)?;
            pos += 1;
            if w1 >= words as u64 || w2 >= words as u64 {
                return None;
            }
            bigram.insert(w1 << 32 | w2, f32::from(q) / 8.0);
        }
        Some(Model {
            index,
            words: names,
            unigram,
            bigram,
            ln_total: f64::from(total) / 1000.0,
        })
    }

    /// Number of words known.
    pub fn words(&self) -> usize {
        self.unigram.len()
    }

    /// The id of a word (lowercase, as the counts spell it): its rank, 0
    /// for the most frequent.
    pub fn id(&self, word: &str) -> Option<u32> {
        self.index.get(word).copied()
    }

    /// The word with id `id` (empty if there is none).
    pub fn word(&self, id: u32) -> &str {
        self.words.get(id as usize).map_or("", String::as_str)
    }

    /// ln P(word) (an unknown word counts as rarer than any known one).
    fn ln_unigram(&self, w: Option<u32>) -> f64 {
        match w {
            Some(i) => f64::from(self.unigram[i as usize]) - self.ln_total,
            None => 11.0 - self.ln_total,
        }
    }

    /// ln P(b | a) with stupid backoff; `a` is `None` at a clause edge.
    /// An absent pair after a known word is also capped by the file's floor:
    /// "workplace of" is absent although "workplace" is frequent, so "of"
    /// follows it rarely, whatever the frequency of "of".
    fn ln_next(&self, a: Option<Option<u32>>, b: Option<u32>) -> f64 {
        match (a, b) {
            (Some(Some(a)), Some(b)) => {
                let ln_a = f64::from(self.unigram[a as usize]);
                match self.bigram.get(&(u64::from(a) << 32 | u64::from(b))) {
                    Some(&ab) => f64::from(ab) - ln_a,
                    None => (BACKOFF.ln() + self.ln_unigram(Some(b))).min(LN_PAIR_FLOOR - ln_a),
                }
            }
            (Some(_), b) => BACKOFF.ln() + self.ln_unigram(b),
            (None, b) => self.ln_unigram(b),
        }
    }

    /// How well `words` fit between `prev` and `next` (each `None` at a
    /// clause edge): ln P(words, next | prev) − ln P(words), the chain's
    /// probability less the words' own frequency. Comparing two readings by
    /// fit, not by probability, keeps a frequent word ("office") from beating
    /// a rarer one ("workplace") everywhere just for being frequent.
    pub fn fit(&self, prev: Option<&str>, words: &[String], next: Option<&str>) -> f64 {
        let mut last: Option<Option<u32>> = prev.map(|p| self.id(p));
        let mut sum = 0.0;
        for w in words {
            let id = self.id(w);
            sum += self.ln_next(last, id) - self.ln_unigram(id);
            last = Some(id);
        }
        if let Some(n) = next {
            sum += self.ln_next(last, self.id(n));
        }
        sum
    }

    /// The evidence (natural log of odds) that `range` (whole tokens of
    /// `toks`) is a spun `replace`: how much better the restoration fits the
    /// context ([`Model::fit`]) plus the prior odds that a spinner wrote the
    /// rarer word (`SPIN_RATE` × how much more frequent the restoration is).
    /// "metropolis" for "city" is likely spun anywhere; "primary" for "main"
    /// only where the context says so.
    pub fn ratio(&self, toks: &Tokens<'_>, range: &Range<usize>, replace: &str) -> Option<f64> {
        let span = toks.span(range)?;
        let garbled: Vec<String> = span.clone().map(|i| normal(toks.str(i))).collect();
        let restored: Vec<String> = Tokens::new(replace)
            .tokens
            .iter()
            .map(|t| normal(&replace[t.range.clone()]))
            .collect();
        if garbled.is_empty() || restored.is_empty() {
            return None;
        }
        let para = toks.tokens[span.start].para;
        let word = |i: usize| {
            toks.tokens
                .get(i)
                .filter(|t| t.para == para && t.kind != TokenKind::Punct)
                .map(|_| normal(toks.str(i)))
        };
        let prev = span.start.checked_sub(1).and_then(word);
        let next = word(span.end);
        let fit = self.fit(prev.as_deref(), &restored, next.as_deref())
            - self.fit(prev.as_deref(), &garbled, next.as_deref());
        let prior = self.fit(None, &restored, None) - self.fit(None, &garbled, None)
            + self.ln_words(&restored)
            - self.ln_words(&garbled);
        Some(fit + PRIOR_WEIGHT * (prior + SPIN_RATE.ln()))
    }

    /// Σ ln P(w) of the words, each on its own.
    fn ln_words(&self, words: &[String]) -> f64 {
        words.iter().map(|w| self.ln_unigram(self.id(w))).sum()
    }
}

/// A token as the counts spell it: lowercase, without apostrophes
/// (`Canada’s` → `canadas`).
fn normal(token: &str) -> String {
    token
        .chars()
        .filter(|c| !matches!(c, '\'' | '’'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_model_loads_and_prefers_english() {
        let m = Model::builtin();
        assert_eq!(m.words(), 80_000);
        let ratio = |text: &str, find: &str, replace: &str| {
            let toks = Tokens::new(text);
            let i = text.find(find).unwrap();
            m.ratio(&toks, &(i..i + find.len()), replace).unwrap()
        };
        // "on the same day" fits far better than "on the identical day"...
        assert!(ratio("on the identical day", "identical", "same") > CONFIRM);
        // ...but "identical twins" is English: "same twins" fits far worse.
        assert!(ratio("identical twins were born", "identical", "same") < -CONFIRM);
        // A collocation the spinner made fits better than what it replaced:
        // the model cannot see that swap (the dictionary must).
        assert!(ratio("the transit price range was", "price range", "budget") < 0.0);
        // never a restoration for a span that splits a token
        let toks = Tokens::new("two-year-old");
        assert_eq!(m.ratio(&toks, &(0..3), "2"), None);
    }

    #[test]
    fn only_evidently_spun_articles_raise_the_prior() {
        // clean text: no unambiguous hit
        assert_eq!(article_prior(0, 600), 0.0);
        // a few hits in a long article: not enough
        assert_eq!(article_prior(9, 100), 0.0);
        assert_eq!(article_prior(12, 1000), 0.0);
        // dozens of swaps, one per 50 tokens: the base shift
        assert_eq!(article_prior(12, 600), SPUN_SHIFT);
        // denser swaps raise it with the log of the density (one per 30
        // tokens: ln(50/30) more)...
        let p = article_prior(20, 600);
        assert!(
            (p - (SPUN_SHIFT + (50.0f64 / 30.0).ln())).abs() < 1e-9,
            "{p}"
        );
        // ...up to the cap (one per 14.5 tokens)
        assert_eq!(article_prior(43, 623), SPUN_SHIFT_MAX);
        assert_eq!(article_prior(300, 600), SPUN_SHIFT_MAX);
    }

    #[test]
    fn damaged_files_are_refused_not_misread() {
        assert!(Model::parse(b"nonsense").is_none());
        assert!(Model::parse(&DATA[..DATA.len() / 2]).is_none());
        let mut bad = DATA.to_vec();
        bad[6] ^= 0xff;
        // a changed total still parses (it only shifts every probability)
        assert!(Model::parse(&bad).is_some());
        assert!(Model::parse(b"EMLM1\n\0\0\0\0\x01a\n").is_none());
    }
}
