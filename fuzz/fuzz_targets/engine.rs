//! The correction and annotation engine on arbitrary originals: loading,
//! anchoring, applying, and the diagnostics of every failure.
#![no_main]

use emend_fuzz::check;
use emend_fuzz::input::EditionIn;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: EditionIn| {
    let case = input.to_case();
    if let Some(dir) = emend_fuzz::dump_dir() {
        case.save(dir).unwrap();
    }
    check::engine(&case);
});
