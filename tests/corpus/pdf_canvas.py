"""A minimal PDF writer for the corpus: text, lines, filled squares, optional encryption.

Hand-written rather than a library because the renderer needs exact control over how text
is split into runs (real OFD->PDF converters write every character as its own run), must be
fast enough to render hundreds of invoices per test run, and should add no dependency.

Chinese text uses the standard non-embedded CJK font STSong-Light with the predefined CMap
UniGB-UCS2-H (as Acrobat and reportlab do): the text layer is exact Unicode without a font
file; viewers, and pdfium when rendering, substitute an installed CJK font (Debian
`fonts-wqy-microhei`) for the glyphs.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field

# Advance widths in 1/1000 em: ASCII is half-width in STSong-Light, everything else full.
ASCII_WIDTH = 500
CJK_WIDTH = 1000

# Standard security handler padding (PDF 1.7, 7.6.3.3).
_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def text_width(text: str, size: float) -> float:
    """Width of `text` at `size` points with this writer's font metrics."""
    return sum(ASCII_WIDTH if ord(ch) < 128 else CJK_WIDTH for ch in text) * size / 1000


def _hex(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass
class _Page:
    width: float
    height: float
    ops: list[str] = field(default_factory=list)


class Canvas:
    """Pages drawn with a top-left origin (y grows downwards), as invoices are laid out."""

    def __init__(self) -> None:
        self.pages: list[_Page] = []

    def new_page(self, width: float, height: float) -> None:
        self.pages.append(_Page(width, height))

    @property
    def _page(self) -> _Page:
        return self.pages[-1]

    def text(
        self, x: float, y: float, text: str, *, size: float, spacing: float = 0.0,
        align: str = "left", per_char: bool = False,
    ) -> float:  # fmt: skip
        """Draw `text` with its baseline at y; returns the right edge. `spacing` adds that
        many points after each character; `per_char` writes every character as its own
        text object (letter-spaced OFD-style output)."""
        if not text:
            return x
        width = text_width(text, size) + spacing * (len(text) - 1)
        if align == "right":
            x -= width
        elif align == "center":
            x -= width / 2
        base = self._page.height - y
        if per_char or spacing:
            pen = x
            for ch in text:
                self._page.ops.append(
                    f"BT /F1 {_num(size)} Tf 1 0 0 1 {_num(pen)} {_num(base)} Tm {_hex(ch)} Tj ET"
                )
                pen += text_width(ch, size) + spacing
        else:
            self._page.ops.append(
                f"BT /F1 {_num(size)} Tf 1 0 0 1 {_num(x)} {_num(base)} Tm {_hex(text)} Tj ET"
            )
        return x + width

    def vertical_text(self, x: float, y: float, text: str, *, size: float, step: float) -> None:
        """Characters stacked top to bottom (the 购买方信息 side labels)."""
        for k, ch in enumerate(text):
            self.text(x, y + k * step, ch, size=size)

    def line(self, x1: float, y1: float, x2: float, y2: float, *, width: float = 0.6) -> None:
        h = self._page.height
        self._page.ops.append(
            f"{_num(width)} w {_num(x1)} {_num(h - y1)} m {_num(x2)} {_num(h - y2)} l S"
        )

    def rect(self, x: float, y: float, w: float, h: float, *, width: float = 0.6) -> None:
        top = self._page.height - y - h
        self._page.ops.append(f"{_num(width)} w {_num(x)} {_num(top)} {_num(w)} {_num(h)} re S")

    def fill_squares(self, cells: list[tuple[float, float, float]]) -> None:
        """Filled black squares (x, y, side): QR modules."""
        h = self._page.height
        parts = [f"{_num(x)} {_num(h - y - s)} {_num(s)} {_num(s)} re" for x, y, s in cells]
        self._page.ops.append("0 g " + " ".join(parts) + " f")

    # -- serialisation -----------------------------------------------------------------

    def to_bytes(self, *, user_password: str | None = None, owner_password: str = "") -> bytes:
        """The PDF file; with `user_password` set (even "") it is RC4-encrypted with the
        standard security handler (revision 2), as old PDF producers did."""
        objects: list[bytes] = []
        n_pages = len(self.pages)
        page_ids = [6 + 2 * k for k in range(n_pages)]
        kids = " ".join(f"{pid} 0 R" for pid in page_ids)
        objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
        objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
        objects.append(
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
            b" /DescendantFonts [4 0 R] >>"
        )
        objects.append(
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
            b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >>"
            b" /FontDescriptor 5 0 R /DW %d /W [1 95 %d] >>" % (CJK_WIDTH, ASCII_WIDTH)
        )
        objects.append(
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6"
            b" /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120"
            b" /CapHeight 880 /StemV 93 >>"
        )
        for k, page in enumerate(self.pages):
            content_id = page_ids[k] + 1
            objects.append(
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_num(page.width)} "
                f"{_num(page.height)}] /Resources << /Font << /F1 3 0 R >> >> "
                f"/Contents {content_id} 0 R >>".encode()
            )
            objects.append(("\n".join(page.ops) + "\n").encode("ascii"))
        file_id = hashlib.md5(repr([p.ops[:3] for p in self.pages]).encode()).digest()
        encrypt: bytes | None = None
        key: bytes | None = None
        if user_password is not None:
            key, encrypt = _security(user_password, owner_password, file_id)
        stream_ids = {pid + 1 for pid in page_ids}
        return _serialise(objects, stream_ids=stream_ids, key=key, encrypt=encrypt, file_id=file_id)


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _padded(password: str) -> bytes:
    return (password.encode("latin-1") + _PAD)[:32]


def _security(user: str, owner: str, file_id: bytes) -> tuple[bytes, bytes]:
    """File key and /Encrypt dictionary (algorithms 3.2-3.4, 40-bit RC4, revision 2)."""
    owner_key = hashlib.md5(_padded(owner or user)).digest()[:5]
    o_value = _rc4(owner_key, _padded(user))
    permissions = -44  # printing allowed, copying and modifying not
    key = hashlib.md5(_padded(user) + o_value + struct.pack("<i", permissions) + file_id).digest()[
        :5
    ]
    u_value = _rc4(key, _PAD)
    encrypt = (
        b"<< /Filter /Standard /V 1 /R 2 /O <" + o_value.hex().encode() + b"> /U <"
        + u_value.hex().encode() + b"> /P " + str(permissions).encode() + b" >>"
    )  # fmt: skip
    return key, encrypt


def _serialise(
    objects: list[bytes], *, stream_ids: set[int], key: bytes | None, encrypt: bytes | None,
    file_id: bytes,
) -> bytes:  # fmt: skip
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        if number in stream_ids:
            data = body
            if key is not None:
                obj_key = hashlib.md5(key + struct.pack("<i", number)[:3] + b"\0\0").digest()
                data = _rc4(obj_key[:10], data)
            body = b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    trailer_extra = b""
    size = len(objects) + 1
    if encrypt is not None:
        offsets.append(len(out))
        out += b"%d 0 obj\n" % size + encrypt + b"\nendobj\n"
        trailer_extra = b" /Encrypt %d 0 R" % size
        size += 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += (
        b"trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>]" % (size, file_id.hex().encode(),
                                                             file_id.hex().encode())
        + trailer_extra + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    )  # fmt: skip
    return bytes(out)
