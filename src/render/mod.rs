//! Rendering an [`Edition`] into the data the templates show: aligned rows of
//! original and corrected HTML with their change apparatus, the reading view,
//! and the notes. Only inline text markup is produced here (the way a Markdown
//! renderer produces HTML); page structure lives in the theme's templates.
//!
//! [`edition_view`] runs the steps in order: parse both texts → align them
//! into rows (`Layout`) → number the notes in reading order → mark the
//! changes and notes in each column → render the rows with their changes →
//! render the notes → render the reading view.

pub mod blocks;
pub mod highlight;
pub mod markdown;
pub mod overlay;
pub mod page;

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use crate::anchors::{self, ChangeIds};
use crate::config::SiteConfig;
use crate::content::{Article, Format, Kind, Revision, Side, SourceRef, Status, StoryStatus};
use crate::diagnostics::{Code, Diagnostic};
use crate::engine::{Change, Edition, words_changed};
use crate::theme::Strings;
use crate::theme::strings::fill;

use blocks::{Block, MarkdownDoc, RowSpan, align_rows, markdown_blocks, text_blocks};
use highlight::Highlighter;
use markdown::{MarkdownStyle, render_blocks, render_note};
use overlay::{Mark, Overlay, Point};

/// Changes and notes of a Markdown edition that fall inside Markdown syntax
/// no mark can be put in (a link's address or title, an image, a code fence's
/// info string, a footnote label, a link reference definition): the page
/// could not show them, and the apparatus would link to anchors that do not
/// exist. Reported at check time, as errors.
pub fn markup_conflicts(article: &Article, edition: &Edition) -> Vec<Diagnostic> {
    if article.format != Format::Markdown {
        return Vec::new();
    }
    let mut in_original = markdown::unmarkable(&article.original.text);
    let mut in_corrected = markdown::unmarkable(&edition.corrected);
    // A range that holds no text readers see (only `*`, `#`, `>`…) cannot be
    // marked either: add it as a stretch of its own.
    let syntax_only =
        |text: &str, visible: &[Range<usize>], ranges: &mut dyn Iterator<Item = Range<usize>>| {
            ranges
                .filter(|r| !r.is_empty() && !markdown::touches_text(visible, r))
                .map(|r| markdown::Unmarkable {
                    zone: r.clone(),
                    construct: r,
                    coverable: false,
                    what: "Markdown syntax only (no text readers see)",
                })
                .filter(|u| !text[u.zone.clone()].trim().is_empty())
                .collect::<Vec<_>>()
        };
    let visible_original = markdown::visible_text(&article.original.text);
    let visible_corrected = markdown::visible_text(&edition.corrected);
    in_original.extend(syntax_only(
        &article.original.text,
        &visible_original,
        &mut edition.changes.iter().map(|c| c.original.clone()).chain(
            edition
                .notes
                .iter()
                .filter(|n| n.side == Side::Original)
                .map(|n| n.range.clone()),
        ),
    ));
    in_corrected.extend(syntax_only(
        &edition.corrected,
        &visible_corrected,
        &mut edition.changes.iter().map(|c| c.corrected.clone()).chain(
            edition
                .notes
                .iter()
                .filter(|n| n.side == Side::Corrected)
                .map(|n| n.range.clone()),
        ),
    ));
    let original = &article.original;
    let back = |r: &Range<usize>| edition.to_original(r.start)..edition.to_original(r.end);
    let conflict = |what: String,
                    at: crate::diagnostics::Location,
                    u: &markdown::Unmarkable,
                    place: Range<usize>| {
        Diagnostic::error(
            Code::InMarkup,
            format!("{what} falls inside {}, which the page cannot mark", u.what),
        )
        .at(at)
        .label("cannot be marked")
        .related(original.location(place), format!("inside {} here", u.what))
        .help("correct or quote only text readers see (a link's text, not its address), or make the correction cover the whole link or code block")
    };
    let mut out = Vec::new();
    let mut reported = std::collections::HashSet::new();
    for change in &edition.changes {
        let spec = &article.corrections[change.entry];
        let hit = markdown::cuts_markup(&in_original, &change.original)
            .map(|u| (u, change.original.clone()))
            .or_else(|| {
                markdown::cuts_markup(&in_corrected, &change.corrected)
                    .map(|u| (u, change.original.clone()))
            });
        if let Some((u, place)) = hit
            && reported.insert(("c", change.entry))
        {
            out.push(conflict(
                format!(
                    "correction {:?}",
                    crate::text::excerpt(&spec.selector.exact, 60)
                ),
                spec.pos.of("find").clone(),
                u,
                place,
            ));
        }
    }
    for note in &edition.notes {
        let spec = &article.annotations[note.entry];
        let hit =
            match note.side {
                Side::Original => markdown::cuts_markup(&in_original, &note.range)
                    .map(|u| (u, note.range.clone())),
                Side::Corrected => markdown::cuts_markup(&in_corrected, &note.range)
                    .map(|u| (u, back(&note.range))),
            };
        if let Some((u, place)) = hit
            && reported.insert(("n", note.entry))
        {
            out.push(conflict(
                format!(
                    "annotation {:?}",
                    crate::text::excerpt(&spec.selector.exact, 60)
                ),
                spec.pos.of("quote").clone(),
                u,
                place,
            ));
        }
    }
    out
}

/// Figures shown in an article's summary line and on the index.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
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

/// An edition's metadata: the one description of an article that templates
/// (as `article`), the index, feeds and every export share (exports flatten
/// it into their own documents). Fields a file does not set are left out.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct ArticleInfo {
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Publication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Link to the original publication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// Byline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Publication date of the original, ISO (templates: `| human_date`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// When the garbled copy was taken, ISO.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retrieved: Option<String>,
    /// Language of the text (the site's unless `meta.yaml` says otherwise).
    pub language: String,
    /// What the edition restores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// A DOI registered for the edition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// Which wording of the title is restored (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_note: Option<String>,
    /// Where the story stands now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<StoryStatus>,
    /// The edition's own revisions, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<Revision>,
    /// The original's format: `txt` or `md`.
    #[serde(rename = "format")]
    pub ext: String,
    /// Only built with `--drafts`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// Counts.
    pub stats: Stats,
}

/// One change, for the apparatus.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    /// Number shown to readers.
    pub number: usize,
    /// Its fragment ids on the page.
    pub ids: ChangeIds,
    /// Garbled text.
    pub original: String,
    /// Restored text.
    pub corrected: String,
    /// Category.
    pub kind: &'static str,
    /// The category as readers see it (`synonym swap`, from the strings table).
    pub kind_label: String,
    /// Explanation.
    pub why: Option<String>,
    /// Not yet reviewed.
    pub suggested: bool,
    /// An earlier change on the page with the same text and explanation
    /// (its explanation is not repeated): its number and ids.
    pub same_as: Option<usize>,
    /// The ids of `same_as`.
    pub same_as_ids: Option<ChangeIds>,
}

/// One aligned row of the side-by-side view.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    /// Its number (1-based), shown in the apparatus and the density map.
    pub number: usize,
    /// Anchor id of the passage in the corrected text (`p3`).
    pub id: String,
    /// Anchor id of the passage as received (`p3-o`).
    pub original_id: String,
    /// How densely the row was changed, 0 (not at all) to 4 (a change every
    /// few words): the shade of its cell in the density map.
    pub density: u8,
    /// A section break precedes this row.
    pub section_break: bool,
    /// The name of the row's cell in the density strip ("Passage 3: 2
    /// changes", from the strings `overview_passage`, `changes_one` and
    /// `changes_other`); `None` for a row without changes. Made here, once,
    /// rather than by three `replace` filters per row in the template.
    pub overview_label: Option<String>,
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
    /// Its id (`note-2`).
    pub id: String,
    /// The id of its reference in the text (`ref-2`), for the back-link.
    pub ref_id: String,
    /// Which text it annotates.
    pub side: Side,
    /// The quoted passage.
    pub quote: String,
    /// The note, as HTML.
    pub html: String,
    /// Sources.
    pub sources: Vec<SourceView>,
    /// Row the reference is in (`p3`), for the side-by-side view.
    pub row: String,
    /// Index of the entry in `annotations.yaml` (links a note to its exports).
    #[serde(skip)]
    pub entry: usize,
    /// The note as plain text (for the search index).
    #[serde(skip)]
    pub text: String,
}

/// A cited source as pages show it: the source and its type in words.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    /// The source as written in YAML.
    #[serde(flatten)]
    pub source: SourceRef,
    /// What kind of document it is, in words (`court record`), if given.
    pub type_label: Option<String>,
}

impl SourceView {
    fn of(source: &SourceRef, strings: &Strings) -> SourceView {
        SourceView {
            source: source.clone(),
            type_label: source
                .source_type
                .map(|t| strings.source_type_label(t).to_string()),
        }
    }
}

/// How many changes of one kind an edition makes (the filters of the page).
#[derive(Debug, Clone, Serialize)]
pub struct KindCount {
    /// The kind (`synonym`): the class of its marks and entries (`k-synonym`).
    pub kind: &'static str,
    /// Its heading in words (`Synonym swaps`).
    pub label: String,
    /// Changes of this kind.
    pub count: usize,
}

/// "Where the story stands" as pages show it: the first paragraph (the
/// outcome) on its own, so it can be shown before the rest.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    /// When the editor last checked it (ISO; templates: `| human_date`).
    pub as_of: String,
    /// The first block of the text, as HTML.
    pub lead_html: String,
    /// The rest of the text, as HTML (empty when the text is one block).
    pub more_html: String,
    /// Its sources.
    pub sources: Vec<SourceView>,
}

/// Markdown from `meta.yaml` rendered for one page (the reading view is a
/// folder deeper, so relative links differ).
#[derive(Debug, Clone, Default, Serialize)]
pub struct MetaHtml {
    /// Where the story stands.
    pub status: Option<StatusView>,
    /// The note on the title, as HTML.
    pub title_note: Option<String>,
}

/// A note the reading view does not show (it annotates the text as received):
/// its number and id on the edition page, so the reading view can point there.
#[derive(Debug, Clone, Serialize)]
pub struct NoteLink {
    /// Its number (the same on every page and in every export).
    pub number: usize,
    /// Its id on the edition page (`note-4`).
    pub id: String,
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
    /// Footnotes of the reading view: the notes on the corrected text, with
    /// the numbers they have on the edition page.
    pub reading_notes: Vec<NoteView>,
    /// The notes on the text as received, which the reading view cannot show.
    pub reading_elsewhere: Vec<NoteLink>,
    /// The kinds of change the edition makes, in display order, with counts.
    pub kinds: Vec<KindCount>,
    /// Status and title note for the edition page.
    pub meta_html: MetaHtml,
    /// The same for the reading view.
    pub reading_meta_html: MetaHtml,
    /// Whether any code block was highlighted on these pages.
    pub has_code: bool,
}

/// A passage quoted outside its text (apparatus, notes) with CRLF line breaks
/// as plain line feeds: pages carry no carriage returns.
fn lf(passage: &str) -> String {
    // Most texts have no CR at all: a copy, without setting up a substring
    // search for every change and note.
    if passage.contains('\r') {
        passage.replace("\r\n", "\n")
    } else {
        passage.to_string()
    }
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

/// An article's metadata as every output shows it.
pub fn article_info(article: &Article, edition: &Edition, config: &SiteConfig) -> ArticleInfo {
    let m = &article.meta;
    ArticleInfo {
        slug: article.slug.clone(),
        title: m.title.clone(),
        source: m.source.clone(),
        source_url: m.source_url.clone(),
        author: m.author.clone(),
        published: m.published.clone(),
        retrieved: m.retrieved.clone(),
        language: m
            .language
            .clone()
            .unwrap_or_else(|| config.language.clone()),
        summary: m.summary.clone(),
        tags: m.tags.clone(),
        doi: m.doi.clone(),
        title_note: m.title_note.clone(),
        status: m.status.clone(),
        revisions: m.revisions.clone(),
        ext: article.format.ext().to_string(),
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

/// A note reference. Its number is drawn by the stylesheet from `data-n`
/// (generated content is never copied with the text, so copying a passage
/// gives its words without the number glued to them); screen readers get
/// the number from the label.
fn note_ref(number: usize, strings: &Strings) -> Point {
    let label = crate::text::escape_html(&fill(
        &strings.note_reference,
        &[("n", &number.to_string())],
    ));
    Point {
        at: 0,
        html: format!(
            "<sup class=\"nref\"><a href=\"#{}\" id=\"{}\" role=\"doc-noteref\" aria-label=\"{label}\" data-n=\"{number}\"></a></sup>",
            anchors::note(number),
            anchors::note_ref(number),
        ),
        is_link: true,
    }
}

/// A change's siglum in a text: its number, linking to its entry in the
/// apparatus. Like note references, the number is drawn from `data-n`.
fn siglum(at: usize, number: usize, entry: &str, kind: &str, strings: &Strings) -> Point {
    // One per change per column on every page: concatenated, not formatted.
    let mut digits = itoa::Buffer::new();
    let n = digits.format(number);
    let label = crate::text::escape_html(&fill(&strings.change_reference, &[("n", n)]));
    Point {
        at,
        html: [
            "<a class=\"sig k-",
            kind,
            "\" href=\"#",
            entry,
            "\" data-c=\"",
            n,
            "\" data-n=\"",
            n,
            "\" aria-label=\"",
            &label,
            "\"></a>",
        ]
        .concat(),
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

/// The density strip's name for passage `number` with `changes` changes
/// (`None` without changes: its cell is not a link).
fn overview_label(number: usize, changes: usize, strings: &Strings) -> Option<String> {
    if changes == 0 {
        return None;
    }
    let (mut a, mut b) = (itoa::Buffer::new(), itoa::Buffer::new());
    let count = match changes {
        1 => &strings.changes_one,
        _ => &strings.changes_other,
    };
    let count = fill(count, &[("n", b.format(changes))]);
    Some(fill(
        &strings.overview_passage,
        &[("n", a.format(number)), ("changes", &count)],
    ))
}

/// The density level of a passage (0–4) from its number of changes and words:
/// none, fewer than one change in 20 words, in 8, in 4, and denser.
fn density(changes: usize, words: usize) -> u8 {
    if changes == 0 {
        return 0;
    }
    let per_word = changes as f64 / words.max(1) as f64;
    match per_word {
        r if r < 0.05 => 1,
        r if r < 0.125 => 2,
        r if r < 0.25 => 3,
        _ => 4,
    }
}

/// Where each block of both texts sits in the side-by-side rows.
struct Layout {
    rows: Vec<RowSpan>,
    row_of_original_block: Vec<usize>,
    row_of_corrected_block: Vec<usize>,
}

impl Layout {
    fn new(original: &Parsed<'_>, corrected: &Parsed<'_>, edition: &Edition) -> Layout {
        let rows = align_rows(
            original.blocks(),
            corrected.blocks(),
            |p| edition.to_corrected(p),
            |p| edition.to_original(p),
        );
        let mut row_of_original_block = vec![0; original.blocks().len()];
        let mut row_of_corrected_block = vec![0; corrected.blocks().len()];
        for (r, span) in rows.iter().enumerate() {
            for b in span.original.clone() {
                row_of_original_block[b] = r;
            }
            for b in span.corrected.clone() {
                row_of_corrected_block[b] = r;
            }
        }
        Layout {
            rows,
            row_of_original_block,
            row_of_corrected_block,
        }
    }
}

/// One article being rendered: its texts, parsed, and their layout.
struct EditionRenderer<'a> {
    article: &'a Article,
    edition: &'a Edition,
    config: &'a SiteConfig,
    highlighter: &'a Highlighter,
    strings: &'a Strings,
    original: &'a str,
    corrected: &'a str,
    original_parsed: Parsed<'a>,
    corrected_parsed: Parsed<'a>,
    layout: Layout,
}

impl<'a> EditionRenderer<'a> {
    fn new(
        article: &'a Article,
        edition: &'a Edition,
        config: &'a SiteConfig,
        highlighter: &'a Highlighter,
        strings: &'a Strings,
    ) -> Self {
        let original = article.original.text.as_str();
        let corrected = edition.corrected.as_str();
        let original_parsed = parse(original, article.format);
        let corrected_parsed = parse(corrected, article.format);
        let layout = Layout::new(&original_parsed, &corrected_parsed, edition);
        EditionRenderer {
            article,
            edition,
            config,
            highlighter,
            strings,
            original,
            corrected,
            original_parsed,
            corrected_parsed,
            layout,
        }
    }

    /// The row holding byte `pos` of one of the texts.
    fn row_of(&self, side: Side, pos: usize) -> usize {
        let (blocks, map) = match side {
            Side::Original => (
                self.original_parsed.blocks(),
                &self.layout.row_of_original_block,
            ),
            Side::Corrected => (
                self.corrected_parsed.blocks(),
                &self.layout.row_of_corrected_block,
            ),
        };
        if blocks.is_empty() {
            0
        } else {
            map[block_at(blocks, pos)]
        }
    }

    /// The row a note's reference is in (it follows the note's last character).
    fn row_of_note(&self, note: &crate::engine::Note) -> usize {
        let end = note.range.end.saturating_sub(1).max(note.range.start);
        self.row_of(note.side, end)
    }

    /// The notes in reading order (by row, original column first, then
    /// position): indexes into `edition.notes`, and each note's number.
    fn note_order(&self) -> (Vec<usize>, Vec<usize>) {
        let mut order: Vec<(usize, u8, usize, usize)> = self
            .edition
            .notes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let side_rank = u8::from(n.side == Side::Corrected);
                (self.row_of_note(n), side_rank, n.range.end, i)
            })
            .collect();
        order.sort();
        let order: Vec<usize> = order.into_iter().map(|(_, _, _, i)| i).collect();
        let mut number_of = vec![0; self.edition.notes.len()];
        for (num, &i) in order.iter().enumerate() {
            number_of[i] = num + 1;
        }
        (order, number_of)
    }

    fn style(&self) -> MarkdownStyle<'a> {
        MarkdownStyle {
            allow_raw_html: self.config.allow_raw_html,
            heading_shift: 1,
            id_prefix: "o-",
            highlighter: self.highlighter,
            relative_prefix: "",
        }
    }

    /// The overlays of both columns: changes (with their ids) and notes; and
    /// the ids of the changes, in order (for [`Self::changes_by_row`]).
    fn column_overlays(&self, number_of: &[usize]) -> (Overlay, Overlay, Vec<ChangeIds>) {
        let mut all_ids = Vec::with_capacity(self.edition.changes.len());
        let mut orig_marks = Vec::new();
        let mut corr_marks = Vec::new();
        let mut orig_points = Vec::new();
        let mut corr_points = Vec::new();
        for change in &self.edition.changes {
            let class = change_class(self.article, change);
            let kind = self.article.corrections[change.entry].kind.as_str();
            let n = change.number;
            let ids = ChangeIds::of(n);
            let mut digits = itoa::Buffer::new();
            let number = digits.format(n);
            // Each half names its partner and its entry, so scripts never
            // spell the id scheme. (Concatenated, not formatted: a dozen
            // strings per change on every page.)
            let data = |partner: &str| {
                [
                    "data-c=\"",
                    number,
                    "\" data-partner=\"",
                    partner,
                    "\" data-entry=\"",
                    &ids.entry,
                    "\"",
                ]
                .concat()
            };
            let (orig_data, corr_data) = (data(&ids.corrected), data(&ids.original));
            orig_marks.push(Mark {
                range: change.original.clone(),
                rank: 1,
                open_first: [
                    "<del class=\"",
                    &class,
                    "\" id=\"",
                    &ids.original,
                    "\" tabindex=\"-1\" ",
                    &orig_data,
                    ">",
                ]
                .concat(),
                open_rest: ["<del class=\"", &class, "\" ", &orig_data, ">"].concat(),
                close: "</del>",
            });
            orig_points.push(siglum(
                change.original.end,
                n,
                &ids.entry,
                kind,
                self.strings,
            ));
            if change.corrected.is_empty() {
                corr_points.push(Point {
                    at: change.corrected.start,
                    html: [
                        "<ins class=\"",
                        &class,
                        " gone\" id=\"",
                        &ids.corrected,
                        "\" tabindex=\"-1\" ",
                        &corr_data,
                        " title=\"",
                        &crate::text::escape_html(&self.strings.deleted_mark),
                        "\"></ins>",
                    ]
                    .concat(),
                    is_link: false,
                });
            } else {
                corr_marks.push(Mark {
                    range: change.corrected.clone(),
                    rank: 1,
                    open_first: [
                        "<ins class=\"",
                        &class,
                        "\" id=\"",
                        &ids.corrected,
                        "\" tabindex=\"-1\" ",
                        &corr_data,
                        ">",
                    ]
                    .concat(),
                    open_rest: ["<ins class=\"", &class, "\" ", &corr_data, ">"].concat(),
                    close: "</ins>",
                });
            }
            corr_points.push(siglum(
                change.corrected.end,
                n,
                &ids.entry,
                kind,
                self.strings,
            ));
            all_ids.push(ids);
        }
        for (i, note) in self.edition.notes.iter().enumerate() {
            let number = number_of[i];
            let mut point = note_ref(number, self.strings);
            point.at = note.range.end;
            let (marks, points) = match note.side {
                Side::Original => (&mut orig_marks, &mut orig_points),
                Side::Corrected => (&mut corr_marks, &mut corr_points),
            };
            marks.push(note_mark(note.range.clone(), number));
            points.push(point);
        }
        (
            Overlay::new(orig_marks, orig_points),
            Overlay::new(corr_marks, corr_points),
            all_ids,
        )
    }

    /// Each row's changes. A change identical to an earlier one (same text,
    /// same explanation) refers back to it instead of repeating the explanation.
    /// `ids` are the changes' ids, in order (made once, for the overlays).
    fn changes_by_row(&self, ids: Vec<ChangeIds>) -> Vec<Vec<ChangeView>> {
        let mut by_row: Vec<Vec<ChangeView>> = vec![Vec::new(); self.layout.rows.len()];
        // Only looked up, never iterated: the faster hash changes nothing written.
        let mut first_seen: foldhash::HashMap<(&str, &str, Option<&str>), usize> =
            foldhash::HashMap::default();
        for (change, ids) in self.edition.changes.iter().zip(ids) {
            let spec = &self.article.corrections[change.entry];
            let r = self.row_of(Side::Original, change.original.start);
            let (was, now) = (
                &self.original[change.original.clone()],
                &self.corrected[change.corrected.clone()],
            );
            let first = *first_seen
                .entry((was, now, spec.why.as_deref()))
                .or_insert(change.number);
            let same_as = (first != change.number).then_some(first);
            if let Some(list) = by_row.get_mut(r) {
                list.push(ChangeView {
                    number: change.number,
                    ids,
                    original: lf(was),
                    corrected: lf(now),
                    kind: spec.kind.as_str(),
                    kind_label: self.strings.change_kind_label(spec.kind).to_string(),
                    why: spec.why.clone(),
                    suggested: spec.status == Status::Suggested,
                    same_as,
                    same_as_ids: same_as.map(ChangeIds::of),
                });
            }
        }
        by_row
    }

    /// The side-by-side rows.
    fn rows(&self, number_of: &[usize]) -> Vec<RowView> {
        let (mut orig_overlay, mut corr_overlay, ids) = self.column_overlays(number_of);
        let orig_style = self.style();
        let corr_style = MarkdownStyle {
            id_prefix: "c-",
            ..orig_style
        };
        self.layout
            .rows
            .iter()
            .zip(self.changes_by_row(ids))
            .enumerate()
            .map(|(r, (span, changes))| {
                let section_break = self
                    .original_parsed
                    .blocks()
                    .get(span.original.start)
                    .filter(|_| !span.original.is_empty())
                    .or_else(|| self.corrected_parsed.blocks().get(span.corrected.start))
                    .is_some_and(|b| b.section_break);
                let text = plain_cell(
                    &self.corrected_parsed,
                    self.corrected,
                    span.corrected.clone(),
                );
                RowView {
                    number: r + 1,
                    id: anchors::row(r + 1),
                    original_id: anchors::row_original(r + 1),
                    density: density(changes.len(), text.split_whitespace().count()),
                    section_break,
                    overview_label: overview_label(r + 1, changes.len(), self.strings),
                    original: render_cell(
                        &self.original_parsed,
                        self.original,
                        span.original.clone(),
                        &mut orig_overlay,
                        &orig_style,
                    ),
                    corrected: render_cell(
                        &self.corrected_parsed,
                        self.corrected,
                        span.corrected.clone(),
                        &mut corr_overlay,
                        &corr_style,
                    ),
                    changes,
                    text,
                }
            })
            .collect()
    }

    /// The notes: side-by-side ones in reading order, and the reading view's
    /// (corrected-text notes only, with the same numbers: a note is cited by
    /// one number wherever it is read).
    fn notes(&self, order: &[usize], number_of: &[usize]) -> (Vec<NoteView>, Vec<NoteView>) {
        let note_style = MarkdownStyle {
            heading_shift: 3,
            id_prefix: "n-",
            ..self.style()
        };
        // Each note is rendered once for the edition page; the reading view is a
        // folder deeper, so notes with relative links are rendered again for it.
        let rendered: Vec<(String, String)> = self
            .edition
            .notes
            .iter()
            .map(|n| {
                let source = &self.article.annotations[n.entry].note;
                (
                    render_note(source, &note_style),
                    markdown::plain_text_of(source),
                )
            })
            .collect();
        let reading_style = MarkdownStyle {
            relative_prefix: "../",
            ..note_style
        };
        let view = |i: usize, number: usize, reading: bool| -> NoteView {
            let note = &self.edition.notes[i];
            let spec = &self.article.annotations[note.entry];
            let text = match note.side {
                Side::Original => self.original,
                Side::Corrected => self.corrected,
            };
            NoteView {
                number,
                id: anchors::note(number),
                ref_id: anchors::note_ref(number),
                side: note.side,
                quote: lf(&text[note.range.clone()]),
                html: if reading && markdown::has_relative_url(&spec.note) {
                    render_note(&spec.note, &reading_style)
                } else {
                    rendered[i].0.clone()
                },
                sources: spec
                    .sources
                    .iter()
                    .map(|s| SourceView::of(s, self.strings))
                    .collect(),
                row: anchors::row(self.row_of_note(note) + 1),
                entry: note.entry,
                text: rendered[i].1.clone(),
            }
        };
        let notes = order
            .iter()
            .map(|&i| view(i, number_of[i], false))
            .collect();
        let reading = order
            .iter()
            .filter(|&&i| self.edition.notes[i].side == Side::Corrected)
            .map(|&i| view(i, number_of[i], true))
            .collect();
        (notes, reading)
    }

    /// The Markdown of `meta.yaml` (status, title note) rendered for a page
    /// `relative_prefix` away from the article's folder.
    fn meta_html(&self, relative_prefix: &str) -> MetaHtml {
        let style = MarkdownStyle {
            heading_shift: 2,
            id_prefix: "m-",
            relative_prefix,
            ..self.style()
        };
        let meta = &self.article.meta;
        let status = meta.status.as_ref().map(|status| {
            // The first block (the outcome) is shown on its own; the rest
            // (the history) can be folded away.
            let text = status.text.trim();
            let (lead, more) = text
                .split_once("\n\n")
                .map_or((text, ""), |(a, b)| (a, b.trim()));
            StatusView {
                as_of: status.as_of.clone(),
                lead_html: render_note(lead, &style),
                more_html: if more.is_empty() {
                    String::new()
                } else {
                    render_note(more, &style)
                },
                sources: status
                    .sources
                    .iter()
                    .map(|s| SourceView::of(s, self.strings))
                    .collect(),
            }
        });
        MetaHtml {
            status,
            title_note: meta.title_note.as_ref().map(|n| render_note(n, &style)),
        }
    }

    /// The reading view: the corrected text alone, with references to its notes.
    fn reading_html(&self, number_of: &[usize]) -> String {
        let mut marks = Vec::new();
        let mut points = Vec::new();
        for (i, note) in self.edition.notes.iter().enumerate() {
            if note.side != Side::Corrected {
                continue;
            }
            let mut point = note_ref(number_of[i], self.strings);
            point.at = note.range.end;
            marks.push(note_mark(note.range.clone(), number_of[i]));
            points.push(point);
        }
        let mut overlay = Overlay::new(marks, points);
        match &self.corrected_parsed {
            Parsed::Text(blocks) => {
                let mut html = String::new();
                for b in blocks {
                    if b.section_break {
                        html.push_str("<hr class=\"section-break\">\n");
                    }
                    html.push_str("<p>");
                    overlay.run(
                        &mut html,
                        &self.corrected[b.range.clone()],
                        b.range.clone(),
                        true,
                    );
                    overlay.flush_points(&mut html, b.range.end);
                    html.push_str("</p>\n");
                }
                html
            }
            Parsed::Markdown(_) => {
                let style = MarkdownStyle {
                    id_prefix: "r-",
                    relative_prefix: "../",
                    ..self.style()
                };
                render_cell(
                    &self.corrected_parsed,
                    self.corrected,
                    0..self.corrected_parsed.blocks().len(),
                    &mut overlay,
                    &style,
                )
            }
        }
    }
}

/// How many changes of each kind the edition makes, in display order (kinds
/// it does not use are left out).
fn kind_counts(article: &Article, edition: &Edition, strings: &Strings) -> Vec<KindCount> {
    let mut counts: HashMap<Kind, usize> = HashMap::new();
    for change in &edition.changes {
        *counts
            .entry(article.corrections[change.entry].kind)
            .or_default() += 1;
    }
    Kind::ALL
        .into_iter()
        .filter_map(|kind| {
            counts.get(&kind).map(|&count| KindCount {
                kind: kind.as_str(),
                label: strings.kind_label(kind).to_string(),
                count,
            })
        })
        .collect()
}

/// Builds the side-by-side rows, the reading view and the notes of an article.
pub fn edition_view(
    article: &Article,
    edition: &Edition,
    config: &SiteConfig,
    highlighter: &Highlighter,
    strings: &Strings,
) -> EditionView {
    let renderer = EditionRenderer::new(article, edition, config, highlighter, strings);
    let (order, number_of) = renderer.note_order();
    let rows = renderer.rows(&number_of);
    let (notes, reading_notes) = renderer.notes(&order, &number_of);
    let reading_html = renderer.reading_html(&number_of);
    let reading_elsewhere = order
        .iter()
        .filter(|&&i| edition.notes[i].side == Side::Original)
        .map(|&i| NoteLink {
            number: number_of[i],
            id: anchors::note(number_of[i]),
        })
        .collect();
    let kinds = kind_counts(article, edition, strings);
    let meta_html = renderer.meta_html("");
    let reading_meta_html = renderer.meta_html("../");
    // Only pages that really contain highlighted code link the code stylesheet.
    let marker = "<pre class=\"code\">";
    let has_code = reading_html.contains(marker)
        || rows
            .iter()
            .any(|r| r.original.contains(marker) || r.corrected.contains(marker))
        || notes.iter().any(|n| n.html.contains(marker));
    EditionView {
        article: article_info(article, edition, config),
        rows,
        notes,
        reading_html,
        reading_notes,
        reading_elsewhere,
        kinds,
        meta_html,
        reading_meta_html,
        has_code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_are_shown_with_line_feeds_whether_or_not_they_hold_a_cr() {
        assert_eq!(lf("a\r\nb\rc\n"), "a\nb\rc\n");
        assert_eq!(lf("a\nb"), "a\nb");
        assert_eq!(lf(""), "");
    }

    #[test]
    fn the_density_strip_names_each_changed_passage_with_its_count() {
        let strings = Strings::builtin();
        assert_eq!(overview_label(3, 0, &strings), None);
        assert_eq!(
            overview_label(3, 1, &strings).as_deref(),
            Some("Passage 3: 1 change")
        );
        assert_eq!(
            overview_label(12, 11, &strings).as_deref(),
            Some("Passage 12: 11 changes")
        );
    }
}
