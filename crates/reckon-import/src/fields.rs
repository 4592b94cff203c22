//! The contract's fields and the headers that name them in English, Russian and Kazakh.

use std::fmt;
use std::str::FromStr;

/// A field of the list-file format (`../shared/docs/contract.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The source's identifier of the record.
    RecordId,
    /// The list's name, per row.
    Source,
    /// The full name as written.
    Name,
    /// The surname.
    Surname,
    /// The given name.
    GivenName,
    /// The patronymic.
    Patronymic,
    /// Sex.
    Sex,
    /// Age in whole years.
    Age,
    /// Birth date.
    BirthDate,
    /// Date of the event.
    EventDate,
    /// Place.
    Place,
    /// Status.
    Status,
}

impl Field {
    /// Every field.
    pub const ALL: [Field; 12] = [
        Field::RecordId,
        Field::Source,
        Field::Name,
        Field::Surname,
        Field::GivenName,
        Field::Patronymic,
        Field::Sex,
        Field::Age,
        Field::BirthDate,
        Field::EventDate,
        Field::Place,
        Field::Status,
    ];

    /// The contract's name of the field.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::RecordId => "record_id",
            Field::Source => "source",
            Field::Name => "name",
            Field::Surname => "surname",
            Field::GivenName => "given_name",
            Field::Patronymic => "patronymic",
            Field::Sex => "sex",
            Field::Age => "age",
            Field::BirthDate => "birth_date",
            Field::EventDate => "event_date",
            Field::Place => "place",
            Field::Status => "status",
        }
    }

    /// Headers recognised for the field, already in [`normalize_header`] form.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::RecordId => &[
                "record_id",
                "rec_id",
                "id",
                "№",
                "no",
                "no.",
                "номер",
                "№ п/п",
                "#",
                "р/с",
                "реттік нөмір",
            ],
            Field::Source => &["source", "источник", "дереккөз"],
            Field::Name => &[
                "name",
                "full_name",
                "full name",
                "fio",
                "фио",
                "ф.и.о.",
                "ф. и. о.",
                "аты-жөні",
                "аты жөні",
                "фамилия имя отчество",
                "фамилия, имя, отчество",
                "тегі, аты, әкесінің аты",
            ],
            Field::Surname => &[
                "surname",
                "last_name",
                "last name",
                "family_name",
                "family name",
                "фамилия",
                "тегі",
            ],
            Field::GivenName => &[
                "given_name",
                "given name",
                "first_name",
                "first name",
                "имя",
                "аты",
            ],
            Field::Patronymic => &[
                "patronymic",
                "middle_name",
                "middle name",
                "отчество",
                "әкесінің аты",
            ],
            Field::Sex => &["sex", "gender", "пол", "жынысы"],
            Field::Age => &["age", "возраст", "жасы", "жас"],
            Field::BirthDate => &[
                "birth_date",
                "dob",
                "date_of_birth",
                "date of birth",
                "birth date",
                "дата рождения",
                "туған күні",
                "туған жылы",
                "год рождения",
            ],
            Field::EventDate => &[
                "event_date",
                "date",
                "date_of_death",
                "date of death",
                "дата смерти",
                "дата гибели",
                "дата",
                "күні",
                "қайтыс болған күні",
                "қаза тапқан күні",
            ],
            Field::Place => &[
                "place",
                "city",
                "location",
                "город",
                "место",
                "место гибели",
                "населенный пункт",
                "қала",
                "орны",
                "елді мекен",
            ],
            Field::Status => &["status", "статус", "мәртебесі"],
        }
    }

    /// The field a header names, if any.
    pub fn from_header(header: &str) -> Option<Field> {
        let normalized = normalize_header(header);
        Field::ALL
            .into_iter()
            .find(|field| field.aliases().contains(&normalized.as_str()))
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Field {
    type Err = String;

    fn from_str(text: &str) -> Result<Field, String> {
        Field::ALL
            .into_iter()
            .find(|field| field.as_str() == text.trim())
            .ok_or_else(|| {
                let names: Vec<_> = Field::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown field `{text}` (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// Lowercases a header and folds its spacing, quotes and trailing colon away.
pub fn normalize_header(header: &str) -> String {
    let trimmed = header
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '"')
        .trim_end_matches(':')
        .trim();
    trimmed
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_alias_is_recognised() {
        let table = [
            (
                Field::RecordId,
                &["record_id", "id", "№", "no", "номер"][..],
            ),
            (Field::Source, &["source", "источник", "дереккөз"]),
            (
                Field::Name,
                &["name", "full_name", "fio", "ФИО", "Ф.И.О.", "аты-жөні"],
            ),
            (Field::Surname, &["surname", "last_name", "фамилия", "тегі"]),
            (
                Field::GivenName,
                &["given_name", "first_name", "имя", "аты"],
            ),
            (
                Field::Patronymic,
                &["patronymic", "middle_name", "отчество", "әкесінің аты"],
            ),
            (Field::Sex, &["sex", "gender", "пол", "жынысы"]),
            (Field::Age, &["age", "возраст", "жасы"]),
            (
                Field::BirthDate,
                &["birth_date", "dob", "дата рождения", "туған күні"],
            ),
            (
                Field::EventDate,
                &[
                    "event_date",
                    "date",
                    "date_of_death",
                    "дата смерти",
                    "дата",
                    "күні",
                ],
            ),
            (
                Field::Place,
                &[
                    "place",
                    "city",
                    "location",
                    "город",
                    "место",
                    "қала",
                    "орны",
                ],
            ),
            (Field::Status, &["status", "статус"]),
        ];
        for (field, headers) in table {
            for header in headers {
                assert_eq!(Field::from_header(header), Some(field), "{header}");
                assert_eq!(
                    Field::from_header(&header.to_uppercase()),
                    Some(field),
                    "{header}"
                );
                assert_eq!(
                    Field::from_header(&format!(" {header}: ")),
                    Some(field),
                    "{header}"
                );
            }
        }
        assert_eq!(Field::from_header("notes"), None);
    }
}
