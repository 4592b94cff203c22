//! `reckon search` and `reckon show` (issue 3: a query in Cyrillic finds the Latin record
//! and back). Synthetic names from the common-name lists.

use crate::{Project, stderr, stdout};

fn project_with_two_lists() -> Project {
    let project = Project::initialised();
    project.write(
        "official.csv",
        "id,name,date_of_death,place\n\
         1,САДЫКОВ Ерлан Маратович,06.01.2022,г. Алма-Ата\n\
         2,Касымова Динара Сериковна,07.01.2022,Талдыкорган\n\
         3,Омаров Жума,06.01.2022,Алматы\n",
    );
    project.write(
        "media.csv",
        "id,name,date,place\n\
         A,Erlan Sadykov,2022-01-06,Almaty\n\
         B,Dinara Qasymova,2022-01-07,Taldykorgan\n\
         C,Nurlan Bekov,2022-01-08,Taraz\n",
    );
    for (file, source) in [
        ("official.csv", "official (synthetic)"),
        ("media.csv", "media (synthetic)"),
    ] {
        let output = project.run(&["import", file, "--source", source]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let output = project.run(&["link"]);
    assert!(output.status.success(), "{}", stderr(&output));
    project
}

#[test]
fn queries_in_either_script_find_both() {
    let project = project_with_two_lists();
    for query in [
        "Садыков",
        "sadykov",
        "Erlan Sadykov",
        "Садыков Ерлан",
        "Sadyk",
    ] {
        let output = project.run(&["search", query]);
        assert!(output.status.success(), "{}", stderr(&output));
        let text = stdout(&output);
        assert!(text.contains("САДЫКОВ Ерлан Маратович"), "{query}: {text}");
        assert!(text.contains("Erlan Sadykov"), "{query}: {text}");
        assert!(!text.contains("Касымова"), "{query}: {text}");
    }
    let output = project.run(&["search", "Қасымова"]);
    insta::assert_snapshot!("search_kazakh_query", stdout(&output));
    let output = project.run(&["search", "Ахметов"]);
    assert!(output.status.success());
    assert!(stdout(&output).contains("no record matches"));
}

#[test]
fn show_puts_a_persons_records_side_by_side() {
    let project = project_with_two_lists();
    let output = project.run(&["search", "Dinara Kasymova", "--format", "json"]);
    let hits: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let person = hits[0]["person"].as_str().unwrap().to_string();
    assert!(
        hits.as_array()
            .unwrap()
            .iter()
            .all(|h| h["person"] == person.as_str())
    );
    let output = project.run(&["show", &person]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("2 records from 2 lists"), "{text}");
    assert!(
        text.contains("Taldykorgan / Талдықорған / Талдыкорган"),
        "{text}"
    );
    let output = project.run(&["show", "p999"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no record or person p999"));
}
