//! Data-driven import cases: header aliases, date forms, encodings, delimiters, XLSX, bad rows.

use super::*;

fn parse(text: &str) -> Result<ParsedList, Error> {
    parse_list(text.as_bytes(), &ImportConfig::new(FileFormat::Delimited))
}

/// Checks that a one-column header puts a value into the expected field.
#[track_caller]
fn check_header(header: &str, field: Field) {
    let value = match field {
        Field::Sex => "М",
        Field::Age => "34",
        Field::BirthDate | Field::EventDate => "06.01.2022",
        _ => "x",
    };
    let text = format!("ФИО,\"{header}\"\nЖубаназаров Нурсултан,{value}\n");
    let text = if matches!(field, Field::Name) {
        format!("\"{header}\"\nЖубаназаров Нурсултан\n")
    } else {
        text
    };
    let list = parse(&text).unwrap_or_else(|e| panic!("{header}: {e}"));
    assert_eq!(
        list.columns.get(&field).map(String::as_str),
        Some(header),
        "{header}"
    );
}

#[test]
fn every_header_alias_lands_in_its_field() {
    for field in Field::ALL {
        for alias in field.aliases() {
            // Aliases are stored lowercase; the file may write them in any case.
            check_header(alias, field);
            let upper = alias.to_uppercase();
            if field != Field::Name {
                check_header(&upper, field);
            }
        }
    }
}

#[track_caller]
fn check_date(written: &str, expect: &str, precision: &str) {
    let text = format!("name;date\nIvanov Ivan;{written}\n");
    let list = parse(&text).unwrap_or_else(|e| panic!("{written}: {e}"));
    let date = list.records[0].event_date.expect("a date");
    assert_eq!(date.to_string(), expect, "{written}");
    assert_eq!(date.precision().as_str(), precision, "{written}");
}

#[test]
fn every_contract_date_form_keeps_its_precision() {
    check_date("2022-01-06", "2022-01-06", "day");
    check_date("06.01.2022", "2022-01-06", "day");
    check_date("6 January 2022", "2022-01-06", "day");
    check_date("6 января 2022", "2022-01-06", "day");
    check_date("6 қаңтар 2022", "2022-01-06", "day");
    check_date("2022-01", "2022-01", "month");
    check_date("январь 2022", "2022-01", "month");
    check_date("2022", "2022", "year");
}

#[track_caller]
fn check_encoding(bytes: &[u8], encoding: &str) {
    let list = parse_list(bytes, &ImportConfig::new(FileFormat::Delimited)).unwrap();
    assert_eq!(list.encoding, encoding);
    assert_eq!(list.records[0].name.as_deref(), Some("Иванов Иван"));
    assert_eq!(list.records[0].place.as_deref(), Some("Алматы"));
}

#[test]
fn encodings() {
    let text = "ФИО,Город\nИванов Иван,Алматы\n";
    check_encoding(text.as_bytes(), "utf-8");
    check_encoding(
        &[&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat(),
        "utf-8-bom",
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    check_encoding(&utf16, "utf-16le");
    // The same text in Windows-1251, as Russian Excel saves CSV.
    let cp1251: Vec<u8> = text
        .chars()
        .map(|c| match c {
            'А'..='я' => (c as u32 - 0x410 + 0xC0) as u8,
            _ => c as u8,
        })
        .collect();
    check_encoding(&cp1251, "windows-1251");
}

#[track_caller]
fn check_delimiter(text: &str, delimiter: char) {
    let list = parse(text).unwrap();
    assert_eq!(list.delimiter, Some(delimiter), "{text:?}");
    assert_eq!(list.records.len(), 2);
    assert_eq!(list.records[1].age, Some(27));
    assert_eq!(list.records[0].name.as_deref(), Some("Ivanov, Ivan"));
}

#[test]
fn delimiters() {
    check_delimiter("name,age\n\"Ivanov, Ivan\",34\nPetrov Petr,27\n", ',');
    check_delimiter("name;age\nIvanov, Ivan;34\nPetrov Petr;27\n", ';');
    check_delimiter("name\tage\nIvanov, Ivan\t34\nPetrov Petr\t27\n", '\t');
    check_delimiter("name|age\nIvanov, Ivan|34\nPetrov Petr|27\n", '|');
}

#[test]
fn names_are_kept_exactly_as_written() {
    let written = [
        "ЖУБАНАЗАРОВ Н.А.",
        "Жұбаназаров  Нурсултан",
        "Jubanazarov Nursultan",
        "Бүркітқызы Айгерім",
    ];
    let text = format!("name\n{}\n", written.join("\n"));
    let list = parse(&text).unwrap();
    let names: Vec<_> = list
        .records
        .iter()
        .map(|r| r.name.clone().unwrap())
        .collect();
    assert_eq!(names, written);
}

#[test]
fn split_name_columns_and_other_columns_become_attributes() {
    let list =
        parse("Тегі,Аты,Әкесінің аты,Жынысы,Ескерту\nБүркітқызы,Айгерім,,Ж,synthetic\n").unwrap();
    let record = &list.records[0];
    assert_eq!(record.surname.as_deref(), Some("Бүркітқызы"));
    assert_eq!(record.given_name.as_deref(), Some("Айгерім"));
    assert_eq!(record.patronymic, None);
    assert_eq!(record.sex, Some(Sex::Female));
    assert_eq!(record.display_name(), "Бүркітқызы Айгерім");
    assert_eq!(
        record.attributes,
        vec![("Ескерту".to_string(), "synthetic".to_string())]
    );
    assert_eq!(
        record.record_id, "2",
        "the row number stands in for a missing id"
    );
}

#[test]
fn xlsx() {
    let bytes = include_bytes!("../testdata/synthetic_list.xlsx");
    let list = parse_list(bytes, &ImportConfig::new(FileFormat::Spreadsheet)).unwrap();
    assert_eq!(list.records.len(), 3);
    let first = &list.records[0];
    assert_eq!(first.record_id, "1");
    assert_eq!(first.surname.as_deref(), Some("Жубаназаров"));
    assert_eq!(first.age, Some(34));
    assert_eq!(first.event_date.unwrap().to_string(), "2022-01-06");
    assert_eq!(
        list.records[1].event_date.unwrap().to_string(),
        "2022-01-07"
    );
    assert_eq!(list.records[2].age, Some(45));
    assert_eq!(list.records[2].event_date.unwrap().to_string(), "2022-01");
    assert_eq!(
        first.attributes,
        vec![("Примечание".to_string(), "synthetic".to_string())]
    );
}

#[test]
fn xlsx_bad_cell_is_located() {
    let bytes = include_bytes!("../testdata/synthetic_bad_age.xlsx");
    let error = parse_list(bytes, &ImportConfig::new(FileFormat::Spreadsheet)).unwrap_err();
    let Error::BadRows { errors } = error else {
        panic!("{error}")
    };
    assert_eq!(
        errors[0].to_string(),
        "row 2, column \"Возраст\": not an age in whole years (0 to 130): \"сорок\""
    );
}

#[test]
fn bad_rows_name_row_column_and_value() {
    let text = "№,ФИО,Пол,Возраст,Дата смерти\n\
                1,Иванов Иван,М,34,06.01.2022\n\
                2,Петров Петр,X,34,06.01.2022\n\
                3,Сидоров,М,сорок,32.01.2022\n\
                1,Касымов,М,20,\n\
                5,,,,\n";
    let Error::BadRows { errors } = parse(text).unwrap_err() else {
        panic!()
    };
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "row 3, column \"Пол\": not a sex (M/F, М/Ж, муж/жен, ер/әйел): \"X\"",
            "row 4, column \"Возраст\": not an age in whole years (0 to 130): \"сорок\"",
            "row 4, column \"Дата смерти\": not a date (for example 2022-01-06, 06.01.2022, 6 января 2022): \"32.01.2022\"",
            "row 5, column \"№\": the same record id as row 2: \"1\"",
            "row 6: no name in this row",
        ]
    );
}

#[test]
fn skipping_bad_rows_keeps_the_good_ones() {
    let text = "ФИО,Пол\nИванов Иван,М\nПетров Петр,X\n";
    let config = ImportConfig {
        skip_bad_rows: true,
        ..ImportConfig::new(FileFormat::Delimited)
    };
    let list = parse_list(text.as_bytes(), &config).unwrap();
    assert_eq!(list.records.len(), 1);
    assert_eq!(list.rejected.len(), 1);
    assert_eq!(list.rejected[0].row, 3);
}

#[test]
fn file_level_errors() {
    assert_eq!(parse("").unwrap_err(), Error::Empty);
    assert!(matches!(
        parse("age,city\n3,x\n").unwrap_err(),
        Error::NoNameColumn { .. }
    ));
    assert!(matches!(
        parse("name,ФИО\na,b\n").unwrap_err(),
        Error::DuplicateField {
            field: Field::Name,
            ..
        }
    ));
    assert_eq!(
        parse("name\nA B\n\"unclosed\nC D\n")
            .unwrap_err()
            .to_string(),
        "row 3: a quote opens here and is never closed"
    );
}

#[test]
fn explicit_mappings_override_aliases() {
    let config = ImportConfig {
        mappings: vec![
            (Field::Name, "Погибший".to_string()),
            (Field::EventDate, "когда".to_string()),
        ],
        ..ImportConfig::new(FileFormat::Delimited)
    };
    let list = parse_list(
        "Погибший,когда\nИванов Иван,6 января 2022\n".as_bytes(),
        &config,
    )
    .unwrap();
    assert_eq!(list.records[0].name.as_deref(), Some("Иванов Иван"));
    assert!(list.records[0].event_date.is_some());
    let missing = ImportConfig {
        mappings: vec![(Field::Name, "nope".to_string())],
        ..ImportConfig::new(FileFormat::Delimited)
    };
    assert!(matches!(
        parse_list(b"a\nb\n", &missing).unwrap_err(),
        Error::NoSuchColumn { .. }
    ));
}

#[test]
fn the_same_bytes_have_the_same_hash() {
    let a = parse("name\nA B\n").unwrap();
    let b = parse("name\nA B\n").unwrap();
    let c = parse("name\nA C\n").unwrap();
    assert_eq!(a.sha256, b.sha256);
    assert_ne!(a.sha256, c.sha256);
    assert_eq!(a.sha256.len(), 64);
}
