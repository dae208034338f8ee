//! The manifest of an output folder, packed: every file emend wrote there,
//! with its [`Stamp`]. At 100,000 articles it lists 1.1 million files; as a
//! map of strings it took about 110 bytes a file, twice over during an
//! incremental build (the last build's and the new one). Here the paths
//! share one string and each entry is 32 bytes beside it, and the new
//! manifest of an incremental build is the last one's entries marked kept
//! (a bit each) plus the files written. On disk it is a MessagePack map of
//! path → stamp in path order, as before.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::output::Stamp;

/// One file: its path (`text[start..start + len]`) and its stamp.
#[derive(Debug, Clone, Copy)]
struct Entry {
    start: u32,
    len: u32,
    stamp: Stamp,
}

/// Paths and their stamps: appended in any order, then [`sorted`](Manifest::sort)
/// for lookups and for writing.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Every path, one after another.
    text: String,
    entries: Vec<Entry>,
    /// Whether `entries` is in path order without repeats.
    sorted: bool,
}

impl Default for Manifest {
    fn default() -> Manifest {
        Manifest {
            text: String::new(),
            entries: Vec::new(),
            sorted: true,
        }
    }
}

impl Manifest {
    /// An empty manifest.
    pub fn new() -> Manifest {
        Manifest::default()
    }

    /// Adds a file (a path added twice keeps its last stamp).
    pub fn push(&mut self, rel: &str, stamp: Stamp) {
        // Offsets are 32-bit: 4 GB of paths is far beyond any site.
        let start = self.text.len() as u32;
        // Grown by a quarter, not doubled: at 100,000 articles the lists
        // are tens of megabytes, and doubling leaves up to half unused.
        if self.text.capacity() - self.text.len() < rel.len() {
            self.text
                .reserve_exact((self.text.len() / 4).max(rel.len()).max(4096));
        }
        if self.entries.len() == self.entries.capacity() {
            self.entries
                .reserve_exact((self.entries.len() / 4).max(128));
        }
        self.text.push_str(rel);
        self.entries.push(Entry {
            start,
            len: rel.len() as u32,
            stamp,
        });
        self.sorted = self.sorted && self.entries.len() < 2;
    }

    fn path(&self, e: &Entry) -> &str {
        self.text
            .get(e.start as usize..(e.start + e.len) as usize)
            .unwrap_or_default()
    }

    /// Puts the files in path order, keeping the last stamp of a path added
    /// twice; frees the spare capacity. In place: at 100,000 articles a
    /// second list, or a merge sort's buffer, would be tens of megabytes.
    pub fn sort(&mut self) {
        if !self.sorted {
            let mut entries = std::mem::take(&mut self.entries);
            // Of two equal paths, the later added (starting later in `text`)
            // comes first, and is the one `dedup_by` keeps.
            entries.sort_unstable_by(|a, b| {
                self.path(a).cmp(self.path(b)).then(b.start.cmp(&a.start))
            });
            entries.dedup_by(|later, first| self.path(later) == self.path(first));
            self.entries = entries;
            self.sorted = true;
        }
        self.text.shrink_to_fit();
        self.entries.shrink_to_fit();
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it lists no file.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The position of `rel` and its stamp (the manifest must be sorted).
    pub fn get(&self, rel: &str) -> Option<(usize, Stamp)> {
        debug_assert!(self.sorted, "lookup in an unsorted manifest");
        self.entries
            .binary_search_by(|e| self.path(e).cmp(rel))
            .ok()
            .map(|i| (i, self.entries[i].stamp))
    }

    /// Whether it lists `rel`.
    pub fn contains(&self, rel: &str) -> bool {
        self.get(rel).is_some()
    }

    /// The files, in path order once sorted.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Stamp)> {
        self.entries.iter().map(|e| (self.path(e), e.stamp))
    }
}

impl FromIterator<(String, Stamp)> for Manifest {
    fn from_iter<I: IntoIterator<Item = (String, Stamp)>>(files: I) -> Manifest {
        let mut m = Manifest::new();
        for (rel, stamp) in files {
            m.push(&rel, stamp);
        }
        m.sort();
        m
    }
}

impl Serialize for Manifest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (rel, stamp) in self.iter() {
            map.serialize_entry(rel, &stamp)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Manifest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Manifest, D::Error> {
        struct Files;
        impl<'de> Visitor<'de> for Files {
            type Value = Manifest;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of paths to stamps")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Manifest, A::Error> {
                let mut m = Manifest::new();
                while let Some((rel, stamp)) =
                    map.next_entry::<std::borrow::Cow<'_, str>, Stamp>()?
                {
                    m.push(&rel, stamp);
                }
                m.sort();
                Ok(m)
            }
        }
        d.deserialize_map(Files)
    }
}

/// The manifest of a build in progress: the files of the last manifest it
/// keeps (one bit each) and the files it wrote.
pub struct Next<'a> {
    /// The last build's manifest (sorted).
    pub previous: &'a Manifest,
    /// Bit `i` set: the last build's file `i` is kept.
    pub kept: &'a [u64],
    /// The files written (sorted).
    pub written: &'a Manifest,
}

/// A bit set with room for `n` bits.
pub fn bits(n: usize) -> Vec<u64> {
    vec![0; n.div_ceil(64)]
}

/// Sets bit `i`.
pub fn set_bit(bits: &mut [u64], i: usize) {
    if let Some(word) = bits.get_mut(i / 64) {
        *word |= 1 << (i % 64);
    }
}

fn bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

impl Next<'_> {
    /// Whether the new manifest lists `rel`.
    pub fn contains(&self, rel: &str) -> bool {
        self.written.contains(rel)
            || self
                .previous
                .get(rel)
                .is_some_and(|(i, _)| bit(self.kept, i))
    }

    /// The new manifest's files in path order: those kept and those
    /// written (a written file's stamp wins over a kept one's).
    pub fn iter(&self) -> impl Iterator<Item = (&str, Stamp)> {
        let mut kept = self
            .previous
            .iter()
            .enumerate()
            .filter(|(i, _)| bit(self.kept, *i))
            .map(|(_, f)| f)
            .peekable();
        let mut written = self.written.iter().peekable();
        std::iter::from_fn(move || match (kept.peek(), written.peek()) {
            (Some(k), Some(w)) if k.0 < w.0 => kept.next(),
            (Some(k), Some(w)) if k.0 == w.0 => {
                kept.next();
                written.next()
            }
            (Some(_), None) => kept.next(),
            _ => written.next(),
        })
    }

    /// Number of files in the new manifest.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether the new manifest is empty.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

impl Serialize for Next<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (rel, stamp) in self.iter() {
            map.serialize_entry(rel, &stamp)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn a_manifest_sorts_finds_and_round_trips_like_a_map() {
        let mut m = Manifest::new();
        let files = [
            ("b/index.html", b"b".as_slice()),
            ("a.html", b"a"),
            ("c.js", b"c"),
        ];
        for (rel, bytes) in files {
            m.push(rel, Stamp::of(bytes));
        }
        // Added again: the last stamp wins.
        m.push("a.html", Stamp::of(b"a2"));
        m.sort();
        assert_eq!(m.len(), 3);
        assert_eq!(m.get("a.html"), Some((0, Stamp::of(b"a2"))));
        assert_eq!(m.get("c.js"), Some((2, Stamp::of(b"c"))));
        assert_eq!(m.get("b"), None);
        // Written as the map it replaces, and read back from one.
        let map: BTreeMap<String, Stamp> = m.iter().map(|(r, s)| (r.to_string(), s)).collect();
        let bytes = rmp_serde::to_vec_named(&m).unwrap();
        assert_eq!(bytes, rmp_serde::to_vec_named(&map).unwrap());
        let back: Manifest = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(
            back.iter().collect::<Vec<_>>(),
            m.iter().collect::<Vec<_>>()
        );
        assert!(rmp_serde::from_slice::<Manifest>(b"\x93\x01").is_err());
    }

    #[test]
    fn the_next_manifest_is_the_kept_files_and_the_written_ones_in_order() {
        let previous: Manifest = ["a", "b", "c", "d"]
            .iter()
            .map(|r| (r.to_string(), Stamp::of(r.as_bytes())))
            .collect();
        let mut kept = bits(previous.len());
        set_bit(&mut kept, 0);
        set_bit(&mut kept, 2);
        let written: Manifest = [("b2", b"x".as_slice()), ("c", b"new c"), ("0", b"0")]
            .iter()
            .map(|(r, b)| (r.to_string(), Stamp::of(b)))
            .collect();
        let next = Next {
            previous: &previous,
            kept: &kept,
            written: &written,
        };
        let got: Vec<(&str, Stamp)> = next.iter().collect();
        assert_eq!(
            got,
            [
                ("0", Stamp::of(b"0")),
                ("a", Stamp::of(b"a")),
                ("b2", Stamp::of(b"x")),
                ("c", Stamp::of(b"new c")),
            ]
        );
        assert_eq!(next.len(), 4);
        assert!(next.contains("a") && next.contains("b2") && next.contains("c"));
        assert!(!next.contains("b") && !next.contains("d"));
    }
}
