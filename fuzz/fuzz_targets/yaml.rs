//! YAML loading of meta.yaml, corrections.yaml, annotations.yaml and site.yaml.
//! The first byte picks the file kind; the rest is the file.
#![no_main]

use emend_fuzz::check::{self, YamlKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let kind = YamlKind::ALL[usize::from(first) % YamlKind::ALL.len()];
    if let Some(dir) = emend_fuzz::dump_dir() {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(format!("case.{}", kind.file_name())), rest).unwrap();
    }
    check::yaml(kind, rest);
});
