#!/usr/bin/env bash
# Times the whole `nianbao extract` (ingest, clean, parse, map, check, six CSV
# files) against `pdftotext -layout` (text only) on the same PDFs.
#
# - The binary is the one users build: `cargo build --release --bin nianbao`
#   (no example, so no dev-dependency features are unified in).
# - One thread: `nianbao extract -j 1`; pdftotext is single-threaded.
# - Runs are interleaved (ours, pdftotext, ours, …) so that machine noise hits
#   both alike; each is measured by wait4(2): CPU time (user + sys) and wall
#   time of the child process, process start included (our CPU includes the
#   worker process, which the parent waits for). Median of RUNS (≥ 5; 21 by
#   default, as one small file takes ~15 ms and the machine may be busy).
# - Prints per file: pages, medians in ms, and the ratios ours / pdftotext.
#   Two sum lines follow: the files under 40 pages (one small file per
#   invocation: mostly start-up), and the files of 40 pages or more (issue 13's
#   multi-page goal); the last line sums the medians over all files.
#
# Install: apt-get install -y poppler-utils python3
# Usage:   scripts/bench_pdf.sh [FILE.pdf ...]     (RUNS=21 by default;
#          NIANBAO=path/to/binary times that binary instead of building)
#          (default: corpus/pdf/*.pdf, ../shared/corpus/*.pdf and the
#          multi-page PDFs of scripts/make_bench_pdfs.sh in target/bench-pdfs,
#          each if present; NIANBAO_SHARED_CORPUS=DIR names the shared corpus
#          elsewhere)
#          BATCH=N times each file as a batch: one `extract -j 1` over a folder
#          of N copies (start-up paid once, as in a corpus run) against N
#          `pdftotext -layout` runs, one per copy (its start-up is per file).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-21}
if [ "$runs" -lt 5 ]; then
    echo "RUNS must be at least 5" >&2
    exit 2
fi
target=${CARGO_TARGET_DIR:-target}
if [ -n "${NIANBAO:-}" ]; then
    ours=$NIANBAO # a binary built earlier (before/after comparisons)
else
    cargo build --quiet --release --bin nianbao
    ours="$target/release/nianbao"
fi

if [ $# -gt 0 ]; then
    files=("$@")
else
    files=(corpus/pdf/*.pdf)
    for f in "${NIANBAO_SHARED_CORPUS:-../shared/corpus}"/*.pdf "$target"/bench-pdfs/*.pdf; do
        [ -e "$f" ] && files+=("$f")
    done
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$runs" "$ours" "$tmp" "${BATCH:-1}" "${files[@]}" <<'EOF'
import os, shutil, statistics, subprocess, sys, time

runs, ours, tmp, batch, files = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]

def measure(cmd):
    """CPU (user + sys) and wall seconds of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"failed: {' '.join(cmd)}")
    return usage.ru_utime + usage.ru_stime, wall

def pages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    return next((int(l.split()[1]) for l in out.splitlines() if l.startswith("Pages:")), 0)

head = f"{'file':<28} {'pages':>5} {'cpu ours':>9} {'cpu p2t':>9} {'cpu×':>6} {'wall ours':>9} {'wall p2t':>9} {'wall×':>6}"
print(head)
# Sums of the medians (cpu ours, cpu p2t, wall ours, wall p2t, pages) per group.
MULTI_PAGE = 40  # issue 13: "generated multi-page PDFs of ≥ 40 pages"
sums = {"small": [0.0] * 5, "multi": [0.0] * 5, "all": [0.0] * 5}
def measure_all(cmds):
    """CPU and wall seconds of commands run one after another, summed."""
    got = [measure(c) for c in cmds]
    return sum(g[0] for g in got), sum(g[1] for g in got)

if batch > 1:
    print(f"batch mode: each row is one extract over {batch} copies against {batch} pdftotext runs")
for i, f in enumerate(files):
    src = f
    if batch > 1:
        src = os.path.join(tmp, f"batch{i}")
        os.makedirs(src, exist_ok=True)
        for k in range(batch):
            shutil.copyfile(f, os.path.join(src, f"copy{k:04}.pdf"))
        copies = sorted(os.path.join(src, n) for n in os.listdir(src))
    else:
        copies = [f]
    a = [ours, "extract", "-q", "-j", "1", src, "--out", os.path.join(tmp, "out")]
    b = [["pdftotext", "-layout", c, os.path.join(tmp, "p2t.txt")] for c in copies]
    measure(a); measure_all(b)  # warm the page cache
    ra, rb = [], []
    for _ in range(runs):
        ra.append(measure(a))
        rb.append(measure_all(b))
    ca, wa = (statistics.median(x) * 1000 for x in zip(*ra))
    cb, wb = (statistics.median(x) * 1000 for x in zip(*rb))
    n = pages(f) * batch
    for group in ("multi" if pages(f) >= MULTI_PAGE else "small", "all"):
        for i, v in enumerate((ca, cb, wa, wb, n)):
            sums[group][i] += v
    print(f"{os.path.basename(f)[:28]:<28} {n:>5} {ca:>9.1f} {cb:>9.1f} {ca / cb:>6.2f} {wa:>9.1f} {wb:>9.1f} {wa / wb:>6.2f}")
for group, label in (("small", f"< {MULTI_PAGE} pages (sum)"), ("multi", f">= {MULTI_PAGE} pages (sum)"), ("all", "all (sum of medians, ms)")):
    ca, cb, wa, wb, n = sums[group]
    if cb > 0:
        print(f"{label:<28} {int(n):>5} {ca:>9.1f} {cb:>9.1f} {ca / cb:>6.2f} {wa:>9.1f} {wb:>9.1f} {wa / wb:>6.2f}")
EOF
