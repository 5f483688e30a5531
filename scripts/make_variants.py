#!/usr/bin/env python3
"""Generate encoding/layout variants of a text report, plus a few bad inputs.

The variants exercise ingest and cleaning: each one holds the same report as the
source text, so each gets a copy of the source's expected CSV and must score
exactly like the original. The bad inputs must each produce an `error` (or a
`partial` report with findings) without stopping the batch.

Usage: scripts/make_variants.py [CORPUS_DIR]   (default: the repository's corpus/)

Output is deterministic: rerunning gives byte-identical files.
"""

import hashlib
import sys
from pathlib import Path

SOURCE = "000_yiyuan_zrzyj_2020"

# A prose line (under 五、存在的主要问题) that gets a bullet in the GB18030 variant.
# The bullet U+2022 is not in GBK and takes four bytes in GB18030, so that variant
# differs from the GBK one and checks that 4-byte sequences decode.
BULLET_LINE_PREFIX = "一是对政务公开工作的重要性"
BULLET = "\u2022 "

# Number of form-feed page breaks in the paged variant.
PAGE_BREAKS = 3

# Page-number footers are centred with spaces in `pdftotext -layout` output.
FOOTER_INDENT = " " * 16

NEWS = (
    "本报讯（记者 王晓明）11月20日上午，某市第三届秋季农产品展销会在市会展中心开幕。"
    "本届展销会为期三天，共设展位二百余个，吸引了来自周边八个县区的一百五十多家企业参展，"
    "展出蔬菜、水果、茶叶、食用菌等特色农产品一千余种。\n"
    "开幕当天，现场人头攒动，不少市民一早就赶来选购。市民李女士说：“这里的东西新鲜，"
    "价格也实惠，我买了两箱苹果，准备带回去给家里人尝尝。”据主办方介绍，展销会期间还将举办"
    "农产品直播带货、产销对接洽谈等活动，预计现场交易额将超过三千万元。\n"
)


def main(argv):
    root = Path(__file__).resolve().parent.parent
    corpus = Path(argv[1]) if len(argv) > 1 else root / "corpus"
    text = (corpus / f"{SOURCE}.txt").read_text(encoding="utf-8")
    expected = (corpus / f"{SOURCE}.expected.csv").read_bytes()
    if "\r" in text or "\f" in text or text.startswith("\ufeff"):
        sys.exit(f"{SOURCE}.txt must be plain UTF-8 with LF line ends")

    variants_dir = corpus / "variants"
    for suffix, data in variants(text):
        write(variants_dir / f"{SOURCE}_{suffix}.txt", data)
        write(variants_dir / f"{SOURCE}_{suffix}.expected.csv", expected)

    bad_dir = corpus.parent / "tests" / "data" / "bad"
    for name, data in bad_inputs(text):
        write(bad_dir / name, data)


def variants(text):
    """(suffix, bytes) for every variant of `text`."""
    return [
        ("gbk", text.encode("gbk")),
        ("gb18030", with_bullet(text).encode("gb18030")),
        ("utf16le", "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")),
        ("utf16be", "\ufeff".encode("utf-16-be") + text.encode("utf-16-be")),
        ("utf8bom", text.encode("utf-8-sig")),
        ("crlf", text.replace("\n", "\r\n").encode("utf-8")),
        ("cr", text.replace("\n", "\r").encode("utf-8")),
        ("ff", paged(text, PAGE_BREAKS).encode("utf-8")),
    ]


def with_bullet(text):
    """Prefixes the one prose line starting with BULLET_LINE_PREFIX with a bullet."""
    lines = text.split("\n")
    hits = [i for i, line in enumerate(lines) if line.startswith(BULLET_LINE_PREFIX)]
    if len(hits) != 1:
        sys.exit(f"expected one line starting with {BULLET_LINE_PREFIX!r}, found {len(hits)}")
    lines[hits[0]] = BULLET + lines[hits[0]]
    return "\n".join(lines)


def paged(text, breaks):
    """Splits `text` into pages at `breaks` blank lines, the way PDF-to-text tools
    do: each page ends with a centred page-number footer (`— 1 —`) and a form feed.

    The blank lines chosen are the ones nearest to evenly spaced points of the
    text (ties go to the earlier line), which in this report fall between
    sections rather than inside a table.
    """
    lines = text.split("\n")
    blanks = [i for i, line in enumerate(lines) if not line.strip()]
    cuts = []
    for k in range(1, breaks + 1):
        target = len(lines) * k // (breaks + 1)
        candidates = [b for b in blanks if b not in cuts]
        cuts.append(min(candidates, key=lambda b: (abs(b - target), b)))
    cuts.sort()
    pages = []
    start = 0
    for number, cut in enumerate(cuts, 1):
        # The blank line stays at the page's end, then the footer and the form
        # feed; the next page starts right after the form feed, as in pdftotext.
        body = "\n".join(lines[start : cut + 1])
        pages.append(f"{body}\n{FOOTER_INDENT}— {number} —\n\f")
        start = cut + 1
    pages.append("\n".join(lines[start:]))
    return "".join(pages)


def bad_inputs(text):
    """(file name, bytes) for inputs that are not readable reports."""
    gbk = text.encode("gbk")
    return [
        ("empty.txt", b""),
        ("random_bytes.txt", deterministic_bytes(b"nianbao random text", 4096)),
        ("random_bytes.pdf", deterministic_bytes(b"nianbao random pdf", 4096)),
        ("truncated_gbk.txt", truncate_mid_character(gbk, len(gbk) // 2)),
        ("news.txt", NEWS.encode("utf-8")),
    ]


def deterministic_bytes(seed, size):
    """`size` pseudo-random bytes: SHA-256 in counter mode, the same everywhere."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(seed + counter.to_bytes(8, "big")).digest()
        counter += 1
    return bytes(out[:size])


def truncate_mid_character(gbk, near):
    """Cuts GBK bytes right after the lead byte of the first double-byte
    character at or after offset `near`, leaving an incomplete character."""
    i = 0
    while i < len(gbk):
        if gbk[i] < 0x80:
            i += 1
            continue
        if i >= near:
            return gbk[: i + 1]
        i += 2
    sys.exit("no double-byte character after the truncation point")


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


if __name__ == "__main__":
    main(sys.argv)
