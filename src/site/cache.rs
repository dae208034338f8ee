//! The build cache: what an incremental `emend build` may reuse from the last
//! one.
//!
//! A build saves, next to its output (see [`crate::writer::output`]), a
//! [`BuildCache`]: a key for everything site-wide that shapes every page, and
//! for each article folder a fingerprint of its files with what building it
//! produced (its index entry and the paths of its files). The next build
//! reuses an article, without reading its files, only when
//!
//! - the site key is the same (same emend binary, `site.yaml`, theme,
//!   templates, static files, strings, `pages/`, `dictionary.yaml` and command
//!   line), and
//! - every file and folder of the article has the same name, length,
//!   modification time and inode as when it was last built, and
//! - every file it wrote is still in the output with the length it had.
//!
//! Anything else builds the article again. A fingerprint taken while a file
//! was modified less than [`RACY`] ago is not saved (its next edit could keep
//! the same timestamp on a coarse file system). An article with an error is
//! always rebuilt; its warnings and notes are kept with it and reported again
//! when it is reused.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::{BuildOptions, Site};
use crate::diagnostics::Diagnostic;
use crate::folder::{EntryKind, EntryStat, Folder};
use crate::outputs::{ArticleEntry, glossary, search};
use crate::render::ArticleInfo;
use crate::writer::output::SaveState;

/// Version of the cache's layout; a cache of another version is ignored.
const FORMAT: u32 = 7;

/// Files modified this recently are not trusted to show their next change in
/// their timestamp (FAT and some network file systems keep 2 s).
pub const RACY: Duration = Duration::from_secs(2);

/// What one build leaves for the next.
#[derive(Debug, Serialize, Deserialize)]
pub struct BuildCache {
    format: u32,
    /// Hash of everything site-wide (see [`site_key`]).
    key: [u64; 2],
    /// The [`EntryStore`] holding the articles' entries.
    entries: String,
    /// Article folder (relative to the site root, `/`-separated) → what it built.
    articles: BTreeMap<String, CachedArticle>,
    /// Group of site-wide files ([`super::pages::Group::name`]) → what it wrote.
    groups: BTreeMap<String, CachedGroup>,
}

/// A group of site-wide files as the cache keeps it (see [`super::pages::Group`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedGroup {
    /// The hash of its inputs ([`super::pages::GroupKeys`]).
    pub key: [u64; 2],
    /// The output paths it wrote.
    pub files: Vec<String>,
    /// HTML pages among them.
    pub pages: usize,
}

/// What one edition contributes to each [`super::pages::GroupKeys`] key,
/// hashed on its own, so that the build cache can keep the edition encoded
/// and still compute the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryHashes {
    /// Its metadata and path (what the lists show).
    pub(super) lists: [u64; 2],
    /// Its reviewed pairs.
    pub(super) glossary: [u64; 2],
    /// Its search terms and weights.
    pub(super) search: [u64; 2],
}

impl EntryHashes {
    /// The hashes of an edition's entry.
    pub fn of(entry: &ArticleEntry) -> EntryHashes {
        let mut lists = KeyHasher::new();
        lists.value(&entry.info);
        lists.bytes(entry.path.as_bytes());
        let mut glossary = KeyHasher::new();
        glossary.value(&entry.glossary);
        let mut search = KeyHasher::new();
        search.bytes(entry.search.as_bytes());
        EntryHashes {
            lists: lists.digest(),
            glossary: glossary.digest(),
            search: search.digest(),
        }
    }
}

/// An edition's entry in the site-wide outputs as the cache keeps it:
/// encoded in the [`EntryStore`], with what a build needs of it without
/// reading it (its place in the index and its share of the site-file group
/// keys). A build whose site-wide files are all kept never reads it; a group
/// made from the editions reads the parts it needs, one edition at a time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredEntry {
    /// [`ArticleEntry::index_date`].
    index_date: Option<String>,
    /// Its slug.
    slug: String,
    /// Its share of the site-file group keys.
    hashes: EntryHashes,
    /// xxh3 of its bytes: a damaged store is not trusted.
    check: u64,
    /// Where its bytes are in the store: the output paths its article
    /// wrote ([`FileList`]), then the entry's parts.
    at: u64,
    /// How many bytes.
    len: u32,
    /// How many of them are the paths.
    files_len: u32,
}

/// An entry in parts, as [`StoredEntry`] encodes it (the entry's own
/// serialization, for templates and exports, leaves some out).
#[derive(Deserialize)]
struct EntryParts {
    info: ArticleInfo,
    path: String,
    glossary: Vec<glossary::Item>,
    search: search::ArticleTerms,
}

/// What the lists read of an entry.
#[derive(Deserialize)]
struct ListParts {
    info: ArticleInfo,
    path: String,
}

/// What the glossary reads of an entry.
#[derive(Deserialize)]
struct GlossaryParts {
    info: Titled,
    path: String,
    glossary: Vec<glossary::Item>,
}

/// The title of an [`ArticleInfo`].
#[derive(Deserialize)]
struct Titled {
    title: String,
}

/// What the search index reads of an entry.
#[derive(Deserialize)]
struct SearchParts {
    info: Slugged,
    search: search::ArticleTerms,
}

/// The slug of an [`ArticleInfo`].
#[derive(Deserialize)]
struct Slugged {
    slug: String,
}

/// [`EntryParts`] as written, borrowing them.
#[derive(Serialize)]
struct EntryPartsRef<'a> {
    info: &'a ArticleInfo,
    path: &'a str,
    glossary: &'a [glossary::Item],
    search: &'a search::ArticleTerms,
}

impl StoredEntry {
    /// Encodes an entry whose [`EntryHashes`] are `hashes` into `store`,
    /// with the output paths its article wrote.
    pub fn new(
        entry: &ArticleEntry,
        hashes: EntryHashes,
        files: &[String],
        store: &EntryStore,
    ) -> std::io::Result<StoredEntry> {
        let parts = EntryPartsRef {
            info: &entry.info,
            path: &entry.path,
            glossary: &entry.glossary,
            search: &entry.search,
        };
        let mut bytes = FileList::new(files).0.into_boxed_bytes().into_vec();
        let files_len = u32::try_from(bytes.len()).map_err(std::io::Error::other)?;
        // Serializing plain data into memory cannot fail.
        let _ = rmp_serde::encode::write_named(&mut bytes, &parts);
        let len = u32::try_from(bytes.len()).map_err(std::io::Error::other)?;
        Ok(StoredEntry {
            index_date: entry.index_date().map(str::to_string),
            slug: entry.info.slug.clone(),
            hashes,
            check: xxhash_rust::xxh3::xxh3_64(&bytes),
            at: store.append(&bytes)?,
            len,
            files_len,
        })
    }

    /// Its index date and slug, which decide its place in the index
    /// ([`crate::outputs::index_order_of`]).
    pub fn order(&self) -> (Option<&str>, &str) {
        (self.index_date.as_deref(), &self.slug)
    }

    /// How many bytes of the store it takes.
    pub fn stored_len(&self) -> u64 {
        u64::from(self.len)
    }

    /// Its share of the site-file group keys.
    pub fn hashes(&self) -> &EntryHashes {
        &self.hashes
    }

    /// Its whole record (paths, then the entry), if `store` still holds it
    /// as it was stored.
    fn record(&self, store: &EntryStore) -> Option<Vec<u8>> {
        let bytes = store.read(self.at, self.len).ok()?;
        (xxhash_rust::xxh3::xxh3_64(&bytes) == self.check).then_some(bytes)
    }

    /// Its entry's bytes (after the paths), if `store` still holds them as
    /// they were stored.
    fn bytes(&self, store: &EntryStore) -> Option<Vec<u8>> {
        let mut bytes = self.record(store)?;
        bytes.drain(..(self.files_len as usize).min(bytes.len()));
        Some(bytes)
    }

    /// The output paths its article wrote, if `store` still holds the entry
    /// as it was stored.
    pub fn files(&self, store: &EntryStore) -> Option<FileList> {
        let mut bytes = self.record(store)?;
        bytes.truncate(self.files_len as usize);
        String::from_utf8(bytes)
            .ok()
            .map(|s| FileList(s.into_boxed_str()))
    }

    /// Whether `store` holds its bytes as they were stored.
    pub fn intact(&self, store: &EntryStore) -> bool {
        self.files(store).is_some()
    }

    /// The entry (`None` if `store` no longer holds it as it was stored).
    pub fn decode(&self, store: &EntryStore) -> Option<ArticleEntry> {
        let parts: EntryParts = rmp_serde::from_slice(&self.bytes(store)?).ok()?;
        Some(ArticleEntry {
            info: parts.info,
            path: parts.path,
            glossary: parts.glossary,
            search: parts.search,
        })
    }

    /// What the lists show of it: the entry without its pairs and terms.
    pub fn decode_lists(&self, store: &EntryStore) -> Option<ArticleEntry> {
        let parts: ListParts = rmp_serde::from_slice(&self.bytes(store)?).ok()?;
        Some(ArticleEntry {
            info: parts.info,
            path: parts.path,
            glossary: Vec::new(),
            search: search::ArticleTerms::default(),
        })
    }

    /// What the glossary reads of it: its title, path and pairs.
    pub fn decode_glossary(
        &self,
        store: &EntryStore,
    ) -> Option<(String, String, Vec<glossary::Item>)> {
        let parts: GlossaryParts = rmp_serde::from_slice(&self.bytes(store)?).ok()?;
        Some((parts.info.title, parts.path, parts.glossary))
    }

    /// What the search index reads of it: its slug and terms.
    pub fn decode_search(&self, store: &EntryStore) -> Option<(String, search::ArticleTerms)> {
        let parts: SearchParts = rmp_serde::from_slice(&self.bytes(store)?).ok()?;
        Some((parts.info.slug, parts.search))
    }
}

/// The editions' encoded entries ([`StoredEntry`]), in a file of the cache
/// folder (`entries-<generation>`) rather than in memory: at 100,000
/// articles they are about 300 MB. A build appends the entries it makes;
/// the cache records where each is and its checksum. A full build starts a
/// new file (the previous one is removed once the build is committed); an
/// incremental build appends to the one its cache names, so a killed build
/// leaves the previous cache's entries where they were.
pub struct EntryStore {
    name: String,
    path: PathBuf,
    /// The file, read and written at positions (no shared cursor, so
    /// reads from several threads need no lock).
    file: File,
    /// Where the next entry goes (held while appending).
    end: Mutex<u64>,
    /// Whether this build created the file.
    created: bool,
}

/// File names of entry stores start with this.
const ENTRIES: &str = "entries-";

/// Bytes of replaced entries a store may hold beyond its live ones before
/// it is compacted ([`EntryStore::wasteful`]): a small site is not rewritten
/// at every edit.
const COMPACT_SLACK: u64 = 64 * 1024;

impl EntryStore {
    /// Starts a new, empty store in the cache folder `dir`.
    pub fn create(dir: &Path) -> std::io::Result<EntryStore> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let name = format!("{ENTRIES}{nanos:x}-{}", std::process::id());
        let path = dir.join(&name);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok(EntryStore {
            name,
            path,
            file,
            end: Mutex::new(0),
            created: true,
        })
    }

    /// Opens the store `name` of the cache folder `dir`, to read its entries
    /// and append new ones.
    pub fn open(dir: &Path, name: &str) -> std::io::Result<EntryStore> {
        if !name.starts_with(ENTRIES) || name.contains(['/', '\\']) || name.contains("..") {
            return Err(std::io::Error::other("not an entry store"));
        }
        let path = dir.join(name);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)?;
        let end = file.metadata()?.len();
        Ok(EntryStore {
            name: name.to_string(),
            path,
            file,
            end: Mutex::new(end),
            created: false,
        })
    }

    /// Its file name, which the build cache records.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its size in bytes.
    pub fn len(&self) -> u64 {
        *self.end.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends `bytes`; returns where they start.
    fn append(&self, bytes: &[u8]) -> std::io::Result<u64> {
        let mut end = self.end.lock().unwrap_or_else(|e| e.into_inner());
        let at = *end;
        write_all_at(&self.file, bytes, at)?;
        *end += bytes.len() as u64;
        Ok(at)
    }

    /// Reads `len` bytes at `at`: one positioned read, no lock held (an
    /// unchanged rebuild reads one record per article, on every thread).
    fn read(&self, at: u64, len: u32) -> std::io::Result<Vec<u8>> {
        if at + u64::from(len) > self.len() {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let mut bytes = vec![0; len as usize];
        read_exact_at(&self.file, &mut bytes, at)?;
        Ok(bytes)
    }

    /// Makes what was appended durable (before a cache naming it is saved).
    pub fn sync(&self) -> std::io::Result<()> {
        self.file.sync_data()
    }

    /// Removes the cache folder's other entry stores (once a cache naming
    /// this one is saved).
    pub fn remove_others(&self) {
        let Some(dir) = self.path.parent() else {
            return;
        };
        let Ok(list) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in list.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(ENTRIES) && name != self.name {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Whether the store is worth rewriting with only `live` bytes of
    /// entries: an incremental build appends the entries it makes and the
    /// ones they replace stay, so building after every edit (an editor's
    /// habit, or a script watching `content/`) would otherwise grow it
    /// without bound. Rewritten once the replaced ones outweigh the
    /// live ones (and [`COMPACT_SLACK`]), the store never holds more than
    /// twice what it needs, and the copy's cost is spread over as many
    /// edits as the store has bytes.
    pub fn wasteful(&self, live: u64) -> bool {
        self.len() > live.saturating_mul(2).saturating_add(COMPACT_SLACK)
    }

    /// A new store in the same folder holding only `entries`, in their
    /// order, and the entries as it holds them. Nothing changes in this
    /// store; the new one is removed again if a copy fails (an entry that is
    /// no longer as it was stored fails too: it must not travel on).
    pub fn compacted<'a>(
        &self,
        entries: impl IntoIterator<Item = &'a StoredEntry>,
    ) -> std::io::Result<(EntryStore, Vec<StoredEntry>)> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let new = EntryStore::create(dir)?;
        let copied = entries
            .into_iter()
            .map(|entry| {
                let bytes = entry
                    .record(self)
                    .ok_or_else(|| std::io::Error::other("a stored entry changed"))?;
                Ok(StoredEntry {
                    at: new.append(&bytes)?,
                    ..entry.clone()
                })
            })
            .collect::<std::io::Result<Vec<_>>>();
        match copied {
            Ok(copied) => Ok((new, copied)),
            Err(e) => {
                new.discard();
                Err(e)
            }
        }
    }

    /// Throws away a store this build created (a failed build).
    pub fn discard(self) {
        if self.created {
            drop(self.file);
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(unix)]
fn write_all_at(file: &File, buf: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, at)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(windows)]
fn write_all_at(file: &File, mut buf: &[u8], mut at: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_write(buf, at)? {
            0 => return Err(std::io::ErrorKind::WriteZero.into()),
            n => {
                buf = &buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

/// The output paths an article wrote, in the order written, as one string
/// (NUL-separated: no path holds a NUL): a dozen paths cost one allocation
/// instead of a dozen, which at 100,000 articles is tens of megabytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileList(Box<str>);

impl FileList {
    /// The list of `paths`.
    pub fn new(paths: &[String]) -> FileList {
        FileList(paths.join("\0").into_boxed_str())
    }

    /// The paths, in the order written.
    pub fn iter(&self) -> impl Iterator<Item = &str> + Clone {
        self.0.split('\0').filter(|p| !p.is_empty())
    }
}

/// A built article, as the cache keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedArticle {
    /// Its files when it was built.
    pub fingerprint: Fingerprint,
    /// Its entry in the site-wide outputs, with the output paths it wrote.
    entry: StoredEntry,
    /// HTML pages among them.
    pub pages: usize,
    /// Whether its pages contain highlighted code.
    pub has_code: bool,
    /// Its warnings and notes (an article with errors is never kept): shown
    /// again when it is reused, as if it had been built.
    pub diagnostics: Vec<Diagnostic>,
}

/// One file or folder of an article, as `stat` sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stat {
    path: String,
    dir: bool,
    len: u64,
    mtime_ns: i128,
    ino: u64,
}

/// Every file and folder of an article folder, in name order, as one hash of
/// their [`Stat`]s: only ever compared, so 16 bytes an article instead of
/// the list (half a kilobyte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint([u64; 2]);

/// What the cache keeps of a built article besides its entry (which the
/// site-wide outputs hold during the build: the two are kept apart so that
/// the entry is never copied).
#[derive(Debug, Clone)]
pub struct Built {
    /// Its files when it was built.
    pub fingerprint: Fingerprint,
    /// HTML pages among the files it wrote.
    pub pages: usize,
    /// Whether its pages contain highlighted code.
    pub has_code: bool,
    /// Its warnings and notes.
    pub diagnostics: Vec<Diagnostic>,
}

impl CachedArticle {
    /// The output paths it wrote, if `store` holds its entry as it was
    /// stored.
    pub fn files(&self, store: &EntryStore) -> Option<FileList> {
        self.entry.files(store)
    }

    /// Its entry in the site-wide outputs and the rest, taken apart.
    pub fn into_parts(self) -> (StoredEntry, Built) {
        (
            self.entry,
            Built {
                fingerprint: self.fingerprint,
                pages: self.pages,
                has_code: self.has_code,
                diagnostics: self.diagnostics,
            },
        )
    }
}

/// [`CachedArticle`] as written, borrowing its parts.
#[derive(Serialize)]
struct CachedArticleRef<'a> {
    fingerprint: &'a Fingerprint,
    entry: &'a StoredEntry,
    pages: usize,
    has_code: bool,
    diagnostics: &'a [Diagnostic],
}

/// [`BuildCache`] as written, borrowing its parts: what
/// [`BuildCache::to_save`] returns, written by the output folder's commit
/// straight into the cache file.
#[derive(Serialize)]
pub struct BuildCacheRef<'a> {
    format: u32,
    key: [u64; 2],
    entries: &'a str,
    articles: BTreeMap<String, CachedArticleRef<'a>>,
    groups: &'a BTreeMap<String, CachedGroup>,
}

impl SaveState for BuildCacheRef<'_> {
    fn save(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        rmp_serde::encode::write_named(out, self).map_err(std::io::Error::other)
    }
}

impl BuildCache {
    /// An empty cache for a site with this key.
    pub fn new(key: [u64; 2]) -> BuildCache {
        BuildCache {
            format: FORMAT,
            key,
            entries: String::new(),
            articles: BTreeMap::new(),
            groups: BTreeMap::new(),
        }
    }

    /// Reads a saved cache, decoding it as it is read; `None` when it is of
    /// another version, damaged, or for another key (then nothing may be
    /// reused).
    pub fn decode(saved: impl std::io::Read, key: [u64; 2]) -> Option<BuildCache> {
        rmp_serde::from_read::<_, BuildCache>(saved)
            .ok()
            .filter(|c| c.format == FORMAT && c.key == key)
    }

    /// The bytes to save.
    pub fn encode(&self) -> Vec<u8> {
        // Serializing plain data into memory cannot fail.
        rmp_serde::to_vec_named(self).unwrap_or_default()
    }

    /// The name of the [`EntryStore`] holding its articles' entries.
    pub fn entries(&self) -> &str {
        &self.entries
    }

    /// Takes out what the article in `dir` built last time (whether it may
    /// be reused is for its fingerprint to say).
    pub fn take(&mut self, root: &Path, dir: &Path) -> Option<CachedArticle> {
        self.articles.remove(&folder_key(root, dir))
    }

    /// What to save for the next build: this cache's key and groups, and
    /// the articles built, each as its folder (relative to `root`), its
    /// entry and the rest; borrowed, to be written by the commit.
    pub fn to_save<'a>(
        &'a self,
        root: &Path,
        store: &'a EntryStore,
        articles: impl IntoIterator<Item = (&'a Path, &'a StoredEntry, &'a Built)>,
    ) -> BuildCacheRef<'a> {
        BuildCacheRef {
            format: FORMAT,
            key: self.key,
            entries: store.name(),
            articles: articles
                .into_iter()
                .map(|(dir, e, b)| {
                    (
                        folder_key(root, dir),
                        CachedArticleRef {
                            fingerprint: &b.fingerprint,
                            entry: e,
                            pages: b.pages,
                            has_code: b.has_code,
                            diagnostics: &b.diagnostics,
                        },
                    )
                })
                .collect(),
            groups: &self.groups,
        }
    }

    /// What the group of site-wide files `name` wrote last time, if it was
    /// written from inputs with this `key`.
    pub fn group(&self, name: &str, key: [u64; 2]) -> Option<&CachedGroup> {
        self.groups.get(name).filter(|g| g.key == key)
    }

    /// Records what the group of site-wide files `name` wrote.
    pub fn insert_group(&mut self, name: &str, group: CachedGroup) {
        self.groups.insert(name.to_string(), group);
    }

    /// Number of articles recorded.
    pub fn len(&self) -> usize {
        self.articles.len()
    }

    /// Whether no article is recorded.
    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }
}

fn folder_key(root: &Path, dir: &Path) -> String {
    let rel = dir.strip_prefix(root).unwrap_or(dir);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn stat_of(path: String, seen: EntryStat) -> Stat {
    Stat {
        path,
        dir: seen.kind == EntryKind::Dir,
        len: seen.len,
        mtime_ns: seen.mtime_ns,
        ino: seen.ino,
    }
}

/// The stat list of everything under `dir`, itself first, then depth first
/// with names in byte order (`None` if any of it cannot be read). A link is
/// listed as a link (`name (link)`) and, when it leads somewhere, as what it
/// leads to, since the loader follows it; a linked folder is not entered.
fn stats(dir: &Path) -> Option<Vec<Stat>> {
    let root = EntryStat::of(&dir.symlink_metadata().ok()?);
    let mut out = Vec::new();
    if root.kind == EntryKind::Symlink {
        out.push(stat_of(" (link)".to_string(), root));
        out.push(stat_of(
            String::new(),
            EntryStat::of(&std::fs::metadata(dir).ok()?),
        ));
    } else {
        out.push(stat_of(String::new(), root));
    }
    if out.last().is_some_and(|s| s.dir) {
        // Each folder is opened once and its entries looked at by name.
        let folder = Folder::open(dir).ok()?;
        walk(&folder, "", &mut out)?;
    }
    Some(out)
}

fn walk(folder: &Folder, prefix: &str, out: &mut Vec<Stat>) -> Option<()> {
    let mut names = folder.names().ok()?;
    names.sort();
    for name in names {
        let shown = name.to_string_lossy();
        let rel = if prefix.is_empty() {
            shown.into_owned()
        } else {
            format!("{prefix}/{shown}")
        };
        let seen = folder.lstat(&name).ok()?;
        match seen.kind {
            EntryKind::Symlink => {
                out.push(stat_of(format!("{rel} (link)"), seen));
                if let Ok(target) = folder.stat(&name) {
                    out.push(stat_of(rel, target));
                }
            }
            EntryKind::Dir => {
                out.push(stat_of(rel.clone(), seen));
                walk(&folder.open_in(&name).ok()?, &rel, out)?;
            }
            EntryKind::File | EntryKind::Other => out.push(stat_of(rel, seen)),
        }
    }
    Some(())
}

/// Fingerprints an article folder before it is built. `None` when it cannot
/// be trusted later: unreadable, or something in it changed within [`RACY`]
/// of `now`.
pub fn fingerprint(dir: &Path, now: SystemTime) -> Option<Fingerprint> {
    let stats = stats(dir)?;
    let limit = now
        .checked_sub(RACY)
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128);
    if stats.iter().any(|s| s.mtime_ns >= limit) {
        return None;
    }
    let mut h = KeyHasher::new();
    for s in &stats {
        h.bytes(s.path.as_bytes());
        h.bytes(&[u8::from(s.dir)]);
        h.bytes(&s.len.to_le_bytes());
        h.bytes(&s.mtime_ns.to_le_bytes());
        h.bytes(&s.ino.to_le_bytes());
    }
    Some(Fingerprint(h.digest()))
}

/// Hashes everything site-wide that can change what any article's files
/// contain: the emend binary, the command line's settings, `site.yaml`, the
/// site's `dictionary.yaml`, its `pages/`, and every file of the theme and of
/// the site's `templates/`, `static/` and `strings/`.
pub fn site_key(site: &Site, opts: &BuildOptions) -> [u64; 2] {
    let mut h = KeyHasher::new();
    let mut feed = |bytes: &[u8]| h.bytes(bytes);
    feed(env!("CARGO_PKG_VERSION").as_bytes());
    // The binary itself: a rebuilt emend of the same version may render
    // differently. Its size and timestamp identify it without reading it.
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
    {
        feed(format!("{:?}", stat_of(String::new(), EntryStat::of(&meta))).as_bytes());
    } else {
        // Unknown binary: a key that never matches.
        feed(
            &SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
                .to_le_bytes(),
        );
    }
    feed(format!("{:?}|{}", opts.base_url, opts.drafts).as_bytes());
    let root = &site.config.root;
    feed(
        &crate::files::read_regular_io(&root.join("site.yaml"), crate::files::MAX_YAML_BYTES)
            .unwrap_or_default(),
    );
    let theme_dir = root.join("themes").join(&site.config.theme);
    for dir in [
        theme_dir,
        root.join("templates"),
        root.join("static"),
        root.join("strings"),
        root.join("pages"),
        root.join("dictionary.yaml"),
    ] {
        feed(dir.as_os_str().as_encoded_bytes());
        if let Some(stats) = stats(&dir) {
            for s in stats {
                feed(format!("{s:?}").as_bytes());
            }
        }
    }
    h.digest()
}

/// Builds a cache key: a 128-bit hash of byte strings (each length-prefixed,
/// so `ab`+`c` never hashes like `a`+`bc`) and serialized values.
#[derive(Clone)]
pub struct KeyHasher(xxhash_rust::xxh3::Xxh3);

impl KeyHasher {
    /// An empty key.
    pub fn new() -> KeyHasher {
        KeyHasher(xxhash_rust::xxh3::Xxh3::new())
    }

    /// Adds a byte string.
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// Adds a value, with its field names (so that a left-out optional field
    /// never hashes like the next one).
    pub fn value(&mut self, value: &impl serde::Serialize) {
        // Writing into a hash cannot fail; a value that cannot be serialized
        // is marked so that it never matches a cached key.
        if rmp_serde::encode::write_named(self, value).is_err() {
            self.0.update(b"\xffunserializable");
        }
    }

    /// The key.
    pub fn digest(&self) -> [u64; 2] {
        let h = self.0.digest128();
        [(h >> 64) as u64, h as u64]
    }
}

impl Default for KeyHasher {
    fn default() -> KeyHasher {
        KeyHasher::new()
    }
}

/// MessagePack is written straight into the hash.
impl std::io::Write for KeyHasher {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn old_file(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        // An hour ago: not racy.
        let t = SystemTime::now() - Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(t)
            .unwrap();
    }

    #[test]
    fn keys_tell_apart_where_one_string_ends_and_whether_an_optional_field_is_set() {
        let key = |parts: &[&str]| {
            let mut h = KeyHasher::new();
            for p in parts {
                h.bytes(p.as_bytes());
            }
            h.digest()
        };
        assert_eq!(key(&["ab", "c"]), key(&["ab", "c"]));
        assert_ne!(key(&["ab", "c"]), key(&["a", "bc"]));
        #[derive(serde::Serialize)]
        struct Two {
            a: Option<u8>,
            b: Option<u8>,
        }
        let value = |v: &Two| {
            let mut h = KeyHasher::new();
            h.value(v);
            h.digest()
        };
        assert_ne!(
            value(&Two {
                a: Some(1),
                b: None
            }),
            value(&Two {
                a: None,
                b: Some(1)
            })
        );
    }

    #[test]
    fn a_fresh_edit_is_not_trusted_and_an_old_one_is() {
        let tmp = tempfile::tempdir().unwrap();
        old_file(tmp.path(), "meta.yaml", "title: A\n");
        let now = SystemTime::now();
        // The folder itself was just modified by creating the file.
        assert_eq!(fingerprint(tmp.path(), now), None);
        let later = now + Duration::from_secs(10);
        let a = fingerprint(tmp.path(), later).expect("settled");
        assert_eq!(fingerprint(tmp.path(), later).as_ref(), Some(&a));
        std::fs::write(tmp.path().join("meta.yaml"), "title: C\n").unwrap();
        let c = fingerprint(tmp.path(), SystemTime::now() + Duration::from_secs(10)).unwrap();
        assert_ne!(a, c, "an edit changes the fingerprint");
        old_file(tmp.path(), "annotations.yaml", "");
        let d = fingerprint(tmp.path(), SystemTime::now() + Duration::from_secs(10)).unwrap();
        assert_ne!(c, d, "a new file changes it");
    }

    #[cfg(unix)]
    #[test]
    fn the_stat_list_is_every_entry_depth_first_in_byte_order_links_twice() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("article");
        std::fs::create_dir_all(root.join("img/sub")).unwrap();
        for f in ["b.yaml", "a.txt", "img/z.png", "img/sub/x", "Z-upper"] {
            std::fs::write(root.join(f), f).unwrap();
        }
        std::os::unix::fs::symlink("a.txt", root.join("c-link")).unwrap();
        std::os::unix::fs::symlink("img", root.join("d-dirlink")).unwrap();
        std::os::unix::fs::symlink("nowhere", root.join("e-dangling")).unwrap();
        let listed = stats(&root).unwrap();
        let names: Vec<&str> = listed.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(
            names,
            [
                "",
                "Z-upper",
                "a.txt",
                "b.yaml",
                "c-link (link)",
                "c-link",
                "d-dirlink (link)",
                "d-dirlink",
                "e-dangling (link)",
                "img",
                "img/sub",
                "img/sub/x",
                "img/z.png",
            ]
        );
        // Each entry's facts are what a look by its whole path reports.
        for s in &listed {
            let (name, follow) = match s.path.strip_suffix(" (link)") {
                Some(name) => (name, false),
                None => (s.path.as_str(), true),
            };
            let path = root.join(name);
            let meta = if follow {
                std::fs::metadata(&path)
            } else {
                std::fs::symlink_metadata(&path)
            }
            .unwrap();
            assert_eq!(
                s,
                &stat_of(s.path.clone(), EntryStat::of(&meta)),
                "{}",
                s.path
            );
        }
        assert!(
            listed[7].dir,
            "a linked folder is listed as a folder, not entered"
        );
        // A folder reached through a link is walked as the folder itself.
        let link = tmp.path().join("linked");
        std::os::unix::fs::symlink(&root, &link).unwrap();
        let through = stats(&link).unwrap();
        assert_eq!(through[0].path, " (link)");
        assert_eq!(&through[1..], &listed[..]);
        assert_eq!(stats(&tmp.path().join("missing")), None);
    }

    #[test]
    fn a_cache_for_another_key_or_version_is_ignored() {
        let cache = BuildCache::new([1, 2]);
        let bytes = cache.encode();
        assert!(BuildCache::decode(&bytes[..], [1, 2]).is_some());
        assert!(BuildCache::decode(&bytes[..], [1, 3]).is_none());
        assert!(BuildCache::decode(&b"garbage"[..], [1, 2]).is_none());
    }

    fn sample(slug: &str, title: &str) -> ArticleEntry {
        let info: ArticleInfo = serde_json::from_value(serde_json::json!({
            "slug": slug,
            "title": title,
            "published": "2020-01-02",
            "language": "en",
            "tags": ["a"],
            "format": "txt",
            "stats": {
                "corrections": 1, "changes": 2, "annotations": 0, "words_changed": 3,
                "words_total": 40, "percent_changed": "7.5", "unreviewed": 0
            }
        }))
        .unwrap();
        let passages = [search::Passage {
            kind: search::PassageKind::Title,
            anchor: String::new(),
            text: format!("{title} national security"),
        }];
        ArticleEntry {
            info,
            path: format!("{slug}/"),
            glossary: vec![glossary::Item {
                garbled: "Celebration".into(),
                restored: "Party".into(),
                kind: crate::content::Kind::ALL[0],
                count: 2,
                numbers: vec![1, 4],
            }],
            search: search::ArticleTerms::new(&passages),
        }
    }

    /// Alpha (which wrote `alpha/index.html`) and beta (no files), stored
    /// in `store` in that order: each entry with its stored form.
    fn alpha_and_beta(
        store: &EntryStore,
    ) -> ((ArticleEntry, StoredEntry), (ArticleEntry, StoredEntry)) {
        let (a, b) = (sample("alpha", "Alpha"), sample("beta", "Beta"));
        let files = ["alpha/index.html".to_string()];
        let sa = StoredEntry::new(&a, EntryHashes::of(&a), &files, store).unwrap();
        let sb = StoredEntry::new(&b, EntryHashes::of(&b), &[], store).unwrap();
        ((a, sa), (b, sb))
    }

    #[test]
    fn entries_round_trip_through_the_store_and_a_reopened_store() {
        let tmp = tempfile::tempdir().unwrap();
        let store = EntryStore::create(tmp.path()).unwrap();
        let ((a, sa), (b, sb)) = alpha_and_beta(&store);
        assert_eq!(sa.order(), (Some("2020-01-02"), "alpha"));
        let files = sa.files(&store).unwrap();
        assert_eq!(files.iter().collect::<Vec<_>>(), ["alpha/index.html"]);
        assert_eq!(sb.files(&store).unwrap().iter().count(), 0);
        store.sync().unwrap();
        // What the next build sees: the store reopened by name.
        let store = EntryStore::open(tmp.path(), store.name()).unwrap();
        let back = sb.decode(&store).unwrap();
        assert_eq!(back.info.title, "Beta");
        assert_eq!(back.path, "beta/");
        assert_eq!(back.glossary, b.glossary);
        assert_eq!(back.search.as_bytes(), b.search.as_bytes());
        assert_eq!(EntryHashes::of(&back), EntryHashes::of(&b));
        let lists = sa.decode_lists(&store).unwrap();
        assert_eq!(
            (lists.info.slug.as_str(), lists.glossary.len()),
            ("alpha", 0)
        );
        let (title, path, items) = sa.decode_glossary(&store).unwrap();
        assert_eq!(
            (title.as_str(), path.as_str(), items),
            ("Alpha", "alpha/", a.glossary)
        );
        let (slug, terms) = sb.decode_search(&store).unwrap();
        assert_eq!(
            (slug.as_str(), terms.as_bytes()),
            ("beta", b.search.as_bytes())
        );
        // Appending to a reopened store keeps what was there.
        let c = sample("gamma", "Gamma");
        let sc = StoredEntry::new(&c, EntryHashes::of(&c), &[], &store).unwrap();
        assert_eq!(sa.decode(&store).unwrap().info.title, "Alpha");
        assert_eq!(sc.decode(&store).unwrap().info.title, "Gamma");
    }

    #[test]
    fn a_damaged_or_missing_store_is_an_unreadable_entry_not_a_panic() {
        let tmp = tempfile::tempdir().unwrap();
        let store = EntryStore::create(tmp.path()).unwrap();
        let ((_, sa), (_, sb)) = alpha_and_beta(&store);
        let name = store.name().to_string();
        drop(store);
        // One byte of beta's entry changed.
        let path = tmp.path().join(&name);
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.windows(4).rposition(|w| w == b"Beta").unwrap();
        bytes[at] = b'Z';
        std::fs::write(&path, &bytes).unwrap();
        let store = EntryStore::open(tmp.path(), &name).unwrap();
        assert!(sa.intact(&store));
        assert!(!sb.intact(&store));
        assert!(sb.decode(&store).is_none());
        assert!(sb.decode_lists(&store).is_none());
        assert!(sb.decode_search(&store).is_none());
        // Cut short: the entries past the end are unreadable.
        std::fs::write(&path, &bytes[..bytes.len() / 3]).unwrap();
        let store = EntryStore::open(tmp.path(), &name).unwrap();
        assert!(!sb.intact(&store));
        assert!(sb.decode_glossary(&store).is_none());
        // A name that is not a store's is refused, a missing store too.
        assert!(EntryStore::open(tmp.path(), "../state").is_err());
        assert!(EntryStore::open(tmp.path(), "entries-gone").is_err());
    }

    #[test]
    fn a_full_build_discards_its_store_on_failure_and_removes_the_others_on_success() {
        let tmp = tempfile::tempdir().unwrap();
        let old = EntryStore::create(tmp.path()).unwrap();
        let old_name = old.name().to_string();
        std::thread::sleep(Duration::from_millis(2));
        let failed = EntryStore::create(tmp.path()).unwrap();
        failed.discard();
        let kept = EntryStore::create(tmp.path()).unwrap();
        // Reopened, a store is never removed by discard.
        EntryStore::open(tmp.path(), &old_name).unwrap().discard();
        assert!(tmp.path().join(&old_name).is_file());
        kept.remove_others();
        let names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [kept.name()]);
    }

    #[test]
    fn a_store_mostly_of_replaced_entries_is_compacted_to_the_live_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let store = EntryStore::create(tmp.path()).unwrap();
        let ((_, sa), (b, mut sb)) = alpha_and_beta(&store);
        let live = sa.stored_len() + sb.stored_len();
        assert_eq!(store.len(), live);
        assert!(!store.wasteful(live));
        // Beta edited again and again: each build appends its new entry.
        while store.len() <= 2 * live + COMPACT_SLACK {
            assert!(!store.wasteful(live));
            sb = StoredEntry::new(&b, EntryHashes::of(&b), &[], &store).unwrap();
        }
        assert!(store.wasteful(live));

        let (new, moved) = store.compacted([&sa, &sb]).unwrap();
        assert_ne!(new.name(), store.name());
        assert_eq!(new.len(), live);
        assert_eq!(moved.len(), 2);
        assert_eq!(
            moved[0].files(&new).unwrap().iter().collect::<Vec<_>>(),
            ["alpha/index.html"]
        );
        assert_eq!(moved[1].decode(&new).unwrap().info.title, "Beta");
        assert_eq!(moved[1].order(), sb.order());
        // The old store is as it was until the cache naming the new one is saved.
        assert!(sb.intact(&store) && sa.intact(&store));

        // An entry no longer as it was stored stops the copy, and the new
        // store is removed again.
        let damaged = StoredEntry {
            check: sb.check ^ 1,
            ..sb.clone()
        };
        assert!(store.compacted([&sa, &damaged]).is_err());
        let stores = std::fs::read_dir(tmp.path()).unwrap().count();
        assert_eq!(stores, 2, "the old store and the first compacted one");
    }

    #[test]
    fn file_lists_keep_paths_in_order() {
        let paths = vec!["a/index.html".to_string(), "search/d/a.js".to_string()];
        let list = FileList::new(&paths);
        assert_eq!(
            list.iter().collect::<Vec<_>>(),
            ["a/index.html", "search/d/a.js"]
        );
        assert_eq!(FileList::new(&[]).iter().count(), 0);
        let encoded = rmp_serde::to_vec_named(&list).unwrap();
        assert_eq!(rmp_serde::from_slice::<FileList>(&encoded).unwrap(), list);
    }
}
