"""Invoices from images (JPG, PNG, WebP, TIFF, BMP): QR first, then OCR by layout.

decode (size-checked, EXIF orientation) -> QR with zxing-cpp on the full-size image (its
payload is exact and cross-checked by resolve.py) -> upright by the QR's orientation ->
downscale large photos -> OCR -> fields by label anchors and geometry (ocr_fields). Without
a QR and without invoice labels in the OCR text, the other orientations are tried once each
(vertical text runs suggest a quarter turn, otherwise a half turn).
"""

from __future__ import annotations

import logging

import numpy as np

from fapiao.core.invoice import InvoiceData
from fapiao.reader import image_prep, ocr, ocr_fields
from fapiao.reader.base import Limits, RawInvoice, ReadError
from fapiao.reader.image_prep import Qr

log = logging.getLogger(__name__)

NO_INVOICE_MESSAGE = (
    "图片中没有找到发票：请将整张发票平放，在光线充足处正对拍摄，确保四角完整、文字清晰后重新上传。"
)


def read(blob: bytes, *, limits: Limits) -> list[RawInvoice]:
    rgb = image_prep.decode(blob, limits=limits)
    raw = read_pixels(rgb)
    return [raw]


def read_pixels(rgb: np.ndarray) -> RawInvoice:
    """One invoice from RGB pixels; raises ReadError("no_invoice_found")."""
    qr: Qr | None = None
    try:
        qr = image_prep.find_qr(image_prep.grey(rgb))
    except Exception:  # a decoder failure must never stop the OCR reading
        log.warning("QR decoding failed", exc_info=True)
    image, _ = image_prep.scaled(rgb, image_prep.OCR_LONG_SIDE)
    rotation = qr.rotation if qr else 0
    raw = _read_upright(image, rotation, retry=qr is None)
    if raw is None:
        if qr is None:
            raise ReadError("no_invoice_found", NO_INVOICE_MESSAGE)
        raw = RawInvoice(InvoiceData())  # the QR alone still identifies it
    raw.qr_text = qr.text if qr else None
    raw.page = 1
    return raw


def _read_upright(image: np.ndarray, rotation: int, *, retry: bool) -> RawInvoice | None:
    """OCR at the given quarter turn; without a QR to say which way is up, a sideways page
    (vertical text runs) is turned a quarter and an upside-down one (header below footer,
    or no invoice labels at all) half way: at most three OCR calls."""
    upright = image_prep.rotate(image, rotation)
    boxes = ocr.recognise(upright)
    if not boxes:
        return None
    if retry:
        if ocr_fields.mostly_vertical(boxes):
            rotation += 90
            upright = image_prep.rotate(image, rotation)
            boxes = ocr.recognise(upright)
        height = float(upright.shape[0])
        if ocr_fields.upside_down(boxes, height) or not ocr_fields.looks_like_invoice(boxes):
            turned = image_prep.rotate(image, rotation + 180)
            more = ocr.recognise(turned)
            if ocr_fields.looks_like_invoice(more) and not ocr_fields.upside_down(
                more, float(turned.shape[0])
            ):
                upright, boxes = turned, more
    if not ocr_fields.looks_like_invoice(boxes):
        return None
    height, width = upright.shape[:2]
    return ocr_fields.read_fields(boxes, float(width), float(height))


__all__ = ["read", "read_pixels"]
