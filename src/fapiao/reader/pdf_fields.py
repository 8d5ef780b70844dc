"""Header fields of one invoice page, by layout: labels, the words to their right, and the
buyer/seller blocks told apart by where they are (never by which tax id comes first)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fapiao.core.kinds import QR_TYPE_NAMES, kind_from_name, kind_name
from fapiao.core.money import parse_chinese_upper
from fapiao.core.taxid import check_tax_id
from fapiao.reader.base import RawInvoice
from fapiao.reader.fields import clean, money, parse_date, put
from fapiao.reader.pdf_layout import Box, Hit, PageText, Word, run_of

SURE = 0.95  # a clean labelled match whose value passes its format check
FAIR = 0.85  # labelled, but the value cannot be checked (names) or is unusual
WEAK = 0.6  # found, but failing its format check or placed by a guess

_NUMBER = re.compile(r"发票号码:?")
_CODE = re.compile(r"发票代码:?")
_DATE = re.compile(r"开票日期:?")
_CHECK = re.compile(r"校验码:?")
_ISSUER = re.compile(r"开票人:?")
_NAME = re.compile(r"(?<![目务物)方])名称:?")
_TAX_ID = re.compile(r"(?:统一社会信用代码/?)?纳税人识别号:?|统一社会信用代码:?")
_PREFIXED = re.compile(
    r"(购买方|购方|销售方|销方)(名称|(?:统一社会信用代码/?)?纳税人识别号|统一社会信用代码):?"
)
_TOTAL_CN = re.compile(r"价税合计\(大写\):?")
_TOTAL_SMALL = re.compile(r"\(小写\):?")
_TOTAL_PLAIN = re.compile(r"价税合计(?!\()[:]?")
_SUM = re.compile(r"(?<!价税)合计(?:金额)?")
_TAX_ONLY = re.compile(r"(?<![率/])税额:")

_LABELLED = re.compile(r"(发票号码|发票代码|开票日期|校验码|机器编号):?[0-9年月日 ]*")
_STARS = re.compile(r"^\*{3,}$")
_MONEY_RE = re.compile(r"^¥?(-?)¥?(\d+\.\d{2})(?!\d)")
_UPPER_CHARS = set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿圆元角分整负")
_MARKERS = {"购": "购买方", "销": "销售方", "密": "密码区", "备": "备注"}


@dataclass
class Marker:
    """A side label written vertically (购买方信息, 销售方, 密码区, 备注)."""

    kind: str  # "buyer" | "seller" | "cipher" | "remarks"
    box: Box
    em: float  # height of one of its characters


def first(pt: PageText, pattern: re.Pattern[str]) -> Hit | None:
    return next(pt.find(pattern), None)


def _value_text(words: list[Word]) -> str:
    return "".join(w.text for w in run_of(words)).lstrip(":")


def _put_pattern(
    raw: RawInvoice, pt: PageText, name: str, label: re.Pattern[str], value: re.Pattern[str]
) -> None:
    hits = list(pt.find(label))
    for hit in hits:
        text = _value_text(pt.right_of(hit))
        match = value.match(text)
        if match:
            put(raw, name, match.group(0), "pdf_text", SURE)
            return
    # Off its label's row (a print moved off the form): found, but only FAIR.
    for hit in hits:
        for word in pt.near(hit):
            match = value.fullmatch(word.text.lstrip(":"))
            if match:
                put(raw, name, match.group(0), "pdf_text", FAIR)
                return


def header(raw: RawInvoice, pt: PageText) -> None:
    _title(raw, pt)
    _put_pattern(raw, pt, "invoice_number", _NUMBER, re.compile(r"\d{20}(?!\d)|\d{8}(?!\d)"))
    _put_pattern(raw, pt, "invoice_code", _CODE, re.compile(r"\d{12}(?!\d)|\d{10}(?!\d)"))
    _put_pattern(raw, pt, "check_code", _CHECK, re.compile(r"\d{20}(?!\d)"))
    for hit in pt.find(_DATE):
        date = parse_date(_value_text(pt.right_of(hit)))
        if date and put(raw, "issue_date", date, "pdf_text", SURE):
            break
    if "issue_date" not in raw.sources:
        for hit in pt.find(_DATE):
            dates = [parse_date(w.text) for w in pt.near(hit)]
            if any(dates) and put(raw, "issue_date", next(d for d in dates if d), "pdf_text", FAIR):
                break
    for hit in pt.find(_ISSUER):
        words = pt.right_of(hit)
        if words and ":" not in words[0].text and words[0].x0 - hit.box.x1 < 4 * hit.box.em:
            put(raw, "issuer", clean(words[0].raw).lstrip(":："), "pdf_text", FAIR)
            break


def _title(raw: RawInvoice, pt: PageText) -> None:
    """The largest text naming a kind of invoice (电子发票（增值税专用发票）, 北京增值税电子普通
    发票); the printed name is given without its region prefix."""
    best: tuple[float, str] | None = None
    candidates = [(w.em, w.text) for w in pt.words if "发票" in w.text]
    for line in pt.lines:
        if "发票" in line.text:
            size = max(c.height for c in line.chars)
            candidates.append((size, _LABELLED.sub("", line.text)))
    for size, text in candidates:
        kind = kind_from_name(text)
        if kind is not None and (best is None or size > best[0]):
            best = (size, kind)
    if best is None:
        return
    kind = best[1]
    put(raw, "invoice_type", kind, "pdf_text", SURE)
    put(raw, "invoice_type_name", kind_name(kind) or QR_TYPE_NAMES.get(kind), "pdf_text", SURE)


# -- parties -------------------------------------------------------------------------------


def _below(singles: list[Word], ch: str, box: Box, em: float) -> Word | None:
    """The character `ch` stacked under `box` (side labels spread over a block's height;
    OCR boxes of stacked characters may overlap a little)."""
    found = [
        w for w in singles
        if w.text == ch and abs(w.x0 - box.x0) < em and -0.5 * em < w.y0 - box.y1 < 8 * em
    ]  # fmt: skip
    return min(found, key=lambda w: w.y0) if found else None


def markers(pt: PageText) -> list[Marker]:
    """Side labels: a single character with the rest of its word stacked below it."""
    singles = [w for w in pt.words if len(w.text) == 1]
    out: list[Marker] = []
    kinds = {"购": "buyer", "销": "seller", "密": "cipher", "备": "remarks"}
    for word in singles:
        full = _MARKERS.get(word.text)
        if not full:
            continue
        box = Box(word.x0, word.y0, word.x1, word.y1)
        for ch in full[1:]:
            nxt = _below(singles, ch, box, word.em)
            if nxt is None:
                break
            box = Box(box.x0, box.y0, max(box.x1, nxt.x1), nxt.y1)
        else:
            # 购买方信息 / 销售方信息: the 信息 below makes the block span its full height.
            for ch in "信息" if word.text in "购销" else "":
                nxt = _below(singles, ch, box, word.em)
                if nxt is not None:
                    box = Box(box.x0, box.y0, box.x1, nxt.y1)
            out.append(Marker(kinds[word.text], box, word.em))
    return out


def _party_of(box: Box, found: list[Marker]) -> str | None:
    """The block a label sits in: the nearest side label at or left of it whose height,
    stretched by a line or two, covers the label."""
    best: Marker | None = None
    for m in found:
        tol = 1.6 * m.em
        covers = m.box.x0 <= box.x0 + 1 and m.box.y0 - tol <= box.cy <= m.box.y1 + tol
        if covers and (best is None or m.box.x0 > best.box.x0):
            best = m
    return best.kind if best and best.kind in ("buyer", "seller") else None


def _stop_x(box: Box, found: list[Marker]) -> float:
    """Values of a block end where the next block's side label starts."""
    xs = [
        m.box.x0
        for m in found
        if m.box.x0 > box.x1 and m.box.y0 - 2 * m.em <= box.cy <= m.box.y1 + 2 * m.em
    ]
    return min(xs, default=float("inf"))


def parties(raw: RawInvoice, pt: PageText) -> list[Marker]:
    found = markers(pt)
    names: list[tuple[Box, str]] = []
    tax_ids: list[tuple[Box, str]] = []
    for hit in pt.find(_PREFIXED):
        side = "buyer" if hit.match.group(1).startswith("购") else "seller"
        words = pt.right_of(hit)
        if not words:
            continue
        if hit.match.group(2) == "名称":
            _put_name_text(raw, side, words[0].raw, certain=True)
        else:
            _put_tax_id(raw, side, _value_text(words), certain=True)
    for pattern, bucket in ((_NAME, names), (_TAX_ID, tax_ids)):
        for hit in pt.find(pattern):
            if hit.match.start() > 0 and hit.line.text[hit.match.start() - 1] in "方":
                continue
            words = pt.right_of(hit, stop_x=_stop_x(hit.box, found))
            # A colon set a little lower than its label is a word of its own.
            words = [w for w in words if w.text.strip(":")]
            if not words:
                continue
            first_word = words[0]
            if first_word.x0 - hit.box.x1 > 12 * hit.box.em:
                continue
            if bucket is names:
                bucket.append((hit.box, first_word.raw))
            else:
                bucket.append((hit.box, _value_text(words)))
    for bucket, putter in ((names, _put_name_text), (tax_ids, _put_tax_id)):
        sides = _assign(bucket, found)
        for (_, value), (block, certain) in zip(bucket, sides, strict=True):
            if block:
                putter(raw, block, value, certain=certain)
    return found


def _assign(bucket: list[tuple[Box, str]], found: list[Marker]) -> list[tuple[str | None, bool]]:
    """Buyer or seller for each labelled value: by its block's side label; failing that by
    position (数电: buyer left, seller right; older layout: buyer on top, seller below)."""
    sides = [_party_of(box, found) for box, _ in bucket]
    if all(sides) and len(set(sides)) == len(sides):
        return [(s, True) for s in sides]
    if len(bucket) == 2:
        (a, _), (b, _) = bucket
        same_row = abs(a.cy - b.cy) < a.em
        a_first = a.x0 < b.x0 if same_row else a.cy < b.cy
        return (
            [("buyer", False), ("seller", False)]
            if a_first
            else [("seller", False), ("buyer", False)]
        )
    return [(s, False) for s in sides]


def _put_name_text(raw: RawInvoice, side: str, text: str, *, certain: bool) -> None:
    name = clean(text).lstrip(":：").strip()
    if not name or ":" in name or "：" in name:
        return
    field = f"{side}_name"
    if field not in raw.sources:
        put(raw, field, name, "pdf_text", FAIR if certain else WEAK)


def _put_tax_id(raw: RawInvoice, side: str, text: str, *, certain: bool) -> None:
    value = text.lstrip(":").upper()
    match = re.match(r"[0-9A-Z]{15,20}(?![0-9A-Z])", value)
    field = f"{side}_tax_id"
    if not match or field in raw.sources:
        return
    tax_id = match.group(0)
    check = check_tax_id(tax_id)
    # Only the 18-character USCC carries a check digit; other forms pass on length alone.
    checked = check.valid and check.form == "uscc18"
    confidence = SURE if checked and certain else (FAIR if check.valid else WEAK)
    put(raw, field, tax_id, "pdf_text", confidence)


# -- totals --------------------------------------------------------------------------------


def parse_amount(text: str) -> str | None:
    match = _MONEY_RE.match(text.replace(",", ""))
    return match.group(1) + match.group(2) if match else None


def totals(raw: RawInvoice, pt: PageText, columns: dict[str, tuple[float, float]]) -> Box | None:
    """合计 (amount and tax by their columns), 价税合计 大写 and 小写. Returns the 合计 box."""
    sum_box: Box | None = None
    for hit in pt.find(_SUM):
        words = pt.right_of(hit)
        values = [(w, parse_amount(w.text)) for w in words]
        amounts = [(w, v) for w, v in values if v is not None]
        if not amounts:
            continue
        sum_box = hit.box
        if len(amounts) == 1 and any(
            _STARS.match(w.text) for w in words if w.x0 > amounts[0][0].x1
        ):
            # Tax-exempt invoices print *** for a 合计税额 of zero.
            put(raw, "amount", money(amounts[0][1]), "pdf_text", SURE)
            put(raw, "tax_amount", money("0.00"), "pdf_text", SURE)
            break
        if "amount" in columns and "tax_amount" in columns:
            for w, v in amounts:
                centre = (w.x0 + w.x1) / 2
                key = min(("amount", "tax_amount"), key=lambda k: _distance(centre, columns[k]))
                put(raw, key, money(v), "pdf_text", SURE)
        elif len(amounts) == 2:
            put(raw, "amount", money(amounts[0][1]), "pdf_text", FAIR)
            put(raw, "tax_amount", money(amounts[1][1]), "pdf_text", FAIR)
        break
    for hit in pt.find(_TOTAL_SMALL):
        words = pt.right_of(hit)
        value = parse_amount(_value_text(words)) if words else None
        if value and put(raw, "total_amount", money(value), "pdf_text", SURE):
            break
    if "total_amount" not in raw.sources:
        for hit in pt.find(_TOTAL_PLAIN):
            value = parse_amount(_value_text(pt.right_of(hit)))
            if value and put(raw, "total_amount", money(value), "pdf_text", SURE):
                break
    if "tax_amount" not in raw.sources:
        for hit in pt.find(_TAX_ONLY):
            value = parse_amount(_value_text(pt.right_of(hit)))
            if value and put(raw, "tax_amount", money(value), "pdf_text", SURE):
                break
    for hit in pt.find(_TOTAL_CN):
        words = [w for w in pt.right_of(hit) if any(ch in _UPPER_CHARS for ch in w.text)]
        if not words:
            continue
        text = "".join(ch for ch in words[0].text if ch in _UPPER_CHARS)
        try:
            parse_chinese_upper(text)
            confidence = SURE
        except ValueError:
            confidence = WEAK
        if put(raw, "total_amount_cn", text, "pdf_text", confidence):
            break
    return sum_box


def _distance(x: float, span: tuple[float, float]) -> float:
    lo, hi = span
    return 0.0 if lo <= x <= hi else min(abs(x - lo), abs(x - hi))


def remarks(raw: RawInvoice, pt: PageText, found: list[Marker]) -> None:
    """Text right of the 备注 side label, within its height (stretched by two lines)."""
    for m in found:
        if m.kind != "remarks":
            continue
        tol = 2 * m.em
        stop = _stop_x(m.box, found)
        words = [
            w for w in pt.words
            if w.x0 > m.box.x1 and w.x0 < stop and m.box.y0 - tol <= w.cy <= m.box.y1 + tol
        ]  # fmt: skip
        if not words:
            return
        words.sort(key=lambda w: (w.line, w.x0))
        parts: list[str] = []
        for k, w in enumerate(words):
            prev = words[k - 1] if k else None
            if prev and prev.line == w.line and w.x0 - prev.x1 > 0.3 * w.em:
                parts.append(" ")
            parts.append(clean(w.raw))
        text = "".join(parts)
        put(raw, "remarks", text, "pdf_text", FAIR)
        return
