#!/usr/bin/env bash
# Makes the multi-page PDFs that scripts/bench_pdf.sh times beside the real ones,
# by concatenating real and generated reports with pdfunite (poppler-utils):
#
#   huaian_x8.pdf    ../shared/corpus/003_huaianshi_2024.pdf eight times (48 pages)
#   mixed_x5.pdf     the corpus/pdf/report_*.pdf and ../shared/corpus PDFs, five
#                    times over (145 pages with both shared PDFs)
#   variety_x2.pdf   corpus/pdf/variety_*.pdf twice over (58 pages; generated only,
#                    so it exists on a fresh clone without ../shared)
#
# The shared PDFs may not be copied into the repository (SOURCES.tsv: commit no),
# so the outputs go to a folder outside it (default: target/bench-pdfs, which git
# ignores). Re-runnable; pdfunite's output is deterministic for the same inputs.
#
# Install: apt-get install -y poppler-utils
# Usage:   scripts/make_bench_pdfs.sh [OUT_DIR]     prints the files it wrote
#          (NIANBAO_SHARED_CORPUS=DIR: the shared corpus, when not ../shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-${CARGO_TARGET_DIR:-target}/bench-pdfs}
mkdir -p "$out"
shared=${NIANBAO_SHARED_CORPUS:-../shared/corpus}

# repeat N FILE... : the files, N times over, in order
repeat() {
    local n=$1
    shift
    for _ in $(seq "$n"); do printf '%s\n' "$@"; done
}

unite() {
    local name=$1
    shift
    mapfile -t inputs < <(repeat "$@")
    pdfunite "${inputs[@]}" "$out/$name" 2>/dev/null
    echo "$out/$name"
}

unite variety_x2.pdf 2 corpus/pdf/variety_*.pdf
if [ -e "$shared/003_huaianshi_2024.pdf" ]; then
    unite huaian_x8.pdf 8 "$shared/003_huaianshi_2024.pdf"
    unite mixed_x5.pdf 5 corpus/pdf/report_*.pdf "$shared"/*.pdf
fi
