//! `emend suggest`: finds the garbling in an article's original and proposes
//! corrections for an editor to review.
//!
//! Sources, each suggestion naming the one(s) it came from:
//! - the spinner dictionary ([`dictionary`]): known substitutions with context
//!   rules ([`rules`]), built in and optionally extended by the site;
//! - site learning ([`learn`]): corrections accepted in the site's other articles;
//! - pattern detectors ([`patterns`]): a space before a full stop, spintax leftovers.
//!
//! Candidates that agree are merged (their confidence rises), candidates that
//! overlap existing corrections or each other are resolved by confidence, and
//! every suggestion is given an anchor (`find` plus `before`/`after`,
//! `occurrence` or `all`) that the build's own loader and engine accept
//! together with the existing corrections: a suggestion can never break the build.

pub mod dictionary;
pub mod learn;
pub mod model;
pub mod origin;
pub mod patterns;
pub mod rules;
pub mod thesaurus;
pub mod write;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::content::{self, Article, Kind, Pick};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::engine::anchor::Matches;
use crate::engine::{self, Change};

pub use dictionary::Dictionary;
pub use learn::{Knowledge, Learned};
pub use origin::{Origin, SourceKind};
use rules::Tokens;
use write::EntryOut;

/// Suggestions below this confidence are not shown unless asked for.
pub const DEFAULT_MIN_CONFIDENCE: f64 = 0.5;

/// Which sources to use and how sure a suggestion must be.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Minimum confidence (0–1).
    pub min_confidence: f64,
    /// Use the spinner dictionary and the pattern detectors.
    pub dictionary: bool,
    /// Learn from the site's other articles.
    pub site: bool,
    /// Check dictionary entries marked `check: model` with the plausibility
    /// model (without it they are never suggested) and flag improbable places.
    pub model: bool,
    /// Flag places where a thesaurus neighbour of a word no dictionary knows
    /// fits far better (needs `model`; flags only, off by default).
    pub thesaurus: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_confidence: DEFAULT_MIN_CONFIDENCE,
            dictionary: true,
            site: true,
            model: true,
            thesaurus: false,
        }
    }
}

/// One proposed correction at one place of the original.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Byte range in the original.
    pub range: Range<usize>,
    /// The garbled text there.
    pub find: String,
    /// The proposed restoration.
    pub replace: String,
    /// Category.
    pub kind: Kind,
    /// How sure the sources are (0–1).
    pub confidence: f64,
    /// Where it comes from: every source that proposed it, sorted.
    pub origin: Vec<Origin>,
    /// Reader-facing explanation.
    pub why: String,
}

#[derive(Debug, Clone)]
struct Candidate {
    range: Range<usize>,
    replace: String,
    kind: Kind,
    confidence: f64,
    origin: Origin,
    why: String,
}

fn default_why(kind: Kind, find: &str, replace: &str) -> String {
    match kind {
        Kind::Synonym => format!("Article spinners swap '{replace}' for '{find}'."),
        Kind::Name => format!("The name or title '{replace}' was garbled into '{find}'."),
        Kind::Number => {
            format!("News style spells out numbers under ten: '{replace}' came back as '{find}'.")
        }
        Kind::Mistranslation => {
            format!("A round-trip translation turned '{replace}' into '{find}'.")
        }
        Kind::Grammar => {
            format!("'{find}' breaks the grammar here; the usual form is '{replace}'.")
        }
        Kind::Punctuation => {
            format!("Punctuation damaged in processing: '{find}' should read '{replace}'.")
        }
        Kind::Artifact => format!("'{find}' is a leftover of the spinning pipeline."),
        Kind::Spelling => format!("'{replace}' is the spelling used elsewhere."),
        Kind::Formatting | Kind::Other => format!("'{find}' is a garbled form of '{replace}'."),
    }
}

/// Whether `range` lies in a URL or e-mail address (never "corrected").
fn in_address(text: &str, range: &Range<usize>) -> bool {
    let start = text[..range.start]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[range.end..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| range.end + i);
    let chunk = &text[start..end];
    chunk.contains("://") || chunk.contains("www.") || (chunk.contains('@') && chunk.contains('.'))
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// What [`choose`] found.
#[derive(Debug, Clone, Default)]
pub struct Chosen {
    /// The suggestions, in text order, none overlapping.
    pub suggestions: Vec<Suggestion>,
    /// Places the model finds improbable but not enough to suggest, in text
    /// order, overlapping neither each other nor a suggestion.
    pub flags: Vec<model::Flag>,
}

/// The suggestions for a text: candidates from the enabled sources, merged,
/// filtered (not overlapping `existing` changes, at least `min_confidence`)
/// and chosen so that none overlap, highest confidence first. Dictionary
/// entries marked `check: model` need `model` to confirm them; those it only
/// leans towards become flags.
pub fn choose(
    text: &str,
    existing: &[Change],
    dictionary: Option<&Dictionary>,
    learned: Option<&Learned>,
    model: Option<&model::Model>,
    thesaurus: Option<&thesaurus::Thesaurus>,
    min_confidence: f64,
) -> Chosen {
    let toks = Tokens::new(text);
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut flags: Vec<model::Flag> = Vec::new();
    let mut dictionary_pairs: std::collections::HashSet<(String, String)> = Default::default();
    let mut dictionary_hits: std::collections::HashSet<(usize, usize, String)> = Default::default();
    // Every place a dictionary entry matched (confirmed or not), and the
    // article's prior for ordinary-English swaps.
    let mut dictionary_ranges: Vec<Range<usize>> = Vec::new();
    let mut shift = 0.0;
    if let Some(dict) = dictionary {
        // Entries that defer to the model do not veto site learning: an editor
        // accepting the swap in this very context is evidence of its own.
        for e in dict.entries.iter().filter(|e| !e.model_check) {
            dictionary_pairs.insert((e.find.clone(), e.replace.clone()));
            if let (Some(f), Some(r)) = (
                dictionary::capitalise(&e.find),
                dictionary::capitalise(&e.replace),
            ) {
                dictionary_pairs.insert((f, r));
            }
        }
        let mut all_hits = dict.hits(&toks);
        let unambiguous = all_hits
            .iter()
            .filter(|h| !dict.entries[h.entry].model_check)
            .count();
        // An article the unambiguous entries show to be spun throughout is
        // likelier to be spun at each ordinary-English swap too.
        shift = model::article_prior(unambiguous, toks.tokens.len());
        // In an evidently spun article, the matches only the entries'
        // positive context lists kept out: the model decides on them as on
        // `check: model` entries, with a little more evidence. Never in an
        // article without the prior (a clean one).
        let relaxed = if model.is_some() && shift > 0.0 {
            dict.relaxed_hits(&toks)
        } else {
            Vec::new()
        };
        let first_relaxed = all_hits.len();
        all_hits.extend(relaxed);
        dictionary_ranges = all_hits.iter().map(|h| h.range.clone()).collect();
        for (n, hit) in all_hits.into_iter().enumerate() {
            let e = &dict.entries[hit.entry];
            let find = &text[hit.range.clone()];
            if e.model_check || n >= first_relaxed {
                // A swap that is also ordinary English (or a sure swap outside
                // its listed contexts): only where the model finds the
                // restoration far likelier here.
                // A relaxed match needs RELAXED_CONFIRM: as much as CONFIRM
                // once its extra margin is taken off.
                let margin = if n >= first_relaxed {
                    model::RELAXED_CONFIRM - model::CONFIRM
                } else {
                    0.0
                };
                let Some(ratio) = model
                    .and_then(|m| m.ratio(&toks, &hit.range, &hit.replace))
                    .map(|r| r + shift - margin)
                else {
                    continue;
                };
                if ratio < model::CONFIRM {
                    if ratio >= model::FLAG {
                        flags.push(model::Flag {
                            range: hit.range.clone(),
                            find: find.to_string(),
                            maybe: hit.replace.clone(),
                            ratio: (ratio * 100.0).round() / 100.0,
                            source: SourceKind::Model,
                        });
                    }
                    continue;
                }
                // Where entries compete for one place ("help" → "support" or
                // "assistance"), the better fit wins: a small bonus for the margin.
                let bonus = ((ratio - model::CONFIRM) * 0.02).min(0.1);
                candidates.push(Candidate {
                    why: e
                        .why
                        .clone()
                        .unwrap_or_else(|| default_why(e.kind, find, &hit.replace)),
                    range: hit.range.clone(),
                    replace: hit.replace.clone(),
                    kind: e.kind,
                    confidence: (e.confidence + bonus).min(0.95),
                    origin: Origin::Model,
                });
            }
            dictionary_hits.insert((hit.range.start, hit.range.end, hit.replace.clone()));
            candidates.push(Candidate {
                why: e
                    .why
                    .clone()
                    .unwrap_or_else(|| default_why(e.kind, find, &hit.replace)),
                range: hit.range,
                replace: hit.replace,
                kind: e.kind,
                confidence: e.confidence,
                origin: match e.source {
                    dictionary::Source::Builtin => Origin::Dictionary,
                    dictionary::Source::Site => Origin::SiteDictionary,
                },
            });
        }
        for (hits, confidence, kind) in [
            (
                patterns::space_before_punctuation(&toks),
                patterns::SPACE_CONFIDENCE,
                Kind::Punctuation,
            ),
            (
                patterns::spintax(&toks),
                patterns::SPINTAX_CONFIDENCE,
                Kind::Artifact,
            ),
        ] {
            for h in hits {
                let find = &text[h.range.clone()];
                candidates.push(Candidate {
                    why: match h.name {
                        "spintax" => format!(
                            "'{find}' is leftover spintax, the template syntax of article spinners."
                        ),
                        _ => "A stray space before the punctuation mark, left by the processing."
                            .into(),
                    },
                    range: h.range,
                    replace: h.replace,
                    kind,
                    confidence,
                    origin: Origin::Pattern(h.name),
                });
            }
        }
    }
    if let (Some(table), Some(m)) = (thesaurus, model) {
        // Words no dictionary entry matched: the table proposes, the model
        // scores; strong evidence is flagged for review, never suggested.
        for hit in thesaurus::hits(table, m, &toks, shift, thesaurus::FLAG) {
            if dictionary_ranges.iter().any(|r| overlaps(r, &hit.range)) {
                continue;
            }
            flags.push(model::Flag {
                find: text[hit.range.clone()].to_string(),
                range: hit.range,
                maybe: hit.replace,
                ratio: (hit.evidence * 100.0).round() / 100.0,
                source: SourceKind::Thesaurus,
            });
        }
    }
    if let Some(learned) = learned {
        for hit in learned.hits(&toks) {
            let rule = &learned.rules[hit.rule];
            // Where the dictionary knows this swap, its context rules decide.
            if dictionary.is_some()
                && dictionary_pairs.contains(&(rule.find.clone(), rule.replace.clone()))
                && !dictionary_hits.contains(&(
                    hit.range.start,
                    hit.range.end,
                    rule.replace.clone(),
                ))
            {
                continue;
            }
            // Name a few sources; a rule learned from thousands of articles says so.
            let origin = Origin::Learned {
                from: rule.slugs.clone(),
                more: rule.sources.saturating_sub(rule.slugs.len()),
            };
            candidates.push(Candidate {
                range: hit.range,
                replace: rule.replace.clone(),
                kind: rule.kind,
                confidence: rule.confidence,
                origin,
                why: rule
                    .why
                    .clone()
                    .unwrap_or_else(|| default_why(rule.kind, &rule.find, &rule.replace)),
            });
        }
    }

    // Merge candidates proposing the same change; agreement raises confidence.
    let mut merged: BTreeMap<(usize, usize, String), Vec<Candidate>> = BTreeMap::new();
    for c in candidates {
        if existing.iter().any(|ch| overlaps(&ch.original, &c.range)) || in_address(text, &c.range)
        {
            continue;
        }
        merged
            .entry((c.range.start, c.range.end, c.replace.clone()))
            .or_default()
            .push(c);
    }
    let mut pool: Vec<Suggestion> = merged
        .into_values()
        .map(|mut group| {
            group.sort_by(|a, b| {
                b.confidence
                    .total_cmp(&a.confidence)
                    .then_with(|| a.origin.cmp(&b.origin))
            });
            let mut origins: Vec<Origin> = group.iter().map(|c| c.origin.clone()).collect();
            origins.sort();
            origins.dedup();
            let best = &group[0];
            let confidence = (best.confidence + 0.05 * (origins.len() - 1) as f64).min(0.99);
            Suggestion {
                range: best.range.clone(),
                find: text[best.range.clone()].to_string(),
                replace: best.replace.clone(),
                kind: best.kind,
                confidence: (confidence * 100.0).round() / 100.0,
                origin: origins,
                why: best.why.clone(),
            }
        })
        .filter(|s| s.confidence >= min_confidence)
        .collect();
    pool.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then_with(|| b.range.len().cmp(&a.range.len()))
            .then_with(|| a.range.start.cmp(&b.range.start))
            .then_with(|| a.replace.cmp(&b.replace))
    });
    let mut chosen: Vec<Suggestion> = Vec::new();
    for s in pool {
        if !chosen.iter().any(|c| overlaps(&c.range, &s.range)) {
            chosen.push(s);
        }
    }
    chosen.sort_by_key(|s| s.range.start);
    // Flags: the likeliest first; none where something is suggested or corrected.
    flags.sort_by(|a, b| {
        b.ratio
            .total_cmp(&a.ratio)
            .then_with(|| a.range.start.cmp(&b.range.start))
    });
    let mut kept: Vec<model::Flag> = Vec::new();
    for f in flags {
        let taken = chosen.iter().any(|c| overlaps(&c.range, &f.range))
            || existing.iter().any(|ch| overlaps(&ch.original, &f.range))
            || kept.iter().any(|k| overlaps(&k.range, &f.range))
            || in_address(text, &f.range);
        if !taken {
            kept.push(f);
        }
    }
    kept.sort_by_key(|f| f.range.start);
    Chosen {
        suggestions: chosen,
        flags: kept,
    }
}

/// The shortest `before`/`after` context (whole tokens on the same line) that
/// singles out `range` among `occurrences`, or its occurrence number.
fn unique_anchor(
    text: &str,
    toks: &Tokens<'_>,
    occurrences: &[Range<usize>],
    range: &Range<usize>,
) -> (Option<String>, Option<String>, Pick) {
    let count = |before: &str, after: &str| {
        occurrences
            .iter()
            .filter(|o| text[..o.start].ends_with(before) && text[o.end..].starts_with(after))
            .count()
    };
    let prev_tokens = toks.tokens.partition_point(|t| t.range.end <= range.start);
    let next_token = toks.tokens.partition_point(|t| t.range.start < range.end);
    let before_k = |k: usize| -> Option<&str> {
        let i = prev_tokens.checked_sub(k)?;
        let s = &text[toks.tokens[i].range.start..range.start];
        (!s.contains('\n')).then_some(s)
    };
    let after_k = |k: usize| -> Option<&str> {
        let t = toks.tokens.get(next_token + k - 1)?;
        let s = &text[range.end..t.range.end];
        (!s.contains('\n')).then_some(s)
    };
    for k in 1..=4 {
        if let Some(a) = after_k(k)
            && count("", a) == 1
        {
            return (None, Some(a.to_string()), Pick::Unique);
        }
        if let Some(b) = before_k(k)
            && count(b, "") == 1
        {
            return (Some(b.to_string()), None, Pick::Unique);
        }
    }
    for k in 1..=3 {
        if let (Some(b), Some(a)) = (before_k(k), after_k(k))
            && count(b, a) == 1
        {
            return (Some(b.to_string()), Some(a.to_string()), Pick::Unique);
        }
    }
    let n = occurrences.iter().position(|o| o == range).unwrap_or(0) + 1;
    (None, None, Pick::Nth(n as u32))
}

/// Turns suggestions into correction entries with valid anchors: one entry for
/// all occurrences of a text when every one gets the same suggestion, else one
/// per place with the shortest disambiguating context. Returns each entry with
/// the indices of the suggestions it carries.
pub fn plan(text: &str, suggestions: &[Suggestion]) -> Vec<(EntryOut, Vec<usize>)> {
    let toks = Tokens::new(text);
    let matches = Matches::find(text, suggestions.iter().map(|s| s.find.as_str()));
    // Proposals of the same change (text, replacement, kind) form one group,
    // whatever their sources: each member qualified on its own evidence, so a
    // group covering every occurrence is one `all: true` entry. Its provenance
    // is every member's, its confidence the lowest member's.
    type GroupKey<'s> = (&'s str, &'s str, &'static str);
    let mut groups: BTreeMap<GroupKey<'_>, Vec<usize>> = BTreeMap::new();
    for (i, s) in suggestions.iter().enumerate() {
        groups
            .entry((&s.find, &s.replace, s.kind.as_str()))
            .or_default()
            .push(i);
    }
    let mut entries: Vec<(usize, EntryOut, Vec<usize>)> = Vec::new();
    for members in groups.into_values() {
        let first = &suggestions[members[0]];
        let occurrences = matches.of(&first.find);
        let members: Vec<usize> = members
            .into_iter()
            .filter(|&i| occurrences.contains(&suggestions[i].range))
            .collect();
        if members.is_empty() {
            continue;
        }
        let all = members.len() == occurrences.len() && members.len() > 1;
        let own = |i: usize| EntryOut {
            find: suggestions[i].find.clone(),
            replace: suggestions[i].replace.clone(),
            before: None,
            after: None,
            pick: Pick::Unique,
            kind: suggestions[i].kind,
            why: suggestions[i].why.clone(),
            origin: suggestions[i].origin.clone(),
            confidence: suggestions[i].confidence,
        };
        let mut base = own(members[0]);
        if all {
            let mut origin: Vec<Origin> = members
                .iter()
                .flat_map(|&i| suggestions[i].origin.iter().cloned())
                .collect();
            origin.sort();
            origin.dedup();
            base.origin = origin;
            base.confidence = members
                .iter()
                .map(|&i| suggestions[i].confidence)
                .fold(1.0, f64::min);
        }
        let start = suggestions[members[0]].range.start;
        if members.len() == occurrences.len() {
            let pick = if all { Pick::All } else { Pick::Unique };
            entries.push((start, EntryOut { pick, ..base }, members));
        } else {
            for i in members {
                let (before, after, pick) =
                    unique_anchor(text, &toks, occurrences, &suggestions[i].range);
                entries.push((
                    suggestions[i].range.start,
                    EntryOut {
                        before,
                        after,
                        pick,
                        ..own(i)
                    },
                    vec![i],
                ));
            }
        }
    }
    entries.sort_by_key(|(start, _, _)| *start);
    entries.into_iter().map(|(_, e, m)| (e, m)).collect()
}

/// What a `suggest` run asks for.
#[derive(Debug, Clone)]
pub struct Request {
    /// The site root.
    pub root: PathBuf,
    /// The article.
    pub slug: String,
    /// Append to `corrections.yaml` (otherwise only report).
    pub write: bool,
    /// Sources and threshold.
    pub options: Options,
}

/// What a `suggest` run produced.
#[derive(Debug, Clone)]
pub struct Report {
    /// The chosen suggestions, in text order.
    pub suggestions: Vec<Suggestion>,
    /// The entries written (or to write), in text order.
    pub entries: Vec<EntryOut>,
    /// The YAML block: a header comment and the entries.
    pub yaml: String,
    /// The article's `corrections.yaml`.
    pub path: PathBuf,
    /// Whether the block was appended to it.
    pub written: bool,
    /// Warnings (articles that could not be learned from).
    pub warnings: Vec<Diagnostic>,
    /// Places the plausibility model finds improbable but too uncertain to
    /// suggest: listed for review, never written as entries.
    pub flags: Vec<model::Flag>,
}

impl Report {
    /// The places suggested, partitioned by the combination of sources that
    /// proposed them (each place counted once), most places first.
    pub fn by_sources(&self) -> Vec<(Vec<SourceKind>, usize)> {
        let mut counts: BTreeMap<Vec<SourceKind>, usize> = BTreeMap::new();
        for s in &self.suggestions {
            *counts.entry(origin::kinds(&s.origin)).or_default() += 1;
        }
        let mut out: Vec<(Vec<SourceKind>, usize)> = counts.into_iter().collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// One line on what was found, in named units whose parts add up:
    /// `48 places in 23 entries (40 dictionary, 6 site learning, 2 dictionary and site learning)`.
    pub fn summary(&self) -> String {
        let places = self.suggestions.len();
        let entries = self.entries.len();
        let parts: Vec<String> = self
            .by_sources()
            .into_iter()
            .map(|(kinds, n)| {
                let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
                format!("{n} {}", names.join(" and "))
            })
            .collect();
        let mut line = format!(
            "{places} place{} in {entries} entr{}",
            if places == 1 { "" } else { "s" },
            if entries == 1 { "y" } else { "ies" }
        );
        if !parts.is_empty() {
            line.push_str(&format!(" ({})", parts.join(", ")));
        }
        if !self.flags.is_empty() {
            line.push_str(&format!(
                "; {} more place{} flagged for review only",
                self.flags.len(),
                if self.flags.len() == 1 { "" } else { "s" }
            ));
        }
        line
    }
}

/// Runs `emend suggest`: what it found, or `None` when it could not run
/// (the reasons are in `out`, with any warnings).
pub fn run(req: &Request, out: &mut Diagnostics) -> Option<Report> {
    let config = SiteConfig::load(&req.root, out)?;
    let root = &config.root;
    let dirs = out.checked(|out| Some(content::discover(root, out)))?;
    let slug_of = |d: &PathBuf| {
        d.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    if !dirs.iter().any(|d| slug_of(d) == req.slug) {
        let slugs: Vec<String> = dirs.iter().map(slug_of).collect();
        let names: Vec<&str> = slugs.iter().map(String::as_str).collect();
        let mut d = Diagnostic::error(
            Code::UnknownArticle,
            format!("no article `{}` in content/", req.slug),
        )
        .at(Location::file_only(&root.join("content")));
        d = match crate::text::did_you_mean(&req.slug, &names) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None if names.is_empty() => d.help("the site has no articles yet"),
            None => d.help(format!("articles: {}", names.join(", "))),
        };
        out.push(d);
        return None;
    }
    let mut warnings = Vec::new();
    let mut target: Option<Article> = None;
    let mut knowledge = Vec::new();
    // Without site learning only the article itself is read.
    let wanted: Vec<PathBuf> = if req.options.site {
        dirs
    } else {
        dirs.into_iter()
            .filter(|d| slug_of(d) == req.slug)
            .collect()
    };
    for (dir, article, diags) in content::load_all(root, &wanted) {
        let slug = slug_of(&dir);
        if slug == req.slug {
            match article {
                Some(a) => target = Some(a),
                None => {
                    out.extend(diags.into_iter().filter(Diagnostic::is_error));
                    return None;
                }
            }
            continue;
        }
        if !req.options.site {
            continue;
        }
        let learned = article.and_then(|a| {
            engine::apply_corrections(&a)
                .ok()
                .map(|(_, ch)| Knowledge::new(a, ch))
        });
        match learned {
            Some(k) => knowledge.push(k),
            None => warnings.push(
                Diagnostic::warning(
                    Code::NotLearned,
                    format!("article `{slug}` has errors; its corrections were not learned from"),
                )
                .at(Location::file_only(&dir))
                .help("run `emend check` to see them"),
            ),
        }
    }
    // Found above; `None` only if the folder vanished since discovery.
    let article = target?;
    // The article must build as it is: its corrections and annotations resolve.
    let changes = match engine::resolve(&article) {
        Ok(edition) => edition.changes,
        Err(errs) => {
            out.extend(errs.iter().map(|e| {
                e.to_diagnostic().note(
                    "fix the article's corrections and annotations before asking for suggestions",
                )
            }));
            return None;
        }
    };
    // Loaded even without its entries: it holds the editors' rejections.
    let site_dictionary = Dictionary::for_site(root, out)?;
    let dictionary = req.options.dictionary.then_some(&site_dictionary);
    let learned = req
        .options
        .site
        .then(|| Learned::learn(&knowledge, Some(&req.slug)));
    let text = article.original.text.as_str();
    let model = req.options.model.then(model::Model::builtin);
    let table = (req.options.model && req.options.thesaurus).then(thesaurus::Thesaurus::builtin);
    let Chosen {
        mut suggestions,
        mut flags,
    } = choose(
        text,
        &changes,
        dictionary,
        learned.as_ref(),
        model,
        table,
        req.options.min_confidence,
    );
    // What an editor rejected (`exceptions:` in dictionary.yaml) is not suggested again.
    suggestions.retain(|s| !site_dictionary.excepted(&req.slug, &s.find, &s.replace));
    flags.retain(|f| !site_dictionary.excepted(&req.slug, &f.find, &f.maybe));
    let planned = plan(text, &suggestions);

    let path = article.dir.join("corrections.yaml");
    let existing_bytes = match crate::files::read_regular(&path, crate::files::MAX_YAML_BYTES) {
        Ok(b) => Some(b),
        Err(crate::files::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            out.push(crate::source::read_diagnostic(&path, e));
            return None;
        }
    };
    let existing = existing_bytes
        .as_deref()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let (mut block, entries, kept) =
        out.ok(validate(&article, &existing, &path, &suggestions, planned))?;
    let suggestions: Vec<Suggestion> = kept.into_iter().map(|i| suggestions[i].clone()).collect();
    // Flags are comments after the entries: read by the editor, ignored by the build.
    if !flags.is_empty() {
        let (existing_text, _) = crate::text::strip_bom(&existing);
        let style = out.ok(write::append_style(existing_text, &path))?;
        if block.appended.is_empty() {
            block.appended.push_str(&style.separator);
        }
        block
            .appended
            .push_str(&write::render_flags(text, &flags, style.newline));
        block
            .printed
            .push_str(&write::render_flags(text, &flags, "\n"));
    }
    let mut written = false;
    if req.write && !block.appended.is_empty() {
        out.ok(write::append(
            &path,
            existing_bytes.as_ref().map(|b| b.len() as u64),
            &block.appended,
        ))?;
        written = true;
    }
    Some(Report {
        suggestions,
        entries,
        yaml: block.printed,
        path,
        written,
        warnings,
        flags,
    })
}

/// The YAML produced for a set of entries.
struct Block {
    /// What `--write` appends (separator included).
    appended: String,
    /// What is printed (header and entries).
    printed: String,
}

/// Renders the entries after the existing file and checks the result with the
/// build's loader and engine (corrections and annotations); entries the engine
/// rejects (which the planning should never produce, except where a suggestion
/// would disturb an annotation's quote) are dropped rather than written.
fn validate(
    article: &Article,
    existing: &str,
    path: &Path,
    suggestions: &[Suggestion],
    mut planned: Vec<(EntryOut, Vec<usize>)>,
) -> Result<(Block, Vec<EntryOut>, Vec<usize>), Diagnostic> {
    let (existing_text, _) = crate::text::strip_bom(existing);
    let style = write::append_style(existing_text, path)?;
    for _attempt in 0..8 {
        let entries: Vec<EntryOut> = planned.iter().map(|(e, _)| e.clone()).collect();
        let places: usize = planned.iter().map(|(_, m)| m.len()).sum();
        let header = write::header(entries.len(), places, style.newline);
        let body = write::render_entries(&entries, &style.indent, style.newline);
        let appended = format!("{}{header}{body}", style.separator);
        let printed = format!(
            "{}{}",
            write::header(entries.len(), places, "\n"),
            write::render_entries(&entries, "", "\n")
        );
        if entries.is_empty() {
            return Ok((
                Block {
                    appended: String::new(),
                    printed: String::new(),
                },
                entries,
                Vec::new(),
            ));
        }
        let full = format!("{existing}{appended}");
        let internal = |msg: String| {
            Diagnostic::error(Code::SuggestInternal, msg)
                .at(Location::file_only(path))
                .help("please report this; run `emend suggest` without --write to see the entries")
        };
        let mut errs = Diagnostics::new();
        let Some(specs) = write::parse(path, &full, &mut errs) else {
            return Err(internal(format!(
                "the suggested entries do not load back: {}",
                errs.iter()
                    .map(Diagnostic::one_line)
                    .collect::<Vec<_>>()
                    .join("; ")
            )));
        };
        let old = article.corrections.len();
        let unchanged = specs.len() == old + entries.len()
            && specs.iter().zip(&article.corrections).all(|(a, b)| {
                a.selector == b.selector && a.replace == b.replace && a.status == b.status
            });
        if !unchanged {
            return Err(internal(
                "appending would change the existing entries".into(),
            ));
        }
        let mut candidate = article.clone();
        candidate.corrections = specs;
        match engine::resolve(&candidate) {
            Ok(_) => {
                let kept = planned
                    .iter()
                    .flat_map(|(_, m)| m.iter().copied())
                    .collect();
                return Ok((Block { appended, printed }, entries, kept));
            }
            Err(errs) => {
                // Which new entries break the article? Add them one by one to the
                // existing corrections and keep those that still resolve (this also
                // catches a suggestion that changes, or duplicates, text an annotation
                // quotes). The planning should never get here; dropping is safer than
                // writing an entry that breaks the build.
                let mut bad = std::collections::BTreeSet::new();
                let mut trial = article.clone();
                for (i, spec) in candidate.corrections[old..].iter().enumerate() {
                    trial.corrections.push(spec.clone());
                    if engine::resolve(&trial).is_err() {
                        trial.corrections.pop();
                        bad.insert(i);
                    }
                }
                if bad.is_empty() {
                    return Err(internal(format!(
                        "the suggestions do not resolve: {}",
                        errs.iter()
                            .map(|e| e.to_diagnostic().one_line())
                            .collect::<Vec<_>>()
                            .join("; ")
                    )));
                }
                // An entry for several places is tried again place by place;
                // a single place is dropped.
                let text = article.original.text.as_str();
                let toks = Tokens::new(text);
                let mut next = Vec::new();
                for (i, (entry, members)) in planned.into_iter().enumerate() {
                    if !bad.contains(&i) {
                        next.push((entry, members));
                    } else if members.len() > 1 {
                        let occurrences = Matches::find(text, [entry.find.as_str()]);
                        for m in members {
                            let (before, after, pick) = unique_anchor(
                                text,
                                &toks,
                                occurrences.of(&entry.find),
                                &suggestions[m].range,
                            );
                            next.push((
                                EntryOut {
                                    before,
                                    after,
                                    pick,
                                    ..entry.clone()
                                },
                                vec![m],
                            ));
                        }
                    }
                }
                next.sort_by_key(|(_, m)| suggestions[m[0]].range.start);
                planned = next;
            }
        }
    }
    Err(Diagnostic::error(
        Code::SuggestInternal,
        "could not find a valid set of suggestions",
    )
    .at(Location::file_only(path)))
}

/// Warnings for `emend check`: text corrected in other articles of the site
/// that occurs uncorrected in an article (where site learning would suggest
/// the same correction). One warning per article and phrase, pointing at every place.
pub fn uncorrected_elsewhere(root: &Path, knowledge: &[Knowledge], out: &mut Diagnostics) {
    if knowledge.len() < 2 {
        return;
    }
    let Some(dictionary) = Dictionary::for_site(root, out) else {
        return;
    };
    // Evidence is collected once for the whole site; each article then learns
    // from it minus its own share (linear in the number of articles).
    let evidence = learn::SiteEvidence::collect(knowledge);
    let warnings: Vec<Diagnostic> = knowledge
        .par_iter()
        .flat_map_iter(|k| {
            let learned = evidence.learned(Some(&k.slug));
            // Only what site learning finds is reported here: no model needed.
            let suggestions = choose(
                &k.original.text,
                &k.changes,
                Some(&dictionary),
                Some(&learned),
                None,
                None,
                DEFAULT_MIN_CONFIDENCE,
            )
            .suggestions;
            // (find, replace) → places, for suggestions the site has learned
            type Places = (String, Vec<Range<usize>>);
            let mut by_pair: BTreeMap<(String, String), Places> = BTreeMap::new();
            for s in &suggestions {
                // The rule's sources, typed: never read back from the rendered text.
                let Some(from) = s.origin.iter().find_map(|o| match o {
                    Origin::Learned { from, more: 0 } => Some(from.join(", ")),
                    Origin::Learned { from, more } => {
                        Some(format!("{} and {more} more", from.join(", ")))
                    }
                    _ => None,
                }) else {
                    continue;
                };
                by_pair
                    .entry((s.find.clone(), s.replace.clone()))
                    .or_insert_with(|| (from, Vec::new()))
                    .1
                    .push(s.range.clone());
            }
            by_pair
                .into_iter()
                .map(|((find, replace), (from, ranges))| {
                    let n = ranges.len();
                    let mut d = Diagnostic::warning(
                        Code::UncorrectedElsewhere,
                        format!(
                            "{find:?} is corrected to {replace:?} in {from}, but is left as it is here{}",
                            if n > 1 { format!(" ({n} places)") } else { String::new() }
                        ),
                    )
                    .at(k.original.location(ranges[0].clone()))
                    .label("uncorrected");
                    for r in ranges.iter().skip(1).take(9) {
                        d = d.related(k.original.location(r.clone()), "also here");
                    }
                    d.help(format!(
                        "run `emend suggest {}` to propose the correction for review; if the text is right here, ignore this warning",
                        k.slug
                    ))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    out.extend(warnings);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn dict(yaml: &str) -> Dictionary {
        let file = SourceFile::from_bytes(Path::new("d.yaml"), yaml.as_bytes().to_vec()).unwrap();
        let mut d = Dictionary::default();
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(
            d.add_file(&file, dictionary::Source::Builtin, &mut out),
            "{out:?}"
        );
        d
    }

    fn found(s: &Chosen) -> Vec<(&str, &str, f64, String)> {
        s.suggestions
            .iter()
            .map(|s| {
                (
                    s.find.as_str(),
                    s.replace.as_str(),
                    s.confidence,
                    origin::render(&s.origin),
                )
            })
            .collect()
    }

    #[test]
    fn overlaps_go_to_the_surer_then_longer_candidate() {
        let d = dict(
            "entries:\n  - {find: nationwide, replace: national, kind: synonym, confidence: 0.7}\n  - {find: safety, replace: security, kind: synonym, confidence: 0.7}\n  - {find: nationwide safety, replace: national security, kind: synonym, confidence: 0.7}\n  - {find: a b, replace: x, kind: synonym, confidence: 0.6}\n  - {find: b c, replace: y, kind: synonym, confidence: 0.9}\n",
        );
        let s = choose(
            "the nationwide safety sources; a b c",
            &[],
            Some(&d),
            None,
            None,
            None,
            0.5,
        );
        assert_eq!(
            found(&s),
            [
                (
                    "nationwide safety",
                    "national security",
                    0.7,
                    "dictionary".to_string()
                ),
                ("b c", "y", 0.9, "dictionary".to_string()),
            ]
        );
    }

    #[test]
    fn existing_changes_addresses_and_low_confidence_are_left_out() {
        let d = dict(
            "entries:\n  - {find: mentioned, replace: said, kind: synonym, confidence: 0.8}\n  - {find: solely, replace: only, kind: synonym, confidence: 0.4}\n",
        );
        let text = "He mentioned it. She mentioned https://x.org/mentioned and solely that.";
        let existing = [Change {
            number: 1,
            entry: 0,
            original: 3..12,
            corrected: 3..7,
        }];
        let s = choose(text, &existing, Some(&d), None, None, None, 0.5);
        assert_eq!(
            found(&s),
            [("mentioned", "said", 0.8, "dictionary".to_string())]
        );
        assert_eq!(s.suggestions[0].range, 21..30);
        assert_eq!(
            choose(text, &existing, Some(&d), None, None, None, 0.3)
                .suggestions
                .len(),
            2
        );
    }

    #[test]
    fn entries_group_all_occurrences_or_pick_one_with_context() {
        let sugg = |range: Range<usize>, find: &str| Suggestion {
            range,
            find: find.into(),
            replace: "said".into(),
            kind: Kind::Synonym,
            confidence: 0.8,
            origin: vec![Origin::Dictionary],
            why: "w".into(),
        };
        let text = "A mentioned x. B mentioned y. As mentioned.";
        // every occurrence suggested → one entry with all: true
        let all = [
            sugg(2..11, "mentioned"),
            sugg(17..26, "mentioned"),
            sugg(33..42, "mentioned"),
        ];
        let planned = plan(text, &all);
        assert_eq!(planned.len(), 1);
        assert_eq!(planned[0].0.pick, Pick::All);
        assert_eq!(planned[0].1, [0, 1, 2]);
        // some → the shortest unique context
        let planned = plan(text, &all[..2]);
        let ctx: Vec<(Option<&str>, Option<&str>)> = planned
            .iter()
            .map(|(e, _)| (e.before.as_deref(), e.after.as_deref()))
            .collect();
        assert_eq!(ctx, [(None, Some(" x")), (None, Some(" y"))]);
        // no context on the line tells them apart → occurrence
        let text = "mentioned\nmentioned";
        let planned = plan(text, &[sugg(10..19, "mentioned")]);
        assert_eq!(planned[0].0.pick, Pick::Nth(2));
    }

    #[test]
    fn every_occurrence_suggested_is_one_entry_whatever_its_sources() {
        // The issue's `mentioned` came back as 10 entries: places where site
        // learning agreed had another origin and confidence, so they did not group.
        let learned = Origin::Learned {
            from: vec!["other".into()],
            more: 0,
        };
        let sugg = |range: Range<usize>, confidence: f64, origin: Vec<Origin>| Suggestion {
            range,
            find: "mentioned".into(),
            replace: "said".into(),
            kind: Kind::Synonym,
            confidence,
            origin,
            why: "w".into(),
        };
        let text = "A mentioned x. B mentioned y. C mentioned.";
        let all = [
            sugg(2..11, 0.8, vec![Origin::Dictionary]),
            sugg(17..26, 0.85, vec![Origin::Dictionary, learned.clone()]),
            sugg(32..41, 0.7, vec![learned.clone()]),
        ];
        let planned = plan(text, &all);
        assert_eq!(planned.len(), 1);
        let (entry, members) = &planned[0];
        assert_eq!(entry.pick, Pick::All);
        assert_eq!(members, &[0, 1, 2]);
        assert_eq!(entry.origin, [Origin::Dictionary, learned.clone()]);
        assert_eq!(entry.confidence, 0.7);
        // Two of three: per place, each with its own sources and confidence.
        let planned = plan(text, &all[1..]);
        let got: Vec<(f64, Pick, String)> = planned
            .iter()
            .map(|(e, _)| (e.confidence, e.pick, origin::render(&e.origin)))
            .collect();
        assert_eq!(
            got,
            [
                (
                    0.85,
                    Pick::Unique,
                    "dictionary + learned from other".to_string()
                ),
                (0.7, Pick::Unique, "learned from other".to_string()),
            ]
        );
    }

    #[test]
    fn model_checked_entries_need_the_model_and_weak_ones_are_flagged() {
        let d = dict(
            "entries:\n  - {find: identical, replace: same, kind: synonym, confidence: 0.7, check: model}\n  - {find: robust, replace: strong, kind: synonym, confidence: 0.7, check: model}\n",
        );
        let text =
            "They met on the identical day.\nIdentical twins were born.\nIt was a robust debate.";
        let m = model::Model::builtin();
        // Without the model the entry never fires.
        let none = choose(text, &[], Some(&d), None, None, None, 0.5);
        assert!(none.suggestions.is_empty() && none.flags.is_empty());
        let with = choose(text, &[], Some(&d), None, Some(m), None, 0.5);
        assert_eq!(
            found(&with),
            // 0.7, +0.1 for a wide margin, +0.05 for two sources agreeing
            [("identical", "same", 0.85, "dictionary + model".to_string())]
        );
        assert_eq!(with.suggestions[0].range, 16..25);
        // "Identical twins" is ordinary English: neither suggested nor flagged.
        // "a robust debate" leans towards "strong" (evidence 1.30), not
        // enough to suggest: flagged for review.
        assert_eq!(with.flags.len(), 1);
        let flag = &with.flags[0];
        assert_eq!(
            (flag.find.as_str(), flag.maybe.as_str(), flag.range.start),
            ("robust", "strong", 67)
        );
        assert!(flag.ratio >= model::FLAG && flag.ratio < model::CONFIRM);
    }

    #[test]
    fn published_spinner_output_is_restored_by_the_builtin_dictionary() {
        // Spun sentences as their sources quote them (issue 18, round five):
        // NewsBuzzr's copy of a HuffPost story, a BBC story scraped by the
        // "Observer Chronicle", SpinBot on a Wall Street Journal paragraph.
        let d = Dictionary::builtin(&mut crate::diagnostics::Diagnostics::new()).unwrap();
        let text = "She felt a pressing faucet on her shoulder.\nThe story was filed by the Residence Editor Mark Easton.\nObserving the most limited course for my tasks is hard.";
        let got = choose(text, &[], Some(&d), None, None, None, 0.5);
        let pairs: Vec<(&str, &str)> = got
            .suggestions
            .iter()
            .map(|s| (s.find.as_str(), s.replace.as_str()))
            .collect();
        for want in [
            ("pressing faucet", "urgent tap"),
            ("Residence Editor", "Home Editor"),
            ("most limited course", "shortest route"),
        ] {
            assert!(pairs.contains(&want), "{want:?} not in {pairs:?}");
        }
        // The first clause of each line is left alone.
        assert!(
            pairs
                .iter()
                .all(|(f, _)| !["She", "felt", "story", "filed", "Observing"].contains(f)),
            "{pairs:?}"
        );
    }

    #[test]
    fn sure_swaps_outside_their_listed_contexts_need_a_spun_article_and_the_model() {
        let d = dict(
            "entries:\n  - {find: mentioned, replace: said, kind: synonym}\n  - {find: hearth, replace: fire, kind: synonym, next: [department], not_prev: [stone]}\n",
        );
        let m = model::Model::builtin();
        let fire = "Crews said the hearth doubled in size overnight.";
        // An article spun throughout: a dozen sure swaps, one per 4 tokens.
        let spun = format!("{}{fire}", "She mentioned it.\n".repeat(12));
        let with = choose(&spun, &[], Some(&d), None, Some(m), None, 0.5);
        let hearth = spun.find("hearth").unwrap();
        assert!(
            with.suggestions
                .iter()
                .any(|s| s.range == (hearth..hearth + 6)
                    && s.replace == "fire"
                    && origin::render(&s.origin) == "dictionary + model"),
            "{:?}",
            found(&with)
        );
        // Without the model, or in an article not shown to be spun, the
        // entry's lists alone decide: "hearth doubled" is not among them.
        let none = choose(&spun, &[], Some(&d), None, None, None, 0.5);
        assert!(none.suggestions.iter().all(|s| s.find != "hearth"));
        let clean = choose(fire, &[], Some(&d), None, Some(m), None, 0.5);
        assert!(clean.suggestions.is_empty(), "{:?}", found(&clean));
        // A `not_prev` veto still holds.
        let stone = format!(
            "{}They sat by the stone hearth overnight.",
            "She mentioned it.\n".repeat(12)
        );
        let vetoed = choose(&stone, &[], Some(&d), None, Some(m), None, 0.5);
        assert!(
            vetoed.suggestions.iter().all(|s| s.find != "hearth"),
            "{:?}",
            found(&vetoed)
        );
    }
}
