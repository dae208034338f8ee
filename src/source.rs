//! Reading the files emend is given: decoded as UTF-8 (a byte order mark
//! removed and remembered), with a line index so that any byte offset can be
//! shown as a line and column. Used for YAML, originals and templates alike.

use std::ops::Range;
use std::path::Path;
use std::path::PathBuf;

use crate::diagnostics::{Code, Diagnostic, Location};
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
    /// Wraps already-read bytes, reporting invalid UTF-8 with its position.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self, Diagnostic> {
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

    /// Reads and decodes a file.
    pub fn read(path: &Path) -> Result<Self, Diagnostic> {
        let bytes = std::fs::read(path).map_err(|e| io_diagnostic(path, "read", &e))?;
        Self::from_bytes(path, bytes)
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

/// A diagnostic for a failed file operation.
pub fn io_diagnostic(path: &Path, action: &str, err: &std::io::Error) -> Diagnostic {
    use std::io::ErrorKind;
    let help = match err.kind() {
        ErrorKind::PermissionDenied => "check the file's permissions",
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
    Diagnostic::error(
        if full { Code::DiskFull } else { Code::Io },
        format!(
            "cannot {action} {}: {err}",
            crate::diagnostics::display_path(path)
        ),
    )
    .at(Location::file_only(path))
    .help(help)
}
