"""The favicon shows the overall status, so a pinned tab tells the truth: a shape per status (never colour alone)
in the status's colour. SVG for browsers that take it, and a 32x32 ICO (one PNG inside) for the rest and for the
`/favicon.ico` every browser asks for.

The PNG is drawn and encoded here (zlib and a CRC are all PNG needs): five filled shapes do not warrant an
imaging library.
"""
from __future__ import annotations

import struct
import zlib

from .badges import COLOURS  # the theme's light colours: readable on light and dark tabs
from .wording import INDICATOR

SIZE = 32

# Each shape as SVG (on a 32x32 grid) and as a test of a pixel's centre, so the two images agree.
_SHAPES = {
    "ok": ('<circle cx="16" cy="16" r="14"/>', lambda x, y: (x - 16) ** 2 + (y - 16) ** 2 <= 14 ** 2),
    "minor": ('<path d="M16 2 L30 29 L2 29 Z"/>', lambda x, y: 2 <= y <= 29 and abs(x - 16) <= (y - 2) * 14 / 27),
    "major": ('<path d="M16 1 L31 16 L16 31 L1 16 Z"/>', lambda x, y: abs(x - 16) + abs(y - 16) <= 15),
    "critical": ('<path d="M4 8 L8 4 L16 12 L24 4 L28 8 L20 16 L28 24 L24 28 L16 20 L8 28 L4 24 L12 16 Z"/>',
                 lambda x, y: 3 <= x <= 29 and 3 <= y <= 29 and min(abs(x - y), abs(x + y - 32)) <= 5.7),
    "maint": ('<path d="M3 3 H29 V29 H3 Z M10 10 V22 H22 V10 Z" fill-rule="evenodd"/>',
              lambda x, y: 3 <= x <= 29 and 3 <= y <= 29 and not (10 <= x <= 22 and 10 <= y <= 22)),
}


def _look(indicator: str) -> tuple[str, str]:
    css = INDICATOR[indicator].look.css
    return css, COLOURS[css]


def svg(indicator: str) -> bytes:
    """The SVG favicon of the overall indicator (none, minor, major, critical, maintenance)."""
    css, colour = _look(indicator)
    words = INDICATOR[indicator].headline
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" role="img" aria-label="{words}">'
            f'<title>{words}</title><g fill="{colour}">{_SHAPES[css][0]}</g></svg>\n').encode("utf-8")


def _png(indicator: str) -> bytes:
    css, colour = _look(indicator)
    rgb = bytes.fromhex(colour[1:])
    inside = _SHAPES[css][1]
    rows = b"".join(b"\x00" + b"".join(rgb + b"\xff" if inside(x + 0.5, y + 0.5) else b"\x00\x00\x00\x00"
                                       for x in range(SIZE)) for y in range(SIZE))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9))
            + chunk(b"IEND", b""))


def ico(indicator: str) -> bytes:
    """The same as a 32x32 ICO holding one PNG (every browser reads PNG inside ICO)."""
    png = _png(indicator)
    directory = struct.pack("<BBBBHHII", SIZE, SIZE, 0, 0, 1, 32, len(png), 6 + 16)
    return struct.pack("<HHH", 0, 1, 1) + directory + png
