//! The self-contained HTML report: counts, overlaps, the estimate beside the official figures.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use reckon_store::Store;

use crate::Error;

/// Everything the report shows, gathered from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportData {
    /// Whether the project holds synthetic data (set by the demo).
    pub synthetic: bool,
    /// Per list: name, kind, records, persons, file SHA-256.
    pub lists: Vec<ListRow>,
    /// Persons on both lists i and j.
    pub overlap: Vec<Vec<usize>>,
    /// Persons by the number of lists they are on (index 1 = on one list).
    pub by_number_of_lists: Vec<usize>,
    /// Records in the project.
    pub n_records: usize,
    /// Persons found by linkage.
    pub n_persons: usize,
    /// The link run counted.
    pub link_run_id: Option<i64>,
    /// Persons per documented day of death (`YYYY-MM-DD`), and those without a day.
    pub by_day: BTreeMap<String, usize>,
    /// Persons per place, by the place's most common spelling.
    pub by_place: Vec<(String, usize)>,
    /// The newest estimate: method, estimate, interval, level, warnings.
    pub estimate: Option<EstimateSummary>,
    /// Official figures, in the order they were announced.
    pub official: Vec<reckon_store::NewOfficialFigure>,
    /// The audit chain's head, so a reader can check the report against the database.
    pub audit_head: String,
}

/// One list's line in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    /// The source's name.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// Records imported.
    pub n_records: usize,
    /// Persons it documents.
    pub n_persons: usize,
    /// The original file's SHA-256.
    pub sha256: String,
}

/// The estimate as the report shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateSummary {
    /// Method name.
    pub method: String,
    /// Point estimate.
    pub estimate: f64,
    /// Interval.
    pub interval: (f64, f64),
    /// Level.
    pub level: f64,
    /// Warnings.
    pub warnings: Vec<String>,
    /// The stored estimate's id.
    pub id: i64,
    /// The posterior of N in bins (bin start, probability), for Bayesian methods.
    pub posterior: Vec<(f64, f64)>,
}

/// Gathers the report's numbers from the store.
pub fn gather(store: &Store) -> Result<ReportData, Error> {
    let sources = store.sources()?;
    let records = store.records()?;
    let current = store.current_persons()?;
    let (link_run_id, persons) = match current {
        Some(linked) => (Some(linked.link_run_id), linked.persons),
        None => (None, records.iter().map(|r| vec![r.id]).collect()),
    };
    let record_by_id: HashMap<i64, &reckon_store::StoredRecord> =
        records.iter().map(|r| (r.id, r)).collect();
    let source_index: HashMap<i64, usize> =
        sources.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let n_lists = sources.len();
    let mut list_persons = vec![0usize; n_lists];
    let mut overlap = vec![vec![0usize; n_lists]; n_lists];
    let mut by_number_of_lists = vec![0usize; n_lists + 1];
    let mut by_day: BTreeMap<String, usize> = BTreeMap::new();
    let mut place_counts: HashMap<String, (HashMap<String, usize>, usize)> = HashMap::new();
    for members in &persons {
        let mut on = vec![false; n_lists];
        let mut days: HashMap<String, usize> = HashMap::new();
        let mut places: Vec<String> = Vec::new();
        for id in members {
            let Some(record) = record_by_id.get(id) else {
                continue;
            };
            if let Some(&j) = source_index.get(&record.source_id) {
                on[j] = true;
            }
            if let Some(date) = record.record.event_date
                && date.precision() == reckon_model::DatePrecision::Day
            {
                *days.entry(date.to_string()).or_default() += 1;
            }
            if let Some(place) = &record.record.place {
                places.push(place.clone());
            }
        }
        let lists: Vec<usize> = (0..n_lists).filter(|&j| on[j]).collect();
        for &i in &lists {
            list_persons[i] += 1;
            for &j in &lists {
                overlap[i][j] += 1;
            }
        }
        by_number_of_lists[lists.len().min(n_lists)] += 1;
        let day = days
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(d, _)| d)
            .unwrap_or_else(|| "unknown".to_string());
        *by_day.entry(day).or_default() += 1;
        if let Some(first) = places.first() {
            let key = reckon_names::place_key(first).unwrap_or_default();
            let entry = place_counts.entry(key).or_default();
            entry.1 += 1;
            for place in &places {
                *entry.0.entry(place.clone()).or_default() += 1;
            }
        }
    }
    let mut by_place: Vec<(String, usize)> = place_counts
        .into_values()
        .map(|(spellings, n)| {
            let name = spellings
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(s, _)| s)
                .unwrap_or_default();
            (name, n)
        })
        .collect();
    by_place.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let lists = sources
        .iter()
        .enumerate()
        .map(|(i, s)| ListRow {
            name: s.name.clone(),
            kind: s.kind.clone(),
            n_records: s.n_records as usize,
            n_persons: list_persons[i],
            sha256: s.file_sha256.clone().unwrap_or_default(),
        })
        .collect();
    let estimate = store.latest_estimate()?.and_then(|row| {
        let value: serde_json::Value = serde_json::from_str(&row.result).ok()?;
        Some(EstimateSummary {
            method: value["method"].as_str()?.to_string(),
            estimate: value["estimate"].as_f64()?,
            interval: (
                value["interval"][0].as_f64()?,
                value["interval"][1].as_f64()?,
            ),
            level: value["level"].as_f64()?,
            warnings: value["warnings"]
                .as_array()
                .map(|w| {
                    w.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            id: row.id,
            posterior: value["posterior"]
                .as_array()
                .map(|bins| {
                    bins.iter()
                        .filter_map(|b| Some((b[0].as_f64()?, b[1].as_f64()?)))
                        .collect()
                })
                .unwrap_or_default(),
        })
    });
    let official = store
        .official_figures()?
        .into_iter()
        .map(|row| row.figure)
        .collect();
    Ok(ReportData {
        synthetic: store.meta("synthetic")?.as_deref() == Some("true"),
        lists,
        overlap,
        by_number_of_lists,
        n_records: records.len(),
        n_persons: persons.len(),
        link_run_id,
        by_day,
        by_place,
        estimate,
        official,
        audit_head: store.verify()?.head_hash,
    })
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}\
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}\
td:first-child,th:first-child{text-align:left}.banner{background:#fff3cd;border:2px solid #c90;padding:.6em 1em;font-weight:bold}\
.big{font-size:1.4em}.note{color:#555;font-size:.9em}code{font-size:.85em;word-break:break-all}";

/// One horizontal bar.
struct Bar {
    label: String,
    value: f64,
    interval: Option<(f64, f64)>,
    colour: &'static str,
}

/// Horizontal bars with an optional interval whisker per bar; values in persons.
fn bar_chart(title: &str, bars: &[Bar]) -> String {
    let width = 880.0;
    let label_width = 330.0;
    let row = 26.0;
    let height = row * bars.len() as f64 + 40.0;
    let max = bars
        .iter()
        .map(|bar| bar.interval.map_or(bar.value, |(_, hi)| hi.max(bar.value)))
        .fold(1.0, f64::max);
    let scale = (width - label_width - 70.0) / max;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    );
    for (
        i,
        Bar {
            label,
            value,
            interval,
            colour,
        },
    ) in bars.iter().enumerate()
    {
        let y = 10.0 + row * i as f64;
        let _ = write!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.0}\" font-size=\"13\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_width}\" y=\"{:.0}\" width=\"{:.1}\" height=\"18\" fill=\"{colour}\"/>\
             <text x=\"{:.1}\" y=\"{:.0}\" font-size=\"12\">{:.0}</text>",
            label_width - 8.0,
            y + 14.0,
            escape(label),
            y,
            value * scale,
            label_width + interval.map_or(*value, |(_, high)| high.max(*value)) * scale + 6.0,
            y + 14.0,
            value
        );
        if let Some((low, high)) = interval {
            let _ = write!(
                svg,
                "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.0}\" y2=\"{:.0}\" stroke=\"#000\" stroke-width=\"2\"/>\
                 <line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.0}\" y2=\"{:.0}\" stroke=\"#000\"/>\
                 <line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.0}\" y2=\"{:.0}\" stroke=\"#000\"/>",
                label_width + low * scale,
                label_width + high * scale,
                y + 9.0,
                y + 9.0,
                label_width + low * scale,
                label_width + low * scale,
                y + 3.0,
                y + 15.0,
                label_width + high * scale,
                label_width + high * scale,
                y + 3.0,
                y + 15.0
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The posterior of N as bars, with the documented count, the estimate and its interval marked.
fn posterior_chart(
    posterior: &[(f64, f64)],
    documented: f64,
    estimate: &EstimateSummary,
) -> String {
    let (width, height, left, bottom) = (880.0, 240.0, 50.0, 40.0);
    let bin_width = if posterior.len() > 1 {
        posterior[1].0 - posterior[0].0
    } else {
        1.0
    };
    let low = posterior.first().map_or(0.0, |b| b.0).min(documented);
    let high = posterior.last().map_or(1.0, |b| b.0 + bin_width).max(
        estimate
            .interval
            .1
            .min(posterior.last().map_or(1.0, |b| b.0 + bin_width) * 1.05),
    );
    let top = posterior
        .iter()
        .map(|b| b.1)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let x = |n: f64| left + (n - low) / (high - low).max(1.0) * (width - left - 20.0);
    let y = |p: f64| height - bottom - p / top * (height - bottom - 20.0);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"Posterior distribution of the total\">"
    );
    let _ = write!(
        svg,
        "<rect x=\"{:.1}\" y=\"10\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#f3d9d8\"/>",
        x(estimate.interval.0),
        (x(estimate.interval.1.min(high)) - x(estimate.interval.0)).max(0.0),
        height - bottom - 10.0
    );
    for &(start, p) in posterior {
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#c0504d\"/>",
            x(start),
            y(p),
            (x(start + bin_width) - x(start) - 0.5).max(0.5),
            height - bottom - y(p)
        );
    }
    for (n, label, colour) in [
        (documented, "documented", "#4a6fa5"),
        (estimate.estimate, "estimate", "#000"),
    ] {
        let _ = write!(
            svg,
            "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"10\" y2=\"{1:.1}\" stroke=\"{colour}\" stroke-width=\"2\"/>\
             <text x=\"{2:.1}\" y=\"22\" font-size=\"12\" fill=\"{colour}\">{label} {n:.0}</text>",
            x(n),
            height - bottom,
            x(n) + 4.0
        );
    }
    let _ = write!(
        svg,
        "<line x1=\"{left}\" x2=\"{:.0}\" y1=\"{1:.0}\" y2=\"{1:.0}\" stroke=\"#555\"/>\
         <text x=\"{left}\" y=\"{2:.0}\" font-size=\"12\">{low:.0}</text>\
         <text x=\"{3:.0}\" y=\"{2:.0}\" font-size=\"12\" text-anchor=\"end\">{high:.0}</text>",
        width - 20.0,
        height - bottom,
        height - bottom + 16.0,
        width - 20.0
    );
    svg.push_str("</svg>");
    svg
}

/// Vertical bars per category.
fn column_chart(title: &str, columns: &[(String, usize)]) -> String {
    let column_width = 64.0;
    let height = 220.0;
    let width = column_width * columns.len() as f64 + 20.0;
    let max = columns.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1) as f64;
    let scale = (height - 60.0) / max;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        escape(title)
    );
    for (i, (label, n)) in columns.iter().enumerate() {
        let x = 10.0 + column_width * i as f64;
        let h = *n as f64 * scale;
        let _ = write!(
            svg,
            "<rect x=\"{:.0}\" y=\"{:.1}\" width=\"{:.0}\" height=\"{h:.1}\" fill=\"#4a6fa5\"/>\
             <text x=\"{:.0}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\">{n}</text>\
             <text x=\"{:.0}\" y=\"{:.0}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            x + 6.0,
            height - 30.0 - h,
            column_width - 12.0,
            x + column_width / 2.0,
            height - 34.0 - h,
            x + column_width / 2.0,
            height - 12.0,
            escape(label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A column chart as inline SVG (for the web timeline): one column per label.
pub fn column_chart_svg(title: &str, columns: &[(String, usize)]) -> String {
    column_chart(title, columns)
}

/// Renders the report; `generated_at` is shown so that a reader knows its age.
pub fn render(data: &ReportData, generated_at: &str) -> String {
    let mut html = String::new();
    let synthetic_word = if data.synthetic { " (synthetic)" } else { "" };
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>reckon report{synthetic_word}</title><style>{STYLE}</style></head><body>"
    );
    if data.synthetic {
        html.push_str(SYNTHETIC_BANNER);
    }
    let _ = write!(
        html,
        "<h1>reckon report{synthetic_word}</h1><p class=\"note\">Generated {}.</p>",
        escape(generated_at)
    );
    html.push_str(&render_body(data));
    html.push_str("</body></html>\n");
    html
}

/// The banner every page with synthetic data carries.
pub const SYNTHETIC_BANNER: &str = "<p class=\"banner\">SYNTHETIC DATA. Every list, name and count of persons on this page was generated by \
     <code>reckon demo</code> from common-name lists; no real person is described. Only the official figures \
     are real public statements, shown for context.</p>";

/// The report's sections (summary, charts, lists, overlap, days, places, official figures,
/// provenance) as an HTML fragment with inline SVG charts and no style or script: the web
/// dashboard shows the same fragment.
pub fn render_body(data: &ReportData) -> String {
    let mut html = String::new();
    // Summary.
    html.push_str("<h2>Summary</h2><table>");
    let _ = write!(html, "<tr><td>Lists</td><td>{}</td></tr>", data.lists.len());
    let _ = write!(html, "<tr><td>Records</td><td>{}</td></tr>", data.n_records);
    let _ = write!(
        html,
        "<tr><td>Documented persons (after linkage{})</td><td class=\"big\">{}</td></tr>",
        data.link_run_id
            .map(|id| format!(", run {id}"))
            .unwrap_or_else(|| ", not yet linked".to_string()),
        data.n_persons
    );
    if let Some(e) = &data.estimate {
        let _ = write!(
            html,
            "<tr><td>Estimated total ({}, {}% interval)</td><td class=\"big\">{:.0} [{:.0}, {:.0}]</td></tr>",
            escape(&e.method),
            (e.level * 100.0).round(),
            e.estimate,
            e.interval.0,
            e.interval.1
        );
        let _ = write!(
            html,
            "<tr><td>Estimated not on any list</td><td>{:.0} [{:.0}, {:.0}]</td></tr>",
            e.estimate - data.n_persons as f64,
            (e.interval.0 - data.n_persons as f64).max(0.0),
            e.interval.1 - data.n_persons as f64
        );
    }
    html.push_str("</table>");
    if let Some(e) = &data.estimate
        && !e.warnings.is_empty()
    {
        html.push_str("<p class=\"note\">What the estimate assumes:</p><ul class=\"note\">");
        for warning in &e.warnings {
            let _ = write!(html, "<li>{}</li>", escape(warning));
        }
        html.push_str("</ul>");
    }
    // The estimate beside the lists and the official figures.
    let bar = |label: String, value: f64, interval: Option<(f64, f64)>, colour: &'static str| Bar {
        label,
        value,
        interval,
        colour,
    };
    let mut bars: Vec<Bar> = data
        .lists
        .iter()
        .map(|l| bar(l.name.clone(), l.n_persons as f64, None, "#8aa9d6"))
        .collect();
    bars.push(bar(
        "All lists together (documented persons)".to_string(),
        data.n_persons as f64,
        None,
        "#4a6fa5",
    ));
    for figure in &data.official {
        bars.push(bar(
            format!("Official figure, {} (real)", figure.announced_on),
            figure.figure as f64,
            None,
            "#999",
        ));
    }
    if let Some(e) = &data.estimate {
        bars.push(bar(
            format!("Estimated total ({})", e.method),
            e.estimate,
            Some(e.interval),
            "#c0504d",
        ));
    }
    html.push_str("<h2>Counts and the estimate</h2>");
    html.push_str(&bar_chart(
        "Persons per list, documented, official and estimated totals",
        &bars,
    ));
    if let Some(e) = &data.estimate
        && !e.posterior.is_empty()
    {
        let _ = write!(
            html,
            "<h2>Posterior of the total</h2><p class=\"note\">How plausible each total is under {} given the lists; the shaded band is the {}% interval.</p>",
            escape(&e.method),
            (e.level * 100.0).round()
        );
        html.push_str(&posterior_chart(&e.posterior, data.n_persons as f64, e));
    }
    // Lists.
    html.push_str("<h2>Lists</h2><table><tr><th>List</th><th>Kind</th><th>Records</th><th>Persons</th><th>File SHA-256</th></tr>");
    for list in &data.lists {
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            escape(&list.name),
            escape(&list.kind),
            list.n_records,
            list.n_persons,
            escape(list.sha256.get(..16).unwrap_or(&list.sha256))
        );
    }
    html.push_str("</table>");
    // Overlap.
    html.push_str("<h2>Overlap between lists</h2><p class=\"note\">Persons on both the row's and the column's list; the diagonal is each list's persons.</p><table><tr><th></th>");
    for j in 0..data.lists.len() {
        let _ = write!(html, "<th>{}</th>", j + 1);
    }
    html.push_str("</tr>");
    for (i, row) in data.overlap.iter().enumerate() {
        let _ = write!(
            html,
            "<tr><td>{} {}</td>",
            i + 1,
            escape(&data.lists[i].name)
        );
        for n in row {
            let _ = write!(html, "<td>{n}</td>");
        }
        html.push_str("</tr>");
    }
    html.push_str("</table><table><tr><th>On how many lists</th><th>Persons</th></tr>");
    for (k, n) in data.by_number_of_lists.iter().enumerate().skip(1) {
        let _ = write!(html, "<tr><td>{k}</td><td>{n}</td></tr>");
    }
    html.push_str("</table>");
    // Time and place.
    html.push_str("<h2>Documented deaths per day</h2>");
    let days: Vec<(String, usize)> = data
        .by_day
        .iter()
        .map(|(d, n)| {
            // `2022-01-06` shows as `01-06`; `unknown` stays whole.
            let label = if d.len() == 10 { &d[5..] } else { d.as_str() };
            (label.to_string(), *n)
        })
        .collect();
    html.push_str(&column_chart("Documented persons per day of death", &days));
    html.push_str(
        "<h2>Documented persons per place</h2><table><tr><th>Place</th><th>Persons</th></tr>",
    );
    for (place, n) in &data.by_place {
        let _ = write!(html, "<tr><td>{}</td><td>{n}</td></tr>", escape(place));
    }
    html.push_str("</table>");
    // Official figures.
    if !data.official.is_empty() {
        html.push_str("<h2>Official figures</h2><p class=\"note\">Real public statements about the January 2022 events, never taken as ground truth.</p><table><tr><th>Announced</th><th>Figure</th><th>By</th><th>Note</th></tr>");
        for figure in &data.official {
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} <code>{}</code></td></tr>",
                escape(&figure.announced_on),
                figure.figure,
                escape(&figure.announced_by),
                escape(figure.note.as_deref().unwrap_or("")),
                escape(figure.source_url.as_deref().unwrap_or(""))
            );
        }
        html.push_str("</table>");
    }
    // Provenance.
    html.push_str("<h2>How these numbers were made</h2><ul class=\"note\">");
    let _ = write!(html, "<li>Linkage: {}.</li>", escape(crate::link::METHOD));
    if let Some(e) = &data.estimate {
        let _ = write!(
            html,
            "<li>Estimate {} stored in the project database with its input table.</li>",
            e.id
        );
    }
    let _ = write!(
        html,
        "<li>Audit chain head <code>{}</code>: keep it; <code>reckon verify --expect-head</code> with it fails if the history behind this report was cut short.</li>",
        escape(&data.audit_head)
    );
    html.push_str("</ul>");
    html
}

/// Gathers and renders the report.
pub fn report(store: &Store) -> Result<String, Error> {
    Ok(render(&gather(store)?, &reckon_store::now_utc()))
}
