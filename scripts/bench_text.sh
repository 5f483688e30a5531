#!/usr/bin/env bash
# Throughput of the text path (ingest, clean, parse, map, check, six CSV files)
# on plain-text reports, one thread, in MB/s of CPU time.
#
# - The binary is the one users build: `cargo build --release --bin nianbao`
#   (no example or test, so no dev-dependency features are unified in).
# - Input: COPIES copies (300 by default) of every `.txt` report of the shared
#   corpus (../shared/corpus, or $NIANBAO_SHARED_CORPUS), made in a temp dir
#   only (files marked `commit: no` never enter the repository).
# - `nianbao extract -q -j 1` in both modes, runs interleaved so machine noise
#   hits both alike: `in-process` (`--in-process`: every file in one process)
#   and `worker` (the default: files sent to one worker process). Each run is
#   timed by wait4(2): CPU time = user + sys of the process and of the worker
#   processes it waited for, process start included; wall time is printed too
#   but is noisy on a shared machine. Median of RUNS (≥ 5, 7 by default).
# - Peak RSS (GNU time, `-j 1`, largest of parent and workers) once per mode.
# - The whole run is bounded by `timeout` (BENCH_TIMEOUT seconds, 900).
#
# Usage: scripts/bench_text.sh               (RUNS=7 COPIES=300 by default)
#        NIANBAO=path/to/binary scripts/bench_text.sh   (time a binary built
#        earlier, e.g. a baseline, instead of building)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-7}
copies=${COPIES:-300}
if [ "$runs" -lt 5 ]; then
    echo "RUNS must be at least 5" >&2
    exit 2
fi
shared=${NIANBAO_SHARED_CORPUS:-../shared/corpus}
target=${CARGO_TARGET_DIR:-target}
if [ -n "${NIANBAO:-}" ]; then
    bin=$NIANBAO
else
    cargo build --quiet --release --bin nianbao
    bin="$target/release/nianbao"
fi
command -v python3 >/dev/null || { echo "bench_text: python3 not found" >&2; exit 2; }

sources=("$shared"/*.txt)
[ -e "${sources[0]}" ] || { echo "bench_text: no .txt reports in $shared" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nianbao-bench-text.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/in"
for ((i = 0; i < copies; i++)); do
    for f in "${sources[@]}"; do
        cp "$f" "$tmp/in/$(printf 'c%04d_' "$i")$(basename "$f")"
    done
done

timeout "${BENCH_TIMEOUT:-900}" python3 - "$runs" "$bin" "$tmp" <<'PY'
import os, re, statistics, subprocess, sys, time

runs, binary, tmp = int(sys.argv[1]), sys.argv[2], sys.argv[3]
inp = os.path.join(tmp, "in")
files = os.listdir(inp)
size = sum(os.path.getsize(os.path.join(inp, f)) for f in files)
modes = {
    "in-process": ["--in-process"],
    "worker": [],
}

def cmd(extra):
    return [binary, "extract", "-q", "-j", "1", *extra, inp, "--out", os.path.join(tmp, "out")]

def measure(c):
    """CPU (user + sys, waited-for children included) and wall seconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"failed: {' '.join(c)}")
    return usage.ru_utime + usage.ru_stime, wall

def peak_rss_kib(c):
    r = subprocess.run(["/usr/bin/time", "-v", *c], capture_output=True, text=True)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    return int(m.group(1)) if m else 0

print(f"input: {len(files)} files, {size / 1e6:.2f} MB ({binary})")
for extra in modes.values():
    measure(cmd(extra))  # warm the page cache
samples = {m: [] for m in modes}
for _ in range(runs):
    for m, extra in modes.items():
        samples[m].append(measure(cmd(extra)))
print(f"{'mode':<11} {'cpu s':>7} {'MB/s cpu':>9} {'wall s':>7} {'MB/s wall':>9} {'peak RSS MiB':>12}")
have_time = os.path.exists("/usr/bin/time")
for m, extra in modes.items():
    cpu, wall = (statistics.median(x) for x in zip(*samples[m]))
    rss = peak_rss_kib(cmd(extra)) / 1024 if have_time else float("nan")
    print(f"{m:<11} {cpu:>7.3f} {size / 1e6 / cpu:>9.2f} {wall:>7.3f} {size / 1e6 / wall:>9.2f} {rss:>12.1f}")
PY
