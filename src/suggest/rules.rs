//! The context-rule language of spinner dictionaries, and the tokenizer it
//! works on.
//!
//! A text is split into tokens: words (runs of letters and digits, with inner
//! apostrophes and hyphens: `Canada’s`, `two-year-old`), numbers (digits with
//! inner `.` or `,`: `2`, `2,000`, `2.5`) and single punctuation marks. Line
//! breaks end a paragraph; context never reaches across one.
//!
//! A *pattern* is a space-separated sequence of atoms that must match the
//! tokens right before (`prev`) or right after (`next`) a dictionary match:
//!
//! | atom | matches |
//! |---|---|
//! | `word` (no capitals) | that word in any case (`the` matches `The`) |
//! | `Word` (with a capital) | exactly that word |
//! | `,` `“` … | that punctuation mark |
//! | `@name` | any word of the class `name` defined under `classes:` |
//! | `@cap` / `@lower` | a word starting with a capital / lowercase letter |
//! | `@word` | any word or number |
//! | `@digits` | a number written in digits |
//! | `@possessive` | a word ending in `’s` (`Beijing’s`) |
//! | `@punct` | any punctuation mark |
//! | `@boundary` | a clause boundary: one of `, ; : . ! ? ( ) “ ” " — –`, or the paragraph edge |
//! | `@start` | (leftmost in `prev` only) the match begins a sentence |
//! | `@end` | (rightmost in `next` only) `.`, `!`, `?` or the paragraph end |
//!
//! `prev` patterns are aligned so that their last atom is the token right
//! before the match; `next` patterns so that their first atom is the token
//! right after it. Apostrophes `'` and `’` compare equal.

use std::collections::HashSet;
use std::ops::Range;

use crate::text::is_word_char;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters (and digits), possibly joined by apostrophes or hyphens.
    Word,
    /// Digits, possibly with inner `.` or `,`.
    Number,
    /// One punctuation mark or symbol.
    Punct,
}

/// One token of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// Word, number or punctuation.
    pub kind: TokenKind,
    /// Paragraph (line) number, counting from 0.
    pub para: usize,
}

/// A text split into tokens.
pub struct Tokens<'t> {
    /// The text.
    pub text: &'t str,
    /// Its tokens, in order.
    pub tokens: Vec<Token>,
}

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "lt", "col", "sgt", "capt", "rep",
    "sen", "gov", "no", "vs", "etc", "inc", "ltd", "co", "corp", "u", "s", "e", "g", "i", "a", "p",
    "m", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "mt", "ft",
];

fn joins_word(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '‐')
}

impl<'t> Tokens<'t> {
    /// Tokenizes `text`.
    pub fn new(text: &'t str) -> Self {
        let mut tokens = Vec::new();
        let mut para = 0;
        let mut it = text.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if c == '\n' {
                para += 1;
                continue;
            }
            if c.is_whitespace() {
                continue;
            }
            if !is_word_char(c) {
                tokens.push(Token {
                    range: i..i + c.len_utf8(),
                    kind: TokenKind::Punct,
                    para,
                });
                continue;
            }
            let mut end = i + c.len_utf8();
            let mut number = c.is_ascii_digit();
            let mut prev = c;
            while let Some(&(j, d)) = it.peek() {
                let next = text[j + d.len_utf8()..].chars().next();
                let joins = if is_word_char(d) {
                    number &= d.is_ascii_digit();
                    true
                } else if matches!(d, '.' | ',') {
                    prev.is_ascii_digit() && next.is_some_and(|n| n.is_ascii_digit())
                } else if joins_word(d) && next.is_some_and(is_word_char) {
                    number = false;
                    true
                } else {
                    false
                };
                if !joins {
                    break;
                }
                it.next();
                end = j + d.len_utf8();
                prev = d;
            }
            tokens.push(Token {
                range: i..end,
                kind: if number {
                    TokenKind::Number
                } else {
                    TokenKind::Word
                },
                para,
            });
        }
        Tokens { text, tokens }
    }

    /// The text of token `i`.
    pub fn str(&self, i: usize) -> &'t str {
        &self.text[self.tokens[i].range.clone()]
    }

    /// The tokens `range` covers exactly, as `first..end` token indices, or
    /// `None` when the range starts or ends inside a token (a dictionary match
    /// must never split `2-year-old` or `2.5`).
    pub fn span(&self, range: &Range<usize>) -> Option<Range<usize>> {
        let (first, last) = self.first_and_last(range)?;
        (self.tokens[last].range.end == range.end).then_some(first..last + 1)
    }

    /// Like [`span`](Tokens::span), and also a range that ends where its last
    /// token's possessive `’s` begins: `metropolis` in `metropolis’s` covers
    /// that token (a match must not split a token, and `’s` stays on it).
    pub fn span_before_possessive(&self, range: &Range<usize>) -> Option<Range<usize>> {
        let (first, last) = self.first_and_last(range)?;
        let token = &self.tokens[last];
        let rest = self.text.get(range.end..token.range.end)?;
        let whole = rest.is_empty();
        let possessive = token.kind == TokenKind::Word
            && range.end > token.range.start
            && matches!(rest, "’s" | "'s");
        (whole || possessive).then_some(first..last + 1)
    }

    /// The first token starting at `range.start` and the last token starting
    /// before `range.end` (`None`: no token starts at `range.start`).
    fn first_and_last(&self, range: &Range<usize>) -> Option<(usize, usize)> {
        let first = self
            .tokens
            .binary_search_by_key(&range.start, |t| t.range.start)
            .ok()?;
        let last = self
            .tokens
            .partition_point(|t| t.range.start < range.end)
            .checked_sub(1)?;
        (last >= first).then_some((first, last))
    }

    /// Whether the token at `first` begins a sentence: nothing but opening
    /// quotes or brackets stands between it and the paragraph start or a
    /// sentence-ending `.`, `!` or `?`.
    pub fn sentence_start(&self, first: usize) -> bool {
        let para = self.tokens.get(first).map_or(usize::MAX, |t| t.para);
        let mut k = first;
        while k > 0 && self.tokens[k - 1].para == para {
            let s = self.str(k - 1);
            match s {
                "“" | "\"" | "‘" | "'" | "(" | "[" | "—" | "–" => k -= 1,
                "!" | "?" => return true,
                "." => {
                    // "Mr. Dong", "U.S. officials": not a sentence end.
                    let abbreviated = k >= 2
                        && self.tokens[k - 2].para == para
                        && self.tokens[k - 2].range.end == self.tokens[k - 1].range.start
                        && ABBREVIATIONS.contains(&self.str(k - 2).to_lowercase().as_str());
                    return !abbreviated;
                }
                _ => return false,
            }
        }
        true
    }
}

/// One atom of a pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Atom {
    /// A literal word or punctuation mark; all-lowercase literals match any case.
    Lit(String),
    /// A user-defined class (index into [`Classes`]).
    Class(usize),
    /// A word starting with an uppercase letter.
    Cap,
    /// A word starting with a lowercase letter.
    Lower,
    /// Any word or number.
    Word,
    /// A number in digits.
    Digits,
    /// A possessive word (`Beijing’s`).
    Possessive,
    /// Any punctuation mark.
    Punct,
    /// A clause boundary or the paragraph edge.
    Boundary,
    /// The match begins a sentence (in `prev` only, leftmost).
    Start,
    /// A sentence end or the paragraph end (in `next` only, rightmost).
    End,
}

/// The built-in class names, for messages.
pub const BUILTIN_CLASSES: &[&str] = &[
    "cap",
    "lower",
    "word",
    "digits",
    "possessive",
    "punct",
    "boundary",
    "start",
    "end",
];

/// A sequence of atoms.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pattern(pub Vec<Atom>);

/// Word classes: named sets of words.
#[derive(Debug, Clone, Default)]
pub struct Classes {
    names: Vec<String>,
    /// Lowercase words, matched in any case (apostrophes normalised).
    fold: Vec<HashSet<String>>,
    /// Words with capitals, matched exactly.
    exact: Vec<HashSet<String>>,
}

/// Lowercases and normalises apostrophes, for case-insensitive comparison.
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == '’' { '\'' } else { c })
        .collect()
}

fn has_upper(s: &str) -> bool {
    s.chars().any(char::is_uppercase)
}

impl Classes {
    /// The index of class `name`, if defined.
    pub fn get(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The defined class names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Adds words to class `name` (creating it).
    pub fn extend<'a>(&mut self, name: &str, words: impl IntoIterator<Item = &'a str>) -> usize {
        let idx = match self.get(name) {
            Some(i) => i,
            None => {
                self.names.push(name.to_string());
                self.fold.push(HashSet::new());
                self.exact.push(HashSet::new());
                self.names.len() - 1
            }
        };
        for w in words {
            if has_upper(w) {
                self.exact[idx].insert(w.replace('’', "'"));
            } else {
                self.fold[idx].insert(fold(w));
            }
        }
        idx
    }

    /// Whether `token` belongs to class `idx`.
    pub fn contains(&self, idx: usize, token: &str) -> bool {
        self.fold[idx].contains(&fold(token)) || self.exact[idx].contains(&token.replace('’', "'"))
    }
}

/// Which side of a match a pattern looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The tokens before the match.
    Prev,
    /// The tokens after it.
    Next,
}

/// Parses a pattern such as `"as @aux"` or `"@start"`.
pub fn parse_pattern(src: &str, side: Side, classes: &Classes) -> Result<Pattern, String> {
    let mut atoms = Vec::new();
    for piece in src.split_whitespace() {
        if let Some(name) = piece.strip_prefix('@') {
            let atom = match name {
                "cap" => Atom::Cap,
                "lower" => Atom::Lower,
                "word" => Atom::Word,
                "digits" => Atom::Digits,
                "possessive" => Atom::Possessive,
                "punct" => Atom::Punct,
                "boundary" => Atom::Boundary,
                "start" => Atom::Start,
                "end" => Atom::End,
                _ => match classes.get(name) {
                    Some(i) => Atom::Class(i),
                    None => {
                        let mut known: Vec<&str> = BUILTIN_CLASSES.to_vec();
                        known.extend(classes.names().iter().map(String::as_str));
                        return Err(match crate::text::did_you_mean(name, &known) {
                            Some(s) => format!("unknown class `@{name}` (did you mean `@{s}`?)"),
                            None => format!(
                                "unknown class `@{name}`; define it under `classes:` or use a built-in one (@{})",
                                BUILTIN_CLASSES.join(", @")
                            ),
                        });
                    }
                },
            };
            atoms.push(atom);
        } else {
            let toks = Tokens::new(piece);
            for i in 0..toks.tokens.len() {
                atoms.push(Atom::Lit(toks.str(i).replace('’', "'")));
            }
        }
    }
    if atoms.is_empty() {
        return Err("empty pattern".into());
    }
    let last = atoms.len() - 1;
    for (i, a) in atoms.iter().enumerate() {
        match (a, side) {
            (Atom::Start, Side::Next) => {
                return Err("`@start` can only be used in `prev`/`not_prev`".into());
            }
            (Atom::End, Side::Prev) => {
                return Err("`@end` can only be used in `next`/`not_next`".into());
            }
            (Atom::Start, Side::Prev) if i != 0 => {
                return Err("`@start` must be the first atom of a pattern".into());
            }
            (Atom::End, Side::Next) if i != last => {
                return Err("`@end` must be the last atom of a pattern".into());
            }
            _ => {}
        }
    }
    Ok(Pattern(atoms))
}

/// `week’s` → `week`.
fn strip_possessive(s: &str) -> Option<&str> {
    s.strip_suffix("’s").or_else(|| s.strip_suffix("'s"))
}

const BOUNDARY_MARKS: &[&str] = &[
    ",", ";", ":", ".", "!", "?", "(", ")", "“", "”", "\"", "—", "–",
];

impl Tokens<'_> {
    fn atom_matches(&self, atom: &Atom, i: usize, classes: &Classes) -> bool {
        let tok = &self.tokens[i];
        let s = self.str(i);
        let word = tok.kind != TokenKind::Punct;
        match atom {
            // A word also matches in its possessive form ("week" matches "week’s").
            Atom::Lit(lit) => {
                let same = |s: &str| {
                    if has_upper(lit) {
                        s.replace('’', "'") == *lit
                    } else {
                        fold(s) == *lit
                    }
                };
                same(s) || (word && strip_possessive(s).is_some_and(same))
            }
            Atom::Class(c) => {
                classes.contains(*c, s)
                    || (word && strip_possessive(s).is_some_and(|b| classes.contains(*c, b)))
            }
            Atom::Cap => {
                tok.kind == TokenKind::Word && s.chars().next().is_some_and(char::is_uppercase)
            }
            Atom::Lower => {
                tok.kind == TokenKind::Word && s.chars().next().is_some_and(char::is_lowercase)
            }
            Atom::Word => word,
            Atom::Digits => tok.kind == TokenKind::Number,
            Atom::Possessive => {
                tok.kind == TokenKind::Word && (s.ends_with("’s") || s.ends_with("'s"))
            }
            Atom::Punct => !word,
            Atom::Boundary => BOUNDARY_MARKS.contains(&s),
            Atom::End => matches!(s, "." | "!" | "?"),
            Atom::Start => false,
        }
    }

    /// Whether `pattern` matches the tokens right before token `first`.
    pub fn prev_matches(&self, pattern: &Pattern, first: usize, classes: &Classes) -> bool {
        let para = self.tokens[first].para;
        let mut k = first; // tokens[..k] remain
        for atom in pattern.0.iter().rev() {
            let available = k > 0 && self.tokens[k - 1].para == para;
            match atom {
                // `@start` is the leftmost atom: the tokens matched so far begin a sentence.
                Atom::Start => return self.sentence_start(k),
                Atom::Boundary if !available => continue,
                _ if !available => return false,
                _ => {
                    if !self.atom_matches(atom, k - 1, classes) {
                        return false;
                    }
                    k -= 1;
                }
            }
        }
        true
    }

    /// Whether `pattern` matches the tokens right after the token span ending at `end` (exclusive).
    pub fn next_matches(&self, pattern: &Pattern, end: usize, classes: &Classes) -> bool {
        let para = self.tokens[end - 1].para;
        let mut k = end;
        for atom in &pattern.0 {
            let available = k < self.tokens.len() && self.tokens[k].para == para;
            match atom {
                Atom::Boundary | Atom::End if !available => continue,
                _ if !available => return false,
                _ => {
                    if !self.atom_matches(atom, k, classes) {
                        return false;
                    }
                    k += 1;
                }
            }
        }
        true
    }
}

/// The context conditions of a dictionary entry: every non-empty list must
/// have a matching pattern, and no `not_` pattern may match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Context {
    /// One of these must match before the match.
    pub prev: Vec<Pattern>,
    /// None of these may match before it.
    pub not_prev: Vec<Pattern>,
    /// One of these must match after it.
    pub next: Vec<Pattern>,
    /// None of these may match after it.
    pub not_next: Vec<Pattern>,
}

impl Context {
    /// Whether the context allows a match covering tokens `span`.
    pub fn allows(&self, toks: &Tokens<'_>, span: &Range<usize>, classes: &Classes) -> bool {
        let prev = |p: &Pattern| toks.prev_matches(p, span.start, classes);
        let next = |p: &Pattern| toks.next_matches(p, span.end, classes);
        (self.prev.is_empty() || self.prev.iter().any(prev))
            && !self.not_prev.iter().any(prev)
            && (self.next.is_empty() || self.next.iter().any(next))
            && !self.not_next.iter().any(next)
    }

    /// Whether no `not_prev` or `not_next` pattern matches around `span`
    /// (the positive lists are not consulted).
    pub fn vetoes_pass(&self, toks: &Tokens<'_>, span: &Range<usize>, classes: &Classes) -> bool {
        !self
            .not_prev
            .iter()
            .any(|p| toks.prev_matches(p, span.start, classes))
            && !self
                .not_next
                .iter()
                .any(|p| toks.next_matches(p, span.end, classes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        let t = Tokens::new(text);
        (0..t.tokens.len()).map(|i| t.str(i)).collect()
    }

    #[test]
    fn tokens_keep_compounds_and_numbers_whole() {
        assert_eq!(
            words("Canada’s two-year-old 2,000 2.5 “Two Michaels,” end."),
            [
                "Canada’s",
                "two-year-old",
                "2,000",
                "2.5",
                "“",
                "Two",
                "Michaels",
                ",",
                "”",
                "end",
                "."
            ]
        );
        let t = Tokens::new("a 2 b\nc");
        assert_eq!(t.tokens[1].kind, TokenKind::Number);
        assert_eq!(t.tokens[3].para, 1);
    }

    #[test]
    fn spans_must_not_split_tokens() {
        let text = "the 2-year-old and the 2 sources, 2.5";
        let t = Tokens::new(text);
        let at = |s: &str, n: usize| {
            let i = text.match_indices(s).nth(n).unwrap().0;
            i..i + s.len()
        };
        assert!(t.span(&at("2", 0)).is_none());
        assert_eq!(t.span(&at("2", 1)), Some(4..5));
        assert!(t.span(&at("2", 2)).is_none());
        assert_eq!(t.span(&at("the 2 sources", 0)), Some(3..6));
    }

    #[test]
    fn sentence_starts_skip_quotes_and_abbreviations() {
        let text = "He left. “Then Mr. Dong spoke\nNext";
        let t = Tokens::new(text);
        let idx = |w: &str| (0..t.tokens.len()).find(|&i| t.str(i) == w).unwrap();
        assert!(t.sentence_start(idx("He")));
        assert!(t.sentence_start(idx("Then")));
        assert!(!t.sentence_start(idx("Dong")));
        assert!(!t.sentence_start(idx("left")));
        assert!(t.sentence_start(idx("Next")));
    }

    fn classes() -> Classes {
        let mut c = Classes::default();
        c.extend("aux", ["was", "is", "been"]);
        c
    }

    fn allows(ctx: &Context, text: &str, needle: &str) -> bool {
        let t = Tokens::new(text);
        let i = text.find(needle).unwrap();
        let span = t.span(&(i..i + needle.len())).unwrap();
        ctx.allows(&t, &span, &classes())
    }

    fn pats(list: &[&str], side: Side) -> Vec<Pattern> {
        list.iter()
            .map(|p| parse_pattern(p, side, &classes()).unwrap())
            .collect()
    }

    #[test]
    fn prev_and_next_patterns() {
        let ctx = Context {
            not_prev: pats(&["as", "@aux"], Side::Prev),
            not_next: pats(&["above", "in the report"], Side::Next),
            ..Default::default()
        };
        assert!(allows(&ctx, "Both sources mentioned Dong.", "mentioned"));
        assert!(!allows(&ctx, "As mentioned earlier", "mentioned"));
        assert!(!allows(&ctx, "as mentioned earlier", "mentioned"));
        assert!(!allows(&ctx, "it was mentioned", "mentioned"));
        assert!(!allows(&ctx, "she mentioned above", "mentioned"));
        assert!(!allows(&ctx, "she mentioned in the report", "mentioned"));
        assert!(allows(&ctx, "she mentioned in a report", "mentioned"));
    }

    #[test]
    fn boundaries_starts_and_ends() {
        let ctx = Context {
            prev: pats(&["@start"], Side::Prev),
            next: pats(&["@end", ","], Side::Next),
            ..Default::default()
        };
        assert!(allows(&ctx, "Nonetheless, it rained", "Nonetheless"));
        assert!(allows(&ctx, "x. “Nonetheless.", "Nonetheless"));
        assert!(!allows(&ctx, "it was nonetheless, fine", "nonetheless"));
        assert!(!allows(&ctx, "Nonetheless it rained", "Nonetheless"));
        // the paragraph end counts as an end and as a boundary
        assert!(allows(&ctx, "Nonetheless\nnext", "Nonetheless"));
        let b = Context {
            prev: pats(&["@boundary"], Side::Prev),
            ..Default::default()
        };
        assert!(allows(&b, "said, including that", "including"));
        assert!(allows(&b, "including that", "including"));
        assert!(!allows(&b, "said including that", "including"));
    }

    #[test]
    fn case_and_class_matching() {
        let ctx = Context {
            prev: pats(&["the", "@cap"], Side::Prev),
            next: pats(&["@lower", "@digits"], Side::Next),
            ..Default::default()
        };
        assert!(allows(&ctx, "The x sources", "x"));
        assert!(allows(&ctx, "Liberal x 2", "x"));
        assert!(!allows(&ctx, "a x sources", "x"));
        assert!(!allows(&ctx, "the x Sources", "x"));
        // apostrophes compare equal
        let a = Context {
            next: pats(&["doesn't"], Side::Next),
            ..Default::default()
        };
        assert!(allows(&a, "x doesn’t", "x"));
        // words and classes also match their possessive form
        let p = Context {
            next: pats(&["week", "@aux"], Side::Next),
            ..Default::default()
        };
        assert!(allows(&p, "final week’s report", "final"));
        assert!(allows(&p, "x was", "x"));
        assert!(!allows(&p, "final weekend", "final"));
    }

    #[test]
    fn pattern_errors_are_explained() {
        let c = classes();
        assert_eq!(
            parse_pattern("@axu", Side::Prev, &c).unwrap_err(),
            "unknown class `@axu` (did you mean `@aux`?)"
        );
        assert_eq!(
            parse_pattern("x @start", Side::Prev, &c).unwrap_err(),
            "`@start` must be the first atom of a pattern"
        );
        assert_eq!(
            parse_pattern("@end", Side::Prev, &c).unwrap_err(),
            "`@end` can only be used in `next`/`not_next`"
        );
        assert_eq!(parse_pattern("U.S.", Side::Next, &c).unwrap().0.len(), 4);
    }
}
