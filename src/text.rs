//! Small text utilities shared by the loader, the engine and the renderer:
//! line/column lookup, word boundaries, and input normalisation.

use std::ops::Range;

/// The UTF-8 byte order mark. Editors on Windows like to add it; it is not
/// content, so emend strips it before parsing (the downloadable original keeps it).
pub const BOM: &str = "\u{feff}";

/// Strips a leading byte order mark, returning the text and how many bytes were removed.
pub fn strip_bom(text: &str) -> (&str, usize) {
    match text.strip_prefix(BOM) {
        Some(rest) => (rest, BOM.len()),
        None => (text, 0),
    }
}

/// A word character for boundary purposes: letters, digits (any script) and `_`.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `text[range]` sits on word boundaries at each end where the needle
/// itself starts or ends with a word character ("said" never matches inside "unsaid").
pub fn on_word_boundaries(text: &str, range: &Range<usize>) -> bool {
    let needle = &text[range.clone()];
    let starts_word = needle.chars().next().is_some_and(is_word_char);
    let ends_word = needle.chars().next_back().is_some_and(is_word_char);
    if starts_word
        && text[..range.start]
            .chars()
            .next_back()
            .is_some_and(is_word_char)
    {
        return false;
    }
    if ends_word && text[range.end..].chars().next().is_some_and(is_word_char) {
        return false;
    }
    true
}

/// Whether `offset` is a grapheme cluster boundary of `text`: no character
/// as readers see it (a letter and its combining accents, an emoji and its
/// variation selector or joined parts, a flag, CR LF) is cut there.
pub fn is_grapheme_boundary(text: &str, offset: usize) -> bool {
    if offset == 0 || offset >= text.len() {
        return offset <= text.len();
    }
    if !text.is_char_boundary(offset) {
        return false;
    }
    let bytes = text.as_bytes();
    let (before, after) = (bytes[offset - 1], bytes[offset]);
    // ASCII on both sides: always a boundary but inside CR LF.
    if before.is_ascii() && after.is_ascii() {
        return !(before == b'\r' && after == b'\n');
    }
    unicode_segmentation::GraphemeCursor::new(offset, text.len(), true)
        .is_boundary(text, 0)
        .unwrap_or(true)
}

/// Whether `text[range]` starts and ends on grapheme cluster boundaries
/// ([`is_grapheme_boundary`]).
pub fn on_grapheme_boundaries(text: &str, range: &Range<usize>) -> bool {
    is_grapheme_boundary(text, range.start) && is_grapheme_boundary(text, range.end)
}

/// The whole grapheme clusters around `range` (the text a reader sees as the
/// characters a match would cut).
pub fn grapheme_span(text: &str, range: &Range<usize>) -> Range<usize> {
    let mut start = range.start;
    while start > 0 && !is_grapheme_boundary(text, start) {
        start = floor_char_boundary(text, start - 1);
    }
    let mut end = range.end;
    while end < text.len() && !is_grapheme_boundary(text, end) {
        end += text[end..].chars().next().map_or(1, char::len_utf8);
    }
    start..end
}

/// Maps byte offsets in a text to 1-based line and column numbers
/// (columns count characters, as editors do).
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset at which each line starts.
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of byte offset `offset` in `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let col = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// Byte offset of a 1-based line and character column, clamped to the text.
    pub fn offset(&self, text: &str, line: usize, col: usize) -> usize {
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return text.len();
        };
        let line_text = &text[start..];
        let line_end = line_text.find('\n').unwrap_or(line_text.len());
        let within = line_text[..line_end]
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(line_end, |(i, _)| i);
        start + within
    }

    /// Byte range of the whole line containing `offset`, without its line break.
    pub fn line_range(&self, text: &str, offset: usize) -> Range<usize> {
        let (line, _) = self.line_col(text, offset);
        let start = self.starts[line - 1];
        let end = self.starts.get(line).map_or(text.len(), |&next| next - 1);
        let end = if text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
}

/// Rounds `offset` down to the nearest char boundary of `text`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Counts words (maximal runs of word characters, allowing inner apostrophes and hyphens).
pub fn count_words(text: &str) -> usize {
    word_ranges(text).count()
}

/// Byte ranges of the words in `text`, as counted by [`count_words`].
pub fn word_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        // skip to the next word character
        let (start, _) = loop {
            let (i, c) = chars.next()?;
            if is_word_char(c) {
                break (i, c);
            }
        };
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if is_word_char(c) {
                chars.next();
                continue;
            }
            // "Canada’s", "then-Conservative": joiners inside a word
            let joiner = matches!(c, '\'' | '’' | '-' | '‐');
            let next_is_word = text[i + c.len_utf8()..]
                .chars()
                .next()
                .is_some_and(is_word_char);
            if joiner && next_is_word {
                chars.next();
                continue;
            }
            end = i;
            break;
        }
        Some(start..end)
    })
}

/// A short, single-line excerpt for messages: newlines shown as `⏎`, long text elided.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let flat: String = text
        .chars()
        .filter(|&c| c != '\r')
        .map(|c| if c == '\n' { '⏎' } else { c })
        .collect();
    if flat.chars().count() <= max_chars {
        flat
    } else {
        let mut s: String = flat.chars().take(max_chars.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| {
            // Short keys ("wy" for "why") score low on Jaro-Winkler; one edit is still a typo.
            let one_edit = strsim::osa_distance(word, c) <= 1;
            (
                c,
                if one_edit {
                    1.0
                } else {
                    strsim::jaro_winkler(word, c)
                },
            )
        })
        .filter(|(_, score)| *score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\n’cd\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        // after the 3-byte curly apostrophe comes column 2
        assert_eq!(idx.line_col(text, 6), (2, 2));
        assert_eq!(idx.line_col(text, text.len()), (3, 2));
        assert_eq!(idx.offset(text, 2, 2), 6);
        assert_eq!(idx.line_range(text, 7), 3..8);
    }

    #[test]
    fn boundaries_apply_only_at_word_ends() {
        let text = "unsaid said, (said)";
        assert!(!on_word_boundaries(text, &(2..6)));
        assert!(on_word_boundaries(text, &(7..11)));
        // a needle starting with punctuation needs no boundary at its start
        assert!(on_word_boundaries("x(said)", &(1..6)));
        assert!(!on_word_boundaries("2021", &(0..1)));
    }

    #[test]
    fn grapheme_boundaries_keep_characters_whole() {
        // NFD "Café": "e" + U+0301 COMBINING ACUTE ACCENT.
        let nfd = "Cafe\u{301} au lait";
        assert!(!is_grapheme_boundary(nfd, 4));
        assert!(!on_grapheme_boundaries(nfd, &(0..4)));
        assert!(on_grapheme_boundaries(nfd, &(0..6)));
        assert_eq!(grapheme_span(nfd, &(0..4)), 0..6);
        // ❤ + VARIATION SELECTOR-16.
        let heart = "I \u{2764}\u{fe0f} it";
        assert!(!on_grapheme_boundaries(heart, &(2..5)));
        assert!(on_grapheme_boundaries(heart, &(2..8)));
        // A ZWJ sequence (family) is one character.
        let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
        assert!(!on_grapheme_boundaries(family, &(0..4)));
        assert!(on_grapheme_boundaries(family, &(0..family.len())));
        // CR LF is one; plain ASCII is always cut cleanly.
        assert!(!is_grapheme_boundary("a\r\nb", 2));
        assert!(is_grapheme_boundary("ab", 1));
    }

    #[test]
    fn words_keep_inner_apostrophes() {
        let words: Vec<_> = word_ranges("Canada’s then-Conservative chief, 2 'quoted'")
            .map(|r| &"Canada’s then-Conservative chief, 2 'quoted'"[r])
            .collect();
        assert_eq!(
            words,
            ["Canada’s", "then-Conservative", "chief", "2", "quoted"]
        );
    }

    #[test]
    fn bom_is_stripped_once() {
        assert_eq!(strip_bom("\u{feff}hi"), ("hi", 3));
        assert_eq!(strip_bom("hi"), ("hi", 0));
    }
}

/// Appends `text` to `out` with the HTML special characters escaped
/// (safe in element content and in double- or single-quoted attributes).
pub fn escape_html_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// [`escape_html_into`] into a new string.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_html_into(&mut out, text);
    out
}

/// Whether `c` cannot be carried by an HTML or XML document: control
/// characters other than tab, line feed and carriage return (NUL, escape, DEL,
/// C1 controls, form feed), and Unicode noncharacters. Parsers report them as
/// errors and browsers drop or replace them, even when written as references.
pub fn is_unrepresentable(c: char) -> bool {
    let u = u32::from(c);
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || (0xFDD0..=0xFDEF).contains(&u)
        || u & 0xFFFE == 0xFFFE
}

/// Replaces every [unrepresentable](is_unrepresentable) character with U+FFFD
/// (�), as a browser would show it, so every page emend writes is well-formed.
pub fn replace_unrepresentable(text: String) -> String {
    let found = suspects(text.as_bytes(), 0)
        .any(|i| text[i..].chars().next().is_some_and(is_unrepresentable));
    if !found {
        return text;
    }
    text.chars()
        .map(|c| if is_unrepresentable(c) { '\u{fffd}' } else { c })
        .collect()
}

/// Whether byte `b` may start an [unrepresentable](is_unrepresentable)
/// character: an ASCII control other than tab, line feed and carriage return,
/// or a lead byte of 0xC2 (C1 controls), 0xEF (U+FDD0–U+FDEF, U+FFFE, U+FFFF)
/// or 0xF0–0xF4 (the other noncharacters). Non-short-circuiting operators, so
/// that a block of bytes is tested without branches.
#[inline]
pub(crate) fn is_suspect(b: u8) -> bool {
    ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
        | (b == 0x7f)
        | (b == 0xc2)
        | (b >= 0xef)
}

/// The positions from `from` on of the bytes that may start an unrepresentable
/// character (each is ASCII or a lead byte, so each starts a character).
pub(crate) fn suspects(bytes: &[u8], from: usize) -> impl Iterator<Item = usize> + '_ {
    positions(bytes, from, is_suspect)
}

/// The positions from `from` on of the bytes for which `wanted` holds.
///
/// Pages are large and almost always clean, so the scan tests 32 bytes at a
/// time with no branch per byte (which the compiler vectorises when `wanted`
/// is branch-free), and looks at single bytes only in a block that holds one.
pub(crate) fn positions<'a>(
    bytes: &'a [u8],
    from: usize,
    wanted: impl Fn(u8) -> bool + Copy + 'a,
) -> impl Iterator<Item = usize> + 'a {
    const BLOCK: usize = 32;
    let mut at = from;
    std::iter::from_fn(move || {
        while at + BLOCK <= bytes.len() {
            let block = &bytes[at..at + BLOCK];
            if block.iter().fold(false, |any, &b| any | wanted(b)) {
                break;
            }
            at += BLOCK;
        }
        let found = bytes[at..].iter().position(|&b| wanted(b))? + at;
        at = found + 1;
        Some(found)
    })
}

#[cfg(test)]
mod escape_tests {
    #[test]
    fn escapes_the_five_specials() {
        assert_eq!(
            super::escape_html("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn unrepresentable_characters_become_replacement_characters() {
        let text =
            "a\0b\u{1b}[0m\u{7f}\u{85}\u{c}\u{fdd0}\u{fffe}\u{10ffff}\t\r\n\u{feff}é".to_string();
        assert_eq!(
            super::replace_unrepresentable(text),
            "a\u{fffd}b\u{fffd}[0m\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\t\r\n\u{feff}é"
        );
        let clean = "nothing to do".to_string();
        assert_eq!(super::replace_unrepresentable(clean), "nothing to do");
    }

    #[test]
    fn the_block_scan_finds_every_suspect_byte_wherever_it_falls() {
        // Suspects at every offset around the 32-byte blocks, against a
        // byte-by-byte scan: a block skipped wrongly would lose one.
        for len in [0, 1, 31, 32, 33, 63, 64, 65, 100] {
            for at in 0..len {
                for suspect in [0u8, 0x7f, 0xc2, 0xef, 0xf4] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = suspect;
                    bytes[len - 1 - (at * 7) % len] = b'\x01';
                    let expected: Vec<usize> = (0..len)
                        .filter(|&i| {
                            let b = bytes[i];
                            (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
                                || b == 0x7f
                                || b == 0xc2
                                || b >= 0xef
                        })
                        .collect();
                    let found: Vec<usize> = super::suspects(&bytes, 0).collect();
                    assert_eq!(found, expected, "len {len}, suspect {suspect:#x} at {at}");
                }
            }
        }
        let mut long = "x".repeat(70);
        long.push('\u{fffe}');
        long.push_str(&"y".repeat(40));
        let replaced = super::replace_unrepresentable(long);
        assert_eq!(replaced.chars().filter(|&c| c == '\u{fffd}').count(), 1);
        assert_eq!(replaced.len(), 70 + 3 + 40);
    }
}
