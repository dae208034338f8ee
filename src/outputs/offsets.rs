//! Character offsets for the exports.
//!
//! The engine works in byte ranges of UTF-8 text; exports give offsets in
//! Unicode code points (Rust `char`s, Python `str` indices, `Array.from(text)`
//! in JavaScript), which is what the W3C `TextPositionSelector` counts. The
//! texts are the files' contents after UTF-8 decoding, without a leading byte
//! order mark, with line endings as they are in the file (CRLF counts as two).

/// Converts byte offsets of one text into character offsets in O(1) amortised:
/// the character count is kept at every 64th byte, and a character is every
/// byte that is not a UTF-8 continuation byte.
pub struct CharIndex<'a> {
    text: &'a str,
    checkpoints: Vec<usize>,
}

const STEP: usize = 64;

fn is_char_start(b: u8) -> bool {
    b & 0xC0 != 0x80
}

impl<'a> CharIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut checkpoints = Vec::with_capacity(bytes.len() / STEP + 1);
        let mut count = 0;
        // Counted in whole 64-byte chunks into a byte (at most 64), which the
        // compiler vectorises; then the partial chunk at the end, if any.
        let mut chunks = bytes.chunks_exact(STEP);
        for chunk in &mut chunks {
            checkpoints.push(count);
            count += usize::from(
                chunk
                    .iter()
                    .fold(0u8, |n, &b| n + u8::from(is_char_start(b))),
            );
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            checkpoints.push(count);
            count += rest.iter().filter(|b| is_char_start(**b)).count();
        }
        checkpoints.push(count);
        CharIndex { text, checkpoints }
    }

    /// The character offset of byte offset `byte` (a char boundary).
    pub fn chars_at(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        let block = byte / STEP;
        self.checkpoints[block]
            + self.text.as_bytes()[block * STEP..byte]
                .iter()
                .filter(|b| is_char_start(**b))
                .count()
    }

    /// The text's length in characters.
    pub fn len(&self) -> usize {
        self.checkpoints.last().copied().unwrap_or(0)
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Up to `n` characters right before byte offset `byte`.
    pub fn before(&self, byte: usize, n: usize) -> &'a str {
        let head = &self.text[..byte];
        let start = head
            .char_indices()
            .rev()
            .nth(n.saturating_sub(1))
            .map_or(0, |(i, _)| i);
        if n == 0 { "" } else { &head[start..] }
    }

    /// Up to `n` characters right after byte offset `byte`.
    pub fn after(&self, byte: usize, n: usize) -> &'a str {
        let tail = &self.text[byte..];
        let end = tail.char_indices().nth(n).map_or(tail.len(), |(i, _)| i);
        &tail[..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_code_points_not_bytes_or_utf16_units() {
        // é (2 bytes), 𝔘 (4 bytes, 2 UTF-16 units), ’ (3 bytes); long enough to cross checkpoints.
        let text = format!("{}é𝔘’x\r\n{}", "a".repeat(70), "ü".repeat(100));
        let idx = CharIndex::new(&text);
        for (byte, _) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            assert_eq!(
                idx.chars_at(byte),
                text[..byte].chars().count(),
                "at byte {byte}"
            );
        }
        assert_eq!(idx.len(), text.chars().count());
        let x = text.find('x').unwrap();
        assert_eq!(idx.before(x, 3), "é𝔘’");
        assert_eq!(idx.after(x, 3), "x\r\n");
        assert_eq!(idx.before(2, 32), "aa");
        assert_eq!(idx.after(text.len() - 2, 32), "ü");
        assert_eq!(idx.before(5, 0), "");
    }

    #[test]
    fn checkpoints_hold_whether_the_text_ends_on_a_chunk_or_not() {
        // Whole 64-byte chunks only, and with a partial chunk after them.
        for len in [0, 1, 63, 64, 65, 128, 130] {
            let text: String = "é".repeat(len / 2) + &"a".repeat(len % 2);
            let idx = CharIndex::new(&text);
            assert_eq!(idx.len(), text.chars().count(), "{len}");
            for (byte, _) in text.char_indices() {
                assert_eq!(idx.chars_at(byte), text[..byte].chars().count());
            }
            assert_eq!(idx.chars_at(text.len()), text.chars().count());
        }
    }
}
