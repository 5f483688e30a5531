#!/usr/bin/env bash
# Compares, on the same PDFs in one hyperfine run per file: the PDF ingest alone
# (`nianbao text --plain`), the whole `nianbao extract` (ingest, clean, parse, map,
# check, write six CSVs) and `pdftotext -layout`. Prints ms per page (process start
# included) and the ratios to pdftotext.
#
# Install: apt-get install -y hyperfine poppler-utils poppler-data jq
# Usage:   scripts/bench_pdf.sh [FILE.pdf ...]
#          (default: corpus/pdf/*.pdf and ../shared/corpus/*.pdf if present)
set -euo pipefail
cd "$(dirname "$0")/.."

target=${CARGO_TARGET_DIR:-target}
cargo build --quiet --release --bin nianbao
full="$target/release/nianbao"
ours="$full text --plain"

if [ $# -gt 0 ]; then
    files=("$@")
else
    files=(corpus/pdf/*.pdf)
    for f in ../shared/corpus/*.pdf; do
        [ -e "$f" ] && files+=("$f")
    done
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-34s %5s %10s %10s %10s %8s %8s\n' file pages "ingest" "extract" "pdftotext" "ingest×" "extract×"
for f in "${files[@]}"; do
    pages=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}')
    hyperfine --style none --warmup 3 --min-runs 20 -N \
        --export-json "$tmp/r.json" \
        "$ours $f" "$full extract -q $f --out $tmp/out" "pdftotext -layout $f -" >/dev/null 2>&1
    read -r a x b < <(jq -r '[.results[].mean] | map(. * 1000) | @tsv' "$tmp/r.json")
    awk -v f="$(basename "$f")" -v p="$pages" -v a="$a" -v x="$x" -v b="$b" \
        'BEGIN { printf "%-34s %5d %10.2f %10.2f %10.2f %8.2f %8.2f\n", f, p, a / p, x / p, b / p, a / b, x / b }'
done
