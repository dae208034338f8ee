//! Reading the files emend is given: decoded as UTF-8 (a byte order mark
//! removed and remembered), with a line index so that any byte offset can be
//! shown as a line and column. Used for YAML, originals and templates alike.

use std::ops::Range;
use std::path::Path;
use std::path::PathBuf;

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::files::{self, ReadError};
use crate::text::{LineIndex, strip_bom};

/// A text file read for emend: decoded as UTF-8, with its byte order mark removed
/// and a line index for positions.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown to users.
    pub path: PathBuf,
    /// Contents without a leading byte order mark.
    pub text: String,
    /// Whether the file started with a byte order mark.
    pub had_bom: bool,
    lines: LineIndex,
}

impl SourceFile {
    /// Wraps already-read bytes, reporting UTF-16 as such and invalid UTF-8
    /// with its position.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self, Diagnostic> {
        if let Some(encoding) = utf16_encoding(&bytes) {
            return Err(Diagnostic::error(
                Code::Utf16,
                format!("file is saved as {encoding}, not UTF-8"),
            )
            .at(Location::file_only(path))
            .help(format!(
                "save it again as UTF-8 (in most editors: Save As, then Encoding: UTF-8), or convert it: `iconv -f {} -t UTF-8 {} > converted`",
                if encoding.starts_with("UTF-32") { "UTF-32" } else { "UTF-16" },
                crate::diagnostics::display_path(path)
            )));
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => {
                let valid_up_to = err.utf8_error().valid_up_to();
                let bytes = err.into_bytes();
                let prefix = String::from_utf8_lossy(&bytes[..valid_up_to]);
                let (prefix, _) = strip_bom(&prefix);
                let loc = Location::in_text(path, prefix, prefix.len()..prefix.len());
                return Err(Diagnostic::error(
                    Code::InvalidUtf8,
                    format!(
                        "file is not valid UTF-8 (byte 0x{:02X})",
                        bytes[valid_up_to]
                    ),
                )
                .at(loc)
                .label("invalid byte here")
                .help("save the file as UTF-8; emend reads text only in UTF-8"));
            }
        };
        let had_bom = text.starts_with(crate::text::BOM);
        let text = if had_bom {
            text[crate::text::BOM.len()..].to_string()
        } else {
            text
        };
        let lines = LineIndex::new(&text);
        Ok(SourceFile {
            path: path.to_path_buf(),
            text,
            had_bom,
            lines,
        })
    }

    /// Reads and decodes a text file of at most [`files::MAX_TEXT_BYTES`].
    /// Only a regular file is read: a named pipe, device or folder is refused
    /// with a located error instead of blocking.
    pub fn read(path: &Path) -> Result<Self, Diagnostic> {
        Self::read_limited(path, files::MAX_TEXT_BYTES)
    }

    /// Reads and decodes a YAML file of at most [`files::MAX_YAML_BYTES`].
    pub fn read_yaml(path: &Path) -> Result<Self, Diagnostic> {
        Self::read_limited(path, files::MAX_YAML_BYTES)
    }

    /// Reads and decodes a regular file of at most `max` bytes.
    pub fn read_limited(path: &Path, max: u64) -> Result<Self, Diagnostic> {
        Self::from_bytes(path, read_bytes(path, max)?)
    }

    /// A location for a byte span of the text.
    pub fn location(&self, span: Range<usize>) -> Location {
        Location::with_index(&self.path, &self.text, &self.lines, span)
    }

    /// The line index of the text.
    pub fn lines(&self) -> &LineIndex {
        &self.lines
    }
}

/// The bytes of a regular file of at most `max` bytes, or a located error
/// (not a file, too large, unreadable).
pub fn read_bytes(path: &Path, max: u64) -> Result<Vec<u8>, Diagnostic> {
    files::read_regular(path, max).map_err(|e| read_diagnostic(path, e))
}

/// A diagnostic for a file that could not be read as an input.
pub fn read_diagnostic(path: &Path, err: ReadError) -> Diagnostic {
    let shown = crate::diagnostics::display_path(path);
    match err {
        ReadError::Io(e) => io_diagnostic(path, "read", &e),
        ReadError::NotAFile(what) => Diagnostic::error(
            Code::NotAFile,
            format!("cannot read {shown}: it is {what}, not a regular file"),
        )
        .at(Location::file_only(path))
        .help(match what {
            "a folder" => "a folder is where a file should be: move it away, or rename it",
            _ => "emend reads only regular files: replace it with a file, or remove it",
        }),
        ReadError::TooLarge(len, max) => Diagnostic::error(
            Code::FileTooLarge,
            format!(
                "{shown} is {}; emend reads files of at most {} here",
                files::human_size(len),
                files::human_size(max)
            ),
        )
        .at(Location::file_only(path))
        .help("split the content, or check that this is the file you meant"),
    }
}

/// Whether `bytes` look like UTF-16 or UTF-32 text, and which: by the byte
/// order mark, or, without one, by the zero bytes every other byte of mostly
/// ASCII text has in UTF-16 (UTF-8 text never holds zero bytes).
pub fn utf16_encoding(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => return Some("UTF-32LE (with a byte order mark)"),
        [0, 0, 0xFE, 0xFF, ..] => return Some("UTF-32BE (with a byte order mark)"),
        [0xFF, 0xFE, ..] => return Some("UTF-16LE (with a byte order mark)"),
        [0xFE, 0xFF, ..] => return Some("UTF-16BE (with a byte order mark)"),
        _ => {}
    }
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() < 2 {
        return None;
    }
    let pairs = head.len() / 2;
    let zeros_at = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    // Mostly-ASCII UTF-16: one byte of each pair is zero, the other rarely.
    if odd * 10 >= pairs * 3 && even * 20 <= pairs {
        Some("UTF-16LE (without a byte order mark)")
    } else if even * 10 >= pairs * 3 && odd * 20 <= pairs {
        Some("UTF-16BE (without a byte order mark)")
    } else {
        None
    }
}

/// A diagnostic for a failed file operation.
pub fn io_diagnostic(path: &Path, action: &str, err: &std::io::Error) -> Diagnostic {
    use std::io::ErrorKind;
    let help = match err.kind() {
        ErrorKind::PermissionDenied => {
            "check the permissions: the user running emend must be able to read it (`chmod a+r`, or `chmod a+rx` for a folder)"
        }
        ErrorKind::NotFound => "check the path",
        ErrorKind::StorageFull => "the disk is full: free some space and rebuild",
        ErrorKind::ReadOnlyFilesystem => {
            "the disk is mounted read-only: build to a folder on a writable disk"
        }
        ErrorKind::NotADirectory => "a file is where a folder should be: move it away",
        ErrorKind::IsADirectory => "a folder is where a file should be: move it away",
        _ if err.raw_os_error() == Some(28) => "the disk is full: free some space and rebuild",
        _ => "check that the path exists and is accessible",
    };
    let full = err.kind() == ErrorKind::StorageFull || err.raw_os_error() == Some(28);
    let code = if full {
        Code::DiskFull
    } else if err.kind() == ErrorKind::PermissionDenied {
        Code::PermissionDenied
    } else {
        Code::Io
    };
    Diagnostic::error(
        code,
        format!(
            "cannot {action} {}: {err}",
            crate::diagnostics::display_path(path)
        ),
    )
    .at(Location::file_only(path))
    .help(help)
}
