//! Structured fuzz input for the engine and render targets: an original plus
//! corrections and annotations whose anchors are mostly cut from the original
//! (so they match and the engine's deeper rules run), written out as real YAML.

use arbitrary::Arbitrary;
use serde_yaml::{Mapping, Value};

use crate::check::Case;

/// Where an anchor's text comes from.
#[derive(Debug, Arbitrary)]
pub enum AnchorIn {
    /// A slice of the original: start (a character index, wrapped) and length in characters.
    Slice {
        /// Start character (modulo the text's length).
        at: u16,
        /// Length in characters (at least 1).
        len: u8,
    },
    /// Free text.
    Text(String),
}

/// How to pick among matches.
#[derive(Debug, Arbitrary)]
pub enum PickIn {
    /// Exactly one match.
    Unique,
    /// `occurrence: n` (may be 0 or out of range: errors are fine).
    Nth(u8),
    /// `all: true`.
    All,
}

/// One correction.
#[derive(Debug, Arbitrary)]
pub struct CorrectionIn {
    find: AnchorIn,
    replace: String,
    /// Characters of context before the match to require (0: none).
    before: u8,
    /// Characters of context after the match to require (0: none).
    after: u8,
    pick: PickIn,
    why: Option<String>,
}

/// One annotation.
#[derive(Debug, Arbitrary)]
pub struct AnnotationIn {
    quote: AnchorIn,
    on_original: bool,
    note: String,
    before: u8,
    after: u8,
    occurrence: Option<u8>,
    source: Option<(String, String)>,
}

/// A whole article.
#[derive(Debug, Arbitrary)]
pub struct EditionIn {
    markdown: bool,
    original: String,
    title: String,
    summary: Option<String>,
    corrections: Vec<CorrectionIn>,
    annotations: Vec<AnnotationIn>,
}

fn char_starts(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    v.push(text.len());
    v
}

/// The anchor text and the character-index range it was cut from (if a slice).
fn anchor(text: &str, starts: &[usize], a: &AnchorIn) -> (String, Option<(usize, usize)>) {
    match a {
        AnchorIn::Text(s) => (s.clone(), None),
        AnchorIn::Slice { at, len } => {
            let chars = starts.len() - 1;
            if chars == 0 {
                return (String::new(), None);
            }
            let from = usize::from(*at) % chars;
            let to = (from + usize::from(*len).max(1)).min(chars);
            (text[starts[from]..starts[to]].to_string(), Some((from, to)))
        }
    }
}

fn context(
    text: &str,
    starts: &[usize],
    cut: Option<(usize, usize)>,
    before: u8,
    after: u8,
) -> (Option<String>, Option<String>) {
    let Some((from, to)) = cut else {
        return (None, None);
    };
    let chars = starts.len() - 1;
    let b = usize::from(before % 8);
    let a = usize::from(after % 8);
    let before = (b > 0).then(|| text[starts[from.saturating_sub(b)]..starts[from]].to_string());
    let after = (a > 0).then(|| text[starts[to]..starts[(to + a).min(chars)]].to_string());
    (before, after)
}

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

impl EditionIn {
    /// The article's files.
    pub fn to_case(&self) -> Case {
        let text = &self.original;
        let starts = char_starts(text);
        let mut corrections = Vec::new();
        for c in &self.corrections {
            let (find, cut) = anchor(text, &starts, &c.find);
            let (before, after) = context(text, &starts, cut, c.before, c.after);
            let mut m = Mapping::new();
            m.insert(s("find"), s(&find));
            m.insert(s("replace"), s(&c.replace));
            if let Some(b) = before {
                m.insert(s("before"), s(&b));
            }
            if let Some(a) = after {
                m.insert(s("after"), s(&a));
            }
            match c.pick {
                PickIn::Unique => {}
                PickIn::Nth(n) => {
                    m.insert(s("occurrence"), Value::from(n % 4));
                }
                PickIn::All => {
                    m.insert(s("all"), Value::Bool(true));
                }
            }
            if let Some(w) = &c.why {
                m.insert(s("why"), s(w));
            }
            corrections.push(Value::Mapping(m));
        }
        let mut annotations = Vec::new();
        for a in &self.annotations {
            let (quote, cut) = anchor(text, &starts, &a.quote);
            let (before, after) = context(text, &starts, cut, a.before, a.after);
            let mut m = Mapping::new();
            m.insert(s("quote"), s(&quote));
            m.insert(s("note"), s(&a.note));
            if a.on_original {
                m.insert(s("on"), s("original"));
            }
            if let Some(b) = before {
                m.insert(s("before"), s(&b));
            }
            if let Some(x) = after {
                m.insert(s("after"), s(&x));
            }
            if let Some(n) = a.occurrence {
                m.insert(s("occurrence"), Value::from(n % 4));
            }
            if let Some((title, url)) = &a.source {
                let mut src = Mapping::new();
                src.insert(s("title"), s(title));
                src.insert(s("url"), s(&format!("https://example.org/{url}")));
                m.insert(s("sources"), Value::Sequence(vec![Value::Mapping(src)]));
            }
            annotations.push(Value::Mapping(m));
        }
        let mut meta = Mapping::new();
        meta.insert(s("title"), s(&self.title));
        if let Some(summary) = &self.summary {
            meta.insert(s("summary"), s(summary));
        }
        let yaml = |v: &Value| serde_yaml::to_string(v).unwrap_or_default().into_bytes();
        Case {
            markdown: self.markdown,
            original: self.original.clone().into_bytes(),
            meta: yaml(&Value::Mapping(meta)),
            corrections: (!corrections.is_empty()).then(|| yaml(&Value::Sequence(corrections))),
            annotations: (!annotations.is_empty()).then(|| yaml(&Value::Sequence(annotations))),
        }
    }
}
