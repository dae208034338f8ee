//! The evaluation of `emend suggest`, shared by `examples/eval_suggest.rs`
//! (prints the figures) and `tests/suggest_eval.rs` (asserts precision).
//!
//! - Evaluation articles (`eval/articles/*.txt`, clean text written for this)
//!   are garbled with `eval/spinner-map.yaml`, a word/phrase map applied in one
//!   pass; the garbler records every substitution, which is the ground truth.
//! - `emend suggest` runs on each garbled article in a temporary site, through
//!   the same code path as the CLI (without `--write`).
//! - A suggestion is correct when, together with the suggestions and true
//!   substitutions it overlaps, it turns its stretch of text into exactly the
//!   clean text. Precision is correct suggestions / suggestions; "restored" is
//!   the share of true substitutions whose stretch comes out exactly right.
//! - Word error rate (words and punctuation marks as tokens) of the garbled
//!   text and of the suggestion-corrected text against the clean text.
//! - The seed article is scored the same way against its accepted corrections.
#![allow(dead_code)]

use std::ops::Range;
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, MatchKind};
use emend::content::{Loaded, load_article};
use emend::engine::anchor::Matches;
use emend::suggest::rules::Tokens;
use emend::suggest::{self, Options, Request};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed article's slug.
pub const SEED: &str = "han-dong-two-michaels";

/// The evaluation article kept out of all tuning.
pub const HELD_OUT: &str = "e-heldout-hospital-staffing";

/// An edit of a text: a byte range and what it becomes.
pub type Edit = (Range<usize>, String);

/// One substitution of the evaluation spinner.
#[derive(Debug, Clone)]
pub struct MapEntry {
    /// Clean text.
    pub clean: String,
    /// What the spinner writes instead.
    pub garbled: String,
    /// Correction kind.
    pub kind: String,
    /// A swap of the held-out extension (not of the tuning map).
    pub new: bool,
}

/// Loads `eval/spinner-map.yaml`, the tuning spinner.
pub fn load_map() -> Vec<MapEntry> {
    load_map_file("eval/spinner-map.yaml")
}

/// Loads a spinner map (a list of `[clean, garbled, kind]`), relative to the repository.
pub fn load_map_file(rel: &str) -> Vec<MapEntry> {
    let text = std::fs::read_to_string(repo().join(rel)).unwrap();
    let index = emend::yaml::YamlIndex::build(&text).expect("a spinner map is YAML");
    let rows: Vec<(String, String, String)> =
        emend::yaml::de::from_node(index.root.as_ref().unwrap()).unwrap();
    rows.into_iter()
        .map(|(clean, garbled, kind)| MapEntry {
            clean,
            garbled,
            kind,
            new: false,
        })
        .collect()
}

/// The evaluation articles, by slug, in name order.
pub fn eval_articles() -> Vec<(String, String)> {
    articles_in("eval/articles")
}

/// The clean articles of a folder (relative to the repository), by slug, in name order.
pub fn articles_in(rel: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(repo().join(rel))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// A garbled text and the truth about it.
#[derive(Debug, Clone)]
pub struct Garbled {
    /// The garbled text.
    pub text: String,
    /// Each substitution: range in the garbled text, clean text, kind.
    pub truth: Vec<(Range<usize>, String, String)>,
    /// Per substitution: made by a swap of the held-out extension.
    pub new: Vec<bool>,
}

fn capitalise(s: &str) -> Option<String> {
    let mut c = s.chars();
    let first = c.next()?;
    first
        .is_lowercase()
        .then(|| first.to_uppercase().chain(c).collect())
}

/// Applies the spinner map in one pass: longest match first, whole words only.
pub fn garble(clean: &str, map: &[MapEntry]) -> Garbled {
    let mut keys: Vec<(String, String, String, bool)> = Vec::new();
    for e in map {
        keys.push((e.clean.clone(), e.garbled.clone(), e.kind.clone(), e.new));
        if let (Some(c), Some(g)) = (capitalise(&e.clean), capitalise(&e.garbled)) {
            keys.push((c, g, e.kind.clone(), e.new));
        }
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(keys.iter().map(|k| k.0.as_str()))
        .unwrap();
    let mut text = String::new();
    let mut truth = Vec::new();
    let mut new = Vec::new();
    let mut pos = 0;
    for m in ac.find_iter(clean) {
        let r = m.start()..m.end();
        if !emend::text::on_word_boundaries(clean, &r) {
            continue;
        }
        let (c, g, kind, is_new) = &keys[m.pattern().as_usize()];
        text.push_str(&clean[pos..r.start]);
        let start = text.len();
        text.push_str(g);
        truth.push((start..text.len(), c.clone(), kind.clone()));
        new.push(*is_new);
        pos = r.end;
    }
    text.push_str(&clean[pos..]);
    Garbled { text, truth, new }
}

/// Applies non-overlapping edits to `text`.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (r, s) in edits {
        out.push_str(&text[pos..r.start]);
        out.push_str(s);
        pos = r.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Word-level edit distance (words, numbers and punctuation marks are tokens).
pub fn word_errors(reference: &str, hypothesis: &str) -> (usize, usize) {
    let tok = |t: &str| -> Vec<String> {
        let toks = Tokens::new(t);
        (0..toks.tokens.len())
            .map(|i| toks.str(i).to_string())
            .collect()
    };
    let r = tok(reference);
    let h = tok(hypothesis);
    let mut prev: Vec<usize> = (0..=h.len()).collect();
    let mut cur = vec![0; h.len() + 1];
    for i in 1..=r.len() {
        cur[0] = i;
        for j in 1..=h.len() {
            let sub = prev[j - 1] + usize::from(r[i - 1] != h[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[h.len()], r.len())
}

/// Figures for one or more texts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Score {
    /// Suggestions made.
    pub suggestions: usize,
    /// Suggestions whose stretch comes out exactly right.
    pub correct: usize,
    /// True substitutions (or accepted changes).
    pub truth: usize,
    /// True substitutions whose stretch comes out exactly right.
    pub restored: usize,
    /// True substitutions reproduced by a suggestion with the same range and text.
    pub exact: usize,
    /// Word errors of the garbled text.
    pub errors_before: usize,
    /// Word errors after applying the suggestions.
    pub errors_after: usize,
    /// Tokens of the clean text.
    pub words: usize,
}

impl Score {
    /// Adds another text's figures.
    pub fn add(&mut self, o: &Score) {
        self.suggestions += o.suggestions;
        self.correct += o.correct;
        self.truth += o.truth;
        self.restored += o.restored;
        self.exact += o.exact;
        self.errors_before += o.errors_before;
        self.errors_after += o.errors_after;
        self.words += o.words;
    }

    /// Correct suggestions / suggestions (1 when there are none).
    pub fn precision(&self) -> f64 {
        if self.suggestions == 0 {
            1.0
        } else {
            self.correct as f64 / self.suggestions as f64
        }
    }

    /// Restored substitutions / substitutions.
    pub fn share(&self) -> f64 {
        self.restored as f64 / self.truth.max(1) as f64
    }

    /// Word error rate before suggestions.
    pub fn wer_before(&self) -> f64 {
        self.errors_before as f64 / self.words.max(1) as f64
    }

    /// Word error rate after applying the suggestions.
    pub fn wer_after(&self) -> f64 {
        self.errors_after as f64 / self.words.max(1) as f64
    }
}

/// Scores suggestions for `original` against the true edits.
pub fn score(original: &str, truth: &[Edit], suggestions: &[Edit]) -> Score {
    score_with_details(original, truth, suggestions, &mut Vec::new())
}

/// [`score`], also listing each wrong stretch (`wrong: …`) and each missed
/// true edit (`missed: …`).
pub fn score_with_details(
    original: &str,
    truth: &[Edit],
    suggestions: &[Edit],
    details: &mut Vec<String>,
) -> Score {
    score_marked(original, truth, suggestions, details).0
}

/// Which suggestions came out right, and for each true edit the suggestions
/// that restored it (empty when it was not restored).
#[derive(Debug, Clone, Default)]
pub struct Marks {
    /// Per suggestion: right.
    pub right: Vec<bool>,
    /// Per true edit: the suggestions of its stretch, if that stretch came out right.
    pub restored_by: Vec<Vec<usize>>,
}

/// [`score_with_details`], also marking each suggestion and true edit.
pub fn score_marked(
    original: &str,
    truth: &[Edit],
    suggestions: &[Edit],
    details: &mut Vec<String>,
) -> (Score, Marks) {
    let mut marks = Marks {
        right: vec![false; suggestions.len()],
        restored_by: vec![Vec::new(); truth.len()],
    };
    // (start, end, is_suggestion, index)
    let mut items: Vec<(usize, usize, bool, usize)> = truth
        .iter()
        .enumerate()
        .map(|(i, (r, _))| (r.start, r.end, false, i))
        .chain(
            suggestions
                .iter()
                .enumerate()
                .map(|(i, (r, _))| (r.start, r.end, true, i)),
        )
        .collect();
    items.sort();
    let mut s = Score {
        suggestions: suggestions.len(),
        truth: truth.len(),
        ..Score::default()
    };
    let mut i = 0;
    while i < items.len() {
        let start = items[i].0;
        let mut end = items[i].1;
        let mut j = i + 1;
        while j < items.len() && items[j].0 < end {
            end = end.max(items[j].1);
            j += 1;
        }
        let comp = &items[i..j];
        let shift = |edits: Vec<Edit>| -> Vec<Edit> {
            edits
                .into_iter()
                .map(|(r, t)| (r.start - start..r.end - start, t))
                .collect()
        };
        let t: Vec<Edit> = comp
            .iter()
            .filter(|c| !c.2)
            .map(|c| truth[c.3].clone())
            .collect();
        let g: Vec<Edit> = comp
            .iter()
            .filter(|c| c.2)
            .map(|c| suggestions[c.3].clone())
            .collect();
        let stretch = &original[start..end];
        let right = apply(stretch, &shift(t.clone())) == apply(stretch, &shift(g.clone()));
        if right {
            s.correct += g.len();
            s.restored += t.len();
            let by: Vec<usize> = comp.iter().filter(|c| c.2).map(|c| c.3).collect();
            for c in comp {
                if c.2 {
                    marks.right[c.3] = true;
                } else {
                    marks.restored_by[c.3] = by.clone();
                }
            }
        } else {
            let flat = |x: &str| x.replace('\n', "⏎");
            let want = flat(&apply(stretch, &shift(t.clone())));
            let got = flat(&apply(stretch, &shift(g.clone())));
            let what = if g.is_empty() { "missed" } else { "wrong " };
            let lo = emend::text::floor_char_boundary(original, start.saturating_sub(30));
            let hi = emend::text::floor_char_boundary(original, (end + 30).min(original.len()));
            details.push(format!(
                "{what}: {:?} → want {:?}, got {:?}   [{}]",
                flat(stretch),
                want,
                got,
                flat(&original[lo..hi])
            ));
        }
        i = j;
    }
    s.exact = truth.iter().filter(|t| suggestions.contains(t)).count();
    let clean = apply(original, truth);
    let (before, words) = word_errors(&clean, original);
    let (after, _) = word_errors(&clean, &apply(original, suggestions));
    s.errors_before = before;
    s.errors_after = after;
    s.words = words;
    (s, marks)
}

/// An article of a temporary evaluation site.
pub struct SiteArticle {
    /// Slug.
    pub slug: String,
    /// The original (garbled) text.
    pub original: String,
    /// Its corrections.yaml, if it has one.
    pub corrections: Option<String>,
}

/// Writes a site with these articles into a new temporary folder.
pub fn site(articles: &[SiteArticle]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.yaml"),
        "title: Evaluation\nbase_url: https://example.org/\n",
    )
    .unwrap();
    for a in articles {
        let d = dir.path().join("content").join(&a.slug);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("original.txt"), &a.original).unwrap();
        std::fs::write(d.join("meta.yaml"), format!("title: \"{}\"\n", a.slug)).unwrap();
        if let Some(c) = &a.corrections {
            std::fs::write(d.join("corrections.yaml"), c).unwrap();
        }
    }
    dir
}

/// The true substitutions of a garbled article as reviewed corrections (what
/// an editor would have accepted), for site learning.
pub fn corrections_yaml(g: &Garbled) -> String {
    let matches = Matches::find(&g.text, g.truth.iter().map(|(r, _, _)| &g.text[r.clone()]));
    let mut out = String::new();
    for (r, clean, kind) in &g.truth {
        let find = &g.text[r.clone()];
        let occs = matches.of(find);
        let n = occs
            .iter()
            .position(|o| o == r)
            .unwrap_or_else(|| panic!("{find:?} at {r:?} is not a match"));
        out.push_str(&format!(
            "- find: {}\n  replace: {}\n",
            suggest::write::quote(find),
            suggest::write::quote(clean)
        ));
        if occs.len() > 1 {
            out.push_str(&format!("  occurrence: {}\n", n + 1));
        }
        out.push_str(&format!(
            "  kind: {kind}\n  why: {}\n",
            suggest::write::quote(&format!("The spinner turned '{clean}' into '{find}'."))
        ));
    }
    out
}

/// The seed article: its original, its accepted changes and its corrections file.
pub fn seed() -> (String, Vec<Edit>, String) {
    let root = repo();
    let dir = root.join("content").join(SEED);
    let mut out = emend::diagnostics::Diagnostics::new();
    let Loaded::Article(a) = load_article(&root, &dir, true, &mut out) else {
        panic!("seed does not load: {out:?}")
    };
    let (corrected, changes) = emend::engine::apply_corrections(&a).unwrap();
    let truth = changes
        .iter()
        .map(|c| {
            (
                c.original.clone(),
                corrected[c.corrected.clone()].to_string(),
            )
        })
        .collect();
    let corrections = std::fs::read_to_string(dir.join("corrections.yaml")).unwrap();
    (a.original.text.clone(), truth, corrections)
}

/// What one `emend suggest` run returned, for scoring.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The suggestions as edits.
    pub edits: Vec<Edit>,
    /// Per suggestion: the kinds of source that proposed it.
    pub kinds: Vec<Vec<&'static str>>,
    /// The places flagged for review, with the restoration the model leans towards.
    pub flags: Vec<Edit>,
    /// Per flag: whether the thesaurus source proposed it.
    pub flag_thesaurus: Vec<bool>,
}

/// The kinds of source of a suggestion, by name (the one place the harness
/// reads origins).
fn origin_kinds(s: &suggest::Suggestion) -> Vec<&'static str> {
    suggest::origin::kinds(&s.origin)
        .into_iter()
        .map(|k| k.name())
        .collect()
}

/// Runs `emend suggest` (no writing) and returns what it found.
pub fn run_suggest(root: &Path, slug: &str, options: Options) -> Found {
    let mut out = emend::diagnostics::Diagnostics::new();
    let report = suggest::run(
        &Request {
            root: root.to_path_buf(),
            slug: slug.to_string(),
            write: false,
            options,
        },
        &mut out,
    )
    .unwrap_or_else(|| panic!("suggest failed: {out:?}"));
    Found {
        kinds: report.suggestions.iter().map(origin_kinds).collect(),
        edits: report
            .suggestions
            .into_iter()
            .map(|s| (s.range, s.replace))
            .collect(),
        flag_thesaurus: report
            .flags
            .iter()
            .map(|f| f.source == suggest::SourceKind::Thesaurus)
            .collect(),
        flags: report
            .flags
            .into_iter()
            .map(|f| (f.range, f.maybe))
            .collect(),
    }
}

/// Runs `emend suggest` (no writing) and returns its suggestions as edits.
pub fn suggestions(root: &Path, slug: &str, options: Options) -> Vec<Edit> {
    run_suggest(root, slug, options).edits
}

/// Which sources a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sources {
    /// The dictionary, pattern detectors and model only.
    Dictionary,
    /// Site learning only.
    Site,
    /// Everything (the default of `emend suggest`).
    Both,
    /// Everything but the plausibility model (`--no-model`).
    NoModel,
    /// Everything, and the thesaurus source's flags (`--thesaurus`).
    Thesaurus,
    /// The thesaurus source alone (`--thesaurus --no-dictionary --no-site`):
    /// on swaps no dictionary entry knows, which is what it is for.
    ThesaurusAlone,
}

impl Sources {
    fn options(self) -> Options {
        Options {
            dictionary: !matches!(self, Sources::Site | Sources::ThesaurusAlone),
            site: !matches!(self, Sources::Dictionary | Sources::ThesaurusAlone),
            model: self != Sources::NoModel,
            thesaurus: matches!(self, Sources::Thesaurus | Sources::ThesaurusAlone),
            ..Options::default()
        }
    }

    /// Its name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Sources::Dictionary => "dictionary",
            Sources::Site => "site",
            Sources::Both => "all",
            Sources::NoModel => "no model",
            Sources::Thesaurus => "thesaurus",
            Sources::ThesaurusAlone => "thes.only",
        }
    }
}

/// An evaluation set (eval/README.md says how each was made).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Set {
    /// eval/articles/*.txt garbled with the tuning map, and the seed: used for tuning.
    Tuning,
    /// eval/heldout/articles/*.txt garbled with the tuning map plus the held-out extension.
    SeedLike,
    /// eval/heldout/articles/*.txt garbled with the different spinner's map.
    Different,
    /// Every clean article, never garbled: what suggestions damage.
    Clean,
}

impl Set {
    /// Its name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Set::Tuning => "tuning",
            Set::SeedLike => "seed-like held-out",
            Set::Different => "different spinner held-out",
            Set::Clean => "clean",
        }
    }
}

/// Figures of one source within a run: suggestions it proposed (alone or with
/// others), how many were right, how many true edits they restored.
#[derive(Debug, Clone, Copy, Default)]
pub struct PerSource {
    /// Suggestions it proposed.
    pub suggestions: usize,
    /// Of which right.
    pub correct: usize,
    /// True edits restored by a stretch it proposed a suggestion in.
    pub restored: usize,
}

/// One evaluated text.
#[derive(Debug, Clone)]
pub struct Row {
    /// The set.
    pub set: Set,
    /// Article slug.
    pub slug: String,
    /// Sources used.
    pub sources: Sources,
    /// Figures.
    pub score: Score,
    /// Per kind of source (`dictionary`, `site learning`, `patterns`, `model`).
    pub per_source: Vec<(&'static str, PerSource)>,
    /// Places flagged for review.
    pub flags: usize,
    /// Flags on a truly garbled place.
    pub flags_right: usize,
    /// Flags whose restoration is exactly the clean text.
    pub flags_exact: usize,
    /// Flags of the thesaurus source: (places, on a truly garbled place,
    /// restoration exactly the clean text).
    pub thesaurus_flags: (usize, usize, usize),
    /// True edits of held-out swaps (not in the tuning map), and how many were restored.
    pub new_swaps: (usize, usize),
    /// Wrong and missed stretches.
    pub details: Vec<String>,
}

/// The source kinds reported, in order.
pub const SOURCE_KINDS: [&str; 4] = ["dictionary", "site learning", "patterns", "model"];

fn score_row(
    set: Set,
    slug: &str,
    sources: Sources,
    g: &Garbled,
    truth: &[Edit],
    found: &Found,
) -> Row {
    let mut details = Vec::new();
    let (score, marks) = score_marked(&g.text, truth, &found.edits, &mut details);
    let per_source = SOURCE_KINDS
        .iter()
        .map(|&kind| {
            let has = |i: &usize| found.kinds[*i].contains(&kind);
            let mine: Vec<usize> = (0..found.edits.len()).filter(has).collect();
            (
                kind,
                PerSource {
                    suggestions: mine.len(),
                    correct: mine.iter().filter(|&&i| marks.right[i]).count(),
                    restored: marks
                        .restored_by
                        .iter()
                        .filter(|by| by.iter().any(has))
                        .count(),
                },
            )
        })
        .collect();
    let overlaps = |a: &Range<usize>, b: &Range<usize>| a.start < b.end && b.start < a.end;
    let flags_right = found
        .flags
        .iter()
        .filter(|(r, _)| truth.iter().any(|(t, _)| overlaps(t, r)))
        .count();
    let flags_exact = found.flags.iter().filter(|f| truth.contains(f)).count();
    let thesaurus: Vec<&Edit> = found
        .flags
        .iter()
        .zip(&found.flag_thesaurus)
        .filter(|(_, t)| **t)
        .map(|(f, _)| f)
        .collect();
    let thesaurus_flags = (
        thesaurus.len(),
        thesaurus
            .iter()
            .filter(|(r, _)| truth.iter().any(|(t, _)| overlaps(t, r)))
            .count(),
        thesaurus.iter().filter(|f| truth.contains(f)).count(),
    );
    let new_total = g.new.iter().filter(|n| **n).count();
    let new_restored = marks
        .restored_by
        .iter()
        .zip(&g.new)
        .filter(|(by, n)| **n && !by.is_empty())
        .count();
    Row {
        set,
        slug: slug.to_string(),
        sources,
        score,
        per_source,
        flags: found.flags.len(),
        flags_right,
        flags_exact,
        thesaurus_flags,
        new_swaps: (new_total, new_restored),
        details,
    }
}

/// The tuning articles garbled with the tuning map.
fn tuning_articles() -> Vec<(String, Garbled)> {
    let map = load_map();
    eval_articles()
        .into_iter()
        .map(|(slug, clean)| {
            let g = garble(&clean, &map);
            assert_eq!(
                apply(&g.text, &truth_edits(&g)),
                clean,
                "the garbler's truth must restore {slug}"
            );
            (slug, g)
        })
        .collect()
}

/// The site articles site learning learns from: the tuning articles (but
/// `except`) with their true substitutions as accepted corrections, and the seed.
fn teachers(tuning: &[(String, Garbled)], except: &str) -> Vec<SiteArticle> {
    let (seed_text, _, seed_corrections) = seed();
    let mut out: Vec<SiteArticle> = tuning
        .iter()
        .filter(|(s, _)| s != except)
        .map(|(slug, g)| SiteArticle {
            slug: slug.clone(),
            original: g.text.clone(),
            corrections: Some(corrections_yaml(g)),
        })
        .collect();
    if except != SEED {
        out.push(SiteArticle {
            slug: SEED.into(),
            original: seed_text,
            corrections: Some(seed_corrections),
        });
    }
    out
}

/// Evaluates one garbled text as `slug` in a site with `teachers` (when the
/// sources learn from the site).
fn evaluate_one(
    set: Set,
    slug: &str,
    g: &Garbled,
    truth: &[Edit],
    src: Sources,
    teachers: Vec<SiteArticle>,
) -> Row {
    let mut site_articles = vec![SiteArticle {
        slug: slug.to_string(),
        original: g.text.clone(),
        corrections: None,
    }];
    if src != Sources::Dictionary {
        site_articles.extend(teachers);
    }
    let dir = site(&site_articles);
    let found = run_suggest(dir.path(), slug, src.options());
    score_row(set, slug, src, g, truth, &found)
}

/// Evaluates the given sets with the given source settings.
/// - Tuning: each tuning article learns from the other tuning articles and the
///   seed (leave one out); the seed learns from the tuning articles.
/// - Held-out sets and clean articles learn from the tuning articles and the
///   seed only: a held-out article never teaches anything.
pub fn evaluate_sets(sets: &[Set], sources: &[Sources]) -> Vec<Row> {
    let tuning = tuning_articles();
    let heldout = articles_in("eval/heldout/articles");
    let mut seedlike_map = load_map();
    seedlike_map.extend(
        load_map_file("eval/heldout/seedlike-extra.yaml")
            .into_iter()
            .map(|e| MapEntry { new: true, ..e }),
    );
    let different_map = load_map_file("eval/heldout/different-spinner.yaml");
    let mut rows = Vec::new();
    for &set in sets {
        for &src in sources {
            match set {
                Set::Tuning => {
                    for (slug, g) in &tuning {
                        let t = teachers(&tuning, slug);
                        rows.push(evaluate_one(set, slug, g, &truth_edits(g), src, t));
                    }
                    let (seed_text, seed_truth, _) = seed();
                    let g = Garbled {
                        text: seed_text,
                        truth: Vec::new(),
                        new: vec![false; seed_truth.len()],
                    };
                    let t = teachers(&tuning, SEED);
                    rows.push(evaluate_one(set, SEED, &g, &seed_truth, src, t));
                }
                Set::SeedLike | Set::Different => {
                    let map = if set == Set::SeedLike {
                        &seedlike_map
                    } else {
                        &different_map
                    };
                    for (slug, clean) in &heldout {
                        let g = garble(clean, map);
                        assert_eq!(apply(&g.text, &truth_edits(&g)), *clean);
                        let t = teachers(&tuning, slug);
                        rows.push(evaluate_one(set, slug, &g, &truth_edits(&g), src, t));
                    }
                }
                Set::Clean => {
                    for (slug, clean) in eval_articles().iter().chain(&heldout) {
                        let g = Garbled {
                            text: clean.clone(),
                            truth: Vec::new(),
                            new: Vec::new(),
                        };
                        let t = teachers(&tuning, slug);
                        rows.push(evaluate_one(set, slug, &g, &[], src, t));
                    }
                }
            }
        }
    }
    rows
}

/// The tuning set's rows for the given settings (the evaluation of before issue 18).
pub fn evaluate(sources: &[Sources]) -> Vec<Row> {
    evaluate_sets(&[Set::Tuning], sources)
}

/// The true substitutions as edits of the garbled text.
pub fn truth_edits(g: &Garbled) -> Vec<Edit> {
    g.truth
        .iter()
        .map(|(r, c, _)| (r.clone(), c.clone()))
        .collect()
}

/// The figures as a table, one row per article.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "set        article                      sources    places  precision  restored         WER before → after  flags (right)\n",
    );
    for r in rows {
        let s = &r.score;
        out.push_str(&format!(
            "{:<10} {:<28} {:<9} {:>6}  {:>8.1}%  {:>3}/{:<3} {:>5.1}%   {:>5.1}% → {:>5.1}%  {:>3} ({})\n",
            r.set.name().split(' ').next().unwrap_or(""),
            r.slug,
            r.sources.name(),
            s.suggestions,
            s.precision() * 100.0,
            s.restored,
            s.truth,
            s.share() * 100.0,
            s.wer_before() * 100.0,
            s.wer_after() * 100.0,
            r.flags,
            r.flags_right,
        ));
    }
    out
}

/// Totals of a set for one source setting (the seed, scored against its
/// accepted corrections, is left out of the tuning totals).
pub fn total(
    rows: &[Row],
    set: Set,
    sources: Sources,
) -> (Score, Vec<(&'static str, PerSource)>, Row) {
    let mut score = Score::default();
    let mut per: Vec<(&'static str, PerSource)> = SOURCE_KINDS
        .iter()
        .map(|k| (*k, PerSource::default()))
        .collect();
    let mut sum = Row {
        set,
        slug: "total".into(),
        sources,
        score: Score::default(),
        per_source: Vec::new(),
        flags: 0,
        flags_right: 0,
        flags_exact: 0,
        thesaurus_flags: (0, 0, 0),
        new_swaps: (0, 0),
        details: Vec::new(),
    };
    for r in rows
        .iter()
        .filter(|r| r.set == set && r.sources == sources && r.slug != SEED)
    {
        score.add(&r.score);
        for ((_, a), (_, b)) in per.iter_mut().zip(&r.per_source) {
            a.suggestions += b.suggestions;
            a.correct += b.correct;
            a.restored += b.restored;
        }
        sum.flags += r.flags;
        sum.flags_right += r.flags_right;
        sum.flags_exact += r.flags_exact;
        sum.thesaurus_flags.0 += r.thesaurus_flags.0;
        sum.thesaurus_flags.1 += r.thesaurus_flags.1;
        sum.thesaurus_flags.2 += r.thesaurus_flags.2;
        sum.new_swaps.0 += r.new_swaps.0;
        sum.new_swaps.1 += r.new_swaps.1;
    }
    sum.score = score;
    (score, per, sum)
}

/// Totals over the tuning articles (not the seed) for one source setting.
pub fn eval_total(rows: &[Row], sources: Sources) -> Score {
    total(rows, Set::Tuning, sources).0
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "–".into()
    } else {
        format!("{:.1}% ({a}/{b})", a as f64 * 100.0 / b as f64)
    }
}

/// The totals of every set and setting present, with the per-source figures.
pub fn summary(rows: &[Row]) -> String {
    let mut out = String::new();
    let mut keys: Vec<(Set, &'static str, Sources)> = rows
        .iter()
        .map(|r| (r.set, r.sources.name(), r.sources))
        .collect();
    keys.sort_by_key(|k| (k.0, k.1));
    keys.dedup_by_key(|k| (k.0, k.1));
    for (set, _, src) in keys {
        let (t, per, sum) = total(rows, set, src);
        if set == Set::Clean {
            out.push_str(&format!(
                "{:<27} {:<9} places {:>3}, WER {:.2}% → {:.2}% (+{:.4}), flags {} ({} thesaurus)\n",
                set.name(),
                src.name(),
                t.suggestions,
                t.wer_before() * 100.0,
                t.wer_after() * 100.0,
                t.wer_after() - t.wer_before(),
                sum.flags,
                sum.thesaurus_flags.0,
            ));
            continue;
        }
        out.push_str(&format!(
            "{:<27} {:<9} precision {}, restored {}, WER {:.1}% → {:.1}%, flags {} right{}\n",
            set.name(),
            src.name(),
            pct(t.correct, t.suggestions),
            pct(t.restored, t.truth),
            t.wer_before() * 100.0,
            t.wer_after() * 100.0,
            pct(sum.flags_right, sum.flags),
            if set == Set::SeedLike {
                format!(
                    "; held-out swaps restored {}",
                    pct(sum.new_swaps.1, sum.new_swaps.0)
                )
            } else {
                String::new()
            }
        ));
        let (n, right, exact) = sum.thesaurus_flags;
        if n > 0 {
            out.push_str(&format!(
                "    thesaurus flags {n}: on a garbled place {}, restoration exact {}\n",
                pct(right, n),
                pct(exact, n)
            ));
        }
        for (kind, p) in per {
            if p.suggestions > 0 {
                out.push_str(&format!(
                    "    {:<14} places {:>4}, precision {}, restored {}\n",
                    kind,
                    p.suggestions,
                    pct(p.correct, p.suggestions),
                    pct(p.restored, t.truth)
                ));
            }
        }
    }
    out
}
