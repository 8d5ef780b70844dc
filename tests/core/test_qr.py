import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.qr import QrPayload, format_qr, parse_qr

OLD = "01,10,011001605111,80100798,64.9,20161018,85342965681116380258,XXXX"
SHUDIAN = "01,32,,24312000000136634917,0.01,20240514,,1DD6"


def test_old_style_e_invoice() -> None:
    assert parse_qr(OLD) == QrPayload(
        version="01",
        invoice_type="10",
        invoice_code="011001605111",
        invoice_number="80100798",
        amount=Decimal("64.90"),
        issue_date=datetime.date(2016, 10, 18),
        check_code="85342965681116380258",
        tail="XXXX",
        url=None,
        amount_is_total=False,
    )


def test_shudian_amount_is_total() -> None:
    payload = parse_qr(SHUDIAN)
    assert payload is not None
    assert payload.invoice_code is None and payload.check_code is None
    assert payload.invoice_number == "24312000000136634917"
    assert payload.amount == Decimal("0.01")
    assert payload.issue_date == datetime.date(2024, 5, 14)
    assert payload.tail == "1DD6"
    assert payload.amount_is_total


def test_special_vat_without_check_code() -> None:
    payload = parse_qr("01,01,1100094140,87654321,5999.00,20101118,,A1B2")
    assert payload is not None
    assert payload.check_code is None and not payload.amount_is_total
    assert payload.amount == Decimal("5999.00")


@pytest.mark.parametrize(
    "text",
    [
        OLD + ",",
        OLD + ",,",
        f"  {OLD}\n",
        OLD.replace(",", "，"),
        OLD.replace(",", " , "),
        "\ufeff" + OLD,
    ],
)
def test_tolerated_variants(text: str) -> None:
    assert parse_qr(text) == parse_qr(OLD)


def test_missing_tail_and_check_code() -> None:
    payload = parse_qr("01,10,011001605111,80100798,64.9,20161018")
    assert payload is not None
    assert payload.tail is None and payload.check_code is None
    assert payload.amount == Decimal("64.90")
    payload = parse_qr("01,10,011001605111,80100798,64.9,20161018,85342965681116380258")
    assert payload is not None and payload.tail is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello world",
        "https://example.com/",
        "https://example.com/?a=1",
        "01,10",
        "01,10,011001605111,80100798,abc,20161018,,XXXX",
        "01,10,011001605111,80100798,64.9,20161332,,XXXX",
        "01,10,0110016051,801007,64.9,20161018,,XXXX",
        "01,AB,011001605111,80100798,64.9,20161018,,XXXX",
        "01,10,011001605111,80100798,64.9,20161018,,XXXX,extra,fields",
        "WIFI:S:office;T:WPA;P:secret;;",
    ],
)
def test_not_invoice_qr(text: str) -> None:
    assert parse_qr(text) is None


def test_verification_url() -> None:
    url = (
        "https://inv-veri.chinatax.gov.cn/index.html?fpdm=011001605111&fphm=80100798"
        "&kprq=20161018&je=64.9&jym=85342965681116380258"
    )
    payload = parse_qr(url)
    assert payload is not None
    assert payload.url == url
    assert payload.invoice_code == "011001605111"
    assert payload.invoice_number == "80100798"
    assert payload.issue_date == datetime.date(2016, 10, 18)
    assert payload.amount == Decimal("64.90")
    assert payload.check_code == "85342965681116380258"
    assert not payload.amount_is_total


def test_shudian_url_amount_is_total() -> None:
    payload = parse_qr(
        "https://dppt.example.gov.cn/v?fphm=25442000000127444519&kprq=2025-03-07&jshj=21800.00"
    )
    assert payload is not None
    assert payload.invoice_code is None
    assert payload.issue_date == datetime.date(2025, 3, 7)
    assert payload.amount == Decimal("21800.00") and payload.amount_is_total


def test_format_qr_uses_issuer_amount_form() -> None:
    assert format_qr(parse_qr(OLD)) == OLD  # type: ignore[arg-type]
    assert format_qr(parse_qr(SHUDIAN)) == SHUDIAN  # type: ignore[arg-type]
    payload = parse_qr("01,04,1100094140,87654321,100.00,20101118,12345678901234567890,")
    assert payload is not None
    assert format_qr(payload) == "01,04,1100094140,87654321,100,20101118,12345678901234567890,"


dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31))
amounts = st.integers(min_value=0, max_value=10**12).map(lambda c: Decimal(c) / 100)


@st.composite
def payloads(draw: st.DrawFn) -> QrPayload:
    shudian = draw(st.booleans())
    kinds: list[str | None] = ["31", "32"] if shudian else ["01", "04", "10", "14", None]
    kind = draw(st.sampled_from(kinds))
    code = None if shudian else draw(st.from_regex(r"\A([0-9]{10}|[0-9]{12})\Z"))
    number = draw(st.from_regex(r"\A[0-9]{20}\Z" if shudian else r"\A[0-9]{8}\Z"))
    check = None if shudian else draw(st.none() | st.from_regex(r"\A[0-9]{20}\Z"))
    return QrPayload(
        version="01",
        invoice_type=kind,
        invoice_code=code,
        invoice_number=number,
        amount=draw(st.none() | amounts),
        issue_date=draw(st.none() | dates),
        check_code=check,
        tail=draw(st.none() | st.from_regex(r"\A[0-9A-F]{4}\Z")),
        amount_is_total=kind in ("31", "32"),
    )


@given(payloads())
def test_format_parse_round_trip(payload: QrPayload) -> None:
    text = format_qr(payload)
    assert parse_qr(text) == payload
    assert format_qr(parse_qr(text)) == text  # type: ignore[arg-type]
    assert text.count(",") == 7
