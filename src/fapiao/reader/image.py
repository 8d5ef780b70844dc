"""Invoices from images (JPG, PNG, WebP, TIFF, BMP, HEIC) and scanned PDF pages: QR first,
then OCR by layout.

decode (size-checked, EXIF orientation) -> QR with zxing-cpp (its payload is exact and
cross-checked by resolve.py; its orientation says which way is up) -> the sheet of paper
found in a photo and its perspective undone, large photos downscaled -> OCR (ocr.read_page:
the turn from the QR, or from the text boxes when there is no QR; skew undone) -> fields by
label anchors and geometry (ocr_fields).
"""

from __future__ import annotations

import logging

import numpy as np

from fapiao.core.invoice import InvoiceData
from fapiao.reader import image_prep, ocr, ocr_fields
from fapiao.reader.base import Limits, RawInvoice, ReadError
from fapiao.reader.image_prep import Qr

log = logging.getLogger(__name__)

# Photos are decoded at no less than this (a 12 MP JPEG at half size): the page is then
# cut out and shrunk to OCR_LONG_SIDE, the QR still has its modules.
DECODE_LONG_SIDE = 2000

NO_INVOICE_MESSAGE = (
    "图片中没有找到发票：请将整张发票平放，在光线充足处正对拍摄，确保四角完整、文字清晰后重新上传。"
)


def read(blob: bytes, *, limits: Limits) -> list[RawInvoice]:
    rgb = image_prep.decode(blob, limits=limits, long_side=DECODE_LONG_SIDE)
    return [read_pixels(rgb)]


def prepare(rgb: np.ndarray) -> tuple[np.ndarray, Qr | None]:
    """(the page as the OCR engine gets it, the QR if one was read). The QR is looked for
    on the straightened page first (small, and flat); on the whole photo at full size only
    when shrinking it lost detail."""
    gray = image_prep.grey(rgb)
    corners = image_prep.find_page(gray)
    if corners is not None:
        page = image_prep.straighten(rgb, corners, image_prep.OCR_LONG_SIDE)
    else:
        page, _ = image_prep.scaled(rgb, image_prep.OCR_LONG_SIDE)
    qr: Qr | None = None
    try:
        qr = image_prep.find_qr(image_prep.grey(page))
        if qr is None and max(rgb.shape[:2]) > 1.5 * max(page.shape[:2]):
            qr = image_prep.find_qr(gray)
    except Exception:  # a decoder failure must never stop the OCR reading
        log.warning("QR decoding failed", exc_info=True)
    if max(page.shape[:2]) < ocr.DET_LONG_SIDE:
        # Small images (a screenshot, a thumbnail) lose single digits in detection.
        page = image_prep.enlarged(page, ocr.DET_LONG_SIDE)
    return page, qr


def read_pixels(rgb: np.ndarray) -> RawInvoice:
    """One invoice from RGB pixels; raises ReadError("no_invoice_found")."""
    page, qr = prepare(rgb)
    reading = ocr.read_page(page, turn=qr.rotation if qr else None)
    if not ocr_fields.looks_like_invoice(reading.boxes) and reading.boxes:
        # The boxes misjudged the turn (a page with little text): the other way up.
        other = ocr.read_page(page, turn=(reading.turn + 180) % 360)
        if ocr_fields.looks_like_invoice(other.boxes):
            reading = other
    if ocr_fields.looks_like_invoice(reading.boxes):
        raw = ocr_fields.read_fields(
            reading.boxes, reading.width, reading.height,
            reread=lambda box: ocr.reread(reading, box, left=0.5, right=1.5),
        )  # fmt: skip
    elif qr is not None:
        raw = RawInvoice(InvoiceData())  # the QR alone still identifies it
    else:
        raise ReadError("no_invoice_found", NO_INVOICE_MESSAGE)
    raw.qr_text = qr.text if qr else None
    raw.page = 1
    return raw


__all__ = ["prepare", "read", "read_pixels"]
