"""Just enough PDF reading to check a printed study guide without a PDF library.

Chromium's print-to-PDF (Skia) writes the document outline, built from the page's headings
when `page.pdf(outline=True)`, as uncompressed objects: each item a `/Title` string and a `/Dest`
naming its page. That is enough to check which sections were printed and on which page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.DOTALL)
_TITLE = re.compile(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>)", re.DOTALL)
_DEST = re.compile(rb"/Dest\s*\[\s*(\d+) 0 R\s*/XYZ\s+([-\d.]+)\s+([-\d.]+)")
_KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


@dataclass(frozen=True)
class OutlineItem:
    title: str
    page: int  # 1-based


def _string(token: bytes) -> str:
    if token.startswith(b"<"):
        raw = bytes.fromhex(token[1:-1].decode())
    else:
        raw = re.sub(
            rb"\\([0-7]{1,3}|.)",
            lambda m: (
                bytes([int(m.group(1), 8)])
                if m.group(1)[:1].isdigit()
                else _ESCAPES.get(m.group(1), m.group(1))
            ),
            token[1:-1],
            flags=re.DOTALL,
        )
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be")
    return raw.decode("latin-1")


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(data)}


def pages(data: bytes) -> list[int]:
    """Object numbers of the pages, in document order."""
    objects = _objects(data)
    root = next(n for n, body in objects.items() if re.search(rb"/Type\s*/Pages\b", body)
                and b"/Parent" not in body)  # fmt: skip

    def walk(number: int) -> list[int]:
        body = objects[number]
        kids = _KIDS.search(body)
        if kids is None:
            return [number]
        return [p for kid in re.findall(rb"(\d+) 0 R", kids.group(1)) for p in walk(int(kid))]

    return walk(root)


def outline(data: bytes) -> list[OutlineItem]:
    """Every outline item (heading) of the PDF with its page, in reading order."""
    order = {number: i + 1 for i, number in enumerate(pages(data))}
    found = []
    for body in _objects(data).values():
        title, dest = _TITLE.search(body), _DEST.search(body)
        if title and dest:
            page, top = order[int(dest.group(1))], float(dest.group(3))
            found.append((page, -top, OutlineItem(_string(title.group(1)), page)))
    return [item for _, _, item in sorted(found, key=lambda f: (f[0], f[1]))]


def document_title(data: bytes) -> str:
    info = next(body for body in _objects(data).values() if b"/Producer" in body)
    title = _TITLE.search(info)
    assert title is not None
    return _string(title.group(1))
