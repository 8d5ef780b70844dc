"""数电 XML (`<EInvoice>`): every element optional, namespaces tolerated, entities refused.

No official XSD exists (DOMAIN.md), so elements are found by local name anywhere in the tree
rather than by fixed paths; line items are the `IssuItemInformation` elements.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException

from fapiao.core.categories import tax_category
from fapiao.core.invoice import InvoiceData, LineItemData, find_original_invoice, parse_tax_rate
from fapiao.core.kinds import kind_from_name, kind_name, platform_to_qr
from fapiao.reader.base import Limits, RawInvoice, ReadError
from fapiao.reader.fields import clean, money, norm, parse_date, put

CORRUPT_MESSAGE = "XML 文件已损坏或不完整：请从电子税务局重新下载原件后再上传。"
UNSAFE_MESSAGE = (
    "XML 文件含有实体声明或外部引用（可能是恶意文件）：已拒绝读取。"
    "请从电子税务局重新下载发票原件后再上传。"
)
NOT_INVOICE_MESSAGE = "XML 文件中没有发票数据：请确认上传的是电子税务局下载的数电发票 XML 文件。"
_ITEM = "issuiteminformation"
_VAT_KIND = {"01": "31", "02": "32"}  # GeneralOrSpecialVAT LabelCode -> QR type


def local(tag: object) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1].lower()


def parse_xml(blob: bytes) -> Element:
    """Parse untrusted XML: DTDs and entities are refused (billion laughs, XXE)."""
    try:
        root: Element = DefusedET.fromstring(blob, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ReadError("unsafe_file", UNSAFE_MESSAGE) from exc
    except (ParseError, ValueError, UnicodeError) as exc:
        raise ReadError("corrupt_file", CORRUPT_MESSAGE) from exc
    return root


def _index(root: Element) -> tuple[dict[str, Element], list[Element]]:
    """First element per local name outside line items, and the line-item elements."""
    first: dict[str, Element] = {}
    items: list[Element] = []
    stack = [root]
    while stack:
        el = stack.pop()
        name = local(el.tag)
        if name == _ITEM:
            items.append(el)
            continue
        first.setdefault(name, el)
        stack.extend(reversed(list(el)))
    return first, items


def _child_text(el: Element | None, name: str) -> str:
    if el is None:
        return ""
    for child in el:
        if local(child.tag) == name:
            return norm(child.text)
    return ""


def _child_raw(el: Element, name: str) -> str | None:
    for child in el:
        if local(child.tag) == name:
            return child.text
    return None


def _kind(index: dict[str, Element]) -> str | None:
    code = _child_text(index.get("generalorspecialvat"), "labelcode")
    if code in _VAT_KIND:
        return _VAT_KIND[code]
    etype = index.get("einvoicetype")
    platform = platform_to_qr(_child_text(etype, "labelcode"))
    if platform:
        return platform
    for el in (etype, index.get("generalorspecialvat")):
        name = _child_text(el, "labelname")
        if not name:
            continue
        found = kind_from_name(name)
        if found:
            return found
        if "专用" in name:
            return "31"
        if "普通" in name:
            return "32"
    return None


def read_einvoice(root: Element) -> RawInvoice:
    index, item_elements = _index(root)
    raw = RawInvoice(data=InvoiceData())

    def text(name: str) -> str:
        el = index.get(name.lower())
        return norm(el.text) if el is not None else ""

    def ctext(name: str) -> str:
        el = index.get(name.lower())
        return clean(el.text) if el is not None else ""

    def found(name: str, value: object) -> bool:
        return put(raw, name, value, "xml", 1.0)

    number = text("InvoiceNumber") or text("EIid")
    found("invoice_number", number if number.isdigit() else None)
    code = text("InvoiceCode")
    found("invoice_code", code if code.isdigit() and len(code) in (10, 12) else None)
    found("issue_date", parse_date(text("IssueTime")) or parse_date(text("RequestTime")))
    found("check_code", text("CheckCode") or None)
    kind = _kind(index)  # None for old-style XML: resolve decodes the 发票代码 instead
    if found("invoice_type", kind):
        found("invoice_type_name", kind_name(kind))
    found("buyer_name", ctext("BuyerName"))
    found("buyer_tax_id", text("BuyerIdNum").upper().replace(" ", ""))
    found("seller_name", ctext("SellerName"))
    found("seller_tax_id", text("SellerIdNum").upper().replace(" ", ""))
    found("amount", money(text("TotalAmWithoutTax")))
    found("tax_amount", money(text("TotalTaxAm")))
    found("total_amount", money(text("TotalTax-includedAmount")))
    found("total_amount_cn", ctext("TotalTax-includedAmountInChinese"))
    found("issuer", ctext("Drawer"))
    found("remarks", ctext("Remark"))
    _red(raw, index)
    raw.data.items = [_item(el) for el in item_elements]
    if raw.data.items:
        raw.sources["items"] = "xml"
        raw.confidence["items"] = 1.0
    if not any(k in raw.sources for k in ("invoice_number", "total_amount", "seller_tax_id")):
        raise ReadError("no_invoice_found", NOT_INVOICE_MESSAGE)
    return raw


def _red(raw: RawInvoice, index: dict[str, Element]) -> None:
    data = raw.data
    blue_flag = _child_text(index.get("inissutype"), "labelcode").upper()
    if blue_flag == "N" or data.has_negative_amounts:
        data.is_red = True
    if not data.is_red:
        return
    original_code = norm(getattr(index.get("originalinvoicecode"), "text", None))
    original_number = norm(getattr(index.get("originalinvoicenumber"), "text", None))
    # The platform writes the blue 数电 number into OriginalInvoiceCode.
    if len(original_code) == 20 and not original_number:
        original_code, original_number = "", original_code
    if not original_number:
        named = find_original_invoice(data.remarks)
        if named:
            original_code, original_number = named[0] or "", named[1] or ""
    data.original_invoice_code = original_code or None
    data.original_invoice_number = original_number or None


def _item(el: Element) -> LineItemData:
    def text(name: str) -> str | None:
        return _child_text(el, name.lower()) or None

    name = clean(_child_raw(el, "itemname"))
    return LineItemData(
        name=name,
        tax_category=tax_category(name),
        spec=clean(_child_raw(el, "specmod")) or None,
        unit=clean(_child_raw(el, "meaunits")) or None,
        quantity=text("Quantity"),
        unit_price=text("UnPrice"),
        amount=money(text("Amount")),
        tax_rate=parse_tax_rate(text("TaxRate")),
        tax_amount=money(text("ComTaxAm")),
    )


def read(blob: bytes, *, limits: Limits) -> list[RawInvoice]:
    """The reader contract: one 数电 XML file holds one invoice."""
    del limits  # size is checked by the pipeline; XML needs no other limit
    return [read_einvoice(parse_xml(blob))]
