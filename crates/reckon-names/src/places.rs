//! A gazetteer of Kazakhstan's regions and main cities: names in Kazakh, Russian and
//! Latin, old and alternative names, the region of each city, and city coordinates for
//! maps. Lookup goes through the same loose keys as names, so "г. Алма-Ата", "Алматы
//! қаласы" and "Almaty" find one city, and "Алматинская обл." and "Алматы облысы" one
//! region. Places the gazetteer does not know keep a normalized key of their own.
//!
//! Names and coordinates are public geography (administrative division as of 2023, after
//! the three regions created in June 2022; old names kept so that lists written in 1990s
//! or Soviet usage resolve). Coordinates are city centres to about a kilometre.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::keys::loose_keys;

/// What a gazetteer entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceKind {
    /// A region (облыс/область).
    Region,
    /// A city or town.
    City,
}

/// One gazetteer entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// A stable identifier (its Latin name in lower case, `-region` for regions).
    pub id: &'static str,
    /// Region or city.
    pub kind: PlaceKind,
    /// Its Kazakh name.
    pub kazakh: &'static str,
    /// Its Russian name.
    pub russian: &'static str,
    /// Its Latin name as English-language media write it.
    pub latin: &'static str,
    /// Old, alternative and abbreviated names in any script.
    pub other_names: &'static [&'static str],
    /// For a city, the id of its region (none for the three cities of republican status).
    pub region: Option<&'static str>,
    /// For a city, latitude and longitude in degrees (WGS 84).
    pub coordinates: Option<(f64, f64)>,
}

const fn city(
    id: &'static str,
    kazakh: &'static str,
    russian: &'static str,
    latin: &'static str,
    other_names: &'static [&'static str],
    region: Option<&'static str>,
    coordinates: (f64, f64),
) -> Place {
    Place {
        id,
        kind: PlaceKind::City,
        kazakh,
        russian,
        latin,
        other_names,
        region,
        coordinates: Some(coordinates),
    }
}

const fn region(
    id: &'static str,
    kazakh: &'static str,
    russian: &'static str,
    latin: &'static str,
    other_names: &'static [&'static str],
) -> Place {
    Place {
        id,
        kind: PlaceKind::Region,
        kazakh,
        russian,
        latin,
        other_names,
        region: None,
        coordinates: None,
    }
}

/// Every entry. Region names are given without the word for region; Russian adjectival
/// forms ("Алматинская") are listed among the other names.
pub static GAZETTEER: &[Place] = &[
    region("abai-region", "Абай", "Абай", "Abai", &["Абайская", "Abay"]),
    region(
        "akmola-region",
        "Ақмола",
        "Акмолинская",
        "Akmola",
        &["Aqmola", "Целиноградская"],
    ),
    region(
        "aktobe-region",
        "Ақтөбе",
        "Актюбинская",
        "Aktobe",
        &["Aqtöbe", "Актобе"],
    ),
    region(
        "almaty-region",
        "Алматы",
        "Алматинская",
        "Almaty",
        &["Алма-Атинская"],
    ),
    region(
        "atyrau-region",
        "Атырау",
        "Атырауская",
        "Atyrau",
        &["Гурьевская"],
    ),
    region(
        "west-kazakhstan-region",
        "Батыс Қазақстан",
        "Западно-Казахстанская",
        "West Kazakhstan",
        &["ЗКО", "Batys Qazaqstan", "Уральская"],
    ),
    region(
        "jetisu-region",
        "Жетісу",
        "Жетысуская",
        "Jetisu",
        &["Zhetysu", "Жетысу"],
    ),
    region(
        "zhambyl-region",
        "Жамбыл",
        "Жамбылская",
        "Zhambyl",
        &["Jambyl", "Джамбулская"],
    ),
    region(
        "karaganda-region",
        "Қарағанды",
        "Карагандинская",
        "Karaganda",
        &["Qaraghandy", "Qaragandy"],
    ),
    region(
        "kostanay-region",
        "Қостанай",
        "Костанайская",
        "Kostanay",
        &["Qostanay", "Кустанайская"],
    ),
    region(
        "kyzylorda-region",
        "Қызылорда",
        "Кызылординская",
        "Kyzylorda",
        &["Qyzylorda"],
    ),
    region(
        "mangystau-region",
        "Маңғыстау",
        "Мангистауская",
        "Mangystau",
        &["Mangghystau", "Мангышлакская"],
    ),
    region(
        "pavlodar-region",
        "Павлодар",
        "Павлодарская",
        "Pavlodar",
        &[],
    ),
    region(
        "north-kazakhstan-region",
        "Солтүстік Қазақстан",
        "Северо-Казахстанская",
        "North Kazakhstan",
        &["СКО", "Soltustik Qazaqstan"],
    ),
    region(
        "turkistan-region",
        "Түркістан",
        "Туркестанская",
        "Turkistan",
        &[
            "Turkestan",
            "Южно-Казахстанская",
            "ЮКО",
            "Оңтүстік Қазақстан",
            "South Kazakhstan",
            "Чимкентская",
        ],
    ),
    region("ulytau-region", "Ұлытау", "Улытауская", "Ulytau", &[]),
    region(
        "east-kazakhstan-region",
        "Шығыс Қазақстан",
        "Восточно-Казахстанская",
        "East Kazakhstan",
        &["ВКО", "Shygys Qazaqstan"],
    ),
    // Cities of republican status.
    city(
        "astana",
        "Астана",
        "Астана",
        "Astana",
        &[
            "Нур-Султан",
            "Нұр-Сұлтан",
            "Nur-Sultan",
            "Акмола",
            "Ақмола",
            "Akmola",
            "Целиноград",
            "Tselinograd",
            "Акмолинск",
        ],
        None,
        (51.1605, 71.4704),
    ),
    city(
        "almaty",
        "Алматы",
        "Алматы",
        "Almaty",
        &["Алма-Ата", "Alma-Ata", "Верный", "Verny"],
        None,
        (43.2389, 76.8897),
    ),
    city(
        "shymkent",
        "Шымкент",
        "Шымкент",
        "Shymkent",
        &["Чимкент", "Chimkent"],
        None,
        (42.3417, 69.5901),
    ),
    // Regional centres and other towns.
    city(
        "semey",
        "Семей",
        "Семей",
        "Semey",
        &["Семипалатинск", "Semipalatinsk"],
        Some("abai-region"),
        (50.4111, 80.2275),
    ),
    city(
        "kokshetau",
        "Көкшетау",
        "Кокшетау",
        "Kokshetau",
        &["Кокчетав", "Kökshetau"],
        Some("akmola-region"),
        (53.2833, 69.3833),
    ),
    city(
        "aktobe",
        "Ақтөбе",
        "Актобе",
        "Aktobe",
        &["Актюбинск", "Aktyubinsk", "Aqtöbe"],
        Some("aktobe-region"),
        (50.2839, 57.1670),
    ),
    city(
        "konaev",
        "Қонаев",
        "Конаев",
        "Konaev",
        &["Капшагай", "Қапшағай", "Kapchagay", "Qonaev"],
        Some("almaty-region"),
        (43.8667, 77.0667),
    ),
    city(
        "kaskelen",
        "Қаскелең",
        "Каскелен",
        "Kaskelen",
        &["Qaskeleng"],
        Some("almaty-region"),
        (43.2000, 76.6167),
    ),
    city(
        "talgar",
        "Талғар",
        "Талгар",
        "Talgar",
        &["Talghar"],
        Some("almaty-region"),
        (43.3030, 77.2400),
    ),
    city(
        "esik",
        "Есік",
        "Есик",
        "Esik",
        &["Иссык", "Issyk"],
        Some("almaty-region"),
        (43.3550, 77.4525),
    ),
    city(
        "atyrau",
        "Атырау",
        "Атырау",
        "Atyrau",
        &["Гурьев", "Guryev"],
        Some("atyrau-region"),
        (47.0945, 51.9238),
    ),
    city(
        "oral",
        "Орал",
        "Уральск",
        "Oral",
        &["Uralsk"],
        Some("west-kazakhstan-region"),
        (51.2333, 51.3667),
    ),
    city(
        "taldykorgan",
        "Талдықорған",
        "Талдыкорган",
        "Taldykorgan",
        &["Талды-Курган", "Taldyqorghan"],
        Some("jetisu-region"),
        (45.0156, 78.3739),
    ),
    city(
        "taraz",
        "Тараз",
        "Тараз",
        "Taraz",
        &["Джамбул", "Жамбыл", "Аулие-Ата", "Dzhambul"],
        Some("zhambyl-region"),
        (42.9000, 71.3667),
    ),
    city(
        "karaganda",
        "Қарағанды",
        "Караганда",
        "Karaganda",
        &["Qaraghandy", "Qaragandy"],
        Some("karaganda-region"),
        (49.8047, 73.1094),
    ),
    city(
        "temirtau",
        "Теміртау",
        "Темиртау",
        "Temirtau",
        &[],
        Some("karaganda-region"),
        (50.0549, 72.9646),
    ),
    city(
        "balkhash",
        "Балқаш",
        "Балхаш",
        "Balkhash",
        &["Balqash"],
        Some("karaganda-region"),
        (46.8481, 74.9950),
    ),
    city(
        "kostanay",
        "Қостанай",
        "Костанай",
        "Kostanay",
        &["Кустанай", "Qostanay"],
        Some("kostanay-region"),
        (53.2144, 63.6246),
    ),
    city(
        "kyzylorda",
        "Қызылорда",
        "Кызылорда",
        "Kyzylorda",
        &["Ак-Мечеть", "Перовск", "Qyzylorda"],
        Some("kyzylorda-region"),
        (44.8528, 65.5092),
    ),
    city(
        "aktau",
        "Ақтау",
        "Актау",
        "Aktau",
        &["Шевченко", "Shevchenko", "Aqtau"],
        Some("mangystau-region"),
        (43.6481, 51.1722),
    ),
    city(
        "zhanaozen",
        "Жаңаөзен",
        "Жанаозен",
        "Zhanaozen",
        &["Новый Узень", "Novy Uzen", "Janaozen"],
        Some("mangystau-region"),
        (43.3412, 52.8619),
    ),
    city(
        "pavlodar",
        "Павлодар",
        "Павлодар",
        "Pavlodar",
        &[],
        Some("pavlodar-region"),
        (52.2873, 76.9674),
    ),
    city(
        "ekibastuz",
        "Екібастұз",
        "Экибастуз",
        "Ekibastuz",
        &["Ekibastuz"],
        Some("pavlodar-region"),
        (51.7298, 75.3266),
    ),
    city(
        "petropavl",
        "Петропавл",
        "Петропавловск",
        "Petropavl",
        &["Petropavlovsk"],
        Some("north-kazakhstan-region"),
        (54.8667, 69.1500),
    ),
    city(
        "turkistan",
        "Түркістан",
        "Туркестан",
        "Turkistan",
        &["Turkestan"],
        Some("turkistan-region"),
        (43.3000, 68.2500),
    ),
    city(
        "zhezkazgan",
        "Жезқазған",
        "Жезказган",
        "Zhezkazgan",
        &["Джезказган", "Jezqazghan"],
        Some("ulytau-region"),
        (47.7833, 67.7667),
    ),
    city(
        "oskemen",
        "Өскемен",
        "Усть-Каменогорск",
        "Oskemen",
        &["Ust-Kamenogorsk", "Öskemen"],
        Some("east-kazakhstan-region"),
        (49.9483, 82.6275),
    ),
];

/// Words around a place name that are not the name ("г. Алматы", "Алматы қаласы").
const CITY_WORDS: &[&str] = &[
    "г",
    "гор",
    "город",
    "қаласы",
    "қ",
    "city",
    "of",
    "town",
    "пос",
    "поселок",
    "посёлок",
    "с",
    "село",
    "ауылы",
    "ауыл",
    "кент",
    "town",
    "the",
];

/// Words that say the place is a region.
const REGION_WORDS: &[&str] = &[
    "обл",
    "область",
    "облысы",
    "region",
    "oblast",
    "oblysy",
    "province",
];

/// Words that mark a district, a part below the city or region that the gazetteer does not
/// resolve ("Алмалинский район", "Медеу ауданы").
const DISTRICT_WORDS: &[&str] = &["район", "р-н", "ауданы", "district", "мкр", "микрорайон"];

/// Loose key of each name of each entry, split by kind: regions' names would otherwise
/// collide with their centres' (Алматы облысы, Алматы).
static INDEX: LazyLock<[HashMap<String, usize>; 2]> = LazyLock::new(|| {
    let mut regions = HashMap::new();
    let mut cities = HashMap::new();
    for (index, place) in GAZETTEER.iter().enumerate() {
        let target = match place.kind {
            PlaceKind::Region => &mut regions,
            PlaceKind::City => &mut cities,
        };
        for name in [place.kazakh, place.russian, place.latin]
            .into_iter()
            .chain(place.other_names.iter().copied())
        {
            if let Some(key) = words_key(&words(name)) {
                target.entry(key).or_insert(index);
            }
        }
    }
    [regions, cities]
});

fn words(text: &str) -> Vec<String> {
    crate::clean(text)
        .split(|c: char| c.is_whitespace() || c == '.' || c == ',' || c == '-')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn words_key(words: &[String]) -> Option<String> {
    let kept: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !CITY_WORDS.contains(w) && !REGION_WORDS.contains(w))
        .collect();
    if kept.is_empty() {
        return None;
    }
    loose_keys(&kept.concat()).into_iter().next()
}

/// The gazetteer entry a place as written names, if it knows it: each comma-separated part
/// is tried, districts last; a part with a word for region is looked up among regions, any
/// other among cities first.
pub fn lookup_place(text: &str) -> Option<&'static Place> {
    let mut parts: Vec<Vec<String>> = text
        .split([',', ';', '('])
        .map(words)
        .filter(|w| !w.is_empty())
        .collect();
    parts.sort_by_key(|w| w.iter().any(|x| DISTRICT_WORDS.contains(&x.as_str())));
    for part in parts {
        if part.iter().any(|x| DISTRICT_WORDS.contains(&x.as_str())) {
            continue;
        }
        let Some(key) = words_key(&part) else {
            continue;
        };
        let is_region = part.iter().any(|x| REGION_WORDS.contains(&x.as_str()));
        let order: [usize; 2] = if is_region { [0, 1] } else { [1, 0] };
        for index in order {
            if let Some(&found) = INDEX[index].get(&key) {
                return Some(&GAZETTEER[found]);
            }
        }
    }
    None
}

/// The key of a place as written: the gazetteer id when it knows the place (so that old
/// and new names, scripts and "г."/"қаласы" forms agree), else the loose key of the words
/// that remain; `None` when nothing name-like remains.
pub fn place_key(place: &str) -> Option<String> {
    if let Some(known) = lookup_place(place) {
        return Some(known.id.to_string());
    }
    let parts: Vec<String> = words(place)
        .into_iter()
        .filter(|w| !DISTRICT_WORDS.contains(&w.as_str()))
        .collect();
    words_key(&parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_found_by_each_of_its_names() {
        for place in GAZETTEER {
            let suffix = match place.kind {
                PlaceKind::Region => " облысы",
                PlaceKind::City => "",
            };
            for name in [place.kazakh, place.russian, place.latin]
                .into_iter()
                .chain(place.other_names.iter().copied())
            {
                let written = format!("{name}{suffix}");
                assert_eq!(
                    lookup_place(&written).map(|p| p.id),
                    Some(place.id),
                    "{written}"
                );
            }
        }
    }

    #[test]
    fn place_keys_ignore_surrounding_words_and_old_names() {
        for written in [
            "Алматы",
            "г. Алматы",
            "Алматы қаласы",
            "Almaty",
            "city of Almaty",
            "г. Алма-Ата",
            "Алмалинский район, г. Алматы",
            "Медеу ауданы, Алматы қаласы",
        ] {
            assert_eq!(place_key(written).as_deref(), Some("almaty"), "{written}");
        }
        for written in ["Алматинская обл.", "Алматы облысы", "Almaty Region"]
        {
            assert_eq!(
                place_key(written).as_deref(),
                Some("almaty-region"),
                "{written}"
            );
        }
        assert_eq!(place_key("Нур-Султан").as_deref(), Some("astana"));
        assert_eq!(place_key("Капшагай").as_deref(), Some("konaev"));
        assert_eq!(place_key("ЮКО").as_deref(), Some("turkistan-region"));
        // Unknown places keep a key of their own, the same across scripts.
        assert_eq!(place_key("с. Шамалган"), place_key("Shamalgan"));
        assert!(place_key("с. Шамалган").is_some());
        assert_eq!(place_key("г."), None);
    }

    #[test]
    fn cities_have_regions_that_exist() {
        for place in GAZETTEER.iter().filter(|p| p.kind == PlaceKind::City) {
            if let Some(region) = place.region {
                assert!(
                    GAZETTEER
                        .iter()
                        .any(|p| p.id == region && p.kind == PlaceKind::Region),
                    "{}",
                    place.id
                );
            }
            let (lat, lon) = place.coordinates.expect("city coordinates");
            // Kazakhstan lies within 40–56° N and 46–88° E.
            assert!(
                (40.0..56.0).contains(&lat) && (46.0..88.0).contains(&lon),
                "{}",
                place.id
            );
        }
    }
}
