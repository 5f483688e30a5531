#!/usr/bin/env bash
# Mutation testing of the rule modules with cargo-mutants (stable Rust): which
# deliberate bugs in the rules does the test suite catch? Not part of CI (slow);
# bounded in time because the machine is shared.
#
#   scripts/mutants.sh                      # src/check.rs and src/numbering.rs
#   scripts/mutants.sh src/clean/mod.rs     # other files
#   MUTANTS_TIMEOUT=3600 scripts/mutants.sh # overall bound in seconds (default 1800)
#
# Results go to mutants.out/ (outcomes.json, caught.txt, missed.txt); the summary
# line ("N mutants tested: M missed, K caught …") is what the README quotes.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo-mutants >/dev/null 2>&1; then
  cargo install --locked cargo-mutants
fi
files=("$@")
[ ${#files[@]} -eq 0 ] && files=(src/check.rs src/numbering.rs)
args=()
for f in "${files[@]}"; do args+=(--file "$f"); done
# The library's unit tests only (`cargo test --lib`), which is what a rule
# module's own tests should pin; MUTANTS_ALL=1 runs the whole suite per mutant.
test_args=(--lib)
[ "${MUTANTS_ALL:-0}" = 1 ] && test_args=()
exec timeout "${MUTANTS_TIMEOUT:-1800}" nice cargo mutants "${args[@]}" -j 1 --timeout 120 -- "${test_args[@]}"
