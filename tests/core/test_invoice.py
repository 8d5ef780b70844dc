import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.invoice import (
    InvoiceData,
    LineItemData,
    find_original_invoice,
    parse_date,
    parse_tax_rate,
)
from fapiao.core.money import MoneyFormatError

D = Decimal
SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "extract-output.schema.json"
LABELS = Path(__file__).resolve().parents[3] / "shared" / "samples" / "labels.json"


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("13%", "0.13"),
        ("0.13", "0.13"),
        ("13", "0.13"),
        ("１３％", "0.13"),
        (" 6 % ", "0.06"),
        ("0.130", "0.13"),
        ("9%", "0.09"),
        ("1%", "0.01"),
        ("1", "0.01"),
        ("1.5%", "0.015"),
        ("0", "0"),
        ("0%", "0"),
        ("0.00", "0"),
        ("零税率", "0"),
        ("免税", "免税"),
        ("免征", "免税"),
        ("***", "免税"),
        ("*", "免税"),
        ("不征税", "不征税"),
        (13, "0.13"),
        (D("0.09"), "0.09"),
    ],
)
def test_parse_tax_rate(text: Any, rate: str) -> None:
    assert parse_tax_rate(text) == rate


@pytest.mark.parametrize("text", [None, "", "  ", "abc", "100%", "150", True])
def test_parse_tax_rate_unreadable(text: Any) -> None:
    assert parse_tax_rate(text) is None


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2025-03-07", datetime.date(2025, 3, 7)),
        ("20250307", datetime.date(2025, 3, 7)),
        ("2025年03月07日", datetime.date(2025, 3, 7)),
        ("2025/3/7", datetime.date(2025, 3, 7)),
        ("2025-03-07 10:11:12", datetime.date(2025, 3, 7)),
        ("2025-03-07T10:11:12", datetime.date(2025, 3, 7)),
        (datetime.datetime(2025, 3, 7, 9), datetime.date(2025, 3, 7)),
        (datetime.date(2025, 3, 7), datetime.date(2025, 3, 7)),
        (None, None),
        ("", None),
    ],
)
def test_parse_date(text: Any, date: datetime.date | None) -> None:
    assert parse_date(text) == date


@pytest.mark.parametrize("text", ["2025-02-30", "March 7", "2025-13-01"])
def test_parse_date_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def _tianjin() -> InvoiceData:
    return InvoiceData(
        invoice_type="10",
        invoice_type_name="天津增值税电子普通发票",
        invoice_code="012001800311",
        invoice_number="33207675",
        issue_date=datetime.date(2019, 5, 8),
        check_code="76939056883466677916",
        region="天津",
        buyer_name="个人",
        seller_name="天津瑞佳讯贸易有限公司",
        seller_tax_id="91120222079642398Y",
        amount=D("46.62"),
        tax_amount=D("6.08"),
        total_amount=D("52.70"),
        total_amount_cn="伍拾贰圆柒角",
        items=[
            LineItemData(
                name="(详见销货清单)", amount=D("46.62"), tax_rate="0.13", tax_amount=D("6.08")
            )
        ],
    )


def test_to_schema_dict() -> None:
    d = _tianjin().to_schema_dict()
    assert d["amount"] == "46.62"
    assert d["total_amount"] == "52.70"
    assert d["issue_date"] == "2019-05-08"
    assert d["buyer_tax_id"] is None
    assert d["items"][0] == {
        "name": "(详见销货清单)",
        "tax_category": None,
        "spec": None,
        "unit": None,
        "quantity": None,
        "unit_price": None,
        "amount": "46.62",
        "tax_rate": "0.13",
        "tax_amount": "6.08",
    }
    assert "tax_status" not in d
    extra = _tianjin().to_schema_dict(extra=True)
    assert extra["tax_status"] == "normal" and extra["is_red"] is False


def test_schema_dict_round_trip() -> None:
    inv = _tianjin()
    assert InvoiceData.from_schema_dict(inv.to_schema_dict()) == inv
    red = InvoiceData(
        invoice_number="25442000000127444519",
        total_amount=D("-1.00"),
        tax_status="red_full",
        original_invoice_number="25442000000127444518",
    )
    assert InvoiceData.from_schema_dict(red.to_schema_dict(extra=True)) == red


def test_schema_dict_validates_against_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA.exists():
        pytest.skip("shared schema not present")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    invoice_schema = {**schema["$defs"]["invoice"], "$defs": schema["$defs"]}
    d = _tianjin().to_schema_dict()
    d.update(confidence={}, sources={}, findings=[])
    jsonschema.validate(d, invoice_schema)


def test_from_schema_dict_is_tolerant() -> None:
    inv = InvoiceData.from_schema_dict(
        {
            "invoice_number": " 25442000000127444519 ",
            "issue_date": "2025年03月07日",
            "buyer_tax_id": "",
            "amount": "¥20,000.00",
            "tax_amount": 1800,
            "total_amount": 21800.0,
            "tax_status": "已红冲-部分",
            "items": [{"name": "*建筑服务*施工", "tax_rate": "9%", "amount": "20000"}],
        }
    )
    assert inv.invoice_number == "25442000000127444519"
    assert inv.issue_date == datetime.date(2025, 3, 7)
    assert inv.buyer_tax_id is None
    assert (inv.amount, inv.tax_amount, inv.total_amount) == (D("20000"), D("1800"), D("21800"))
    assert inv.tax_status == "red_partial"
    item = inv.items[0]
    assert item.tax_category == "建筑服务"  # derived from the name when absent
    assert item.tax_rate == "0.09" and item.amount == D("20000.00")
    assert InvoiceData.from_schema_dict({}) == InvoiceData()


def test_from_schema_dict_keeps_unknown_status_text() -> None:
    assert InvoiceData.from_schema_dict({"tax_status": "失控"}).tax_status == "失控"


def test_from_schema_dict_names_the_bad_money_field() -> None:
    with pytest.raises(MoneyFormatError, match="tax_amount"):
        InvoiceData.from_schema_dict({"tax_amount": "十三元"})


@pytest.mark.skipif(not LABELS.exists(), reason="shared samples not present")
def test_sample_labels_load() -> None:
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    for name, label in labels.items():
        if name.startswith("_") or "invoice_number" not in label:
            continue
        inv = InvoiceData.from_schema_dict(label)
        out = inv.to_schema_dict()
        for key in ("invoice_number", "issue_date", "amount", "total_amount", "seller_tax_id"):
            if key in label:
                assert out[key] == label[key], (name, key)


def test_red_derived_from_negative_amounts() -> None:
    assert InvoiceData(total_amount=D("-52.70")).is_red
    assert InvoiceData(amount=D("-1")).is_red_invoice
    assert not InvoiceData(total_amount=D("52.70")).is_red
    assert InvoiceData(is_red=True).is_red_invoice
    inv = InvoiceData()
    inv.total_amount = D("-3")  # set after construction
    assert inv.is_red_invoice


SHUDIAN_RED = "被红冲蓝字数电发票号码：25442000000127444519 红字发票信息确认单编号：1"
OLD_RED = (
    "开具红字增值税专用发票信息表编号 1101202300001234 对应正数发票代码：1100094140 号码：87654321"
)
Original = tuple[str | None, str] | None


@pytest.mark.parametrize(
    ("remarks", "original"),
    [
        (SHUDIAN_RED, (None, "25442000000127444519")),
        ("对应正数发票代码:011001600111号码:12345678", ("011001600111", "12345678")),
        (OLD_RED, ("1100094140", "87654321")),
        ("项目：办公用品", None),
        (None, None),
    ],
)
def test_find_original_invoice(remarks: str | None, original: Original) -> None:
    assert find_original_invoice(remarks) == original


money = st.none() | st.integers(-(10**12), 10**12).map(lambda c: D(c) / 100)
text = st.none() | st.text(min_size=1, max_size=8).map(str.strip).filter(bool)


@given(money, money, money, text, text, st.none() | st.dates())
def test_schema_round_trip_property(
    amount: Decimal | None,
    tax: Decimal | None,
    total: Decimal | None,
    seller: str | None,
    remarks: str | None,
    date: datetime.date | None,
) -> None:
    inv = InvoiceData(
        amount=amount,
        tax_amount=tax,
        total_amount=total,
        seller_name=seller,
        remarks=remarks,
        issue_date=date,
    )
    assert InvoiceData.from_schema_dict(inv.to_schema_dict(extra=True)) == inv
