"""A second, independent invoice layout for the corpus: InvoiceData -> drawing primitives.

Made to differ from render_pdf on purpose (the reader must not learn one renderer's
habits): other page size, fonts and sizes, headings written across the block instead of
down its side, label variants (纳税人识别号 / 统一社会信用代码/纳税人识别号 / 税号 / 购方税号),
header fields on the left or the right, money with or without ¥ and thousands separators,
form lines shifted against the text. Two backends draw the primitives: alt_pdf (a text
layer with other producers' run habits) and alt_paper (pixels: paper forms, dot-matrix
prints, photos, scans, screenshots).

A label and its value are drawn as one Pair so that a backend can write them as one text
run ("纳税人识别号：9144…"), as several PDF generators do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from fapiao.core.invoice import InvoiceData, LineItemData

PAGE_W, PAGE_H = 600.0, 390.0
SHUDIAN = frozenset({"31", "32", "51", "61"})
TAX_LABELS = ("纳税人识别号", "统一社会信用代码/纳税人识别号", "税号", "识别号")


@dataclass(frozen=True)
class AltStyle:
    layout: str = "stacked"  # "stacked": buyer on top, seller below; "side": left / right
    tax_label: str = "纳税人识别号"  # one of TAX_LABELS
    prefixed: bool = False  # "购买方名称：" / "销售方税号：" instead of a block heading
    heading: str = "vertical"  # "vertical" | "horizontal" | "none": how a block names its party
    header_left: bool = False  # 发票代码/号码/日期 at the top left (else right)
    date_style: str = "cn"  # "cn" 2024年05月28日 | "iso" 2024-05-28 | "slash" 2024/05/28
    yen: str = "¥"  # "¥" | "￥" | "" before amounts
    thousands: bool = False  # 1,234.56
    size: float = 8.5  # body font size (points)
    title_size: float = 17.0
    line_shift: tuple[float, float] = (0.0, 0.0)  # form lines moved against the text
    # Machine-printed values moved against the pre-printed form (dot-matrix paper): the
    # whole print by this much, each line by up to `jitter` more.
    value_shift: tuple[float, float] = (0.0, 0.0)
    jitter: float = 0.0
    check_groups: bool = True  # 校验码 written in groups of five


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline, from the top
    text: str
    size: float
    printed: bool = False  # machine-printed value (a paper form's fill-in), not the form
    align: str = "left"
    vertical: bool = False  # characters stacked downwards
    pair: int | None = None  # label and value of one field share a pair id
    part: str = ""  # "label" | "value" within a pair


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Drawing:
    width: float = PAGE_W
    height: float = PAGE_H
    texts: list[Text] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    stamp_at: tuple[float, float] = (0.0, 0.0)  # where the seller's stamp goes (centre)


def text_width(text: str, size: float) -> float:
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text) * size


def money_text(value: Decimal | None, style: AltStyle, *, sign: bool = True) -> str:
    if value is None:
        return ""
    body = f"{abs(value):,.2f}" if style.thousands else f"{abs(value):.2f}"
    return ("-" if value < 0 else "") + (style.yen if sign else "") + body


def date_text(inv: InvoiceData, style: AltStyle) -> str:
    d = inv.issue_date
    if d is None:
        return ""
    return {"iso": f"{d:%Y-%m-%d}", "slash": f"{d:%Y/%m/%d}"}.get(
        style.date_style, f"{d.year}年{d.month:02d}月{d.day:02d}日"
    )


def _rate(rate: str | None) -> str:
    if rate in (None, "免税", "不征税"):
        return rate or ""
    return f"{Decimal(rate) * 100:g}%"


class _Layout:
    def __init__(self, inv: InvoiceData, style: AltStyle) -> None:
        self.inv, self.style = inv, style
        self.d = Drawing()
        self.pairs = 0
        self.rng = random.Random(f"alt-{inv.invoice_number}")

    def value_pos(self, x: float, y: float) -> tuple[float, float]:
        dx, dy = self.style.value_shift
        j = self.style.jitter
        return x + dx + self.rng.uniform(-j, j), y + dy + self.rng.uniform(-j, j) * 0.5

    def text(self, x: float, y: float, text: str, size: float | None = None, **kw: object) -> None:
        if text:
            self.d.texts.append(Text(x, y, text, size or self.style.size, **kw))  # type: ignore[arg-type]

    def value(self, x: float, y: float, text: str | None, size: float | None = None) -> None:
        if text:
            vx, vy = self.value_pos(x, y)
            self.d.texts.append(Text(vx, vy, text, size or self.style.size + 0.5, printed=True))

    def pair(self, x: float, y: float, label: str, value: str | None, size: float | None = None,
             gap: float = 3.0) -> None:  # fmt: skip
        size = size or self.style.size
        self.pairs += 1
        self.d.texts.append(Text(x, y, label, size, pair=self.pairs, part="label"))
        if value:
            vx, vy = self.value_pos(x + text_width(label, size) + gap, y)
            self.d.texts.append(
                Text(vx, vy, value, size + 0.5, printed=True, pair=self.pairs, part="value")
            )

    def rule(self, x1: float, y1: float, x2: float, y2: float) -> None:
        dx, dy = self.style.line_shift
        self.d.rules.append(Rule(x1 + dx, y1 + dy, x2 + dx, y2 + dy))

    # -- parts ---------------------------------------------------------------------------

    def header(self) -> None:
        inv, st = self.inv, self.style
        title = inv.invoice_type_name or "电子发票（普通发票）"
        if inv.region and not title.startswith("电子发票") and inv.invoice_type not in SHUDIAN:
            title = inv.region + title
        # Centred in the room the header fields leave (never overlapping them).
        size = min(st.title_size, 330 / max(text_width(title, 1.0), 1.0))
        centre = PAGE_W / 2 + (60 if st.header_left else -40)
        self.text(centre, 34, title, size, align="center")
        rows: list[tuple[str, str | None]] = []
        if inv.invoice_code:
            rows.append(("发票代码：", inv.invoice_code))
        rows += [("发票号码：", inv.invoice_number), ("开票日期：", date_text(inv, st))]
        if inv.check_code:
            cc = inv.check_code
            shown = " ".join(cc[k : k + 5] for k in range(0, 20, 5)) if st.check_groups else cc
            rows.append(("校验码：", shown))
        x = 24 if st.header_left else 430
        y0 = 52 if st.header_left else 20
        for k, (label, value) in enumerate(rows):
            self.pair(x, y0 + 12 * k, label, value, st.size - 0.5)

    def party(self, x: float, y: float, w: float, side: str, name: str | None,
              tax_id: str | None) -> None:  # fmt: skip
        st = self.style
        word = "购买方" if side == "buyer" else "销售方"
        left = x + 6
        if st.prefixed:
            short = "购方" if side == "buyer" else "销方"
            labels = (f"{word}名称：", f"{short}{st.tax_label}：")
        else:
            if st.heading == "none":
                pass  # nothing names the party: only reading order (or a known id) tells
            elif st.heading == "vertical":
                self.text(x + 5, y + 12, word + "信息", st.size, vertical=True)
                self.rule(x + 16, y, x + 16, y + 56)
                left = x + 22
            else:
                self.text(x + 6, y + 11, word, st.size + 0.5)
                left = x + 10
                y += 8
            labels = ("名称：", f"{st.tax_label}：")
        self.pair(left, y + 18, labels[0], name)
        tax_size = st.size - (1.0 if len(labels[1]) > 10 else 0.0)
        self.pair(left, y + 34, labels[1], tax_id, tax_size)

    def items(self, top: float, bottom: float) -> None:
        st, inv = self.style, self.inv
        cols = (("货物或应税劳务、服务名称", 22, 190), ("规格型号", 192, 240), ("单位", 242, 268),
                ("数量", 270, 310), ("单价", 312, 370), ("金额", 372, 440),
                ("税率", 442, 480), ("税额", 482, 576))  # fmt: skip
        for header, left, right in cols:
            self.text((left + right) / 2, top, header, st.size - 1, align="center")
        y = top + 14
        rows = [_cells(item) for item in inv.items]
        if top + 14 + 12 * len(rows) > bottom - 14:
            # More lines than the table holds: one summary line, as issuers print it.
            rows = [["(详见销货清单)", "", "", "", "", money_text(inv.amount, st, sign=False),
                     "", money_text(inv.tax_amount, st, sign=False)]]  # fmt: skip
        for cells in rows:
            for (_, left, right), value in zip(cols, cells, strict=True):
                if value:
                    vx, vy = self.value_pos(left + 2 if left == 22 else right - 2, y)
                    self.d.texts.append(
                        Text(vx, vy, value, st.size - 0.5, printed=True,
                             align="left" if left == 22 else "right")
                    )  # fmt: skip
            y += 12
        self.rule(20, bottom - 12, 580, bottom - 12)
        self.text(60, bottom, "合  计", st.size, align="center")
        self.value(440 - text_width(money_text(inv.amount, st), st.size + 0.5),
                   bottom, money_text(inv.amount, st))  # fmt: skip
        tax = money_text(inv.tax_amount, st)
        self.value(576 - text_width(tax, st.size + 0.5), bottom, tax)

    def totals(self, y: float) -> None:
        st, inv = self.style, self.inv
        self.pair(24, y, "价税合计（大写）", inv.total_amount_cn, gap=30)
        self.pair(420, y, "（小写）", money_text(inv.total_amount, st))

    def footer(self, y: float) -> None:
        self.pair(40, y, "开票人：", self.inv.issuer)
        if self.inv.remarks:
            self.text(24, y - 26, "备注", self.style.size)
            self.value(60, y - 26, self.inv.remarks[:40], self.style.size)


def _cells(item: LineItemData) -> list[str]:
    return [item.name[:16], item.spec or "", item.unit or "", item.quantity or "",
            item.unit_price or "", f"{item.amount:.2f}" if item.amount is not None else "",
            _rate(item.tax_rate),
            "***" if item.tax_rate == "免税" else
            (f"{item.tax_amount:.2f}" if item.tax_amount is not None else "")]  # fmt: skip


def layout(inv: InvoiceData, style: AltStyle) -> Drawing:
    """Where everything goes: the same primitives for every backend."""
    lay = _Layout(inv, style)
    lay.header()
    lay.rule(20, 96, 580, 96)
    if style.layout == "side":
        lay.party(20, 98, 280, "buyer", inv.buyer_name, inv.buyer_tax_id)
        lay.party(300, 98, 280, "seller", inv.seller_name, inv.seller_tax_id)
        lay.rule(300, 96, 300, 164)
        lay.rule(20, 164, 580, 164)
        lay.items(178, 272)
        lay.rule(20, 280, 580, 280)
        lay.totals(296)
        lay.rule(20, 306, 580, 306)
        lay.footer(372)
        lay.d.stamp_at = (500, 345)
    else:
        lay.party(20, 96, 340, "buyer", inv.buyer_name, inv.buyer_tax_id)
        lay.text(372, 112, "密码区", style.size, vertical=True)
        for k in range(4):
            garbage = "".join(lay.rng.choice("0123456789+-*/<>") for _ in range(26))
            lay.value(386, 112 + 13 * k, garbage, style.size)
        lay.rule(20, 164, 580, 164)
        lay.items(178, 258)
        lay.rule(20, 266, 580, 266)
        lay.totals(280)
        lay.rule(20, 288, 580, 288)
        lay.party(20, 288, 340, "seller", inv.seller_name, inv.seller_tax_id)
        lay.rule(20, 352, 580, 352)
        lay.footer(372)
        lay.d.stamp_at = (470, 330)
    lay.rule(20, 96, 20, 352 if style.layout != "side" else 306)
    lay.rule(580, 96, 580, 352 if style.layout != "side" else 306)
    return lay.d


__all__ = ["TAX_LABELS", "AltStyle", "Drawing", "Rule", "Text", "layout", "money_text"]
