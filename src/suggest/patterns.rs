//! Built-in detectors for pipeline artifacts that a phrase list cannot
//! express: a space before a full stop or comma (`Spavor .`), and leftover
//! spintax (`{that a}`, `{said|stated}`).

use std::ops::Range;

use super::rules::{TokenKind, Tokens};

/// A detector match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternHit {
    /// Range in the text.
    pub range: Range<usize>,
    /// The restored text.
    pub replace: String,
    /// Which detector (`space before punctuation`, `spintax`).
    pub name: &'static str,
}

/// Confidence of a space-before-punctuation fix.
pub const SPACE_CONFIDENCE: f64 = 0.9;
/// Confidence of a spintax fix.
pub const SPINTAX_CONFIDENCE: f64 = 0.75;

/// `word .` → `word.` and `word ,` → `word,`, where the mark is followed by a
/// space or the paragraph end (not `...` or `.5`). The anchor includes the
/// word before, so it reads naturally and is easy to make unique.
pub fn space_before_punctuation(toks: &Tokens<'_>) -> Vec<PatternHit> {
    let text = toks.text;
    let mut hits = Vec::new();
    for (i, t) in toks.tokens.iter().enumerate().skip(1) {
        let mark = &text[t.range.clone()];
        if t.kind != TokenKind::Punct || !matches!(mark, "." | ",") {
            continue;
        }
        let prev = &toks.tokens[i - 1];
        if prev.kind == TokenKind::Punct || prev.para != t.para {
            continue;
        }
        let gap = &text[prev.range.end..t.range.start];
        if gap.is_empty() || !gap.chars().all(|c| c == ' ') {
            continue;
        }
        let after = text[t.range.end..].chars().next();
        if !after.is_none_or(|c| c == ' ' || c == '\n' || c == '\r') {
            continue;
        }
        hits.push(PatternHit {
            range: prev.range.start..t.range.end,
            replace: format!("{}{mark}", &text[prev.range.clone()]),
            name: "space before punctuation",
        });
    }
    hits
}

/// `{that a}` → `that a`; `{said|stated}` → `said`: braces around a few words
/// on one line are leftovers of spintax, the template language of article
/// spinners.
pub fn spintax(toks: &Tokens<'_>) -> Vec<PatternHit> {
    let text = toks.text;
    let mut hits = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('{').map(|i| from + i) {
        from = open + 1;
        let Some(close) = text[open + 1..]
            .find(['}', '\n', '{'])
            .map(|i| open + 1 + i)
        else {
            break;
        };
        // `{{ x }}` is template syntax, not spintax.
        if &text[close..close + 1] != "}"
            || text[..open].ends_with('{')
            || text[close + 1..].starts_with('}')
        {
            continue;
        }
        let inner = &text[open + 1..close];
        let plain = inner.chars().all(|c| {
            crate::text::is_word_char(c) || matches!(c, ' ' | '|' | '\'' | '’' | '-' | ',')
        });
        let words = crate::text::count_words(inner);
        if !plain || words == 0 || words > 6 || inner.starts_with(' ') || inner.ends_with(' ') {
            continue;
        }
        let first = inner.split('|').next().unwrap_or(inner).trim();
        if first.is_empty() {
            continue;
        }
        hits.push(PatternHit {
            range: open..close + 1,
            replace: first.to_string(),
            name: "spintax",
        });
        from = close + 1;
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(f: fn(&Tokens<'_>) -> Vec<PatternHit>, text: &str) -> Vec<(String, String)> {
        let toks = Tokens::new(text);
        f(&toks)
            .into_iter()
            .map(|h| (text[h.range].to_string(), h.replace))
            .collect()
    }

    #[test]
    fn spaces_before_full_stops_and_commas() {
        assert_eq!(
            found(
                space_before_punctuation,
                "freedoms of Spavor .\nwork , then 2 . And x ... y .5 z\" ."
            ),
            [
                ("Spavor .".to_string(), "Spavor.".to_string()),
                ("work ,".to_string(), "work,".to_string()),
                ("2 .".to_string(), "2.".to_string()),
            ]
        );
    }

    #[test]
    fn spintax_leftovers() {
        assert_eq!(
            found(
                spintax,
                "aware {that a} talk; {said|stated} it; {{x}} {a\nb} {}"
            ),
            [
                ("{that a}".to_string(), "that a".to_string()),
                ("{said|stated}".to_string(), "said".to_string()),
            ]
        );
    }
}
