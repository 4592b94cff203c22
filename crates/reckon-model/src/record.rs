//! Records as a list states them, before they are stored.

use std::fmt;
use std::str::FromStr;

use crate::{Error, PartialDate};

/// What kind of source a list comes from (the contract's `--kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// An official statement or list.
    Official,
    /// A media report or list.
    Media,
    /// A non-governmental organisation's list.
    Ngo,
    /// A witness testimony.
    Testimony,
    /// A morgue register.
    Morgue,
    /// Relatives' reports.
    Relatives,
    /// Anything else.
    Other,
}

impl SourceKind {
    /// Every kind, in the contract's order.
    pub const ALL: [SourceKind; 7] = [
        SourceKind::Official,
        SourceKind::Media,
        SourceKind::Ngo,
        SourceKind::Testimony,
        SourceKind::Morgue,
        SourceKind::Relatives,
        SourceKind::Other,
    ];

    /// The contract's lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Official => "official",
            SourceKind::Media => "media",
            SourceKind::Ngo => "ngo",
            SourceKind::Testimony => "testimony",
            SourceKind::Morgue => "morgue",
            SourceKind::Relatives => "relatives",
            SourceKind::Other => "other",
        }
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SourceKind {
    type Err = Error;

    fn from_str(text: &str) -> Result<SourceKind, Error> {
        let lower = text.trim().to_lowercase();
        SourceKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == lower)
            .ok_or_else(|| Error::UnknownSourceKind(text.to_string()))
    }
}

/// A person's sex as a source records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Male.
    Male,
    /// Female.
    Female,
}

impl Sex {
    /// `M` or `F`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }
}

impl FromStr for Sex {
    type Err = Error;

    /// Accepts the contract's spellings in English, Russian and Kazakh.
    fn from_str(text: &str) -> Result<Sex, Error> {
        let lower = text.trim().trim_end_matches('.').to_lowercase();
        match lower.as_str() {
            "m" | "male" | "man" | "м" | "муж" | "мужской" | "мужчина" | "ер" | "еркек" => {
                Ok(Sex::Male)
            }
            "f" | "female" | "woman" | "ж" | "жен" | "женский" | "женщина" | "әйел" | "айел" => {
                Ok(Sex::Female)
            }
            _ => Err(Error::UnknownSex(text.to_string())),
        }
    }
}

/// What happened to a person, as the source says it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Status {
    /// Killed.
    Killed,
    /// Wounded.
    Wounded,
    /// Missing.
    Missing,
    /// Detained.
    Detained,
    /// Disappeared.
    Disappeared,
    /// The source's own word, kept as written.
    Other(String),
}

impl Status {
    /// Recognises the standard statuses in English, Russian and Kazakh; keeps anything else.
    pub fn parse(text: &str) -> Status {
        let lower = text.trim().to_lowercase();
        match lower.as_str() {
            "killed"
            | "dead"
            | "died"
            | "погиб"
            | "погибла"
            | "убит"
            | "убита"
            | "погибший"
            | "погибшая"
            | "умер"
            | "умерла"
            | "қаза тапты"
            | "қайтыс болды"
            | "өлді" => Status::Killed,
            "wounded" | "injured" | "ранен" | "ранена" | "раненый" | "жараланды" | "жаралы" => {
                Status::Wounded
            }
            "missing" | "пропал" | "пропала" | "пропавший" | "хабарсыз" | "із-түзсіз" => {
                Status::Missing
            }
            "detained" | "arrested" | "задержан" | "задержана" | "арестован" | "ұсталды" => {
                Status::Detained
            }
            "disappeared" | "исчез" | "исчезла" | "жоғалып кетті" => {
                Status::Disappeared
            }
            _ => Status::Other(text.trim().to_string()),
        }
    }

    /// The stored form: the standard English word, or the source's own.
    pub fn as_str(&self) -> &str {
        match self {
            Status::Killed => "killed",
            Status::Wounded => "wounded",
            Status::Missing => "missing",
            Status::Detained => "detained",
            Status::Disappeared => "disappeared",
            Status::Other(word) => word,
        }
    }
}

/// One row of a list file, as the source wrote it, with parsed fields beside the raw ones.
///
/// Names are kept exactly as written; normalization produces keys elsewhere and never
/// replaces them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListRecord {
    /// The 1-based data row (or sheet row) the record came from.
    pub row: usize,
    /// The source's identifier for the record, or the row number if the list has none.
    pub record_id: String,
    /// The full name as written, if the list has a name column.
    pub name: Option<String>,
    /// The surname as written.
    pub surname: Option<String>,
    /// The given name as written.
    pub given_name: Option<String>,
    /// The patronymic as written.
    pub patronymic: Option<String>,
    /// Sex, if stated.
    pub sex: Option<Sex>,
    /// Age in whole years, if stated.
    pub age: Option<u16>,
    /// Birth date, if stated.
    pub birth_date: Option<PartialDate>,
    /// The date of the event (death, injury, detention), if stated.
    pub event_date: Option<PartialDate>,
    /// The place as written.
    pub place: Option<String>,
    /// The status as the source gives it.
    pub status: Option<Status>,
    /// The list's name when the file carries it per row.
    pub source: Option<String>,
    /// Every other column, as `(header, value)`, in file order.
    pub attributes: Vec<(String, String)>,
}

impl ListRecord {
    /// The name as one string: the full name if given, else the parts joined in the
    /// order surname, given name, patronymic.
    pub fn display_name(&self) -> String {
        if let Some(name) = self.name.as_deref().filter(|n| !n.trim().is_empty()) {
            return name.trim().to_string();
        }
        [&self.surname, &self.given_name, &self.patronymic]
            .into_iter()
            .flatten()
            .map(|part| part.trim())
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sex_spellings() {
        for male in ["M", "male", "М", "муж", "ер"] {
            assert_eq!(male.parse::<Sex>().unwrap(), Sex::Male, "{male}");
        }
        for female in ["F", "female", "Ж", "жен", "әйел"] {
            assert_eq!(female.parse::<Sex>().unwrap(), Sex::Female, "{female}");
        }
        assert!("x".parse::<Sex>().is_err());
    }

    #[test]
    fn status_keeps_unknown_words() {
        assert_eq!(Status::parse("Погиб"), Status::Killed);
        assert_eq!(
            Status::parse("shot at the square").as_str(),
            "shot at the square"
        );
    }
}
