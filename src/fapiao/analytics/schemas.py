"""Request bodies and query strings of the analytics and budgets API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema


class SpendQuery(Schema):
    period: str | None = Field(None, description="2026（年）、2026-Q4（季度）或 2026-11（月）")
    date_from: dt.date | None = Field(None, description="开票日期起（含），YYYY-MM-DD；默认今年")
    date_to: dt.date | None = Field(None, description="开票日期止（含），YYYY-MM-DD")
    department: int | None = Field(None, description="部门编号")
    category: str | None = Field(None, description="支出类别，如 餐饮")
    seller: str | None = Field(None, description="销售方名称（包含）或税号（完全相同）")
    submitter: int | None = Field(None, description="提交人编号")


class SummaryQuery(SpendQuery):
    group_by: Literal[
        "category", "department", "seller", "submitter", "month", "quarter", "year"
    ] = "category"


class DrillQuery(SpendQuery):
    month: str | None = Field(None, description="只看这个月，YYYY-MM")
    limit: int = Field(100, ge=1, le=500)


class RuleIn(Schema):
    kind: Literal["seller", "keyword"]
    pattern: str = Field(..., description="销售方名称（或其中一段）/税号，或项目名称关键词")
    category: str
    priority: int = Field(100, description="越大越优先")
    is_active: bool = True


class CategoryIn(Schema):
    category: str | None = Field(..., description="类别；null 取消手工分类")
    position: int | None = Field(None, ge=1, description="明细行号；不填为整张发票")


class RecategoriseIn(Schema):
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class BudgetIn(Schema):
    name: str
    amount: Decimal = Field(..., gt=0, max_digits=18, decimal_places=2)
    period: Literal["month", "quarter", "year"] = "month"
    department_id: int | None = None
    category: str = ""
    thresholds: list[int] = Field([80, 100], description="提醒阈值（%）")
    is_active: bool = True


class BudgetPatch(Schema):
    name: str | None = None
    amount: Decimal | None = Field(None, gt=0, max_digits=18, decimal_places=2)
    period: Literal["month", "quarter", "year"] | None = None
    department_id: int | None = None
    category: str | None = None
    thresholds: list[int] | None = None
    is_active: bool | None = None
