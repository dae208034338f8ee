//! Opening the files emend is given, safely: only regular files are read (a
//! FIFO, socket or device named like an input would block a build for good, or
//! never end), and never more than a size budget.
//!
//! This module is below `diagnostics` and `source`: it speaks `std::io`, and
//! [`crate::source`] turns its errors into located diagnostics.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The largest text file emend reads: originals, templates, static text. (A
/// 50 MB original builds in a few seconds; a quarter of a gigabyte is far past
/// any real article and still fits in memory.)
pub const MAX_TEXT_BYTES: u64 = 256 << 20;

/// The largest YAML file emend reads (`site.yaml`, `meta.yaml`,
/// `corrections.yaml`, `annotations.yaml`, strings and dictionaries). 10,000
/// corrections are about 1 MiB.
pub const MAX_YAML_BYTES: u64 = 16 << 20;

/// Why a path could not be read as an input file.
#[derive(Debug)]
pub enum ReadError {
    /// Opening or reading failed (missing, permission denied, …).
    Io(io::Error),
    /// The path is not a regular file: what it is instead ("a folder", "a
    /// named pipe (FIFO)", …).
    NotAFile(&'static str),
    /// The file is larger than the budget (its size, the budget).
    TooLarge(u64, u64),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// What kind of file system entry `meta` describes, for messages.
pub fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_file() {
        "a file"
    } else {
        "not a regular file"
    }
}

/// Opens `path` for reading only if it is a regular file (links followed).
/// The open itself never blocks: on Unix it is non-blocking, so a FIFO put in
/// place between the check and the open is refused too.
pub fn open_regular(path: &Path) -> Result<(File, u64), ReadError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(kind_of(&meta)));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(kind_of(&meta)));
    }
    Ok((file, meta.len()))
}

/// Reads a whole regular file of at most `max` bytes.
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let (file, len) = open_regular(path)?;
    if len > max {
        return Err(ReadError::TooLarge(len, max));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // A file that grows while it is read is still cut at the budget.
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge(bytes.len() as u64, max));
    }
    Ok(bytes)
}

/// [`read_regular`] as an `io::Result`, for callers that only need bytes or
/// an error (snippets of diagnostics, the link checker).
pub fn read_regular_io(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    read_regular(path, max).map_err(|e| match e {
        ReadError::Io(e) => e,
        ReadError::NotAFile(what) => {
            io::Error::new(io::ErrorKind::InvalidInput, format!("{what}, not a file"))
        }
        ReadError::TooLarge(len, max) => io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{len} bytes, more than {max}"),
        ),
    })
}

/// Human size: `16 MiB`, `300 KiB`, `12 bytes`.
pub fn human_size(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
    } else if bytes >= 1 << 10 {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("original.txt");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        match read_regular(&fifo, 10) {
            Err(ReadError::NotAFile(what)) => assert_eq!(what, "a named pipe (FIFO)"),
            other => panic!("{other:?}"),
        }
        match read_regular(dir.path(), 10) {
            Err(ReadError::NotAFile(what)) => assert_eq!(what, "a folder"),
            other => panic!("{other:?}"),
        }
        match read_regular(Path::new("/dev/zero"), 10) {
            Err(ReadError::NotAFile(what)) => assert_eq!(what, "a device"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_budget_is_enforced() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.txt");
        std::fs::write(&f, "0123456789").unwrap();
        assert_eq!(read_regular(&f, 10).unwrap().len(), 10);
        assert!(matches!(
            read_regular(&f, 9),
            Err(ReadError::TooLarge(10, 9))
        ));
        assert_eq!(human_size(16 << 20), "16 MiB");
    }
}
