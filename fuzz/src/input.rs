//! Structured fuzz input for the engine and render targets: an original plus
//! corrections and annotations whose anchors are mostly cut from the original
//! (so they match and the engine's deeper rules run), written out as real YAML.

use arbitrary::Arbitrary;
use serde_json::{Map as Mapping, Value};

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

/// Writes `v` as block-style YAML (each scalar a double-quoted JSON string,
/// which YAML reads as the same text), the way people write emend's files.
fn to_yaml(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Array(items) => {
            for item in items {
                out.push_str(&pad);
                out.push_str("- ");
                match item {
                    Value::Object(_) | Value::Array(_) => {
                        let mut inner = String::new();
                        to_yaml(item, indent + 2, &mut inner);
                        out.push_str(inner.trim_start());
                    }
                    scalar => {
                        out.push_str(&scalar.to_string());
                        out.push('\n');
                    }
                }
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                out.push_str(&pad);
                out.push_str(&Value::from(k.as_str()).to_string());
                match item {
                    Value::Object(_) | Value::Array(_) => {
                        out.push_str(":\n");
                        to_yaml(item, indent + 2, out);
                    }
                    scalar => {
                        out.push_str(": ");
                        out.push_str(&scalar.to_string());
                        out.push('\n');
                    }
                }
            }
        }
        scalar => {
            out.push_str(&pad);
            out.push_str(&scalar.to_string());
            out.push('\n');
        }
    }
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
            m.insert("find".into(), s(&find));
            m.insert("replace".into(), s(&c.replace));
            if let Some(b) = before {
                m.insert("before".into(), s(&b));
            }
            if let Some(a) = after {
                m.insert("after".into(), s(&a));
            }
            match c.pick {
                PickIn::Unique => {}
                PickIn::Nth(n) => {
                    m.insert("occurrence".into(), Value::from(n % 4));
                }
                PickIn::All => {
                    m.insert("all".into(), Value::Bool(true));
                }
            }
            if let Some(w) = &c.why {
                m.insert("why".into(), s(w));
            }
            corrections.push(Value::Object(m));
        }
        let mut annotations = Vec::new();
        for a in &self.annotations {
            let (quote, cut) = anchor(text, &starts, &a.quote);
            let (before, after) = context(text, &starts, cut, a.before, a.after);
            let mut m = Mapping::new();
            m.insert("quote".into(), s(&quote));
            m.insert("note".into(), s(&a.note));
            if a.on_original {
                m.insert("on".into(), s("original"));
            }
            if let Some(b) = before {
                m.insert("before".into(), s(&b));
            }
            if let Some(x) = after {
                m.insert("after".into(), s(&x));
            }
            if let Some(n) = a.occurrence {
                m.insert("occurrence".into(), Value::from(n % 4));
            }
            if let Some((title, url)) = &a.source {
                let mut src = Mapping::new();
                src.insert("title".into(), s(title));
                src.insert("url".into(), s(&format!("https://example.org/{url}")));
                m.insert("sources".into(), Value::Array(vec![Value::Object(src)]));
            }
            annotations.push(Value::Object(m));
        }
        let mut meta = Mapping::new();
        meta.insert("title".into(), s(&self.title));
        if let Some(summary) = &self.summary {
            meta.insert("summary".into(), s(summary));
        }
        let yaml = |v: &Value| {
            let mut out = String::new();
            to_yaml(v, 0, &mut out);
            out.into_bytes()
        };
        Case {
            markdown: self.markdown,
            original: self.original.clone().into_bytes(),
            meta: yaml(&Value::Object(meta)),
            corrections: (!corrections.is_empty()).then(|| yaml(&Value::Array(corrections))),
            annotations: (!annotations.is_empty()).then(|| yaml(&Value::Array(annotations))),
        }
    }
}
