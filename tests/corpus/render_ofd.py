"""Render an InvoiceData as a 数电-style OFD: OFD.xml CustomDatas, CustomTag references and
a page of positioned TextObjects laid out like the platform's invoices.

`data=False` leaves out CustomDatas and CustomTag (the reader must use the page layout);
`kangxi=True` writes labels with Kangxi radicals as some producers do; page folders are
named "Pages/P1" rather than Page_0 so the reader must follow Document.xml.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from fapiao.core.invoice import InvoiceData
from fapiao.core.money import format_money

NS = "http://www.ofdspec.org/2016"
_KANGXI = str.maketrans({"子": "⼦", "方": "⽅", "一": "⼀", "金": "⾦", "人": "⼈", "大": "⼤"})


class _Page:
    def __init__(self, kangxi: bool) -> None:
        self.objects: list[str] = []
        self.next_id = 100
        self.kangxi = kangxi

    def text(self, x: float, y: float, text: str, *, size: float = 3.0, label: bool = False) -> int:
        if label and self.kangxi:
            text = text.translate(_KANGXI)
        self.next_id += 1
        deltas = " ".join(str(size if ord(ch) > 127 else size / 2) for ch in text[:-1])
        width = size * len(text)
        self.objects.append(
            f'<ofd:TextObject ID="{self.next_id}" Boundary="{x} {y - size} {width} {size * 1.6}"'
            f' Font="1" Size="{size}"><ofd:TextCode X="0" Y="{size}" DeltaX="{deltas}">'
            f"{escape(text)}</ofd:TextCode></ofd:TextObject>"
        )
        return self.next_id


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def render_ofd(inv: InvoiceData, *, data: bool = True, kangxi: bool = False) -> bytes:
    page = _Page(kangxi)
    tags: dict[str, list[int]] = {}

    def value(tag: str | None, x: float, y: float, text: str | None, **kw: float) -> None:
        if text:
            oid = page.text(x, y, text, **kw)
            if tag:
                tags.setdefault(tag, []).append(oid)

    page.text(60, 14, inv.invoice_type_name or "电子发票", size=6.0, label=True)
    page.text(150, 14, "发票号码：", label=True)
    value("InvoiceNo", 168, 14, inv.invoice_number)
    if inv.invoice_code:
        page.text(150, 8, "发票代码：", label=True)
        value(None, 168, 8, inv.invoice_code)
    page.text(150, 20, "开票日期：", label=True)
    value("IssueDate", 168, 20, inv.issue_date and f"{inv.issue_date:%Y年%m月%d日}")
    for x, marker, who in ((5.5, "购买方信息", "Buyer"), (106, "销售方信息", "Seller")):
        for i, ch in enumerate(marker):
            page.text(x, 34 + 3.5 * i, ch, size=3.2, label=True)
        name, tax_id = (
            (inv.buyer_name, inv.buyer_tax_id)
            if who == "Buyer"
            else (inv.seller_name, inv.seller_tax_id)
        )
        page.text(x + 6, 37, "名称：", label=True)
        value(f"{who}Name", x + 14, 37, name)
        page.text(x + 6, 48, "统一社会信用代码/纳税人识别号：", size=2.6, label=True)
        value(f"{who}TaxID", x + 49, 48, tax_id, size=3.6)
    header = ("项目名称", 16), ("规格型号", 43), ("单 位", 68), ("数 量", 93), ("单 价", 116)
    header += ("金 额", 143), ("税率/征收率", 157), ("税 额", 192)
    for text, x in header:
        page.text(x, 57, text, label=True)
    y = 62.0
    for item in inv.items:
        name_lines = _chunks(item.name, 11)
        for i, part in enumerate(name_lines):
            value("Item" if len(inv.items) == 1 else None, 5, y + 4 * i, part)
        value(None, 43, y, item.spec)
        value(None, 69, y, item.unit)
        value(None, 93, y, item.quantity)
        value(None, 114, y, item.unit_price)
        value("Amount" if len(inv.items) == 1 else None, 142, y, format_money(item.amount))
        rate = item.tax_rate
        shown = f"{float(rate) * 100:g}%" if rate and rate[0].isdigit() else rate
        value("TaxScheme" if len(inv.items) == 1 else None, 162, y, shown)
        value("TaxAmount" if len(inv.items) == 1 else None, 190, y, format_money(item.tax_amount))
        y += 4 * len(name_lines) + 1
    total_y = max(95.0, y + 4)
    page.text(21, total_y, "合 计", label=True)
    value("TaxExclusiveTotalAmount", 140, total_y, f"¥{format_money(inv.amount)}")
    value("TaxTotalAmount", 188, total_y, f"¥{format_money(inv.tax_amount)}")
    page.text(17, total_y + 6, "价税合计（大写）", label=True)
    value(None, 63, total_y + 6, inv.total_amount_cn)
    page.text(144, total_y + 6, "（小写）", label=True)
    value("TaxInclusiveTotalAmount", 158, total_y + 6, f"¥{format_money(inv.total_amount)}")
    page.text(5.5, total_y + 15, "备", label=True)
    page.text(5.5, total_y + 20, "注", label=True)
    value("Note", 12.5, total_y + 14, inv.remarks)
    page.text(20, total_y + 32, "开票人：", label=True)
    value("InvoiceClerk", 36.5, total_y + 32, inv.issuer)
    return _package(inv, page, tags if data else None)


def _custom_datas(inv: InvoiceData) -> str:
    pairs = {
        "发票号码": inv.invoice_number,
        "开票日期": inv.issue_date and f"{inv.issue_date:%Y年%m月%d日}",
        "合计金额": format_money(inv.amount),
        "合计税额": format_money(inv.tax_amount),
        "购买方纳税人识别号": inv.buyer_tax_id,
        "销售方纳税人识别号": inv.seller_tax_id,
    }
    return "".join(
        f'<ofd:CustomData Name="{k}">{escape(str(v))}</ofd:CustomData>'
        for k, v in pairs.items()
        if v
    )


def _package(inv: InvoiceData, page: _Page, tags: dict[str, list[int]] | None) -> bytes:
    customs = f"<ofd:CustomDatas>{_custom_datas(inv)}</ofd:CustomDatas>" if tags is not None else ""
    ofd = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<ofd:OFD xmlns:ofd="{NS}" DocType="OFD" Version="1.0">'
        f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID>{customs}</ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        "<ofd:MaxUnitID>999</ofd:MaxUnitID></ofd:CommonData><ofd:Pages>"
        '<ofd:Page ID="1" BaseLoc="Pages/P1/Content.xml"/></ofd:Pages>'
        + ("<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags>" if tags is not None else "")
        + "</ofd:Document>"
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Area>'
        "<ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox></ofd:Area><ofd:Content>"
        f'<ofd:Layer ID="2">{"".join(page.objects)}</ofd:Layer></ofd:Content></ofd:Page>'
    )
    files = {"OFD.xml": ofd, "Doc_0/Document.xml": document, "Doc_0/Pages/P1/Content.xml": content}
    if tags is not None:
        files["Doc_0/Tags/CustomTags.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:CustomTags xmlns:ofd="{NS}">'
            '<ofd:CustomTag TypeID="root"><ofd:FileLoc>CustomTag.xml</ofd:FileLoc>'
            "</ofd:CustomTag></ofd:CustomTags>"
        )
        files["Doc_0/Tags/CustomTag.xml"] = _custom_tag(tags)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return out.getvalue()


def _custom_tag(tags: dict[str, list[int]]) -> str:
    def refs(tag: str) -> str:
        inner = "".join(f'<ofd:ObjectRef PageRef="1">{i}</ofd:ObjectRef>' for i in tags[tag])
        return f"<ofd:{tag}>{inner}</ofd:{tag}>"

    body = []
    for group in ("Buyer", "Seller"):
        parts = "".join(refs(t) for t in (f"{group}Name", f"{group}TaxID") if t in tags)
        body.append(f"<ofd:{group}>{parts}</ofd:{group}>")
    body += [refs(t) for t in tags if not t.startswith(("Buyer", "Seller"))]
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:root xmlns:ofd="{NS}" version="1.0">'
        + "".join(body)
        + "</ofd:root>"
    )
