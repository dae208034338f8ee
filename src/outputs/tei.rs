//! `/<slug>/tei.xml`: the edition as a TEI P5 document (valid against
//! `tei_all`), for scholars and the tools they use (TEI Publisher, oXygen,
//! CETEIcean, XSLT).
//!
//! # The encoding
//!
//! - `teiHeader`: the edition's title, its editors (`site.yaml` `editors`, with
//!   their ORCID iDs) or else the site's publisher as responsible, the
//!   publication by the site (address, DOI, the date the edition is cited by), the
//!   original publication in `sourceDesc` (author, title, publication, date,
//!   address, when the garbled copy was retrieved), the method statement
//!   (`editorialDecl/correction[@method="markup"]`), tags, and the
//!   edition's revisions (`revisionDesc`, newest first, as TEI recommends).
//! - `text/body`: the text *as received*, every character of it, in the
//!   structure of the original (paragraphs; for Markdown also headings opening
//!   nested `div`s, list items in `list`s, quotations, code and tables as
//!   `ab`). Each change is
//!   `<choice xml:id="c4"><sic>garbled</sic><corr resp="#…" type="kind">restored</corr></choice>`,
//!   followed by `<note type="correction" target="#c4">why</note>`.
//! - A correction that crosses a paragraph boundary (a paragraph the copy
//!   broke in two, or run-on paragraphs a correction splits) cannot sit in
//!   one `<p>`: the blocks it touches become one `<p>` (or `<ab>` when they are
//!   of different kinds), and every line break inside a block is written as
//!   `<lb/>` followed by the line break itself, inside `<sic>` or `<corr>`
//!   when the break belongs to one reading only. Between blocks, the line
//!   breaks and blank lines of the original are kept as whitespace (blank
//!   lines of a `.txt` original, its section breaks, also as
//!   `<milestone unit="section"/>`).
//! - Markdown syntax characters of the text as received (`#`, `-`, `>`, `*`,
//!   fences, table pipes) are kept in `<metamark function="markdown">`.
//! - Notes on passages are in `back`, each pointing with `@target` and
//!   `@targetEnd` to `<anchor>`s at the ends of its passage (in the shared
//!   text, or inside `sic`/`corr` when the passage starts or ends inside a
//!   change); their sources are `<listBibl><bibl>`s.
//!
//! So the *sic reading* of `body` (its text, choosing `sic` in each `choice`,
//! leaving out notes) is the original exactly, without its byte order mark, and
//! the *corr reading* is the corrected text exactly (`tests/tei.rs` reads both
//! back with an independent XML parser). Characters XML cannot carry (control
//! characters, noncharacters) become U+FFFD, as on the pages; carriage returns
//! are written `&#13;` so that XML parsers keep them.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::cite;
use crate::anchors;
use crate::config::SiteConfig;
use crate::content::{Article, Format, Side, SourceRef, Status};
use crate::engine::Edition;
use crate::render::EditionView;
use crate::render::blocks::{Block, markdown_blocks, markdown_options, text_blocks};
use crate::render::markdown::is_safe_url;
use crate::text::is_unrepresentable;
use crate::theme::Strings;

/// The file name of the TEI edition in an edition's folder.
pub const TEI_FILE: &str = "tei.xml";
/// The TEI namespace.
pub const TEI_NS: &str = "http://www.tei-c.org/ns/1.0";
/// The `xml:id` of the responsibility statement corrections point to when the
/// site names no editors.
const SITE_RESP_ID: &str = "editors";

/// Appends `text` as XML character data: the markup characters escaped,
/// carriage returns as references (a parser would turn a literal CR LF into
/// LF), characters XML cannot carry as U+FFFD.
fn push_text(out: &mut String, text: &str) {
    // Text is pushed in runs between the bytes that need a look: the three
    // specials, carriage returns, and what may start an unrepresentable
    // character (all ASCII or lead bytes, so each starts a character).
    // Continuation bytes (0x80–0xBF) never need a look, so every position
    // found starts a character.
    let mut last = 0;
    for at in crate::text::positions(text.as_bytes(), 0, needs_a_look) {
        let c = text[at..].chars().next().unwrap_or_default();
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '\r' => "&#13;",
            c if is_unrepresentable(c) => "\u{fffd}",
            _ => continue,
        };
        out.push_str(&text[last..at]);
        out.push_str(replacement);
        last = at + c.len_utf8();
    }
    out.push_str(&text[last..]);
}

/// Whether byte `b` of a text may need escaping or replacing in XML: a
/// special, a carriage return, or what may start an unrepresentable character.
#[inline]
fn needs_a_look(b: u8) -> bool {
    // Non-short-circuiting, like `is_suspect`, so that the block scan of
    // `positions` has no branch per byte.
    (b == b'&') | (b == b'<') | (b == b'>') | (b == b'\r') | crate::text::is_suspect(b)
}

/// Appends `text` as a double-quoted attribute value (whitespace characters
/// as references, since parsers normalise them in attributes).
fn push_attr(out: &mut String, text: &str) {
    let mut last = 0;
    for (at, b) in text.bytes().enumerate() {
        let reference = match b {
            b'"' => "&quot;",
            b'\n' => "&#10;",
            b'\t' => "&#9;",
            _ => continue,
        };
        push_text(out, &text[last..at]);
        out.push_str(reference);
        last = at + 1;
    }
    push_text(out, &text[last..]);
}

/// `<name attr="value"…>text</name>`.
fn element(out: &mut String, name: &str, attrs: &[(&str, &str)], text: &str) {
    open(out, name, attrs);
    push_text(out, text);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// `<name attr="value"…>`.
fn open(out: &mut String, name: &str, attrs: &[(&str, &str)]) {
    out.push('<');
    out.push_str(name);
    for (k, v) in attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        push_attr(out, v);
        out.push('"');
    }
    out.push('>');
}

/// Whether `c` is whitespace to XML (what may stand between elements).
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// What a block of the original becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitKind {
    /// `<p>`.
    Para,
    /// `<head>` opening a `<div>` of this level.
    Head(u8),
    /// `<item>` in a `<list>` (ordered or not).
    Item(bool),
    /// `<quote>`.
    Quote,
    /// `<ab type="…">`: code, tables, raw HTML, footnotes, rules.
    Block(&'static str),
    /// `<ab>`: blocks of different kinds joined by a correction, or text
    /// Markdown does not put in a block (link definitions).
    Mixed,
}

/// A top-level unit of the body: one block, or several joined by a change.
#[derive(Debug, Clone)]
struct Unit {
    range: Range<usize>,
    kind: UnitKind,
    /// A `.txt` section break (blank line) comes before it.
    section_break: bool,
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

/// The kind of a Markdown block, from its first event.
fn markdown_kind(events: &[(Event<'_>, Range<usize>)], block: &Block) -> UnitKind {
    match events.get(block.events.start).map(|(e, _)| e) {
        Some(Event::Start(Tag::Paragraph)) => UnitKind::Para,
        Some(Event::Start(Tag::Heading { level, .. })) => UnitKind::Head(heading_level(*level)),
        Some(Event::Start(Tag::Item)) if block.list_item.is_some() => {
            UnitKind::Item(matches!(block.list_item, Some(Some(_))))
        }
        Some(Event::Start(Tag::BlockQuote(_))) => UnitKind::Quote,
        Some(Event::Start(Tag::CodeBlock(_))) => UnitKind::Block("code"),
        Some(Event::Start(Tag::Table(_))) => UnitKind::Block("table"),
        Some(Event::Start(Tag::HtmlBlock)) | Some(Event::Html(_)) => UnitKind::Block("html"),
        Some(Event::Start(Tag::FootnoteDefinition(_))) => UnitKind::Block("footnote"),
        Some(Event::Rule) => UnitKind::Block("rule"),
        _ => UnitKind::Mixed,
    }
}

/// The byte ranges of a Markdown text that are text rather than syntax:
/// text, code (without its backticks) and raw HTML, sorted and disjoint.
fn content_ranges(events: &[(Event<'_>, Range<usize>)], source: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (event, range) in events {
        let range = match event {
            Event::Text(_) | Event::Html(_) | Event::InlineHtml(_) => range.clone(),
            Event::Code(_) => {
                let Some(span) = source.get(range.clone()) else {
                    continue;
                };
                let inner = span.trim_start_matches('`');
                let start = range.start + (span.len() - inner.len());
                let inner = inner.trim_end_matches('`');
                start..start + inner.len()
            }
            _ => continue,
        };
        if range.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => out.push(range),
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

/// The Markdown syntax of one text: which bytes are not content.
struct Syntax {
    content: Vec<Range<usize>>,
}

impl Syntax {
    fn of(source: &str) -> Syntax {
        let doc = markdown_blocks(source);
        Syntax {
            content: content_ranges(&doc.events, source),
        }
    }

    /// Whether byte `i` is syntax (not inside any content range).
    fn is_syntax(&self, i: usize) -> bool {
        let k = self.content.partition_point(|r| r.end <= i);
        self.content.get(k).is_none_or(|r| r.start > i)
    }
}

/// An `<anchor>` to write at a position of one of the texts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Point {
    pos: usize,
    /// Ends (0) before starts (1) at the same position: passages do not overlap there.
    order: u8,
    id: String,
}

/// The edition's content as the body writer needs it.
struct BodyInput<'a> {
    original: &'a str,
    corrected: &'a str,
    format: Format,
    /// Per change: its original and corrected range, its ids and attributes.
    changes: Vec<ChoiceData<'a>>,
    /// Anchors in the shared text (original positions), sorted.
    shared: Vec<Point>,
}

struct ChoiceData<'a> {
    original: Range<usize>,
    corrected: Range<usize>,
    id: String,
    kind: &'static str,
    suggested: bool,
    confidence: Option<f64>,
    why: Option<&'a str>,
    /// Anchors inside `sic` (original positions) and `corr` (corrected positions).
    sic_points: Vec<Point>,
    corr_points: Vec<Point>,
}

/// Writes `text[range]` as the content of a block: line breaks as `<lb/>` and
/// the break, Markdown syntax in `<metamark>`, and the anchors of `points`
/// (sorted) at their positions; `next` is the first point not yet written
/// and advances past those written (those up to `range.end`, or before it
/// unless `include_end`).
fn write_run(
    out: &mut String,
    text: &str,
    range: Range<usize>,
    syntax: Option<&Syntax>,
    points: &[Point],
    next: &mut usize,
    include_end: bool,
) {
    let mut in_meta = false;
    let close_meta = |out: &mut String, in_meta: &mut bool| {
        if *in_meta {
            out.push_str("</metamark>");
            *in_meta = false;
        }
    };
    let mut i = range.start;
    let end = range.end.min(text.len());
    while i < end {
        while let Some(p) = points.get(*next).filter(|p| p.pos <= i) {
            close_meta(out, &mut in_meta);
            write_anchor(out, &p.id);
            *next += 1;
        }
        let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
            break;
        };
        if c == '\n' || (c == '\r' && text.as_bytes().get(i + 1) == Some(&b'\n')) {
            close_meta(out, &mut in_meta);
            out.push_str("<lb/>");
            if c == '\r' {
                out.push_str("&#13;\n");
                i += 2;
            } else {
                out.push('\n');
                i += 1;
            }
            continue;
        }
        let Some(syntax) = syntax else {
            // Plain text: everything up to the next point or line end goes
            // out as one run (the loop below takes a character at a time).
            let mut stop = points.get(*next).map_or(end, |p| p.pos.clamp(i + 1, end));
            while !text.is_char_boundary(stop) {
                stop += 1;
            }
            let stop =
                memchr::memchr2(b'\n', b'\r', &text.as_bytes()[i..stop]).map_or(stop, |at| i + at);
            if stop > i {
                push_text(out, &text[i..stop]);
                i = stop;
            } else {
                // A lone carriage return.
                push_text(out, "\r");
                i += 1;
            }
            continue;
        };
        let syn = !matches!(c, ' ' | '\t') && syntax.is_syntax(i);
        if syn && !in_meta {
            out.push_str("<metamark function=\"markdown\">");
            in_meta = true;
        } else if !syn {
            close_meta(out, &mut in_meta);
        }
        push_text(out, c.encode_utf8(&mut [0; 4]));
        i += c.len_utf8();
    }
    close_meta(out, &mut in_meta);
    while let Some(p) = points
        .get(*next)
        .filter(|p| p.pos < end || (include_end && p.pos == end))
    {
        write_anchor(out, &p.id);
        *next += 1;
    }
}

fn write_anchor(out: &mut String, id: &str) {
    out.push_str("<anchor xml:id=\"");
    push_attr(out, id);
    out.push_str("\"/>");
}

/// Whitespace between blocks, with the anchors in it (those before `end`).
fn write_gap(
    out: &mut String,
    text: &str,
    range: Range<usize>,
    points: &[Point],
    next: &mut usize,
) {
    let mut i = range.start;
    for (off, _) in text.get(range.clone()).unwrap_or("").char_indices() {
        let at = range.start + off;
        while let Some(p) = points.get(*next).filter(|p| p.pos <= at) {
            push_text(out, text.get(i..at).unwrap_or(""));
            i = at;
            write_anchor(out, &p.id);
            *next += 1;
        }
    }
    push_text(out, text.get(i..range.end).unwrap_or(""));
    while let Some(p) = points.get(*next).filter(|p| p.pos < range.end) {
        write_anchor(out, &p.id);
        *next += 1;
    }
}

/// The blocks of the original as units, with the text outside blocks that is
/// not whitespace (Markdown link definitions) as units of its own, and the
/// units a change crosses (or sits between) joined, so that every change is
/// inside one unit.
fn units(input: &BodyInput<'_>) -> Vec<Unit> {
    let text = input.original;
    let mut units: Vec<Unit> = match input.format {
        Format::Text => text_blocks(text)
            .into_iter()
            .map(|b| Unit {
                range: b.range,
                kind: UnitKind::Para,
                section_break: b.section_break,
            })
            .collect(),
        Format::Markdown => {
            let doc = markdown_blocks(text);
            doc.blocks
                .iter()
                .map(|b| Unit {
                    range: b.range.clone(),
                    kind: markdown_kind(&doc.events, b),
                    section_break: false,
                })
                .collect()
        }
    };
    // Blocks are in order and disjoint; keep them so whatever the parser says.
    let mut last_end = 0;
    units.retain_mut(|u| {
        u.range.start = u.range.start.max(last_end);
        u.range.end = u.range.end.min(text.len());
        let keep = u.range.start < u.range.end;
        if keep {
            last_end = u.range.end;
        }
        keep
    });
    // Text between blocks that XML would not take as whitespace gets a unit.
    let mut filled = Vec::with_capacity(units.len());
    let mut pos = 0;
    for u in units.into_iter().map(Some).chain(std::iter::once(None)) {
        let gap_end = u.as_ref().map_or(text.len(), |u| u.range.start);
        let gap = text.get(pos..gap_end).unwrap_or("");
        if let (Some(first), Some(last)) = (
            gap.find(|c: char| !is_xml_space(c)),
            gap.rfind(|c: char| !is_xml_space(c)),
        ) {
            let last_len = gap[last..].chars().next().map_or(1, char::len_utf8);
            filled.push(Unit {
                range: pos + first..pos + last + last_len,
                kind: UnitKind::Mixed,
                section_break: false,
            });
        }
        if let Some(u) = u {
            pos = u.range.end;
            filled.push(u);
        }
    }
    let mut units = filled;
    for c in &input.changes {
        let c = &c.original;
        let first = units.partition_point(|u| u.range.end <= c.start);
        let end = units.partition_point(|u| u.range.start < c.end);
        let (from, to) = if first < end {
            (first, end)
        } else if first > 0 && first < units.len() {
            (first - 1, first + 1)
        } else if first < units.len() || first > 0 {
            let k = first.min(units.len() - 1);
            (k, k + 1)
        } else {
            units.push(Unit {
                range: c.clone(),
                kind: UnitKind::Para,
                section_break: false,
            });
            continue;
        };
        let joined = &units[from..to];
        let kind = if joined.len() == 1 {
            joined[0].kind
        } else if joined.iter().all(|u| u.kind == UnitKind::Para) {
            UnitKind::Para
        } else {
            UnitKind::Mixed
        };
        let merged = Unit {
            range: joined[0].range.start.min(c.start)..joined[to - from - 1].range.end.max(c.end),
            kind,
            section_break: joined[0].section_break,
        };
        units.splice(from..to, std::iter::once(merged));
    }
    units
}

/// Where the body's structure stands: open `div`s (by heading level) and list.
#[derive(Default)]
struct Structure {
    divs: Vec<u8>,
    list: Option<bool>,
}

impl Structure {
    fn close_list(&mut self, out: &mut String) {
        if self.list.take().is_some() {
            out.push_str("</list>");
        }
    }

    /// Closes and opens what `kind` needs around it.
    fn enter(&mut self, out: &mut String, kind: UnitKind) {
        match kind {
            UnitKind::Item(ordered) => {
                if self.list != Some(ordered) {
                    self.close_list(out);
                    out.push_str(if ordered {
                        "<list rend=\"numbered\">"
                    } else {
                        "<list rend=\"bulleted\">"
                    });
                    self.list = Some(ordered);
                }
            }
            UnitKind::Head(level) => {
                self.close_list(out);
                while self.divs.last().is_some_and(|&l| l >= level) {
                    self.divs.pop();
                    out.push_str("</div>");
                }
                out.push_str("<div>");
                self.divs.push(level);
            }
            _ => self.close_list(out),
        }
    }

    fn finish(&mut self, out: &mut String) {
        self.close_list(out);
        for _ in self.divs.drain(..) {
            out.push_str("</div>");
        }
    }
}

fn unit_tags(kind: UnitKind) -> (&'static str, &'static str) {
    match kind {
        UnitKind::Para => ("<p>", "</p>"),
        UnitKind::Head(_) => ("<head>", "</head>"),
        UnitKind::Item(_) => ("<item>", "</item>"),
        UnitKind::Quote => ("<quote>", "</quote>"),
        UnitKind::Block("code") => ("<ab type=\"code\">", "</ab>"),
        UnitKind::Block("table") => ("<ab type=\"table\">", "</ab>"),
        UnitKind::Block("html") => ("<ab type=\"html\">", "</ab>"),
        UnitKind::Block("footnote") => ("<ab type=\"footnote\">", "</ab>"),
        UnitKind::Block("rule") => ("<ab type=\"rule\">", "</ab>"),
        UnitKind::Block(_) | UnitKind::Mixed => ("<ab>", "</ab>"),
    }
}

/// Writes `<body>…</body>`.
fn write_body(out: &mut String, input: &BodyInput<'_>, resp: &str) {
    let (orig_syntax, corr_syntax) = match input.format {
        Format::Markdown => (
            Some(Syntax::of(input.original)),
            Some(Syntax::of(input.corrected)),
        ),
        Format::Text => (None, None),
    };
    let units = units(input);
    out.push_str("<body>");
    let mut structure = Structure::default();
    let mut next_point = 0;
    let mut next_change = 0;
    let mut pos = 0;
    let text = input.original;
    for u in &units {
        write_gap(
            out,
            text,
            pos..u.range.start,
            &input.shared,
            &mut next_point,
        );
        if u.section_break {
            out.push_str("<milestone unit=\"section\"/>");
        }
        structure.enter(out, u.kind);
        let (open_tag, close_tag) = unit_tags(u.kind);
        out.push_str(open_tag);
        let mut at = u.range.start;
        while let Some(c) = input
            .changes
            .get(next_change)
            .filter(|c| c.original.start < u.range.end || c.original.start == at)
        {
            write_run(
                out,
                text,
                at..c.original.start,
                orig_syntax.as_ref(),
                &input.shared,
                &mut next_point,
                true,
            );
            write_choice(
                out,
                input,
                c,
                orig_syntax.as_ref(),
                corr_syntax.as_ref(),
                resp,
            );
            at = c.original.end;
            next_change += 1;
        }
        write_run(
            out,
            text,
            at..u.range.end,
            orig_syntax.as_ref(),
            &input.shared,
            &mut next_point,
            true,
        );
        out.push_str(close_tag);
        pos = u.range.end;
    }
    write_gap(out, text, pos..text.len(), &input.shared, &mut next_point);
    // Anchors past the end of the text (none in a consistent edition) still
    // get written, so every note's target exists.
    for p in &input.shared[next_point..] {
        write_anchor(out, &p.id);
    }
    structure.finish(out);
    if units.is_empty() {
        out.push_str("<p/>");
    }
    out.push_str("</body>");
}

fn write_choice(
    out: &mut String,
    input: &BodyInput<'_>,
    c: &ChoiceData<'_>,
    orig_syntax: Option<&Syntax>,
    corr_syntax: Option<&Syntax>,
    resp: &str,
) {
    out.push_str("<choice xml:id=\"");
    push_attr(out, &c.id);
    out.push_str("\"><sic>");
    let mut next = 0;
    write_run(
        out,
        input.original,
        c.original.clone(),
        orig_syntax,
        &c.sic_points,
        &mut next,
        false,
    );
    out.push_str("</sic>");
    let cert = c
        .confidence
        .map(|p| format!("{}", p.clamp(0.0, 1.0)))
        .unwrap_or_else(|| "low".to_string());
    let mut attrs: Vec<(&str, &str)> = vec![("resp", resp), ("type", c.kind)];
    if c.suggested {
        attrs.push(("subtype", "suggested"));
        attrs.push(("cert", &cert));
    }
    open(out, "corr", &attrs);
    let mut next = 0;
    write_run(
        out,
        input.corrected,
        c.corrected.clone(),
        corr_syntax,
        &c.corr_points,
        &mut next,
        false,
    );
    out.push_str("</corr></choice>");
    if let Some(why) = c.why.filter(|w| !w.trim().is_empty()) {
        let target = format!("#{}", c.id);
        element(
            out,
            "note",
            &[("type", "correction"), ("target", &target), ("resp", resp)],
            why,
        );
    }
}

/// Converts a note's Markdown into TEI: paragraphs, lists, quotations,
/// emphasis (`hi`), links (`ref`, only to addresses a page may link to),
/// code; raw HTML is text.
fn write_markdown(out: &mut String, source: &str) {
    for event in Parser::new_ext(source, markdown_options()) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph | Tag::Heading { .. } => out.push_str("<p>"),
                Tag::BlockQuote(_) => out.push_str("<quote>"),
                Tag::CodeBlock(_) => out.push_str("<ab type=\"code\">"),
                Tag::List(Some(_)) => out.push_str("<list rend=\"numbered\">"),
                Tag::List(None) => out.push_str("<list rend=\"bulleted\">"),
                Tag::Item => out.push_str("<item>"),
                Tag::Emphasis => out.push_str("<hi rend=\"italic\">"),
                Tag::Strong => out.push_str("<hi rend=\"bold\">"),
                Tag::Strikethrough => out.push_str("<hi rend=\"strikethrough\">"),
                Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                    if is_safe_url(&dest_url) && !dest_url.is_empty() {
                        open(out, "ref", &[("target", &dest_url)]);
                    } else {
                        out.push_str("<ref>");
                    }
                }
                Tag::Table(_) => out.push_str("<ab type=\"table\">"),
                Tag::FootnoteDefinition(_) => out.push_str("<ab type=\"footnote\">"),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph | TagEnd::Heading(_) => out.push_str("</p>"),
                TagEnd::BlockQuote(_) => out.push_str("</quote>"),
                TagEnd::CodeBlock | TagEnd::Table | TagEnd::FootnoteDefinition => {
                    out.push_str("</ab>")
                }
                TagEnd::List(_) => out.push_str("</list>"),
                TagEnd::Item => out.push_str("</item>"),
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => out.push_str("</hi>"),
                TagEnd::Link | TagEnd::Image => out.push_str("</ref>"),
                TagEnd::TableRow | TagEnd::TableHead => out.push_str("<lb/>"),
                TagEnd::TableCell => out.push(' '),
                _ => {}
            },
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => push_text(out, &t),
            Event::Code(t) => element(out, "code", &[], &t),
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("<lb/>"),
            Event::Rule => out.push_str("<milestone unit=\"section\"/>"),
            Event::FootnoteReference(l) => {
                out.push('[');
                push_text(out, &l);
                out.push(']');
            }
            Event::TaskListMarker(done) => out.push_str(if done { "[x] " } else { "[ ] " }),
            Event::InlineMath(t) | Event::DisplayMath(t) => push_text(out, &t),
        }
    }
}

/// A source as a `<bibl>`.
fn write_bibl(out: &mut String, s: &SourceRef) {
    match s.source_type {
        Some(t) => open(out, "bibl", &[("type", t.as_str())]),
        None => out.push_str("<bibl>"),
    }
    element(out, "title", &[], &s.title);
    if let Some(p) = &s.publisher {
        out.push_str(", ");
        element(out, "publisher", &[], p);
    }
    if let Some(d) = &s.date {
        out.push_str(", ");
        element(out, "date", &[("when", d)], d);
    }
    out.push_str(", ");
    element(out, "ref", &[("target", &s.url)], &s.url);
    if let Some(a) = &s.accessed {
        out.push_str(", ");
        element(out, "date", &[("type", "accessed"), ("when", a)], a);
    }
    if let Some(a) = &s.archived {
        out.push_str(", ");
        element(out, "ref", &[("type", "archived"), ("target", a)], a);
    }
    out.push_str("</bibl>");
}

fn write_sources(out: &mut String, sources: &[SourceRef]) {
    if sources.is_empty() {
        return;
    }
    out.push_str("<listBibl>");
    for s in sources {
        write_bibl(out, s);
    }
    out.push_str("</listBibl>");
}

/// The anchors of the notes, placed in the shared text or inside a change.
fn place_notes(
    article: &Article,
    edition: &Edition,
    view: &EditionView,
    changes: &mut [ChoiceData<'_>],
) -> Vec<Point> {
    let numbers: HashMap<usize, usize> = view.notes.iter().map(|n| (n.entry, n.number)).collect();
    let mut shared = Vec::new();
    for note in &edition.notes {
        let Some(&n) = numbers.get(&note.entry) else {
            continue;
        };
        if note.entry >= article.annotations.len() {
            continue;
        }
        for (pos, order, id) in [
            (note.range.start, 1u8, anchors::note_ref(n)),
            (note.range.end, 0u8, anchors::note_ref_end(n)),
        ] {
            let point = |pos| Point { pos, order, id };
            match note.side {
                Side::Original => {
                    let inside = edition
                        .changes
                        .iter()
                        .position(|c| c.original.start < pos && pos < c.original.end);
                    match inside {
                        Some(k) => changes[k].sic_points.push(point(pos)),
                        None => shared.push(point(pos)),
                    }
                }
                Side::Corrected => {
                    let inside = edition
                        .changes
                        .iter()
                        .position(|c| c.corrected.start < pos && pos < c.corrected.end);
                    match inside {
                        Some(k) => changes[k].corr_points.push(point(pos)),
                        None => shared.push(point(edition.to_original(pos))),
                    }
                }
            }
        }
    }
    shared.sort();
    for c in changes.iter_mut() {
        c.sic_points.sort();
        c.corr_points.sort();
    }
    shared
}

/// The `xml:id` of the editor at index `i` of `site.yaml`'s `editors`.
fn editor_id(i: usize) -> String {
    format!("editor-{}", i + 1)
}

/// The ids corrections name as responsible (`#editor-1 #editor-2`, or the
/// site's responsibility statement).
fn resp(config: &SiteConfig) -> String {
    if config.editors.is_empty() {
        format!("#{SITE_RESP_ID}")
    } else {
        (0..config.editors.len())
            .map(|i| format!("#{}", editor_id(i)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Writes `tei.xml` for an edition.
pub fn tei_xml(
    config: &SiteConfig,
    strings: &Strings,
    article: &Article,
    edition: &Edition,
    view: &EditionView,
) -> Vec<u8> {
    let info = &view.article;
    let original = article.original.text.as_str();
    let corrected = edition.corrected.as_str();
    let mut changes: Vec<ChoiceData<'_>> = edition
        .changes
        .iter()
        .filter_map(|c| {
            let spec = article.corrections.get(c.entry)?;
            Some(ChoiceData {
                original: c.original.clone(),
                corrected: c.corrected.clone(),
                id: anchors::change(c.number),
                kind: spec.kind.as_str(),
                suggested: spec.status == Status::Suggested,
                confidence: spec.confidence,
                why: spec.why.as_deref(),
                sic_points: Vec::new(),
                corr_points: Vec::new(),
            })
        })
        .collect();
    let shared = place_notes(article, edition, view, &mut changes);
    let input = BodyInput {
        original,
        corrected,
        format: article.format,
        changes,
        shared,
    };
    let resp = resp(config);
    let publisher = config.publisher.as_deref().unwrap_or(&config.title);
    let page_url = config.absolute(&format!("{}/", article.slug));

    let mut out = String::with_capacity(original.len() * 2 + 4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<?xml-model href=\"https://www.tei-c.org/release/xml/tei/custom/schema/relaxng/tei_all.rng\" type=\"application/xml\" schematypens=\"http://relaxng.org/ns/structure/1.0\"?>\n");
    out.push_str("<TEI xmlns=\"");
    out.push_str(TEI_NS);
    out.push_str("\" xml:lang=\"");
    push_attr(&mut out, &info.language);
    out.push_str("\">\n<teiHeader>\n<fileDesc>\n<titleStmt>\n");
    element(&mut out, "title", &[("type", "main")], &info.title);
    out.push('\n');
    element(&mut out, "title", &[("type", "sub")], &strings.tei_subtitle);
    out.push('\n');
    // One `author` per name of the byline, as the citations split it.
    let authors = cite::authors(info.author.as_deref());
    for a in &authors {
        element(&mut out, "author", &[], &a.name);
        out.push('\n');
    }
    if config.editors.is_empty() {
        open(&mut out, "respStmt", &[("xml:id", SITE_RESP_ID)]);
        element(&mut out, "resp", &[], &strings.tei_responsibility);
        element(&mut out, "orgName", &[], publisher);
        out.push_str("</respStmt>\n");
    } else {
        // Each editor once, with their ORCID iD (as ORCID asks, the iD and
        // its address); then what they did, pointing to them.
        for (i, e) in config.editors.iter().enumerate() {
            let id = editor_id(i);
            open(&mut out, "editor", &[("xml:id", &id)]);
            match e.orcid_url() {
                Some(url) => element(&mut out, "persName", &[("ref", &url)], &e.name),
                None => element(&mut out, "persName", &[], &e.name),
            }
            if let Some(orcid) = &e.orcid {
                element(&mut out, "idno", &[("type", "ORCID")], orcid);
            }
            out.push_str("</editor>\n");
        }
        out.push_str("<respStmt>");
        element(&mut out, "resp", &[], &strings.tei_responsibility);
        for (i, e) in config.editors.iter().enumerate() {
            let target = format!("#{}", editor_id(i));
            element(&mut out, "persName", &[("ref", &target)], &e.name);
        }
        out.push_str("</respStmt>\n");
    }
    out.push_str("</titleStmt>\n<publicationStmt>\n");
    element(&mut out, "publisher", &[], publisher);
    out.push('\n');
    // The site that publishes the edition, by name and address.
    out.push_str("<distributor>");
    element(
        &mut out,
        "ref",
        &[("target", &config.base_url)],
        &config.title,
    );
    out.push_str("</distributor>\n");
    if let Some(date) = cite::edition_date(info) {
        element(&mut out, "date", &[("when", date)], &human(strings, date));
        out.push('\n');
    }
    element(&mut out, "idno", &[("type", "URI")], &page_url);
    out.push('\n');
    if let Some(doi) = &info.doi {
        element(&mut out, "idno", &[("type", "DOI")], doi);
        out.push('\n');
    }
    out.push_str("</publicationStmt>\n");
    if info.title_note.is_some() || info.status.is_some() {
        out.push_str("<notesStmt>\n");
        if let Some(t) = &info.title_note {
            out.push_str("<note type=\"title\">");
            write_markdown(&mut out, t);
            out.push_str("</note>\n");
        }
        if let Some(st) = &info.status {
            out.push_str("<note type=\"status\">");
            element(
                &mut out,
                "date",
                &[("when", &st.as_of)],
                &human(strings, &st.as_of),
            );
            write_markdown(&mut out, &st.text);
            write_sources(&mut out, &st.sources);
            out.push_str("</note>\n");
        }
        out.push_str("</notesStmt>\n");
    }
    out.push_str("<sourceDesc>\n<bibl>");
    for a in &authors {
        element(&mut out, "author", &[], &a.name);
        out.push_str(", ");
    }
    element(&mut out, "title", &[("level", "a")], &info.title);
    if let Some(s) = &info.source {
        out.push_str(", ");
        element(&mut out, "title", &[("level", "j")], s);
    }
    if let Some(p) = &info.published {
        out.push_str(", ");
        element(&mut out, "date", &[("when", p)], &human(strings, p));
    }
    if let Some(u) = &info.source_url {
        out.push_str(", ");
        element(&mut out, "ref", &[("target", u)], u);
    }
    if let Some(r) = &info.retrieved {
        out.push_str(". <note type=\"retrieved\">");
        let sentence = &strings.tei_retrieved;
        let (before, after) = sentence.split_once("{date}").unwrap_or((sentence, ""));
        push_text(&mut out, before);
        element(&mut out, "date", &[("when", r)], &human(strings, r));
        push_text(&mut out, after);
        out.push_str("</note>");
    }
    out.push_str("</bibl>\n</sourceDesc>\n</fileDesc>\n<encodingDesc>\n<editorialDecl>\n<correction method=\"markup\">");
    element(&mut out, "p", &[], &strings.tei_method);
    out.push_str("</correction>\n<segmentation>");
    element(&mut out, "p", &[], &strings.tei_segmentation);
    out.push_str("</segmentation>\n</editorialDecl>\n</encodingDesc>\n<profileDesc>\n<langUsage>");
    element(
        &mut out,
        "language",
        &[("ident", &info.language)],
        &info.language,
    );
    out.push_str("</langUsage>\n");
    if !info.tags.is_empty() {
        out.push_str("<textClass><keywords>");
        for t in &info.tags {
            element(&mut out, "term", &[], t);
        }
        out.push_str("</keywords></textClass>\n");
    }
    out.push_str("</profileDesc>\n");
    if !info.revisions.is_empty() {
        out.push_str("<revisionDesc>\n");
        // TEI lists changes newest first.
        for r in info.revisions.iter().rev() {
            open(&mut out, "change", &[("when", &r.date)]);
            write_markdown(&mut out, &r.note);
            out.push_str("</change>\n");
        }
        out.push_str("</revisionDesc>\n");
    }
    out.push_str("</teiHeader>\n<text xml:space=\"preserve\">\n");
    write_body(&mut out, &input, &resp);
    out.push('\n');
    write_back(&mut out, article, edition, view, &resp);
    out.push_str("</text>\n</TEI>\n");
    out.into_bytes()
}

fn human(strings: &Strings, iso: &str) -> String {
    strings.human_date(iso).unwrap_or_else(|| iso.to_string())
}

/// `<back>` with the notes, in page order.
fn write_back(
    out: &mut String,
    article: &Article,
    edition: &Edition,
    view: &EditionView,
    resp: &str,
) {
    let placed: std::collections::HashSet<usize> = edition.notes.iter().map(|n| n.entry).collect();
    let notes: Vec<_> = view
        .notes
        .iter()
        .filter(|n| placed.contains(&n.entry))
        .collect();
    if notes.is_empty() {
        return;
    }
    out.push_str("<back>\n<div type=\"notes\">\n");
    for n in notes {
        let Some(spec) = article.annotations.get(n.entry) else {
            continue;
        };
        let id = anchors::note(n.number);
        let number = n.number.to_string();
        let target = format!("#{}", anchors::note_ref(n.number));
        let target_end = format!("#{}", anchors::note_ref_end(n.number));
        let side = match n.side {
            Side::Original => "original",
            Side::Corrected => "corrected",
        };
        open(
            out,
            "note",
            &[
                ("xml:id", &id),
                ("n", &number),
                ("type", "annotation"),
                ("subtype", side),
                ("resp", resp),
                ("target", &target),
                ("targetEnd", &target_end),
            ],
        );
        write_markdown(out, &spec.note);
        write_sources(out, &spec.sources);
        out.push_str("</note>\n");
    }
    out.push_str("</div>\n</back>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_escape_everything_xml_cannot_carry() {
        let mut t = String::new();
        push_text(&mut t, "a<b>&c\r\n\u{1b}\u{fffe}\t\"'");
        assert_eq!(t, "a&lt;b&gt;&amp;c&#13;\n\u{fffd}\u{fffd}\t\"'");
        let mut a = String::new();
        push_attr(&mut a, "x\"y\n\tz<&");
        assert_eq!(a, "x&quot;y&#10;&#9;z&lt;&amp;");
        // Lead bytes that only may start an unrepresentable character: the
        // characters they start are kept, the noncharacters replaced.
        let mut m = String::new();
        push_text(&mut m, "é·\u{a0}\u{85}\u{feff}\u{fdd0}😀\u{10ffff}<ü");
        assert_eq!(m, "é·\u{a0}\u{fffd}\u{feff}\u{fffd}😀\u{fffd}&lt;ü");
        let mut ma = String::new();
        push_attr(&mut ma, "·\"\u{fffe}é\t");
        assert_eq!(ma, "·&quot;\u{fffd}é&#9;");
    }

    #[test]
    fn text_is_escaped_wherever_it_falls_in_the_block_scan() {
        // Specials and lead bytes on every side of the scan's 32-byte blocks,
        // against a character-by-character reference.
        let reference = |text: &str| -> String {
            text.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '\r' => "&#13;".to_string(),
                    c if is_unrepresentable(c) => "\u{fffd}".to_string(),
                    c => c.to_string(),
                })
                .collect()
        };
        for len in [0, 1, 31, 32, 33, 64, 65, 100] {
            for at in 0..len {
                for special in [
                    "&", "<", ">", "\r", "\u{1b}", "\u{fffe}", "é", "😀", "\u{85}",
                ] {
                    let mut text = "a".repeat(at);
                    text.push_str(special);
                    text.push_str(&"b".repeat(len - at));
                    text.push('>');
                    let mut out = String::new();
                    push_text(&mut out, &text);
                    assert_eq!(out, reference(&text), "{special:?} at {at} of {len}");
                }
            }
        }
    }

    #[test]
    fn markdown_syntax_is_everything_but_text_code_and_html() {
        let src = "# Head *em* `code`\n\n- item\n";
        let s = Syntax::of(src);
        let syntax: String = src
            .char_indices()
            .filter(|(i, c)| !c.is_whitespace() && s.is_syntax(*i))
            .map(|(_, c)| c)
            .collect();
        assert_eq!(syntax, "#**``-");
    }

    #[test]
    fn orcid_links_and_site_responsibility() {
        let e = crate::config::Editor {
            name: "A".into(),
            orcid: Some("0000-0002-1825-0097".into()),
        };
        assert_eq!(
            e.orcid_url().as_deref(),
            Some("https://orcid.org/0000-0002-1825-0097")
        );
    }
}
