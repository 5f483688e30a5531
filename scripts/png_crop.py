#!/usr/bin/env python3
"""Crops a PNG screenshot without image libraries: png_crop.py IN OUT HEIGHT R,G,B keeps
HEIGHT rows starting a little above the first row (below the top third) that has the
colour R,G,B near the left edge. Headless Chromium ignores URL fragments when taking
screenshots, so scripts/audit_check.sh finds a marked line this way."""
import struct, sys, zlib
def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, = struct.unpack(">I", data[pos:pos+4]); kind = data[pos+4:pos+8]; body = data[pos+8:pos+8+n]
        if kind == b"IHDR": ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT": idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    assert depth == 8 and interlace == 0 and ctype in (2, 6)
    bpp = 4 if ctype == 6 else 3
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f = raw[y*(stride+1)]; line = bytearray(raw[y*(stride+1)+1:(y+1)*(stride+1)])
        for i in range(stride):
            a = line[i-bpp] if i >= bpp else 0; b = prev[i]; c = prev[i-bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p-a), abs(p-b), abs(p-c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prev = line
    return w, h, bpp, ctype, rows
def write_png(path, w, bpp, ctype, rows):
    def chunk(k, b): return struct.pack(">I", len(b)) + k + b + struct.pack(">I", zlib.crc32(k + b) & 0xffffffff)
    raw = b"".join(b"\0" + r for r in rows)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, len(rows), 8, ctype, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
# crop.py IN OUT HEIGHT R,G,B : the HEIGHT rows around the first row (below the top third) with that colour.
src, dst, height, colour = sys.argv[1], sys.argv[2], int(sys.argv[3]), bytes(int(x) for x in sys.argv[4].split(","))
w, h, bpp, ctype, rows = read_png(src)
hit = next((y for y in range(h // 3, h) if any(rows[y][x*bpp:x*bpp+3] == colour for x in range(80, 200))), None)
top = max(0, (hit or 0) - height // 5)
write_png(dst, w, bpp, ctype, rows[top:top+height])
print(f"cropped rows {top}..{top+height} of {h}")
