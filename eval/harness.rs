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
}

/// Loads `eval/spinner-map.yaml`.
pub fn load_map() -> Vec<MapEntry> {
    let text = std::fs::read_to_string(repo().join("eval/spinner-map.yaml")).unwrap();
    let index = emend::yaml::YamlIndex::build(&text).expect("spinner-map.yaml is YAML");
    let rows: Vec<(String, String, String)> =
        emend::yaml::de::from_node(index.root.as_ref().unwrap()).unwrap();
    rows.into_iter()
        .map(|(clean, garbled, kind)| MapEntry {
            clean,
            garbled,
            kind,
        })
        .collect()
}

/// The evaluation articles, by slug, in name order.
pub fn eval_articles() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(repo().join("eval/articles"))
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
    let mut keys: Vec<(String, String, String)> = Vec::new();
    for e in map {
        keys.push((e.clean.clone(), e.garbled.clone(), e.kind.clone()));
        if let (Some(c), Some(g)) = (capitalise(&e.clean), capitalise(&e.garbled)) {
            keys.push((c, g, e.kind.clone()));
        }
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(keys.iter().map(|k| k.0.as_str()))
        .unwrap();
    let mut text = String::new();
    let mut truth = Vec::new();
    let mut pos = 0;
    for m in ac.find_iter(clean) {
        let r = m.start()..m.end();
        if !emend::text::on_word_boundaries(clean, &r) {
            continue;
        }
        let (c, g, kind) = &keys[m.pattern().as_usize()];
        text.push_str(&clean[pos..r.start]);
        let start = text.len();
        text.push_str(g);
        truth.push((start..text.len(), c.clone(), kind.clone()));
        pos = r.end;
    }
    text.push_str(&clean[pos..]);
    Garbled { text, truth }
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
    s
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

/// Runs `emend suggest` (no writing) and returns its suggestions as edits.
pub fn suggestions(root: &Path, slug: &str, options: Options) -> Vec<Edit> {
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
    report
        .suggestions
        .into_iter()
        .map(|s| (s.range, s.replace))
        .collect()
}

/// Which sources a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sources {
    /// The dictionary and pattern detectors only.
    Dictionary,
    /// Site learning only.
    Site,
    /// Both.
    Both,
}

impl Sources {
    fn options(self) -> Options {
        Options {
            dictionary: self != Sources::Site,
            site: self != Sources::Dictionary,
            ..Options::default()
        }
    }
}

/// One evaluated text.
#[derive(Debug, Clone)]
pub struct Row {
    /// Article slug.
    pub slug: String,
    /// Sources used.
    pub sources: Sources,
    /// Figures.
    pub score: Score,
    /// Wrong and missed stretches.
    pub details: Vec<String>,
}

/// Evaluates every evaluation article (leave-one-out site learning over the
/// other evaluation articles and the seed) and the seed (site learning from
/// the evaluation articles).
pub fn evaluate(sources: &[Sources]) -> Vec<Row> {
    let map = load_map();
    let articles: Vec<(String, Garbled)> = eval_articles()
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
        .collect();
    let (seed_text, seed_truth, seed_corrections) = seed();
    let mut rows = Vec::new();
    for &src in sources {
        for (slug, g) in &articles {
            let mut site_articles = vec![SiteArticle {
                slug: slug.clone(),
                original: g.text.clone(),
                corrections: None,
            }];
            if src != Sources::Dictionary {
                for (other, og) in articles.iter().filter(|(s, _)| s != slug) {
                    site_articles.push(SiteArticle {
                        slug: other.clone(),
                        original: og.text.clone(),
                        corrections: Some(corrections_yaml(og)),
                    });
                }
                site_articles.push(SiteArticle {
                    slug: SEED.into(),
                    original: seed_text.clone(),
                    corrections: Some(seed_corrections.clone()),
                });
            }
            let dir = site(&site_articles);
            let got = suggestions(dir.path(), slug, src.options());
            let mut details = Vec::new();
            let score = score_with_details(&g.text, &truth_edits(g), &got, &mut details);
            rows.push(Row {
                slug: slug.clone(),
                sources: src,
                score,
                details,
            });
        }
        let mut site_articles = vec![SiteArticle {
            slug: SEED.into(),
            original: seed_text.clone(),
            corrections: None,
        }];
        if src != Sources::Dictionary {
            for (other, og) in &articles {
                site_articles.push(SiteArticle {
                    slug: other.clone(),
                    original: og.text.clone(),
                    corrections: Some(corrections_yaml(og)),
                });
            }
        }
        let dir = site(&site_articles);
        let got = suggestions(dir.path(), SEED, src.options());
        let mut details = Vec::new();
        let score = score_with_details(&seed_text, &seed_truth, &got, &mut details);
        rows.push(Row {
            slug: SEED.into(),
            sources: src,
            score,
            details,
        });
    }
    rows
}

/// The true substitutions as edits of the garbled text.
pub fn truth_edits(g: &Garbled) -> Vec<Edit> {
    g.truth
        .iter()
        .map(|(r, c, _)| (r.clone(), c.clone()))
        .collect()
}

/// The figures as a table.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "article                      sources     sugg  precision  restored         exact  WER before → after\n",
    );
    for r in rows {
        let s = &r.score;
        out.push_str(&format!(
            "{:<28} {:<10} {:>5}  {:>8.1}%  {:>3}/{:<3} {:>5.1}%  {:>4}   {:>5.1}% → {:>5.1}%\n",
            r.slug,
            format!("{:?}", r.sources).to_lowercase(),
            s.suggestions,
            s.precision() * 100.0,
            s.restored,
            s.truth,
            s.share() * 100.0,
            s.exact,
            s.wer_before() * 100.0,
            s.wer_after() * 100.0,
        ));
    }
    out
}

/// Totals over the evaluation articles (not the seed) for one source setting.
pub fn eval_total(rows: &[Row], sources: Sources) -> Score {
    let mut total = Score::default();
    for r in rows
        .iter()
        .filter(|r| r.sources == sources && r.slug != SEED)
    {
        total.add(&r.score);
    }
    total
}
