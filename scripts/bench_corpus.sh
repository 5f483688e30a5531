#!/usr/bin/env bash
# Corpus-scale benchmark and invariants for `nianbao extract`.
#
#   scripts/bench_corpus.sh [N_REPORTS]      (default 1000)
#
# Builds the release binary, generates a corpus of N reports in a temp dir (copies
# of the repository's corpus/ reports and, when present, /work/shared/corpus — or
# $NIANBAO_SHARED_CORPUS — under distinct names, text and PDF mixed, plus one broken
# file), then measures with hyperfine:
#   - extract -j1 and -j2 over the whole corpus: reports/s, speed-up 1→2 threads;
#   - extract -j1 over the text reports only: MB/s;
#   - peak RSS (GNU time) of the -j2 run;
#   - `pdftotext -layout` over the same PDFs, for scale.
# and checks: the broken file has status=error, reports.csv has N rows, a rerun is
# byte-identical, and --shard 1/3..3/3 + merge equals the single run.
#
# The corpus mixes every kind the pool holds (text, markdown, PDF, HTML, DOCX);
# "text only" is the plain-text and markdown part, which gives the MB/s figure.
# Copies of shared files are made only in the temp dir, never in the repository.
set -euo pipefail

N=${1:-1000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${NIANBAO_SHARED_CORPUS:-$ROOT/../shared/corpus}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/nianbao
RUNS=${BENCH_RUNS:-3}

need() { command -v "$1" >/dev/null || { echo "bench: $1 not found ($2)" >&2; exit 2; }; }
need hyperfine "apt-get install hyperfine"
need python3 "used to read hyperfine's JSON"
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time (GNU time) not found" >&2; exit 2; }

(cd "$ROOT" && cargo build --release --quiet)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/nianbao-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
IN=$WORK/corpus
TXT=$WORK/text-only
mkdir -p "$IN" "$TXT"

# ---- the pool of source reports -------------------------------------------------
pool=()
while IFS= read -r f; do pool+=("$f"); done < <(
    {
        find "$ROOT/corpus" -path "$ROOT/corpus/bad" -prune -o -type f \( -name '*.txt' -o -name '*.md' -o -name '*.pdf' -o -name '*.html' -o -name '*.docx' \) -print
        if [ -d "$SHARED" ]; then
            find "$SHARED" -maxdepth 1 -type f \( -name '*.txt' -o -name '*.md' -o -name '*.pdf' -o -name '*.html' -o -name '*.docx' \) -print
        fi
    } | sort
)
[ ${#pool[@]} -gt 0 ] || { echo "bench: no reports found" >&2; exit 2; }

# ---- N-1 copies under distinct names, spread over folders, plus one broken file --
for ((i = 0; i < N - 1; i++)); do
    src=${pool[$((i % ${#pool[@]}))]}
    sub=$(printf 'batch%02d' $((i % 10)))
    mkdir -p "$IN/$sub"
    name=$(printf 'r%05d_%s' "$i" "$(basename "$src")")
    cp "$src" "$IN/$sub/$name"
    case "$name" in *.pdf | *.html | *.docx) ;; *) mkdir -p "$TXT/$sub" && cp "$src" "$TXT/$sub/$name" ;; esac
done
BROKEN=broken.pdf
head -c 4096 /dev/urandom > "$IN/$BROKEN"

n_pdf=$(find "$IN" -name '*.pdf' ! -name "$BROKEN" | wc -l)
n_txt=$(find "$TXT" -type f | wc -l)
txt_bytes=$(find "$TXT" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
all_bytes=$(du -sb "$IN" | cut -f1)
n_web=$(find "$IN" \( -name '*.html' -o -name '*.docx' \) | wc -l)
echo "corpus: $N files in $IN ($n_txt text, $n_pdf PDF, $n_web HTML/Word, 1 broken; $((all_bytes / 1024)) KiB, text $((txt_bytes / 1024)) KiB)"
echo "pool: ${#pool[@]} distinct source reports$([ -d "$SHARED" ] || echo " (no shared corpus)")"

# ---- timings --------------------------------------------------------------------
hf() { # name, command...
    local name=$1; shift
    hyperfine --style none --warmup 1 --runs "$RUNS" -i --export-json "$WORK/$name.json" "$@" >/dev/null 2>&1
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(r["mean"], r["stddev"] or 0)' "$WORK/$name.json"
}
read -r t1 s1 < <(hf j1 "$BIN extract -q -j1 $IN --out $WORK/o1")
read -r t2 s2 < <(hf j2 "$BIN extract -q -j2 $IN --out $WORK/o2")
read -r tt st < <(hf text "$BIN extract -q -j1 $TXT --out $WORK/ot")
/usr/bin/time -v "$BIN" extract -q -j2 "$IN" --out "$WORK/rss" 2> "$WORK/rss.log" || true
rss_kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$WORK/rss.log")

pdf_line="pdftotext: not installed"
if command -v pdftotext >/dev/null && [ "$n_pdf" -gt 0 ]; then
    find "$IN" -name '*.pdf' ! -name "$BROKEN" | sort > "$WORK/pdfs.txt"
    read -r tp sp < <(hf pdftotext "xargs -a $WORK/pdfs.txt -I{} pdftotext -q -layout {} /dev/null")
    pdf_line=$(python3 -c 'import sys; t,n=float(sys.argv[1]),int(sys.argv[2]); print(f"pdftotext -layout (1 thread, {n} PDFs): {t:.2f} s, {n/t:.1f} PDFs/s")' "$tp" "$n_pdf")
fi

# ---- invariants -----------------------------------------------------------------
fail=0
check() { if eval "$2"; then echo "ok    $1"; else echo "FAIL  $1"; fail=1; fi; }
rows=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))))' "$WORK/o2/reports.csv")
broken_status=$(python3 -c 'import csv,sys; print(next((r["status"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")) if r["report"]==sys.argv[2]), "absent"))' "$WORK/o2/reports.csv" "$BROKEN")
status_counts=$(python3 -c 'import csv,sys,collections; c=collections.Counter((r["source"].split(":")[0] or "?", r["status"]) for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))); print(", ".join(f"{k[0]}/{k[1]}={v}" for k,v in sorted(c.items())))' "$WORK/o2/reports.csv")
check "report count is $N (got $rows)" '[ "$rows" = "$N" ]'
check "broken file has status=error (got $broken_status)" '[ "$broken_status" = error ]'
check "-j1 and -j2 outputs are byte-identical" 'diff -rq "$WORK/o1" "$WORK/o2" >/dev/null'
"$BIN" extract -q -j2 "$IN" --out "$WORK/again" 2>/dev/null || true
check "a rerun is byte-identical" 'diff -rq "$WORK/o2" "$WORK/again" >/dev/null'
for k in 1 2 3; do "$BIN" extract -q -j2 --shard "$k/3" "$IN" --out "$WORK/shard$k" 2>/dev/null || true; done
"$BIN" merge "$WORK/shard1" "$WORK/shard2" "$WORK/shard3" --out "$WORK/merged" 2>/dev/null || true
check "--shard 1/3..3/3 + merge equals the single run" 'diff -rq "$WORK/o2" "$WORK/merged" >/dev/null'

# ---- report ---------------------------------------------------------------------
python3 - "$N" "$t1" "$s1" "$t2" "$s2" "$tt" "$st" "$n_txt" "$txt_bytes" "${rss_kb:-0}" <<'EOF'
import sys
n, t1, s1, t2, s2, tt, st, ntxt, tbytes, rss = sys.argv[1:]
n, ntxt, tbytes, rss = int(n), int(ntxt), int(tbytes), int(rss)
t1, s1, t2, s2, tt, st = map(float, (t1, s1, t2, s2, tt, st))
print(f"extract -j1: {t1:.2f} ± {s1:.2f} s  {n / t1:.0f} reports/s")
print(f"extract -j2: {t2:.2f} ± {s2:.2f} s  {n / t2:.0f} reports/s  speed-up 1→2 threads {t1 / t2:.2f}×")
print(f"text only -j1: {ntxt} reports, {tt:.2f} s  {tbytes / tt / 1e6:.2f} MB/s  {ntxt / tt:.0f} reports/s")
print(f"peak RSS (-j2, {n} reports): {rss / 1024:.1f} MiB")
EOF
echo "$pdf_line"
echo "statuses (source/status): $status_counts"
exit $fail
