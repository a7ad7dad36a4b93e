#!/usr/bin/env python3
"""Writes eng/icon.png, the NuGet package icon: a 128x128 RGBA PNG drawn here (no image library, no input file).

A dark red rounded square holding three stacked white slabs: a tree of layers (an OSTree commit) built from packages.
Deterministic: the same script gives the same bytes. Run: python3 eng/make-icon.py [OUTPUT]
"""
import os
import struct
import sys
import zlib

SIZE = 128
BACKGROUND = (0xA8, 0x00, 0x30)  # Debian's red
FOREGROUND = (0xFF, 0xFF, 0xFF)


def inside_rounded_square(x, y, margin=4, radius=24):
    lo, hi = margin, SIZE - 1 - margin
    if not (lo <= x <= hi and lo <= y <= hi):
        return False
    cx = min(max(x, lo + radius), hi - radius)
    cy = min(max(y, lo + radius), hi - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def inside_slab(x, y):
    # Three slabs, narrower towards the top, with gaps between them.
    for top, half_width in ((30, 26), (56, 36), (82, 46)):
        if top <= y < top + 18 and abs(x - 63.5) <= half_width:
            return True
    return False


def pixel(x, y):
    if not inside_rounded_square(x, y):
        return (0, 0, 0, 0)
    if inside_slab(x, y):
        return FOREGROUND + (0xFF,)
    return BACKGROUND + (0xFF,)


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def main():
    rows = bytearray()
    for y in range(SIZE):
        rows.append(0)  # filter type: none
        for x in range(SIZE):
            rows.extend(pixel(x, y))
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "icon.png")
    with open(path, "wb") as f:
        f.write(png)
    print(f"{path}: {len(png)} bytes")


if __name__ == "__main__":
    main()
