//! The correction and annotation engine: resolves an article's corrections
//! against its original (exact, unique anchors or a located error), applies
//! them all at once to produce the corrected text, and anchors annotations.
//!
//! Rules: matching is exact and case-sensitive; an anchor that begins or ends
//! with a word character matches only at word boundaries; all corrections match
//! the *original* and apply simultaneously (their order does not matter and
//! replacements never chain); overlapping corrections are an error.

pub mod anchor;
pub mod nearmiss;

use std::cell::Cell;
use std::ops::Range;

use crate::content::{Article, Side};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::source::SourceFile;
use crate::text::{LineIndex, excerpt};

use anchor::{AnchorFailure, Matches};
use nearmiss::NearMiss;

/// One applied change: a range of the original replaced by a range of the corrected text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// 1-based number in document order (what readers see).
    pub number: usize,
    /// Index of the correction entry in `corrections.yaml`.
    pub entry: usize,
    /// Byte range in the original.
    pub original: Range<usize>,
    /// Byte range in the corrected text.
    pub corrected: Range<usize>,
}

/// One anchored annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Index of the annotation entry in `annotations.yaml`.
    pub entry: usize,
    /// Which text the range is in.
    pub side: Side,
    /// Byte range in that text.
    pub range: Range<usize>,
}

/// An article with its corrections applied and annotations anchored.
#[derive(Debug, Clone)]
pub struct Edition {
    /// The corrected text (in the original's format).
    pub corrected: String,
    /// Changes, sorted by position.
    pub changes: Vec<Change>,
    /// Notes, in annotation-file order.
    pub notes: Vec<Note>,
}

impl Edition {
    /// Maps a position in the original to the corrected text. Positions inside a
    /// change map to the change's corrected end.
    pub fn to_corrected(&self, pos: usize) -> usize {
        map_pos(&self.changes, pos, |c| (&c.original, &c.corrected))
    }

    /// Maps a position in the corrected text back to the original (inside a change:
    /// the change's original end).
    pub fn to_original(&self, pos: usize) -> usize {
        map_pos(&self.changes, pos, |c| (&c.corrected, &c.original))
    }
}

fn map_pos(
    changes: &[Change],
    pos: usize,
    sides: impl Fn(&Change) -> (&Range<usize>, &Range<usize>),
) -> usize {
    // Changes are sorted and disjoint on both sides; find the last change starting before pos.
    let idx = changes.partition_point(|c| sides(c).0.start < pos);
    if idx == 0 {
        return pos;
    }
    let (from, to) = sides(&changes[idx - 1]);
    if pos < from.end {
        to.end
    } else {
        pos - from.end + to.end
    }
}

/// The YAML field an anchor is written in: it decides the diagnostic codes
/// and the hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// A correction's `find` (searched in the original).
    Find,
    /// An annotation's `quote`.
    Quote,
}

impl Field {
    /// The key as written in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Find => "find",
            Field::Quote => "quote",
        }
    }

    fn not_found(self) -> Code {
        match self {
            Field::Find => Code::FindNotFound,
            Field::Quote => Code::QuoteNotFound,
        }
    }

    fn ambiguous(self) -> Code {
        match self {
            Field::Find => Code::FindAmbiguous,
            Field::Quote => Code::QuoteAmbiguous,
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A correction or annotation that could not be resolved, with where it is and why.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EngineError {
    /// The anchor text occurs nowhere (or nowhere with its context).
    #[error("`{field}` text not found in the {side}")]
    NotFound {
        /// `find` or `quote`.
        field: Field,
        /// Which text was searched.
        side: Side,
        /// The anchor text.
        exact: String,
        /// Where the anchor is written.
        at: Location,
        /// The closest passage, if any.
        near: Option<(Location, String, Option<String>)>,
        /// Places where the exact text occurs but the before/after context differs.
        context_misses: Vec<Location>,
        /// For annotations: where the text occurs in the other text instead.
        elsewhere: Option<Location>,
        /// For annotations: that occurrence is text a correction deleted.
        deleted: bool,
        /// Where the text occurs only as part of a larger character, and
        /// that whole character (a grapheme cluster).
        split: Option<(Location, String)>,
    },
    /// Several matches and no rule to pick one.
    #[error("`{field}` matches {total} times in the {side}")]
    Ambiguous {
        /// `find` or `quote`.
        field: Field,
        /// Which text was searched.
        side: Side,
        /// Where the anchor is written.
        at: Location,
        /// The first matches (at most [`anchor::SHOWN`]).
        matches: Vec<Location>,
        /// How many matches there are.
        total: usize,
    },
    /// `occurrence: n` beyond the number of matches.
    #[error("`occurrence: {n}`, but `{field}` matches only {total} time(s) in the {side}")]
    OccurrenceOutOfRange {
        /// `find` or `quote`.
        field: Field,
        /// Which text was searched.
        side: Side,
        /// The occurrence asked for.
        n: u32,
        /// Where the `occurrence` is written.
        at: Location,
        /// The first matches (at most [`anchor::SHOWN`]).
        matches: Vec<Location>,
        /// How many matches there are.
        total: usize,
    },
    /// Two or more corrections claim overlapping text of the original
    /// (reported once per group of entries, however often they overlap).
    #[error("{}", overlap_message(first_text, second_text, *entries))]
    Overlap {
        /// How many entries of the file claim the text (2 or more).
        entries: usize,
        /// The further entries of the group (the first few).
        more: Vec<Location>,
        /// The earlier entry in the file.
        first: Location,
        /// The later entry.
        second: Location,
        /// The overlapping text in the original.
        region: Location,
        /// First entry's `find`.
        first_text: String,
        /// Second entry's `find`.
        second_text: String,
    },
}

impl EngineError {
    /// The user-facing diagnostic.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let mut d = match self {
            EngineError::NotFound {
                field,
                side,
                exact,
                at,
                near,
                context_misses,
                elsewhere,
                deleted,
                split,
            } => {
                if let Some((loc, whole)) = split {
                    let codepoints: Vec<String> = whole
                        .chars()
                        .filter(|c| !c.is_alphanumeric())
                        .map(|c| format!("U+{:04X}", c as u32))
                        .collect();
                    return Diagnostic::error(
                        Code::SplitsCharacter,
                        format!(
                            "`{field}` text {:?} occurs in the {side} only as part of a larger character",
                            excerpt(exact, 60)
                        ),
                    )
                    .at(at.clone())
                    .label("would cut a character")
                    .related(loc.clone(), format!("here it is part of `{whole}`"))
                    .note(format!(
                        "what readers see as one character is written with several code points here ({}): a combining accent, a variation selector or a joiner; emend never changes part of one",
                        codepoints.join(", ")
                    ))
                    .help(format!(
                        "include the whole character in `{field}`: copy `{whole}` from the {side}"
                    ));
                }
                let what = if context_misses.is_empty() {
                    format!(
                        "`{field}` text {:?} does not occur in the {side}",
                        excerpt(exact, 60)
                    )
                } else {
                    format!(
                        "`{field}` text {:?} occurs in the {side}, but never with the given before/after context",
                        excerpt(exact, 60)
                    )
                };
                let mut d = Diagnostic::error(field.not_found(), what)
                    .at(at.clone())
                    .label("not found");
                for (i, m) in context_misses.iter().take(10).enumerate() {
                    d = d.related(m.clone(), format!("occurrence {} (context differs)", i + 1));
                }
                if !context_misses.is_empty() {
                    d = d.help("check `before`/`after`: they must be the exact text right next to the match");
                } else if let Some(loc) = elsewhere {
                    d = d.related(loc.clone(), format!("occurs here in the {}", other(*side)));
                    d = d.help(match side {
                        Side::Corrected if *deleted => "a correction deletes this text: add `on: original` to annotate it in the text as received",
                        Side::Corrected => "a correction changes this text: quote the corrected wording, or add `on: original` to annotate the garbled text",
                        Side::Original => "this text is in the corrected text only: quote the original wording, or remove `on: original`",
                    });
                } else if let Some((loc, found, hint)) = near {
                    d = d.related(loc.clone(), "closest match");
                    let mut help = format!(
                        "did you mean {:?} (line {}, column {})?",
                        excerpt(found, 80),
                        loc.line,
                        loc.column
                    );
                    if let Some(h) = hint {
                        help.push_str(&format!(" {h}"));
                    }
                    d = d.help(help);
                } else {
                    d = d.help(format!("copy the text exactly from the {side}; matching is exact and case-sensitive, and respects word boundaries"));
                }
                d
            }
            EngineError::Ambiguous {
                field,
                side,
                at,
                matches,
                total,
            } => {
                let mut d = Diagnostic::error(
                    field.ambiguous(),
                    format!("`{field}` matches {total} times in the {side}"),
                )
                .at(at.clone())
                .label("ambiguous");
                for (i, m) in matches.iter().enumerate() {
                    d = d.related(m.clone(), format!("match {}", i + 1));
                }
                let mut places: Vec<String> = matches
                    .iter()
                    .map(|m| format!("{}:{}", m.line, m.column))
                    .collect();
                if *total > matches.len() {
                    places.push(format!("… ({} more)", total - matches.len()));
                }
                d.note(format!("matches at line:column {}", places.join(", ")))
                    .help(if *field == Field::Find {
                        "add `occurrence: N` (1-based), `all: true`, or `before:`/`after:` context to pick one"
                    } else {
                        "add `occurrence: N` (1-based) or `before:`/`after:` context to pick one"
                    })
            }
            EngineError::OccurrenceOutOfRange {
                field,
                side,
                n,
                at,
                matches,
                total,
            } => {
                let mut d = Diagnostic::error(
                    Code::OccurrenceOutOfRange,
                    format!("`occurrence: {n}`, but `{field}` matches only {total} time(s) in the {side}"),
                )
                .at(at.clone())
                .label("out of range");
                for (i, m) in matches.iter().enumerate() {
                    d = d.related(m.clone(), format!("match {}", i + 1));
                }
                d.help(format!("use an occurrence between 1 and {total}"))
            }
            EngineError::Overlap {
                first,
                second,
                region,
                entries,
                more,
                ..
            } => {
                let mut d = Diagnostic::error(Code::Overlap, self.to_string())
                    .at(second.clone())
                    .label("this correction")
                    .related(first.clone(), "overlaps this one")
                    .related(region.clone(), "both match here");
                for m in more {
                    d = d.related(m.clone(), "and this one");
                }
                if *entries > 2 + more.len() {
                    d = d.note(format!(
                        "and {} more corrections of this file claim the same text",
                        *entries - 2 - more.len()
                    ));
                }
                d.help("corrections apply to the original at once and must not overlap: merge them into one correction, or narrow one with `before`/`after`")
            }
        };
        if d.notes.is_empty()
            && let EngineError::NotFound { exact, .. } = self
            && exact.contains('\n')
        {
            d = d.note(
                "the text spans a line break; each line of a .txt original is its own paragraph",
            );
        }
        d
    }
}

fn other(side: Side) -> Side {
    match side {
        Side::Original => Side::Corrected,
        Side::Corrected => Side::Original,
    }
}

/// Resolves and applies an article's corrections, then anchors its annotations.
/// Returns every problem found (all corrections are checked before giving up).
pub fn resolve(article: &Article) -> Result<Edition, Vec<EngineError>> {
    let (corrected, changes) = apply_corrections(article)?;
    let mut edition = Edition {
        corrected,
        changes,
        notes: Vec::new(),
    };
    edition.notes = anchor_annotations(article, &edition)?;
    Ok(edition)
}

/// Turns a range of a searched text into a location users can open.
type Locate<'a> = &'a dyn Fn(&Range<usize>) -> Location;

/// The text an anchor was searched in.
struct Searched<'a> {
    side: Side,
    text: &'a str,
    locate: Locate<'a>,
    /// What is left of the article's near-miss search budget.
    budget: &'a Cell<usize>,
}

/// An anchor as written in a YAML entry.
struct Written<'a> {
    field: Field,
    exact: &'a str,
    at: &'a Location,
    occurrence_at: &'a Location,
}

fn failure_error(
    failure: AnchorFailure,
    written: &Written<'_>,
    searched: &Searched<'_>,
) -> EngineError {
    let Written {
        field,
        exact,
        at,
        occurrence_at,
    } = *written;
    let Searched {
        side,
        text: searched,
        locate,
        budget,
    } = *searched;
    match failure {
        AnchorFailure::NotFound {
            without_context,
            split,
        } => EngineError::NotFound {
            field,
            side,
            exact: exact.to_string(),
            at: at.clone(),
            split: split.clone().map(|r| {
                let whole = crate::text::grapheme_span(searched, &r);
                (locate(&whole), searched[whole].to_string())
            }),
            near: if without_context.is_empty() && split.is_none() {
                let mut left = budget.get();
                let near = nearmiss::nearest(searched, exact, &mut left);
                budget.set(left);
                near.map(|NearMiss { range, hint, .. }| {
                    (locate(&range), searched[range.clone()].to_string(), hint)
                })
            } else {
                None
            },
            context_misses: without_context.iter().map(locate).collect(),
            elsewhere: None,
            deleted: false,
        },
        AnchorFailure::Ambiguous { matches, total } => EngineError::Ambiguous {
            field,
            side,
            at: at.clone(),
            matches: matches.iter().map(locate).collect(),
            total,
        },
        AnchorFailure::OutOfRange { n, matches, total } => EngineError::OccurrenceOutOfRange {
            field,
            side,
            n,
            at: occurrence_at.clone(),
            matches: matches.iter().map(locate).collect(),
            total,
        },
    }
}

/// How many further entries of an overlap group are pointed at.
const MORE_SHOWN: usize = 3;

fn overlap_message(first: &str, second: &str, entries: usize) -> String {
    if entries > 2 {
        format!(
            "{entries} corrections overlap: {first:?}, {second:?} and {} more claim the same text",
            entries - 2
        )
    } else {
        format!("corrections overlap: {first:?} and {second:?} claim the same text")
    }
}

/// Reports overlapping claims once per group of entries: the claims (sorted
/// by start) fall into runs that overlap one another; each run's set of
/// entries is one error, however many runs share it (n identical `all: true`
/// corrections give one error, not n² pairs, in time linear in the claims).
fn overlaps(
    article: &Article,
    claimed: &[(Range<usize>, usize)],
    locate: &dyn Fn(&Range<usize>) -> Location,
    errors: &mut Vec<EngineError>,
) {
    let mut reported: std::collections::HashSet<Vec<usize>> = std::collections::HashSet::new();
    let mut k = 0;
    while k < claimed.len() {
        let mut end = claimed[k].0.end;
        let mut j = k + 1;
        while j < claimed.len() && claimed[j].0.start < end {
            end = end.max(claimed[j].0.end);
            j += 1;
        }
        let run = &claimed[k..j];
        k = j;
        if run.len() < 2 {
            continue;
        }
        let mut entries: Vec<usize> = run.iter().map(|(_, i)| *i).collect();
        entries.sort_unstable();
        entries.dedup();
        if entries.len() < 2 || !reported.insert(entries.clone()) {
            continue;
        }
        // Where the first two claims of the run meet (sorted by start, the
        // second starts inside the first).
        let (a, b) = (&run[0].0, &run[1].0);
        let region = b.start..a.end.min(b.end);
        let spec = |e: usize| &article.corrections[e];
        errors.push(EngineError::Overlap {
            entries: entries.len(),
            more: entries[2..]
                .iter()
                .take(MORE_SHOWN)
                .map(|&e| spec(e).pos.of("find").clone())
                .collect(),
            first: spec(entries[0]).pos.of("find").clone(),
            second: spec(entries[1]).pos.of("find").clone(),
            region: locate(&region),
            first_text: spec(entries[0]).selector.exact.clone(),
            second_text: spec(entries[1]).selector.exact.clone(),
        });
    }
}

/// Applies all corrections to the original at once.
pub fn apply_corrections(article: &Article) -> Result<(String, Vec<Change>), Vec<EngineError>> {
    let original: &SourceFile = &article.original;
    let text = original.text.as_str();
    let matches = Matches::find(
        text,
        article
            .corrections
            .iter()
            .map(|c| c.selector.exact.as_str()),
    );
    let locate = |r: &Range<usize>| original.location(r.clone());
    let budget = Cell::new(nearmiss::ARTICLE_BUDGET);
    let mut errors = Vec::new();
    // (original range, entry index)
    let mut claimed: Vec<(Range<usize>, usize)> = Vec::new();
    for (i, spec) in article.corrections.iter().enumerate() {
        match matches.select(&spec.selector) {
            Ok(ranges) => claimed.extend(ranges.into_iter().map(|r| (r, i))),
            Err(f) => errors.push(failure_error(
                f,
                &Written {
                    field: Field::Find,
                    exact: &spec.selector.exact,
                    at: spec.pos.of("find"),
                    occurrence_at: spec.pos.of("occurrence"),
                },
                &Searched {
                    side: Side::Original,
                    text,
                    locate: &locate,
                    budget: &budget,
                },
            )),
        }
    }
    claimed.sort_by_key(|(r, i)| (r.start, r.end, *i));
    overlaps(article, &claimed, &locate, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut corrected = String::with_capacity(text.len() + text.len() / 8);
    let mut changes = Vec::with_capacity(claimed.len());
    let mut pos = 0;
    for (n, (range, entry)) in claimed.into_iter().enumerate() {
        corrected.push_str(&text[pos..range.start]);
        let start = corrected.len();
        corrected.push_str(&article.corrections[entry].replace);
        changes.push(Change {
            number: n + 1,
            entry,
            original: range.clone(),
            corrected: start..corrected.len(),
        });
        pos = range.end;
    }
    corrected.push_str(&text[pos..]);
    Ok((corrected, changes))
}

/// Anchors annotations in the corrected text (or the original, with `on: original`).
pub fn anchor_annotations(
    article: &Article,
    edition: &Edition,
) -> Result<Vec<Note>, Vec<EngineError>> {
    let original = &article.original;
    let corrected = edition.corrected.as_str();
    let quotes = |side: Side| {
        article
            .annotations
            .iter()
            .filter(move |a| a.side == side)
            .map(|a| a.selector.exact.as_str())
    };
    let in_original = Matches::find(&original.text, quotes(Side::Original));
    let in_corrected = Matches::find(corrected, quotes(Side::Corrected));
    let corrected_lines = LineIndex::new(corrected);
    // Positions in the corrected text are reported at the matching place of the
    // original file (the corrected text is not a file the user can open).
    let locate_corrected = |r: &Range<usize>| {
        let start = edition.to_original(r.start);
        // Inside a change: point at the start of what it replaced.
        let last_before = edition
            .changes
            .partition_point(|c| c.corrected.start <= r.start)
            .checked_sub(1)
            .map(|i| &edition.changes[i]);
        let start = last_before
            .filter(|c| r.start < c.corrected.end)
            .map_or(start, |c| c.original.start);
        let mut loc = original.location(start..start.max(edition.to_original(r.end)));
        let (line, col) = corrected_lines.line_col(corrected, r.start);
        loc.line = line;
        loc.column = col;
        loc
    };
    let locate_original = |r: &Range<usize>| original.location(r.clone());
    let budget = Cell::new(nearmiss::ARTICLE_BUDGET);
    // Where quotes that miss occur in the *other* text: one scan per text for all
    // quotes, made only if some quote misses.
    let elsewhere_in_original = std::cell::OnceCell::new();
    let elsewhere_in_corrected = std::cell::OnceCell::new();
    let mut notes = Vec::new();
    let mut errors = Vec::new();
    for (i, spec) in article.annotations.iter().enumerate() {
        let (matches, searched) = match spec.side {
            Side::Original => (
                &in_original,
                Searched {
                    side: Side::Original,
                    text: original.text.as_str(),
                    locate: &locate_original,
                    budget: &budget,
                },
            ),
            Side::Corrected => (
                &in_corrected,
                Searched {
                    side: Side::Corrected,
                    text: corrected,
                    locate: &locate_corrected,
                    budget: &budget,
                },
            ),
        };
        match matches.select(&spec.selector) {
            Ok(ranges) => notes.extend(ranges.into_iter().map(|range| Note {
                entry: i,
                side: spec.side,
                range,
            })),
            Err(f) => {
                let written = Written {
                    field: Field::Quote,
                    exact: &spec.selector.exact,
                    at: spec.pos.of("quote"),
                    occurrence_at: spec.pos.of("occurrence"),
                };
                let mut err = failure_error(f, &written, &searched);
                // Text a correction changed: say so instead of guessing a near miss.
                if let EngineError::NotFound {
                    elsewhere,
                    near,
                    context_misses,
                    deleted,
                    ..
                } = &mut err
                    && context_misses.is_empty()
                {
                    let (other_matches, other_locate): (&Matches<'_>, Locate<'_>) = match spec.side
                    {
                        Side::Corrected => (
                            elsewhere_in_original.get_or_init(|| {
                                Matches::find(&original.text, quotes(Side::Corrected))
                            }),
                            &locate_original,
                        ),
                        Side::Original => (
                            elsewhere_in_corrected
                                .get_or_init(|| Matches::find(corrected, quotes(Side::Original))),
                            &locate_corrected,
                        ),
                    };
                    if let Some(r) = other_matches.of(&spec.selector.exact).first() {
                        *elsewhere = Some(other_locate(r));
                        *near = None;
                        // The change that starts last at or before the quote.
                        let around = edition
                            .changes
                            .partition_point(|c| c.original.start <= r.start)
                            .checked_sub(1)
                            .map(|i| &edition.changes[i]);
                        *deleted = spec.side == Side::Corrected
                            && around
                                .is_some_and(|c| c.corrected.is_empty() && r.end <= c.original.end);
                    }
                }
                errors.push(err);
            }
        }
    }
    if errors.is_empty() {
        Ok(notes)
    } else {
        Err(errors)
    }
}

/// Share of the original's words touched by a change (0–1).
pub fn words_changed(original: &str, changes: &[Change]) -> (usize, usize) {
    let mut total = 0;
    let mut changed = 0;
    let mut ci = 0;
    for w in crate::text::word_ranges(original) {
        total += 1;
        while ci < changes.len() && changes[ci].original.end <= w.start {
            ci += 1;
        }
        if ci < changes.len() && changes[ci].original.start < w.end {
            changed += 1;
        }
    }
    (changed, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Loaded, load_article};

    fn article(
        original: &str,
        corrections: &str,
        annotations: &str,
    ) -> (tempfile::TempDir, Article) {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("content/a");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("original.txt"), original).unwrap();
        std::fs::write(dir.join("meta.yaml"), "title: T\n").unwrap();
        std::fs::write(dir.join("corrections.yaml"), corrections).unwrap();
        std::fs::write(dir.join("annotations.yaml"), annotations).unwrap();
        let mut out = crate::diagnostics::Diagnostics::new();
        let Loaded::Article(a) = load_article(root.path(), &dir, false, &mut out) else {
            panic!("load failed: {out:?}");
        };
        (root, *a)
    }

    fn diag_lines(errs: &[EngineError]) -> Vec<String> {
        errs.iter()
            .map(|e| {
                let d = e.to_diagnostic();
                let loc = d.location.as_ref().unwrap();
                format!(
                    "{}:{} {} | {}",
                    loc.line,
                    loc.column,
                    d.message,
                    d.help.unwrap_or_default()
                )
            })
            .collect()
    }

    #[test]
    fn applies_all_at_once_without_chaining() {
        let (_d, a) = article(
            "Dong suggested, and Murphy urged that it was fine.",
            "- {find: suggested, replace: advised, why: w}\n- {find: urged, replace: suggested, why: w}\n",
            "",
        );
        let e = resolve(&a).unwrap();
        assert_eq!(
            e.corrected,
            "Dong advised, and Murphy suggested that it was fine."
        );
        assert_eq!(e.changes[0].original, 5..14);
        assert_eq!(e.changes[0].corrected, 5..12);
        assert_eq!(e.changes[1].number, 2);
        assert_eq!(e.to_corrected(20), 18);
        assert_eq!(e.to_original(18), 20);
        // a position inside a change maps to its end
        assert_eq!(e.to_corrected(7), 12);
    }

    #[test]
    fn order_of_entries_does_not_matter() {
        let c1 = "- {find: a, replace: b, why: w}\n- {find: b, replace: a, why: w}\n";
        let c2 = "- {find: b, replace: a, why: w}\n- {find: a, replace: b, why: w}\n";
        let (_d1, a1) = article("a b", c1, "");
        let (_d2, a2) = article("a b", c2, "");
        assert_eq!(resolve(&a1).unwrap().corrected, "b a");
        assert_eq!(resolve(&a2).unwrap().corrected, "b a");
    }

    #[test]
    fn not_found_points_at_the_near_miss() {
        let (_d, a) = article(
            "line one\nBeijing favored Trudeau’s Liberals",
            "- find: \"Trudeau's Liberals\"\n  replace: x\n  why: w\n",
            "",
        );
        let errs = resolve(&a).unwrap_err();
        assert_eq!(
            diag_lines(&errs),
            [
                "1:9 `find` text \"Trudeau's Liberals\" does not occur in the original | did you mean \"Trudeau’s Liberals\" (line 2, column 17)? the text uses curly quotes or apostrophes (’ “ ”): copy them exactly"
            ]
        );
    }

    #[test]
    fn ambiguous_lists_every_match() {
        let (_d, a) = article(
            "said x\nsaid y said",
            "- {find: said, replace: told, why: w}\n",
            "",
        );
        let errs = resolve(&a).unwrap_err();
        let d = errs[0].to_diagnostic();
        assert_eq!(d.message, "`find` matches 3 times in the original");
        assert_eq!(d.notes, ["matches at line:column 1:1, 2:1, 2:8"]);
        assert_eq!(d.related.len(), 3);
    }

    #[test]
    fn identical_all_true_corrections_give_one_error_per_group() {
        // 500 copies used to give 124,750 pair errors (594 MB of output).
        let n = 500;
        let entry = "- {find: Celebration, replace: Party, all: true, why: w}\n";
        let original = "the Celebration won; the Celebration lost\n".repeat(20);
        let (_d, a) = article(&original, &entry.repeat(n), "");
        let errs = resolve(&a).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        let d = errs[0].to_diagnostic();
        assert_eq!(
            d.message,
            "500 corrections overlap: \"Celebration\", \"Celebration\" and 498 more claim the same text"
        );
        // The first two entries and three more are pointed at; the rest are counted.
        assert_eq!(d.related.len(), 2 + 3);
        assert_eq!(
            d.notes,
            ["and 495 more corrections of this file claim the same text"]
        );
        // Two separate groups are two errors.
        let (_d, a) = article(
            "a b c d",
            "- {find: a b, replace: x, why: w}\n- {find: b, replace: y, why: w}\n- {find: c d, replace: z, why: w}\n- {find: d, replace: q, why: w}\n",
            "",
        );
        assert_eq!(resolve(&a).unwrap_err().len(), 2);
    }

    #[test]
    fn overlaps_name_both_entries() {
        let (_d, a) = article(
            "the Liberal Celebration won",
            "- {find: Liberal Celebration, replace: Liberal Party, why: w}\n- {find: Celebration, replace: Party, why: w}\n",
            "",
        );
        let errs = resolve(&a).unwrap_err();
        let d = errs[0].to_diagnostic();
        assert_eq!(d.code, "overlap");
        assert_eq!(d.location.as_ref().unwrap().line, 2);
        assert_eq!(d.related[0].location.line, 1);
        assert_eq!(d.related[0].message, "overlaps this one");
        assert_eq!(d.related[1].location.column, 13);
    }

    #[test]
    fn all_errors_of_an_article_are_reported() {
        let (_d, a) = article(
            "a a b",
            "- {find: a, replace: x, why: w}\n- {find: q, replace: y, why: w}\n- {find: b, replace: z, why: w, occurrence: 2}\n",
            "",
        );
        let errs = resolve(&a).unwrap_err();
        let codes: Vec<_> = errs.iter().map(|e| e.to_diagnostic().code).collect();
        assert_eq!(
            codes,
            [
                "find-ambiguous",
                "find-not-found",
                "occurrence-out-of-range"
            ]
        );
    }

    #[test]
    fn annotation_on_text_a_correction_removed_says_so() {
        let (_d, a) = article(
            "International Information reported it.",
            "- {find: International Information, replace: Global News, why: w}\n",
            "- quote: International Information\n  note: n\n",
        );
        let errs = resolve(&a).unwrap_err();
        let d = errs[0].to_diagnostic();
        assert_eq!(d.code, "quote-not-found");
        assert!(
            d.help
                .unwrap()
                .starts_with("a correction changes this text")
        );
        // on: original works
        let (_d, a) = article(
            "International Information reported it.",
            "- {find: International Information, replace: Global News, why: w}\n",
            "- quote: International Information\n  note: n\n  on: original\n- quote: Global News reported\n  note: m\n",
        );
        let e = resolve(&a).unwrap();
        assert_eq!(e.notes[0].range, 0..25);
        assert_eq!(e.notes[0].side, Side::Original);
        assert_eq!(e.notes[1].range, 0..20);
    }

    #[test]
    fn paragraph_breaks_may_be_changed() {
        let (_d, a) = article(
            "one two\nthree four",
            "- {find: \"two\\nthree\", replace: two three, why: w}\n",
            "",
        );
        assert_eq!(resolve(&a).unwrap().corrected, "one two three four");
    }

    #[test]
    fn counts_changed_words() {
        let changes = vec![Change {
            number: 1,
            entry: 0,
            original: 4..9,
            corrected: 4..8,
        }];
        assert_eq!(words_changed("the quick brown fox", &changes), (1, 4));
    }
}
