#!/usr/bin/env bash
# reckon beside Splink 5 on the same synthetic cross-script lists (issue 4).
#
#   ./scripts/splink_compare.sh [RECORDS] [WORK_DIR]
#
# Installs Splink in a virtual environment (WORK_DIR/venv, once), writes the lists with
# `reckon bench linkage --write-lists`, links them with `reckon dedupe --one-per-list`
# (time and peak memory from /usr/bin/time), then runs scripts/splink_compare.py three
# ways: names as written, with a transliteration step, and with the transliteration and
# the true prior (Splink's best case). Results go to standard output; record them in
# docs/benchmarks.md.
set -euo pipefail
records="${1:-10000}"
work="${2:-/tmp/reckon-splink}"
here="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$work"
if [ ! -x "$work/venv/bin/python" ]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install --quiet "splink==5.0.0" pandas
fi
cargo build --release --quiet --manifest-path "$here/Cargo.toml" -p reckon-cli
reckon="$here/target/release/reckon"
lists="$work/lists-$records"
rm -rf "$lists" "$work/bench-$records.db"*
"$reckon" bench linkage --records "$records" --one-per-list --write-lists "$lists" \
    --db "$work/bench-$records.db" --quiet
echo "== reckon dedupe --one-per-list ($records records)"
/usr/bin/time -f "reckon: %e s wall, %M KB peak" \
    "$reckon" dedupe "$lists"/0* --one-per-list --output "$work/reckon-$records.csv" --quiet
for variant in "" "--translit" "--translit --oracle-prior"; do
    echo "== splink ${variant:-names as written}"
    # shellcheck disable=SC2086
    /usr/bin/time -f "splink: %e s wall, %M KB peak" "$work/venv/bin/python" \
        "$here/scripts/splink_compare.py" "$lists" "$work/reckon-$records.csv" 0.5 \
        --recall=0.3 $variant 2>&1 | grep -E "^(splink|records|reckon)"
done
