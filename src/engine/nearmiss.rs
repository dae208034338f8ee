//! Near-miss search: when an anchor matches nothing, find the closest passage so
//! the error can say "did you mean ... at line N". Used only to *suggest*; emend
//! never anchors fuzzily (short quotes re-anchored fuzzily land on the wrong text).

use std::ops::Range;

/// Texts longer than this times the needle are not searched (the search is
/// O(text × needle); a near-miss hint is not worth seconds).
const MAX_CELLS: usize = 60_000_000;

/// The closest passage to a needle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMiss {
    /// Byte range in the searched text.
    pub range: Range<usize>,
    /// Edit distance after normalising case, quotes and dashes.
    pub distance: usize,
    /// What differs, when it is one simple thing.
    pub hint: Option<String>,
}

/// Folds the differences people cannot see or do not care about when typing an anchor.
fn fold(c: char) -> char {
    match c {
        '’' | '‘' | '`' | '´' | 'ʼ' | '′' => '\'',
        '“' | '”' | '„' | '″' | '«' | '»' => '"',
        '–' | '—' | '‐' | '‑' | '−' => '-',
        c if c.is_whitespace() => ' ',
        c => c.to_lowercase().next().unwrap_or(c),
    }
}

/// How much near-miss searching one article may do in total (in cells of the
/// O(text × needle) table): a file of thousands of corrections that all miss
/// (corrections pasted into the wrong article) must still fail in seconds.
pub const ARTICLE_BUDGET: usize = 2 * MAX_CELLS;

/// Finds the passage of `text` closest to `needle` (approximate substring
/// matching, Sellers' algorithm), if it is close enough to be a likely typo.
/// The search's cost is taken from `budget`; when it would exceed what is
/// left, there is no search and no suggestion.
pub fn nearest(text: &str, needle: &str, budget: &mut usize) -> Option<NearMiss> {
    let pat: Vec<char> = needle.chars().map(fold).collect();
    let m = pat.len();
    if m == 0 {
        return None;
    }
    // Count before collecting: a huge text must not be expanded for nothing.
    let cells = text.chars().count().saturating_mul(m);
    if cells > MAX_CELLS || cells > *budget {
        return None;
    }
    *budget -= cells;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    // Allow roughly one edit in four characters, at least one.
    let max_dist = (m / 4).max(1);
    // prev[j]: cost of matching pat[..j] ending at the previous text char; start[j]: where it began.
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut prev_start: Vec<usize> = vec![0; m + 1];
    let mut cur = vec![0; m + 1];
    let mut cur_start = vec![0; m + 1];
    let mut best: Option<(usize, usize, usize)> = None; // (distance, start char, end char)
    for (i, &(_, c)) in chars.iter().enumerate() {
        let c = fold(c);
        cur[0] = 0;
        cur_start[0] = i + 1;
        for j in 1..=m {
            let sub = prev[j - 1] + usize::from(pat[j - 1] != c);
            let del = prev[j] + 1;
            let ins = cur[j - 1] + 1;
            if sub <= del && sub <= ins {
                cur[j] = sub;
                cur_start[j] = if j == 1 { i } else { prev_start[j - 1] };
            } else if del <= ins {
                cur[j] = del;
                cur_start[j] = prev_start[j];
            } else {
                cur[j] = ins;
                cur_start[j] = cur_start[j - 1];
            }
        }
        if cur[m] <= max_dist && best.is_none_or(|(d, _, _)| cur[m] < d) {
            best = Some((cur[m], cur_start[m], i + 1));
        }
        std::mem::swap(&mut prev, &mut cur);
        std::mem::swap(&mut prev_start, &mut cur_start);
    }
    let (distance, mut start, mut end) = best?;
    // A needle that starts or ends with a word character is compared with
    // whole words: suggest "alpha" for "alpah", not "alph".
    let is_word = |ci: usize| {
        chars
            .get(ci)
            .is_some_and(|&(_, c)| crate::text::is_word_char(c))
    };
    if needle.chars().next().is_some_and(crate::text::is_word_char) {
        while start > 0 && is_word(start - 1) && is_word(start) {
            start -= 1;
        }
    }
    if needle
        .chars()
        .next_back()
        .is_some_and(crate::text::is_word_char)
    {
        while end < chars.len() && is_word(end) && end > 0 && is_word(end - 1) {
            end += 1;
        }
    }
    let byte = |ci: usize| chars.get(ci).map_or(text.len(), |&(b, _)| b);
    let range = byte(start)..byte(end);
    let found = &text[range.clone()];
    let hint = describe(needle, found);
    Some(NearMiss {
        range,
        distance,
        hint,
    })
}

/// Names the single kind of difference between what was typed and what is there.
fn describe(typed: &str, found: &str) -> Option<String> {
    if typed == found {
        return None;
    }
    if typed.to_lowercase() == found.to_lowercase() {
        return Some("matching is case-sensitive: the letter case differs".into());
    }
    let fold_quotes = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '’' | '‘' => '\'',
                '“' | '”' => '"',
                c => c,
            })
            .collect()
    };
    if fold_quotes(typed) == fold_quotes(found) {
        return Some("the text uses curly quotes or apostrophes (’ “ ”): copy them exactly".into());
    }
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    if squash(typed) == squash(found) {
        return Some("the spacing differs".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_curly_apostrophe_misses() {
        let text = "Beijing favored the re-election of Trudeau’s Liberals";
        let n = nearest(text, "Trudeau's Liberals", &mut ARTICLE_BUDGET.clone()).unwrap();
        assert_eq!(&text[n.range.clone()], "Trudeau’s Liberals");
        assert_eq!(n.distance, 0);
        assert_eq!(
            n.hint.as_deref(),
            Some("the text uses curly quotes or apostrophes (’ “ ”): copy them exactly")
        );
    }

    #[test]
    fn finds_typos_and_case() {
        let text = "the two sources mentioned that Dong";
        let n = nearest(text, "mentoined", &mut ARTICLE_BUDGET.clone()).unwrap();
        assert_eq!(&text[n.range.clone()], "mentioned");
        let n = nearest(text, "Two sources", &mut ARTICLE_BUDGET.clone()).unwrap();
        assert_eq!(&text[n.range.clone()], "two sources");
        assert_eq!(
            n.hint.as_deref(),
            Some("matching is case-sensitive: the letter case differs")
        );
    }

    #[test]
    fn suggests_whole_words() {
        let n = nearest("alpha beta", "alpah", &mut ARTICLE_BUDGET.clone()).unwrap();
        assert_eq!(n.range, 0..5);
    }

    #[test]
    fn gives_up_when_nothing_is_close() {
        assert_eq!(
            nearest(
                "completely different words here",
                "zebra crossing",
                &mut ARTICLE_BUDGET.clone()
            ),
            None
        );
    }
}
