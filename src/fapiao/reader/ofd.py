"""The OFD reader: structured data first, then the page text, then any text at all.

Order of trust: an embedded original_invoice.xml (the platform's own XML) > OFD.xml
CustomDatas and CustomTag references (source "ofd_data", certain) > the page text by layout
(source "ofd_text", confidence by how well label and value fit). A non-standard file with
no pages gets a last try on the plain text lines of its XML parts.
"""

from __future__ import annotations

import re

from fapiao.core.invoice import InvoiceData
from fapiao.core.kinds import kind_from_name, kind_name
from fapiao.reader.base import Limits, RawInvoice, ReadError
from fapiao.reader.fields import clean, put, squash
from fapiao.reader.ofd_data import field_value, read_custom_datas, read_custom_tags
from fapiao.reader.ofd_layout import OfdPackage, open_package
from fapiao.reader.ofd_text import read_layout
from fapiao.reader.safezip import SafeZip
from fapiao.reader.xml_einvoice import parse_xml, read_einvoice

NO_INVOICE_MESSAGE = (
    "OFD 文件中没有找到发票内容（没有页面或发票数据）：请确认这是电子发票 OFD 原件，"
    "或改为上传同一张发票的 PDF 或 XML 文件。"
)
_LINE_LABELS = (
    (r"发票代码", "invoice_code"),
    (r"发票号码", "invoice_number"),
    (r"开票日期", "issue_date"),
    (r"校验码", "check_code"),
    (r"购买方名称|购方名称", "buyer_name"),
    (r"购买方(纳税人识别号|统一社会信用代码.*)|购方识别号", "buyer_tax_id"),
    (r"销售方名称|销方名称", "seller_name"),
    (r"销售方(纳税人识别号|统一社会信用代码.*)|销方识别号", "seller_tax_id"),
    (r"合计金额|金额合计", "amount"),
    (r"合计税额|税额合计|税额", "tax_amount"),
    (r"价税合计(\(小写\))?", "total_amount"),
    (r"开票人", "issuer"),
    (r"备注", "remarks"),
)
_LINE = re.compile(r"^(?P<label>[^:：]{2,24})[:：]\s*(?P<value>.+)$")
LINES_CONFIDENCE = 0.7  # no layout to confirm which value belongs to which label
_KEYS = ("invoice_number", "total_amount", "amount", "seller_tax_id", "buyer_tax_id")


def _attached_xml(zf: SafeZip) -> RawInvoice | None:
    for name in zf.names():
        lower = name.lower()
        if lower.endswith(".xml") and ("/attachs/" in f"/{lower}" or "original" in lower):
            try:
                return read_einvoice(parse_xml(zf.read(name)))
            except ReadError as exc:
                if exc.code == "unsafe_file":
                    raise
    return None


def _text_lines(zf: SafeZip) -> list[str]:
    lines: list[str] = []
    for name in zf.names()[:200]:
        if not name.lower().endswith(".xml"):
            continue
        try:
            root = parse_xml(zf.read(name))
        except ReadError as exc:
            if exc.code == "unsafe_file":
                raise
            continue
        lines.extend(clean(el.text) for el in root.iter() if el.text and el.text.strip())
    return lines


def read_lines(lines: list[str], raw: RawInvoice) -> None:
    """Label: value lines, as non-standard producers write them."""
    for line in lines:
        match = _LINE.match(line.strip())
        if not match:
            if "invoice_type" not in raw.sources and (kind := kind_from_name(squash(line))):
                put(raw, "invoice_type", kind, "ofd_text", LINES_CONFIDENCE)
                put(raw, "invoice_type_name", kind_name(kind), "ofd_text", LINES_CONFIDENCE)
            continue
        label = squash(match.group("label"))
        for pattern, name in _LINE_LABELS:
            if name not in raw.sources and re.fullmatch(pattern, label):
                value = field_value(name, match.group("value"))
                put(raw, name, value, "ofd_text", LINES_CONFIDENCE)
                break


def read(blob: bytes, *, limits: Limits) -> list[RawInvoice]:
    zf = SafeZip(blob, limits=limits)
    attached = _attached_xml(zf)
    pkg: OfdPackage | None = None
    broken: ReadError | None = None
    try:
        pkg = open_package(zf)
    except ReadError as exc:
        if exc.code == "unsafe_file":
            raise
        broken = exc  # no usable OFD.xml: still look for whatever else is in the file
    raw = attached or RawInvoice(data=InvoiceData())
    if pkg is not None:
        read_custom_datas(pkg, raw)
        read_custom_tags(pkg, raw)
        runs = [run for page in pkg.pages[:1] for run in page]
        if runs:
            read_layout(runs, raw)
            raw.page = 1
    if not any(k in raw.sources for k in _KEYS):
        read_lines(_text_lines(zf), raw)
    if not any(k in raw.sources for k in _KEYS):
        raise broken or ReadError("no_invoice_found", NO_INVOICE_MESSAGE)
    return [raw]
