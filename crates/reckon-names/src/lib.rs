//! Kazakh, Russian and Latin personal names: hygiene, parsing, keys and display transliteration.
//!
//! Normalization is total: [`normalize`] never fails; it returns the name's structure
//! and the warnings it met. Originals are never changed: every [`NameToken`] keeps the
//! text it came from, and the keys sit beside it.
//!
//! Two keys serve linkage: the *strict* key folds Kazakh letters to Russian ones and
//! transliterates with one fixed scheme; the *loose* key then folds the spelling
//! variation of `transliteration.md` §1.4 (zh/j/dzh, kh/h/x/q, ye/e, ya/ia, doubled
//! letters …) so that Жұбаназаров, Жубаназаров, Zhubanazarov and Jubanazarov share one.
//! The loose key over-merges on purpose: it is for blocking, never for deciding.
//!
//! # Example
//!
//! ```
//! let (name, warnings) = reckon_names::normalize("ЖУБАНАЗАРОВ Нурсултан Асетович");
//! assert!(warnings.is_empty());
//! let (latin, _) = reckon_names::normalize("Nursultan Jubanazarov");
//! assert!(name.shares_loose_key(&latin));
//! assert_eq!(name.father_key(), Some("aset"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod display;
mod hygiene;
mod keys;
mod parse;
mod phonetic;
mod places;
mod search;

pub use display::{to_cyrillic_display, to_latin_display};
pub use hygiene::clean;
pub use keys::{loose_keys, skeleton_key, strict_key};
pub use parse::{NameToken, NormalizedName, Role, SexEvidence, Warning, normalize};
pub use phonetic::phonetic_codes;
pub use places::{GAZETTEER, Place, PlaceKind, lookup_place, place_key};
pub use search::match_score;
