"""REST endpoints of fapiao.analytics, mounted by fapiao.api.v1: `router` at /analytics,
`budgets_router` at /budgets. Each parses, authorises and calls one selector or service."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status

from fapiao.accounts import permissions
from fapiao.accounts.models import User
from fapiao.analytics import budgets, periods, selectors, services, summaries
from fapiao.analytics.categorise import custom_categories
from fapiao.analytics.dashboard import dashboard
from fapiao.analytics.export import report_xlsx
from fapiao.analytics.models import CategoryRule
from fapiao.analytics.schemas import (
    BudgetIn,
    BudgetPatch,
    CategoryIn,
    DrillQuery,
    RecategoriseIn,
    RuleIn,
    SpendQuery,
    SummaryQuery,
)
from fapiao.analytics.summaries import Query as SpendRequest
from fapiao.api.common import caller, download, fields_of, id_path
from fapiao.core import taxonomy
from fapiao.errors import PermissionDenied
from fapiao.invoices.exports import CONTENT_TYPES
from fapiao.invoices.selectors import get_invoice

router = Router(tags=["数据分析"])
budgets_router = Router(tags=["预算"])

InvoiceId = id_path("发票编号（id）")
RuleId = id_path("分类规则编号（id）")
BudgetId = id_path("预算编号（id）")


def _reader(request: HttpRequest) -> User:
    """Finance and admins read the whole organisation's spending, reviewers their scope's."""
    user = caller(request)
    if not permissions.may_read_spending(user):
        raise PermissionDenied("只有财务管理员、系统管理员和审核员可以查看支出分析。")
    return user


def spend_request(user: User, params: SpendQuery) -> SpendRequest:
    rng = periods.resolve(
        period=params.period,
        date_from=params.date_from,
        date_to=params.date_to,
        today=timezone.localdate(),
    )
    return SpendRequest(
        user=user,
        rng=rng,
        department=params.department,
        category=(params.category or "").strip() or None,
        seller=(params.seller or "").strip() or None,
        submitter=params.submitter,
    )


@router.get("/summary", summary="支出汇总（按类别、部门、销售方、提交人或期间）")
def summary(request: HttpRequest, params: Query[SummaryQuery]) -> dict[str, Any]:
    """只统计已审核和已报销的发票（设置 FAPIAO_ANALYTICS_INCLUDE_PENDING 可包含待审核）；
    红字发票冲减其原发票；作废发票和重复提交不计。金额为字符串。"""
    return summaries.summary(spend_request(_reader(request), params), params.group_by)


@router.get("/dashboard", summary="数据分析页面的全部数据")
def dashboard_data(request: HttpRequest, params: Query[SpendQuery]) -> dict[str, Any]:
    return dashboard(spend_request(_reader(request), params), today=timezone.localdate())


@router.get("/invoices", summary="某一块数字背后的发票（下钻）")
def drill(request: HttpRequest, params: Query[DrillQuery]) -> dict[str, Any]:
    if params.month:
        periods.parse_period(params.month)
    return selectors.drill_down(
        spend_request(_reader(request), params), month=params.month, limit=params.limit
    )


@router.get("/report.xlsx", summary="下载分析报表（XLSX）")
def report(request: HttpRequest, params: Query[SpendQuery]) -> HttpResponse:
    user = _reader(request)
    q = spend_request(user, params)
    data = dashboard(q, today=timezone.localdate())
    org = user.organisation.name if user.organisation else ""
    name = f"支出分析_{q.rng.start:%Y%m%d}-{q.rng.end:%Y%m%d}.xlsx"
    return download(report_xlsx(data, organisation=org), CONTENT_TYPES["xlsx"], name)


@router.get("/categories", summary="支出类别（默认分类和本组织自定义的）")
def categories(request: HttpRequest) -> dict[str, Any]:
    user = _reader(request)
    custom = sorted(custom_categories(user.organisation_id)) if user.organisation_id else []
    return {"default": list(taxonomy.DEFAULT_CATEGORIES), "custom": custom}


class RuleOut(Schema):
    id: int
    kind: str
    pattern: str
    category: str
    priority: int
    is_active: bool


def _rule_json(rule: CategoryRule) -> dict[str, Any]:
    return fields_of(RuleOut, rule, id=rule.pk)


@router.get("/category-rules", summary="分类规则")
def list_rules(request: HttpRequest) -> dict[str, Any]:
    user = _reader(request)
    rules = CategoryRule.objects.filter(organisation_id=services.org_id(user))
    return {
        "items": [_rule_json(r) for r in rules],
        "suggested": services.rule_suggestions(user.organisation_id or 0),
    }


@router.post("/category-rules", response={201: dict}, summary="新建分类规则")
def create_rule(request: HttpRequest, body: RuleIn) -> Status:
    rule = services.save_rule(user=caller(request), **body.dict())
    return Status(201, _rule_json(rule))


@router.put("/category-rules/{rule_id}", summary="修改分类规则")
def update_rule(request: HttpRequest, body: RuleIn, rule_id: int = RuleId) -> dict[str, Any]:
    user = caller(request)
    services.require_finance(user)
    rule = services.get_rule(user, rule_id)
    return _rule_json(services.save_rule(user=user, rule=rule, **body.dict()))


@router.delete("/category-rules/{rule_id}", response={204: None}, summary="删除分类规则")
def delete_rule(request: HttpRequest, rule_id: int = RuleId) -> Status:
    user = caller(request)
    services.require_finance(user)
    services.delete_rule(user=user, rule=services.get_rule(user, rule_id))
    return Status(204, None)


@router.post("/recategorise", response={202: dict}, summary="按当前规则重新分类历史发票")
def recategorise(request: HttpRequest, body: RecategoriseIn) -> Status:
    user = caller(request)
    org = services.require_finance(user)
    from fapiao.analytics.tasks import recategorise_history

    result = recategorise_history.enqueue(
        org,
        body.date_from.isoformat() if body.date_from else "",
        body.date_to.isoformat() if body.date_to else "",
    )
    return Status(
        202, {"task_id": str(result.id), "detail": "已开始重新分类，完成后报表自动更新。"}
    )


@router.put("/invoices/{invoice_id}/category", summary="手工指定发票（或某行明细）的类别")
def set_category(
    request: HttpRequest, body: CategoryIn, invoice_id: int = InvoiceId
) -> dict[str, Any]:
    user = caller(request)
    invoice = get_invoice(user, invoice_id)
    category = services.set_category(
        user=user, invoice=invoice, category=body.category, position=body.position
    )
    return {"invoice_id": invoice.pk, "category": category}


@router.get("/invoices/{invoice_id}/category-suggestions", summary="类别建议")
def category_suggestions(request: HttpRequest, invoice_id: int = InvoiceId) -> dict[str, Any]:
    user = _reader(request)
    return {"items": services.suggestions(get_invoice(user, invoice_id))}


# --- /api/v1/budgets -------------------------------------------------------------------


@budgets_router.get("", summary="预算及当前用量")
def list_budgets(request: HttpRequest) -> dict[str, Any]:
    user = caller(request)
    today = timezone.localdate()
    return {"items": budgets.statuses(list(budgets.visible_budgets(user)), today)}


@budgets_router.post("", response={201: dict}, summary="新建预算")
def create_budget(request: HttpRequest, body: BudgetIn) -> Status:
    user = caller(request)
    budget = services.save_budget(user=user, data=body.dict())
    return Status(201, budgets.status(budget, timezone.localdate()))


# Before /{budget_id}: that address would take "check" for an id (and answer 405).
@budgets_router.post("/check", summary="立即检查预算并发送到期的提醒")
def check(request: HttpRequest) -> dict[str, Any]:
    user = caller(request)
    services.require_finance(user)
    today = timezone.localdate()
    sent = budgets.evaluate_organisation(user.organisation_id or 0, today=today)
    return {"alerts_sent": sent}


@budgets_router.get("/{budget_id}", summary="一项预算及其用量（可指定日期所在期间）")
def get_budget(
    request: HttpRequest,
    budget_id: int = BudgetId,
    period: str | None = Query(None, max_length=10, description="2026-11、2026-Q4 或 2026"),
) -> dict[str, Any]:
    """`period`（如 2026-11、2026-Q4、2026）：查看该期间开始时所在预算期间的用量。"""
    budget = services.get_budget(caller(request), budget_id)
    day = periods.parse_period(period).end if period else timezone.localdate()
    return budgets.status(budget, day)


@budgets_router.patch("/{budget_id}", summary="修改预算")
def update_budget(
    request: HttpRequest, body: BudgetPatch, budget_id: int = BudgetId
) -> dict[str, Any]:
    user = caller(request)
    budget = services.get_budget(user, budget_id)
    budget = services.save_budget(user=user, budget=budget, data=body.dict(exclude_unset=True))
    return budgets.status(budget, timezone.localdate())


@budgets_router.delete("/{budget_id}", response={204: None}, summary="删除预算")
def delete_budget(request: HttpRequest, budget_id: int = BudgetId) -> Status:
    user = caller(request)
    services.delete_budget(user=user, budget=services.get_budget(user, budget_id))
    return Status(204, None)
