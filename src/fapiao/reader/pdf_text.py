"""Invoices from a PDF's text layer (pypdfium2), one RawInvoice per invoice.

Each page is read by layout (pdf_layout, pdf_fields, pdf_items). A page with an invoice
number different from the current invoice's starts a new invoice; a 销货清单 list page, or
a further page of the same invoice, adds its items to the invoice it continues. The QR code
is decoded from the page as a check when zxing-cpp is installed.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from fapiao.core.invoice import InvoiceData, LineItemData
from fapiao.reader import assign, pdf_fields
from fapiao.reader.base import Limits, RawInvoice, ReadError
from fapiao.reader.pdf_items import find_header, read_items
from fapiao.reader.pdf_layout import PageText, page_text

log = logging.getLogger(__name__)

ENCRYPTED_MESSAGE = (
    "PDF 文件设有打开密码，无法读取：请去除密码后再上传，或从开票平台重新下载未加密的原件。"
)
CORRUPT_MESSAGE = "PDF 文件已损坏或不完整：请重新下载或导出原件后再上传。"
NO_TEXT_MESSAGE = "PDF 中没有可读取的文字（可能是扫描件）：将按图片识别，或请上传电子发票原件。"
NO_INVOICE_MESSAGE = "PDF 中没有找到发票内容：请确认上传的是发票文件。"
_LIST_TITLE = re.compile(r"清单")
_MIN_TEXT_CHARS = 20


def _too_many_pages(count: int, limit: int) -> ReadError:
    return ReadError(
        "too_many_pages",
        f"PDF 共 {count} 页，超过每个文件 {limit} 页的上限：请拆分后分别上传。",
    )


def open_pdf(blob: bytes) -> pdfium.PdfDocument:
    """The document, or ReadError: corrupt_file, encrypted_pdf."""
    if b"%PDF-" not in blob[:1024]:
        raise ReadError("corrupt_file", CORRUPT_MESSAGE)
    try:
        return pdfium.PdfDocument(blob)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD or "password" in str(exc).lower():
            raise ReadError("encrypted_pdf", ENCRYPTED_MESSAGE) from exc
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise ReadError("encrypted_pdf", ENCRYPTED_MESSAGE) from exc
        raise ReadError("corrupt_file", CORRUPT_MESSAGE) from exc


def read(blob: bytes, *, limits: Limits) -> list[RawInvoice]:
    """Every invoice in the PDF, in page order. Raises ReadError: encrypted_pdf,
    corrupt_file, too_many_pages, no_text_layer (a scan: OCR it), no_invoice_found."""
    doc = open_pdf(blob)
    try:
        count = len(doc)
        if count > limits.max_pages:
            raise _too_many_pages(count, limits.max_pages)
        if count == 0:
            raise ReadError("corrupt_file", CORRUPT_MESSAGE)
        return _read_pages(doc, blob)
    finally:
        doc.close()


def _read_pages(doc: pdfium.PdfDocument, blob: bytes) -> list[RawInvoice]:
    invoices: list[RawInvoice] = []
    text_chars = 0
    for index in range(len(doc)):
        try:
            page = doc[index]
        except pdfium.PdfiumError as exc:
            raise ReadError("corrupt_file", CORRUPT_MESSAGE) from exc
        try:
            width, height = page.get_size()
            textpage = page.get_textpage()
            try:
                pt = page_text(textpage, width, height)
            finally:
                textpage.close()
            text_chars += len(pt.chars)
            raw, items = _read_page(pt, index + 1)
            if raw is not None:
                _attach_qr(raw, page)
        finally:
            page.close()
        current = invoices[-1] if invoices else None
        if raw is None:
            if items and current is not None:
                _add_items(current, items, list_page=True)
            continue
        number = raw.data.invoice_number
        if current is not None and number and number == current.data.invoice_number:
            _continue(current, raw)  # a further page of the same invoice
            continue
        invoices.append(raw)
    if invoices:
        return invoices
    truncated = b"%%EOF" not in blob[-2048:]
    if truncated:
        raise ReadError("corrupt_file", CORRUPT_MESSAGE)
    if text_chars < _MIN_TEXT_CHARS:
        raise ReadError("no_text_layer", NO_TEXT_MESSAGE)
    raise ReadError("no_invoice_found", NO_INVOICE_MESSAGE)


def _read_page(pt: PageText, page_no: int) -> tuple[RawInvoice | None, list[LineItemData]]:
    """(the invoice this page starts, or None for a list or empty page; the page's items)."""
    if len(pt.chars) < _MIN_TEXT_CHARS:
        return None, []
    table = find_header(pt)
    items = read_items(pt, table) if table else []
    is_list = any(_LIST_TITLE.search(line.text) for line in pt.lines[:6])
    raw = RawInvoice(InvoiceData(), page=page_no)
    pdf_fields.header(raw, pt)
    if is_list or ("invoice_number" not in raw.sources and "invoice_type" not in raw.sources):
        return None, items
    found = pdf_fields.parties(raw, pt)
    assign.apply_tax_ids(raw, pt, "pdf_text")
    pdf_fields.totals(raw, pt, table.columns if table else {})
    pdf_fields.remarks(raw, pt, found)
    _add_items(raw, items, list_page=False)
    return raw, items


def _add_items(raw: RawInvoice, items: list[LineItemData], *, list_page: bool) -> None:
    if not items:
        return
    data = raw.data
    if list_page:
        # The invoice page says (详见销货清单); the list carries the real lines.
        data.items = [i for i in data.items if "清单" not in i.name]
    data.items.extend(items)
    raw.sources["items"] = "pdf_text"
    sums = [i.amount for i in data.items]
    agrees = data.amount is not None and None not in sums and sum(sums) == data.amount  # type: ignore[arg-type]
    raw.confidence["items"] = pdf_fields.SURE if agrees else pdf_fields.FAIR


def _continue(current: RawInvoice, more: RawInvoice) -> None:
    """Fill what the first page lacked (the 合计 is often only on the last page)."""
    for name, source in more.sources.items():
        if name == "items" or name in current.sources:
            continue
        setattr(current.data, name, getattr(more.data, name))
        current.sources[name] = source
        current.confidence[name] = more.confidence[name]
    _add_items(current, more.data.items, list_page=False)
    if current.qr_text is None:
        current.qr_text = more.qr_text


def _attach_qr(raw: RawInvoice, page: pdfium.PdfPage) -> None:
    """The QR payload of the page, as an independent check of the key fields. Only when
    zxing-cpp is installed; a page without a readable QR is not an error."""
    try:
        import zxingcpp  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return
    try:
        raw.qr_text = _decode_qr(page, zxingcpp)
    except Exception:  # a decoder failure must never fail the text reading
        log.warning("QR decoding failed on page %s", raw.page, exc_info=True)


def _decode_qr(page: pdfium.PdfPage, zxingcpp: Any) -> str | None:
    # The QR is an image object on most e-invoices: decode its pixels directly.
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            bitmap = obj.get_bitmap(render=True)
        except pdfium.PdfiumError:
            continue
        text = _decode_bitmap(bitmap, zxingcpp)
        if text:
            return text
    # Otherwise (vector QR), render the top-left third of the page, where invoices put it.
    width, height = page.get_size()
    crop = (0, height * 0.6, width * 0.6, 0)
    bitmap = page.render(scale=2, grayscale=True, crop=crop)
    return _decode_bitmap(bitmap, zxingcpp)


def _decode_bitmap(bitmap: Any, zxingcpp: Any) -> str | None:
    try:
        image = bitmap.to_numpy()  # numpy comes with opencv, which the image reader uses
    except ImportError:
        image = bitmap.to_pil().convert("L")
    else:
        if image.ndim == 3 and image.shape[2] == 4:
            # zxing-cpp takes 1 or 3 channels; the alpha of a BGRA bitmap is no use to a QR.
            image = image[:, :, :3].copy()
    for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        if result.text:
            return str(result.text)
    return None


__all__ = ["read"]
