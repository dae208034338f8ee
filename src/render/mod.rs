//! Rendering an [`Edition`] into the data the templates show: aligned rows of
//! original and corrected HTML with their change apparatus, the reading view,
//! and the notes. Only inline text markup is produced here (the way a Markdown
//! renderer produces HTML); page structure lives in the theme's templates.

pub mod blocks;
pub mod highlight;
pub mod markdown;
pub mod overlay;

use std::ops::Range;

use serde::Serialize;

use crate::config::SiteConfig;
use crate::content::{Article, Format, Side, SourceRef, Status};
use crate::engine::{Change, Edition, words_changed};

use blocks::{Block, MarkdownDoc, RowSpan, align_rows, markdown_blocks, text_blocks};
use highlight::Highlighter;
use markdown::{MarkdownStyle, render_blocks, render_note};
use overlay::{Mark, Overlay, Point};

/// Figures shown in an article's summary line and on the index.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// Entries in corrections.yaml.
    pub corrections: usize,
    /// Places changed (an `all: true` entry changes several).
    pub changes: usize,
    /// Annotations.
    pub annotations: usize,
    /// Words of the original touched by a change.
    pub words_changed: usize,
    /// Words in the original.
    pub words_total: usize,
    /// `words_changed / words_total` as a percentage with one decimal.
    pub percent_changed: String,
    /// Corrections still marked `status: suggested`.
    pub unreviewed: usize,
}

/// Article metadata as the templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleInfo {
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Publication.
    pub source: Option<String>,
    /// Link to the original publication.
    pub source_url: Option<String>,
    /// Byline.
    pub author: Option<String>,
    /// Publication date, ISO.
    pub published: Option<String>,
    /// Publication date for people ("22 March 2023").
    pub published_human: Option<String>,
    /// Retrieval date, ISO.
    pub retrieved: Option<String>,
    /// Retrieval date for people.
    pub retrieved_human: Option<String>,
    /// What the edition restores.
    pub summary: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Language of the text.
    pub language: String,
    /// `txt` or `md`.
    pub ext: &'static str,
    /// Whether it is a draft (only built with `--drafts`).
    pub draft: bool,
    /// Counts.
    pub stats: Stats,
}

/// One change, for the apparatus.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    /// Number shown to readers.
    pub number: usize,
    /// Garbled text.
    pub original: String,
    /// Restored text.
    pub corrected: String,
    /// Category.
    pub kind: &'static str,
    /// Explanation.
    pub why: Option<String>,
    /// Not yet reviewed.
    pub suggested: bool,
    /// An earlier change on the page with the same text and explanation
    /// (its explanation is not repeated).
    pub same_as: Option<usize>,
}

/// One aligned row of the side-by-side view.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    /// Anchor id (`p3`).
    pub id: String,
    /// A section break precedes this row.
    pub section_break: bool,
    /// HTML of the original's blocks.
    pub original: String,
    /// HTML of the corrected blocks.
    pub corrected: String,
    /// Changes in this row, in order.
    pub changes: Vec<ChangeView>,
    /// The corrected text of the row as plain text (for the search index).
    #[serde(skip)]
    pub text: String,
}

/// One footnote.
#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    /// Number shown to readers.
    pub number: usize,
    /// Which text it annotates.
    pub side: Side,
    /// The quoted passage.
    pub quote: String,
    /// The note, as HTML.
    pub html: String,
    /// Sources.
    pub sources: Vec<SourceRef>,
    /// Row the reference is in (`p3`), for the side-by-side view.
    pub row: String,
    /// Index of the entry in `annotations.yaml` (links a note to its exports).
    #[serde(skip)]
    pub entry: usize,
    /// The note as plain text (for the search index).
    #[serde(skip)]
    pub text: String,
}

/// Everything the article templates need.
#[derive(Debug, Clone, Serialize)]
pub struct EditionView {
    /// Metadata and counts.
    pub article: ArticleInfo,
    /// The side-by-side rows.
    pub rows: Vec<RowView>,
    /// Footnotes of the side-by-side view, in reference order.
    pub notes: Vec<NoteView>,
    /// The corrected text alone, with note references (reading view).
    pub reading_html: String,
    /// Footnotes of the reading view (corrected-text notes, renumbered).
    pub reading_notes: Vec<NoteView>,
    /// Whether any code block was highlighted on these pages.
    pub has_code: bool,
}

/// A passage quoted outside its text (apparatus, notes) with CRLF line breaks
/// as plain line feeds: pages carry no carriage returns.
fn lf(passage: &str) -> String {
    passage.replace("\r\n", "\n")
}

/// "2023-03-22" → "22 March 2023".
pub fn human_date(iso: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut parts = iso.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let m: usize = m.parse().ok()?;
    let d: u32 = d.parse().ok()?;
    Some(format!("{d} {} {y}", MONTHS.get(m.checked_sub(1)?)?))
}

/// Computes an article's statistics.
pub fn stats(article: &Article, edition: &Edition) -> Stats {
    let (changed, total) = words_changed(&article.original.text, &edition.changes);
    let percent = if total == 0 {
        0.0
    } else {
        changed as f64 * 100.0 / total as f64
    };
    Stats {
        corrections: article.corrections.len(),
        changes: edition.changes.len(),
        annotations: article.annotations.len(),
        words_changed: changed,
        words_total: total,
        percent_changed: format!("{percent:.1}"),
        unreviewed: article
            .corrections
            .iter()
            .filter(|c| c.status == Status::Suggested)
            .count(),
    }
}

/// Metadata for templates.
pub fn article_info(article: &Article, edition: &Edition, config: &SiteConfig) -> ArticleInfo {
    let m = &article.meta;
    ArticleInfo {
        slug: article.slug.clone(),
        title: m.title.clone(),
        source: m.source.clone(),
        source_url: m.source_url.clone(),
        author: m.author.clone(),
        published: m.published.clone(),
        published_human: m.published.as_deref().and_then(human_date),
        retrieved: m.retrieved.clone(),
        retrieved_human: m.retrieved.as_deref().and_then(human_date),
        summary: m.summary.clone(),
        tags: m.tags.clone(),
        language: m
            .language
            .clone()
            .unwrap_or_else(|| config.language.clone()),
        ext: article.format.ext(),
        draft: m.draft,
        stats: stats(article, edition),
    }
}

/// A parsed text (either format), with its blocks.
enum Parsed<'a> {
    Text(Vec<Block>),
    Markdown(MarkdownDoc<'a>),
}

impl Parsed<'_> {
    fn blocks(&self) -> &[Block] {
        match self {
            Parsed::Text(b) => b,
            Parsed::Markdown(d) => &d.blocks,
        }
    }
}

fn parse(text: &str, format: Format) -> Parsed<'_> {
    match format {
        Format::Text => Parsed::Text(text_blocks(text)),
        Format::Markdown => Parsed::Markdown(markdown_blocks(text)),
    }
}

fn render_cell(
    parsed: &Parsed<'_>,
    text: &str,
    blocks: Range<usize>,
    overlay: &mut Overlay,
    style: &MarkdownStyle<'_>,
) -> String {
    match parsed {
        Parsed::Text(all) => {
            let mut html = String::new();
            for b in &all[blocks] {
                html.push_str("<p>");
                overlay.run(&mut html, &text[b.range.clone()], b.range.clone(), true);
                overlay.flush_points(&mut html, b.range.end);
                html.push_str("</p>\n");
            }
            html
        }
        Parsed::Markdown(doc) => {
            let list: Vec<&Block> = doc.blocks[blocks].iter().collect();
            render_blocks(&doc.events, text, &list, overlay, style)
        }
    }
}

/// The plain text of some blocks (for search): `.txt` paragraphs as they are,
/// Markdown without its markup.
fn plain_cell(parsed: &Parsed<'_>, text: &str, blocks: Range<usize>) -> String {
    let mut out = String::new();
    match parsed {
        Parsed::Text(all) => {
            for b in &all[blocks] {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(text[b.range.clone()].trim());
            }
        }
        Parsed::Markdown(doc) => {
            for b in &doc.blocks[blocks] {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&markdown::plain_text(&doc.events[b.events.clone()]));
            }
        }
    }
    out
}

/// The index of the block containing (or first after) `pos`.
fn block_at(blocks: &[Block], pos: usize) -> usize {
    blocks
        .partition_point(|b| b.range.end <= pos)
        .min(blocks.len().saturating_sub(1))
}

fn change_class(article: &Article, change: &Change) -> String {
    let spec = &article.corrections[change.entry];
    let mut class = format!("chg k-{}", spec.kind.as_str());
    if spec.status == Status::Suggested {
        class.push_str(" sug");
    }
    class
}

fn note_ref(number: usize, prefix: &str) -> Point {
    Point {
        at: 0,
        html: format!(
            "<sup class=\"nref\"><a href=\"#{prefix}note-{number}\" id=\"{prefix}ref-{number}\" role=\"doc-noteref\" aria-label=\"Note {number}\">{number}</a></sup>"
        ),
        is_link: true,
    }
}

fn note_mark(range: Range<usize>, number: usize) -> Mark {
    Mark {
        range,
        rank: 0,
        open_first: format!("<mark class=\"anno\" data-n=\"{number}\">"),
        open_rest: format!("<mark class=\"anno\" data-n=\"{number}\">"),
        close: "</mark>",
    }
}

/// Builds the side-by-side rows, the reading view and the notes of an article.
pub fn edition_view(
    article: &Article,
    edition: &Edition,
    config: &SiteConfig,
    highlighter: &Highlighter,
) -> EditionView {
    let original = article.original.text.as_str();
    let corrected = edition.corrected.as_str();
    let orig_parsed = parse(original, article.format);
    let corr_parsed = parse(corrected, article.format);
    let rows = align_rows(
        orig_parsed.blocks(),
        corr_parsed.blocks(),
        |p| edition.to_corrected(p),
        |p| edition.to_original(p),
    );
    let mut row_of_orig_block = vec![0; orig_parsed.blocks().len()];
    let mut row_of_corr_block = vec![0; corr_parsed.blocks().len()];
    for (r, span) in rows.iter().enumerate() {
        for b in span.original.clone() {
            row_of_orig_block[b] = r;
        }
        for b in span.corrected.clone() {
            row_of_corr_block[b] = r;
        }
    }
    let row_of = |side: Side, pos: usize| -> usize {
        let (blocks, map) = match side {
            Side::Original => (orig_parsed.blocks(), &row_of_orig_block),
            Side::Corrected => (corr_parsed.blocks(), &row_of_corr_block),
        };
        if blocks.is_empty() {
            0
        } else {
            map[block_at(blocks, pos)]
        }
    };

    // Number notes in reading order: by row, original column first, then position.
    let mut order: Vec<(usize, u8, usize, usize)> = edition
        .notes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let end = n.range.end.saturating_sub(1).max(n.range.start);
            let side_rank = u8::from(n.side == Side::Corrected);
            (row_of(n.side, end), side_rank, n.range.end, i)
        })
        .collect();
    order.sort();
    let mut number_of = vec![0; edition.notes.len()];
    for (num, &(_, _, _, i)) in order.iter().enumerate() {
        number_of[i] = num + 1;
    }

    // Marks and points for each column.
    let mut orig_marks = Vec::new();
    let mut corr_marks = Vec::new();
    let mut orig_points = Vec::new();
    let mut corr_points = Vec::new();
    for change in &edition.changes {
        let class = change_class(article, change);
        let n = change.number;
        orig_marks.push(Mark {
            range: change.original.clone(),
            rank: 1,
            open_first: format!("<del class=\"{class}\" id=\"c{n}-o\" data-c=\"{n}\">"),
            open_rest: format!("<del class=\"{class}\" data-c=\"{n}\">"),
            close: "</del>",
        });
        if change.corrected.is_empty() {
            corr_points.push(Point {
                at: change.corrected.start,
                html: format!("<ins class=\"{class} gone\" id=\"c{n}-c\" data-c=\"{n}\" title=\"deleted\"></ins>"),
                is_link: false,
            });
        } else {
            corr_marks.push(Mark {
                range: change.corrected.clone(),
                rank: 1,
                open_first: format!("<ins class=\"{class}\" id=\"c{n}-c\" data-c=\"{n}\">"),
                open_rest: format!("<ins class=\"{class}\" data-c=\"{n}\">"),
                close: "</ins>",
            });
        }
    }
    for (i, note) in edition.notes.iter().enumerate() {
        let number = number_of[i];
        let mut point = note_ref(number, "");
        point.at = note.range.end;
        let (marks, points) = match note.side {
            Side::Original => (&mut orig_marks, &mut orig_points),
            Side::Corrected => (&mut corr_marks, &mut corr_points),
        };
        marks.push(note_mark(note.range.clone(), number));
        points.push(point);
    }

    let orig_style = MarkdownStyle {
        allow_raw_html: config.allow_raw_html,
        heading_shift: 1,
        id_prefix: "o-",
        highlighter,
        relative_prefix: "",
    };
    let corr_style = MarkdownStyle {
        id_prefix: "c-",
        ..orig_style
    };
    let mut orig_overlay = Overlay::new(orig_marks, orig_points);
    let mut corr_overlay = Overlay::new(corr_marks, corr_points);

    // Changes per row. A change identical to an earlier one (same text, same
    // explanation) refers back to it instead of repeating the explanation.
    let mut changes_by_row: Vec<Vec<ChangeView>> = vec![Vec::new(); rows.len()];
    let mut first_seen: std::collections::HashMap<(&str, &str, Option<&str>), usize> =
        std::collections::HashMap::new();
    for change in &edition.changes {
        let spec = &article.corrections[change.entry];
        let r = row_of(Side::Original, change.original.start);
        let (was, now) = (
            &original[change.original.clone()],
            &corrected[change.corrected.clone()],
        );
        let first = *first_seen
            .entry((was, now, spec.why.as_deref()))
            .or_insert(change.number);
        if let Some(list) = changes_by_row.get_mut(r) {
            list.push(ChangeView {
                number: change.number,
                original: lf(was),
                corrected: lf(now),
                kind: spec.kind.as_str(),
                why: spec.why.clone(),
                suggested: spec.status == Status::Suggested,
                same_as: (first != change.number).then_some(first),
            });
        }
    }

    let row_views: Vec<RowView> = rows
        .iter()
        .zip(changes_by_row)
        .enumerate()
        .map(
            |(r, (span, changes)): (usize, (&RowSpan, Vec<ChangeView>))| {
                let section_break = orig_parsed
                    .blocks()
                    .get(span.original.start)
                    .filter(|_| !span.original.is_empty())
                    .or_else(|| corr_parsed.blocks().get(span.corrected.start))
                    .is_some_and(|b| b.section_break);
                RowView {
                    id: format!("p{}", r + 1),
                    section_break,
                    original: render_cell(
                        &orig_parsed,
                        original,
                        span.original.clone(),
                        &mut orig_overlay,
                        &orig_style,
                    ),
                    corrected: render_cell(
                        &corr_parsed,
                        corrected,
                        span.corrected.clone(),
                        &mut corr_overlay,
                        &corr_style,
                    ),
                    changes,
                    text: plain_cell(&corr_parsed, corrected, span.corrected.clone()),
                }
            },
        )
        .collect();

    let note_html_style = MarkdownStyle {
        heading_shift: 3,
        id_prefix: "n-",
        ..orig_style
    };
    // Each note is rendered once for the edition page; the reading view is a
    // folder deeper, so notes with relative links are rendered again for it.
    let note_html: Vec<(String, String)> = edition
        .notes
        .iter()
        .map(|n| {
            let source = &article.annotations[n.entry].note;
            (
                render_note(source, &note_html_style),
                markdown::plain_text_of(source),
            )
        })
        .collect();
    let reading_note_style = MarkdownStyle {
        relative_prefix: "../",
        ..note_html_style
    };
    let note_view = |i: usize, number: usize, reading: bool| -> NoteView {
        let note = &edition.notes[i];
        let spec = &article.annotations[note.entry];
        let text = match note.side {
            Side::Original => original,
            Side::Corrected => corrected,
        };
        let end = note.range.end.saturating_sub(1).max(note.range.start);
        NoteView {
            number,
            side: note.side,
            quote: lf(&text[note.range.clone()]),
            html: if reading && markdown::has_relative_url(&spec.note) {
                render_note(&spec.note, &reading_note_style)
            } else {
                note_html[i].0.clone()
            },
            sources: spec.sources.clone(),
            row: format!("p{}", row_of(note.side, end) + 1),
            entry: note.entry,
            text: note_html[i].1.clone(),
        }
    };
    let notes: Vec<NoteView> = order
        .iter()
        .map(|&(_, _, _, i)| note_view(i, number_of[i], false))
        .collect();

    // Reading view: corrected text, notes on the corrected text only, renumbered.
    let mut reading_marks = Vec::new();
    let mut reading_points = Vec::new();
    let mut reading_notes = Vec::new();
    for &(_, _, _, i) in &order {
        let note = &edition.notes[i];
        if note.side != Side::Corrected {
            continue;
        }
        let number = reading_notes.len() + 1;
        let mut point = note_ref(number, "");
        point.at = note.range.end;
        reading_marks.push(note_mark(note.range.clone(), number));
        reading_points.push(point);
        reading_notes.push(note_view(i, number, true));
    }
    let mut reading_overlay = Overlay::new(reading_marks, reading_points);
    let reading_style = MarkdownStyle {
        id_prefix: "r-",
        relative_prefix: "../",
        ..orig_style
    };
    let all_blocks = 0..corr_parsed.blocks().len();
    let reading_html = match &corr_parsed {
        Parsed::Text(blocks) => {
            let mut html = String::new();
            for b in blocks {
                if b.section_break {
                    html.push_str("<hr class=\"section-break\">\n");
                }
                html.push_str("<p>");
                reading_overlay.run(
                    &mut html,
                    &corrected[b.range.clone()],
                    b.range.clone(),
                    true,
                );
                reading_overlay.flush_points(&mut html, b.range.end);
                html.push_str("</p>\n");
            }
            html
        }
        Parsed::Markdown(_) => render_cell(
            &corr_parsed,
            corrected,
            all_blocks,
            &mut reading_overlay,
            &reading_style,
        ),
    };

    // Only pages that really contain highlighted code link the code stylesheet.
    let marker = "<pre class=\"code\">";
    let has_code = reading_html.contains(marker)
        || row_views
            .iter()
            .any(|r| r.original.contains(marker) || r.corrected.contains(marker))
        || notes.iter().any(|n| n.html.contains(marker));
    EditionView {
        article: article_info(article, edition, config),
        rows: row_views,
        notes,
        reading_html,
        reading_notes,
        has_code,
    }
}
