//! List files to records: CSV, TSV and XLSX in any encoding, with headers in three languages.
//!
//! This crate turns the bytes of one list file into [`ListRecord`]s exactly as
//! `../shared/docs/contract.md` describes, or into a list of every bad row with its row
//! number, column and value. It does no I/O: the caller reads the file.
//!
//! # Example
//!
//! ```
//! use reckon_import::{parse_list, FileFormat, ImportConfig};
//! let bytes = "№;ФИО;Дата смерти\n1;Жубаназаров Нурсултан;6 января 2022\n".as_bytes();
//! let list = parse_list(bytes, &ImportConfig::new(FileFormat::Delimited))?;
//! assert_eq!(list.records[0].name.as_deref(), Some("Жубаназаров Нурсултан"));
//! assert_eq!(list.records[0].event_date.unwrap().to_string(), "2022-01-06");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod dates;
mod decode;
mod fields;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use reckon_model::{ListRecord, Sex, Status};
use sha2::{Digest, Sha256};

pub use dates::{from_excel_serial, parse_date};
pub use decode::{Encoding, decode};
pub use fields::{Field, normalize_header};

/// How the file's bytes are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Delimited text (CSV, TSV, semicolon- or pipe-separated); the delimiter is detected.
    Delimited,
    /// A spreadsheet (XLSX, XLS, ODS); the first sheet is read.
    Spreadsheet,
}

impl FileFormat {
    /// The format a file name's extension suggests (delimited text unless a spreadsheet).
    pub fn from_file_name(name: &str) -> FileFormat {
        let lower = name.to_lowercase();
        if [".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        {
            FileFormat::Spreadsheet
        } else {
            FileFormat::Delimited
        }
    }
}

/// How to read one list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportConfig {
    /// The file's layout.
    pub format: FileFormat,
    /// `--map FIELD=COLUMN`: columns named explicitly, overriding the header aliases.
    pub mappings: Vec<(Field, String)>,
    /// Keep the good rows and return the bad ones in [`ParsedList::rejected`] instead of failing.
    pub skip_bad_rows: bool,
    /// Columns kept as plain text attributes even where their header names a field (a
    /// linkage settings file's `text_columns`, for data whose dates or codes the contract's
    /// fields would refuse).
    pub text_columns: Vec<String>,
    /// Refuse rows without any name (the contract's rule; data linked on other fields,
    /// such as the FEBRL benchmarks, may turn it off).
    pub require_name: bool,
}

impl ImportConfig {
    /// Reads a file of the given format with header detection only, failing on any bad row.
    pub fn new(format: FileFormat) -> ImportConfig {
        ImportConfig {
            format,
            mappings: Vec::new(),
            skip_bad_rows: false,
            text_columns: Vec::new(),
            require_name: true,
        }
    }
}

/// A problem with one cell or row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The row as a spreadsheet numbers it (the header is row 1).
    pub row: usize,
    /// The column's header as written, if the problem is in one cell.
    pub column: Option<String>,
    /// The offending value.
    pub value: String,
    /// What is wrong, as a short phrase.
    pub problem: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}", self.row)?;
        if let Some(column) = &self.column {
            write!(f, ", column \"{column}\"")?;
        }
        write!(f, ": {}", self.problem)?;
        if !self.value.is_empty() {
            write!(f, ": \"{}\"", self.value)?;
        }
        Ok(())
    }
}

/// Why a list could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The file has no rows at all.
    #[error("the file is empty")]
    Empty,
    /// No column holds a name.
    #[error(
        "no name column: expected a header such as name, ФИО, аты-жөні, or surname and given_name; found {}",
        headers.join(", ")
    )]
    NoNameColumn {
        /// The headers found.
        headers: Vec<String>,
    },
    /// Two columns claim one field.
    #[error(
        "columns \"{first}\" and \"{second}\" both hold {field}; name one with --map {field}=COLUMN"
    )]
    DuplicateField {
        /// The field.
        field: Field,
        /// The first column.
        first: String,
        /// The second column.
        second: String,
    },
    /// `--map` names a column the file does not have.
    #[error("--map {field}={column}: the file has no column \"{column}\"")]
    NoSuchColumn {
        /// The field mapped.
        field: Field,
        /// The column asked for.
        column: String,
    },
    /// The delimited text is malformed (for example an unclosed quote).
    #[error("row {row}: {message}")]
    Malformed {
        /// The row where reading stopped.
        row: usize,
        /// The reader's message.
        message: String,
    },
    /// The spreadsheet could not be opened.
    #[error("cannot read the spreadsheet: {0}")]
    Spreadsheet(String),
    /// Rows with bad values; nothing of the file is imported.
    #[error("{} bad {}; nothing was imported. First: {}", errors.len(), if errors.len() == 1 { "row" } else { "rows" }, errors[0])]
    BadRows {
        /// Every problem found, in row order.
        errors: Vec<RowError>,
    },
}

/// A list file read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedList {
    /// The good records, in file order.
    pub records: Vec<ListRecord>,
    /// Problems of rows left out (only with [`ImportConfig::skip_bad_rows`]).
    pub rejected: Vec<RowError>,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// The text encoding (spreadsheets report `xlsx`).
    pub encoding: &'static str,
    /// The delimiter found in delimited text.
    pub delimiter: Option<char>,
    /// Which column each recognised field came from.
    pub columns: BTreeMap<Field, String>,
    /// The header row as written.
    pub headers: Vec<String>,
    /// Each good record's cells as written, parallel to `records`.
    pub cells: Vec<Vec<String>>,
}

/// The most errors collected before giving up on a file.
const MAX_ERRORS: usize = 1000;

/// Reads one list file's bytes into records, all or nothing unless told to skip bad rows.
pub fn parse_list(bytes: &[u8], config: &ImportConfig) -> Result<ParsedList, Error> {
    let sha256 = sha256_hex(bytes);
    let (table, encoding, delimiter) = match config.format {
        FileFormat::Delimited => {
            let (text, encoding) = decode(bytes);
            let delimiter = detect_delimiter(&text);
            (
                read_delimited(&text, delimiter)?,
                encoding.as_str(),
                Some(delimiter),
            )
        }
        FileFormat::Spreadsheet => (read_spreadsheet(bytes)?, "xlsx", None),
    };
    let mut rows = table.into_iter();
    let (_, headers) = rows.next().ok_or(Error::Empty)?;
    let mut columns = map_columns(&headers, &config.mappings)?;
    let text: Vec<String> = config
        .text_columns
        .iter()
        .map(|c| normalize_header(c))
        .collect();
    columns.retain(|_, index| !text.contains(&normalize_header(&headers[*index])));
    let mut records = Vec::new();
    let mut raw_cells = Vec::new();
    let mut errors = Vec::new();
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    for (row_number, cells) in rows {
        if cells.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        match build_record(row_number, &headers, &cells, &columns, config.require_name) {
            Ok(record) => {
                if let Some(first) = seen_ids.insert(record.record_id.clone(), row_number) {
                    errors.push(RowError {
                        row: row_number,
                        column: columns.get(&Field::RecordId).map(|&i| headers[i].clone()),
                        value: record.record_id.clone(),
                        problem: format!("the same record id as row {first}"),
                    });
                } else {
                    records.push(record);
                    raw_cells.push(cells.clone());
                }
            }
            Err(mut row_errors) => errors.append(&mut row_errors),
        }
        if errors.len() >= MAX_ERRORS && !config.skip_bad_rows {
            break;
        }
    }
    if !errors.is_empty() && !config.skip_bad_rows {
        return Err(Error::BadRows { errors });
    }
    Ok(ParsedList {
        records,
        rejected: errors,
        sha256,
        encoding,
        delimiter: delimiter.map(char::from),
        columns: columns
            .into_iter()
            .map(|(field, index)| (field, headers[index].clone()))
            .collect(),
        headers,
        cells: raw_cells,
    })
}

/// SHA-256 of bytes as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Picks the delimiter that splits the first lines most consistently.
fn detect_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(50)
        .collect();
    let mut best = (b',', 0usize, 0usize);
    for candidate in [b'\t', b';', b',', b'|'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|line| count_outside_quotes(line, candidate))
            .collect();
        let Some(&header_count) = counts.first() else {
            continue;
        };
        if header_count == 0 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == header_count).count();
        // Prefer the delimiter most lines agree on, then the one that splits more columns.
        if (consistent, header_count) > (best.1, best.2) {
            best = (candidate, consistent, header_count);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, delimiter: u8) -> usize {
    let mut quoted = false;
    let mut count = 0;
    for byte in line.bytes() {
        if byte == b'"' {
            quoted = !quoted;
        } else if byte == delimiter && !quoted {
            count += 1;
        }
    }
    count
}

/// Rows of cells with their spreadsheet row numbers (the first row is 1).
type Table = Vec<(usize, Vec<String>)>;

fn read_delimited(text: &str, delimiter: u8) -> Result<Table, Error> {
    if let Some(row) = unclosed_quote_line(text) {
        return Err(Error::Malformed {
            row,
            message: "a quote opens here and is never closed".to_string(),
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|error| Error::Malformed {
            row: error.position().map_or(0, |p| p.line() as usize),
            message: error.to_string(),
        })?;
        let row = record
            .position()
            .map_or(table.len() + 1, |p| p.line() as usize);
        table.push((row, record.iter().map(str::to_string).collect()));
    }
    Ok(table)
}

/// The line of a quote that is never closed; such a quote would swallow the rest of the file.
fn unclosed_quote_line(text: &str) -> Option<usize> {
    let mut line = 1;
    let mut open_at = None;
    for byte in text.bytes() {
        match byte {
            b'"' => open_at = if open_at.is_some() { None } else { Some(line) },
            b'\n' => line += 1,
            _ => {}
        }
    }
    open_at
}

fn read_spreadsheet(bytes: &[u8]) -> Result<Table, Error> {
    use calamine::{Data, Reader, open_workbook_auto_from_rs};
    let mut workbook = open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|error| Error::Spreadsheet(error.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| Error::Spreadsheet("the workbook has no sheet".to_string()))?
        .map_err(|error| Error::Spreadsheet(error.to_string()))?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let mut table = Vec::new();
    for (index, row) in range.rows().enumerate() {
        let cells = row
            .iter()
            .map(|cell| match cell {
                Data::Empty => String::new(),
                Data::String(text) => text.clone(),
                Data::Int(number) => number.to_string(),
                Data::Float(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
                    format!("{}", *number as i64)
                }
                Data::Float(number) => number.to_string(),
                Data::Bool(value) => value.to_string(),
                Data::DateTime(datetime) => from_excel_serial(datetime.as_f64())
                    .map_or_else(|| datetime.as_f64().to_string(), |d| d.to_string()),
                Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
                Data::Error(error) => format!("#{error:?}"),
            })
            .collect();
        table.push((first_row + index + 1, cells));
    }
    Ok(table)
}

/// Decides which column holds each field.
fn map_columns(
    headers: &[String],
    mappings: &[(Field, String)],
) -> Result<BTreeMap<Field, usize>, Error> {
    let mut columns = BTreeMap::new();
    let explicit: Vec<usize> = mappings
        .iter()
        .map(|(field, column)| {
            let wanted = normalize_header(column);
            headers
                .iter()
                .position(|h| normalize_header(h) == wanted)
                .ok_or_else(|| Error::NoSuchColumn {
                    field: *field,
                    column: column.clone(),
                })
        })
        .collect::<Result<_, _>>()?;
    for ((field, _), index) in mappings.iter().zip(&explicit) {
        columns.insert(*field, *index);
    }
    for (index, header) in headers.iter().enumerate() {
        if explicit.contains(&index) {
            continue;
        }
        let Some(field) = Field::from_header(header) else {
            continue;
        };
        if mappings.iter().any(|(mapped, _)| *mapped == field) {
            continue;
        }
        if let Some(&first) = columns.get(&field) {
            return Err(Error::DuplicateField {
                field,
                first: headers[first].clone(),
                second: header.clone(),
            });
        }
        columns.insert(field, index);
    }
    let has_name = [Field::Name, Field::Surname, Field::GivenName]
        .iter()
        .any(|field| columns.contains_key(field));
    if !has_name {
        return Err(Error::NoNameColumn {
            headers: headers.to_vec(),
        });
    }
    Ok(columns)
}

fn build_record(
    row: usize,
    headers: &[String],
    cells: &[String],
    columns: &BTreeMap<Field, usize>,
    require_name: bool,
) -> Result<ListRecord, Vec<RowError>> {
    let mut errors = Vec::new();
    let cell = |field: Field| -> Option<(&str, &str)> {
        let index = *columns.get(&field)?;
        let value = cells.get(index).map(|v| v.trim()).unwrap_or("");
        (!value.is_empty()).then(|| (headers[index].as_str(), value))
    };
    let text = |field: Field| cell(field).map(|(_, value)| value.to_string());
    let mut fail = |column: &str, value: &str, problem: &str| {
        errors.push(RowError {
            row,
            column: Some(column.to_string()),
            value: value.to_string(),
            problem: problem.to_string(),
        });
    };
    let sex = cell(Field::Sex).and_then(|(column, value)| match value.parse::<Sex>() {
        Ok(sex) => Some(sex),
        Err(_) => {
            fail(column, value, "not a sex (M/F, М/Ж, муж/жен, ер/әйел)");
            None
        }
    });
    let age = cell(Field::Age).and_then(|(column, value)| match parse_age(value) {
        Some(age) => Some(age),
        None => {
            fail(column, value, "not an age in whole years (0 to 130)");
            None
        }
    });
    let mut date = |field: Field| {
        cell(field).and_then(|(column, value)| match parse_date(value) {
            Some(date) => Some(date),
            None => {
                fail(
                    column,
                    value,
                    "not a date (for example 2022-01-06, 06.01.2022, 6 января 2022)",
                );
                None
            }
        })
    };
    let birth_date = date(Field::BirthDate);
    let event_date = date(Field::EventDate);
    let record = ListRecord {
        row,
        record_id: text(Field::RecordId).unwrap_or_else(|| row.to_string()),
        name: text(Field::Name),
        surname: text(Field::Surname),
        given_name: text(Field::GivenName),
        patronymic: text(Field::Patronymic),
        sex,
        age,
        birth_date,
        event_date,
        place: text(Field::Place),
        status: text(Field::Status).map(|s| Status::parse(&s)),
        source: text(Field::Source),
        attributes: headers
            .iter()
            .enumerate()
            .filter(|(index, _)| !columns.values().any(|i| i == index))
            .filter_map(|(index, header)| {
                let value = cells.get(index)?.trim();
                (!value.is_empty()).then(|| (header.trim().to_string(), value.to_string()))
            })
            .collect(),
    };
    if require_name && record.display_name().is_empty() {
        errors.push(RowError {
            row,
            column: None,
            value: String::new(),
            problem: "no name in this row".to_string(),
        });
    }
    if cells.len() > headers.len() && cells[headers.len()..].iter().any(|c| !c.trim().is_empty()) {
        errors.push(RowError {
            row,
            column: None,
            value: cells[headers.len()..].join(" "),
            problem: format!("{} cells but {} headers", cells.len(), headers.len()),
        });
    }
    if errors.is_empty() {
        Ok(record)
    } else {
        Err(errors)
    }
}

/// An age such as `34`, `34 года`, `34 жас` or `34.0`.
fn parse_age(value: &str) -> Option<u16> {
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    let rest = value[digits.len()..].trim().to_lowercase();
    let allowed_rest = [
        "",
        ".0",
        "y",
        "yrs",
        "years",
        "year",
        "лет",
        "год",
        "года",
        "г.",
        "жас",
        "жаста",
        "жыл",
    ];
    if digits.is_empty() || !allowed_rest.contains(&rest.as_str()) {
        return None;
    }
    digits.parse::<u16>().ok().filter(|age| *age <= 130)
}

#[cfg(test)]
mod tests;
