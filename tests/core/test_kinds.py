import pytest

from fapiao.core.kinds import (
    PLATFORM_TYPE_NAMES,
    QR_TYPE_NAMES,
    TAX_STATUSES,
    TaxStatus,
    is_shudian,
    is_special_vat,
    kind_from_name,
    kind_name,
    platform_to_qr,
    qr_to_platform,
)


def test_qr_type_names_cover_domain_list() -> None:
    assert set(QR_TYPE_NAMES) == {
        "01", "02", "03", "04", "08", "10", "11", "14", "15", "31", "32", "51", "61",
    }  # fmt: skip
    assert QR_TYPE_NAMES["31"] == "电子发票（增值税专用发票）"
    assert QR_TYPE_NAMES["10"] == "增值税电子普通发票"


@pytest.mark.parametrize(
    ("platform", "qr"),
    [("81", "31"), ("82", "32"), ("51", "51"), ("61", "61"), ("85", "01"), ("86", "04")],
)
def test_platform_and_qr_map_both_ways(platform: str, qr: str) -> None:
    assert platform_to_qr(platform) == qr
    assert qr_to_platform(qr) == platform


def test_lossy_directions() -> None:
    assert platform_to_qr("83") == "03"
    assert platform_to_qr("84") == "15"
    # Paper 机动车/二手车 QR kinds are not the electronic platform kinds.
    assert qr_to_platform("03") is None
    assert qr_to_platform("15") is None
    for old_only in ("02", "08", "10", "11", "14"):
        assert qr_to_platform(old_only) is None
    assert platform_to_qr("99") is None
    assert set(PLATFORM_TYPE_NAMES) == {"51", "61", "81", "82", "83", "84", "85", "86"}


def test_spreadsheet_single_digit_codes_are_padded() -> None:
    assert kind_name("1") == "增值税专用发票"
    assert qr_to_platform(" 4 ") == "86"


def test_kind_name() -> None:
    assert kind_name("32") == "电子发票（普通发票）"
    assert kind_name(None) is None
    assert kind_name("99") is None


@pytest.mark.parametrize("code", ["01", "02", "08", "31"])
def test_special_vat(code: str) -> None:
    assert is_special_vat(code)


@pytest.mark.parametrize("code", ["03", "04", "10", "11", "14", "15", "32", "51", "61", None])
def test_not_special_vat(code: str | None) -> None:
    assert not is_special_vat(code)


def test_shudian() -> None:
    assert all(is_shudian(c) for c in ("31", "32", "51", "61"))
    assert not any(is_shudian(c) for c in ("01", "04", "10", "08", None))


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("电子发票（增值税专用发票）", "31"),
        ("电子发票(增值税专用发票)", "31"),
        ("电子发票（普通发票）", "32"),
        ("电子发票 ( 普通发票 )", "32"),
        ("北京增值税电子普通发票", "10"),
        ("天津增值税电子普通发票", "10"),
        ("增值税专用发票", "01"),
        ("北京增值税专用发票 发票联", "01"),
        ("广东增值税普通发票", "04"),
        ("增值税电子专用发票", "08"),
        ("增值税电子普通发票（通行费）", "14"),
        ("增值税普通发票（卷式）", "11"),
        ("机动车销售统一发票", "03"),
        ("二手车销售统一发票", "15"),
        ("货物运输业增值税专用发票", "02"),
        ("电子发票（铁路电子客票）", "51"),
        ("电子发票（航空运输电子客票行程单）", "61"),
    ],
)
def test_kind_from_name(title: str, code: str) -> None:
    assert kind_from_name(title) == code


@pytest.mark.parametrize("title", ["", "收据", "定额发票", "出租汽车发票"])
def test_kind_from_name_unknown(title: str) -> None:
    assert kind_from_name(title) is None


def test_tax_status_labels() -> None:
    assert TaxStatus.NORMAL == "normal"
    assert TaxStatus.NORMAL.label == "正常"
    assert TaxStatus.VOIDED.label == "已作废"
    assert TaxStatus.RED_FULL.label == "已红冲-全额"
    assert TaxStatus.RED_PARTIAL.label == "已红冲-部分"
    assert set(TAX_STATUSES) == {s.value for s in TaxStatus}


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("正常", TaxStatus.NORMAL),
        (" 正常 ", TaxStatus.NORMAL),
        ("normal", TaxStatus.NORMAL),
        ("作废", TaxStatus.VOIDED),
        ("已作废", TaxStatus.VOIDED),
        ("已红冲-全额", TaxStatus.RED_FULL),
        ("已红冲－全额", TaxStatus.RED_FULL),
        ("全额红冲", TaxStatus.RED_FULL),
        ("已全额红冲", TaxStatus.RED_FULL),
        ("red_full", TaxStatus.RED_FULL),
        ("已红冲-部分", TaxStatus.RED_PARTIAL),
        ("部分红冲", TaxStatus.RED_PARTIAL),
        ("已红冲（部分）", TaxStatus.RED_PARTIAL),
        ("RED_PARTIAL", TaxStatus.RED_PARTIAL),
    ],
)
def test_tax_status_from_label(text: str, status: TaxStatus) -> None:
    assert TaxStatus.from_label(text) is status


@pytest.mark.parametrize("text", ["", "失控", "已红冲", "unknown", None])
def test_tax_status_from_label_unknown(text: str | None) -> None:
    # A bare 已红冲 does not say full or partial, so it is not guessed.
    assert TaxStatus.from_label(text) is None
