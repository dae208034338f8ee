//! Full-text search over the corrected texts and notes, with no server: a
//! prebuilt, sharded inverted index that the theme's `search.js` loads piece
//! by piece.
//!
//! Every edition is split into *passages*: its title, each row of the corrected
//! text (anchor `#pN` on the edition page) and each note (`#note-N`). Terms are
//! the lowercased runs of letters and digits (single letters are left out).
//! The build writes, under `search/`:
//!
//! - `meta.js`: the edition slugs (document numbers are positions in this list)
//!   and the first term of each shard;
//! - `t/<n>.js`: shard `n`, a run of consecutive terms (sorted by UTF-16 code
//!   units, as JavaScript compares strings) and their postings, about 24 KB, so
//!   a query loads a few small files however large the site (the terms
//!   starting with a query word are consecutive, so prefixes work too);
//! - `d/<slug>.js`: an edition's passages (anchor and text), loaded only for the
//!   results shown.
//!
//! The files are JavaScript (`emendSearch.meta(…)`, `.shard(…)`, `.doc(…)`)
//! loaded with `<script>` elements rather than `fetch`, so search also works
//! when the site is opened from disk (`file://`). Postings are flat arrays:
//! `[doc delta, passage count, passage…, doc delta, …]`.

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use serde::Serialize;

use super::ArticleEntry;
use super::jsonld::embed;
use crate::anchors;
use crate::render::EditionView;

/// Folder of the search page and its data.
pub const DIR: &str = "search";
/// Version of the index format (`meta.js` `v`).
pub const FORMAT: u32 = 1;
/// Shards hold consecutive terms up to about this many bytes of JSON.
const SHARD_BYTES: usize = 24 * 1024;

/// Calls `f` with each search term of `text`, in order: lowercased runs of
/// letters and digits; one-letter terms are skipped (one-digit terms are kept).
/// `search.js` tokenizes queries the same way.
pub fn for_each_term(text: &str, mut f: impl FnMut(&str)) {
    let lower = text.to_lowercase();
    for term in lower.split(|c: char| !c.is_alphanumeric()) {
        let mut chars = term.chars();
        match (chars.next(), chars.next()) {
            (None, _) => {}
            (Some(c), None) if !c.is_numeric() => {}
            _ => f(term),
        }
    }
}

/// Appends `n` as a LEB128 varint (7 bits a byte): postings are mostly small numbers.
fn put_varint(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads a varint at `*at`, advancing it.
fn get_varint(bytes: &[u8], at: &mut usize) -> u32 {
    let mut n = 0u32;
    let mut shift = 0;
    while let Some(&b) = bytes.get(*at) {
        *at += 1;
        n |= u32::from(b & 0x7f) << shift;
        if b < 0x80 {
            break;
        }
        shift += 7;
    }
    n
}

/// An edition's terms and the passages they occur in, packed into one byte
/// buffer (term, NUL, varint count, varint passage deltas) so that 10,000
/// editions' worth stays small until the site-wide index is built.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct ArticleTerms {
    bytes: Vec<u8>,
    len: usize,
}

impl ArticleTerms {
    /// Indexes passages (their position is their number).
    pub fn new(passages: &[Passage]) -> ArticleTerms {
        let mut map: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, p) in passages.iter().enumerate() {
            let i = i as u32;
            for_each_term(&p.text, |t| match map.get_mut(t) {
                Some(list) if list.last() == Some(&i) => {}
                Some(list) => list.push(i),
                // Allocate only for a term's first occurrence.
                None => {
                    map.insert(t.to_string(), vec![i]);
                }
            });
        }
        let mut sorted: Vec<(String, Vec<u32>)> = map.into_iter().collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut packed = ArticleTerms {
            bytes: Vec::new(),
            len: sorted.len(),
        };
        for (term, list) in sorted {
            packed.bytes.extend_from_slice(term.as_bytes());
            packed.bytes.push(0);
            put_varint(&mut packed.bytes, list.len() as u32);
            let mut last = 0;
            for p in list {
                put_varint(&mut packed.bytes, p - last);
                last = p;
            }
        }
        packed.bytes.shrink_to_fit();
        packed
    }

    /// Calls `f` with each term and its passages, in term order.
    pub fn for_each<'a>(&'a self, mut f: impl FnMut(&'a str, &[u32])) {
        let bytes = &self.bytes;
        let mut at = 0;
        let mut passages = Vec::new();
        while at < bytes.len() {
            let end = at
                + bytes[at..]
                    .iter()
                    .position(|b| *b == 0)
                    .unwrap_or(bytes.len() - at);
            let term = std::str::from_utf8(&bytes[at..end]).unwrap_or_default();
            at = end + 1;
            let count = get_varint(bytes, &mut at);
            passages.clear();
            let mut last = 0;
            for _ in 0..count {
                last += get_varint(bytes, &mut at);
                passages.push(last);
            }
            f(term, &passages);
        }
    }

    /// Number of distinct terms.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no terms.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A searchable passage of an edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Passage {
    /// Fragment on the edition page (`p3`, `note-2`; empty for the title).
    pub anchor: String,
    /// Its plain text.
    pub text: String,
}

/// The passages of an edition: title, corrected rows, notes.
pub fn passages(view: &EditionView) -> Vec<Passage> {
    let mut out = vec![Passage {
        anchor: String::new(),
        text: view.article.title.clone(),
    }];
    // Plain texts come from the renderer: no HTML is parsed back.
    out.extend(view.rows.iter().map(|r| Passage {
        anchor: r.id.clone(),
        text: r.text.clone(),
    }));
    out.extend(view.notes.iter().map(|n| Passage {
        anchor: anchors::note(n.number),
        text: n.text.clone(),
    }));
    out.retain(|p| !p.text.is_empty());
    out
}

#[derive(Serialize)]
struct DocFile<'a> {
    /// Title.
    t: &'a str,
    /// `[anchor, text]` per passage.
    p: Vec<(&'a str, &'a str)>,
}

/// Where an edition's passages go (`search/d/<slug>.js`).
pub fn doc_path(slug: &str) -> String {
    format!("{DIR}/d/{slug}.js")
}

/// An edition's passages file (for [`doc_path`]) and its terms for the index.
pub fn article_doc(slug: &str, view: &EditionView) -> (Vec<u8>, ArticleTerms) {
    let passages = passages(view);
    let doc = DocFile {
        t: &view.article.title,
        p: passages
            .iter()
            .map(|p| (p.anchor.as_str(), p.text.as_str()))
            .collect(),
    };
    let js = format!("emendSearch.doc({},{});\n", embed(&slug), embed(&doc));
    (js.into_bytes(), ArticleTerms::new(&passages))
}

/// Splits terms (sorted, with their estimated JSON size) into shards of
/// consecutive terms of about `limit` bytes each; returns each shard's range.
/// A shard is known by its first term: a term is in the last shard whose first
/// term sorts before or equal to it.
fn shard(sizes: &[usize], limit: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, size) in sizes.iter().enumerate() {
        if bytes > 0 && bytes + size > limit {
            out.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    if start < sizes.len() {
        out.push(start..sizes.len());
    }
    out
}

/// Term order shared with `search.js`, which compares strings by UTF-16 code units.
fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    docs: Vec<&'a str>,
    shards: Vec<&'a str>,
}

/// The index: `search/meta.js` and the shards `search/t/<n>.js`, as
/// (site-relative path, contents), for the editions in index order.
pub fn index(articles: &[ArticleEntry]) -> Vec<(String, Vec<u8>)> {
    // Postings per term as varints, documents in index order, each as
    // [doc delta, passage count, passages…]; plus the term's last document.
    let mut postings: HashMap<&str, (u32, Vec<u8>)> =
        HashMap::with_capacity(articles.iter().map(|a| a.search.len()).max().unwrap_or(0) * 4);
    for (doc, a) in articles.iter().enumerate() {
        let doc = doc as u32;
        a.search.for_each(|term, passages| {
            // Terms borrow from the articles' buffers, which outlive the map.
            let (last, list) = postings.entry(term).or_insert((0, Vec::new()));
            put_varint(list, doc - *last);
            *last = doc;
            put_varint(list, passages.len() as u32);
            for p in passages {
                put_varint(list, *p);
            }
        });
    }
    let mut terms: Vec<(&str, Vec<u8>)> = postings.into_iter().map(|(t, (_, l))| (t, l)).collect();
    terms.sort_unstable_by(|a, b| utf16_order(a.0, b.0));
    // Estimated JSON size: the term, brackets, and about three bytes a number.
    let sizes: Vec<usize> = terms
        .iter()
        .map(|(t, l)| t.len() + 8 + l.len() * 3)
        .collect();
    let shards = shard(&sizes, SHARD_BYTES);
    let mut files: Vec<(String, Vec<u8>)> = shards
        .par_iter()
        .enumerate()
        .map(|(n, s)| {
            let body: Vec<(&str, Vec<u32>)> = terms[s.clone()]
                .iter()
                .map(|(t, l)| {
                    let mut at = 0;
                    let mut numbers = Vec::new();
                    while at < l.len() {
                        numbers.push(get_varint(l, &mut at));
                    }
                    (*t, numbers)
                })
                .collect();
            let js = format!("emendSearch.shard({n},{});\n", embed(&body));
            (format!("{DIR}/t/{n}.js"), js.into_bytes())
        })
        .collect();
    let meta = Meta {
        v: FORMAT,
        docs: articles.iter().map(|a| a.info.slug.as_str()).collect(),
        shards: shards.iter().map(|s| terms[s.start].0).collect(),
    };
    let js = format!("emendSearch.meta({});\n", embed(&meta));
    files.push((format!("{DIR}/meta.js"), js.into_bytes()));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        for_each_term(text, |t| v.push(t.to_string()));
        v
    }

    #[test]
    fn terms_are_lowercased_word_runs_without_single_letters() {
        assert_eq!(
            collect("Trudeau’s Liberals won 2 of 3 — a “National Security” issue; Ünïcode x"),
            [
                "trudeau",
                "liberals",
                "won",
                "2",
                "of",
                "3",
                "national",
                "security",
                "issue",
                "ünïcode"
            ]
        );
    }

    #[test]
    fn packed_terms_round_trip() {
        let passages = [
            Passage {
                anchor: String::new(),
                text: "Security title".into(),
            },
            Passage {
                anchor: "p1".into(),
                text: "national security, security".into(),
            },
        ];
        let packed = ArticleTerms::new(&passages);
        let mut got: Vec<(String, Vec<u32>)> = Vec::new();
        packed.for_each(|t, p| got.push((t.to_string(), p.to_vec())));
        let got: Vec<(&str, Vec<u32>)> = got.iter().map(|(t, p)| (t.as_str(), p.clone())).collect();
        assert_eq!(
            got,
            [
                ("national", vec![1]),
                ("security", vec![0, 1]),
                ("title", vec![0])
            ]
        );
    }

    #[test]
    fn varints_round_trip() {
        let numbers = [0, 1, 127, 128, 300, 16_383, 16_384, u32::MAX];
        let mut bytes = Vec::new();
        for n in numbers {
            put_varint(&mut bytes, n);
        }
        assert_eq!(bytes.len(), 1 + 1 + 1 + 2 + 2 + 2 + 3 + 5);
        let mut at = 0;
        let back: Vec<u32> = numbers
            .iter()
            .map(|_| get_varint(&bytes, &mut at))
            .collect();
        assert_eq!(back, numbers);
        assert_eq!(at, bytes.len());
    }

    #[test]
    fn shards_are_runs_of_terms_up_to_the_size_limit() {
        assert_eq!(shard(&[5, 5, 5, 5, 5], 10), [0..2, 2..4, 4..5]);
        // A term larger than the limit gets a shard of its own.
        assert_eq!(shard(&[3, 40, 3, 3], 10), [0..1, 1..2, 2..4]);
        assert_eq!(shard(&[5, 5], 100), vec![(0..2)]);
        assert!(shard(&[], 10).is_empty());
    }

    #[test]
    fn terms_sort_like_javascript_strings() {
        // U+FF21 (Ａ) comes before U+1D518 (𝔘) in code point and UTF-8 order, but
        // after it in UTF-16 code units, which is what `<` compares in JavaScript.
        let mut v = vec!["𝔘x", "Ａx", "ab"];
        v.sort_by(|a, b| utf16_order(a, b));
        assert_eq!(v, ["ab", "𝔘x", "Ａx"]);
    }
}
