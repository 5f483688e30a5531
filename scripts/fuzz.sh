#!/usr/bin/env bash
# Mutation-fuzz campaign: no input may abort, hang or lose its reports.csv row.
#
#   scripts/fuzz.sh [COUNT] [SEED]     # default 5000 mutants, seed 1
#   scripts/fuzz.sh --ci               # the short fixed-seed slice CI runs
#
# Inputs (scripts/fuzz_gen.py, fixed seed): mutants of corpus/ and, when present,
# ../shared/corpus (bit flips, truncations, cut and duplicated ranges, content
# streams inflated with extreme operands) plus generated attacks (self-drawing
# and mutually drawing forms, a page that is its own parent, a page-tree loop,
# an inflate bomb, glyphs far off the page, 3,000 pages, glued-digit storms,
# a table repeated 1,000 times, BOM-less UTF-16, a stray invalid byte, Big5,
# a 6 MB line, millions of blank lines and form feeds).
# Each batch of 250 files runs through the release binary (worker processes,
# -j 2, --timeout 20) under an outer time limit. Fails when a batch is killed
# or exits with anything but 0/1, when reports.csv lacks a row for a file, or
# when a file takes longer than its bound. Prints the slowest files and the
# peak memory of a worker.
set -euo pipefail
# (No `| head` below: under pipefail, head closing the pipe early makes the writer
# die of SIGPIPE and the script fail at random; awk/sed read their input whole.)
cd "$(dirname "$0")/.."

count=5000 seed=1
if [ "${1:-}" = --ci ]; then
  count=300 seed=7
else
  count=${1:-5000} seed=${2:-1}
fi
per_file_timeout=20
# A file ends within --timeout plus the worker's kill grace and a restart.
bound=$((per_file_timeout + 5))

if ! command -v python3 >/dev/null 2>&1; then
  echo "fuzz: python3 not found, skipped"; exit 0
fi
cargo build --release --quiet
bin=target/release/nianbao

work=$(mktemp -d "${TMPDIR:-/tmp}/nianbao-fuzz.XXXXXX")
trap '[ "${FUZZ_KEEP:-0}" = 1 ] || rm -rf "$work" 2>/dev/null || true' EXIT
sources=(corpus/*.txt corpus/pdf/*.pdf corpus/variants/*.txt)
if [ -d ../shared/corpus ]; then
  sources+=(../shared/corpus/*.pdf ../shared/corpus/*.txt ../shared/corpus/*.md)
fi
made=$(python3 scripts/fuzz_gen.py "$seed" "$count" "$work/in" "${sources[@]}")
echo "fuzz: seed $seed, $made inputs in $(ls "$work/in" | wc -l) batches"

status=0 total=0 peak=0
: >"$work/timings.csv"
started=$(date +%s)
for batch in "$work"/in/batch_*; do
  n=$(ls "$batch" | wc -l)
  total=$((total + n))
  # Two workers share the batch; the outer limit covers every file at its bound.
  limit=$(( (n * bound) / 2 + 60 ))
  set +e
  timeout -s KILL "$limit" "$bin" extract -q -j 2 --timeout "$per_file_timeout" \
    --timings "$work/timings.csv" --out "$work/out" "$batch" 2>"$work/stderr"
  rc=$?
  set -e
  if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
    echo "FAIL $(basename "$batch"): exit $rc"; tail -3 "$work/stderr"; status=1; continue
  fi
  rows=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding="utf-8"))) - 1)' "$work/out/reports.csv")
  if [ "$rows" != "$n" ]; then
    echo "FAIL $(basename "$batch"): $rows rows for $n files"; status=1
  fi
  p=$(grep -o 'peak worker memory [0-9]* MB' "$work/stderr" | grep -o '[0-9]*' || echo 0)
  [ "$p" -gt "$peak" ] && peak=$p
  errs=$(grep -c 'worker process' "$work/out/reports.csv" || true)
  echo "$(basename "$batch"): $n files, exit $rc, $errs worker deaths, $(tail -1 "$work/stderr" | grep -o '[0-9.]* s;' | sed -n 1p)"
done
echo "fuzz: $total files in $(( $(date +%s) - started )) s; peak worker memory $peak MB"
echo "slowest files (seconds):"
sort -t, -k2 -g -r "$work/timings.csv" | awk 'NR <= 5' | sed 's/^/  /'
slow=$(awk -F, -v b="$bound" '$2 > b' "$work/timings.csv" | wc -l)
if [ "$slow" != 0 ]; then
  echo "FAIL: $slow files over the ${bound} s bound"; status=1
fi
exit $status
