"""The second renderer's text PDFs: alt_layout primitives written with the habits of other
PDF producers, so that the reader's text-layer logic is tested on run structures our first
renderer (pdf_canvas) never writes.

Runs (AltPdfStyle.runs):
- "word": each label and each value its own run (TJ arrays with kerning, lines moved by Td);
- "per_char": every character its own text object at an absolute position;
- "label_value": label and value in one run ("统一社会信用代码/纳税人识别号：9144…");
- "split": values cut in two or three runs at arbitrary points, drawn out of order.
Fonts: UniGB-UTF16-H with another CJK base font and other metrics than pdf_canvas;
horizontal scaling (Tz) on long labels; optionally everything drawn in reverse order.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

from fapiao.core.invoice import InvoiceData

from .alt_layout import AltStyle, Drawing, Text, layout, text_width


@dataclass(frozen=True)
class AltPdfStyle:
    runs: str = "word"  # "word" | "per_char" | "label_value" | "split"
    reverse: bool = False
    compress: bool = True  # FlateDecode content streams, as nearly every producer does


def _hex(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


class _Writer:
    def __init__(self, height: float, style: AltPdfStyle, seed: str) -> None:
        self.h = height
        self.ops: list[str] = []
        self.style = style
        self.rng = random.Random(seed)

    def run(self, x: float, y: float, text: str, size: float) -> None:
        """One text object; long label runs squeezed with Tz as some producers do."""
        squeeze = 100
        if len(text) > 12 and not any(ch.isdigit() for ch in text):
            squeeze = 92
        kern = []
        for k, ch in enumerate(text):
            kern.append(_hex(ch))
            if k + 1 < len(text) and self.rng.random() < 0.2:
                kern.append(str(self.rng.choice((-5, 5, 10))))  # tiny kerning, 1/1000 em
        self.ops.append(
            f"BT /F2 {_n(size)} Tf {squeeze} Tz 1 0 0 1 {_n(x)} {_n(self.h - y)} Tm "
            f"[{' '.join(kern)}] TJ ET"
        )

    def text(self, t: Text, x: float | None = None, text: str | None = None) -> None:
        x = t.x if x is None else x
        text = t.text if text is None else text
        if t.align == "right":
            x -= text_width(text, t.size)
        elif t.align == "center":
            x -= text_width(text, t.size) / 2
        if t.vertical:
            for k, ch in enumerate(text):
                self.run(x, t.y + k * 1.4 * t.size, ch, t.size)
            return
        if self.style.runs == "per_char":
            pen = x
            for ch in text:
                self.run(pen, t.y, ch, t.size)
                pen += text_width(ch, t.size)
            return
        if self.style.runs == "split" and t.part == "value" and len(text) >= 6:
            cuts = sorted(self.rng.sample(range(1, len(text)), 2 if len(text) > 12 else 1))
            pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
            starts = []
            pen = x
            for piece in pieces:
                starts.append(pen)
                pen += text_width(piece, t.size)
            order = list(range(len(pieces)))
            self.rng.shuffle(order)
            for k in order:
                self.run(starts[k], t.y, pieces[k], t.size)
            return
        self.run(x, t.y, text, t.size)


def render_alt_pdf(
    invoices: InvoiceData | list[InvoiceData],
    style: AltStyle | None = None,
    pdf_style: AltPdfStyle | None = None,
) -> bytes:
    """A PDF with one page per invoice, laid out by alt_layout."""
    style = style or AltStyle()
    pdf_style = pdf_style or AltPdfStyle()
    batch = [invoices] if isinstance(invoices, InvoiceData) else invoices
    pages = []
    for inv in batch:
        drawing = layout(inv, style)
        writer = _Writer(drawing.height, pdf_style, f"pdf-{inv.invoice_number}")
        _draw(writer, drawing, pdf_style)
        if pdf_style.reverse:
            writer.ops.reverse()
        pages.append((drawing, "\n".join(writer.ops).encode("ascii")))
    return _serialise(pages, compress=pdf_style.compress)


def _draw(w: _Writer, drawing: Drawing, style: AltPdfStyle) -> None:
    for rule in drawing.rules:
        w.ops.append(
            f"0.5 w {_n(rule.x1)} {_n(w.h - rule.y1)} m {_n(rule.x2)} {_n(w.h - rule.y2)} l S"
        )
    values = {t.pair: t for t in drawing.texts if t.part == "value"}
    for t in drawing.texts:
        if style.runs == "label_value" and t.pair is not None:
            if t.part == "value":
                continue  # written with its label
            value = values.get(t.pair)
            if value is not None:
                # One run: the label, then the value right after it (the producer wrote
                # them as one string; the gap in the form is gone).
                w.text(t, text=t.text + value.text)
                continue
        w.text(t)


def _serialise(pages: list[tuple[Drawing, bytes]], *, compress: bool) -> bytes:
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    objects.append(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /AdobeHeitiStd-Regular /Encoding "
        b"/UniGB-UTF16-H /DescendantFonts [4 0 R] >>"
    )
    objects.append(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /AdobeHeitiStd-Regular"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >>"
        b" /FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>"
    )
    objects.append(
        b"<< /Type /FontDescriptor /FontName /AdobeHeitiStd-Regular /Flags 4"
        b" /FontBBox [-100 -200 1100 900] /ItalicAngle 0 /Ascent 860 /Descent -140"
        b" /CapHeight 760 /StemV 80 >>"
    )
    kids = []
    for drawing, content in pages:
        page_id = len(objects) + 1
        kids.append(f"{page_id} 0 R")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_n(drawing.width)} "
            f"{_n(drawing.height)}] /Resources << /Font << /F2 3 0 R >> >> "
            f"/Contents {page_id + 1} 0 R >>".encode()
        )
        data = zlib.compress(content) if compress else content
        head = b"<< /Length %d%s >>" % (len(data), b" /Filter /FlateDecode" if compress else b"")
        objects.append(head + b"\nstream\n" + data + b"\nendstream")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    # Objects numbered from 1; the cross-reference table in one subsection per object run
    # of ten, as some producers write it (readers must not assume one subsection).
    head = b"%PDF-1.7\n%\xb5\xb6\xb7\xb8\n"
    bodies = [b"%d 0 obj\n%s\nendobj\n" % (k, body) for k, body in enumerate(objects, 1)]
    starts = [len(head) + sum(len(x) for x in bodies[:k]) for k in range(len(bodies))]
    table = [b"xref\n0 1\n0000000000 65535 f \n"]
    for first in range(0, len(starts), 10):
        chunk = starts[first : first + 10]
        table.append(b"%d %d\n" % (first + 1, len(chunk)))
        table += [b"%010d 00000 n \n" % at for at in chunk]
    xref_at = len(head) + sum(len(x) for x in bodies)
    tail = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
    return head + b"".join(bodies) + b"".join(table) + tail % (len(objects) + 1, xref_at)


__all__ = ["AltPdfStyle", "render_alt_pdf"]
