//! The map, drawn on the server as SVG over the embedded base map: no tiles, no other host.

use std::fmt::Write as _;

use crate::pages::escape;

/// A point to draw: its kind (for the colour), label, latitude and longitude.
pub(crate) struct Marker {
    pub(crate) kind: String,
    pub(crate) label: String,
    pub(crate) latitude: f64,
    pub(crate) longitude: f64,
}

const WEST: f64 = 45.5;
const NORTH: f64 = 56.0;
const EAST: f64 = 88.0;
const SOUTH: f64 = 40.0;
/// Longitude degrees shrink with latitude; at Kazakhstan's middle (48°) by cos 48°.
const X_SCALE: f64 = 0.669;

fn project(longitude: f64, latitude: f64) -> (f64, f64) {
    ((longitude - WEST) * X_SCALE, NORTH - latitude)
}

/// The SVG: regions, the gazetteer's cities, then the markers with a title each.
pub(crate) fn render(regions_geojson: &str, markers: &[Marker], lang: crate::i18n::Lang) -> String {
    let width = (EAST - WEST) * X_SCALE;
    let height = NORTH - SOUTH;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.3} {height:.3}\" \
         width=\"1000\" height=\"{:.0}\" role=\"img\" aria-label=\"map\">",
        1000.0 * height / width
    );
    let geojson: serde_json::Value = serde_json::from_str(regions_geojson).unwrap_or_default();
    let name_key = match lang {
        crate::i18n::Lang::En => "name_en",
        crate::i18n::Lang::Ru => "name_ru",
        crate::i18n::Lang::Kk => "name_kk",
    };
    for feature in geojson["features"].as_array().into_iter().flatten() {
        let name = feature["properties"][name_key].as_str().unwrap_or("");
        let mut path = String::new();
        for polygon in feature["geometry"]["coordinates"]
            .as_array()
            .into_iter()
            .flatten()
        {
            for ring in polygon.as_array().into_iter().flatten() {
                for (index, point) in ring.as_array().into_iter().flatten().enumerate() {
                    let (x, y) = project(
                        point[0].as_f64().unwrap_or(0.0),
                        point[1].as_f64().unwrap_or(0.0),
                    );
                    let _ = write!(path, "{}{x:.3},{y:.3}", if index == 0 { "M" } else { "L" });
                }
                path.push('Z');
            }
        }
        let _ = write!(
            svg,
            "<path class=\"map-region\" d=\"{path}\"><title>{}</title></path>",
            escape(name)
        );
    }
    let mut labelled: Vec<(f64, f64)> = Vec::new();
    for place in reckon_names::GAZETTEER {
        if let Some((latitude, longitude)) = place.coordinates {
            let (x, y) = project(longitude, latitude);
            // Towns crowded around a labelled city keep their dot but not their label.
            if labelled
                .iter()
                .any(|(lx, ly)| (lx - x).abs() < 1.2 && (ly - y).abs() < 0.4)
            {
                let _ = write!(
                    svg,
                    "<circle class=\"map-city\" cx=\"{x:.3}\" cy=\"{y:.3}\" r=\"0.06\"/>"
                );
                continue;
            }
            labelled.push((x, y));
            let label = match lang {
                crate::i18n::Lang::En => place.latin,
                crate::i18n::Lang::Ru => place.russian,
                crate::i18n::Lang::Kk => place.kazakh,
            };
            let _ = write!(
                svg,
                "<circle class=\"map-city\" cx=\"{x:.3}\" cy=\"{y:.3}\" r=\"0.08\"/>\
                 <text class=\"map-label\" x=\"{:.3}\" y=\"{:.3}\">{}</text>",
                x + 0.12,
                y + 0.12,
                escape(label)
            );
        }
    }
    for marker in markers {
        let (x, y) = project(marker.longitude, marker.latitude);
        let class = match marker.kind.as_str() {
            "burial_site" | "morgue" | "square" | "incident" => marker.kind.as_str(),
            _ => "other",
        };
        let _ = write!(
            svg,
            "<circle class=\"map-place {class}\" data-kind=\"{}\" cx=\"{x:.3}\" cy=\"{y:.3}\" r=\"0.18\">\
             <title>{} ({})</title></circle>",
            escape(&marker.kind),
            escape(&marker.label),
            escape(&marker.kind)
        );
    }
    // The legend, bottom left.
    for (index, (class, label)) in [
        ("burial_site", "burial site"),
        ("morgue", "morgue"),
        ("square", "square"),
        ("incident", "incident"),
        ("other", "other place"),
    ]
    .iter()
    .enumerate()
    {
        let y = height - 3.2 + index as f64 * 0.6;
        let _ = write!(
            svg,
            "<circle class=\"map-place {class}\" cx=\"0.6\" cy=\"{y:.2}\" r=\"0.18\"/>\
             <text class=\"map-label\" x=\"0.95\" y=\"{:.2}\">{label}</text>",
            y + 0.15
        );
    }
    svg.push_str("</svg>");
    svg
}
