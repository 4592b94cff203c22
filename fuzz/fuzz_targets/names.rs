//! Any text as a name: normalization never fails, and every key and score is computed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let (name, _) = reckon_names::normalize(&text);
    let _ = name.loose_keys();
    let _ = name.skeleton_keys();
    let _ = name.phonetic_keys();
    let _ = reckon_names::match_score(&name, &name);
    let _ = reckon_names::place_key(&text);
    let _ = reckon_names::to_latin_display(&text);
    let _ = reckon_names::to_cyrillic_display(&text);
});
