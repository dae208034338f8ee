//! Where the site's files go. Pages and files are handed to a [`Sink`]: the
//! output folder ([`OutputDir`], which stages everything and commits it in one
//! step), memory (`serve`), the link checker, or nowhere
//! ([`NullSink`], for `check`). [`Claims`] makes sure each output path has one
//! writer. [`guard`] decides which folders emend may use as output at all.

pub mod guard;
pub mod manifest;
pub mod output;

use std::path::Path;
use std::sync::Mutex;

pub use guard::{check_output_dir, normalize};
pub use output::{MARKER, OutputDir};

use crate::diagnostics::{Code, Diagnostic};
use crate::source::io_diagnostic;

/// Where rendered files go.
pub trait Sink: Sync {
    /// Writes `bytes` at the site-relative path `rel` (`/`-separated).
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
    /// Copies a file byte for byte to `rel`.
    fn copy(&self, rel: &str, from: &Path) -> Result<(), Diagnostic> {
        let bytes = std::fs::read(from).map_err(|e| io_diagnostic(from, "read", &e))?;
        self.write(rel, &bytes)
    }
}

/// A sink that discards everything (`emend check`).
pub struct NullSink;

impl Sink for NullSink {
    fn write(&self, _rel: &str, _bytes: &[u8]) -> Result<(), Diagnostic> {
        Ok(())
    }
    fn copy(&self, _rel: &str, _from: &Path) -> Result<(), Diagnostic> {
        Ok(())
    }
}

/// A sink that passes everything on and remembers which paths were written
/// (the files of one article, for the build cache).
pub struct Recording<'a> {
    inner: &'a dyn Sink,
    paths: Mutex<Vec<String>>,
}

impl<'a> Recording<'a> {
    /// Wraps `inner`.
    pub fn new(inner: &'a dyn Sink) -> Self {
        Recording {
            inner,
            paths: Mutex::new(Vec::new()),
        }
    }

    /// The paths written, in the order they were written.
    pub fn into_paths(self) -> Vec<String> {
        self.paths.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn record(&self, rel: &str) {
        self.paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rel.to_string());
    }
}

impl Sink for Recording<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.inner.write(rel, bytes)?;
        self.record(rel);
        Ok(())
    }
    fn copy(&self, rel: &str, from: &Path) -> Result<(), Diagnostic> {
        self.inner.copy(rel, from)?;
        self.record(rel);
        Ok(())
    }
}

/// Whether `rel` is a plain relative path inside the output (no `..`, `.`,
/// empty or absolute segments), so that no write can land outside it.
pub fn is_output_path(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\\')
        && rel
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
}

/// A sink wrapper that gives each output path to one writer only: a static
/// file named like a generated page (`static/index.html`) is an error rather
/// than a silent overwrite, in `check` as in `build`.
pub struct Claims<'a> {
    inner: &'a dyn Sink,
    /// The xxh3-128 of each claimed path: 16 bytes a path instead of the
    /// path itself (1.1 million paths at 100,000 articles). Two paths with
    /// the same 128-bit hash are as unlikely as a damaged disk block.
    claimed: Mutex<std::collections::HashSet<u128, foldhash::fast::RandomState>>,
}

/// What [`Claims`] remembers of a path.
fn claim_key(rel: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(rel.as_bytes())
}

impl<'a> Claims<'a> {
    /// Wraps `inner`.
    pub fn new(inner: &'a dyn Sink) -> Self {
        Claims {
            inner,
            claimed: Mutex::new(Default::default()),
        }
    }

    /// Claims paths written earlier and kept as they are (an incremental
    /// build's unchanged articles), so that a new file colliding with one of
    /// them is still an error.
    pub fn claim_kept<'p>(
        &self,
        paths: impl IntoIterator<Item = &'p str> + Clone,
    ) -> Result<(), Diagnostic> {
        if let Some(bad) = paths.clone().into_iter().find(|rel| !is_output_path(rel)) {
            return Err(not_an_output_path(bad));
        }
        // One lock for all of them: an unchanged article claims a dozen paths,
        // 110,000 at 10,000 articles.
        let mut claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        for rel in paths {
            if !claimed.insert(claim_key(rel)) {
                return Err(collision(rel));
            }
        }
        Ok(())
    }

    fn claim(&self, rel: &str) -> Result<(), Diagnostic> {
        if !is_output_path(rel) {
            return Err(not_an_output_path(rel));
        }
        let fresh = self
            .claimed
            .lock()
            .map(|mut c| c.insert(claim_key(rel)))
            .unwrap_or(false);
        if fresh { Ok(()) } else { Err(collision(rel)) }
    }
}

fn not_an_output_path(rel: &str) -> Diagnostic {
    Diagnostic::error(
        Code::BadOutputPath,
        format!("refusing to write `{rel}`: not a plain path inside the output folder"),
    )
}

/// The error for two files of the site written to the same output path.
pub fn collision(rel: &str) -> Diagnostic {
    Diagnostic::error(
        Code::OutputCollision,
        format!("two files of the site would be written to `{rel}`"),
    )
    .help("a static file has the name of a page emend generates: rename or remove it (to change a generated page, override its template)")
}

impl Sink for Claims<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.claim(rel)?;
        self.inner.write(rel, bytes)
    }
    fn copy(&self, rel: &str, from: &Path) -> Result<(), Diagnostic> {
        self.claim(rel)?;
        self.inner.copy(rel, from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_paths_are_claimed_so_a_second_writer_is_a_collision() {
        let claims = Claims::new(&NullSink);
        assert!(
            claims
                .claim_kept(["alpha/index.html", "alpha/edition.json"])
                .is_ok()
        );
        // Written after being kept, or kept twice: both are collisions.
        let err = claims.write("alpha/index.html", b"x").unwrap_err();
        assert_eq!(err.code, Code::OutputCollision);
        assert_eq!(
            err.message,
            "two files of the site would be written to `alpha/index.html`"
        );
        let err = claims
            .claim_kept(["beta/index.html", "alpha/edition.json"])
            .unwrap_err();
        assert_eq!(
            err.message,
            "two files of the site would be written to `alpha/edition.json`"
        );
        // A path that could leave the output folder is refused before any is claimed.
        let err = claims.claim_kept(["gamma/index.html", "../x"]).unwrap_err();
        assert_eq!(err.code, Code::BadOutputPath);
        assert_eq!(
            err.message,
            "refusing to write `../x`: not a plain path inside the output folder"
        );
        assert!(claims.write("gamma/index.html", b"x").is_ok());
    }
}
