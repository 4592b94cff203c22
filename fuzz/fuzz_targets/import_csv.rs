//! Any bytes given as a delimited list file: parsed or refused, never a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reckon_import::{FileFormat, ImportConfig, parse_list};

fuzz_target!(|bytes: &[u8]| {
    let mut config = ImportConfig::new(FileFormat::Delimited);
    let _ = parse_list(bytes, &config);
    config.skip_bad_rows = true;
    config.require_name = false;
    let _ = parse_list(bytes, &config);
});
