//! Any bytes given as a spreadsheet: parsed or refused, never a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reckon_import::{FileFormat, ImportConfig, parse_list};

fuzz_target!(|bytes: &[u8]| {
    let _ = parse_list(bytes, &ImportConfig::new(FileFormat::Spreadsheet));
});
