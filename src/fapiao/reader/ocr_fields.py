"""Header fields from OCR boxes, reusing the PDF layout reader (pdf_layout, pdf_fields).

Each OCR box becomes positioned characters (the box split evenly along its text; a vertical
box, such as a 购买方 side label, into stacked single characters), so the same label
anchoring and buyer/seller block logic applies. Words are the OCR boxes themselves rather
than gap-based groups: OCR already segments runs, and its gaps are not a font's advances.

Then every value is re-labelled source "ocr" with a confidence from the OCR score of the
box it came from, capped below REVIEW (0.9): OCR alone never makes a key field certain;
agreement with the QR (resolve.py) or an internal check (大写 = 小写 = 金额 + 税额) does.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from fapiao.core import codes
from fapiao.core.invoice import InvoiceData
from fapiao.core.money import parse_chinese_upper
from fapiao.core.taxid import check_tax_id
from fapiao.reader import pdf_fields
from fapiao.reader.base import RawInvoice
from fapiao.reader.fields import put
from fapiao.reader.ocr import OcrBox
from fapiao.reader.ocr_items import typed_cells
from fapiao.reader.pdf_items import find_header, read_items
from fapiao.reader.pdf_layout import Char, PageText, Word, _group_lines

OCR_CAP = 0.85  # below resolve.REVIEW_BELOW: OCR alone always asks for a check
CHECKED = 0.95  # an OCR value confirmed by an independent reading on the same page
_ANCHORS = re.compile(r"发票|合计|纳税人识别号|开票日期|价税")
_NO_NUMBER = re.compile(r"^N[oO0º°]\.?:?(\d{8})$")
_CODE_ONLY = re.compile(r"^(\d{10}|\d{12})$")


class OcrPage(PageText):
    """A PageText whose words are the OCR boxes (see the module docstring)."""

    def __post_init__(self) -> None:
        self.lines = _group_lines(self.chars)
        groups: dict[tuple[int, int], list[Char]] = {}
        for line in self.lines:
            for ch in line.chars:
                groups.setdefault((ch.line, ch.index), []).append(ch)
        self.words = [Word(chars) for chars in groups.values()]
        for k, word in enumerate(self.words):
            for ch in word.chars:
                ch.word = k


# The yuan sign before an amount, misread: "?52.70", "Y46.62", "羊6.08".
_YUAN_MISREAD = re.compile(r"(?<![0-9A-Za-z])[?？Y羊半筆¥￥](?=-?\d+\.\d{2}(?!\d))")


def page_from_boxes(boxes: list[OcrBox], width: float, height: float) -> OcrPage:
    chars: list[Char] = []
    index = 0
    for box in boxes:
        text = _YUAN_MISREAD.sub("¥", box.text)
        n = len(text)
        if box.vertical:
            step = (box.y1 - box.y0) / n
            for i, ch in enumerate(text):
                # A small gap between stacked characters: side labels are found by
                # characters strictly below one another.
                y0 = box.y0 + i * step
                chars.append(_char(ch, box.x0, y0, box.x1, y0 + 0.9 * step, index))
                index += 1  # each stacked character is its own word
            continue
        step = (box.x1 - box.x0) / n
        for i, ch in enumerate(text):
            if ch.isspace():
                continue
            x0 = box.x0 + i * step
            chars.append(_char(ch, x0, box.y0, x0 + step, box.y1, index))
        index += 1
    return OcrPage(width, height, chars)


def _char(ch: str, x0: float, y0: float, x1: float, y1: float, index: int) -> Char:
    norm = unicodedata.normalize("NFKC", ch) if not ch.isascii() else ch
    return Char(ch, norm, x0, y0, x1, y1, index)


def looks_like_invoice(boxes: list[OcrBox]) -> bool:
    return sum(1 for b in boxes if _ANCHORS.search(unicodedata.normalize("NFKC", b.text))) >= 2


def read_fields(boxes: list[OcrBox], width: float, height: float) -> RawInvoice:
    pt = page_from_boxes(boxes, width, height)
    raw = RawInvoice(InvoiceData())
    table = find_header(pt)
    pdf_fields.header(raw, pt)
    _unlabelled_header(raw, boxes, height)
    found = pdf_fields.parties(raw, pt)
    pdf_fields.totals(raw, pt, table.columns if table else {})
    _remarks(raw, pt, found)
    if table:
        items = read_items(pt, table, place=typed_cells)
        if items:
            put(raw, "items", items, "pdf_text", pdf_fields.FAIR)
    _as_ocr(raw, boxes)
    _cross_checks(raw)
    return raw


def _remarks(raw: RawInvoice, pt: PageText, found: list[pdf_fields.Marker]) -> None:
    """Text right of the 备注 side label within its height. Tighter than the PDF reader's
    (OCR boxes are taller and the 价税合计 row often sits just above the 备注 block)."""
    heights = sorted(w.em for w in pt.words if len(w.text) > 1)
    line = heights[len(heights) // 2] if heights else 0.0
    for m in found:
        if m.kind != "remarks":
            continue
        # A side label's single characters are boxed tighter than whole lines.
        tol = 0.5 * max(m.em, line)
        words = [
            w for w in pt.words
            if w.x0 > m.box.x1 and m.box.y0 - tol <= w.cy <= m.box.y1 + tol
            and not re.search(r"[:：]\s*[(（]?章", w.raw)
        ]  # fmt: skip
        words.sort(key=lambda w: (w.line, w.x0))
        text = " ".join(w.raw.strip() for w in words)
        if text:
            put(raw, "remarks", text, "pdf_text", pdf_fields.FAIR)
        return


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", unicodedata.normalize("NFKC", text)).upper()


def _unlabelled_header(raw: RawInvoice, boxes: list[OcrBox], height: float) -> None:
    """Paper invoices print 发票代码 and No. without labels in the header, often twice
    (pre-printed on the left, machine-printed on the right)."""
    top = [b for b in boxes if b.y1 < 0.25 * height]
    if "invoice_number" not in raw.sources:
        for box in top:
            match = _NO_NUMBER.match(_alnum(box.text).replace("NO", "No", 1))
            if match:
                put(raw, "invoice_number", match.group(1), "pdf_text", pdf_fields.SURE)
                break
    if "invoice_code" not in raw.sources:
        for box in top:
            text = _alnum(box.text)
            if _CODE_ONLY.match(text) and _code_ok(text):
                put(raw, "invoice_code", text, "pdf_text", pdf_fields.SURE)
                break


def _code_ok(text: str) -> bool:
    info = codes.decode_invoice_code(text)
    return info is not None and info.region is not None


def _score_of(value: str, boxes: list[OcrBox]) -> tuple[float, int]:
    """(OCR score of the best box holding the value, how many boxes hold it)."""
    key = _alnum(value) or unicodedata.normalize("NFKC", value)
    holding = [b for b in boxes if key and key in (_alnum(b.text) or b.text)]
    if not holding:
        scores = sorted(b.score for b in boxes)
        return (scores[len(scores) // 2] if scores else 0.0), 0
    return max(b.score for b in holding), len(holding)


def _value_key(value: object) -> str:
    if hasattr(value, "strftime"):
        return ""  # dates are printed in many forms: use the page's median score
    if isinstance(value, Decimal):
        return f"{abs(value):.2f}"
    return str(value) if isinstance(value, str) else ""


def _as_ocr(raw: RawInvoice, boxes: list[OcrBox]) -> None:
    """Source "ocr", confidence = layout confidence x OCR score, capped below review; a
    value printed twice and passing its format check (the paper header's code and number,
    a seller tax id repeated in 备注) is confirmed."""
    for name in list(raw.sources):
        raw.sources[name] = "ocr"
        score, seen = _score_of(_value_key(getattr(raw.data, name)), boxes)
        layout = raw.confidence.get(name, 0.0)
        confidence = min(OCR_CAP, layout * score)
        value = getattr(raw.data, name)
        # Only a value placed with certainty (its side label found): a tax id repeated in
        # 备注 says nothing about whether it is the buyer's or the seller's.
        if seen >= 2 and score >= 0.9 and layout >= pdf_fields.SURE and _format_ok(name, value):
            confidence = CHECKED
        raw.confidence[name] = round(confidence, 3)


def _format_ok(name: str, value: object) -> bool:
    if name == "invoice_code":
        return isinstance(value, str) and _code_ok(value)
    if name == "invoice_number":
        return isinstance(value, str) and len(value) in (8, 20) and value.isdigit()
    if name in ("buyer_tax_id", "seller_tax_id"):
        check = check_tax_id(str(value))
        return check.valid and check.form == "uscc18"
    return False


def _cross_checks(raw: RawInvoice) -> None:
    """价税合计 大写 = 小写, and 金额 + 税额 = 价税合计: two readings of the same number."""
    data = raw.data
    upper: Decimal | None = None
    if data.total_amount_cn:
        try:
            upper = parse_chinese_upper(data.total_amount_cn)
        except ValueError:
            upper = None
    if upper is None:
        return
    if data.total_amount is None:
        put(raw, "total_amount", upper, "ocr", OCR_CAP * raw.confidence["total_amount_cn"])
        return
    if abs(data.total_amount) != abs(upper):
        return
    raw.confidence["total_amount"] = raw.confidence["total_amount_cn"] = CHECKED
    amount, tax = data.amount, data.tax_amount
    if amount is not None and tax is not None and amount + tax == data.total_amount:
        raw.confidence["amount"] = raw.confidence["tax_amount"] = CHECKED
        sums = [i.amount for i in data.items]
        if data.items and None not in sums and sum(sums) == amount:  # type: ignore[arg-type]
            raw.confidence["items"] = CHECKED  # the lines add up to the confirmed 金额
