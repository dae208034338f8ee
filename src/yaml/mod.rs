//! Loading YAML files with positions.
//!
//! A file is parsed once, by `yaml-rust2`, into a tree of [`Node`]s that know
//! their byte span. The tree is checked against a [`Schema`] (all unknown,
//! duplicate and missing keys of a file at once, with did-you-mean hints), then
//! typed values are read from it with serde ([`de`]), each entry on its own so
//! every entry's type errors are reported with their exact position. Nodes stay
//! with the values, so later errors (a `find` that matches nothing) point at
//! the exact line of the entry.
//!
//! `serde_yaml` (libyaml) is kept for what it does best: when a file is not
//! valid YAML, its syntax error messages and positions are the familiar ones.

use std::ops::Range;

use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
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

struct IndexBuilder<'a> {
    text: &'a str,
    char_to_byte: Option<Vec<usize>>,
    stack: Vec<(usize, Vec<Node>, bool, usize)>, // (start byte, children, is_map, anchor)
    root: Option<Node>,
    anchors: std::collections::HashMap<usize, Node>,
    documents: usize,
}

impl IndexBuilder<'_> {
    fn byte(&self, mark: &Marker) -> usize {
        match &self.char_to_byte {
            None => mark.index().min(self.text.len()),
            Some(map) => map.get(mark.index()).copied().unwrap_or(self.text.len()),
        }
    }

    fn scalar_end(&self, start: usize, value: &str, style: TScalarStyle) -> usize {
        let rest = &self.text[start..];
        let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let end = match style {
            TScalarStyle::Plain if rest.starts_with(value) => value.len(),
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
                let quote = if style == TScalarStyle::DoubleQuoted {
                    '"'
                } else {
                    '\''
                };
                let mut escaped = false;
                let mut end = line_end;
                for (i, c) in rest.char_indices().skip(1) {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' && quote == '"' {
                        escaped = true;
                    } else if c == quote {
                        end = i + 1;
                        break;
                    }
                }
                end
            }
            _ => line_end,
        };
        // At least one whole character: an empty scalar may be marked at a
        // multi-byte one (a byte order mark inside the file).
        let first = rest.chars().next().map_or(0, char::len_utf8);
        start + end.max(first).min(rest.len())
    }

    fn push(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            Some((_, children, _, _)) => children.push(node),
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
        }
    }
}

impl MarkedEventReceiver for IndexBuilder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = self.byte(&mark);
        match ev {
            Event::Scalar(value, style, anchor, tag) => {
                let end = self.scalar_end(at, &value, style);
                let plain = style == TScalarStyle::Plain && tag.is_none();
                self.push(
                    Node {
                        span: at..end,
                        kind: NodeKind::Scalar(value),
                        plain,
                    },
                    anchor,
                );
            }
            Event::Alias(id) => {
                // An alias stands for a copy of its anchored node, at the alias's place.
                let mut node = self.anchors.get(&id).cloned().unwrap_or(Node {
                    span: at..at + 1,
                    kind: NodeKind::Scalar(String::new()),
                    plain: true,
                });
                node.span = at..at + 1;
                self.push(node, 0);
            }
            Event::DocumentStart => self.documents += 1,
            Event::SequenceStart(anchor, _) => self.stack.push((at, Vec::new(), false, anchor)),
            Event::MappingStart(anchor, _) => self.stack.push((at, Vec::new(), true, anchor)),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((start, children, is_map, anchor)) = self.stack.pop() {
                    // Mapping start markers point at the first value; the first key is earlier.
                    let start = children.first().map_or(start, |c| c.span.start.min(start));
                    let end = children.last().map_or(at, |c| c.span.end).max(start);
                    let kind = if is_map {
                        let mut pairs = Vec::new();
                        let mut it = children.into_iter();
                        while let (Some(k), Some(v)) = (it.next(), it.next()) {
                            pairs.push((k, v));
                        }
                        NodeKind::Map(pairs)
                    } else {
                        NodeKind::Seq(children)
                    };
                    self.push(
                        Node {
                            span: start..end,
                            kind,
                            plain: false,
                        },
                        anchor,
                    );
                }
            }
            _ => {}
        }
    }
}

impl YamlIndex {
    /// Parses `text`; `None` when it is not valid YAML (serde_yaml then reports
    /// the syntax error with libyaml's familiar message and position).
    pub fn build(text: &str) -> Option<YamlIndex> {
        let char_to_byte = if text.is_ascii() {
            None
        } else {
            let mut map: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            map.push(text.len());
            Some(map)
        };
        let mut builder = IndexBuilder {
            text,
            char_to_byte,
            stack: Vec::new(),
            root: None,
            anchors: std::collections::HashMap::new(),
            documents: 0,
        };
        let mut parser = Parser::new_from_str(text);
        parser.load(&mut builder, true).ok()?;
        Some(YamlIndex {
            root: builder.root,
            documents: builder.documents,
        })
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

/// Key checks without positions, for the rare YAML that yaml-rust2 cannot
/// index but serde_yaml reads: unknown keys must never pass silently.
fn check_keys_unlocated(
    file: &SourceFile,
    value: &serde_yaml::Value,
    schema: &Schema,
    out: &mut Diagnostics,
) {
    if let serde_yaml::Value::Mapping(map) = value {
        for key in map.keys() {
            let name = key.as_str().unwrap_or("?");
            if !schema.keys.contains(&name) {
                let mut d = Diagnostic::error(
                    Code::UnknownKey,
                    format!("unknown key `{name}` in {}", schema.what),
                )
                .at(Location::file_only(&file.path));
                if let Some(s) = did_you_mean(name, schema.keys) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                out.push(d);
            }
        }
    }
}

/// Turns a serde_yaml error into a diagnostic at its position.
pub fn serde_diagnostic(file: &SourceFile, err: &serde_yaml::Error) -> Diagnostic {
    let raw = err.to_string();
    // serde_yaml writes positions into the message ("... at line 3 column 1,
    // while scanning a quoted scalar at line 1 column 9"); we show positions as
    // locations instead, and keep the earlier one as a secondary label.
    let (message, positions) = strip_positions(&raw);
    // The reader's errors (control characters, bad encodings) say "at position N" instead.
    let (message, position) = strip_offset(&message);
    // and prefixes the path (".[2].find: "); keep it but make it readable.
    let message = readable_path(&message);
    let tab = message.contains("tab character");
    let (code, help) = classify_message(&message);
    let at = |line: usize, col: usize| {
        let offset = file.lines().offset(&file.text, line, col);
        let next = file.text[offset..]
            .chars()
            .next()
            .filter(|c| *c != '\n')
            .map_or(0, char::len_utf8);
        file.location(offset..offset + next)
    };
    let mut location = match (
        position.and_then(|p| reader_offset(&file.text, p)),
        err.location(),
    ) {
        (Some(offset), _) => {
            let len = file.text[offset..].chars().next().map_or(0, char::len_utf8);
            file.location(offset..offset + len)
        }
        (None, Some(loc)) => at(loc.line(), loc.column()),
        (None, None) => Location::file_only(&file.path),
    };
    if code == Code::WrongType {
        // Underline the whole value, not just its first character.
        let start = location.span.start;
        let line = &file.text[start..];
        let line = &line[..line.find(['\n', '\r']).unwrap_or(line.len())];
        let value = line.split(" #").next().unwrap_or(line).trim_end();
        if !value.is_empty() {
            location = file.location(start..start + value.len());
        }
    }
    let at_end = location.span.start >= file.text.trim_end().len()
        && code == Code::YamlSyntax
        && !message.contains("quoted scalar");
    let mut d = Diagnostic::error(code, message)
        .at(location.clone())
        .help(help);
    // "while scanning a quoted scalar at line 1 column 9": point at where it began.
    if let Some(&(line, col)) = positions.get(1)
        && (line, col) != (location.line, location.column)
        && !tab
    {
        d = d.related(at(line, col), "started here");
    }
    if at_end {
        d = d.note("this is the end of the file: is the file complete?");
    }
    d
}

/// Removes an " at position N" phrase, returning the message and N.
fn strip_offset(message: &str) -> (String, Option<usize>) {
    let Some(i) = message.find(" at position ") else {
        return (message.to_string(), None);
    };
    let after = &message[i + " at position ".len()..];
    let digits = after
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after.len());
    match after[..digits].parse() {
        Ok(n) => (format!("{}{}", &message[..i], &after[digits..]), Some(n)),
        Err(_) => (message.to_string(), None),
    }
}

/// The byte offset of a reader error's position: libyaml counts characters;
/// accept a byte offset too, preferring whichever lands on the character a
/// reader rejects (a control character).
fn reader_offset(text: &str, n: usize) -> Option<usize> {
    let by_char = text.char_indices().nth(n).map(|(i, _)| i);
    let by_byte = text
        .is_char_boundary(n)
        .then_some(n)
        .filter(|&b| b < text.len());
    let rejected = |i: &usize| {
        text[*i..]
            .chars()
            .next()
            .is_some_and(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    };
    by_char
        .filter(rejected)
        .or(by_byte.filter(rejected))
        .or(by_char)
}

/// Removes " at line L column C" phrases from a serde_yaml message, returning
/// the message and the positions in order.
fn strip_positions(raw: &str) -> (String, Vec<(usize, usize)>) {
    let mut message = String::new();
    let mut positions = Vec::new();
    let mut rest = raw;
    while let Some(i) = rest.find(" at line ") {
        message.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let line_len = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        let line: usize = after[..line_len].parse().unwrap_or(0);
        let after_line = &after[line_len..];
        match after_line.strip_prefix(" column ") {
            Some(c) => {
                let col_len = c.find(|ch: char| !ch.is_ascii_digit()).unwrap_or(c.len());
                positions.push((line, c[..col_len].parse().unwrap_or(0)));
                rest = &c[col_len..];
            }
            None => {
                positions.push((line, 1));
                rest = after_line;
            }
        }
    }
    message.push_str(rest);
    (message, positions)
}

fn readable_path(message: &str) -> String {
    // ".[2].find: invalid type" -> "entry 3, `find`: invalid type"
    let Some(rest) = message.strip_prefix('.') else {
        return message.to_string();
    };
    let Some((path, msg)) = rest.split_once(": ") else {
        return message.to_string();
    };
    let mut parts = Vec::new();
    for seg in path.split('.') {
        if let Some(n) = seg.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            match n.parse::<usize>() {
                Ok(i) => parts.push(format!("entry {}", i + 1)),
                Err(_) => parts.push(seg.to_string()),
            }
        } else if let Some((name, idx)) = seg.split_once('[') {
            parts.push(format!("`{name}`"));
            if let Ok(i) = idx.trim_end_matches(']').parse::<usize>() {
                parts.push(format!("item {}", i + 1));
            }
        } else if !seg.is_empty() {
            parts.push(format!("`{seg}`"));
        }
    }
    format!("{}: {msg}", parts.join(", "))
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
    let Some(index) = parse_checked(file, out)? else {
        return serde_fallback::<Option<Vec<T>>>(file, schema, true, out).map(|v| LoadedList {
            entries: v
                .unwrap_or_default()
                .into_iter()
                .map(|v| (v, None))
                .collect(),
        });
    };
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
    let Some(index) = parse_checked(file, out)? else {
        return serde_fallback::<T>(file, schema, false, out).map(|v| (v, None));
    };
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

/// Parses a file once, with positions. `None` means a syntax error was
/// reported; `Some(None)` means yaml-rust2 refused a file that libyaml accepts
/// (the caller then reads it with serde_yaml, without positions).
fn parse_checked(file: &SourceFile, out: &mut Diagnostics) -> Option<Option<YamlIndex>> {
    // yaml-rust2 accepts control characters YAML forbids (an escape sequence
    // pasted from a terminal); libyaml rejects them with their position.
    if file.text.chars().any(|c| !is_yaml_printable(c))
        && let Err(err) = serde_yaml::from_str::<serde_yaml::Value>(&file.text)
    {
        out.push(serde_diagnostic(file, &err));
        return None;
    }
    match YamlIndex::build(&file.text) {
        Some(index) if index.documents > 1 => {
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
        Some(index) => Some(Some(index)),
        // libyaml's messages and positions are the familiar ones: report its error.
        None => match serde_yaml::from_str::<serde_yaml::Value>(&file.text) {
            Err(err) => {
                out.push(serde_diagnostic(file, &err));
                None
            }
            Ok(_) => Some(None),
        },
    }
}

/// Whether YAML allows `c` in a file (YAML 1.2, 5.1: tab, line breaks, and
/// printable characters; no other C0 or C1 controls, DEL, surrogates or U+FFFE/U+FFFF).
fn is_yaml_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}'
}

/// Reads a file with serde_yaml alone (no positions), for the rare YAML that
/// yaml-rust2 cannot parse; unknown keys are still reported.
fn serde_fallback<T: DeserializeOwned>(
    file: &SourceFile,
    schema: &Schema,
    list: bool,
    out: &mut Diagnostics,
) -> Option<T> {
    match serde_yaml::from_str::<serde_yaml::Value>(&file.text) {
        Ok(serde_yaml::Value::Sequence(seq)) if list => {
            for v in &seq {
                check_keys_unlocated(file, v, schema, out);
            }
        }
        Ok(v) if !list => check_keys_unlocated(file, &v, schema, out),
        _ => {}
    }
    match serde_yaml::from_str::<T>(&file.text) {
        Ok(v) => Some(v),
        Err(err) => {
            out.push(serde_diagnostic(file, &err));
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
    } else if message.contains("tab character") {
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
            "c.yaml:2:15: error[yaml-syntax]: control characters are not allowed"
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
        let text = "title: !\n\n\u{feff}title:";
        let idx = YamlIndex::build(text).unwrap();
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
        let f = file("- find: 'a\n");
        let mut out = crate::diagnostics::Diagnostics::new();
        assert!(load_list::<Entry>(&f, &SCHEMA, &mut out).is_none());
        assert_eq!(out[0].code, "yaml-syntax");
        assert_eq!(out[0].location.as_ref().unwrap().line, 2);
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
