//! serde deserialisation straight from the positioned node tree.
//!
//! A file is parsed once (yaml-rust2, with positions); typed values are read
//! from the resulting [`Node`]s, so every type error knows the exact span of
//! the value it is about. Plain scalars are typed by the YAML 1.2 core schema
//! (`true`/`false`, integers, floats, `null`/`~`/empty); quoted and `!!str`
//! scalars are always text, and a string field also accepts a plain scalar that
//! looks like a number (`find: 2`), taking its spelling as written.

use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::{Node, NodeKind};

/// A deserialisation error, with the span of the value it is about and the path
/// to it (`entry 2, \`occurrence\``).
#[derive(Debug, Clone, PartialEq)]
pub struct DeError {
    /// What is wrong.
    pub message: String,
    /// Where (bytes of the file), when known.
    pub span: Option<Range<usize>>,
    /// How to get there from the document root.
    pub path: String,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            message: msg.to_string(),
            span: None,
            path: String::new(),
        }
    }
}

/// The name [`Scalar`] asks for, so [`NodeDe`] can hand it the text as written.
const SCALAR: &str = "$emend::yaml::Scalar";

/// A scalar exactly as written in the file: `2.50` stays `2.50` (a number
/// would print `2.5`), `yes` stays `yes`, and an empty (null) value is the
/// empty string. This is how every text field that might look like a number
/// (`find: 2`, `replace: 007`) is read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scalar(pub String);

impl Scalar {
    /// The text.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar(String::new()))
            }
            // Other deserializers than ours (none in emend) see a newtype.
            fn visit_newtype_struct<D: de::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Scalar, D::Error> {
                d.deserialize_str(self)
            }
        }
        d.deserialize_newtype_struct(SCALAR, V)
    }
}

/// One step of the path to a value.
#[derive(Clone, Copy)]
enum Step<'a> {
    Root,
    Index(usize, &'a Step<'a>),
    Key(&'a str, &'a Step<'a>),
}

impl Step<'_> {
    fn render(&self) -> String {
        let mut parts = Vec::new();
        let mut at = self;
        loop {
            match at {
                Step::Root => break,
                Step::Index(i, up) => {
                    parts.push(format!("entry {}", i + 1));
                    at = up;
                }
                Step::Key(k, up) => {
                    parts.push(format!("`{k}`"));
                    at = up;
                }
            }
        }
        parts.reverse();
        // Nested lists read better as items ("`sources`, item 2").
        let mut out: Vec<String> = Vec::new();
        for p in parts {
            if p.starts_with("entry ") && !out.is_empty() {
                out.push(p.replacen("entry", "item", 1));
            } else {
                out.push(p);
            }
        }
        out.join(", ")
    }
}

/// Deserialises `T` from a node.
pub fn from_node<'de, T: de::Deserialize<'de>>(node: &'de Node) -> Result<T, DeError> {
    T::deserialize(NodeDe {
        node,
        path: Step::Root,
    })
}

/// Deserialises `T` from the `index`-th entry of a top-level list (errors say
/// "entry N").
pub fn from_entry<'de, T: de::Deserialize<'de>>(
    node: &'de Node,
    index: usize,
) -> Result<T, DeError> {
    let root = Step::Root;
    let de = NodeDe {
        node,
        path: Step::Index(index, &root),
    };
    let (span, step) = (node.span.clone(), de.path);
    T::deserialize(de).map_err(|mut e| {
        if e.span.is_none() {
            e.span = Some(span);
            e.path = step.render();
        }
        e
    })
}

struct NodeDe<'a, 'p> {
    node: &'a Node,
    path: Step<'p>,
}

/// A plain scalar's YAML 1.2 core-schema type.
enum Plain {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str,
}

fn classify(s: &str) -> Plain {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Plain::Null,
        "true" | "True" | "TRUE" => return Plain::Bool(true),
        "false" | "False" | "FALSE" => return Plain::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Plain::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Plain::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Plain::Float(f64::NAN),
        _ => {}
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(u) = s.strip_prefix('+').unwrap_or(s).parse::<u64>() {
            return Plain::UInt(u);
        }
        if let Ok(i) = s.parse::<i64>() {
            return Plain::Int(i);
        }
    }
    if let Some(hex) = s.strip_prefix("0x")
        && let Ok(u) = u64::from_str_radix(hex, 16)
    {
        return Plain::UInt(u);
    }
    if let Some(oct) = s.strip_prefix("0o")
        && let Ok(u) = u64::from_str_radix(oct, 8)
    {
        return Plain::UInt(u);
    }
    let looks_float = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if looks_float && let Ok(f) = s.parse::<f64>() {
        return Plain::Float(f);
    }
    Plain::Str
}

impl<'a> NodeDe<'a, '_> {
    fn error(&self, message: impl fmt::Display) -> DeError {
        DeError {
            message: message.to_string(),
            span: Some(self.node.span.clone()),
            path: self.path.render(),
        }
    }

    /// Attaches this node's position to an error raised without one (by serde's
    /// derived code: missing fields, invalid values).
    fn locate(&self, mut e: DeError) -> DeError {
        if e.span.is_none() {
            e.span = Some(self.node.span.clone());
        }
        if e.path.is_empty() {
            e.path = self.path.render();
        }
        e
    }

    fn unexpected(&self) -> de::Unexpected<'a> {
        match &self.node.kind {
            NodeKind::Scalar(s) if !self.node.plain => de::Unexpected::Str(s),
            NodeKind::Scalar(s) => match classify(s) {
                Plain::Null => de::Unexpected::Unit,
                Plain::Bool(b) => de::Unexpected::Bool(b),
                Plain::Int(i) => de::Unexpected::Signed(i),
                Plain::UInt(u) => de::Unexpected::Unsigned(u),
                Plain::Float(f) => de::Unexpected::Float(f),
                Plain::Str => de::Unexpected::Str(s),
            },
            NodeKind::Seq(_) => de::Unexpected::Seq,
            NodeKind::Map(_) => de::Unexpected::Map,
        }
    }

    fn invalid_type(&self, exp: &dyn de::Expected) -> DeError {
        let u = self.unexpected();
        self.error(format_args!("invalid type: {u}, expected {exp}"))
    }
}

macro_rules! number {
    ($method:ident, $visit:ident, $ty:ty) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            match &self.node.kind {
                NodeKind::Scalar(s) if self.node.plain => {
                    let parsed = match classify(s) {
                        Plain::UInt(u) => <$ty>::try_from(u).ok(),
                        Plain::Int(i) => <$ty>::try_from(i).ok(),
                        _ => None,
                    };
                    match parsed {
                        Some(n) => visitor.$visit(n).map_err(|e| self.locate(e)),
                        None => Err(self.invalid_type(&visitor)),
                    }
                }
                _ => Err(self.invalid_type(&visitor)),
            }
        }
    };
}

impl<'de> de::Deserializer<'de> for NodeDe<'de, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.kind {
            NodeKind::Scalar(s) if self.node.plain => match classify(s) {
                Plain::Null => visitor.visit_unit(),
                Plain::Bool(b) => visitor.visit_bool(b),
                Plain::Int(i) => visitor.visit_i64(i),
                Plain::UInt(u) => visitor.visit_u64(u),
                Plain::Float(f) => visitor.visit_f64(f),
                Plain::Str => visitor.visit_borrowed_str(s),
            },
            NodeKind::Scalar(s) => visitor.visit_borrowed_str(s),
            NodeKind::Seq(_) => return self.deserialize_seq(visitor),
            NodeKind::Map(_) => return self.deserialize_map(visitor),
        };
        result.map_err(|e| self.locate(e))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Scalar(s) if self.node.plain => match classify(s) {
                Plain::Bool(b) => visitor.visit_bool(b).map_err(|e| self.locate(e)),
                _ => Err(self.invalid_type(&visitor)),
            },
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    number!(deserialize_u8, visit_u8, u8);
    number!(deserialize_u16, visit_u16, u16);
    number!(deserialize_u32, visit_u32, u32);
    number!(deserialize_u64, visit_u64, u64);
    number!(deserialize_i8, visit_i8, i8);
    number!(deserialize_i16, visit_i16, i16);
    number!(deserialize_i32, visit_i32, i32);
    number!(deserialize_i64, visit_i64, i64);

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Scalar(s) if self.node.plain => {
                let f = match classify(s) {
                    Plain::Float(f) => Some(f),
                    Plain::UInt(u) => Some(u as f64),
                    Plain::Int(i) => Some(i as f64),
                    _ => None,
                };
                match f {
                    Some(f) => visitor.visit_f64(f).map_err(|e| self.locate(e)),
                    None => Err(self.invalid_type(&visitor)),
                }
            }
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            // Any scalar reads as text as written ("2", "yes"), except null.
            NodeKind::Scalar(s) if self.node.plain && matches!(classify(s), Plain::Null) => {
                Err(self.invalid_type(&visitor))
            }
            NodeKind::Scalar(s) => visitor.visit_borrowed_str(s).map_err(|e| self.locate(e)),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Scalar(s) if self.node.plain && matches!(classify(s), Plain::Null) => {
                visitor.visit_none().map_err(|e| self.locate(e))
            }
            _ => {
                // The path is rendered only when there is an error to report.
                let (span, step) = (self.node.span.clone(), self.path);
                visitor.visit_some(self).map_err(|mut e| {
                    if e.span.is_none() {
                        e.span = Some(span);
                        e.path = step.render();
                    }
                    e
                })
            }
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Scalar(s) if self.node.plain && matches!(classify(s), Plain::Null) => {
                visitor.visit_unit().map_err(|e| self.locate(e))
            }
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        if name == SCALAR {
            return match &self.node.kind {
                NodeKind::Scalar(s) if self.node.plain && matches!(classify(s), Plain::Null) => {
                    visitor.visit_unit().map_err(|e| self.locate(e))
                }
                NodeKind::Scalar(s) => visitor.visit_borrowed_str(s).map_err(|e| self.locate(e)),
                _ => Err(self.invalid_type(&visitor)),
            };
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Seq(items) => {
                let access = Items {
                    items,
                    next: 0,
                    path: &self.path,
                };
                visitor.visit_seq(access).map_err(|e| self.locate(e))
            }
            // An empty value where a list is expected is an empty list.
            NodeKind::Scalar(s) if self.node.plain && matches!(classify(s), Plain::Null) => {
                let access = Items {
                    items: &[],
                    next: 0,
                    path: &self.path,
                };
                visitor.visit_seq(access).map_err(|e| self.locate(e))
            }
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Map(pairs) => {
                let access = Pairs {
                    pairs,
                    next: 0,
                    path: &self.path,
                };
                visitor.visit_map(access).map_err(|e| self.locate(e))
            }
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.node.kind {
            NodeKind::Scalar(s) => visitor
                .visit_enum(s.as_str().into_deserializer())
                .map_err(|e: DeError| self.locate(e)),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_u64(visitor)
    }
}

struct Items<'a, 'p> {
    items: &'a [Node],
    next: usize,
    path: &'p Step<'p>,
}

impl<'de> SeqAccess<'de> for Items<'de, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some(node) = self.items.get(self.next) else {
            return Ok(None);
        };
        let i = self.next;
        self.next += 1;
        let de = NodeDe {
            node,
            path: Step::Index(i, self.path),
        };
        let (span, step) = (node.span.clone(), de.path);
        seed.deserialize(de).map(Some).map_err(|mut e| {
            if e.span.is_none() {
                e.span = Some(span);
                e.path = step.render();
            }
            e
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

struct Pairs<'a, 'p> {
    pairs: &'a [(Node, Node)],
    next: usize,
    path: &'p Step<'p>,
}

impl<'de> MapAccess<'de> for Pairs<'de, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((key, _)) = self.pairs.get(self.next) else {
            return Ok(None);
        };
        seed.deserialize(NodeDe {
            node: key,
            path: *self.path,
        })
        .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let (key, value) = &self.pairs[self.next];
        self.next += 1;
        let name = match &key.kind {
            NodeKind::Scalar(s) => s.as_str(),
            _ => "?",
        };
        let de = NodeDe {
            node: value,
            path: Step::Key(name, self.path),
        };
        let (span, step) = (value.span.clone(), de.path);
        seed.deserialize(de).map_err(|mut e| {
            if e.span.is_none() {
                e.span = Some(span);
                e.path = step.render();
            }
            e
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.pairs.len() - self.next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_keep_their_spelling() {
        let index =
            crate::yaml::YamlIndex::build("a: 2.50\nb: 007\nc: yes\nd:\ne: \"x\"\nf: [1]\n")
                .unwrap();
        let root = index.root.unwrap();
        let read = |k: &str| from_node::<Scalar>(root.get(k).unwrap()).map(Scalar::into_string);
        assert_eq!(read("a").unwrap(), "2.50");
        assert_eq!(read("b").unwrap(), "007");
        assert_eq!(read("c").unwrap(), "yes");
        assert_eq!(read("d").unwrap(), "");
        assert_eq!(read("e").unwrap(), "x");
        assert_eq!(
            read("f").unwrap_err().message,
            "invalid type: sequence, expected text"
        );
    }
    use crate::yaml::YamlIndex;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Entry {
        find: String,
        n: Option<u32>,
        all: Option<bool>,
        ratio: Option<f64>,
        tags: Option<Vec<String>>,
    }

    fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, DeError> {
        let index = YamlIndex::build(text).unwrap();
        from_node(index.root.as_ref().unwrap()).map_err(|e| e.clone())
    }

    #[test]
    fn reads_the_core_schema() {
        let e: Entry = parse("find: 2\nn: 3\nall: true\nratio: 0.5\ntags: [a, 'b']\n").unwrap();
        assert_eq!(
            e,
            Entry {
                find: "2".into(),
                n: Some(3),
                all: Some(true),
                ratio: Some(0.5),
                tags: Some(vec!["a".into(), "b".into()])
            }
        );
        let e: Entry = parse("find: \"true\"\nn: ~\n").unwrap();
        assert_eq!(e.find, "true");
        assert_eq!(e.n, None);
    }

    #[test]
    fn type_errors_carry_span_and_path() {
        let text = "- find: a\n- find: b\n  n: two\n";
        let err = parse::<Vec<Entry>>(text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "entry 2, `n`: invalid type: string \"two\", expected u32"
        );
        assert_eq!(&text[err.span.unwrap()], "two");
        let err = parse::<Vec<Entry>>("- find: [x]\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "entry 1, `find`: invalid type: sequence, expected a string"
        );
        let err = parse::<Vec<Entry>>("- all: yes\n  find: a\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "entry 1, `all`: invalid type: string \"yes\", expected a boolean"
        );
    }

    #[test]
    fn missing_fields_point_at_the_mapping() {
        let text = "- find: a\n- n: 1\n";
        let err = parse::<Vec<Entry>>(text).unwrap_err();
        assert_eq!(err.to_string(), "entry 2: missing field `find`");
        assert_eq!(err.span.unwrap().start, text.find("n: 1").unwrap());
    }

    #[test]
    fn aliases_copy_their_anchor() {
        let e: Vec<Entry> = parse("- find: &w mentioned\n- find: *w\n").unwrap();
        assert_eq!(e[1].find, "mentioned");
    }
}
