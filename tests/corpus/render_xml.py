"""Render an InvoiceData as 数电 XML (`<EInvoice>`), the way the tax platform writes it.

Used for round-trip tests and benchmarks of the XML reader. `namespace` wraps every element
in a default namespace, as some exporters do.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

from fapiao.core.invoice import InvoiceData
from fapiao.core.kinds import qr_to_platform
from fapiao.core.money import format_money

_VAT = {"31": ("01", "增值税专用发票"), "32": ("02", "普通发票")}


def _sub(parent: Element, tag: str, text: object = None) -> Element:
    el = SubElement(parent, tag)
    if text is not None:
        el.text = str(text)
    return el


def _label(parent: Element, tag: str, code: str, name: str) -> None:
    el = _sub(parent, tag)
    _sub(el, "LabelCode", code)
    _sub(el, "LabelName", name)


def render_xml(inv: InvoiceData, *, namespace: str | None = None) -> bytes:
    root = Element("EInvoice")
    header = _sub(root, "Header")
    _sub(header, "EIid", inv.invoice_number)
    _sub(header, "EInvoiceTag", "SWEI1100")
    _sub(header, "Version", "0.35")
    labels = _sub(header, "InherentLabel")
    _label(labels, "InIssuType", "N" if inv.is_red_invoice else "Y", "是否蓝字发票标志")
    kind = inv.invoice_type or ""
    platform = qr_to_platform(kind)
    if kind in ("51", "61") and platform:
        _label(labels, "EInvoiceType", platform, inv.invoice_type_name or "")
    else:
        _label(labels, "EInvoiceType", "", inv.invoice_type_name or "")
    if kind in _VAT:
        _label(labels, "GeneralOrSpecialVAT", *_VAT[kind])
    data = _sub(root, "EInvoiceData")
    seller = _sub(data, "SellerInformation")
    _sub(seller, "SellerIdNum", inv.seller_tax_id)
    _sub(seller, "SellerName", inv.seller_name)
    _sub(seller, "SellerAddr")
    buyer = _sub(data, "BuyerInformation")
    if inv.buyer_tax_id:
        _sub(buyer, "BuyerIdNum", inv.buyer_tax_id)
    _sub(buyer, "BuyerName", inv.buyer_name)
    basic = _sub(data, "BasicInformation")
    _sub(basic, "TotalAmWithoutTax", format_money(inv.amount))
    _sub(basic, "TotalTaxAm", format_money(inv.tax_amount))
    _sub(basic, "TotalTax-includedAmount", format_money(inv.total_amount))
    _sub(basic, "TotalTax-includedAmountInChinese", inv.total_amount_cn)
    if inv.issuer:
        _sub(basic, "Drawer", inv.issuer)
    if inv.issue_date:
        _sub(basic, "RequestTime", f"{inv.issue_date.isoformat()} 10:30:00")
    for item in inv.items:
        el = _sub(data, "IssuItemInformation")
        _sub(el, "ItemName", item.name)
        _sub(el, "SpecMod", item.spec or "")
        _sub(el, "MeaUnits", item.unit or "")
        _sub(el, "Quantity", item.quantity or "")
        _sub(el, "UnPrice", item.unit_price or "")
        _sub(el, "Amount", format_money(item.amount))
        _sub(el, "TaxRate", item.tax_rate)
        _sub(el, "ComTaxAm", format_money(item.tax_amount))
    if inv.is_red_invoice and inv.original_invoice_number:
        red = _sub(_sub(data, "SpecificInformation"), "RedEInvoice")
        _sub(red, "OriginalInvoiceCode", inv.original_invoice_number)
    if inv.remarks:
        _sub(_sub(data, "AdditionalInformation"), "Remark", inv.remarks)
    supervision = _sub(root, "TaxSupervisionInfo")
    _sub(supervision, "InvoiceNumber", inv.invoice_number)
    if inv.invoice_code:
        _sub(supervision, "InvoiceCode", inv.invoice_code)
    if inv.issue_date:
        _sub(supervision, "IssueTime", inv.issue_date.isoformat())
    if inv.check_code:
        _sub(supervision, "CheckCode", inv.check_code)
    if namespace:
        register_namespace("", namespace)
        for el in root.iter():
            el.tag = f"{{{namespace}}}{el.tag}"
    return tostring(root, encoding="utf-8", xml_declaration=True)
