//! Loading YAML files with positions.
//!
//! A file is parsed once, from `saphyr-parser`'s events, into a tree of
//! [`Node`]s that know their byte span. Parsing has budgets ([`Limits`]: file
//! size, nesting depth, values copied by aliases), each exceeded with a
//! located error, never a crash. The tree is checked against a [`Schema`] (all
//! unknown, duplicate and missing keys of a file at once, with did-you-mean
//! hints), then typed values are read from it with serde ([`de`]), each entry
//! on its own so every entry's type errors are reported with their exact
//! position. Nodes stay with the values, so later errors (a `find` that
//! matches nothing) point at the exact line of the entry.

use std::collections::HashMap;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde::de::DeserializeOwned;

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::files::{MAX_YAML_BYTES, human_size};
use crate::source::SourceFile;
use crate::text::did_you_mean;

pub mod de;

pub use de::Scalar;

/// What kind of YAML node sits somewhere.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar, with its text.
    Scalar(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order (duplicates kept, so they can be reported).
    Map(Vec<(Node, Node)>),
}

/// A YAML node and its byte span in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Byte span (for collections: from the start marker to the end marker).
    pub span: Range<usize>,
    /// The node.
    pub kind: NodeKind,
    /// A plain (unquoted, untagged) scalar, whose type YAML infers
    /// (`true`, `2`, `~`); quoted and `!!str` scalars are always text.
    pub plain: bool,
}

impl Node {
    /// The value under `key`, if this is a mapping that has it (the first one).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(pairs) => pairs
                .iter()
                .find(|(k, _)| matches!(&k.kind, NodeKind::Scalar(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The key node for `key`.
    pub fn key(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(pairs) => pairs
                .iter()
                .find(|(k, _)| matches!(&k.kind, NodeKind::Scalar(s) if s == key))
                .map(|(k, _)| k),
            _ => None,
        }
    }

    /// Items, if this is a sequence.
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            NodeKind::Seq(items) => items,
            _ => &[],
        }
    }

    fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Scalar(_) => "a single value",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// Positions of everything in one YAML document.
#[derive(Debug, Clone)]
pub struct YamlIndex {
    /// The document's root node (`None` for an empty document).
    pub root: Option<Node>,
    /// How many documents the file holds (`---` separated); only one is read.
    pub documents: usize,
}

/// The budgets of one YAML file: what no real file of emend's comes near, and
/// what keeps a hostile one from exhausting memory, time or the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of lists and mappings (emend's own files need 4).
    pub max_depth: usize,
    /// Values that aliases (`*name`) may add by copying their anchors, over
    /// the whole file (an alias bomb multiplies them by ten at each level).
    pub max_alias_nodes: usize,
    /// Bytes of one file.
    pub max_bytes: usize,
}

/// The budgets every YAML file is read with.
pub const LIMITS: Limits = Limits {
    max_depth: 64,
    max_alias_nodes: 100_000,
    max_bytes: MAX_YAML_BYTES as usize,
};

/// Why a text was not turned into a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not valid YAML: the parser's message, at this byte; `open_flow` is the
    /// innermost `[` or `{` still open there.
    Syntax {
        /// The parser's message.
        message: String,
        /// Byte offset where the parser stopped.
        at: usize,
        /// The innermost unclosed flow collection's opening bracket.
        open_flow: Option<usize>,
    },
    /// A character YAML forbids (a control character), at this byte.
    ControlChar {
        /// Byte offset of the character.
        at: usize,
    },
    /// Nested deeper than the limit, at this collection.
    TooDeep {
        /// Where the collection that crosses the limit starts.
        at: usize,
        /// The limit.
        limit: usize,
    },
    /// Aliases would copy more values than the limit, at this alias.
    Aliases {
        /// The alias that crosses the limit.
        at: Range<usize>,
        /// The limit.
        limit: usize,
    },
    /// The text is larger than the limit.
    TooLarge {
        /// Its size in bytes.
        len: usize,
        /// The limit.
        limit: usize,
    },
}

/// A collection still being read.
struct Open {
    start: usize,
    children: Vec<Node>,
    is_map: bool,
    anchor: usize,
    /// Nodes in this collection so far, itself included (what an alias to it copies).
    count: usize,
}

/// The tree being built from the parser's events.
struct Builder {
    stack: Vec<Open>,
    root: Option<Node>,
    anchors: HashMap<usize, (Node, usize)>,
}

impl Builder {
    fn push(&mut self, node: Node, anchor: usize, count: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), count));
        }
        match self.stack.last_mut() {
            Some(open) => {
                open.children.push(node);
                open.count = open.count.saturating_add(count);
            }
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
        }
    }
}

impl YamlIndex {
    /// Parses `text` with the default [`LIMITS`]; `None` when it is not valid
    /// YAML or breaks a limit (for callers that only need a tree if there is
    /// one; [`parse`] reports why not).
    pub fn build(text: &str) -> Option<YamlIndex> {
        YamlIndex::parse(text, &LIMITS).ok()
    }

    /// Parses `text` into a span tree, refusing (with a position) what is not
    /// YAML or breaks a limit. Stops reading at the first problem.
    pub fn parse(text: &str, limits: &Limits) -> Result<YamlIndex, Refusal> {
        if text.len() > limits.max_bytes {
            return Err(Refusal::TooLarge {
                len: text.len(),
                limit: limits.max_bytes,
            });
        }
        // The parser accepts some control characters YAML forbids (an escape
        // sequence pasted from a terminal): refuse them where they are.
        if let Some((at, _)) = text.char_indices().find(|(_, c)| !is_yaml_printable(*c)) {
            return Err(Refusal::ControlChar { at });
        }
        // saphyr-parser counts characters; spans here are bytes.
        let char_to_byte: Option<Vec<usize>> = (!text.is_ascii()).then(|| {
            let mut map: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            map.push(text.len());
            map
        });
        let byte = |index: usize| match &char_to_byte {
            None => index.min(text.len()),
            Some(map) => map.get(index).copied().unwrap_or(text.len()),
        };
        let range = |span: &Span| byte(span.start.index())..byte(span.end.index());
        let is_flow_start = |at: usize| matches!(text.as_bytes().get(at), Some(b'[' | b'{'));
        let mut b = Builder {
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
        };
        let mut documents = 0;
        let mut alias_nodes = 0usize;
        let mut parser = Parser::new_from_str(text);
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| {
                let at = byte(e.marker().index());
                // The scanner reads flow brackets ahead of the events and has a
                // nesting limit of its own (deeper than ours).
                if e.info().contains("recursion limit") {
                    return Refusal::TooDeep {
                        at,
                        limit: limits.max_depth,
                    };
                }
                Refusal::Syntax {
                    message: e.info().to_string(),
                    at,
                    open_flow: b
                        .stack
                        .iter()
                        .rev()
                        .map(|o| o.start)
                        .find(|&s| is_flow_start(s)),
                }
            })?;
            let at = range(&span);
            match event {
                Event::Scalar(value, style, anchor, tag) => {
                    let plain = style == ScalarStyle::Plain && tag.is_none();
                    let span = scalar_span(text, at);
                    let node = Node {
                        span,
                        kind: NodeKind::Scalar(value.into_owned()),
                        plain,
                    };
                    b.push(node, anchor, 1);
                }
                Event::Alias(id) => {
                    // An alias stands for a copy of its anchored node, at the alias's place.
                    let (mut node, count) = b.anchors.get(&id).cloned().unwrap_or((
                        Node {
                            span: at.clone(),
                            kind: NodeKind::Scalar(String::new()),
                            plain: true,
                        },
                        1,
                    ));
                    alias_nodes = alias_nodes.saturating_add(count);
                    if alias_nodes > limits.max_alias_nodes {
                        return Err(Refusal::Aliases {
                            at,
                            limit: limits.max_alias_nodes,
                        });
                    }
                    node.span = at;
                    b.push(node, 0, count);
                }
                Event::DocumentStart(_) => documents += 1,
                Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                    if b.stack.len() >= limits.max_depth {
                        return Err(Refusal::TooDeep {
                            at: at.start,
                            limit: limits.max_depth,
                        });
                    }
                    b.stack.push(Open {
                        start: at.start,
                        children: Vec::new(),
                        is_map: matches!(event, Event::MappingStart(..)),
                        anchor,
                        count: 1,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    if let Some(open) = b.stack.pop() {
                        // A block mapping's start may be marked at its first value; the first key is earlier.
                        let start = open
                            .children
                            .first()
                            .map_or(open.start, |c| c.span.start.min(open.start));
                        // A flow collection ends at its `]`/`}`; a block one at its last child.
                        let flow_end = if is_flow_start(open.start) { at.end } else { 0 };
                        let end = open
                            .children
                            .last()
                            .map_or(at.end, |c| c.span.end)
                            .max(flow_end)
                            .max(start);
                        let kind = if open.is_map {
                            let mut pairs = Vec::with_capacity(open.children.len() / 2);
                            let mut it = open.children.into_iter();
                            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                                pairs.push((k, v));
                            }
                            NodeKind::Map(pairs)
                        } else {
                            NodeKind::Seq(open.children)
                        };
                        let node = Node {
                            span: start..end,
                            kind,
                            plain: false,
                        };
                        b.push(node, open.anchor, open.count);
                    }
                }
                Event::StreamEnd => break,
                _ => {}
            }
        }
        Ok(YamlIndex {
            root: b.root,
            documents,
        })
    }
}

/// The span of a scalar's value: the parser's span starts at the node's
/// properties (`&name`, `!tag`) and a multi-line scalar's runs into the next
/// line's indentation; an empty value still gets one character, for a caret.
fn scalar_span(text: &str, mut at: Range<usize>) -> Range<usize> {
    while at.start < at.end && matches!(text.as_bytes()[at.start], b'&' | b'!') {
        let rest = &text[at.start..at.end];
        let word = rest.find([' ', '\t', '\n', '\r']).unwrap_or(rest.len());
        let after = &rest[word..];
        at.start += word + (after.len() - after.trim_start().len());
    }
    at.end = at.start + text[at.clone()].trim_end().len();
    if at.is_empty() {
        at.end += text[at.start..].chars().next().map_or(0, char::len_utf8);
    }
    at
}

/// Whether YAML allows `c` in a file (YAML 1.2, 5.1: tab, line breaks, and
/// printable characters; no other C0 or C1 controls, DEL, surrogates or U+FFFE/U+FFFF).
fn is_yaml_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}'
}

/// A located diagnostic for a text the parser refused.
pub fn refusal_diagnostic(file: &SourceFile, refusal: &Refusal) -> Diagnostic {
    let text = &file.text;
    let one_char = |at: usize| {
        let at = at.min(text.len());
        let len = text[at..]
            .chars()
            .next()
            .filter(|c| *c != '\n' && *c != '\r')
            .map_or(0, char::len_utf8);
        file.location(at..at + len)
    };
    match refusal {
        Refusal::Syntax {
            message,
            at,
            open_flow,
        } => syntax_diagnostic(file, message, *at, *open_flow),
        Refusal::ControlChar { at } => {
            let c = text[*at..].chars().next().unwrap_or('\0');
            Diagnostic::error(
                Code::YamlSyntax,
                format!(
                    "control character U+{:04X} is not allowed in YAML",
                    c as u32
                ),
            )
            .at(one_char(*at))
            .label("invisible control character here")
            .help(classify_message("control characters are not allowed").1)
        }
        Refusal::TooDeep { at, limit } => Diagnostic::error(
            Code::YamlTooDeep,
            format!("lists and mappings are nested more than {limit} levels deep here"),
        )
        .at(one_char(*at))
        .label("too deep")
        .help("emend's files nest a few levels at most: check the brackets and the indentation"),
        Refusal::Aliases { at, limit } => Diagnostic::error(
            Code::YamlAliases,
            format!(
                "aliases (`*name`) would copy more than {} values; emend stops reading here",
                thousands(*limit)
            ),
        )
        .at(file.location(at.clone()))
        .label("this alias crosses the limit")
        .help("write the values out, or use fewer nested aliases"),
        Refusal::TooLarge { len, limit } => Diagnostic::error(
            Code::FileTooLarge,
            format!(
                "{} is {}; emend reads YAML files of at most {}",
                file_name(file),
                human_size(*len as u64),
                human_size(*limit as u64)
            ),
        )
        .at(Location::file_only(&file.path))
        .help("split the entries over several articles, or check that this is the file you meant"),
    }
}

/// A syntax error at byte `at`, in words a person can act on.
fn syntax_diagnostic(
    file: &SourceFile,
    message: &str,
    at: usize,
    open_flow: Option<usize>,
) -> Diagnostic {
    let text = &file.text;
    let at = at.min(text.len());
    let one_char = |at: usize| {
        let len = text[at..]
            .chars()
            .next()
            .filter(|c| *c != '\n' && *c != '\r')
            .map_or(0, char::len_utf8);
        file.location(at..at + len)
    };
    let here = text[at..].chars().next();
    // A quoted scalar that never closes is reported at its opening quote.
    if message.contains("quoted scalar")
        && let Some(q @ ('"' | '\'')) = here
    {
        let mut d = Diagnostic::error(
            Code::YamlSyntax,
            format!("this quote ({q}) is never closed"),
        )
        .at(one_char(at))
        .label(if message.contains("end of stream") {
            "the quoted text starts here and runs to the end of the file"
        } else {
            "the quoted text starts here"
        })
        .help(format!(
            "close the text with {q} on the same line; quoted text may go on to the next lines only if they are indented further than the key"
        ));
        if q == '\'' {
            d = d.note("inside '…', an apostrophe is written twice ('it''s'); or quote the text with \"…\" instead");
        }
        return d;
    }
    // `'it's'`: the quote closes early and the rest of the line is left over.
    if message.starts_with("invalid trailing content after") {
        let before = text[..at].trim_end();
        if let Some(q @ ('"' | '\'')) = before.chars().next_back() {
            let quote_at = before.len() - 1;
            let mut d = Diagnostic::error(
                Code::YamlSyntax,
                format!("text goes on after the closing quote ({q})"),
            )
            .at(one_char(quote_at))
            .label("the quoted text ends here")
            .related(one_char(at), "this is left over");
            d = if q == '\'' {
                d.help("inside '…', write an apostrophe twice ('the spinner''s word'), or quote the text with \"…\" instead")
            } else {
                d.help("inside \"…\", write a quote as \\\" (\"a \\\"word\\\"\"), or quote the text with '…' instead")
            };
            return d;
        }
    }
    let tab = message.contains("found a tab");
    // A tab is reported at the token before it: point at the tab itself.
    let at = if tab {
        text[at..].find('\t').map_or(at, |i| at + i)
    } else {
        at
    };
    let (readable, label) = readable_syntax_message(message);
    let (code, help) = classify_message(&readable);
    let location = if message.starts_with("simple key") {
        // Underline the word that lacks its `:`.
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let before = text[line_start..at].trim_end();
        // (A space may be multi-byte: U+200A HAIR SPACE, found by fuzzing.)
        let word = before
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let start = line_start + word;
        let end = line_start + before.len();
        if start < end {
            file.location(start..end)
        } else {
            one_char(at)
        }
    } else {
        one_char(at)
    };
    let mut d = Diagnostic::error(code, readable).at(location).help(help);
    if let Some(label) = label {
        d = d.label(label);
    }
    if at >= text.trim_end().len() {
        d = d.note("this is the end of the file: is the file complete?");
    }
    if let Some(open) = open_flow {
        let c = text.as_bytes()[open] as char;
        let close = if c == '[' { ']' } else { '}' };
        if open != at {
            d = d.related(one_char(open), format!("this `{c}` is not closed yet"));
        }
        d = d.note(format!(
            "inside `{c} … {close}`, items are separated by `,`: is a `{close}` missing?"
        ));
    }
    d
}

/// The parser's terse messages, in words a person can act on (and a label
/// for the caret).
fn readable_syntax_message(message: &str) -> (String, Option<&'static str>) {
    let (m, label) = match message {
        m if m.contains("found a tab") => (
            "a tab character is used where YAML needs spaces (indentation)",
            Some("tab here"),
        ),
        "simple key expected" | "simple key expect ':'" => (
            "expected `key: value` here, but there is no `:`",
            Some("a `:` is missing after this"),
        ),
        "mapping values are not allowed in this context" => (
            "unexpected `:` here (a `: ` inside a value that is not quoted, or a wrong indentation)",
            Some("unexpected `:`"),
        ),
        "while parsing a block mapping, did not find expected key" => (
            "expected a key at this indentation (is this line indented like the keys of its entry?)",
            None,
        ),
        "block sequence entries are not allowed in this context" => (
            "a `- ` list entry is not allowed here (check the indentation)",
            None,
        ),
        _ => return (message.to_string(), None),
    };
    (m.to_string(), label)
}

/// `100000` as `100,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Parses a file once, reporting a syntax error or a broken limit as one
/// located diagnostic; `None` when it did.
pub fn parse(file: &SourceFile, out: &mut Diagnostics) -> Option<YamlIndex> {
    match YamlIndex::parse(&file.text, &LIMITS) {
        Err(refusal) => {
            out.push(refusal_diagnostic(file, &refusal));
            None
        }
        Ok(index) if index.documents > 1 => {
            out.push(
                Diagnostic::error(
                    Code::YamlSyntax,
                    format!("{} holds more than one YAML document", file_name(file)),
                )
                .at(Location::file_only(&file.path))
                .help("keep a single document: remove the extra `---` lines"),
            );
            None
        }
        Ok(index) => Some(index),
    }
}

/// The keys a YAML mapping may have.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    /// What the mapping is, for messages ("correction", "site.yaml").
    pub what: &'static str,
    /// Every accepted key.
    pub keys: &'static [&'static str],
    /// Keys that must be present.
    pub required: &'static [&'static str],
    /// A short example of a valid entry, shown when the shape is wrong.
    pub example: &'static str,
}

/// The outcome of checking a mapping's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyStatus {
    /// Every key is known and every required key is present.
    Clean,
    /// Only unknown keys (reported): the known ones can still be read, so later
    /// checks run too and the user sees every problem in one go.
    UnknownOnly,
    /// Missing, duplicate or malformed keys (reported): the entry cannot be read.
    Broken,
}

/// Checks one mapping node against a schema, reporting all unknown, duplicate
/// and missing keys at once.
pub fn check_keys(
    file: &SourceFile,
    node: &Node,
    schema: &Schema,
    out: &mut Diagnostics,
) -> KeyStatus {
    let NodeKind::Map(pairs) = &node.kind else {
        out.push(
            Diagnostic::error(
                Code::WrongType,
                format!(
                    "expected a {} (a mapping of keys), found {}",
                    schema.what,
                    node.type_name()
                ),
            )
            .at(file.location(node.span.clone()))
            .label(format!("this should be a {}", schema.what))
            .help(format!("write it like:\n{}", schema.example)),
        );
        return KeyStatus::Broken;
    };
    let mut status = KeyStatus::Clean;
    let mut seen: Vec<(&str, &Node)> = Vec::new();
    let mut typo_for: Vec<&str> = Vec::new();
    for (k, _) in pairs {
        let NodeKind::Scalar(name) = &k.kind else {
            out.push(
                Diagnostic::error(
                    Code::WrongType,
                    format!("keys of a {} must be plain words", schema.what),
                )
                .at(file.location(k.span.clone())),
            );
            status = KeyStatus::Broken;
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(n, _)| n == name) {
            status = KeyStatus::Broken;
            out.push(
                Diagnostic::error(
                    Code::DuplicateKey,
                    format!("duplicate key `{name}` in this {}", schema.what),
                )
                .at(file.location(k.span.clone()))
                .label("second definition")
                .related(file.location(first.span.clone()), "first defined here")
                .help("remove one of them: YAML would silently keep only one"),
            );
            continue;
        }
        seen.push((name, k));
        if !schema.keys.contains(&name.as_str()) {
            status = status.max(KeyStatus::UnknownOnly);
            let help = match did_you_mean(name, schema.keys) {
                Some(s) => {
                    typo_for.push(s);
                    format!("did you mean `{s}`?")
                }
                None => format!(
                    "a {} accepts: {}",
                    schema.what,
                    schema
                        .keys
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            out.push(
                Diagnostic::error(
                    Code::UnknownKey,
                    format!("unknown key `{name}` in {}", schema.what),
                )
                .at(file.location(k.span.clone()))
                .label("not a known key")
                .help(help),
            );
        }
    }
    for req in schema.required {
        if !seen.iter().any(|(n, _)| n == req) {
            status = KeyStatus::Broken;
            // "replce: x" already says "did you mean `replace`?"; do not also say it is missing.
            if typo_for.contains(req) {
                continue;
            }
            let start = node.span.start;
            let line = file.lines().line_range(&file.text, start);
            out.push(
                Diagnostic::error(
                    Code::MissingKey,
                    format!("{} is missing the required key `{req}`", schema.what),
                )
                .at(file.location(start..line.end.max(start)))
                .label(format!("this {} has no `{req}`", schema.what))
                .help(format!("write it like:\n{}", schema.example)),
            );
        }
    }
    status
}

/// A YAML list file (corrections, annotations) loaded into typed entries, each
/// paired with its node for positions.
pub struct LoadedList<T> {
    /// The entries, in file order.
    pub entries: Vec<(T, Option<Node>)>,
}

/// Loads a YAML file whose top level is a list of mappings of `schema`.
/// An empty file (or only comments) is an empty list.
pub fn load_list<T: DeserializeOwned>(
    file: &SourceFile,
    schema: &Schema,
    out: &mut Diagnostics,
) -> Option<LoadedList<T>> {
    let index = parse(file, out)?;
    load_list_from(file, index, schema, out)
}

/// [`load_list`] from a file already parsed (to check nested keys first).
pub fn load_list_from<T: DeserializeOwned>(
    file: &SourceFile,
    index: YamlIndex,
    schema: &Schema,
    out: &mut Diagnostics,
) -> Option<LoadedList<T>> {
    let items: Vec<Node> = match index.root {
        None => Vec::new(),
        Some(root) => match root.kind {
            NodeKind::Seq(items) => items,
            NodeKind::Scalar(ref s) if s.is_empty() => Vec::new(),
            _ => {
                out.push(
                    Diagnostic::error(
                        Code::WrongType,
                        format!(
                            "{} must be a list of {} entries",
                            file_name(file),
                            schema.what
                        ),
                    )
                    .at(file.location(root.span.clone()))
                    .label(format!("found {}", root.type_name()))
                    .help(format!(
                        "start each entry with `- `, like:\n{}",
                        schema.example
                    )),
                );
                return None;
            }
        },
    };
    let worst = items
        .iter()
        .map(|item| check_keys(file, item, schema, out))
        .max()
        .unwrap_or(KeyStatus::Clean);
    if worst == KeyStatus::Broken {
        return None;
    }
    // Every entry is read on its own, so each one's type errors are reported.
    let mut entries = Vec::with_capacity(items.len());
    let mut failed = false;
    for (i, item) in items.into_iter().enumerate() {
        match de::from_entry::<T>(&item, i) {
            Ok(v) => entries.push((v, Some(item))),
            Err(e) => {
                out.push(de_diagnostic(file, &e));
                failed = true;
            }
        }
    }
    (!failed).then_some(LoadedList { entries })
}

/// Loads a YAML file whose top level is one mapping of `schema`.
pub fn load_map<T: DeserializeOwned>(
    file: &SourceFile,
    schema: &Schema,
    out: &mut Diagnostics,
) -> Option<(T, Option<Node>)> {
    let index = parse(file, out)?;
    load_map_from(file, index, schema, out)
}

/// [`load_map`] from a file already parsed (to check nested keys first).
pub fn load_map_from<T: DeserializeOwned>(
    file: &SourceFile,
    index: YamlIndex,
    schema: &Schema,
    out: &mut Diagnostics,
) -> Option<(T, Option<Node>)> {
    let Some(root) = index.root else {
        if schema.required.is_empty() {
            // An empty optional-only file means "all defaults".
            let empty = Node {
                span: 0..0,
                kind: NodeKind::Map(Vec::new()),
                plain: false,
            };
            return de::from_node::<T>(&empty).ok().map(|v| (v, None));
        }
        out.push(
            Diagnostic::error(Code::EmptyFile, format!("{} is empty", file_name(file)))
                .at(Location::file_only(&file.path))
                .help(format!(
                    "it needs at least {}; for example:\n{}",
                    schema
                        .required
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    schema.example
                )),
        );
        return None;
    };
    if check_keys(file, &root, schema, out) == KeyStatus::Broken {
        return None;
    }
    match de::from_node::<T>(&root) {
        Ok(v) => Some((v, Some(root))),
        Err(e) => {
            out.push(de_diagnostic(file, &e));
            None
        }
    }
}

/// Turns a deserialisation error into a diagnostic at the value's position.
pub fn de_diagnostic(file: &SourceFile, err: &de::DeError) -> Diagnostic {
    let (code, help) = classify_message(&err.message);
    let location = match &err.span {
        Some(span) if span.start <= file.text.len() => {
            // Point at the value's first line.
            let end = span.end.min(file.text.len());
            let line_end = file.text[span.start..end]
                .find('\n')
                .map_or(end, |i| span.start + i);
            file.location(span.start..line_end.max(span.start))
        }
        _ => Location::file_only(&file.path),
    };
    Diagnostic::error(code, err.to_string())
        .at(location)
        .help(help)
}

fn classify_message(message: &str) -> (Code, &'static str) {
    if message.contains("invalid type") || message.contains("invalid value") {
        (
            Code::WrongType,
            "check the value's type: text in quotes, numbers bare, `true`/`false` for yes/no",
        )
    } else if message.contains("missing field") {
        (Code::MissingKey, "add the missing key")
    } else if message.contains("unknown variant") {
        (Code::UnknownValue, "use one of the listed values")
    } else if message.contains("tab character") || message.contains("found a tab") {
        (
            Code::YamlSyntax,
            "YAML does not allow tabs for indentation: indent with spaces",
        )
    } else if message.contains("control characters are not allowed") {
        (
            Code::YamlSyntax,
            "remove the invisible control character (often copied from a terminal or a PDF); to keep one, write it as an escape inside double quotes, such as \"\\u001b\"",
        )
    } else {
        (
            Code::YamlSyntax,
            "check the YAML syntax near this position (indentation, quotes, colons); quote text that contains `: ` or starts with a special character",
        )
    }
}

fn file_name(file: &SourceFile) -> String {
    file.path.file_name().map_or_else(
        || file.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Where the value of `key` is in `node`, falling back to the key, then the node,
/// then the file.
pub fn value_location(file: &SourceFile, node: Option<&Node>, key: &str) -> Location {
    match node {
        Some(n) => match (n.get(key), n.key(key)) {
            (Some(v), _) => file.location(v.span.clone()),
            (None, Some(k)) => file.location(k.span.clone()),
            (None, None) => file.location(n.span.start..n.span.start),
        },
        None => Location::file_only(&file.path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::path::Path;

    #[test]
    fn positions_after_a_block_scalar_with_wide_characters_stay_exact() {
        let long = "word ".repeat(10);
        let text = format!(
            "- note: |\n    {long}em — dash, “quotes”, 日本語 {long}\n  url: \"https://x.org/\"\n- note: |\r    é {long}é\r  url: b\n"
        );
        let idx = YamlIndex::build(&text).unwrap();
        let items = idx.root.as_ref().unwrap().items();
        let url = items[0].get("url").unwrap();
        assert_eq!(&text[url.span.clone()], "\"https://x.org/\"");
        let url = items[1].get("url").unwrap();
        assert_eq!(&text[url.span.clone()], "b");
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        find: String,
        replace: String,
        occurrence: Option<u32>,
    }

    const SCHEMA: Schema = Schema {
        what: "correction",
        keys: &["find", "replace", "occurrence"],
        required: &["find", "replace"],
        example: "- find: \"x\"\n  replace: \"y\"",
    };

    fn file(text: &str) -> SourceFile {
        SourceFile::from_bytes(Path::new("c.yaml"), text.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn index_points_at_values_with_unicode() {
        let f = file("- find: \"é’x\"\n  replace: b\n");
        let idx = YamlIndex::build(&f.text).unwrap();
        let item = &idx.root.unwrap().items()[0].clone();
        let v = item.get("find").unwrap();
        assert_eq!(&f.text[v.span.clone()], "\"é’x\"");
        let r = item.get("replace").unwrap();
        assert_eq!(&f.text[r.span.clone()], "b");
        assert_eq!(f.location(r.span.clone()).line, 2);
        assert_eq!(f.location(r.span.clone()).column, 12);
    }

    #[test]
    fn reports_all_key_problems_of_a_file_at_once() {
        let f = file("- find: a\n  replce: b\n- replace: c\n- find: d\n  replace: e\n  find: f\n");
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(load_list::<Entry>(&f, &SCHEMA, &mut out).is_none());
        let lines: Vec<_> = out.iter().map(|d| d.one_line()).collect();
        assert_eq!(
            lines,
            [
                // `replace` is not reported missing: the typo hint already explains it
                "c.yaml:2:3: error[unknown-key]: unknown key `replce` in correction",
                "c.yaml:3:3: error[missing-key]: correction is missing the required key `find`",
                "c.yaml:6:3: error[duplicate-key]: duplicate key `find` in this correction",
            ]
        );
        assert_eq!(out[0].help.as_deref(), Some("did you mean `replace`?"));
    }

    #[test]
    fn type_errors_come_from_serde_with_position() {
        let f = file("- find: a\n  replace: b\n  occurrence: two\n");
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(load_list::<Entry>(&f, &SCHEMA, &mut out).is_none());
        assert_eq!(
            out[0].one_line(),
            "c.yaml:3:15: error[wrong-type]: entry 1, `occurrence`: invalid type: string \"two\", expected u32"
        );
    }

    #[test]
    fn type_errors_of_every_entry_are_reported() {
        let f = file("- find: a\n  replace: b\n  occurrence: two\n- find: [c]\n  replace: d\n");
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(load_list::<Entry>(&f, &SCHEMA, &mut out).is_none());
        let lines: Vec<_> = out.iter().map(|d| d.one_line()).collect();
        assert_eq!(
            lines,
            [
                "c.yaml:3:15: error[wrong-type]: entry 1, `occurrence`: invalid type: string \"two\", expected u32",
                "c.yaml:4:9: error[wrong-type]: entry 2, `find`: invalid type: sequence, expected a string",
            ]
        );
    }

    #[test]
    fn control_characters_are_refused_where_they_are() {
        let f = file("- find: a\n  replace: \"b \u{1b}[0m\"\n");
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(load_list::<Entry>(&f, &SCHEMA, &mut out).is_none());
        assert_eq!(
            out[0].one_line(),
            "c.yaml:2:15: error[yaml-syntax]: control character U+001B is not allowed in YAML"
        );
        // Written as an escape, the same character is fine.
        let f = file("- find: a\n  replace: \"b \\u001b[0m\"\n");
        let mut out = crate::diagnostics::Diagnostics::new();
        let list = load_list::<Entry>(&f, &SCHEMA, &mut out).unwrap();
        assert_eq!(list.entries[0].0.replace, "b \u{1b}[0m");
    }

    #[test]
    fn spans_of_empty_values_fall_on_character_boundaries() {
        // Found by fuzzing: an empty tagged value marked at a byte order mark.
        for text in [
            "title: !\n\n\u{feff}title:",
            "title: !\n\u{feff}",
            "a: \u{feff}\n",
        ] {
            spans_on_boundaries(text);
        }
    }

    fn spans_on_boundaries(text: &str) {
        let Some(idx) = YamlIndex::build(text) else {
            return;
        };
        let mut spans = Vec::new();
        fn walk(n: &Node, spans: &mut Vec<Range<usize>>) {
            spans.push(n.span.clone());
            match &n.kind {
                NodeKind::Scalar(_) => {}
                NodeKind::Seq(items) => items.iter().for_each(|i| walk(i, spans)),
                NodeKind::Map(pairs) => pairs.iter().for_each(|(k, v)| {
                    walk(k, spans);
                    walk(v, spans);
                }),
            }
        }
        walk(idx.root.as_ref().unwrap(), &mut spans);
        for s in spans {
            assert!(
                text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                "{s:?}"
            );
        }
    }

    #[test]
    fn more_than_one_document_is_an_error() {
        let f = file("- find: a\n  replace: b\n---\n- find: c\n  replace: d\n");
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(load_list::<Entry>(&f, &SCHEMA, &mut out).is_none());
        assert_eq!(out[0].message, "c.yaml holds more than one YAML document");
    }

    #[test]
    fn syntax_errors_are_located() {
        let f = file("- find: a\n  replace: b c\n    d: e\n");
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(load_list::<Entry>(&f, &SCHEMA, &mut out).is_none());
        assert_eq!(out[0].code, "yaml-syntax");
        assert_eq!(out[0].location.as_ref().unwrap().line, 3);
    }

    #[test]
    fn a_missing_colon_after_a_multibyte_space_is_underlined_on_boundaries() {
        // Found by fuzzing: U+200A HAIR SPACE before the word without its `:`.
        let f = file("title: &Bad i\"\npublishedt\" hg/ed\u{200a}itiotrue");
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(parse(&f, &mut out).is_none());
        let span = out[0].location.as_ref().unwrap().span.clone();
        assert!(f.text.is_char_boundary(span.start) && f.text.is_char_boundary(span.end));
    }

    #[test]
    fn an_unclosed_quote_is_reported_where_it_opens() {
        // Issue 19: the error pointed at the next line and never named the quote.
        for (text, quote) in [
            ("- find: 'a\n  replace: b\n", '\''),
            ("- find: a\n  replace: \"b\n- find: c\n  replace: d\n", '"'),
        ] {
            let f = file(text);
            let mut out = crate::diagnostics::Diagnostics::new();
            assert!(load_list::<Entry>(&f, &SCHEMA, &mut out).is_none());
            let loc = out[0].location.as_ref().unwrap();
            let at = &f.text[loc.span.clone()];
            assert_eq!(at, quote.to_string(), "{:?}", out[0]);
            assert!(out[0].message.contains("quote"), "{}", out[0].message);
            assert!(out[0].message.contains(quote), "{}", out[0].message);
        }
    }

    #[test]
    fn positions_after_a_non_ascii_block_scalar_are_exact() {
        // yaml-rust2 drifted after block scalars holding non-ASCII text (892 of
        // 896 positions of the bundled annotations.yaml were off): a revision
        // date at 63:11 was reported at 63:21.
        let text = "title: \"T\"\nsummary: |\n  Les élèves « déçus » — naïve café.\n  Ça suffit.\nrevisions:\n  - date: 2024-01-02\n    note: >\n      Première révision, «très» tôt.\n  - date: 2024-02-03\n    note: n\n";
        let f = file(text);
        let idx = YamlIndex::build(&f.text).unwrap();
        let root = idx.root.unwrap();
        let revs = root.get("revisions").unwrap().items();
        let second = revs[1].get("date").unwrap();
        assert_eq!(&f.text[second.span.clone()], "2024-02-03");
        let loc = f.location(second.span.clone());
        assert_eq!((loc.line, loc.column), (9, 11));
        // A block scalar's value starts on its first content line.
        let note = revs[0].get("note").unwrap();
        let loc = f.location(note.span.clone());
        assert_eq!((loc.line, loc.column), (8, 7));
        // And every node's span starts on a character boundary and at its own text.
        let first = revs[0].get("date").unwrap();
        assert_eq!(&f.text[first.span.clone()], "2024-01-02");
        assert_eq!(
            (
                f.location(first.span.clone()).line,
                f.location(first.span.clone()).column
            ),
            (6, 11)
        );
    }

    #[test]
    fn every_span_of_the_bundled_content_holds_its_value() {
        // The bundled files mix non-ASCII block scalars with later keys: with
        // yaml-rust2, 892 of the 896 positions of annotations.yaml were off.
        let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut checked = 0;
        for article in std::fs::read_dir(&content).unwrap() {
            for name in ["meta.yaml", "corrections.yaml", "annotations.yaml"] {
                let path = article.as_ref().unwrap().path().join(name);
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let idx = YamlIndex::build(&text).unwrap();
                fn walk(n: &Node, text: &str, checked: &mut usize, path: &Path) {
                    match &n.kind {
                        NodeKind::Scalar(v) => {
                            let at = &text[n.span.clone()];
                            let quoted = at.starts_with(['"', '\'']);
                            let inner = if quoted { &at[1..at.len() - 1] } else { at };
                            // Single-line values without escapes read as written.
                            if !v.contains('\n') && !at.contains(['\\', '\n']) && !v.is_empty() {
                                assert_eq!(inner, v, "{}: span {:?}", path.display(), n.span);
                                *checked += 1;
                            }
                        }
                        NodeKind::Seq(items) => {
                            items.iter().for_each(|i| walk(i, text, checked, path))
                        }
                        NodeKind::Map(pairs) => pairs.iter().for_each(|(k, v)| {
                            walk(k, text, checked, path);
                            walk(v, text, checked, path);
                        }),
                    }
                }
                walk(idx.root.as_ref().unwrap(), &text, &mut checked, &path);
                // The last revision's date: where the text has it.
                if name == "meta.yaml" {
                    let revs = idx.root.as_ref().unwrap().get("revisions").unwrap().items();
                    let date = revs.last().unwrap().get("date").unwrap();
                    let f = SourceFile::from_bytes(&path, text.clone().into_bytes()).unwrap();
                    let loc = f.location(date.span.clone());
                    let line = text.lines().nth(loc.line - 1).unwrap();
                    assert_eq!(
                        line.find("date: ").map(|i| i + 7),
                        Some(loc.column),
                        "{line}"
                    );
                }
            }
        }
        assert!(checked > 500, "{checked}");
    }

    fn refusal(text: &str) -> Refusal {
        YamlIndex::parse(text, &LIMITS).unwrap_err()
    }

    #[test]
    fn deep_nesting_is_refused_with_its_position() {
        // Block lists `- - - …` used to overflow the stack; flow `[[[…` took minutes.
        let block = format!("{}x\n", "- ".repeat(200_000));
        assert!(matches!(
            refusal(&block),
            Refusal::TooDeep { at: 128, limit: 64 }
        ));
        // The scanner reads brackets ahead and stops at its own limit.
        let flow = format!("a: {}", "[".repeat(1_000_000));
        let r = refusal(&flow);
        assert!(matches!(r, Refusal::TooDeep { limit: 64, .. }), "{r:?}");
        let flow = format!("a: {}x", "[".repeat(100));
        let r = refusal(&flow);
        assert!(matches!(r, Refusal::TooDeep { at: 66, limit: 64 }), "{r:?}");
        let maps = "{a: ".repeat(100_000);
        assert!(matches!(refusal(&maps), Refusal::TooDeep { .. }));
        // 64 levels are fine.
        let ok = format!("{}x{}", "[".repeat(64), "]".repeat(64));
        assert!(YamlIndex::parse(&ok, &LIMITS).is_ok());
        let f = file(&block);
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(parse(&f, &mut out).is_none());
        assert_eq!(
            out[0].one_line(),
            "c.yaml:1:129: error[yaml-too-deep]: lists and mappings are nested more than 64 levels deep here"
        );
    }

    #[test]
    fn alias_bombs_stop_at_the_budget() {
        // Nine levels of ten aliases: 10^9 values once expanded (600 bytes).
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let Refusal::Aliases { at, limit } = refusal(&text) else {
            panic!()
        };
        assert_eq!(limit, 100_000);
        assert_eq!(&text[at.clone()], "*a3");
        let f = file(&text);
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(parse(&f, &mut out).is_none());
        assert_eq!(out[0].code, "yaml-aliases");
        // On the line of `a4`, whose eighth `*a3` would pass 100,000 copied values.
        assert_eq!(out[0].location.as_ref().unwrap().line, 5);
        // A few aliases are fine.
        let ok = YamlIndex::build("a: &x [1, 2]\nb: *x\n").unwrap();
        assert_eq!(ok.root.unwrap().get("b").unwrap().items().len(), 2);
    }

    #[test]
    fn the_size_budget_is_checked_first() {
        let limits = Limits {
            max_bytes: 10,
            ..LIMITS
        };
        assert_eq!(
            YamlIndex::parse("a: 0123456789\n", &limits).unwrap_err(),
            Refusal::TooLarge { len: 14, limit: 10 }
        );
    }

    #[test]
    fn bom_and_crlf_load() {
        let f = file("\u{feff}- find: a\r\n  replace: b\r\n");
        let mut out = crate::diagnostics::Diagnostics::new();
        let list = load_list::<Entry>(&f, &SCHEMA, &mut out).unwrap();
        assert!(out.is_empty(), "{out:?}");
        assert_eq!(list.entries[0].0.replace, "b");
        assert!(list.entries[0].1.is_some());
    }

    #[test]
    fn empty_list_files_are_fine_but_a_mapping_is_not() {
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(
            load_list::<Entry>(&file("# nothing yet\n"), &SCHEMA, &mut out)
                .unwrap()
                .entries
                .is_empty()
        );
        assert!(load_list::<Entry>(&file("find: a\nreplace: b\n"), &SCHEMA, &mut out).is_none());
        assert_eq!(out[0].code, "wrong-type");
        assert_eq!(
            out[0].message,
            "c.yaml must be a list of correction entries"
        );
    }

    #[test]
    fn invalid_utf8_is_located() {
        let err = SourceFile::from_bytes(Path::new("o.txt"), b"ok\nab\xffcd".to_vec()).unwrap_err();
        assert_eq!(
            err.one_line(),
            "o.txt:2:3: error[invalid-utf8]: file is not valid UTF-8 (byte 0xFF)"
        );
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        assert_eq!(
            did_you_mean("replce", &["find", "replace"]),
            Some("replace")
        );
        assert_eq!(did_you_mean("zzz", &["find", "replace"]), None);
    }
}
