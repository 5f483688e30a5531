#!/usr/bin/env bash
# Checks the audit view (`nianbao extract --html`) in a real browser: builds the
# site for corpus/ plus two generated reports (one with `<script>alert(1)</script>`
# in its title and prose, one with a wrong total, i.e. failed identities), opens
# every page in headless Chromium, and checks in the DOM the browser built that
# every repair and finding of the corpus is on its report's page and linked to
# its line, that every in-page link has a target, that the index's script ran,
# and that the script in the report is shown as text. Takes screenshots.
#
# Installs Debian's chromium when missing and running as root with apt-get;
# otherwise skips visibly (exit 0). Needs python3 for the DOM checks.
#
# Usage: scripts/audit_check.sh [--screenshots DIR]   (the README's are in docs/)
set -euo pipefail
cd "$(dirname "$0")/.."

shots=""
if [ "${1:-}" = "--screenshots" ]; then shots=${2:?DIR}; fi

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing chromium (apt-get)"
    (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) || true
    browser=$(command -v chromium || true)
fi
if [ -z "$browser" ] || ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP audit_check: chromium or python3 not available"
    exit 0
fi

cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/nianbao
tmp=$(mktemp -d)
# Never let the clean-up decide the exit status: a browser helper process may still
# be writing into the profile under $tmp when the script ends.
trap 'rm -rf "$tmp" 2>/dev/null || true' EXIT

echo "== sample corpus: corpus/ + generated reports"
mkdir -p "$tmp/in"
cp -r corpus/. "$tmp/in/"
python3 - "$tmp/in" <<'PY'
import sys, pathlib
d = pathlib.Path(sys.argv[1])
s = (d / "000_yiyuan_zrzyj_2020.txt").read_text(encoding="utf-8")
xss = "<script>alert(1)</script>"
(d / "generated_xss.txt").write_text(
    s.replace("沂源县自然资源局", "沂源县" + xss + "自然资源局", 1)
     .replace("一、总体情况", "一、总体情况\n" + xss + " & <b>不是标记</b>", 1), encoding="utf-8")
row = "一、本年新收政府信息公开申请数量\t\t35\t0\t0\t0\t0\t0\t35"
assert row in s, "the sample's table-3 row changed"
(d / "generated_failed.txt").write_text(s.replace(row, row[:-2] + "36", 1), encoding="utf-8")
PY

"$bin" extract "$tmp/in" --out "$tmp/out" --quiet || true
start=$(date +%s%N)
"$bin" audit "$tmp/out"
end=$(date +%s%N)
echo "audit site: $(( (end - start) / 1000000 )) ms, $(du -sk "$tmp/out/audit" | cut -f1) KiB, $(find "$tmp/out/audit" -type f | wc -l) files"

chrome() {
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d -p "$tmp")" "$@" 2>/dev/null
}

echo "== opening every page in $("$browser" --version 2>/dev/null | sed -n 1p)"
mkdir -p "$tmp/dom"
chrome --dump-dom "file://$tmp/out/audit/index.html" >"$tmp/dom/index.html"
for f in "$tmp"/out/audit/r/*.html; do
    chrome --dump-dom "file://$f" >"$tmp/dom/$(basename "$f")"
done

python3 - "$tmp/out" "$tmp/dom" <<'PY'
import csv, html, pathlib, re, sys
out, dom = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
def rows(name):
    with open(out / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))
reports, repairs, findings = rows("reports.csv"), rows("repairs.csv"), rows("findings.csv")
index = (dom / "index.html").read_text(encoding="utf-8")
fails = []
# The index: its script ran (controls shown, page info written) and links every report.
if 'id="controls" hidden' in index or "page 1 of" not in index:
    fails.append("index: the sorting/paging script did not run")
links = {html.unescape(t): h for h, t in re.findall(r'<a href="(r/[^"]+)">([^<]*)</a>', index)}
placed = checked = 0
for r in reports:
    rid = r["report"]
    if rid not in links:
        fails.append(f"index: no link to {rid}"); continue
    page = (dom / pathlib.Path(links[rid]).name).read_text(encoding="utf-8")
    ids = set(re.findall(r' id="([^"]+)"', page))
    for target in re.findall(r'href="#([^"]+)"', page):
        if target not in ids:
            fails.append(f"{rid}: link #{target} has no target")
    if "<script" in page:
        fails.append(f"{rid}: a script element in a report page")
    for kind, table in (("repair", repairs), ("finding", findings)):
        mine = [x for x in table if x["report"] == rid]
        for n, x in enumerate(mine, 1):
            checked += 1
            m = re.search(rf'<tr class="{kind}" id="{kind}-{n}">(.*?)</tr>', page, re.S)
            if not m:
                fails.append(f"{rid}: {kind} {n} missing"); continue
            if x.get("line") and x.get("page"):
                anchor = f'L{x["page"]}-{x["line"]}'
                if anchor not in ids or f'href="#{anchor}"' not in m.group(1):
                    fails.append(f"{rid}: {kind} {n} not linked to line {anchor}")
                if f"{kind}-{n}-at" not in ids:
                    fails.append(f"{rid}: {kind} {n} not shown at its line")
                placed += 1
        if f"{kind}-{len(mine) + 1}" in ids:
            fails.append(f"{rid}: more {kind}s on the page than in the CSV")
xss = [p for p in dom.glob("*.html") if "&lt;script&gt;alert(1)&lt;/script&gt;" in p.read_text(encoding="utf-8")]
if not xss:
    fails.append("the generated script is not shown as text anywhere")
if any("<script>alert(1)" in p.read_text(encoding="utf-8") for p in dom.glob("*.html")):
    fails.append("the generated script became a script element")
failed = (dom / pathlib.Path(links.get("generated_failed.txt", "x")).name)
if not failed.exists() or 'class="arith"' not in failed.read_text(encoding="utf-8"):
    fails.append("generated_failed.txt: no failed identity shown as arithmetic")
print(f"{len(reports)} report pages, {checked} repairs and findings on their pages, {placed} linked to their line, script shown as text on {len(xss)} pages")
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
PY

failed_page=$(grep -o 'r/[^"]*generated_failed_txt.html' "$tmp/dom/index.html" | sed -n 1p)
dir=${shots:-$tmp/shots}
mkdir -p "$dir"
chrome --window-size=1200,760 --hide-scrollbars --screenshot="$dir/audit_index.png" "file://$tmp/out/audit/index.html" >/dev/null
chrome --window-size=1200,1250 --hide-scrollbars --screenshot="$dir/audit_report.png" "file://$tmp/out/audit/$failed_page" >/dev/null
for s in "$dir/audit_index.png" "$dir/audit_report.png"; do
    [ -s "$s" ] || { echo "FAIL: no screenshot $s"; exit 1; }
done
if [ -n "$shots" ]; then
    # The text at a repaired line: a tall screenshot cropped at the first line marked
    # as repaired (its background colour, .ln.has-rep in src/audit/page.rs).
    chrome --window-size=1200,5000 --hide-scrollbars --screenshot="$tmp/tall.png" "file://$tmp/out/audit/$failed_page" >/dev/null
    python3 scripts/png_crop.py "$tmp/tall.png" "$dir/audit_text.png" 560 227,242,253
fi
echo "screenshots: $(ls "$dir"/audit_*.png | tr '\n' ' ')"
echo "audit_check: OK"
