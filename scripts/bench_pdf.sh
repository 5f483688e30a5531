#!/usr/bin/env bash
# Compares the PDF ingest (examples/pdf_to_text) with `pdftotext -layout` on
# the same PDFs, in one hyperfine run per file, and prints ms per page and the
# ratio (ours / pdftotext).
#
# Install: apt-get install -y hyperfine poppler-utils poppler-data jq
# Usage:   scripts/bench_pdf.sh [FILE.pdf ...]
#          (default: corpus/pdf/*.pdf and ../shared/corpus/*.pdf if present)
set -euo pipefail
cd "$(dirname "$0")/.."

target=${CARGO_TARGET_DIR:-target}
cargo build --quiet --release --example pdf_to_text
ours="$target/release/examples/pdf_to_text"

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
printf '%-34s %5s %12s %12s %7s\n' file pages "ours ms/p" "pdftotext" ratio
for f in "${files[@]}"; do
    pages=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}')
    hyperfine --style none --warmup 3 --min-runs 20 -N \
        --export-json "$tmp/r.json" \
        "$ours $f" "pdftotext -layout $f -" >/dev/null 2>&1
    read -r a b < <(jq -r '[.results[].mean] | map(. * 1000) | @tsv' "$tmp/r.json")
    awk -v f="$(basename "$f")" -v p="$pages" -v a="$a" -v b="$b" \
        'BEGIN { printf "%-34s %5d %12.2f %12.2f %7.2f\n", f, p, a / p, b / p, a / b }'
done
