//! Fuzzing support for emend: input decoding ([`input`]) and the invariant
//! checks ([`check`], shared with `tests/fuzz_regressions.rs`).

pub mod check;
pub mod input;

use std::path::PathBuf;
use std::sync::OnceLock;

/// With `EMEND_FUZZ_DUMP=<dir>`, running a target on one input (`cargo fuzz run
/// engine crash-file`) writes the decoded article there, ready to be kept as a
/// regression under `fuzz/regressions/<target>/`.
pub fn dump_dir() -> Option<&'static PathBuf> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| std::env::var_os("EMEND_FUZZ_DUMP").map(PathBuf::from))
        .as_ref()
}
