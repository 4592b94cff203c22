//! Public official figures on the January 2022 events (from `shared/docs/context-january-2022.md`).
//!
//! These are real public statements, not synthetic: the demo shows them beside its
//! synthetic lists as context, and says which is which.

use reckon_store::NewOfficialFigure;

/// The official death tolls announced over time, with where they were reported.
pub fn january_2022() -> Vec<NewOfficialFigure> {
    let figure =
        |figure, announced_on: &str, announced_by: &str, url: &str, note: &str| NewOfficialFigure {
            figure,
            counts_what: "deaths in the January 2022 events, all of Kazakhstan".to_string(),
            announced_by: announced_by.to_string(),
            announced_on: announced_on.to_string(),
            source_url: Some(url.to_string()),
            note: Some(note.to_string()),
        };
    vec![
        figure(
            225,
            "2022-01-15",
            "Prosecutor General's Office (S. Shalabayev, briefing)",
            "https://newizv.ru/news/2022-01-15/genprokuratura-kazahstana-pri-besporyadkah-v-respublike-pogibli-225-chelovek-343268",
            "bodies delivered to morgues, incl. 19 police/military",
        ),
        figure(
            230,
            "2022-03-14",
            "Prosecutor General B. Asylov, Mazhilis",
            "https://interfax.com/newsroom/top-stories/76630/",
            "incl. 19 servicemen; no name list published",
        ),
        figure(
            232,
            "2022-05-05",
            "Prosecutor General's Office, reply to Human Rights Watch",
            "https://www.hrw.org/news/2022/05/05/kazakhstan-no-justice-january-protest-victims",
            "date of HRW's publication; the reply came in early May 2022",
        ),
        figure(
            238,
            "2023-01-05",
            "Prosecutor General B. Asylov, Mazhilis",
            "https://jjtv.kz/en/news/society/27703-results-of-investigation-into-january-events-announced-in-kazakh-mazhilis",
            "Almaty 151, Kyzylorda 26, Shymkent 20, Taraz 17",
        ),
    ]
}
