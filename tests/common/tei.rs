//! TEI for the tests (`tests/exports.rs`, `tests/properties.rs`): reading a
//! `tei.xml` body back with roxmltree, a conforming XML parser that is not the
//! one emend uses (its text, choosing `sic` or `corr` in each `choice` and
//! leaving notes out, and where each `anchor` stands), and finding the schema
//! validator.
//!
//! Validation needs `jing` (Debian package `jing`) and TEI P5's
//! `tei_all.rng` (`tests/schemas/fetch-tei-all.sh` puts it at
//! `target/schemas/tei_all.rng`; or set `EMEND_TEI_RNG`, and `EMEND_JING` for
//! another jing). Without them a validating test says SKIPPED on the terminal
//! and passes, unless `EMEND_SCHEMA_TESTS=require` (set by .ci/run), which
//! makes it fail; `EMEND_SCHEMA_TESTS=skip` skips on purpose.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

/// The TEI namespace.
pub const TEI_NS: &str = "http://www.tei-c.org/ns/1.0";
/// The namespace of `xml:id`.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The two readings of a TEI body, and where each anchor stands in them.
#[derive(Default)]
pub struct Readings {
    /// The `sic` reading: the text as received.
    pub sic: String,
    /// The `corr` reading: the corrected text.
    pub corr: String,
    /// Byte offsets of anchors in the `sic` reading.
    pub sic_at: HashMap<String, usize>,
    /// Byte offsets of anchors in the `corr` reading.
    pub corr_at: HashMap<String, usize>,
}

/// Reads the body: its character data, in each `choice` only the `sic` (or
/// only the `corr`), notes left out.
pub fn readings(doc: &roxmltree::Document<'_>) -> Readings {
    fn walk(node: roxmltree::Node<'_, '_>, in_sic: bool, in_corr: bool, r: &mut Readings) {
        for child in node.children() {
            if let Some(t) = child.text().filter(|_| child.is_text()) {
                if !in_corr {
                    r.sic.push_str(t);
                }
                if !in_sic {
                    r.corr.push_str(t);
                }
                continue;
            }
            if !child.is_element() {
                continue;
            }
            assert_eq!(child.tag_name().namespace(), Some(TEI_NS));
            match child.tag_name().name() {
                "note" => {}
                "sic" => walk(child, true, in_corr, r),
                "corr" => walk(child, in_sic, true, r),
                "anchor" => {
                    let id = child.attribute((XML_NS, "id")).unwrap().to_string();
                    if !in_corr {
                        r.sic_at.insert(id.clone(), r.sic.len());
                    }
                    if !in_sic {
                        r.corr_at.insert(id, r.corr.len());
                    }
                }
                _ => walk(child, in_sic, in_corr, r),
            }
        }
    }
    let body = doc
        .descendants()
        .find(|n| n.has_tag_name((TEI_NS, "body")))
        .expect("a body");
    let mut r = Readings::default();
    walk(body, false, false, &mut r);
    r
}

/// `jing` and `tei_all.rng`, or why they cannot be used.
pub fn validator() -> Result<(PathBuf, PathBuf), String> {
    let rng = std::env::var_os("EMEND_TEI_RNG")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/schemas/tei_all.rng")
        });
    if !rng.is_file() {
        return Err(format!(
            "the TEI schema is not at {} (run tests/schemas/fetch-tei-all.sh, or set EMEND_TEI_RNG)",
            rng.display()
        ));
    }
    let jing = std::env::var_os("EMEND_JING")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("PATH").and_then(|p| {
                std::env::split_paths(&p)
                    .map(|d| d.join("jing"))
                    .find(|j| j.is_file())
            })
        });
    match jing {
        Some(j) => Ok((j, rng)),
        None => Err("`jing` is not installed (Debian: apt-get install jing)".into()),
    }
}

/// `jing` and `tei_all.rng`; `None` after saying loudly why the validation is
/// skipped (a panic under `EMEND_SCHEMA_TESTS=require`).
pub fn validator_or_skip() -> Option<(PathBuf, PathBuf)> {
    let mode = std::env::var("EMEND_SCHEMA_TESTS").unwrap_or_default();
    let tools = if mode == "skip" {
        Err("EMEND_SCHEMA_TESTS=skip".to_string())
    } else {
        validator()
    };
    match tools {
        Ok(t) => Some(t),
        Err(why) => {
            if mode == "require" {
                panic!(
                    "the TEI schema tests must run (EMEND_SCHEMA_TESTS=require) but cannot: {why}"
                );
            }
            // The real stderr: libtest captures `eprintln!` of passing tests.
            let _ = writeln!(
                std::io::stderr(),
                "\n*** TEI schema validation SKIPPED: {why}. tei.xml was NOT validated against tei_all. ***\n"
            );
            None
        }
    }
}

/// Runs jing on `files` (one run: the Java start-up dominates); the report of
/// every error, or `Ok`.
pub fn validate(jing: &PathBuf, rng: &PathBuf, files: &[PathBuf]) -> Result<(), String> {
    let out = std::process::Command::new(jing)
        .arg(rng)
        .args(files)
        .output()
        .map_err(|e| format!("running {}: {e}", jing.display()))?;
    let report = String::from_utf8_lossy(&out.stdout);
    if out.status.success() && report.trim().is_empty() {
        Ok(())
    } else {
        Err(format!(
            "jing: {}\n{report}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
