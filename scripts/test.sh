#!/usr/bin/env bash
# Runs every check and test of reckon, installing what the tests need.
# SQLite is compiled into the binary; the browser tests install Debian's chromium and
# playwright-core (npm) here when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

if [ ! -d ../shared ]; then
  echo "warning: ../shared is missing; tests that compare with the shared reference data will fail" >&2
fi

step "format"
cargo fmt --all --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "docs"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "tests"
cargo test --workspace --locked

step "fuzz (short run; ./scripts/fuzz.sh 600 for a long one)"
./scripts/fuzz.sh 10

step "browser (headless Chromium against reckon serve; screenshots in target/browser-artifacts)"
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
(cd tests/browser && npm ci --no-audit --no-fund --silent)
cargo build --locked --quiet -p reckon-cli
RECKON_BIN="$PWD/target/debug/reckon" node tests/browser/run.mjs
