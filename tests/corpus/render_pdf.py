"""Render corpus invoices (InvoiceData) to invoice PDFs with a text layer.

Two layouts, as the platforms print them:
- "shudian": 电子发票（增值税专用发票/普通发票）: 发票号码 and 开票日期 top right, buyer block
  left and seller block right (side labels 购买方信息 / 销售方信息 written vertically), items,
  合计, 价税合计, 备注, 开票人.
- "old": 北京增值税电子普通发票 and the like: 发票代码, 发票号码, 开票日期, 校验码 top right,
  buyer block on top with the 密码区 beside it, items, seller block at the bottom.

Options: letter-spaced text (every character its own run, as OFD->PDF converters write it),
several invoices in one PDF, and a 销货清单 list page when the items do not fit.

    from tests.corpus.render_pdf import PdfStyle, render_pdf
    pdf_bytes = render_pdf([inv1, inv2], style=PdfStyle(letter_spaced=True))
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from fapiao.core.invoice import InvoiceData, LineItemData
from fapiao.core.money import format_money
from fapiao.demo.corpus.parties import Party

from .pdf_canvas import Canvas, text_width

PAGE_W, PAGE_H = 680.0, 400.0
LIST_PAGE_H = 842.0
SHUDIAN_KINDS = frozenset({"31", "32", "51", "61"})
DETAILS_ROW = "(详见销货清单)"


@dataclass(frozen=True)
class PdfStyle:
    layout: str | None = None  # "shudian" | "old"; None: by the invoice kind
    letter_spaced: bool = False
    spacing_em: float = 0.25  # extra space after each character when letter-spaced
    max_item_lines: int = 8  # more lines than this go to a 销货清单 list page
    # Write the page content back to front (seller before buyer, totals before items), as
    # some producers do: a reader must go by position, not by drawing order.
    reverse_drawing: bool = False


@dataclass(frozen=True)
class _Col:
    key: str
    header: str
    left: float
    right: float
    align: str  # "left" | "right" | "center"


# Item table columns (x from the left edge of the page).
_COLUMNS = (
    ("name", 25, 168, "left"),
    ("spec", 172, 228, "left"),
    ("unit", 232, 262, "center"),
    ("quantity", 266, 318, "right"),
    ("unit_price", 322, 402, "right"),
    ("amount", 406, 482, "right"),
    ("tax_rate", 486, 544, "center"),
    ("tax_amount", 548, 655, "right"),
)
_HEADERS = {
    "shudian": ("项目名称", "规格型号", "单位", "数量", "单价", "金额", "税率/征收率", "税额"),
    "old": ("货物或应税劳务、服务名称", "规格型号", "单位", "数量", "单价", "金额", "税率", "税额"),
    "list": ("货物(劳务)名称", "规格型号", "单位", "数量", "单价", "金额", "税率", "税额"),
}


def _columns(kind: str) -> list[_Col]:
    return [
        _Col(key, header, left, right, align)
        for (key, left, right, align), header in zip(_COLUMNS, _HEADERS[kind], strict=True)
    ]


def render_pdf(
    invoices: InvoiceData | Sequence[InvoiceData],
    *,
    style: PdfStyle | None = None,
    party: Callable[[str], Party | None] | None = None,
    user_password: str | None = None,
    owner_password: str = "",
) -> bytes:
    """One PDF holding every invoice (one page each, plus list pages). `party` gives the
    address and bank of a tax id (CorpusGenerator.party) for the old layout."""
    style = style or PdfStyle()
    batch = [invoices] if isinstance(invoices, InvoiceData) else list(invoices)
    canvas = Canvas()
    for inv in batch:
        _Renderer(canvas, inv, style, party).draw()
    return canvas.to_bytes(user_password=user_password, owner_password=owner_password)


def _money(value: Decimal | None) -> str:
    return format_money(value) or ""


def _rate(rate: str | None) -> str:
    if rate is None:
        return ""
    if rate in ("免税", "不征税"):
        return rate
    percent = float(rate) * 100
    return f"{percent:g}%"


def _wrap(text: str, width: float, size: float, spacing: float) -> list[str]:
    lines, current = [], ""
    for ch in text:
        trial = current + ch
        if current and text_width(trial, size) + spacing * (len(trial) - 1) > width:
            lines.append(current)
            current = ch
        else:
            current = trial
    return [*lines, current] if current else lines


class _Renderer:
    def __init__(
        self, canvas: Canvas, inv: InvoiceData, style: PdfStyle,
        party: Callable[[str], Party | None] | None,
    ) -> None:  # fmt: skip
        self.c = canvas
        self.inv = inv
        self.style = style
        self.party = party
        kind = inv.invoice_type or "32"
        self.layout = style.layout or ("shudian" if kind in SHUDIAN_KINDS else "old")
        # Seeded by the number so that the same invoice always renders the same bytes.
        self.rng = random.Random(inv.invoice_number or "")

    def t(
        self, x: float, y: float, text: str | None, size: float = 9, align: str = "left"
    ) -> float:
        if not text:
            return x
        spaced = self.style.letter_spaced
        spacing = size * self.style.spacing_em if spaced else 0.0
        return self.c.text(x, y, text, size=size, spacing=spacing, align=align, per_char=spaced)

    def width(self, text: str, size: float) -> float:
        spacing = size * self.style.spacing_em if self.style.letter_spaced else 0.0
        return text_width(text, size) + spacing * max(len(text) - 1, 0)

    def draw(self) -> None:
        self.c.new_page(PAGE_W, PAGE_H)
        item_lines = self._item_lines(_columns(self.layout))
        on_list = len(item_lines) > self.style.max_item_lines
        if self.layout == "shudian":
            self._shudian(item_lines, on_list)
        else:
            self._old(item_lines, on_list)
        if self.style.reverse_drawing:
            self.c.pages[-1].ops.reverse()
        if on_list:
            self._list_page()

    # -- the two invoice layouts -------------------------------------------------------

    def _title(self) -> str:
        inv = self.inv
        name = inv.invoice_type_name or "电子发票（普通发票）"
        if self.layout == "old" and inv.region and not name.startswith("电子发票"):
            return inv.region + name
        return name

    def _shudian(self, item_lines: list[dict[str, str]], on_list: bool) -> None:
        inv, c, t = self.inv, self.c, self.t
        t(300, 40, self._title(), size=16, align="center")
        x = t(470, 38, "发票号码：", 9)
        t(x + 2, 38, inv.invoice_number, 9)
        x = t(470, 56, "开票日期：", 9)
        t(x + 2, 56, _date(inv), 9)
        c.rect(20, 80, 640, 290)
        c.line(20, 140, 660, 140)
        c.line(340, 80, 340, 140)
        for x0, side, name, tax_id in (
            (20, "购买方信息", inv.buyer_name, inv.buyer_tax_id),
            (340, "销售方信息", inv.seller_name, inv.seller_tax_id),
        ):
            c.vertical_text(x0 + 6, 92, side, size=8, step=11)
            c.line(x0 + 18, 80, x0 + 18, 140)
            x = t(x0 + 24, 103, "名称：", 9)
            t(x + 2, 103, name, 9)
            x = t(x0 + 24, 127, "统一社会信用代码/纳税人识别号：", 7.5)
            t(x + 2, 127, tax_id, 9)
        self._items_table(_columns("shudian"), 152, item_lines, on_list, bottom=284)
        c.line(20, 298, 660, 298)
        t(25, 314, "价税合计（大写）", 9)
        t(150, 314, "⊗" + (inv.total_amount_cn or ""), 9)
        t(440, 314, "（小写）", 9)
        t(490, 314, "¥" + _money(inv.total_amount), 9)
        c.line(20, 322, 660, 322)
        c.vertical_text(26, 338, "备注", size=9, step=16)
        self._remarks(45, 338, 600)
        x = t(40, 388, "开票人：", 9)
        t(x + 2, 388, inv.issuer, 9)

    def _old(self, item_lines: list[dict[str, str]], on_list: bool) -> None:
        inv, c, t = self.inv, self.c, self.t
        t(300, 36, self._title(), size=16, align="center")
        rows = [("发票代码：", inv.invoice_code), ("发票号码：", inv.invoice_number),
                ("开票日期：", _date(inv))]  # fmt: skip
        if inv.check_code:
            cc = inv.check_code
            rows.append(("校验码：", " ".join(cc[k : k + 5] for k in range(0, len(cc), 5))))
        for k, (label, value) in enumerate(rows):
            x = t(470, 24 + 14 * k, label, 8)
            t(x + 2, 24 + 14 * k, value, 8)
        x = t(25, 72, "机器编号：", 8)
        t(x + 2, 72, f"{self.rng.randrange(10**11, 10**12)}", 8)
        c.rect(20, 80, 640, 270)
        c.line(20, 140, 660, 140)
        c.line(380, 80, 380, 140)
        self._party_block(80, "购买方", inv.buyer_name, inv.buyer_tax_id)
        c.vertical_text(386, 94, "密码区", size=8, step=14)
        for k in range(4):
            garbage = "".join(self.rng.choice("0123456789+-*/<>") for _ in range(27))
            c.text(400, 93 + 14 * k, garbage, size=9)
        self._items_table(_columns("old"), 152, item_lines, on_list, bottom=254)
        c.line(20, 270, 660, 270)
        t(25, 283, "价税合计（大写）", 9)
        t(150, 283, "⊗" + (inv.total_amount_cn or ""), 9)
        t(440, 283, "（小写）", 9)
        t(490, 283, "¥" + _money(inv.total_amount), 9)
        c.line(20, 290, 660, 290)
        seller = inv.seller_tax_id
        self._party_block(290, "销售方", inv.seller_name, seller)
        c.line(380, 290, 380, 350)
        c.vertical_text(386, 306, "备注", size=9, step=16)
        self._remarks(402, 304, 250)
        t(40, 372, "收款人：", 9)
        t(200, 372, "复核：", 9)
        x = t(360, 372, "开票人：", 9)
        t(x + 2, 372, inv.issuer, 9)
        t(520, 372, "销售方：（章）", 9)

    def _party_block(self, top: float, side: str, name: str | None, tax_id: str | None) -> None:
        details = self.party(tax_id) if self.party and tax_id else None
        self.c.vertical_text(26, top + 14, side, size=9, step=14)
        self.c.line(40, top, 40, top + 60)
        rows = (
            ("名称：", name),
            ("纳税人识别号：", tax_id),
            ("地址、电话：", details.address_phone if details else None),
            ("开户行及账号：", details.bank_account if details else None),
        )
        for k, (label, value) in enumerate(rows):
            y = top + 14 + 14 * k
            self.t(45, y, label, 8)
            self.t(120, y, value, 9 if k < 2 else 7.5)

    def _remarks(self, x: float, y: float, width: float) -> None:
        spacing = 9 * self.style.spacing_em if self.style.letter_spaced else 0.0
        for k, line in enumerate(_wrap(self.inv.remarks or "", width, 9, spacing)[:3]):
            self.t(x, y + 13 * k, line, 9)

    # -- items ---------------------------------------------------------------------------

    def _item_lines(self, cols: list[_Col]) -> list[dict[str, str]]:
        """Each item as one or more printed lines (long names wrap in their column)."""
        out: list[dict[str, str]] = []
        name_col = cols[0]
        spacing = 8 * self.style.spacing_em if self.style.letter_spaced else 0.0
        for item in self.inv.items:
            cells = _cells(item)
            parts = _wrap(item.name, name_col.right - name_col.left, 8, spacing) or [""]
            out.append({**cells, "name": parts[0]})
            out.extend({"name": part} for part in parts[1:])
        return out

    def _items_table(
        self, cols: list[_Col], top: float, lines: list[dict[str, str]], on_list: bool,
        bottom: float,
    ) -> None:  # fmt: skip
        inv, t = self.inv, self.t
        for col in cols:
            t((col.left + col.right) / 2, top, col.header, 8, align="center")
        if on_list:
            lines = [{"name": DETAILS_ROW, "amount": _money(inv.amount),
                      "tax_amount": _money(inv.tax_amount)}]  # fmt: skip
        self._rows(cols, top + 15, lines, step=12)
        t(70, bottom + 8, "合计", 9, align="center")
        t(482, bottom + 8, "¥" + _money(inv.amount), 9, align="right")
        t(655, bottom + 8, "¥" + _money(inv.tax_amount), 9, align="right")

    def _rows(self, cols: list[_Col], y: float, lines: list[dict[str, str]], step: float) -> None:
        for k, line in enumerate(lines):
            for col in cols:
                value = line.get(col.key)
                if not value:
                    continue
                x = {"left": col.left, "right": col.right}.get(
                    col.align, (col.left + col.right) / 2
                )
                self.t(x, y + step * k, value, 8, align=col.align)

    def _list_page(self) -> None:
        """The 销货清单 page that carries the items of a long invoice."""
        inv, t = self.inv, self.t
        self.c.new_page(PAGE_W, LIST_PAGE_H)
        t(340, 40, "销售货物或者提供应税劳务、服务清单", size=14, align="center")
        x = t(25, 70, "购买方名称：", 9)
        t(x + 2, 70, inv.buyer_name, 9)
        x = t(25, 86, "销售方名称：", 9)
        t(x + 2, 86, inv.seller_name, 9)
        y = 102
        if inv.invoice_code:
            x = t(25, y, "所属增值税电子普通发票代码：", 9)
            t(x + 2, y, inv.invoice_code, 9)
            y += 16
        x = t(25, y, "发票号码：", 9)
        t(x + 2, y, inv.invoice_number, 9)
        t(560, y, "共1页 第1页", 9)
        cols = _columns("list")
        top = y + 22
        for col in cols:
            t((col.left + col.right) / 2, top, col.header, 8, align="center")
        lines = self._item_lines(cols)
        self._rows(cols, top + 15, lines, step=12)
        y = top + 15 + 12 * len(lines) + 6
        for label in ("小计", "总计"):
            t(70, y, label, 9, align="center")
            t(482, y, "¥" + _money(inv.amount), 9, align="right")
            t(655, y, "¥" + _money(inv.tax_amount), 9, align="right")
            y += 14
        x = t(25, y + 10, "填开日期：", 9)
        t(x + 2, y + 10, _date(inv), 9)


def _cells(item: LineItemData) -> dict[str, str]:
    return {
        "spec": item.spec or "",
        "unit": item.unit or "",
        "quantity": item.quantity or "",
        "unit_price": item.unit_price or "",
        "amount": _money(item.amount),
        "tax_rate": _rate(item.tax_rate),
        "tax_amount": "***" if item.tax_rate == "免税" else _money(item.tax_amount),
    }


def _date(inv: InvoiceData) -> str:
    d = inv.issue_date
    return f"{d.year}年{d.month:02d}月{d.day:02d}日" if d else ""
