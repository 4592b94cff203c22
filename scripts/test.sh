#!/usr/bin/env bash
# Runs every check and test of reckon, installing what the tests need.
# Today the tests need only the Rust toolchain: SQLite is compiled into the binary.
# (The web application's browser tests will install Debian's chromium here.)
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
