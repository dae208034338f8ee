//! A small JSON Schema (draft-07) checker for the tests: enough for the CSL
//! data schema (`tests/schemas/csl-data.json`) and emend's own
//! `docs/schemas/edition.schema.json`, without a validator crate's dependency
//! tree (the `jsonschema` crate alone took over ten minutes to build here).
//!
//! It applies `$ref` (to `#/definitions/…` and `#/$defs/…`), `type`, `enum`,
//! `const`, `properties`, `required`, `additionalProperties`, `items`,
//! `minItems`, `maxItems`, `uniqueItems`, `minLength`, `minimum`, `maximum`,
//! `pattern`, `anyOf`, `oneOf` and `allOf`, ignores annotations (`title`,
//! `description`, `examples`, …) and panics on any other keyword, so a schema
//! never relies on a rule this checker would silently skip.

use serde_json::Value;

/// Keywords that describe but never constrain.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "title",
    "description",
    "examples",
    "default",
    "definitions",
    "$defs",
    "format",
    "readOnly",
];

/// Every way `instance` breaks `schema` (`path: problem`), empty if none.
pub fn validate(schema: &Value, instance: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, schema, instance, "", &mut errors);
    errors
}

fn resolve<'a>(root: &'a Value, reference: &str) -> &'a Value {
    let pointer = reference
        .strip_prefix('#')
        .unwrap_or_else(|| panic!("only local $refs are supported: {reference}"));
    root.pointer(pointer)
        .unwrap_or_else(|| panic!("$ref {reference} points to nothing"))
}

fn type_matches(name: &str, v: &Value) -> bool {
    match name {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        other => panic!("unknown type {other}"),
    }
}

fn push(errors: &mut Vec<String>, path: &str, msg: String) {
    errors.push(format!("{path}: {msg}"));
}

fn check(root: &Value, schema: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    let obj = match schema {
        Value::Bool(true) => return,
        Value::Bool(false) => {
            errors.push(format!("{path}: not allowed"));
            return;
        }
        Value::Object(o) => o,
        other => panic!("a schema is an object or a boolean, not {other}"),
    };
    for (key, rule) in obj {
        match key.as_str() {
            k if ANNOTATIONS.contains(&k) => {}
            "$ref" => {
                let target = resolve(root, rule.as_str().expect("$ref is a string"));
                check(root, target, v, path, errors);
            }
            "type" => {
                let names: Vec<&str> = match rule {
                    Value::String(s) => vec![s.as_str()],
                    Value::Array(a) => a.iter().map(|t| t.as_str().unwrap()).collect(),
                    _ => panic!("bad type {rule}"),
                };
                if !names.iter().any(|n| type_matches(n, v)) {
                    push(errors, path, format!("{v} is not of type {rule}"));
                }
            }
            "enum" => {
                if !rule.as_array().unwrap().contains(v) {
                    push(errors, path, format!("{v} is not one of {rule}"));
                }
            }
            "const" => {
                if rule != v {
                    push(errors, path, format!("{v} is not {rule}"));
                }
            }
            "required" => {
                if let Some(o) = v.as_object() {
                    for name in rule.as_array().unwrap() {
                        let name = name.as_str().unwrap();
                        if !o.contains_key(name) {
                            push(errors, path, format!("`{name}` is missing"));
                        }
                    }
                }
            }
            "properties" => {
                if let Some(o) = v.as_object() {
                    for (name, sub) in rule.as_object().unwrap() {
                        if let Some(value) = o.get(name) {
                            check(root, sub, value, &format!("{path}/{name}"), errors);
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Some(o) = v.as_object() {
                    let known = obj.get("properties").and_then(Value::as_object);
                    for (name, value) in o {
                        if !known.is_some_and(|k| k.contains_key(name)) {
                            let mut sub = Vec::new();
                            check(root, rule, value, &format!("{path}/{name}"), &mut sub);
                            if !sub.is_empty() {
                                errors.push(format!(
                                    "{path}: property `{name}` is not allowed here ({})",
                                    sub.join("; ")
                                ));
                            }
                        }
                    }
                }
            }
            "items" => {
                if let Some(a) = v.as_array() {
                    for (i, item) in a.iter().enumerate() {
                        check(root, rule, item, &format!("{path}/{i}"), errors);
                    }
                }
            }
            "minItems" | "maxItems" | "uniqueItems" => {
                if let Some(a) = v.as_array() {
                    let n = a.len() as u64;
                    match key.as_str() {
                        "minItems" if n < rule.as_u64().unwrap() => {
                            push(errors, path, format!("fewer than {rule} items"))
                        }
                        "maxItems" if n > rule.as_u64().unwrap() => {
                            push(errors, path, format!("more than {rule} items"))
                        }
                        "uniqueItems" if rule == &Value::Bool(true) => {
                            for (i, item) in a.iter().enumerate() {
                                if a[..i].contains(item) {
                                    push(errors, path, format!("item {i} repeats an earlier one"));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            "minLength" => {
                if let Some(s) = v.as_str()
                    && (s.chars().count() as u64) < rule.as_u64().unwrap()
                {
                    push(errors, path, format!("shorter than {rule} characters"));
                }
            }
            "minimum" | "maximum" => {
                if let Some(n) = v.as_f64() {
                    let bound = rule.as_f64().unwrap();
                    if (key == "minimum" && n < bound) || (key == "maximum" && n > bound) {
                        push(errors, path, format!("{n} is out of range ({key} {bound})"));
                    }
                }
            }
            "pattern" => {
                if let Some(s) = v.as_str() {
                    let re = regex::Regex::new(rule.as_str().unwrap()).expect("pattern compiles");
                    if !re.is_match(s) {
                        push(errors, path, format!("{v} does not match {rule}"));
                    }
                }
            }
            "anyOf" | "oneOf" | "allOf" => {
                let subs = rule.as_array().unwrap();
                let results: Vec<Vec<String>> = subs
                    .iter()
                    .map(|s| {
                        let mut e = Vec::new();
                        check(root, s, v, path, &mut e);
                        e
                    })
                    .collect();
                let passed = results.iter().filter(|e| e.is_empty()).count();
                let ok = match key.as_str() {
                    "anyOf" => passed >= 1,
                    "oneOf" => passed == 1,
                    _ => passed == subs.len(),
                };
                if !ok {
                    let why: Vec<String> = results.into_iter().flatten().collect();
                    push(
                        errors,
                        path,
                        format!(
                            "{key}: {passed} of {} schemas match ({})",
                            subs.len(),
                            why.join("; ")
                        ),
                    );
                }
            }
            other => panic!("json_schema.rs does not implement the keyword `{other}`"),
        }
    }
}
