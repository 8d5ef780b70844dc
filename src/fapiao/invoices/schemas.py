"""Request and response schemas of the invoices API.

Field names follow the extract schema (/work/shared/extract-output.schema.json `$defs/invoice`)
so a reader's output can be posted as is. Money travels as strings ("1234.50") and is parsed
with fapiao.core.money.parse_money, which also accepts "¥1,234.50"; every validation message
is Chinese because it reaches a person through the problem+json `errors` list.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import (
    BeforeValidator,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from fapiao.api.common import DbId
from fapiao.core.invoice import InvoiceData, LineItemData
from fapiao.core.money import MoneyFormatError, parse_money
from fapiao.invoices.models import Invoice, ReviewStatus, TaxStatus
from fapiao.invoices.selectors import InvoiceFilter
from fapiao.invoices.services import MONEY_FIELDS, TEXT_FIELDS

# The error type problems.py reads the Chinese message of, instead of a generic one.
ERROR_TYPE = "fapiao"
MONEY_LIMIT = Decimal(10) ** 16  # DecimalField(max_digits=18, decimal_places=2)
MONEY_TEXT_MAX = 40  # "¥1,234,567,890,123,456.78" and some spaces
REMARKS_MAX = 2000  # 备注 (a TextField): printed invoices hold far less
ITEMS_MAX = 2000  # line items of one invoice (a 清单 runs to a few hundred)
CHOICES_MAX = 20  # values of one repeatable filter
TYPE_MESSAGES = {
    "string_type": "应为文字",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "enum": "取值无效",
}
FRACTION = re.compile(r"[.．](\d+)")
CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*$")


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError(ERROR_TYPE, message)


def to_money(value: Any) -> Decimal | None:
    """'¥1,234.50', '1234.5', 12, Decimal -> Decimal with two places; '' and None -> None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and len(value) > MONEY_TEXT_MAX:
        raise _fail(f"内容过长（最多 {MONEY_TEXT_MAX} 个字符）")
    if isinstance(value, bool):
        raise _fail("应为金额，例如 1234.50")
    text = value if isinstance(value, int | Decimal | str) else str(value)
    # parse_money rounds to the fen; an API caller sending 12.345 made a mistake instead.
    fraction = FRACTION.search(str(text))
    if fraction and fraction.group(1)[2:].strip("0"):
        raise _fail("金额最多保留两位小数（精确到分）")
    try:
        parsed = parse_money(text)
    except MoneyFormatError as exc:
        raise _fail(f"{exc}") from None
    except (ValueError, ArithmeticError, TypeError):
        raise _fail("应为金额，例如 1234.50") from None
    if parsed is None:
        return None
    if abs(parsed) >= MONEY_LIMIT:
        raise _fail("金额过大，请检查是否多输了数字")
    return parsed


def to_date(value: Any) -> Any:
    """Accept 2025年03月07日 as printed on invoices; leave the ISO form to pydantic."""
    if isinstance(value, str):
        if not value.strip():
            return None
        match = CN_DATE.match(value)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise _fail("日期不存在，请检查年月日") from None
    return value


Money = Annotated[
    Decimal | None,
    BeforeValidator(to_money),
    WithJsonSchema(
        {"type": ["string", "null"], "maxLength": MONEY_TEXT_MAX, "examples": ["1234.50"]}
    ),
]
Date = Annotated[dt.date | None, BeforeValidator(to_date)]

# Copied onto InvoiceData besides issue_date, tax_status and items.
HEADER_FIELDS = (*TEXT_FIELDS, *MONEY_FIELDS)
TAX_STATUS_BY_LABEL = {label: value for value, label in TaxStatus.choices}


def to_tax_status(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return TAX_STATUS_BY_LABEL.get(value, value) or None
    return value


TaxStatusIn = Annotated[
    TaxStatus | None,
    BeforeValidator(to_tax_status),
    WithJsonSchema({"type": ["string", "null"], "enum": [*TaxStatus.values, None]}),
]


class LineItemIn(Schema):
    name: str = Field(..., min_length=1, max_length=300, description="如 *餐饮服务*餐费")
    tax_category: str | None = Field(None, max_length=60)
    spec: str | None = Field(None, max_length=100)
    unit: str | None = Field(None, max_length=20)
    quantity: str | None = Field(None, max_length=30)
    unit_price: str | None = Field(None, max_length=30)
    amount: Money = None
    tax_rate: str | None = Field(None, max_length=10, description="0.13；免税、不征税写汉字")
    tax_amount: Money = None


class InvoiceIn(Schema):
    """One invoice with the extract schema's field names; unknown fields are ignored."""

    invoice_type: str | None = Field(None, max_length=4, description="QR 类型代码，如 01 10 32")
    invoice_type_name: str | None = Field(None, max_length=60)
    invoice_code: str | None = Field(None, max_length=12, description="10 或 12 位；数电票为空")
    invoice_number: str | None = Field(None, max_length=20, description="8 位或 20 位")
    issue_date: Date = Field(None, description="YYYY-MM-DD")
    check_code: str | None = Field(None, max_length=20)
    region: str | None = Field(None, max_length=20)
    buyer_name: str | None = Field(None, max_length=200)
    buyer_tax_id: str | None = Field(None, max_length=20)
    seller_name: str | None = Field(None, max_length=200)
    seller_tax_id: str | None = Field(None, max_length=20)
    amount: Money = None
    tax_amount: Money = None
    total_amount: Money = None
    total_amount_cn: str | None = Field(None, max_length=100)
    remarks: str | None = Field(None, max_length=REMARKS_MAX)
    issuer: str | None = Field(None, max_length=50)
    items: list[LineItemIn] = Field([], max_length=ITEMS_MAX)
    tax_status: TaxStatusIn = None
    original_invoice_code: str | None = Field(None, max_length=12)
    original_invoice_number: str | None = Field(None, max_length=20)
    department_id: DbId | None = None

    @field_validator("items", mode="before")
    @classmethod
    def _null_items(cls, value: Any) -> Any:
        return [] if value is None else value

    def to_data(self) -> InvoiceData:
        """The pure invoice for the recording service (the same shape invoice_to_data makes)."""
        data = InvoiceData(
            issue_date=self.issue_date,
            tax_status=self.tax_status or TaxStatus.NORMAL,
            items=[LineItemData(**item.model_dump()) for item in self.items],
        )
        for name in HEADER_FIELDS:
            setattr(data, name, getattr(self, name))
        return data


class CorrectionIn(Schema):
    changes: dict[str, Any] = Field(
        ...,
        description='要更正的字段及新值，如 {"total_amount": "113.00"}；金额用字符串，'
        "日期用 YYYY-MM-DD",
    )
    reason: str = Field("", max_length=500, description="更正原因")


def _split(value: Any) -> list[str]:
    """Repeated parameters and comma lists both mean 'any of these'."""
    values = value if isinstance(value, list) else [value]
    return [part.strip() for v in values if v for part in str(v).split(",") if part.strip()]


Choice = Annotated[str, Field(max_length=20)]


class InvoiceQuery(Schema):
    # Longer than a real number or code: one typed with spaces, or a digit too many, is
    # still looked up (and the lookup diagnosis says which position is wrong).
    invoice_number: str | None = Field(None, max_length=40)
    invoice_code: str | None = Field(None, max_length=40)
    date_from: Date = Field(None, description="开票日期起（含），YYYY-MM-DD")
    date_to: Date = Field(None, description="开票日期止（含），YYYY-MM-DD")
    invoice_type: list[Choice] = Field(
        [], max_length=CHOICES_MAX, description="类型代码，可重复或用逗号分隔"
    )
    buyer: str | None = Field(
        None, max_length=200, description="购买方名称（包含）或税号（完全相同）"
    )
    seller: str | None = Field(
        None, max_length=200, description="销售方名称（包含）或税号（完全相同）"
    )
    amount_min: Money = Field(None, description="价税合计下限")
    amount_max: Money = Field(None, description="价税合计上限")
    tax_status: list[Choice] = Field(
        [], max_length=CHOICES_MAX, description=", ".join(TaxStatus.values)
    )
    status: list[Choice] = Field(
        [], max_length=CHOICES_MAX, description=", ".join(ReviewStatus.values)
    )
    department: DbId | None = Field(None, description="部门编号")
    category: str | None = Field(None, max_length=40)
    submitter: DbId | None = Field(None, description="提交人编号")
    region: str | None = Field(None, max_length=20)
    is_beijing: bool | None = None
    has_duplicates: bool | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any) -> Any:
        # Forms and hand-written URLs send `param=` for "no filter".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("invoice_type", mode="before")
    @classmethod
    def _types(cls, value: Any) -> list[str]:  # runs after _blank_is_absent
        return _split(value)

    @field_validator("tax_status", mode="before")
    @classmethod
    def _tax_status(cls, value: Any) -> list[str]:
        return _choices(_split(value), TaxStatus, "发票状态")

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> list[str]:
        return _choices(_split(value), ReviewStatus, "审核状态")

    def to_filter(self) -> InvoiceFilter:
        return InvoiceFilter(**self.model_dump())


def _choices(values: list[str], choices: type[TaxStatus | ReviewStatus], what: str) -> list[str]:
    by_label = {label: value for value, label in choices.choices}
    out = [by_label.get(v, v) for v in values]
    unknown = [v for v in out if v not in choices.values]
    if unknown:
        raise _fail(f"未知的{what}：{'、'.join(unknown)}；可用：{'、'.join(choices.values)}")
    return out


_TEXT: TypeAdapter[Any] = TypeAdapter(str | None)
_CHANGE_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    "issue_date": TypeAdapter(Date),
    "tax_status": TypeAdapter(TaxStatusIn),
    "amount": TypeAdapter(Money),
    "tax_amount": TypeAdapter(Money),
    "total_amount": TypeAdapter(Money),
}


def parse_changes(
    changes: dict[str, Any], *, correctable: Collection[str]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Turn JSON values of a correction into model values, collecting per-field errors.

    Fields that may not be corrected pass through untouched for the service to refuse.
    """
    parsed: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for name, value in changes.items():
        if name not in correctable:
            parsed[name] = value
            continue
        try:
            parsed[name] = _CHANGE_ADAPTERS.get(name, _TEXT).validate_python(value)
        except ValidationError as exc:
            err = exc.errors()[0]
            message = (
                err["msg"]
                if err["type"] == ERROR_TYPE
                else TYPE_MESSAGES.get(err["type"], "格式不正确")
            )
            errors.append({"field": name, "message": message})
            continue
        except (InvalidOperation, ValueError):
            errors.append({"field": name, "message": "格式不正确"})
            continue
        limit = getattr(Invoice._meta.get_field(name), "max_length", None) or (
            REMARKS_MAX if name == "remarks" else None
        )
        if isinstance(parsed[name], str) and limit and len(parsed[name].strip()) > limit:
            errors.append({"field": name, "message": f"内容过长（最多 {limit} 个字符）"})
    if "tax_status" in parsed and parsed["tax_status"] is None:
        errors.append({"field": "tax_status", "message": "发票状态不能为空"})
    return parsed, errors
