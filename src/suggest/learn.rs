//! Site learning: every correction an editor accepted in one article becomes a
//! candidate rule for the others.
//!
//! Policy (documented in the README):
//! - Only reviewed corrections are learned, and not those whose `why` voices
//!   doubt ("uncertain", "perhaps", "probably", "likely", "unclear", …), nor
//!   those that restore quotation marks (quotation boundaries are specific to
//!   one text).
//! - Systematic kinds (`synonym`, `name`, `number`, `spelling`, `artifact`) are
//!   learned from any correction; interpretive kinds (`mistranslation`,
//!   `grammar`, `punctuation`, `formatting`, `other`) only from entries the
//!   editor applied everywhere (`all: true`).
//! - A distinctive `find` — several words, punctuation, or a name (a capital
//!   that is not just a sentence start) — is learned as a phrase and fires
//!   anywhere. A single common word is learned with its context generalised:
//!   the word before and the word after each accepted occurrence, where names
//!   become `@cap`, numbers `@digits`, function words and other words stay
//!   literal. It fires only where both neighbours were seen.
//! - Places in edited articles where the same text was left alone (or
//!   corrected differently) are negative evidence: their context pairs are
//!   excluded and the confidence drops in proportion.
//! - The article being checked or suggested for is never learned from.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::rules::{TokenKind, Tokens, fold};
use crate::content::{Article, CorrectionSpec, Kind, Pick, Status};
use crate::engine::Change;
use crate::engine::anchor::Matches;
use crate::source::SourceFile;
use crate::text::is_word_char;

/// An article's corrections resolved against its original: what site learning
/// learns from. Only what learning needs is kept (a site holds one per article).
#[derive(Debug, Clone)]
pub struct Knowledge {
    /// The article's slug.
    pub slug: String,
    /// The original.
    pub original: SourceFile,
    /// Its corrections, in file order.
    pub corrections: Vec<Known>,
    /// The changes they make, sorted by position.
    pub changes: Vec<Change>,
}

/// What learning needs of one correction.
#[derive(Debug, Clone)]
pub struct Known {
    /// The garbled text.
    pub find: String,
    /// Its restoration.
    pub replace: String,
    /// Category.
    pub kind: Kind,
    /// The editor's explanation.
    pub why: Option<String>,
    /// Reviewed (not a pending suggestion).
    pub reviewed: bool,
    /// Whether the policy allows learning from it ([`learnable`]).
    pub learnable: bool,
}

impl Knowledge {
    /// Keeps what learning needs of a resolved article.
    pub fn new(article: Article, changes: Vec<Change>) -> Self {
        Knowledge {
            corrections: article
                .corrections
                .iter()
                .map(|spec| Known {
                    learnable: learnable(spec),
                    reviewed: spec.status == Status::Reviewed,
                    find: spec.selector.exact.clone(),
                    replace: spec.replace.clone(),
                    kind: spec.kind,
                    why: spec.why.clone(),
                })
                .collect(),
            slug: article.slug,
            original: article.original,
            changes,
        }
    }

    /// Whether an editor has worked on this article (it has a reviewed correction).
    fn edited(&self) -> bool {
        self.corrections.iter().any(|c| c.reviewed)
    }

    /// Whether `range` overlaps any change.
    pub fn covered(&self, range: &Range<usize>) -> bool {
        let i = self
            .changes
            .partition_point(|c| c.original.end <= range.start);
        self.changes
            .get(i)
            .is_some_and(|c| c.original.start < range.end.max(range.start + 1))
    }
}

/// A neighbouring token, generalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ctx {
    /// The paragraph edge.
    Edge,
    /// A capitalised word that is not a function word.
    Cap,
    /// A number.
    Digits,
    /// A word (lowercased) or punctuation mark.
    Lit(String),
}

/// Words that carry grammar rather than content: kept literal in contexts even
/// when capitalised at a sentence start.
const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "after", "also", "an", "and", "are", "as", "at", "be", "been", "before", "being",
    "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he",
    "her", "here", "him", "his", "i", "if", "in", "into", "is", "it", "its", "may", "me", "might",
    "must", "my", "no", "nor", "not", "of", "on", "or", "our", "over", "she", "should", "so",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
    "to", "us", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
    "will", "with", "would", "you", "your",
];

/// Words in a `why` that mark a correction as a judgement call, not learned.
const DOUBT_MARKERS: &[&str] = &[
    "uncertain",
    "unsure",
    "not sure",
    "perhaps",
    "possibly",
    "probably",
    "likely",
    "likeliest",
    "unclear",
    "guess",
];

fn generalise(toks: &Tokens<'_>, i: usize) -> Ctx {
    let s = toks.str(i);
    match toks.tokens[i].kind {
        TokenKind::Punct => Ctx::Lit(s.to_string()),
        TokenKind::Number => Ctx::Digits,
        TokenKind::Word => {
            let f = fold(s);
            if FUNCTION_WORDS.contains(&f.as_str()) {
                Ctx::Lit(f)
            } else if s.chars().next().is_some_and(char::is_uppercase) {
                Ctx::Cap
            } else {
                Ctx::Lit(f)
            }
        }
    }
}

/// The generalised tokens right before and right after `range` (same paragraph).
pub fn context_of(toks: &Tokens<'_>, range: &Range<usize>) -> (Ctx, Ctx) {
    let text = toks.text;
    let before = toks.tokens.partition_point(|t| t.range.end <= range.start);
    let prev = match before.checked_sub(1) {
        Some(k) if !text[toks.tokens[k].range.end..range.start].contains('\n') => {
            generalise(toks, k)
        }
        _ => Ctx::Edge,
    };
    let after = toks.tokens.partition_point(|t| t.range.start < range.end);
    let next = match toks.tokens.get(after) {
        Some(t) if !text[range.end..t.range.start].contains('\n') => generalise(toks, after),
        _ => Ctx::Edge,
    };
    (prev, next)
}

/// Whether a match respects token boundaries where the text begins or ends
/// with a word character (`2` must not match in `2-year-old`).
fn token_aligned(toks: &Tokens<'_>, range: &Range<usize>) -> bool {
    let text = toks.text;
    let needle = &text[range.clone()];
    let starts_word = needle.chars().next().is_some_and(is_word_char);
    let ends_word = needle.chars().next_back().is_some_and(is_word_char);
    (!starts_word
        || toks
            .tokens
            .binary_search_by_key(&range.start, |t| t.range.start)
            .is_ok())
        && (!ends_word
            || toks
                .tokens
                .binary_search_by_key(&range.end, |t| t.range.end)
                .is_ok())
}

/// Whether an accepted correction may be generalised to other articles.
pub fn learnable(spec: &CorrectionSpec) -> bool {
    if spec.status != Status::Reviewed || spec.selector.exact.trim().is_empty() {
        return false;
    }
    if let Some(why) = &spec.why {
        let why = why.to_lowercase();
        if DOUBT_MARKERS.iter().any(|m| why.contains(m)) {
            return false;
        }
    }
    if adds_quotation_mark(&spec.selector.exact, &spec.replace) {
        return false;
    }
    let systematic = matches!(
        spec.kind,
        Kind::Synonym | Kind::Name | Kind::Number | Kind::Spelling | Kind::Artifact
    );
    systematic || spec.selector.pick == Pick::All
}

/// Quotation marks in `s`, not counting apostrophes inside words (`Dong’s`).
fn quotation_marks(s: &str) -> usize {
    let chars: Vec<char> = s.chars().collect();
    (0..chars.len())
        .filter(|&i| {
            let c = chars[i];
            let inner = i > 0
                && i + 1 < chars.len()
                && is_word_char(chars[i - 1])
                && is_word_char(chars[i + 1]);
            matches!(c, '“' | '”' | '"' | '‘' | '«' | '»') || (matches!(c, '’' | '\'') && !inner)
        })
        .count()
}

fn adds_quotation_mark(find: &str, replace: &str) -> bool {
    quotation_marks(replace) > quotation_marks(find)
}

/// A rule learned from accepted corrections.
#[derive(Debug, Clone)]
pub struct LearnedRule {
    /// The garbled text.
    pub find: String,
    /// Its restoration.
    pub replace: String,
    /// The kind the editor gave it.
    pub kind: Kind,
    /// The editor's explanation (of the first occurrence learned).
    pub why: Option<String>,
    /// The first few articles it was accepted in (by slug), for messages.
    pub slugs: Vec<String>,
    /// How many articles it was accepted in.
    pub sources: usize,
    /// Accepted occurrences.
    pub positives: usize,
    /// Occurrences left alone or corrected differently in edited articles.
    pub negatives: usize,
    /// Fires only in contexts seen with accepted occurrences.
    pub contextual: bool,
    prevs: BTreeSet<Ctx>,
    nexts: BTreeSet<Ctx>,
    negative_pairs: BTreeSet<(Ctx, Ctx)>,
    /// How sure a match makes us (0–1).
    pub confidence: f64,
}

impl LearnedRule {
    /// Whether the rule fires in this context.
    pub fn allows(&self, prev: &Ctx, next: &Ctx) -> bool {
        if self.negative_pairs.contains(&(prev.clone(), next.clone())) {
            return false;
        }
        !self.contextual || (self.prevs.contains(prev) && self.nexts.contains(next))
    }
}

/// Rules learned from a set of articles.
#[derive(Debug, Clone, Default)]
pub struct Learned {
    /// The rules, sorted by `find` then `replace`.
    pub rules: Vec<LearnedRule>,
}

/// A learned rule firing at a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnedHit {
    /// Range in the text.
    pub range: Range<usize>,
    /// Index of the rule.
    pub rule: usize,
}

fn distinctive(find: &str, positives_mid_sentence: bool) -> bool {
    let words = crate::text::count_words(find);
    let has_punct = find
        .chars()
        .any(|c| !is_word_char(c) && !c.is_whitespace() && !matches!(c, '’' | '\'' | '-'));
    let inner_capital = find.chars().skip(1).any(char::is_uppercase);
    let initial_capital = find.chars().next().is_some_and(char::is_uppercase);
    words >= 2 || has_punct || inner_capital || (initial_capital && positives_mid_sentence)
}

/// How many source articles a learned rule names.
pub const NAMED_SOURCES: usize = 3;

/// What one article says about a rule.
#[derive(Debug, Clone, Default)]
struct SlugEvidence {
    positives: usize,
    negatives: usize,
    mid_sentence: bool,
    prevs: BTreeSet<Ctx>,
    nexts: BTreeSet<Ctx>,
    negative_pairs: BTreeSet<(Ctx, Ctx)>,
}

/// Everything the site says about one (find, replace) pair, kept per article
/// and as totals, so that leaving one article out is a subtraction.
#[derive(Debug, Clone)]
struct RuleEvidence {
    kind: Kind,
    /// The editor's explanation, per article in source order.
    whys: Vec<(String, Option<String>)>,
    by_slug: BTreeMap<String, SlugEvidence>,
    positives: usize,
    negatives: usize,
    mid_sentence: usize,
    /// How many articles saw each context.
    prevs: BTreeMap<Ctx, usize>,
    nexts: BTreeMap<Ctx, usize>,
    negative_pairs: BTreeMap<(Ctx, Ctx), usize>,
    /// Articles with accepted occurrences.
    sources: usize,
    /// The first few of them (one more than is named, so one can be left out).
    first_sources: Vec<String>,
}

/// Site learning's evidence, collected once for a whole site.
#[derive(Debug, Clone, Default)]
pub struct SiteEvidence {
    rules: BTreeMap<(String, String), RuleEvidence>,
}

impl SiteEvidence {
    /// Collects evidence from every article in `sources` (one pass over each text).
    pub fn collect(sources: &[Knowledge]) -> SiteEvidence {
        let mut rules: BTreeMap<(String, String), RuleEvidence> = BTreeMap::new();
        let tokens: Vec<Tokens<'_>> = sources
            .iter()
            .map(|k| Tokens::new(&k.original.text))
            .collect();
        for (k, toks) in sources.iter().zip(&tokens) {
            for change in &k.changes {
                let spec = &k.corrections[change.entry];
                if !spec.learnable {
                    continue;
                }
                let key = (spec.find.clone(), spec.replace.clone());
                let rule = rules.entry(key).or_insert_with(|| RuleEvidence {
                    kind: spec.kind,
                    whys: Vec::new(),
                    by_slug: BTreeMap::new(),
                    positives: 0,
                    negatives: 0,
                    mid_sentence: 0,
                    prevs: BTreeMap::new(),
                    nexts: BTreeMap::new(),
                    negative_pairs: BTreeMap::new(),
                    sources: 0,
                    first_sources: Vec::new(),
                });
                if rule.whys.last().is_none_or(|(slug, _)| *slug != k.slug) {
                    rule.whys.push((k.slug.clone(), spec.why.clone()));
                }
                let ev = rule.by_slug.entry(k.slug.clone()).or_default();
                ev.positives += 1;
                let (prev, next) = context_of(toks, &change.original);
                ev.prevs.insert(prev);
                ev.nexts.insert(next);
                let first = toks
                    .tokens
                    .partition_point(|t| t.range.start < change.original.start);
                let at_start = toks
                    .tokens
                    .get(first)
                    .is_some_and(|t| t.range.start == change.original.start)
                    && toks.sentence_start(first);
                ev.mid_sentence |= !at_start;
            }
        }
        if rules.is_empty() {
            return SiteEvidence::default();
        }
        // Negative evidence: the same text left alone, or corrected to something
        // else, in articles an editor has worked on.
        let finds: BTreeSet<String> = rules.keys().map(|(f, _)| f.clone()).collect();
        for (k, toks) in sources.iter().zip(&tokens) {
            if !k.edited() {
                continue;
            }
            let text = k.original.text.as_str();
            let matches = Matches::find(text, finds.iter().map(String::as_str));
            for ((find, replace), rule) in rules.iter_mut() {
                for range in matches.of(find) {
                    if !token_aligned(toks, range) {
                        continue;
                    }
                    let same = k.changes.iter().find(|c| c.original == *range);
                    let negative = match same {
                        Some(c) => k.corrections[c.entry].replace != *replace,
                        None => !k.covered(range),
                    };
                    if negative {
                        let ev = rule.by_slug.entry(k.slug.clone()).or_default();
                        ev.negatives += 1;
                        ev.negative_pairs.insert(context_of(toks, range));
                    }
                }
            }
        }
        // Totals over articles.
        for rule in rules.values_mut() {
            for (slug, ev) in &rule.by_slug {
                if ev.positives > 0 {
                    rule.sources += 1;
                    if rule.first_sources.len() <= NAMED_SOURCES {
                        rule.first_sources.push(slug.clone());
                    }
                }
                rule.positives += ev.positives;
                rule.negatives += ev.negatives;
                rule.mid_sentence += usize::from(ev.mid_sentence);
                for c in &ev.prevs {
                    *rule.prevs.entry(c.clone()).or_default() += 1;
                }
                for c in &ev.nexts {
                    *rule.nexts.entry(c.clone()).or_default() += 1;
                }
                for p in &ev.negative_pairs {
                    *rule.negative_pairs.entry(p.clone()).or_default() += 1;
                }
            }
        }
        SiteEvidence { rules }
    }

    /// The rules learned from every article but `exclude`.
    pub fn learned(&self, exclude: Option<&str>) -> Learned {
        let empty = SlugEvidence::default();
        let mut out = Vec::new();
        for ((find, replace), rule) in &self.rules {
            let own = exclude
                .and_then(|slug| rule.by_slug.get(slug))
                .unwrap_or(&empty);
            let positives = rule.positives - own.positives;
            if positives == 0 {
                continue;
            }
            let negatives = rule.negatives - own.negatives;
            // A set of contexts minus the excluded article's share.
            fn minus<K: Ord + Clone>(all: &BTreeMap<K, usize>, own: &BTreeSet<K>) -> BTreeSet<K> {
                all.iter()
                    .filter(|(k, n)| **n > usize::from(own.contains(*k)))
                    .map(|(k, _)| k.clone())
                    .collect()
            }
            // Counts and a few names, so that leaving one article out costs the
            // same however many articles the rule was learned from.
            let sources = rule.sources - usize::from(own.positives > 0);
            let slugs: Vec<String> = rule
                .first_sources
                .iter()
                .filter(|s| Some(s.as_str()) != exclude)
                .take(NAMED_SOURCES)
                .cloned()
                .collect();
            let mid_sentence = rule.mid_sentence > usize::from(own.mid_sentence);
            let distinct = distinctive(find, mid_sentence);
            let contextual = !distinct || negatives > 0;
            let base = if contextual { 0.7 } else { 0.8 };
            let spread = 0.05 * (sources.saturating_sub(1).min(2)) as f64;
            let evidence = positives as f64 / (positives + negatives) as f64;
            out.push(LearnedRule {
                sources,
                find: find.clone(),
                replace: replace.clone(),
                kind: rule.kind,
                why: rule
                    .whys
                    .iter()
                    .find(|(slug, _)| Some(slug.as_str()) != exclude)
                    .and_then(|(_, why)| why.clone()),
                slugs,
                positives,
                negatives,
                contextual,
                prevs: minus(&rule.prevs, &own.prevs),
                nexts: minus(&rule.nexts, &own.nexts),
                negative_pairs: minus(&rule.negative_pairs, &own.negative_pairs),
                confidence: ((base + spread) * evidence * 100.0).round() / 100.0,
            });
        }
        Learned { rules: out }
    }
}

impl Learned {
    /// Learns from every article in `sources` except `exclude`.
    pub fn learn(sources: &[Knowledge], exclude: Option<&str>) -> Learned {
        SiteEvidence::collect(sources).learned(exclude)
    }

    /// Every place in `toks` where a learned rule fires.
    pub fn hits(&self, toks: &Tokens<'_>) -> Vec<LearnedHit> {
        if self.rules.is_empty() {
            return Vec::new();
        }
        let matches = Matches::find(toks.text, self.rules.iter().map(|r| r.find.as_str()));
        let mut hits = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            for range in matches.of(&rule.find) {
                if !token_aligned(toks, range) {
                    continue;
                }
                let (prev, next) = context_of(toks, range);
                if rule.allows(&prev, &next) {
                    hits.push(LearnedHit {
                        range: range.clone(),
                        rule: i,
                    });
                }
            }
        }
        hits.sort_by_key(|h| (h.range.start, h.range.end, h.rule));
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Loaded, load_article};

    fn knowledge(
        root: &std::path::Path,
        slug: &str,
        original: &str,
        corrections: &str,
    ) -> Knowledge {
        let dir = root.join("content").join(slug);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("original.txt"), original).unwrap();
        std::fs::write(dir.join("meta.yaml"), "title: T\n").unwrap();
        std::fs::write(dir.join("corrections.yaml"), corrections).unwrap();
        let mut out = crate::diagnostics::Diagnostics::new();
        let Loaded::Article(a) = load_article(root, &dir, true, &mut out) else {
            panic!("{out:?}")
        };
        let (_, changes) = crate::engine::apply_corrections(&a).unwrap();
        Knowledge::new(*a, changes)
    }

    fn fired(learned: &Learned, text: &str) -> Vec<(String, String)> {
        let toks = Tokens::new(text);
        learned
            .hits(&toks)
            .iter()
            .map(|h| {
                (
                    text[h.range.clone()].to_string(),
                    learned.rules[h.rule].replace.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn phrases_carry_over_and_common_words_need_their_context() {
        let root = tempfile::tempdir().unwrap();
        let k = knowledge(
            root.path(),
            "one",
            "International Information reported. Both sources mentioned Dong left. He mentioned it.\nAs mentioned above, fine.",
            "- {find: International Information, replace: Global News, kind: name, all: true, why: w}\n- {find: mentioned, replace: said, kind: synonym, before: 'sources ', why: w}\n- {find: mentioned, replace: said, kind: synonym, before: 'He ', why: w}\n",
        );
        let learned = Learned::learn(std::slice::from_ref(&k), None);
        assert_eq!(learned.rules.len(), 2);
        let name = &learned.rules[0];
        assert_eq!(name.find, "International Information");
        assert!(!name.contextual);
        let said = &learned.rules[1];
        // "As mentioned above" was left alone: negative evidence.
        assert!(said.contextual);
        assert_eq!((said.positives, said.negatives), (2, 1));
        assert!((said.confidence - 0.47).abs() < 1e-9, "{}", said.confidence);
        assert_eq!(
            fired(
                &learned,
                "Two sources mentioned Canada and International Information agreed. She mentioned it. As mentioned above."
            ),
            [
                ("mentioned".to_string(), "said".to_string()),
                (
                    "International Information".to_string(),
                    "Global News".to_string()
                ),
            ]
        );
        // The excluded article teaches nothing.
        assert!(
            Learned::learn(std::slice::from_ref(&k), Some("one"))
                .rules
                .is_empty()
        );
    }

    #[test]
    fn doubtful_quote_restoring_and_one_off_interpretive_fixes_are_not_learned() {
        let root = tempfile::tempdir().unwrap();
        let k = knowledge(
            root.path(),
            "one",
            "There are limits. it believed so. the deputy spoke. On the time, x. On the time.",
            "- {find: There, replace: “There, kind: punctuation, why: w}\n- {find: it believed, replace: he believed, kind: mistranslation, why: w}\n- {find: the deputy, replace: the MP, kind: synonym, why: 'Uncertain: could be the member.'}\n- {find: On the time, replace: At the time, kind: grammar, all: true, why: w}\n",
        );
        let learned = Learned::learn(std::slice::from_ref(&k), None);
        let finds: Vec<&str> = learned.rules.iter().map(|r| r.find.as_str()).collect();
        assert_eq!(finds, ["On the time"]);
        assert_eq!(learned.rules[0].positives, 2);
    }

    #[test]
    fn numbers_match_whole_tokens_only() {
        let root = tempfile::tempdir().unwrap();
        let k = knowledge(
            root.path(),
            "one",
            "the 2 sources said",
            "- {find: '2', replace: two, kind: number, why: w}\n",
        );
        let learned = Learned::learn(std::slice::from_ref(&k), None);
        assert_eq!(
            fired(
                &learned,
                "a 2-year-old, the 2 sources, 2.5 sources, the 2 men"
            ),
            [("2".to_string(), "two".to_string())]
        );
    }

    #[test]
    fn quotation_marks_are_told_from_apostrophes() {
        assert!(adds_quotation_mark("There", "“There"));
        assert!(adds_quotation_mark("inquiries.", "questions.”"));
        assert!(!adds_quotation_mark("Dongs", "Dong’s"));
        assert!(!adds_quotation_mark("I’ve", "I have"));
    }
}
