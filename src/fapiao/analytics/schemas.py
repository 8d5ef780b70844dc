"""Request bodies and query strings of the analytics and budgets API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import WithJsonSchema

from fapiao.api.common import DbId, Percent

# A budget: more than zero, to the fen, within DecimalField(max_digits=18).
Amount = Annotated[
    Decimal,
    Field(gt=0, max_digits=18, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0},
                {"type": "string", "maxLength": 20, "examples": ["5000.00"]},
            ]
        }
    ),
]
PERIOD = Field(None, max_length=10, description="2026（年）、2026-Q4（季度）或 2026-11（月）")


class SpendQuery(Schema):
    period: str | None = PERIOD
    date_from: dt.date | None = Field(None, description="开票日期起（含），YYYY-MM-DD；默认今年")
    date_to: dt.date | None = Field(None, description="开票日期止（含），YYYY-MM-DD")
    department: DbId | None = Field(None, description="部门编号")
    category: str | None = Field(None, max_length=40, description="支出类别，如 餐饮")
    seller: str | None = Field(
        None, max_length=200, description="销售方名称（包含）或税号（完全相同）"
    )
    submitter: DbId | None = Field(None, description="提交人编号")


class SummaryQuery(SpendQuery):
    group_by: Literal[
        "category", "department", "seller", "submitter", "month", "quarter", "year"
    ] = "category"


class DrillQuery(SpendQuery):
    month: str | None = Field(None, max_length=7, description="只看这个月，YYYY-MM")
    limit: int = Field(100, ge=1, le=500)


class RuleIn(Schema):
    kind: Literal["seller", "keyword"]
    pattern: str = Field(
        ..., max_length=200, description="销售方名称（或其中一段）/税号，或项目名称关键词"
    )
    category: str = Field(..., max_length=40)
    priority: int = Field(100, ge=-(2**31), le=2**31 - 1, description="越大越优先")
    is_active: bool = True


class CategoryIn(Schema):
    category: str | None = Field(..., max_length=40, description="类别；null 取消手工分类")
    position: int | None = Field(None, ge=1, le=10000, description="明细行号；不填为整张发票")


class RecategoriseIn(Schema):
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class BudgetIn(Schema):
    name: str = Field(..., max_length=100)
    amount: Amount
    period: Literal["month", "quarter", "year"] = "month"
    department_id: DbId | None = None
    category: str = Field("", max_length=40)
    thresholds: list[Percent] = Field([80, 100], max_length=10, description="提醒阈值（%）")
    is_active: bool = True


class BudgetPatch(Schema):
    name: str | None = Field(None, max_length=100)
    amount: Amount | None = None
    period: Literal["month", "quarter", "year"] | None = None
    department_id: DbId | None = None
    category: str | None = Field(None, max_length=40)
    thresholds: list[Percent] | None = Field(None, max_length=10)
    is_active: bool | None = None
