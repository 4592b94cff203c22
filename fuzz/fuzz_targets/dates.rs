//! Any text as a date: parsed with its precision or refused, never a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let _ = reckon_import::parse_date(&text);
});
