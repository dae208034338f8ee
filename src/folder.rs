//! Looking at many files in one folder: the folder is opened once and each of
//! its files is looked up by name in it (`fstatat` on the open folder), rather
//! than by a whole path that the kernel walks again, component by component,
//! for every file. A rebuild of 10,000 unchanged articles looks at about
//! 170,000 files (each article's inputs and its dozen outputs), and the path
//! walks were most of that time.
//!
//! On other platforms a [`Folder`] holds its path and each look is an
//! ordinary `std::fs` call on the joined path.

use std::io;
use std::path::Path;

/// What a file system entry is, as far as emend cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A folder.
    Dir,
    /// A symbolic link (only from [`Folder::lstat`]).
    Symlink,
    /// Anything else: a FIFO, socket or device.
    Other,
}

/// What [`Folder::lstat`] and [`Folder::stat`] report of one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryStat {
    /// What the entry is.
    pub kind: EntryKind,
    /// Its length in bytes.
    pub len: u64,
    /// Its modification time, in nanoseconds since the Unix epoch.
    pub mtime_ns: i128,
    /// Its inode number (0 where the platform has none).
    pub ino: u64,
}

impl EntryStat {
    /// The same facts, read from `std::fs` metadata.
    pub fn of(meta: &std::fs::Metadata) -> EntryStat {
        let t = meta.file_type();
        let kind = if t.is_symlink() {
            EntryKind::Symlink
        } else if t.is_dir() {
            EntryKind::Dir
        } else if t.is_file() {
            EntryKind::File
        } else {
            EntryKind::Other
        };
        #[cfg(unix)]
        let (mtime_ns, ino) = {
            use std::os::unix::fs::MetadataExt;
            (
                i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
                meta.ino(),
            )
        };
        #[cfg(not(unix))]
        let (mtime_ns, ino) = (
            meta.modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128),
            0,
        );
        EntryStat {
            kind,
            len: meta.len(),
            mtime_ns,
            ino,
        }
    }
}

/// An open folder whose entries are looked at by their names in it.
#[derive(Debug)]
pub struct Folder {
    #[cfg(unix)]
    fd: rustix::fd::OwnedFd,
    /// Whether [`names`](Folder::names) read the descriptor's entries
    /// before (its position must then be rewound).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    listed: std::sync::atomic::AtomicBool,
    #[cfg(not(unix))]
    path: std::path::PathBuf,
}

#[cfg(unix)]
impl Folder {
    /// Opens the folder at `path` (a link to a folder is followed).
    pub fn open(path: &Path) -> io::Result<Folder> {
        Self::open_at(rustix::fs::CWD, path)
    }

    /// Opens `rel` (a relative path) inside this folder.
    pub fn open_in(&self, rel: impl AsRef<Path>) -> io::Result<Folder> {
        Self::open_at(&self.fd, rel.as_ref())
    }

    fn open_at(at: impl rustix::fd::AsFd, path: &Path) -> io::Result<Folder> {
        use rustix::fs::{Mode, OFlags};
        let fd = rustix::fs::openat(
            at,
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(Folder {
            fd,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            listed: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// What `rel` is, not following it if it is a link.
    pub fn lstat(&self, rel: impl AsRef<Path>) -> io::Result<EntryStat> {
        self.stat_with(rel.as_ref(), rustix::fs::AtFlags::SYMLINK_NOFOLLOW)
    }

    /// What `rel` is, following links.
    pub fn stat(&self, rel: impl AsRef<Path>) -> io::Result<EntryStat> {
        self.stat_with(rel.as_ref(), rustix::fs::AtFlags::empty())
    }

    fn stat_with(&self, rel: &Path, flags: rustix::fs::AtFlags) -> io::Result<EntryStat> {
        let st = rustix::fs::statat(&self.fd, rel, flags)?;
        let kind = match rustix::fs::FileType::from_raw_mode(st.st_mode) {
            rustix::fs::FileType::RegularFile => EntryKind::File,
            rustix::fs::FileType::Directory => EntryKind::Dir,
            rustix::fs::FileType::Symlink => EntryKind::Symlink,
            _ => EntryKind::Other,
        };
        Ok(EntryStat {
            kind,
            len: st.st_size as u64,
            mtime_ns: i128::from(st.st_mtime) * 1_000_000_000 + i128::from(st.st_mtime_nsec),
            ino: st.st_ino,
        })
    }

    /// The names of the folder's entries ("." and ".." left out), unsorted.
    pub fn names(&self) -> io::Result<Vec<std::ffi::OsString>> {
        use std::os::unix::ffi::OsStrExt;
        let mut names = Vec::new();
        let mut push = |name: &[u8]| {
            if name != b"." && name != b".." {
                names.push(std::ffi::OsStr::from_bytes(name).to_os_string());
            }
        };
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            // Read straight from this folder's descriptor (its position is
            // used by nothing else): `Dir` would reopen the folder, three
            // more system calls per article folder.
            if self.listed.swap(true, std::sync::atomic::Ordering::Relaxed) {
                rustix::fs::seek(&self.fd, rustix::fs::SeekFrom::Start(0))?;
            }
            let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 4096];
            let mut dir = rustix::fs::RawDir::new(&self.fd, &mut buf);
            while let Some(entry) = dir.next() {
                push(entry?.file_name().to_bytes());
            }
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            let mut dir = rustix::fs::Dir::read_from(&self.fd)?;
            while let Some(entry) = dir.read() {
                push(entry?.file_name().to_bytes());
            }
        }
        Ok(names)
    }
}

#[cfg(not(unix))]
impl Folder {
    /// Opens the folder at `path` (a link to a folder is followed).
    pub fn open(path: &Path) -> io::Result<Folder> {
        if std::fs::metadata(path)?.is_dir() {
            Ok(Folder {
                path: path.to_path_buf(),
            })
        } else {
            Err(io::Error::other("not a folder"))
        }
    }

    /// Opens `rel` (a relative path) inside this folder.
    pub fn open_in(&self, rel: impl AsRef<Path>) -> io::Result<Folder> {
        Self::open(&self.path.join(rel))
    }

    /// What `rel` is, not following it if it is a link.
    pub fn lstat(&self, rel: impl AsRef<Path>) -> io::Result<EntryStat> {
        Ok(EntryStat::of(&std::fs::symlink_metadata(
            self.path.join(rel),
        )?))
    }

    /// What `rel` is, following links.
    pub fn stat(&self, rel: impl AsRef<Path>) -> io::Result<EntryStat> {
        Ok(EntryStat::of(&std::fs::metadata(self.path.join(rel))?))
    }

    /// The names of the folder's entries, unsorted.
    pub fn names(&self) -> io::Result<Vec<std::ffi::OsString>> {
        std::fs::read_dir(&self.path)?
            .map(|e| e.map(|e| e.file_name()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_seen_by_name_as_std_sees_them_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("a.txt"), "four").unwrap();
        std::fs::write(root.join("sub/b.txt"), "twelve bytes").unwrap();
        let folder = Folder::open(root).unwrap();
        for rel in ["a.txt", "sub", "sub/b.txt"] {
            let by_path = EntryStat::of(&std::fs::symlink_metadata(root.join(rel)).unwrap());
            assert_eq!(folder.lstat(rel).unwrap(), by_path, "{rel}");
        }
        assert_eq!(folder.lstat("a.txt").unwrap().kind, EntryKind::File);
        assert_eq!(folder.lstat("a.txt").unwrap().len, 4);
        assert_eq!(folder.lstat("sub").unwrap().kind, EntryKind::Dir);
        let sub = folder.open_in("sub").unwrap();
        assert_eq!(sub.lstat("b.txt").unwrap().len, 12);
        assert!(folder.lstat("missing").is_err());
        assert!(folder.open_in("a.txt").is_err(), "a file is not a folder");
        let mut names = folder.names().unwrap();
        names.sort();
        assert_eq!(names, ["a.txt", "sub"]);
        let mut again = folder.names().unwrap();
        again.sort();
        assert_eq!(again, names, "a second listing starts from the first entry");
    }

    #[cfg(unix)]
    #[test]
    fn lstat_sees_the_link_and_stat_what_it_points_to() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("target.txt"), "abc").unwrap();
        std::os::unix::fs::symlink("target.txt", root.join("link")).unwrap();
        std::os::unix::fs::symlink("nowhere", root.join("dangling")).unwrap();
        let folder = Folder::open(root).unwrap();
        assert_eq!(folder.lstat("link").unwrap().kind, EntryKind::Symlink);
        let followed = folder.stat("link").unwrap();
        assert_eq!((followed.kind, followed.len), (EntryKind::File, 3));
        assert_eq!(folder.lstat("dangling").unwrap().kind, EntryKind::Symlink);
        assert!(folder.stat("dangling").is_err());
    }
}
