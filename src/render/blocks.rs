//! Splitting a text into blocks (paragraphs, headings, list items…) and
//! aligning the blocks of the original with those of the corrected text into
//! rows, so that the two columns of the side-by-side view never drift apart.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Markdown extensions emend enables for `.md` originals: CommonMark plus
/// footnotes, tables and strikethrough. Smart punctuation stays off: the text
/// must render exactly as received.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH
}

/// A top-level block of a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Source byte range.
    pub range: Range<usize>,
    /// `.txt`: preceded by a blank line (a section break).
    pub section_break: bool,
    /// Markdown: index range into the document's event list.
    pub events: Range<usize>,
    /// Markdown list item: the list it belongs to (`Some(n)`: ordered, item number n).
    pub list_item: Option<Option<u64>>,
}

/// Paragraph blocks of a `.txt` text: one per non-empty line; a run of blank
/// lines marks a section break before the next paragraph.
pub fn text_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut start = 0;
    let mut pending_break = false;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            pending_break |= !blocks.is_empty();
        } else {
            blocks.push(Block {
                range: start..start + content.len(),
                section_break: pending_break,
                events: 0..0,
                list_item: None,
            });
            pending_break = false;
        }
        start = end;
    }
    blocks
}

/// A parsed Markdown document: its events with source ranges, and its blocks.
pub struct MarkdownDoc<'a> {
    /// Every event, in order, with its source range.
    pub events: Vec<(Event<'a>, Range<usize>)>,
    /// Top-level blocks; top-level lists are split into their items.
    pub blocks: Vec<Block>,
}

/// Parses Markdown and splits it into blocks.
pub fn markdown_blocks(text: &str) -> MarkdownDoc<'_> {
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(text, markdown_options())
        .into_offset_iter()
        .collect();
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut block_start: Option<(usize, Range<usize>)> = None;
    // (ordered start number or None, items seen)
    let mut list: Option<(Option<u64>, u64)> = None;
    for (i, (ev, range)) in events.iter().enumerate() {
        match ev {
            Event::Start(tag) => {
                if depth == 0 {
                    if let Tag::List(start) = tag {
                        list = Some((*start, 0));
                    } else {
                        block_start = Some((i, range.clone()));
                    }
                } else if depth == 1 && list.is_some() && matches!(tag, Tag::Item) {
                    block_start = Some((i, range.clone()));
                }
                depth += 1;
            }
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                if depth == 0 && matches!(tag, TagEnd::List(_)) {
                    list = None;
                } else if ((depth == 0 && list.is_none())
                    || (depth == 1 && matches!(tag, TagEnd::Item)))
                    && let Some((first, range)) = block_start.take()
                {
                    let list_item = list.as_mut().map(|(start, seen)| {
                        let n = start.map(|s| s + *seen);
                        *seen += 1;
                        n
                    });
                    blocks.push(Block {
                        range,
                        section_break: false,
                        events: first..i + 1,
                        list_item,
                    });
                }
            }
            _ if depth == 0 => blocks.push(Block {
                range: range.clone(),
                section_break: false,
                events: i..i + 1,
                list_item: None,
            }),
            _ => {}
        }
    }
    MarkdownDoc { events, blocks }
}

/// One aligned row: block index ranges on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowSpan {
    /// Blocks of the original in this row.
    pub original: Range<usize>,
    /// Blocks of the corrected text in this row.
    pub corrected: Range<usize>,
}

/// Groups blocks into rows: the smallest groups such that no change crosses a
/// row boundary on either side. `to_corrected` / `to_original` map positions
/// (inside a change: to the change's end on the other side).
pub fn align_rows(
    original: &[Block],
    corrected: &[Block],
    to_corrected: impl Fn(usize) -> usize,
    to_original: impl Fn(usize) -> usize,
) -> Vec<RowSpan> {
    let mut rows = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < original.len() || j < corrected.len() {
        let (i0, j0) = (i, j);
        if i < original.len() {
            i += 1;
        } else {
            j += 1;
        }
        loop {
            let mut grew = false;
            if i > i0 {
                let end_c = to_corrected(original[i - 1].range.end);
                while j < corrected.len() && corrected[j].range.start < end_c {
                    j += 1;
                    grew = true;
                }
            }
            if j > j0 {
                let end_o = to_original(corrected[j - 1].range.end);
                while i < original.len() && original[i].range.start < end_o {
                    i += 1;
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        rows.push(RowSpan {
            original: i0..i,
            corrected: j0..j,
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_blocks_are_lines_with_section_breaks() {
        let b = text_blocks("one\r\ntwo\n\n\nthree\n");
        let ranges: Vec<_> = b.iter().map(|b| b.range.clone()).collect();
        assert_eq!(ranges, [0..3, 5..8, 11..16]);
        assert_eq!(
            b.iter().map(|b| b.section_break).collect::<Vec<_>>(),
            [false, false, true]
        );
    }

    #[test]
    fn markdown_lists_split_into_items() {
        let src = "# Title\n\npara\n\n3. a\n4. b\n\n> quote\n\n---\n";
        let doc = markdown_blocks(src);
        let texts: Vec<_> = doc
            .blocks
            .iter()
            .map(|b| src[b.range.clone()].trim_end().to_string())
            .collect();
        assert_eq!(texts, ["# Title", "para", "3. a", "4. b", "> quote", "---"]);
        assert_eq!(doc.blocks[2].list_item, Some(Some(3)));
        assert_eq!(doc.blocks[3].list_item, Some(Some(4)));
        assert_eq!(doc.blocks[1].list_item, None);
    }

    fn id(p: usize) -> usize {
        p
    }

    #[test]
    fn rows_pair_blocks_one_to_one_without_structural_changes() {
        let o = text_blocks("a b\nc d\ne");
        let rows = align_rows(&o, &o, id, id);
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[1],
            RowSpan {
                original: 1..2,
                corrected: 1..2
            }
        );
    }

    #[test]
    fn joined_paragraphs_share_a_row() {
        // "foo bar\nbaz qux" with "bar\nbaz" -> "bar baz" (same length)
        let o = text_blocks("foo bar\nbaz qux\nend");
        let c = text_blocks("foo bar baz qux\nend");
        let (os, oe) = (4, 11);
        let map = |p: usize| if p > os && p < oe { oe } else { p };
        let rows = align_rows(&o, &c, map, map);
        assert_eq!(
            rows,
            [
                RowSpan {
                    original: 0..2,
                    corrected: 0..1
                },
                RowSpan {
                    original: 2..3,
                    corrected: 1..2
                }
            ]
        );
    }

    #[test]
    fn split_paragraph_shares_a_row() {
        // "one two three" with "two" -> "two\nTWO"
        let o = text_blocks("one two three\nx");
        let c = text_blocks("one two\nTWO three\nx");
        let to_c = |p: usize| {
            if p > 4 && p < 7 {
                11
            } else if p >= 7 {
                p + 4
            } else {
                p
            }
        };
        let to_o = |p: usize| {
            if p > 4 && p < 11 {
                7
            } else if p >= 11 {
                p - 4
            } else {
                p
            }
        };
        let rows = align_rows(&o, &c, to_c, to_o);
        assert_eq!(
            rows,
            [
                RowSpan {
                    original: 0..1,
                    corrected: 0..2
                },
                RowSpan {
                    original: 1..2,
                    corrected: 2..3
                }
            ]
        );
    }
}
