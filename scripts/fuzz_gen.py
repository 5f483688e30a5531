#!/usr/bin/env python3
"""Writes a fixed-seed set of hostile inputs for scripts/fuzz.sh.

Mutants of the corpus files (bit flips, truncations, cut and duplicated byte
ranges, inflated content streams with extreme operands) plus generated PDFs and
texts that attack specific bounds (self-drawing form XObject, a page that is its
own parent, inflate bombs, glyphs far off the page, many pages, glued-digit
storms, repeated tables, BOM-less UTF-16, stray invalid bytes, Big5).

usage: fuzz_gen.py SEED COUNT OUT_DIR SOURCE...
Files are spread over OUT_DIR/batch_NNN folders of BATCH files each.
"""
import os
import random
import re
import sys
import zlib

BATCH = 250


def pdf(objects, root=1):
    """A well-formed PDF (correct xref) from a list of object bodies (bytes)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for o in offsets:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        xref,
    )
    return bytes(out)


def stream(data, extra=b"", compress=False):
    if compress:
        data = zlib.compress(data)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def page_pdf(content, resources=b"/Font << /F1 4 0 R >>", extra_objs=(), compress=False):
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << %s >> >>"
        % resources,
        FONT,
        stream(content, compress=compress),
    ]
    objs.extend(extra_objs)
    return pdf(objs)


def hostile_pdfs(rng):
    """Generated PDFs, each aimed at one bound."""
    out = {}
    for x in [b"1e13", b"-2147483649", b"1e308", b"99999999999999999999", b"-1e13"]:
        out["offpage_%s.pdf" % x.decode()] = page_pdf(
            b"BT /F1 12 Tf 1 0 0 1 %s 700 Tm (A1) Tj ET BT /F1 12 Tf 1 0 0 1 72 700 Tm (B2) Tj ET"
            % x
        )
    out["huge_font.pdf"] = page_pdf(b"BT /F1 1e30 Tf 72 700 Td (A) Tj ET")
    out["self_form.pdf"] = page_pdf(
        b"/X0 Do",
        resources=b"/XObject << /X0 6 0 R >>",
        extra_objs=[
            stream(b"/X0 Do", b" /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X0 6 0 R >> >>")
        ],
    )
    out["mutual_forms.pdf"] = page_pdf(
        b"/X0 Do",
        resources=b"/XObject << /X0 6 0 R >>",
        extra_objs=[
            stream(b"/X1 Do", b" /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X1 7 0 R >> >>"),
            stream(b"/X0 Do", b" /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X0 6 0 R >> >>"),
        ],
    )
    out["own_parent.pdf"] = pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> >> >>",
            FONT,
            stream(b"BT /F1 12 Tf 72 700 Td (A) Tj ET"),
        ]
    )
    out["pages_loop.pdf"] = pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> >> >>",
            FONT,
            stream(b"BT /F1 12 Tf 72 700 Td (A) Tj ET"),
        ]
    )
    # Inflate bomb: a 260 KB content stream that inflates to 256 MB.
    bomb = zlib.compress(b"\0" * (256 * 1024 * 1024), 9)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> >> >>",
        FONT,
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream",
    ]
    out["inflate_bomb_content.pdf"] = pdf(objs)
    # Many trivial pages.
    n = 3000
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for i in range(n):
        kids.append(b"%d 0 R" % (len(objs) + 1))
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>"
            % (len(objs) + 2, 3 + 2 * n)
        )
        objs.append(stream(b"BT /F1 12 Tf 72 700 Td (Page %d) Tj ET" % i))
    objs.append(FONT)
    objs[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), n)
    out["many_pages.pdf"] = pdf(objs)
    return out


def hostile_texts(sample):
    """Generated texts aimed at the search and encoding bounds."""
    out = {}
    lines = sample.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("一、本年新收"))
    end = next(i for i, l in enumerate(lines) if l.startswith("四、结转下年度"))

    def glued(digits):
        res = []
        for i, l in enumerate(lines):
            if start <= i <= end and re.search(r"\d\s*$", l):
                res.append(re.sub(r"[\t\d ]+$", "", l).replace("\t", "") + digits)
            else:
                res.append(l)
        return "\n".join(res)

    out["storm_nines.txt"] = glued("9" * 40).encode()
    out["storm_1000.txt"] = glued("1234567890" * 100).encode()
    out["repeated_t3.txt"] = "\n".join(lines[:start] + lines[start : end + 1] * 1000 + lines[end + 1 :]).encode()
    out["utf16le_nobom.txt"] = sample.encode("utf-16-le")
    out["utf16be_nobom.txt"] = sample.encode("utf-16-be")
    b = bytearray(sample.encode())
    b.insert(len(b) // 2, 0xFF)
    out["bad_byte.txt"] = bytes(b)
    out["big5.txt"] = sample.encode("big5", errors="replace")
    out["long_line.txt"] = ("一" * 2_000_000).encode()
    out["many_lines.txt"] = ("\n" * 3_000_000).encode() + sample.encode()
    out["form_feeds.txt"] = ("\f" * 1_000_000).encode() + sample.encode()
    return out


def inflate_mutant(rng, data):
    """Inflates one Flate stream, replaces numbers with extreme operands and
    stores it uncompressed (xref offsets are then off: readers must cope)."""
    streams = [m for m in re.finditer(rb"/FlateDecode[^>]*>>\s*stream\r?\n", data)]
    if not streams:
        return None
    m = rng.choice(streams)
    start = m.end()
    end = data.find(b"endstream", start)
    if end < 0:
        return None
    try:
        content = zlib.decompressobj().decompress(data[start:end], 4 * 1024 * 1024)
    except zlib.error:
        return None
    extremes = [b"1e13", b"-2147483649", b"1e308", b"99999999999999999999", b"-0", b"3.4e38", b"NaN"]

    def sub(mm):
        return rng.choice(extremes) if rng.random() < 0.2 else mm.group(0)

    content = re.sub(rb"-?\d+(\.\d+)?", sub, content)
    head = data[: m.start()].replace(b"/FlateDecode", b"/Null", 0)
    return head + b"/Null >>\nstream\n" + content + b"\n" + data[end:]


def mutate(rng, data, is_pdf):
    kind = rng.choice(["flip", "trunc", "cut", "dup"] + (["operands"] * 2 if is_pdf else []))
    b = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 16)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif kind == "trunc":
        b = b[: rng.randrange(1, len(b))]
    elif kind == "cut":
        i = rng.randrange(len(b))
        j = min(len(b), i + rng.randint(1, max(1, len(b) // 8)))
        del b[i:j]
    elif kind == "dup":
        i = rng.randrange(len(b))
        j = min(len(b), i + rng.randint(1, max(1, len(b) // 8)))
        b[j:j] = b[i:j] * rng.randint(1, 4)
    elif kind == "operands":
        m = inflate_mutant(rng, data)
        if m is not None:
            return bytes(m), kind
        return mutate(rng, data, False)
    return bytes(b), kind


def main():
    seed, count, out_dir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    sources = [p for p in sys.argv[4:] if os.path.isfile(p)]
    rng = random.Random(seed)
    files = {}
    sample_path = next((p for p in sources if p.endswith("000_yiyuan_zrzyj_2020.txt")), None)
    if sample_path:
        sample = open(sample_path, encoding="utf-8").read()
        files.update(hostile_texts(sample))
    files.update(hostile_pdfs(rng))
    datas = [(p, open(p, "rb").read()) for p in sorted(sources)]
    i = 0
    while len(files) < count:
        p, data = datas[i % len(datas)]
        i += 1
        if not data:
            continue
        is_pdf = data[:1024].find(b"%PDF-") >= 0
        m, kind = mutate(rng, data, is_pdf)
        ext = os.path.splitext(p)[1] or ".txt"
        name = "m%05d_%s_%s%s" % (len(files), kind, os.path.basename(p).rsplit(".", 1)[0][:20], ext)
        files[name] = m
    for n, (name, data) in enumerate(sorted(files.items())):
        d = os.path.join(out_dir, "batch_%03d" % (n // BATCH))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    print(len(files))


if __name__ == "__main__":
    main()
