#!/usr/bin/env bash
# Fuzzes the parsers that read what users hand in (issue 7): list files as CSV/TSV and as
# XLSX, names, dates. Each target runs for SECONDS (default 60); a crash or a hang fails
# the script and leaves the input under fuzz/artifacts/. Installs cargo-fuzz if missing.
# cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-60}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version 0.13.2
fi
export RUSTC_BOOTSTRAP=1
for target in import_csv import_xlsx names dates; do
  printf '== fuzz %s for %s s\n' "$target" "$seconds"
  # -timeout: an input that takes longer than 10 s is a hang.
  set +e
  cargo fuzz run -O "$target" -- -max_total_time="$seconds" -timeout=10 2>&1 \
    | grep -E "^Done|SUMMARY|panicked|ERROR"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    echo "fuzz target $target failed; the input is under fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
