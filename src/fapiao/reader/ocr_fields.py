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
from collections.abc import Callable
from decimal import Decimal

from fapiao.core import codes
from fapiao.core.invoice import InvoiceData
from fapiao.core.money import parse_chinese_upper
from fapiao.core.taxid import is_valid_uscc, uscc_check_char, uscc_repairs
from fapiao.reader import assign, ocr_confidence, pdf_fields
from fapiao.reader.base import RawInvoice
from fapiao.reader.fields import put
from fapiao.reader.ocr import OcrBox
from fapiao.reader.ocr_items import typed_cells
from fapiao.reader.pdf_items import find_header, read_items
from fapiao.reader.pdf_layout import Char, PageText, Word, _group_lines
from fapiao.reader.totals import fill_totals

OCR_CAP = 0.85  # below resolve.REVIEW_BELOW: OCR alone always asks for a check
CHECKED = 0.95  # an OCR value confirmed by an independent reading on the same page
_ANCHORS = re.compile(r"发票|合计|纳税人识别号|开票日期|价税")
_NO_NUMBER = re.compile(r"^N[oO0DB]?\.?:?(\d{8})$")  # No, as OCR reads it


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


# The first two characters of most USCCs (registering authority, kind of organisation):
# enterprises 91-93, public institutions 12, social organisations 51-53.
_USCC_KINDS = frozenset({"91", "92", "93", "12", "51", "52", "53"})
Reread = Callable[[OcrBox], "OcrBox | None"]


def read_fields(
    boxes: list[OcrBox], width: float, height: float, *, reread: Reread | None = None
) -> RawInvoice:
    """`reread`: reads one box again from a wider crop (ocr.reread), for a second look at a
    value that fails its check."""
    pt = page_from_boxes(boxes, width, height)
    raw = RawInvoice(InvoiceData())
    table = find_header(pt)
    pdf_fields.header(raw, pt)
    _unlabelled_header(raw, boxes, height)
    found = pdf_fields.parties(raw, pt)
    assign.apply_tax_ids(raw, pt, "pdf_text")
    pdf_fields.totals(raw, pt, table.columns if table else {})
    fill_totals(raw, pt)
    _remarks(raw, pt, found)
    if table:
        items = read_items(pt, table, place=typed_cells)
        if items:
            put(raw, "items", items, "pdf_text", pdf_fields.FAIR)
    boxes = _second_look(raw, boxes, reread)
    ocr_confidence.calibrate(raw, boxes)
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
    """Paper invoices print 发票代码 and No. in the header twice: pre-printed on the form
    (often without a label) and machine-printed beside their labels, and the machine
    print may be off its box or badly printed. Every code- and number-shaped run in the
    top third is a candidate: a code must decode to a region (a misread one seldom does);
    two different numbers make the number doubtful (noted for ocr_confidence)."""
    top = [b for b in boxes if b.y1 < 0.33 * height]
    codes_seen: list[str] = []
    numbers: list[str] = []
    for box in top:
        text = _alnum(box.text)
        match = _NO_NUMBER.match(text)
        if match:
            numbers.append(match.group(1))
        elif "号码" in box.text:
            numbers += re.findall(r"(?<!\d)(\d{8})(?!\d)", text)
        codes_seen += [c for c in re.findall(r"(?<!\d)(\d{12}|\d{10})(?!\d)", text)]
    current = raw.data.invoice_code
    good = [c for c in codes_seen if _code_ok(c)]
    if good and (current is None or not _code_ok(current)):
        put(raw, "invoice_code", good[0], "pdf_text", pdf_fields.SURE)
    if len(set(good)) > 1:
        raw.extras["conflict:invoice_code"] = ",".join(sorted(set(good)))
    if raw.data.invoice_number is None and numbers:
        put(raw, "invoice_number", numbers[0], "pdf_text", pdf_fields.SURE)
    if raw.data.invoice_number and len(set(numbers) | {raw.data.invoice_number}) > 1:
        raw.extras["conflict:invoice_number"] = ",".join(sorted(set(numbers)))


def _code_ok(text: str) -> bool:
    """A known region; a 12-digit code starts with 0 (VAT invoices) or 1/2 (others)."""
    info = codes.decode_invoice_code(text)
    lead_ok = len(text) == 10 or text[:1] in "012"
    return info is not None and info.region is not None and lead_ok


def _second_look(raw: RawInvoice, boxes: list[OcrBox], reread: Reread | None) -> list[OcrBox]:
    """Tax ids that fail their check: read again from a wider crop of their box (a clipped
    last character), then repaired by one OCR confusion when exactly one repair exists
    (several: left as read, and said). Returns the boxes with any second reading."""
    for name in ("buyer_tax_id", "seller_tax_id"):
        value = getattr(raw.data, name)
        if not value or is_valid_uscc(value):
            continue
        holding = [b for b in boxes if value in _alnum(b.text)]
        again = reread(holding[0]) if reread and holding else None
        if again is not None:
            text = _alnum(again.text)
            at = text.find(value[:8])
            longer = text[at : at + 18] if at >= 0 else ""
            if is_valid_uscc(longer):
                boxes = [again if b is holding[0] else b for b in boxes]
                put(raw, name, longer, "pdf_text", raw.confidence.get(name, 0.0))
                continue
        repairs = uscc_repairs(value)
        if len(value) == 17 and value[:2] in _USCC_KINDS and value[2:8].isdigit():
            # A USCC whose check character the reading lost (a narrow J or X at the end of
            # a line): the first 17 determine it. Still only a repair: flagged.
            repairs = [value + uscc_check_char(value)]
        if len(repairs) == 1:
            raw.extras[f"repaired:{name}"] = value
            put(raw, name, repairs[0], "pdf_text", raw.confidence.get(name, 0.0))
        elif repairs:
            raw.extras[f"ambiguous:{name}"] = ",".join(repairs)
    return boxes


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
