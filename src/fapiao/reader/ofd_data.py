"""OFD structured data: OFD.xml CustomDatas and CustomTag.xml references to text objects.

Both are written by the issuing platform, so their values are as certain as the XML;
a CustomTag value is the text of the objects it references, joined in order (one value
may span several objects: "¥" + "20000.00", or an item name wrapped over four lines).
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from fapiao.core.categories import tax_category
from fapiao.core.invoice import LineItemData, parse_tax_rate
from fapiao.reader.base import RawInvoice
from fapiao.reader.fields import clean, money, norm, parse_date, put
from fapiao.reader.ofd_layout import OfdPackage
from fapiao.reader.xml_einvoice import local

_CUSTOM_DATAS = {
    "发票号码": "invoice_number",
    "发票代码": "invoice_code",
    "开票日期": "issue_date",
    "校验码": "check_code",
    "合计金额": "amount",
    "合计税额": "tax_amount",
    "价税合计": "total_amount",
    "购买方纳税人识别号": "buyer_tax_id",
    "销售方纳税人识别号": "seller_tax_id",
    "购买方名称": "buyer_name",
    "销售方名称": "seller_name",
}
# Tag name (lower case) -> field; nested Buyer/Seller tags are found by their own names.
_TAGS = {
    "invoiceno": "invoice_number",
    "invoicecode": "invoice_code",
    "issuedate": "issue_date",
    "invoicecheckcode": "check_code",
    "buyername": "buyer_name",
    "buyertaxid": "buyer_tax_id",
    "sellername": "seller_name",
    "sellertaxid": "seller_tax_id",
    "taxexclusivetotalamount": "amount",
    "taxtotalamount": "tax_amount",
    "taxinclusivetotalamount": "total_amount",
    "invoiceclerk": "issuer",
    "note": "remarks",
}
_MONEY = {"amount", "tax_amount", "total_amount"}
_DIGITS = {"invoice_number", "invoice_code", "check_code"}


def field_value(name: str, text: str) -> object:
    """A raw value as the InvoiceData field wants it; None when it does not fit."""
    if name in _MONEY:
        return money(text)
    if name == "issue_date":
        return parse_date(text)
    if name in _DIGITS:
        digits = re.sub(r"\s", "", norm(text))
        return digits if digits.isdigit() else None
    if name in ("buyer_tax_id", "seller_tax_id"):
        value = re.sub(r"\s", "", norm(text)).upper()
        return value if re.fullmatch(r"[0-9A-Z]{15,20}", value) else None
    return clean(text) or None


def read_custom_datas(pkg: OfdPackage, raw: RawInvoice) -> None:
    for label, name in _CUSTOM_DATAS.items():
        value = pkg.custom_datas.get(label)
        if value:
            put(raw, name, field_value(name, value), "ofd_data", 1.0)


def _ref_texts(pkg: OfdPackage, tag: Element) -> list[str]:
    texts = []
    for ref in tag.iter():
        if local(ref.tag) == "objectref" and ref.text:
            run = pkg.runs_by_id.get(ref.text.strip())
            if run is not None:
                texts.append(run.text)
    return texts


def read_custom_tags(pkg: OfdPackage, raw: RawInvoice) -> None:
    """Fill fields from CustomTag; where CustomDatas already gave a different value, the
    file contradicts itself: keep the value but mark it for review."""
    if pkg.custom_tags is None:
        return
    item_parts: dict[str, list[str]] = {"item": [], "taxscheme": [], "amount": [], "taxamount": []}
    for tag in pkg.custom_tags.iter():
        key = local(tag.tag)
        if key in item_parts:
            texts = _ref_texts(pkg, tag)
            if texts:
                item_parts[key].append("".join(texts))
            continue
        name = _TAGS.get(key)
        if name is None:
            continue
        texts = _ref_texts(pkg, tag)
        if not texts:
            continue
        joined = "\n".join(texts) if name == "remarks" else "".join(texts)
        value = field_value(name, joined)
        if value is None:
            continue
        if name in raw.sources:
            if getattr(raw.data, name) != value and raw.sources[name] == "ofd_data":
                raw.confidence[name] = min(raw.confidence[name], 0.5)
            continue
        put(raw, name, value, "ofd_data", 1.0)
    _tag_items(raw, item_parts)


def _tag_items(raw: RawInvoice, parts: dict[str, list[str]]) -> None:
    names = parts["item"]
    if not names:
        return

    def nth(key: str, i: int) -> str | None:
        # Item, TaxScheme, Amount, TaxAmount pair up by position only when counts agree.
        values = parts[key]
        return values[i] if len(values) == len(names) else None

    items = []
    for i, raw_name in enumerate(names):
        name = clean(raw_name)
        items.append(
            LineItemData(
                name=name,
                tax_category=tax_category(name),
                amount=money(nth("amount", i)),
                tax_rate=parse_tax_rate(norm(nth("taxscheme", i))),
                tax_amount=money(nth("taxamount", i)),
            )
        )
    raw.data.items = items
    raw.sources["items"] = "ofd_data"
    raw.confidence["items"] = 1.0
