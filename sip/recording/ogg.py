"""Rewriting a reserved comment of a finished Ogg Opus file in place.

Why: libsndfile writes an Ogg file's comment header before the first audio and refuses string data
after it, but the pauses of a call are known only when it ends. The writer therefore reserves a comment of
fixed length at the start (``placeholder``), and ``patch_comment`` overwrites those bytes with the final
text padded to the same length and recomputes the page's CRC: no page moves, nothing is re-encoded.
"""

from __future__ import annotations

import struct
from pathlib import Path

MARKER = "ringdesk-pauses="
RESERVED = 1024  # characters after the marker: ~40 pauses at "[123.45,678.9]," each


def _table() -> list[int]:
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else (r << 1)
        table.append(r & 0xFFFFFFFF)
    return table


_CRC = _table()


def ogg_crc(page: bytes) -> int:
    """The Ogg page checksum (CRC-32, polynomial 0x04C11DB7, MSB first, no reflection, init 0)."""
    crc = 0
    for byte in page:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC[((crc >> 24) & 0xFF) ^ byte]
    return crc


def placeholder() -> str:
    """The comment to give the file before writing audio: the marker and room for the pauses."""
    return MARKER + " " * RESERVED


def encode_pauses(pauses: list[tuple[float, float]]) -> str:
    """The comment text for these pauses, cut to whole entries that fit the reserved room."""
    parts: list[str] = []
    used = 2
    for start, end in pauses:
        item = f"[{start:.2f},{end:.2f}]"
        if used + len(item) + 1 > RESERVED:
            break
        parts.append(item)
        used += len(item) + 1
    return "[" + ",".join(parts) + "]"


def parse_pauses(comment: str) -> list[tuple[float, float]]:
    """The pauses a file's comment holds (empty when it has none)."""
    import json

    text = comment.strip()
    if not text.startswith(MARKER):
        return []
    return [(float(a), float(b)) for a, b in json.loads(text[len(MARKER) :] or "[]")]


def patch_comment(path: Path, text: str) -> None:
    """Replace the placeholder's room in ``path`` with ``text`` (padded) and fix that page's CRC."""
    data = bytearray(path.read_bytes()[: 1 << 16])  # the comment header is on the first pages
    marker = MARKER.encode()
    at = data.find(marker + b" " * 16)
    if at < 0:
        raise ValueError(f"{path.name}: no reserved comment to patch")
    body = text.encode()
    if len(body) > RESERVED:
        raise ValueError("comment longer than its reserved room")
    start = at + len(marker)
    data[start : start + RESERVED] = body + b" " * (RESERVED - len(body))
    page_at = data.rfind(b"OggS", 0, at)
    segments = data[page_at + 26]
    length = 27 + segments + sum(data[page_at + 27 : page_at + 27 + segments])
    if not page_at <= at < page_at + length:
        raise ValueError(f"{path.name}: the comment spans Ogg pages")
    page = data[page_at : page_at + length]
    page[22:26] = b"\0\0\0\0"
    page[22:26] = struct.pack("<I", ogg_crc(bytes(page)))
    with path.open("r+b") as f:
        f.seek(page_at)
        f.write(page)
