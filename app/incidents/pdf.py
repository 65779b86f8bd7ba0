"""A small PDF writer for text documents (headless: no Qt), so `veil incident export`
runs on a server. Pages of Helvetica lines, A4; the text is real text a reader (or
pypdf) can search and extract. Characters outside Latin-1 are written as '?'."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

PAGE_W, PAGE_H = 595, 842  # A4 in points
MARGIN = 50
LEADING = 13
BODY = 10
HEADING = 14
WRAP = 96  # characters of a body line at 10 pt Helvetica within the margins


def _escape(text: str) -> str:
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


@dataclass(frozen=True)
class Thumb:
    """A JPEG picture to place on the first page (already filtered by the caller)."""

    jpeg: bytes
    width: int
    height: int


def layout(lines: Sequence[str], first_page_short_by: int = 0) -> list[list[tuple[int, str]]]:
    """Pages of (font size, text) lines; a line starting with '# ' is a heading."""
    pages: list[list[tuple[int, str]]] = [[]]
    full = (PAGE_H - 2 * MARGIN) // LEADING
    for line in lines:
        if line.startswith("# "):
            parts = [(HEADING, line[2:])]
        else:
            wrapped = textwrap.wrap(line, WRAP, subsequent_indent="    ") or [""]
            parts = [(BODY, w) for w in wrapped]
        for part in parts:
            per_page = full - first_page_short_by if len(pages) == 1 else full
            if len(pages[-1]) >= per_page:
                pages.append([])
            pages[-1].append(part)
    return pages


THUMB = 110  # a thumbnail's box, in points
THUMB_ROWS_LINES = 20  # text lines the first page gives up for two rows of thumbnails


def render(lines: Sequence[str], title: str = "", thumbs: Sequence[Thumb] = ()) -> bytes:
    """The PDF file of these lines; thumbnails (at most 8, JPEG) in two rows at the foot of
    the first page."""
    thumbs = list(thumbs)[:8]
    reserve = THUMB_ROWS_LINES if thumbs else 0
    pages = layout(lines, first_page_short_by=reserve)
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled once the page tree's number is known
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )
    images = [
        add(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
            % (t.width, t.height, len(t.jpeg))
            + t.jpeg
            + b"\nendstream"
        )
        for t in thumbs
    ]
    kids = []
    for number, page in enumerate(pages):
        ops = ["BT", f"{MARGIN} {PAGE_H - MARGIN} Td", f"{LEADING} TL"]
        for size, text in page:
            face = "/F2" if size == HEADING else "/F1"
            ops.append(f"{face} {size} Tf ({_escape(text)}) Tj T*")
        ops.append("ET")
        if number == 0:
            for n, (thumb, _ref) in enumerate(zip(thumbs, images, strict=True)):
                scale = min(THUMB / thumb.width, THUMB / thumb.height)
                w, h = thumb.width * scale, thumb.height * scale
                x = MARGIN + (n % 4) * (THUMB + 10)
                y = MARGIN + (1 - n // 4) * (THUMB + 10)
                ops.append(f"q {w:.1f} 0 0 {h:.1f} {x} {y} cm /Im{n} Do Q")
        stream = "\n".join(ops).encode("latin-1")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        xobjects = b""
        if number == 0 and images:
            refs_ = b" ".join(b"/Im%d %d 0 R" % (n, ref) for n, ref in enumerate(images))
            xobjects = b" /XObject << " + refs_ + b" >>"
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >>%s >> >>"
                % (tree, PAGE_W, PAGE_H, content, font, bold, xobjects)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    refs = " ".join(f"{n} 0 R" for n in kids).encode()
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    info = add(b"<< /Title (%s) /Producer (Veil) >>" % _escape(title).encode("latin-1"))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        xref,
    )
    return bytes(out)
