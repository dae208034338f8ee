//! Full-text search over the corrected texts and notes, with no server: a
//! prebuilt, sharded inverted index that the theme's `search.js` loads piece
//! by piece, so that one query fetches a bounded number of bytes however
//! large the site (at 10,000 editions, under 300 KB; `bench/search-payload.sh`
//! measures it).
//!
//! Every edition is split into *passages*: its title, each row of the corrected
//! text (anchor `#p3` on the edition page) and each note (`#note-2`); the
//! anchors come from [`crate::anchors`] through the view, and the search data
//! carries them with the passage's kind and number, so `search.js` never
//! spells or parses an anchor. Terms are the lowercased runs of letters and
//! digits (single letters are left out). The build writes, under `search/`:
//!
//! - `meta.js`: the format version, the number of editions (documents are
//!   numbered in index order, newest first), the size of a slug chunk, and
//!   the first term of each shard;
//! - `t/<n>.js`: shard `n`, a run of consecutive terms (sorted by UTF-16 code
//!   units, as JavaScript compares strings) and their postings, about
//!   [`SHARD_BYTES`] each, so a query loads a few small files (the terms
//!   starting with a query word are consecutive, so prefixes work too);
//! - `s/<k>.js`: the slugs of documents `k × SLUG_CHUNK` onwards, loaded only
//!   for the results shown;
//! - `d/<slug>.js`: an edition's title and passages, loaded only for the
//!   results shown; `search.js` picks the passage to link to and quote from
//!   them, so the index itself holds no passage numbers.
//!
//! The files are JavaScript (`emendSearch.meta(…)`, `.shard(…)`, `.slugs(…)`,
//! `.doc(…)`) loaded with `<script>` elements rather than `fetch`, so search
//! also works when the site is opened from disk (`file://`).
//!
//! ## Postings
//!
//! A shard is a flat array `[term, postings, term, postings, …]`. A term's
//! postings are one string of unsigned base64 VLQ numbers (as in source maps:
//! six bits a character, the highest of them saying that more follow):
//!
//! - `k`, then `k` pairs `(document delta, weight)` in document order. The
//!   weight of a term in a document is the number of its passages that
//!   contain it, the title counting [`TITLE_WEIGHT`] passages.
//! - For a term in more than [`TOP`] documents, when it is smaller that way,
//!   the pairs are only the `TOP` documents of highest weight (ties: earlier
//!   documents first), and the rest of the string is a bitmap of every
//!   document that has the term (six documents a character, document `d` in
//!   character `d / 6`, bit `d % 6`). A document that is only in the bitmap
//!   weighs a little less than the lightest of the pairs (`search.js` uses
//!   that weight minus ½), which keeps the order of single-word results exact
//!   and bounds a very common word ("the") to about `docs / 6` bytes.

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use serde::Serialize;

use super::ArticleEntry;
use super::jsonld::embed;
use crate::render::EditionView;

/// Folder of the search page and its data.
pub const DIR: &str = "search";
/// Version of the index format (`meta.js` `v`).
pub const FORMAT: u32 = 2;
/// Shards hold consecutive terms up to about this many bytes.
pub const SHARD_BYTES: usize = 16 * 1024;
/// Documents per slug chunk (`s/<k>.js`).
pub const SLUG_CHUNK: usize = 32;
/// A term in more documents than this may keep weights for only this many.
pub const TOP: usize = 100;
/// How many passages a title counts for in a term's weight.
pub const TITLE_WEIGHT: u32 = 3;

/// Calls `f` with each search term of `text`, in order: lowercased runs of
/// letters and digits; one-letter terms are skipped (one-digit terms are kept).
/// `search.js` tokenizes queries the same way.
pub fn for_each_term(text: &str, f: impl FnMut(&str)) {
    terms_of_lowercase(&text.to_lowercase(), f);
}

/// [`for_each_term`] of a text already lowercased: the terms are slices of it.
fn terms_of_lowercase<'a>(lower: &'a str, mut f: impl FnMut(&'a str)) {
    for term in lower.split(|c: char| !c.is_alphanumeric()) {
        let mut chars = term.chars();
        match (chars.next(), chars.next()) {
            (None, _) => {}
            (Some(c), None) if !c.is_numeric() => {}
            _ => f(term),
        }
    }
}

/// Appends `n` as a LEB128 varint (7 bits a byte): the build's own packed
/// lists, never written out.
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

/// The 64 characters of the written postings (base64's, which need no escape
/// in a JSON string).
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Appends `n` as an unsigned base64 VLQ: five bits a character, low bits
/// first, the sixth bit set on every character but the last.
fn put_vlq(out: &mut String, mut n: u32) {
    loop {
        let digit = n & 31;
        n >>= 5;
        if n == 0 {
            out.push(char::from(B64[digit as usize]));
            return;
        }
        out.push(char::from(B64[(digit | 32) as usize]));
    }
}

/// Characters [`put_vlq`] writes for `n`.
fn vlq_len(n: u32) -> usize {
    (32 - n.leading_zeros()).max(1).div_ceil(5) as usize
}

/// An edition's terms and their weights, packed into one byte buffer (term,
/// NUL, varint weight) so that 10,000 editions' worth stays small until the
/// site-wide index is built.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct ArticleTerms {
    #[serde(with = "serde_bytes")]
    bytes: Vec<u8>,
    len: usize,
}

impl ArticleTerms {
    /// Indexes passages: each term's weight is the number of passages it
    /// occurs in, the title counting [`TITLE_WEIGHT`].
    pub fn new(passages: &[Passage]) -> ArticleTerms {
        // The passages lowercased, kept while the terms (slices of them) are
        // counted: no allocation per term.
        let lowered: Vec<String> = passages.iter().map(|p| p.text.to_lowercase()).collect();
        // term → (last passage it was counted in, weight)
        let mut map: HashMap<&str, (usize, u32)> = HashMap::new();
        for (i, (p, lower)) in passages.iter().zip(&lowered).enumerate() {
            let w = if p.kind == PassageKind::Title {
                TITLE_WEIGHT
            } else {
                1
            };
            terms_of_lowercase(lower, |t| match map.get_mut(t) {
                Some((last, _)) if *last == i => {}
                Some((last, weight)) => {
                    *last = i;
                    *weight += w;
                }
                None => {
                    map.insert(t, (i, w));
                }
            });
        }
        let mut sorted: Vec<(&str, u32)> = map.into_iter().map(|(t, (_, w))| (t, w)).collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut packed = ArticleTerms {
            bytes: Vec::new(),
            len: sorted.len(),
        };
        for (term, weight) in sorted {
            packed.bytes.extend_from_slice(term.as_bytes());
            packed.bytes.push(0);
            put_varint(&mut packed.bytes, weight);
        }
        packed.bytes.shrink_to_fit();
        packed
    }

    /// Calls `f` with each term and its weight, in term order.
    pub fn for_each<'a>(&'a self, mut f: impl FnMut(&'a str, u32)) {
        let bytes = &self.bytes;
        let mut at = 0;
        while at < bytes.len() {
            let end = at
                + bytes[at..]
                    .iter()
                    .position(|b| *b == 0)
                    .unwrap_or(bytes.len() - at);
            let term = std::str::from_utf8(&bytes[at..end]).unwrap_or_default();
            at = end + 1;
            f(term, get_varint(bytes, &mut at));
        }
    }

    /// The packed terms and weights (what identifies them, for the build
    /// cache's keys).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
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

/// What a passage is: the title, a row of the side-by-side view, or a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassageKind {
    /// The edition's title.
    Title,
    /// Row `n` (1-based).
    Row(usize),
    /// Note `n`.
    Note(usize),
}

/// A searchable passage of an edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// What it is.
    pub kind: PassageKind,
    /// Fragment on the edition page (`p3`, `note-2`; empty for the title).
    pub anchor: String,
    /// Its plain text.
    pub text: String,
}

/// The passages of an edition: title, corrected rows, notes (empty ones left out).
pub fn passages(view: &EditionView) -> Vec<Passage> {
    let mut out = vec![Passage {
        kind: PassageKind::Title,
        anchor: String::new(),
        text: view.article.title.clone(),
    }];
    // Plain texts come from the renderer: no HTML is parsed back, and the
    // anchors are the view's own.
    out.extend(view.rows.iter().enumerate().map(|(i, r)| Passage {
        kind: PassageKind::Row(i + 1),
        anchor: r.id.clone(),
        text: r.text.clone(),
    }));
    out.extend(view.notes.iter().map(|n| Passage {
        kind: PassageKind::Note(n.number),
        anchor: n.id.clone(),
        text: n.text.clone(),
    }));
    out.retain(|p| !p.text.is_empty());
    out
}

/// `d/<slug>.js`: `t` the title, `r` the rows and `n` the notes, each as
/// `[anchor, number, text]`.
#[derive(Serialize)]
struct DocFile<'a> {
    t: &'a str,
    r: Vec<(&'a str, usize, &'a str)>,
    n: Vec<(&'a str, usize, &'a str)>,
}

/// Where an edition's passages go (`search/d/<slug>.js`).
pub fn doc_path(slug: &str) -> String {
    format!("{DIR}/d/{slug}.js")
}

/// An edition's passages file (for [`doc_path`]) and its terms for the index.
pub fn article_doc(slug: &str, view: &EditionView) -> (Vec<u8>, ArticleTerms) {
    let passages = passages(view);
    let mut doc = DocFile {
        t: &view.article.title,
        r: Vec::new(),
        n: Vec::new(),
    };
    for p in &passages {
        match p.kind {
            PassageKind::Title => {}
            PassageKind::Row(n) => doc.r.push((&p.anchor, n, &p.text)),
            PassageKind::Note(n) => doc.n.push((&p.anchor, n, &p.text)),
        }
    }
    let js = format!("emendSearch.doc({},{});\n", embed(&slug), embed(&doc));
    (js.into_bytes(), ArticleTerms::new(&passages))
}

/// Splits entries (with their sizes) into shards of consecutive entries of
/// about `limit` bytes each; returns each shard's range. A shard is known by
/// its first term: a term is in the last shard whose first term sorts before
/// or equal to it.
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

/// Writes a term's postings (see the module's documentation) from its
/// `(document, weight)` pairs in document order, for a site of `docs` documents.
fn encode_postings(pairs: &[(u32, u32)], docs: usize) -> String {
    let pairs_len = |pairs: &mut dyn Iterator<Item = &(u32, u32)>| {
        let mut last = 0;
        pairs
            .map(|&(d, w)| {
                let n = vlq_len(d - last) + vlq_len(w);
                last = d;
                n
            })
            .sum::<usize>()
    };
    let write_pairs = |out: &mut String, pairs: &[(u32, u32)]| {
        put_vlq(out, pairs.len() as u32);
        let mut last = 0;
        for &(d, w) in pairs {
            put_vlq(out, d - last);
            put_vlq(out, w);
            last = d;
        }
    };
    if pairs.len() > TOP {
        // The TOP heaviest, ties to earlier documents, back in document order.
        let mut top = pairs.to_vec();
        top.select_nth_unstable_by(TOP - 1, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        top.truncate(TOP);
        top.sort_unstable();
        let bitmap_len = docs.div_ceil(6);
        let list_len = vlq_len(pairs.len() as u32) + pairs_len(&mut pairs.iter());
        let top_len = vlq_len(TOP as u32) + pairs_len(&mut top.iter()) + bitmap_len;
        if top_len < list_len {
            let mut out = String::with_capacity(top_len);
            write_pairs(&mut out, &top);
            let mut bits = vec![0u8; bitmap_len];
            for &(d, _) in pairs {
                bits[d as usize / 6] |= 1 << (d % 6);
            }
            out.extend(bits.iter().map(|&b| char::from(B64[usize::from(b)])));
            return out;
        }
    }
    let mut out = String::new();
    write_pairs(&mut out, pairs);
    out
}

#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    docs: usize,
    chunk: usize,
    shards: Vec<&'a str>,
}

/// The index: `search/meta.js`, the shards `search/t/<n>.js` and the slug
/// chunks `search/s/<k>.js`, made from the editions one at a time (in index
/// order, [`Index::add`]) and written one file at a time ([`Index::write`]):
/// the editions' terms are never all in memory together, only the postings.
#[derive(Default)]
pub struct Index {
    /// Postings per term as varints, [doc delta, weight] in index order;
    /// plus the term's last document.
    postings: HashMap<Box<str>, (u32, Vec<u8>)>,
    /// Each edition's slug, in index order.
    slugs: Vec<String>,
}

impl Index {
    /// An empty index.
    pub fn new() -> Index {
        Index::default()
    }

    /// Adds the next edition (in index order): its slug and its terms.
    pub fn add(&mut self, slug: &str, terms: &ArticleTerms) {
        let doc = self.slugs.len() as u32;
        self.slugs.push(slug.to_string());
        terms.for_each(|term, weight| {
            let (last, list) = match self.postings.get_mut(term) {
                Some(p) => p,
                // Allocates only for a term's first occurrence.
                None => self.postings.entry(term.into()).or_insert((0, Vec::new())),
            };
            put_varint(list, doc - *last);
            put_varint(list, weight);
            *last = doc;
        });
    }

    /// Writes the index's files, as (site-relative path, contents), each
    /// handed to `emit` as soon as it is made.
    pub fn write(self, emit: &mut dyn FnMut(String, Vec<u8>)) {
        let Index { postings, slugs } = self;
        let mut terms: Vec<(Box<str>, Vec<u8>)> =
            postings.into_iter().map(|(t, (_, l))| (t, l)).collect();
        terms.sort_unstable_by(|a, b| utf16_order(&a.0, &b.0));
        let docs = slugs.len();
        // Each term and its postings as written, with their size in the
        // shard; each term's varints are dropped once encoded.
        let entries: Vec<(Box<str>, String)> = terms
            .into_par_iter()
            .map(|(t, l)| {
                let mut pairs = Vec::new();
                let (mut at, mut doc) = (0, 0);
                while at < l.len() {
                    doc += get_varint(&l, &mut at);
                    pairs.push((doc, get_varint(&l, &mut at)));
                }
                (t, encode_postings(&pairs, docs))
            })
            .collect();
        // Quotes and commas; terms are rarely escaped.
        let sizes: Vec<usize> = entries.iter().map(|(t, p)| t.len() + p.len() + 6).collect();
        let shards = shard(&sizes, SHARD_BYTES);
        drop(sizes);
        for (n, s) in shards.iter().enumerate() {
            let mut js = format!("emendSearch.shard({n},[");
            for (i, (term, postings)) in entries[s.clone()].iter().enumerate() {
                if i > 0 {
                    js.push(',');
                }
                js.push_str(&embed(term));
                js.push_str(",\"");
                js.push_str(postings);
                js.push('"');
            }
            js.push_str("]);\n");
            emit(format!("{DIR}/t/{n}.js"), js.into_bytes());
        }
        for (k, chunk) in slugs.chunks(SLUG_CHUNK).enumerate() {
            let js = format!("emendSearch.slugs({k},{});\n", embed(&chunk));
            emit(format!("{DIR}/s/{k}.js"), js.into_bytes());
        }
        let meta = Meta {
            v: FORMAT,
            docs,
            chunk: SLUG_CHUNK,
            shards: shards.iter().map(|s| &*entries[s.start].0).collect(),
        };
        let js = format!("emendSearch.meta({});\n", embed(&meta));
        emit(format!("{DIR}/meta.js"), js.into_bytes());
    }
}

/// [`Index`] of editions already in memory (in index order), as (site-relative
/// path, contents).
pub fn index(articles: &[ArticleEntry]) -> Vec<(String, Vec<u8>)> {
    let mut index = Index::new();
    for a in articles {
        index.add(&a.info.slug, &a.search);
    }
    let mut files = Vec::new();
    index.write(&mut |rel, bytes| files.push((rel, bytes)));
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

    /// Reads postings back as `search.js` does: `(document, weight)` for every
    /// document with the term; a document only in the bitmap gets `None`.
    fn decode(s: &str, docs: usize) -> Vec<(u32, Option<u32>)> {
        let digits: Vec<u32> = s
            .bytes()
            .map(|c| B64.iter().position(|&b| b == c).unwrap() as u32)
            .collect();
        let mut at = 0;
        let mut next = || {
            let (mut n, mut shift) = (0, 0);
            loop {
                let d = digits[at];
                at += 1;
                n |= (d & 31) << shift;
                if d < 32 {
                    return n;
                }
                shift += 5;
            }
        };
        let k = next();
        let mut pairs = Vec::new();
        let mut doc = 0;
        for _ in 0..k {
            doc += next();
            pairs.push((doc, Some(next())));
        }
        let used: usize = {
            let mut probe = String::new();
            put_vlq(&mut probe, k);
            let mut last = 0;
            for &(d, w) in &pairs {
                put_vlq(&mut probe, d - last);
                put_vlq(&mut probe, w.unwrap());
                last = d;
            }
            probe.len()
        };
        if used == digits.len() {
            return pairs;
        }
        assert_eq!(digits.len() - used, docs.div_ceil(6));
        (0..docs as u32)
            .filter(|d| digits[used + *d as usize / 6] & (1 << (d % 6)) != 0)
            .map(|d| (d, pairs.iter().find(|p| p.0 == d).and_then(|p| p.1)))
            .collect()
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
    fn a_terms_weight_counts_passages_and_the_title_thrice() {
        let passages = [
            Passage {
                kind: PassageKind::Title,
                anchor: String::new(),
                text: "Security title".into(),
            },
            Passage {
                kind: PassageKind::Row(1),
                anchor: "p1".into(),
                text: "national security, security".into(),
            },
            Passage {
                kind: PassageKind::Note(1),
                anchor: "note-1".into(),
                text: "National".into(),
            },
        ];
        let packed = ArticleTerms::new(&passages);
        let mut got: Vec<(String, u32)> = Vec::new();
        packed.for_each(|t, w| got.push((t.to_string(), w)));
        let got: Vec<(&str, u32)> = got.iter().map(|(t, w)| (t.as_str(), *w)).collect();
        assert_eq!(got, [("national", 2), ("security", 4), ("title", 3)]);
        assert_eq!(packed.len(), 3);
    }

    #[test]
    fn varints_and_vlqs_round_trip() {
        let numbers = [0, 1, 31, 32, 127, 128, 300, 1023, 1024, 16_384, u32::MAX];
        let mut bytes = Vec::new();
        let mut vlq = String::new();
        for n in numbers {
            put_varint(&mut bytes, n);
            let before = vlq.len();
            put_vlq(&mut vlq, n);
            assert_eq!(vlq.len() - before, vlq_len(n), "{n}");
        }
        let mut at = 0;
        let back: Vec<u32> = numbers
            .iter()
            .map(|_| get_varint(&bytes, &mut at))
            .collect();
        assert_eq!(back, numbers);
        assert_eq!(at, bytes.len());
        // One character up to 31, two up to 1023: as source maps, unsigned.
        let mut s = String::new();
        for n in [0, 31, 32, 1023] {
            put_vlq(&mut s, n);
        }
        assert_eq!(s, "AfgB/f");
    }

    #[test]
    fn rare_terms_list_every_document_and_weight() {
        let pairs = [(0, 1), (3, 2), (40, 7), (41, 1)];
        let s = encode_postings(&pairs, 1000);
        assert_eq!(
            decode(&s, 1000),
            pairs.iter().map(|&(d, w)| (d, Some(w))).collect::<Vec<_>>()
        );
    }

    #[test]
    fn common_terms_are_a_bitmap_with_the_heaviest_documents_weighted() {
        let docs = 1000;
        // In every document; weight 1, but 5 for every tenth from 500 on.
        let pairs: Vec<(u32, u32)> = (0..docs as u32)
            .map(|d| (d, if d >= 500 && d % 10 == 0 { 5 } else { 1 }))
            .collect();
        let s = encode_postings(&pairs, docs);
        assert!(s.len() < docs / 6 + TOP * 4, "{}", s.len());
        let got = decode(&s, docs);
        assert_eq!(got.len(), docs);
        let weighted: Vec<(u32, u32)> =
            got.iter().filter_map(|&(d, w)| w.map(|w| (d, w))).collect();
        assert_eq!(weighted.len(), TOP);
        // The 50 heaviest, then the earliest of the rest (ties to earlier documents).
        assert!(weighted.iter().filter(|p| p.1 == 5).count() == 50);
        let light: Vec<u32> = weighted.iter().filter(|p| p.1 == 1).map(|p| p.0).collect();
        assert_eq!(light, (0..50).collect::<Vec<_>>());
        // A full list is kept when it is the smaller: 150 documents of 10,000.
        let few: Vec<(u32, u32)> = (0..150).map(|d| (d * 50, 1)).collect();
        let s = encode_postings(&few, 10_000);
        assert!(s.len() < 10_000 / 6);
        assert_eq!(
            decode(&s, 10_000),
            few.iter().map(|&(d, w)| (d, Some(w))).collect::<Vec<_>>()
        );
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
