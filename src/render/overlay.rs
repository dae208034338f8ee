//! Overlaying marks (changes, annotated passages) and points (footnote
//! references, deletion markers) onto text, producing well-nested HTML.
//!
//! Marks are byte ranges of the *source* text. Text reaches the overlay in runs
//! (a `.txt` paragraph, or one Markdown text event) with their source range, in
//! document order. Marks may overlap each other arbitrarily; at each boundary
//! the open tags are reconciled with a canonical nesting order (notes outside,
//! changes inside, longer spans outside shorter ones), so the output nests
//! properly. A mark split across runs or nesting gets its `id` on the first
//! fragment only.

use std::ops::Range;

use crate::text::escape_html_into;

/// A span to wrap in an element.
#[derive(Debug, Clone)]
pub struct Mark {
    /// Source byte range (non-empty).
    pub range: Range<usize>,
    /// Nesting rank: lower ranks nest outside higher ones.
    pub rank: u8,
    /// Opening tag for the first fragment (carries the `id`).
    pub open_first: String,
    /// Opening tag for later fragments.
    pub open_rest: String,
    /// Closing tag.
    pub close: &'static str,
}

/// Zero-width markup at a source position.
#[derive(Debug, Clone)]
pub struct Point {
    /// Source byte offset.
    pub at: usize,
    /// The HTML to insert.
    pub html: String,
    /// Whether it is a link (may not be emitted inside another link).
    pub is_link: bool,
}

/// The overlay state for one text (one column of a page).
pub struct Overlay {
    marks: Vec<Mark>,
    points: Vec<Point>,
    started: Vec<bool>,
    open: Vec<usize>,
    next_mark: usize,
    pool: Vec<usize>,
    next_point: usize,
    link_depth: usize,
}

impl Overlay {
    /// Prepares marks and points (any order) for a text.
    pub fn new(mut marks: Vec<Mark>, mut points: Vec<Point>) -> Self {
        marks.retain(|m| !m.range.is_empty());
        marks.sort_by_key(|m| (m.range.start, std::cmp::Reverse(m.range.end), m.rank));
        points.sort_by_key(|p| p.at);
        let n = marks.len();
        Overlay {
            marks,
            points,
            started: vec![false; n],
            open: Vec::new(),
            next_mark: 0,
            pool: Vec::new(),
            next_point: 0,
            link_depth: 0,
        }
    }

    /// An overlay with nothing to mark.
    pub fn empty() -> Self {
        Self::new(Vec::new(), Vec::new())
    }

    /// Whether any mark or point falls inside `range` (used to decide whether a
    /// code block can be syntax-highlighted, which cannot carry marks).
    pub fn touches(&self, range: &Range<usize>) -> bool {
        // Marks and points are sorted by position: stop at the first past the range.
        self.marks[self.next_mark..]
            .iter()
            .take_while(|m| m.range.start < range.end)
            .chain(self.pool.iter().map(|&i| &self.marks[i]))
            .any(|m| m.range.start < range.end && m.range.end > range.start)
            || self.points[self.next_point..]
                .iter()
                .take_while(|p| p.at <= range.end)
                .any(|p| p.at >= range.start)
    }

    /// Entering (`true`) or leaving a link: links must not nest, so link points wait.
    pub fn link(&mut self, entering: bool) {
        if entering {
            self.link_depth += 1;
        } else {
            self.link_depth = self.link_depth.saturating_sub(1);
        }
    }

    fn admit(&mut self, upto: usize) {
        while self.next_mark < self.marks.len() && self.marks[self.next_mark].range.start < upto {
            self.pool.push(self.next_mark);
            self.next_mark += 1;
        }
    }

    fn order_key(&self, i: usize) -> (u8, usize, std::cmp::Reverse<usize>, usize) {
        let m = &self.marks[i];
        (m.rank, m.range.start, std::cmp::Reverse(m.range.end), i)
    }

    fn reconcile(&mut self, out: &mut String, desired: &[usize]) {
        let common = self
            .open
            .iter()
            .zip(desired)
            .take_while(|(a, b)| a == b)
            .count();
        while self.open.len() > common {
            let i = self.open.pop().expect("non-empty");
            out.push_str(self.marks[i].close);
        }
        for &i in &desired[common..] {
            let m = &self.marks[i];
            out.push_str(if self.started[i] {
                &m.open_rest
            } else {
                &m.open_first
            });
            self.started[i] = true;
            self.open.push(i);
        }
    }

    /// The pooled marks overlapping `a..b`, in nesting order.
    fn overlapping(&self, a: usize, b: usize) -> Vec<usize> {
        let mut d: Vec<usize> = self
            .pool
            .iter()
            .copied()
            .filter(|&i| {
                let r = &self.marks[i].range;
                r.start < b && r.end > a
            })
            .collect();
        d.sort_by_key(|&i| self.order_key(i));
        d
    }

    /// Emits points at or before `upto` (link points wait while inside a link).
    pub fn flush_points(&mut self, out: &mut String, upto: usize) {
        while let Some(p) = self.points.get(self.next_point) {
            if p.at > upto || (p.is_link && self.link_depth > 0) {
                break;
            }
            out.push_str(&p.html);
            self.next_point += 1;
        }
    }

    /// Closes every open mark (before markup that the marks cannot span).
    pub fn close_all(&mut self, out: &mut String) {
        self.reconcile(out, &[]);
    }

    /// Writes a run of text whose source is `range`. With `exact`, `text` is the
    /// source slice itself and marks apply character-precisely; otherwise (an
    /// escape or entity, where text and source differ) the run is atomic.
    pub fn run(&mut self, out: &mut String, text: &str, range: Range<usize>, exact: bool) {
        self.flush_points(out, range.start);
        self.admit(range.end);
        self.pool.retain(|&i| self.marks[i].range.end > range.start);
        if !exact || text.len() != range.len() {
            let desired = self.overlapping(range.start, range.end);
            self.reconcile(out, &desired);
            escape_html_into(out, text);
            self.close_all(out);
            self.flush_points(out, range.end);
            return;
        }
        // Boundaries inside the run: mark starts/ends and point positions.
        let mut cuts: Vec<usize> = Vec::new();
        for &i in &self.pool {
            let r = &self.marks[i].range;
            for b in [r.start, r.end] {
                if b > range.start && b < range.end {
                    cuts.push(b);
                }
            }
        }
        for p in &self.points[self.next_point..] {
            if p.at >= range.end {
                break;
            }
            if p.at > range.start {
                cuts.push(p.at);
            }
        }
        cuts.push(range.end);
        cuts.sort_unstable();
        cuts.dedup();
        // The marks open over a segment change only at cuts, so they are kept
        // in an active list (in nesting order) updated at each cut instead of
        // re-filtering the whole pool per segment: a paragraph with thousands
        // of changes stays linear.
        let pool = std::mem::take(&mut self.pool);
        let mut next = 0;
        let mut active: Vec<usize> = Vec::new();
        let mut a = range.start;
        for b in cuts {
            if !text.is_char_boundary(a - range.start) || !text.is_char_boundary(b - range.start) {
                continue;
            }
            active.retain(|&i| self.marks[i].range.end > a);
            while let Some(&i) = pool.get(next) {
                if self.marks[i].range.start > a {
                    break;
                }
                next += 1;
                if self.marks[i].range.end > a {
                    let key = self.order_key(i);
                    let at = active.partition_point(|&j| self.order_key(j) < key);
                    active.insert(at, i);
                }
            }
            // The marks covering the whole segment.
            let desired: Vec<usize> = active
                .iter()
                .copied()
                .filter(|&i| self.marks[i].range.end >= b)
                .collect();
            // Close what ends here before the points, so a note reference follows its passage.
            let keep: Vec<usize> = self
                .open
                .iter()
                .copied()
                .take_while(|i| desired.contains(i))
                .collect();
            self.reconcile(out, &keep);
            self.flush_points(out, a);
            self.reconcile(out, &desired);
            escape_html_into(out, &text[a - range.start..b - range.start]);
            a = b;
        }
        self.pool = pool;
        self.close_all(out);
        self.flush_points(out, range.end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(range: Range<usize>, rank: u8, tag: &'static str, id: &str) -> Mark {
        let (open_first, open_rest, close) = match tag {
            "del" => (format!("<del id=\"{id}\">"), "<del>".into(), "</del>"),
            "ins" => (format!("<ins id=\"{id}\">"), "<ins>".into(), "</ins>"),
            _ => (format!("<mark id=\"{id}\">"), "<mark>".into(), "</mark>"),
        };
        Mark {
            range,
            rank,
            open_first,
            open_rest,
            close,
        }
    }

    fn point(at: usize, html: &str) -> Point {
        Point {
            at,
            html: html.into(),
            is_link: html.starts_with("<a"),
        }
    }

    #[test]
    fn nests_overlapping_spans_and_places_refs_after_passages() {
        // "Liberal MP Han Dong said" : note over "Liberal MP Han Dong", change over "Dong said"
        let text = "Liberal MP Han Dong said";
        let mut o = Overlay::new(
            vec![mark(0..19, 0, "mark", "n1"), mark(15..24, 1, "ins", "c1")],
            vec![point(19, "<a>1</a>")],
        );
        let mut out = String::new();
        o.run(&mut out, text, 0..24, true);
        assert_eq!(
            out,
            "<mark id=\"n1\">Liberal MP Han <ins id=\"c1\">Dong</ins></mark><a>1</a><ins> said</ins>"
        );
    }

    #[test]
    fn escapes_text_and_splits_marks_across_runs() {
        let mut o = Overlay::new(vec![mark(2..8, 1, "del", "c2")], vec![]);
        let mut out = String::new();
        o.run(&mut out, "a <b", 0..4, true);
        out.push('|');
        o.run(&mut out, "c&d", 5..8, true);
        assert_eq!(out, "a <del id=\"c2\">&lt;b</del>|<del>c&amp;d</del>");
    }

    #[test]
    fn inexact_runs_are_atomic() {
        let mut o = Overlay::new(vec![mark(3..4, 1, "ins", "c1")], vec![]);
        let mut out = String::new();
        // source "\\*" (2 bytes) rendered as "*"
        o.run(&mut out, "*", 2..4, false);
        assert_eq!(out, "<ins id=\"c1\">*</ins>");
    }

    #[test]
    fn link_points_wait_outside_links() {
        let mut o = Overlay::new(vec![], vec![point(3, "<a>1</a>"), point(3, "<ins></ins>")]);
        let mut out = String::new();
        o.link(true);
        o.run(&mut out, "abc", 0..3, true);
        o.link(false);
        o.flush_points(&mut out, 3);
        assert_eq!(out, "abc<a>1</a><ins></ins>");
    }

    #[test]
    fn points_at_paragraph_end_stay_in_the_paragraph() {
        let mut o = Overlay::new(vec![], vec![point(3, "<ins></ins>")]);
        let mut out = String::new();
        o.run(&mut out, "foo", 0..3, true);
        assert_eq!(out, "foo<ins></ins>");
    }
}
