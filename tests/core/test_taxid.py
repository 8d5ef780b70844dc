import pytest
from hypothesis import given
from hypothesis import strategies as st

from fapiao.core.taxid import (
    USCC_ALPHABET,
    TaxIdCheck,
    check_tax_id,
    is_valid_uscc,
    mask_bank_account,
    mask_personal_numbers,
    mask_tax_id,
    normalize_tax_id,
    uscc_check_char,
)

# Tax ids printed on the real sample invoices (DOMAIN.md samples/labels.json).
REAL_USCCS = [
    "91441702707782974C",
    "914400007556190127",
    "913710007062495888",
    "91370203MA3N3AR685",
    "91510000765055994P",
    "92510107MA634W4K90",
    "92510124MA6B1BBY1G",
    "91120222079642398Y",
]

first17 = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_codes_are_valid(code: str) -> None:
    assert is_valid_uscc(code)
    assert check_tax_id(code) == TaxIdCheck(valid=True, form="uscc18", message=None)


@pytest.mark.parametrize("prefix", ["A", "N", "Y"])
def test_codes_starting_a_n_y_are_valid(prefix: str) -> None:
    # stdnum.cn.uscc rejects these, although GB 32100 allows them.
    body = prefix + "1110000MB0000000"
    code = body + uscc_check_char(body)
    assert is_valid_uscc(code)
    assert check_tax_id(code).valid


def test_check_char_known_value() -> None:
    assert uscc_check_char("91441702707782974") == "C"
    assert uscc_check_char("91120222079642398") == "Y"


@pytest.mark.parametrize("bad", ["9144170270778297", "9144170270778297I4", ""])
def test_check_char_rejects_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        uscc_check_char(bad[:17] if len(bad) > 17 else bad)


def test_wrong_check_char() -> None:
    result = check_tax_id("91441702707782974D")
    assert not result.valid and result.form == "uscc18"
    assert result.message is not None and "校验位不正确" in result.message
    assert "91441702707782974D" in result.message


def test_forbidden_letters_are_named() -> None:
    result = check_tax_id("9144170270778297OC")
    assert not result.valid
    assert result.message is not None and "O" in result.message and "不使用的字符" in result.message


def test_normalize() -> None:
    assert normalize_tax_id(" ９１４４ 1702707782974c ") == "91441702707782974C"
    assert is_valid_uscc("91441702707782974c")
    assert check_tax_id("９１４４１７０２７０７７８２９７４Ｃ").valid


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("410305123456789", "old15"),
        ("11010867890123X", "old15"),
        ("11010519491231002", "individual17"),
        ("11010519491231002X12", "individual20"),
        ("11010519491231002312", "individual20"),
    ],
)
def test_older_forms_by_character_class(text: str, form: str) -> None:
    assert check_tax_id(text) == TaxIdCheck(valid=True, form=form, message=None)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("41030A123456789", "old15"),
        ("91330100TEST00001", "individual17"),  # sample synthetic-bad-taxids.pdf
        ("91440300TEST00002", "individual17"),
        ("1101051949123100AB12", "individual20"),
    ],
)
def test_older_forms_with_wrong_characters(text: str, form: str) -> None:
    result = check_tax_id(text)
    assert not result.valid and result.form == form
    assert result.message is not None and "格式不正确" in result.message


@pytest.mark.parametrize("text", ["9144170270778297", "1234567890", "9144170270778297412345"])
def test_other_lengths_name_the_length(text: str) -> None:
    result = check_tax_id(text)
    assert not result.valid and result.form is None
    assert result.message is not None and f"{len(text)}位" in result.message


def test_empty() -> None:
    result = check_tax_id("  ")
    assert not result.valid and result.message == "纳税人识别号为空。"


def test_mask_tax_id() -> None:
    assert mask_tax_id("91441702707782974C") == "9144**********974C"
    assert mask_tax_id("410305123456789") == "4103*******6789"
    assert mask_tax_id("12345678") == "********"
    assert mask_tax_id(None) == ""
    assert mask_tax_id("") == ""


def test_mask_bank_account() -> None:
    assert mask_bank_account("6222 0202 0001 2345 678") == "***************5678"
    assert mask_bank_account("1234") == "****"
    assert mask_bank_account(None) == ""


@given(first17)
def test_computed_check_char_makes_a_valid_code(body: str) -> None:
    code = body + uscc_check_char(body)
    assert is_valid_uscc(code)
    assert check_tax_id(code).valid


@given(first17, st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET))
def test_any_single_substitution_is_detected(body: str, position: int, replacement: str) -> None:
    code = body + uscc_check_char(body)
    if code[position] == replacement:
        return
    changed = code[:position] + replacement + code[position + 1 :]
    assert not is_valid_uscc(changed)


@given(st.text(max_size=25))
def test_mask_never_reveals_the_middle(text: str) -> None:
    masked = mask_tax_id(text)
    normalized = normalize_tax_id(text)
    assert len(masked) == len(normalized)
    if len(normalized) > 8:
        assert masked[4:-4] == "*" * (len(normalized) - 8)
    else:
        assert set(masked) <= {"*"}


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("购买方 11010519491231002X 不符", "购买方 1101**********002X 不符"),
        ("身份证号11010519491231002x。", "身份证号1101**********002X。"),
        ("seller 91110105MA00XYW12E,", "seller 9111**********W12E,"),
        ("账号6222020200112233445", "账号6222***********3445"),
        ("卡号 6222 0202 0011 2233 445 已停用", "卡号 ***************3445 已停用"),
        # what is not a personal number stays readable
        ("invoice 123 on 2026-03-07 12:00:00", "invoice 123 on 2026-03-07 12:00:00"),
        ("sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", None),
        ("CONTENT_SECURITY_POLICY and ABCDEFGHIJKLMNOP", None),
    ],
)
def test_personal_numbers_in_free_text_are_masked(text: str, masked: str | None) -> None:
    assert mask_personal_numbers(text) == (masked or text)


def test_uscc_repair_by_one_ocr_confusion() -> None:
    from fapiao.core.taxid import uscc_repairs

    good = "91110108586991066J"
    assert uscc_repairs(good) == []  # nothing to repair
    assert uscc_repairs("9111010858699IO66J") == []  # two misreads: not one substitution
    assert good in uscc_repairs("91110108586991O66J")  # O for 0: always a misread
    assert uscc_repairs("911101085869910") == []  # not 18 characters


def test_uscc_repair_never_picks_among_several() -> None:
    from fapiao.core.taxid import is_valid_uscc, uscc_repairs

    # Every candidate offered is valid; the caller flags when there is more than one.
    offered = 0
    for text in ("911101085512345B72", "9111O1085512345672", "91110108551234567Z",
                 "911101085512345673", "91110108G512345672"):  # fmt: skip
        repairs = uscc_repairs(text)
        offered += len(repairs)
        assert all(is_valid_uscc(r) and r[2:8].isdigit() for r in repairs)
        assert all(sum(a != b for a, b in zip(r, text, strict=True)) == 1 for r in repairs)
    assert offered >= 3
