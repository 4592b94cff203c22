//! Places documenters add: squares, morgues, detention facilities, burial sites.

use reckon_store::{NewPlace, PlaceRow, Store};

use crate::Error;

/// The kinds of place a documenter may add.
pub const KINDS: [&str; 9] = [
    "square",
    "street",
    "hospital",
    "morgue",
    "detention_facility",
    "burial_site",
    "city",
    "district",
    "other",
];

/// What is known of how people were buried at a burial site.
pub const BURIAL_KINDS: [&str; 4] = ["marked_grave", "common_trench", "undisclosed", "unknown"];

/// Checks and adds a place: a known kind, a name, coordinates in range and given both or
/// neither, a burial kind only for a burial site.
pub fn add_place(store: &mut Store, place: &NewPlace, actor: &str) -> Result<i64, Error> {
    let bad = |message: String| Err(Error::BadInput(message));
    if !KINDS.contains(&place.kind.as_str()) {
        return bad(format!(
            "unknown kind of place {:?}: use one of {}",
            place.kind,
            KINDS.join(", ")
        ));
    }
    let name = place.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return bad("a place needs a name of 1 to 200 characters".to_string());
    }
    match (place.latitude, place.longitude) {
        (Some(lat), Some(lon)) => {
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return bad(format!(
                    "coordinates {lat}, {lon} are not a latitude and a longitude"
                ));
            }
        }
        (None, None) => {}
        _ => return bad("give both latitude and longitude, or neither".to_string()),
    }
    if let Some(kind) = &place.burial_kind {
        if place.kind != "burial_site" {
            return bad("a burial kind is only for a burial site".to_string());
        }
        if !BURIAL_KINDS.contains(&kind.as_str()) {
            return bad(format!(
                "unknown burial kind {kind:?}: use one of {}",
                BURIAL_KINDS.join(", ")
            ));
        }
    }
    let place = NewPlace {
        name: name.to_string(),
        ..place.clone()
    };
    Ok(store.add_place(&place, actor)?)
}

/// Every place, oldest first.
pub fn places(store: &Store) -> Result<Vec<PlaceRow>, Error> {
    Ok(store.places()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(kind: &str, lat: Option<f64>, lon: Option<f64>, burial: Option<&str>) -> NewPlace {
        NewPlace {
            kind: kind.to_string(),
            name: "Synthetic site".to_string(),
            latitude: lat,
            longitude: lon,
            burial_kind: burial.map(str::to_string),
        }
    }

    #[test]
    fn places_are_checked_then_stored_and_audited() {
        let mut store = Store::open_in_memory().unwrap();
        let ok = place("burial_site", Some(43.25), Some(76.9), Some("undisclosed"));
        let id = add_place(&mut store, &ok, "doc").unwrap();
        assert_eq!(places(&store).unwrap()[0].id, id);
        for wrong in [
            place("palace", None, None, None),
            place("morgue", Some(95.0), Some(76.0), None),
            place("morgue", Some(43.0), None, None),
            place("morgue", None, None, Some("undisclosed")),
            place("burial_site", None, None, Some("mass")),
        ] {
            assert!(matches!(
                add_place(&mut store, &wrong, "doc"),
                Err(Error::BadInput(_))
            ));
        }
        assert_eq!(places(&store).unwrap().len(), 1);
        assert!(store.verify().unwrap().is_ok());
    }
}
