"""Splink 5 (DuckDB) and reckon on the same synthetic cross-script lists (issue 4).

Splink gets the files "as they come": each list's columns mapped to one schema (name,
event date, place, age, sex), dates parsed in English, Russian and Kazakh. With
`--translit` the script also gives Splink a Cyrillic-to-Latin step (Russian passport
letters, Kazakh letters folded), the step a Splink user would have to write, since Splink
has none; without it names stay as written.

The configuration is what a careful Splink user would build for these lists: the name's
tokens in alphabetical order (surname first or last, the same) compared by exact match
with term frequencies, Jaro-Winkler 0.92, shared tokens (two, then one: a missing
patronymic or an initial), Jaro-Winkler 0.85; event date at 1 and 3 days; place; age at 1
and 3 years; sex. u from 2,000,000 random pairs; m by EM in two sessions whose blocks stay
small at 100,000 records (event date + place + first letter + age; two name tokens); the
prior from `--recall` (the share of true pairs that agree on name and date), or, with
`--oracle-prior`, the true share from the truth file (Splink's best case, which a real user
cannot have). Predictions blocked on any shared token and event date, the first and second
tokens, and the first four letters and date; clusters by connected components at the
threshold (0.5 by default). Prints pairwise precision, recall and F1 of Splink's pairs
before clustering, of its clusters, and of reckon's clusters, and Splink's time.

Measured runs and what was tried are in docs/benchmarks.md ("Beside Splink").

Usage (in a virtual environment with `pip install splink==5.0.0 pandas`):
    reckon bench linkage --records 10000 --one-per-list --write-lists DIR
    reckon dedupe DIR/0* --one-per-list --output reckon.csv
    python scripts/splink_compare.py DIR reckon.csv [THRESHOLD] [--recall=R] [--translit]
        [--oracle-prior] [--verbose]

DIR holds the five list files and truth.csv written by `reckon bench linkage --write-lists`;
reckon.csv is `reckon dedupe`'s output for those files.
"""

import csv
import io
import itertools
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

NAME = {"фио", "аты-жөні", "full_name", "name"}
SURNAME = {"фамилия", "surname", "тегі"}
GIVEN = {"имя", "first_name", "given_name", "аты"}
PATRONYMIC = {"отчество", "patronymic", "әкесінің аты"}
DATE = {"дата смерти", "қайтыс болған күні", "date", "event_date", "дата"}
PLACE = {"город", "қала", "city", "place", "место"}
ID = {"№", "реттік нөмір", "id", "no"}
AGE = {"возраст", "жасы", "age"}
SEX = {"пол", "sex", "жынысы"}
# A plain Cyrillic-to-Latin step (Russian passport letters, Kazakh letters folded to their
# nearest Latin), the kind of step a Splink user writes: `--translit` gives it to Splink.
TRANSLIT = dict(
    zip(
        "абвгдезийклмнопрстуфыэәғқңөұүһіё",
        "abvgdeziiklmnoprstufyeagknouuhie",
    )
)
TRANSLIT.update({"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
                 "ю": "iu", "я": "ia", "ъ": "", "ь": ""})


def translit(text: str) -> str:
    return "".join(TRANSLIT.get(c, c) for c in text.lower())
THRESHOLD = float(sys.argv[3]) if len(sys.argv) > 3 and not sys.argv[3].startswith("-") else 0.5
RECALL = float(next((a.split('=')[1] for a in sys.argv if a.startswith('--recall=')), 0.3))  # of exact name and date among true pairs
MONTHS = {
    1: ("jan", "январ", "янв", "қаңтар"),
    2: ("feb", "феврал", "ақпан"),
    3: ("mar", "март", "наурыз"),
    4: ("apr", "апрел", "сәуір"),
    5: ("may", "мая", "май", "мамыр"),
    6: ("jun", "июн", "маусым"),
    7: ("jul", "июл", "шілде"),
    8: ("aug", "август", "тамыз"),
    9: ("sep", "сентябр", "қыркүйек"),
    10: ("oct", "октябр", "қазан"),
    11: ("nov", "ноябр", "қараша"),
    12: ("dec", "декабр", "желтоқсан"),
}


def read_list(path: Path) -> list[dict]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    return list(csv.DictReader(io.StringIO(text), dialect=dialect))


def parse_date(text: str) -> str | None:
    text = (text or "").strip().lower()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return f"{m[1]}-{m[2]}-{m[3]}"
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
        return f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
    words = text.replace(",", " ").split()
    day = next((int(w) for w in words if w.isdigit() and len(w) <= 2), None)
    year = next((w for w in words if w.isdigit() and len(w) == 4), None)
    month = next(
        (n for w in words for n, stems in MONTHS.items() if any(w.startswith(s) for s in stems)),
        None,
    )
    if year and month and day:
        return f"{year}-{month:02d}-{day:02d}"
    return None


def sex_of(text: str) -> str | None:
    text = text.strip().lower()
    if text[:1] in ("м", "m") or text.startswith("ер"):
        return "m"
    if text[:1] in ("ж", "f", "w") or text.startswith("әй"):
        return "f"
    return None


def records(lists_dir: Path, transliterate: bool) -> pd.DataFrame:
    fold = translit if transliterate else str.lower
    rows = []
    for path in sorted(p for p in lists_dir.iterdir() if p.name[:2].isdigit()):
        for index, row in enumerate(read_list(path)):
            row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            pick = lambda keys: next((row[k] for k in row if k in keys and row[k]), "")
            name = pick(NAME) or " ".join(x for x in (pick(SURNAME), pick(GIVEN), pick(PATRONYMIC)) if x)
            tokens = sorted(t for t in re.split(r"[\s.]+", fold(name)) if t)
            age = pick(AGE)
            rows.append(
                {
                    # Without an id column a record is known by its spreadsheet row (the
                    # header is row 1), as reckon and the truth file number it.
                    "unique_id": f"{path.stem}|{pick(ID) or index + 2}",
                    "file": path.stem,
                    "record_id": pick(ID) or str(index + 2),
                    "name": " ".join(tokens),
                    "tokens": [t for t in tokens if len(t) > 1],
                    "token_1": tokens[0] if tokens else None,
                    "token_2": tokens[1] if len(tokens) > 1 else None,
                    "event_date": parse_date(pick(DATE)),
                    "place": fold(pick(PLACE)) or None,
                    "age": int(age) if age.isdigit() else None,
                    "sex": sex_of(pick(SEX)),
                }
            )
    return pd.DataFrame(rows)


def truth(lists_dir: Path, files: list[str]) -> dict[tuple[str, str], str]:
    out, order = {}, []
    with open(lists_dir / "truth.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["source"] not in order:
                order.append(row["source"])
            out[(row["source"], row["record_id"])] = row["person_id"]
    # The lists were written in the scenario's order: 01_… is its first source.
    by_file = dict(zip(files, order))
    return {(f, r): p for f in files for (s, r), p in out.items() if s == by_file[f]}


def pairwise(clusters: dict, persons: dict) -> tuple[float, float, float]:
    def pairs(groups):
        found = set()
        for members in groups.values():
            found.update(itertools.combinations(sorted(members), 2))
        return found

    by_person = defaultdict(list)
    for key, person in persons.items():
        by_person[person].append(key)
    predicted, true = pairs(clusters), pairs(by_person)
    hits = len(predicted & true)
    p = hits / max(1, len(predicted))
    r = hits / max(1, len(true))
    return p, r, 2 * p * r / max(1e-12, p + r)


def main() -> None:
    lists_dir, reckon_output = Path(sys.argv[1]), Path(sys.argv[2])
    transliterate = "--translit" in sys.argv
    df = records(lists_dir, transliterate)
    files = sorted(df["file"].unique())
    persons = truth(lists_dir, files)

    start = time.perf_counter()
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            # The name with its tokens in alphabetical order (surname first or last, the
            # same), by Jaro-Winkler, common names weighing less.
            # Levels a careful user would add for these lists: besides the whole name's
            # similarity, how many tokens the two share (order-free: surname first or
            # last, patronymic or not).
            cl.CustomComparison(
                output_column_name="name",
                comparison_levels=[
                    cll.NullLevel("name"),
                    cll.ExactMatchLevel("name", term_frequency_adjustments=True),
                    cll.JaroWinklerLevel("name", 0.92),
                    cll.ArrayIntersectLevel("tokens", 2),
                    cll.JaroWinklerLevel("name", 0.85),
                    cll.ArrayIntersectLevel("tokens", 1),
                    cll.ElseLevel(),
                ],
            ),
            cl.AbsoluteDateDifferenceAtThresholds(
                "event_date", input_is_string=True, metrics=["day", "day"], thresholds=[1, 3]
            ),
            cl.ExactMatch("place").configure(term_frequency_adjustments=True),
            cl.CustomComparison(
                output_column_name="age",
                comparison_levels=[
                    cll.NullLevel("age"),
                    cll.CustomLevel("abs(age_l - age_r) <= 1").configure(label_for_charts="within 1"),
                    cll.CustomLevel("abs(age_l - age_r) <= 3").configure(label_for_charts="within 3"),
                    cll.ElseLevel(),
                ],
            ),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("tokens", "event_date", arrays_to_explode=["tokens"]),
            block_on("token_1"),
            block_on("token_2"),
            block_on("substr(name, 1, 4)", "event_date"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(db_api.register(df), settings)
    if "--oracle-prior" in sys.argv:
        # Splink's best case: the true share of matching pairs, taken from the truth file
        # (a real user cannot know it).
        sizes = defaultdict(int)
        for person in persons.values():
            sizes[person] += 1
        n = len(df)
        true_pairs = sum(k * (k - 1) // 2 for k in sizes.values())
        linker._settings_obj._probability_two_random_records_match = true_pairs / (n * (n - 1) / 2)
    else:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("name", "event_date")], recall=RECALL
        )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    # Sessions whose blocks stay small at 100,000 records (event date and place alone
    # give blocks of thousands in a city, which DuckDB ran out of 24 GB on).
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("event_date", "place", "substr(name, 1, 1)", "age")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("token_1", "token_2"))
    if "--verbose" in sys.argv:
        model = linker.misc.save_model_to_json()
        print("prior", model.get("probability_two_random_records_match"))
        for comparison in model["comparisons"]:
            for level in comparison["comparison_levels"]:
                print(comparison["output_column_name"], level.get("label_for_charts"), level.get("m_probability"), level.get("u_probability"))
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    predicted = predictions.as_pandas_dataframe()
    true_pairs = sum(
        persons.get(tuple(l.split("|", 1))) == persons.get(tuple(r.split("|", 1)))
        for l, r in zip(predicted["unique_id_l"], predicted["unique_id_r"])
    )
    by_person = defaultdict(int)
    for person in persons.values():
        by_person[person] += 1
    all_true = sum(k * (k - 1) // 2 for k in by_person.values())
    p = true_pairs / max(1, len(predicted))
    r = true_pairs / max(1, all_true)
    print(
        f"splink pairs at p >= {THRESHOLD}: {len(predicted)}, of which {true_pairs} true "
        f"(before clustering: precision {p:.4f} recall {r:.4f} F1 {2 * p * r / max(1e-12, p + r):.4f})"
    )
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, THRESHOLD)
    result = clusters.as_pandas_dataframe()
    seconds = time.perf_counter() - start
    splink_clusters = defaultdict(list)
    for unique_id, cluster in zip(result["unique_id"], result["cluster_id"]):
        file, record_id = unique_id.split("|", 1)
        splink_clusters[cluster].append((file, record_id))

    reckon_clusters = defaultdict(list)
    with open(reckon_output, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            reckon_clusters[row["cluster_id"]].append((row["source"], row["record_id"]))

    print(f"records: {len(df)}")
    for tool, clusters_of, extra in [
        (
            "splink 5 (DuckDB), "
            + ("names transliterated by the script" if transliterate else "names as written"),
            splink_clusters,
            f"{seconds:.1f} s",
        ),
        ("reckon dedupe --one-per-list", reckon_clusters, "(time: see the shell script)"),
    ]:
        p, r, f1 = pairwise(clusters_of, persons)
        print(f"{tool}: precision {p:.4f} recall {r:.4f} F1 {f1:.4f} {extra}")


if __name__ == "__main__":
    main()
