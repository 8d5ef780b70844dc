"""PDFs as the pipeline reads them: the text layer first (pdf_text); a PDF without one (a
scan saved as PDF) has each page rendered and read as a photo (image.read_pixels).

OCR costs about a second per page, so a scanned PDF is read only up to MAX_SCANNED_PAGES
pages; a longer one is refused with a message saying to split it, never half-read.
"""

from __future__ import annotations

from fapiao.reader import pdf_text
from fapiao.reader.base import Limits, RawInvoice, ReadError

MAX_SCANNED_PAGES = 10
RENDER_LONG_SIDE = 2200  # pixels: enough for the QR's modules and for OCR after downscaling
NO_INVOICE_MESSAGE = (
    "扫描的 PDF 中没有找到发票：请确认扫描的是发票正面，扫描分辨率不低于 200 dpi，"
    "或上传电子发票原件（PDF/OFD/XML）。"
)


def read(blob: bytes, *, limits: Limits) -> list[RawInvoice]:
    try:
        return pdf_text.read(blob, limits=limits)
    except ReadError as exc:
        if exc.code != "no_text_layer":
            raise
    return _read_scanned(blob)


def _read_scanned(blob: bytes) -> list[RawInvoice]:
    from fapiao.reader import image  # the OCR engine: loaded only for scans

    doc = pdf_text.open_pdf(blob)
    try:
        count = len(doc)
        if count > MAX_SCANNED_PAGES:
            raise ReadError(
                "too_many_pages",
                f"扫描的 PDF 共 {count} 页，需逐页识别，超过 {MAX_SCANNED_PAGES} 页的上限："
                "请拆分后分别上传，或上传电子发票原件。",
            )
        invoices: list[RawInvoice] = []
        for index in range(count):
            page = doc[index]
            try:
                width, height = page.get_size()
                scale = min(RENDER_LONG_SIDE / max(width, height, 1.0), 6.0)
                bitmap = page.render(scale=scale, rev_byteorder=True)
                rgb = bitmap.to_numpy()[:, :, :3].copy()
            finally:
                page.close()
            try:
                raw = image.read_pixels(rgb)
            except ReadError as exc:
                if exc.code == "no_invoice_found":
                    continue  # a blank or cover page among scanned invoices
                raise
            raw.page = index + 1
            invoices.append(raw)
    finally:
        doc.close()
    if not invoices:
        raise ReadError("no_invoice_found", NO_INVOICE_MESSAGE)
    return invoices


__all__ = ["read"]
