//! The interface in English, Russian and Kazakh. Names are always shown as written; only the
//! interface's own words are translated.

use std::collections::BTreeMap;

use axum::http::HeaderMap;

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    Ru,
    Kk,
}

impl Lang {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Kk => "kk",
        }
    }

    pub(crate) fn parse(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            "kk" => Some(Lang::Kk),
            _ => None,
        }
    }

    /// The language chosen (cookie `lang`), else the browser's first known one, else English.
    pub(crate) fn of(headers: &HeaderMap) -> Lang {
        if let Some(lang) = crate::auth::cookie(headers, "lang").and_then(Lang::parse) {
            return lang;
        }
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .into_iter()
            .flat_map(|v| v.split(','))
            .filter_map(|tag| Lang::parse(tag.trim().get(..2)?))
            .next()
            .unwrap_or(Lang::En)
    }

    /// Every interface string in this language, by key.
    pub(crate) fn strings(self) -> BTreeMap<&'static str, &'static str> {
        STRINGS
            .iter()
            .map(|(key, en, ru, kk)| {
                (
                    *key,
                    match self {
                        Lang::En => *en,
                        Lang::Ru => *ru,
                        Lang::Kk => *kk,
                    },
                )
            })
            .collect()
    }
}

/// (key, English, Russian, Kazakh).
const STRINGS: &[(&str, &str, &str, &str)] = &[
    ("dashboard", "Dashboard", "Обзор", "Шолу"),
    ("search", "Search", "Поиск", "Іздеу"),
    ("review", "Review", "Проверка", "Тексеру"),
    ("import", "Import", "Импорт", "Импорт"),
    ("places", "Places", "Места", "Орындар"),
    ("map", "Map", "Карта", "Карта"),
    ("timeline", "Timeline", "Хронология", "Хронология"),
    ("users", "Users", "Пользователи", "Пайдаланушылар"),
    ("sign_in", "Sign in", "Войти", "Кіру"),
    ("sign_out", "Sign out", "Выйти", "Шығу"),
    ("name", "Name", "Имя", "Аты"),
    (
        "user_name",
        "User name",
        "Имя пользователя",
        "Пайдаланушы аты",
    ),
    ("password", "Password", "Пароль", "Құпиясөз"),
    ("role", "Role", "Роль", "Рөлі"),
    ("list", "List", "Список", "Тізім"),
    ("place", "Place", "Место", "Орын"),
    ("status", "Status", "Статус", "Мәртебесі"),
    ("date", "Date", "Дата", "Күні"),
    (
        "event_date",
        "Date of death or event",
        "Дата гибели или события",
        "Қаза болған не оқиға күні",
    ),
    ("sex", "Sex", "Пол", "Жынысы"),
    ("age", "Age", "Возраст", "Жасы"),
    ("birth_date", "Birth date", "Дата рождения", "Туған күні"),
    ("person", "Person", "Человек", "Адам"),
    ("record", "Record", "Запись", "Жазба"),
    ("records", "Records", "Записи", "Жазбалар"),
    ("persons", "Persons", "Люди", "Адамдар"),
    ("score", "Match", "Совпадение", "Сәйкестік"),
    ("any", "any", "любой", "кез келген"),
    ("find", "Find", "Найти", "Табу"),
    (
        "no_results",
        "Nothing found.",
        "Ничего не найдено.",
        "Ештеңе табылмады.",
    ),
    (
        "search_hint",
        "A name in any script, in any order, in part or with a typo.",
        "Имя на любом алфавите, в любом порядке, частично или с опечаткой.",
        "Кез келген әліпбимен, кез келген ретпен, толық емес не қатесімен жазылған аты.",
    ),
    (
        "same_person",
        "Same person (m)",
        "Один человек (m)",
        "Бір адам (m)",
    ),
    (
        "not_same",
        "Different persons (n)",
        "Разные люди (n)",
        "Әртүрлі адамдар (n)",
    ),
    ("skip", "Skip (s)", "Пропустить (s)", "Өткізу (s)"),
    ("reason", "Reason", "Причина", "Себебі"),
    (
        "level",
        "Confidentiality",
        "Конфиденциальность",
        "Құпиялылық",
    ),
    (
        "level_own",
        "set on this record",
        "задана для записи",
        "жазбаға қойылған",
    ),
    (
        "level_source",
        "its list's",
        "уровень списка",
        "тізімнің деңгейі",
    ),
    (
        "set_level",
        "Set confidentiality",
        "Задать конфиденциальность",
        "Құпиялылықты қою",
    ),
    (
        "why_unsure",
        "Why the model is unsure",
        "Почему модель не уверена",
        "Модель неге сенімсіз",
    ),
    (
        "probability",
        "Match probability",
        "Вероятность совпадения",
        "Сәйкестік ықтималдығы",
    ),
    (
        "nothing_to_review",
        "Nothing waits for review.",
        "Нечего проверять.",
        "Тексеретін ештеңе жоқ.",
    ),
    ("waiting", "waiting", "ожидают", "күтуде"),
    (
        "why_together",
        "Why these records are together",
        "Почему эти записи объединены",
        "Бұл жазбалар неге біріктірілді",
    ),
    (
        "conflict",
        "Sources disagree",
        "Источники расходятся",
        "Дереккөздер сәйкес емес",
    ),
    ("field", "Field", "Поле", "Өріс"),
    (
        "file",
        "List file (CSV or XLSX)",
        "Файл списка (CSV или XLSX)",
        "Тізім файлы (CSV не XLSX)",
    ),
    (
        "source_name",
        "Name of the list",
        "Название списка",
        "Тізім атауы",
    ),
    (
        "source_kind",
        "Kind of source",
        "Тип источника",
        "Дереккөз түрі",
    ),
    (
        "check_only",
        "Only check, do not import",
        "Только проверить, не импортировать",
        "Тек тексеру, импорттамау",
    ),
    ("add", "Add", "Добавить", "Қосу"),
    ("kind", "Kind", "Тип", "Түрі"),
    ("latitude", "Latitude", "Широта", "Ендік"),
    ("longitude", "Longitude", "Долгота", "Бойлық"),
    ("burial_kind", "Burial", "Захоронение", "Жерлеу"),
    ("add_place", "Add a place", "Добавить место", "Орын қосу"),
    (
        "show_translit",
        "Show transliterations",
        "Показывать транслитерацию",
        "Транслитерацияны көрсету",
    ),
    (
        "hide_translit",
        "Hide transliterations",
        "Скрыть транслитерацию",
        "Транслитерацияны жасыру",
    ),
    (
        "schematic",
        "Schematic regions, not official boundaries.",
        "Схематичные границы областей, не официальные.",
        "Облыстардың сызбалық шекаралары, ресми емес.",
    ),
    (
        "synthetic",
        "SYNTHETIC DATA: every name and count of persons here was generated; no real person is described.",
        "СИНТЕТИЧЕСКИЕ ДАННЫЕ: все имена и числа людей здесь сгенерированы; реальные люди не описаны.",
        "СИНТЕТИКАЛЫҚ ДЕРЕКТЕР: мұндағы барлық есімдер мен адам саны жасанды; нақты адамдар сипатталмаған.",
    ),
    (
        "documented_per_day",
        "Documented persons per day",
        "Задокументировано людей по дням",
        "Күн сайын құжатталған адамдар",
    ),
    ("incidents", "Incidents", "Инциденты", "Оқиғалар"),
    (
        "add_user",
        "Add a user",
        "Добавить пользователя",
        "Пайдаланушы қосу",
    ),
    (
        "decided",
        "Decision stored and applied",
        "Решение сохранено и применено",
        "Шешім сақталып, қолданылды",
    ),
    ("document", "Document", "Документировать", "Құжаттау"),
    ("form_sources", "Sources", "Источники", "Дереккөздер"),
    ("form_incidents", "Incidents", "Инциденты", "Оқиғалар"),
    (
        "form_perpetrators",
        "Perpetrators",
        "Исполнители",
        "Орындаушылар",
    ),
    ("form_acts", "Acts", "Действия", "Әрекеттер"),
    (
        "form_official_figures",
        "Official figures",
        "Официальные цифры",
        "Ресми сандар",
    ),
    (
        "form_claims",
        "Claims and corrections",
        "Утверждения и исправления",
        "Мәлімдемелер мен түзетулер",
    ),
    ("claims", "Claims", "Утверждения", "Мәлімдемелер"),
    (
        "cases",
        "Missing persons",
        "Пропавшие",
        "Хабарсыз кеткендер",
    ),
    ("open_case", "Open a case", "Открыть дело", "Іс ашу"),
    ("sought", "Who is sought", "Кого ищут", "Кім ізделуде"),
    (
        "contact",
        "Relative's name and contact (stored encrypted)",
        "Имя и контакт родственника (хранится зашифрованным)",
        "Туыстың аты мен байланысы (шифрланып сақталады)",
    ),
    (
        "told",
        "What the family was told",
        "Что сказали семье",
        "Отбасына не айтылды",
    ),
    ("told_by", "By whom", "Кем", "Кім"),
    ("sealed", "sealed", "зашифровано", "шифрланған"),
    (
        "cases_note",
        "Contacts are stored only encrypted and never shown here; `reckon case list --reveal` opens them with the passphrase.",
        "Контакты хранятся только зашифрованными и здесь не показываются; `reckon case list --reveal` открывает их с паролем.",
        "Байланыстар тек шифрланып сақталады және мұнда көрсетілмейді; `reckon case list --reveal` оларды құпиясөзбен ашады.",
    ),
    (
        "cases_locked",
        "The server was started without the project key: cases can be opened, but without a contact.",
        "Сервер запущен без ключа проекта: дела можно открыть, но без контакта.",
        "Сервер жоба кілтінсіз іске қосылды: істі байланыссыз ашуға болады.",
    ),
    ("private", "restricted", "ограничено", "шектелген"),
    (
        "private_case",
        "Only I (and administrators) may see this case",
        "Это дело видят только я (и администраторы)",
        "Бұл істі тек мен (және әкімшілер) көре аламын",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key the templates and pages use exists, in every language, and is not empty.
    #[test]
    fn every_string_is_translated() {
        let templates = [
            include_str!("../templates/base.html"),
            include_str!("../templates/login.html"),
            include_str!("../templates/search.html"),
            include_str!("../templates/person.html"),
            include_str!("../templates/record.html"),
            include_str!("../templates/review.html"),
            include_str!("../templates/import.html"),
            include_str!("../templates/places.html"),
            include_str!("../templates/map.html"),
            include_str!("../templates/timeline.html"),
            include_str!("../templates/users.html"),
            include_str!("../templates/document.html"),
            include_str!("../templates/cases.html"),
        ];
        let pages = include_str!("pages.rs");
        for lang in [Lang::En, Lang::Ru, Lang::Kk] {
            let strings = lang.strings();
            assert!(strings.values().all(|s| !s.is_empty()));
            for source in templates.iter() {
                for (index, _) in source.match_indices("t.") {
                    let key: String = source[index + 2..]
                        .chars()
                        .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                        .collect();
                    let before = source[..index].chars().last().unwrap_or(' ');
                    if key.is_empty() || before.is_ascii_alphanumeric() || before == '_' {
                        continue;
                    }
                    assert!(
                        strings.contains_key(key.as_str()),
                        "{key} is missing in {}",
                        lang.code()
                    );
                }
            }
            for (index, _) in pages.match_indices("strings()[\"") {
                let key: String = pages[index + 11..]
                    .chars()
                    .take_while(|c| *c != '"')
                    .collect();
                assert!(
                    strings.contains_key(key.as_str()),
                    "{key} is missing in {}",
                    lang.code()
                );
            }
        }
    }
}
