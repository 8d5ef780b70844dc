"""The API's operations (keyed as the OpenAPI document lists them) and who may call each;
see tests/authz/rules.py for what a rule says."""

from __future__ import annotations

from fapiao.accounts.roles import Role
from tests.authz.rules import (
    ALL,
    CORRECTORS,
    DESK,
    FINANCE,
    REVIEW,
    SPENDING,
    Rule,
)

V1 = "/api/v1"
TICKET = {"category": "problem", "body": "matrix"}


def _(method: str, path: str) -> str:
    return f"{method} {V1}{path}"


def _w(method: str, roles: frozenset[str], obj: str | None = None, **kw: object) -> Rule:
    return Rule(roles, obj, method=method, **kw)  # type: ignore[arg-type]


API: dict[str, Rule] = {
    _("POST", "/invoices/{invoice_id}/transitions"): _w(
        "POST", REVIEW, "invoice", data={"action": "approve", "override_reason": "矩阵"}
    ),
    _("GET", "/invoices/{invoice_id}/status"): Rule(ALL, "invoice"),
    _("GET", "/invoices/{invoice_id}/history"): Rule(ALL, "invoice"),
    _("POST", "/invoices/transitions/batch-approve"): _w("POST", REVIEW, data={"ids": [1]}),
    _("GET", "/invoices/audit/export"): Rule(
        FINANCE, query={"date_from": "2026-01-01", "date_to": "2026-01-31", "format": "csv"}
    ),
    _("POST", "/invoices"): _w("POST", ALL, data={"invoice_number": "12345678"}),
    _("GET", "/invoices"): Rule(ALL),
    _("GET", "/invoices/export"): Rule(ALL, query={"format": "csv"}),
    _("GET", "/invoices/{invoice_id}"): Rule(ALL, "invoice"),
    _("PATCH", "/invoices/{invoice_id}"): _w(
        "PATCH", CORRECTORS, "invoice", data={"changes": {"remarks": "矩阵"}, "reason": "矩阵"}
    ),
    _("GET", "/me"): Rule(ALL),
    _("POST", "/documents"): _w("POST", ALL, data="files"),
    _("GET", "/documents"): Rule(ALL),
    _("GET", "/documents/{document_id}"): Rule(ALL, "document"),
    _("GET", "/notifications"): Rule(ALL),
    _("POST", "/notifications/read-all"): _w("POST", ALL),
    _("GET", "/notifications/preferences"): Rule(ALL),
    _("PUT", "/notifications/preferences"): _w("PUT", ALL, data={"mobile": ""}),
    _("GET", "/notifications/{notification_id}"): Rule(ALL, "notification"),
    _("POST", "/notifications/{notification_id}/read"): _w("POST", ALL, "notification"),
    _("GET", "/lookup"): Rule(ALL, query={"invoice_number": "12345678"}),
    _("POST", "/lookup/verify/{invoice_id}"): _w("POST", ALL, "invoice"),
    _("GET", "/analytics/summary"): Rule(SPENDING),
    _("GET", "/analytics/dashboard"): Rule(SPENDING),
    _("GET", "/analytics/invoices"): Rule(SPENDING),
    _("GET", "/analytics/report.xlsx"): Rule(SPENDING),
    _("GET", "/analytics/categories"): Rule(SPENDING),
    _("GET", "/analytics/category-rules"): Rule(SPENDING),
    _("POST", "/analytics/category-rules"): _w(
        "POST", FINANCE, data={"kind": "seller", "pattern": "矩阵", "category": "办公用品"}
    ),
    _("PUT", "/analytics/category-rules/{rule_id}"): _w(
        "PUT",
        FINANCE,
        "category_rule",
        first="role",
        data={"kind": "seller", "pattern": "矩阵", "category": "办公用品"},
    ),
    _("DELETE", "/analytics/category-rules/{rule_id}"): _w(
        "DELETE", FINANCE, "category_rule", first="role"
    ),
    _("POST", "/analytics/recategorise"): _w("POST", FINANCE, data={}),
    _("PUT", "/analytics/invoices/{invoice_id}/category"): _w(
        "PUT", FINANCE, "invoice", data={"category": "办公用品"}
    ),
    _("GET", "/analytics/invoices/{invoice_id}/category-suggestions"): Rule(
        SPENDING, "invoice", first="role"
    ),
    _("GET", "/budgets"): Rule(SPENDING),
    _("POST", "/budgets"): _w("POST", FINANCE, data={"name": "矩阵", "amount": "100"}),
    _("GET", "/budgets/{budget_id}"): Rule(SPENDING, "budget", first="role"),
    # Reviewers find their departments' budgets; only finance changes them.
    _("PATCH", "/budgets/{budget_id}"): _w(
        "PATCH", FINANCE, "budget", gate=SPENDING, data={"name": "矩阵"}
    ),
    _("DELETE", "/budgets/{budget_id}"): _w("DELETE", FINANCE, "budget", gate=SPENDING),
    _("POST", "/budgets/check"): _w("POST", FINANCE),
    _("POST", "/feedback/tickets"): _w("POST", ALL, data=TICKET),
    _("GET", "/feedback/tickets"): Rule(ALL),
    _("GET", "/feedback/tickets/{ticket_id}"): Rule(ALL, "ticket"),
    _("POST", "/feedback/tickets/{ticket_id}/replies"): _w(
        "POST", ALL, "ticket", data={"body": "矩阵"}
    ),
    _("POST", "/feedback/tickets/{ticket_id}/transitions"): _w(
        "POST", ALL, "ticket", data={"to": "closed"}
    ),
    _("POST", "/feedback/tickets/{ticket_id}/assignment"): _w(
        "POST", DESK, "ticket", first="role", data={"assignee_id": "@support_agent"}
    ),
    _("POST", "/feedback/tickets/{ticket_id}/priority"): _w(
        "POST", DESK, "ticket", first="role", data={"priority": "high"}
    ),
    # Only the requester rates (the desk sees the ticket but may not).
    _("POST", "/feedback/tickets/{ticket_id}/rating"): _w(
        "POST", frozenset({Role.SUBMITTER}), "ticket", data={"score": 5}
    ),
    _("POST", "/feedback/tickets/{ticket_id}/attachments"): _w("POST", ALL, "ticket", data="files"),
    _("GET", "/feedback/attachments/{attachment_id}"): Rule(ALL, "attachment"),
    _("GET", "/feedback/suggestions"): Rule(ALL),
    _("POST", "/feedback/suggestions/{ticket_id}/votes"): _w("POST", ALL, "suggestion"),
    _("GET", "/feedback/articles"): Rule(ALL),
    _("GET", "/feedback/articles/{slug}"): Rule(ALL, "article"),
    _("GET", "/feedback/reports"): Rule(DESK),
    _("POST", "/feedback/surveys"): _w("POST", DESK, data={"title": "矩阵", "question": "?"}),
    _("GET", "/feedback/surveys"): Rule(ALL),
    _("POST", "/feedback/surveys/{survey_id}/answers"): _w(
        "POST", ALL, "survey", data={"score": 5}
    ),
    _("GET", "/feedback/surveys/{survey_id}/results"): Rule(
        DESK, "survey", first="role", sees="survey_results"
    ),
}
