//! Windows-1251 encoding for the lists that old Russian-language spreadsheets produce.

/// Encodes text as Windows-1251; characters it cannot hold become `?`.
pub(crate) fn windows_1251(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{0000}'..='\u{007F}' => c as u8,
            'А'..='я' => (c as u32 - 0x0410 + 0xC0) as u8,
            'Ё' => 0xA8,
            'ё' => 0xB8,
            '№' => 0xB9,
            'І' => 0xB2,
            'і' => 0xB3,
            '«' => 0xAB,
            '»' => 0xBB,
            '—' => 0x97,
            '–' => 0x96,
            _ => b'?',
        })
        .collect()
}
