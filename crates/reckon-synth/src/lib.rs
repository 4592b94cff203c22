//! Synthetic scenarios: victims and the partial, differently-spelled lists that document them.
//!
//! Everything here is **synthetic**. Names are drawn from lists of common Kazakh and
//! Russian names (`data/names.csv`, see `data/README.md`); no real person is described.
//! The scenario is modelled on the January 2022 events in Kazakhstan only in its shape:
//! cities, dates, and lists kept by officials, media, NGOs and relatives, each in its own
//! script, spelling and name order, each more likely to record some people than others.
//!
//! The generator does no I/O: it returns file contents and the truth (which record is
//! which person), and the caller writes them. Its transliterations are its own, written
//! from the published schemes, independent of `reckon-names`, so that linkage is tested
//! against spellings it was not built from.
//!
//! # Example
//!
//! ```
//! let scenario = reckon_synth::Scenario::generate(&reckon_synth::ScenarioConfig { seed: 7, n_victims: 120, noise_percent: 100 });
//! assert_eq!(scenario.persons.len(), 120);
//! assert!(scenario.lists.len() >= 5);
//! assert!(scenario.lists.iter().all(|list| list.source_name.contains("synthetic")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod ceiling;
mod encode;
mod names;
mod scenario;
mod translit;

pub use scenario::{
    CITIES, City, GeneratedList, NameShown, Person, Scenario, ScenarioConfig, Shown,
};
pub use translit::{kazakh_latin, passport_latin, to_russian_cyrillic};

/// The embedded name list as `(category, own spelling, Russian spelling, KazPER Latin)`.
pub fn name_list() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    names::rows()
        .iter()
        .map(|r| {
            (
                r.category.as_str(),
                r.name.as_str(),
                r.name_ru.as_str(),
                r.latin.as_str(),
            )
        })
        .collect()
}
