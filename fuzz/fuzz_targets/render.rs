//! Page rendering: resolved editions rendered through the built-in theme into
//! full pages, checked for balance, safety and exact column text.
#![no_main]

use emend_fuzz::check;
use emend_fuzz::input::EditionIn;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: EditionIn| {
    let case = input.to_case();
    if let Some(dir) = emend_fuzz::dump_dir() {
        case.save(dir).unwrap();
    }
    check::render(&case);
});
