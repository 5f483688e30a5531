#!/usr/bin/env bash
# Extract the repository corpus (and the shared corpus, when present) and score
# the output against the *.expected.csv files next to the inputs.
#
# Usage: scripts/eval_corpus.sh [NIANBAO_BIN] [-- EVAL_ARGS...]
#   NIANBAO_BIN  the nianbao binary (default: target/release/nianbao, or
#                $CARGO_TARGET_DIR/release/nianbao when that is set)
#   EVAL_ARGS    passed to `nianbao eval`, e.g. -- --min-accuracy 99 --strict
#
# Run from anywhere; paths are relative to the repository root. Exits non-zero
# when any extraction or evaluation fails; all corpora are evaluated first.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 2

bin="${CARGO_TARGET_DIR:-target}/release/nianbao"
if [[ $# -gt 0 && "$1" != "--" ]]; then
    bin="$1"
    shift
fi
if [[ $# -gt 0 && "$1" == "--" ]]; then
    shift
fi
eval_args=("$@")

if [[ ! -x "$bin" ]]; then
    echo "eval_corpus: no executable at $bin (build with: cargo build --release)" >&2
    exit 2
fi

status=0

# run_corpus NAME INPUT_DIR: extract INPUT_DIR into out/NAME, then evaluate.
run_corpus() {
    local name="$1" input="$2" out="out/$1"
    echo "== $name: extract $input -> $out"
    # Start clean so files from an earlier run cannot be scored by mistake.
    rm -rf -- "$out"
    if ! "$bin" extract "$input" --out "$out"; then
        echo "eval_corpus: extract failed for $name" >&2
        status=1
        return
    fi
    echo "== $name: eval $out against $input"
    if ! "$bin" eval "$out" "$input" "${eval_args[@]}"; then
        echo "eval_corpus: eval failed for $name" >&2
        status=1
    fi
}

run_corpus corpus corpus
if [[ -d ../shared/corpus ]]; then
    run_corpus shared ../shared/corpus
fi

exit "$status"
