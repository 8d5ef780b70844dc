"""Who may do what, declared per route: the authorization matrix's expectations.

A rule names the roles that pass the route's gate, the object kind its address names
(if any) and which comes first when both refuse: "object" (the object is looked up in the
person's scope first: not found, 404) or "role" (the role is refused first: 403 whatever
the object); a route may also let a wider `gate` of roles reach the lookup and refuse
some of them after it (reviewers find a budget, only finance changes it). Which objects
of each kind a principal sees is the VISIBLE table. Every route of the URL conf and every
operation of the OpenAPI document must have a rule here (test_every_route_has_a_rule), so
a new route cannot go unexamined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fapiao.accounts.roles import Role

OK, LOGIN, FORBIDDEN, HIDDEN = "ok", "login", "forbidden", "hidden"
ANYONE = "anyone"  # no sign-in needed
OPERATOR = "operator"  # the installation's operator alone (the Django admin)

ALL = frozenset(Role.values)
REVIEW = frozenset({Role.REVIEWER, Role.FINANCE_ADMIN, Role.ADMIN})
FINANCE = frozenset({Role.FINANCE_ADMIN, Role.ADMIN})
SPENDING = frozenset({Role.REVIEWER, Role.FINANCE_ADMIN, Role.ADMIN})
DESK = frozenset({Role.SUPPORT_AGENT, Role.ADMIN})
ORG_ADMIN = frozenset({Role.ADMIN})
CORRECTORS = frozenset({Role.SUBMITTER, *REVIEW})  # a submitter: their own, before approval

WHOLE = frozenset({"a1", "a2"})
D1 = frozenset({"a1"})
NONE: frozenset[str] = frozenset()
ORG_WIDE = {"finance_admin": WHOLE, "support_agent": WHOLE, "admin": WHOLE}
ONLY_OWN = {"submitter": D1}

# Which objects each member sees (a1: A's first department / the submitter's own; a2: A's
# second department / a colleague's; b: organisation B's, which nobody of A ever sees).
VISIBLE: dict[str, dict[str, frozenset[str]]] = {
    "invoice": {**ONLY_OWN, "reviewer_d1": D1, "reviewer_all": WHOLE, **ORG_WIDE},
    # Following a file's reading: the uploader and org-wide roles.
    "document": {**ONLY_OWN, **ORG_WIDE},
    # Opening an original: also the reviewers of its invoice.
    "original": {**ONLY_OWN, "reviewer_d1": D1, "reviewer_all": WHOLE, **ORG_WIDE},
    "notification": ONLY_OWN,
    "api_token": ONLY_OWN,  # 我的 API 令牌: one's own tokens only
    "ticket": {**ONLY_OWN, "support_agent": WHOLE, "admin": WHOLE},
    "attachment": {**ONLY_OWN, "support_agent": WHOLE, "admin": WHOLE},
    "chat": {**ONLY_OWN, "support_agent": WHOLE, "admin": WHOLE},
    "suggestion": dict.fromkeys(("submitter", "reviewer_d1", "reviewer_all", *ORG_WIDE), D1),
    "article": dict.fromkeys(("submitter", "reviewer_d1", "reviewer_all", *ORG_WIDE), D1),
    # Surveys go to a department: a1 to D1 (submitter, reviewer_d1), a2 to D2 (the rest).
    "survey": {
        "submitter": D1,
        "reviewer_d1": D1,
        **dict.fromkeys(("reviewer_all", *ORG_WIDE), frozenset({"a2"})),
    },
    "survey_results": {"support_agent": WHOLE, "admin": WHOLE},
    "budget": {"reviewer_d1": D1, "reviewer_all": WHOLE, "finance_admin": WHOLE, "admin": WHOLE},
    "category_rule": dict.fromkeys(("submitter", "reviewer_d1", "reviewer_all", *ORG_WIDE), D1),
    **{
        kind: {"admin": WHOLE}
        for kind in ("member", "department", "routing_rule", "template", "maintenance")
    },
}


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str] | str
    obj: str | None = None
    first: str = "object"
    method: str = "GET"
    sees: str = ""  # the VISIBLE entry, when not the object kind itself
    fixed: str = ""  # the one answer whoever asks (a route that is the same for all)
    gate: frozenset[str] | None = None  # roles let through to the object lookup at all
    answers: dict[str, str] = field(default_factory=dict)  # a principal's own answer
    params: dict[str, str] = field(default_factory=dict)  # other parts of the address
    data: Any = None  # the body (JSON for the API, a form for pages); "@name": that user's id
    query: dict[str, str] = field(default_factory=dict)


def expected(rule: Rule, principal: str, variant: str) -> str:
    if principal in rule.answers:
        return rule.answers[principal]
    if rule.fixed:
        return rule.fixed
    if rule.roles == ANYONE:
        return OK
    if principal == "anonymous":
        return LOGIN
    if rule.roles == OPERATOR:
        # The admin sends everyone else to its own sign-in page.
        return OK if principal == "operator" else LOGIN
    if principal == "operator":
        # Outside every organisation: no organisation page or endpoint, but those named.
        return OK if OPERATOR in rule.roles else FORBIDDEN
    from tests.authz.world import ROLE

    role = ROLE[principal]
    role_ok = role in rule.roles
    if rule.obj is None:
        return OK if role_ok else FORBIDDEN
    gate = rule.gate if rule.gate is not None else rule.roles if rule.first == "role" else None
    if gate is not None and role not in gate:
        return FORBIDDEN
    if variant not in VISIBLE[rule.sees or rule.obj].get(principal, NONE):
        return HIDDEN
    return OK if role_ok else FORBIDDEN


def observed(status: int, location: str) -> str:
    if status == 401 or (status in (301, 302) and "/login/" in location):
        return LOGIN
    return {403: FORBIDDEN, 404: HIDDEN}.get(status, OK if status < 500 else f"error {status}")


def post(roles: frozenset[str] | str, obj: str | None = None, **kw: Any) -> Rule:
    return Rule(roles, obj, method="POST", **kw)


INVOICE = Rule(ALL, "invoice")
PAGES: dict[str, Rule] = {
    "login": Rule(ANYONE),
    # Signing out lands on the sign-in page, whoever asks.
    "logout": post(ANYONE, fixed=LOGIN),
    "home": Rule(ANYONE),  # a redirect: to the invoices, or the operator to the admin
    # The API's description is public; every operation it describes is not.
    "api-v1:openapi-json": Rule(ANYONE),
    "api-v1:openapi-view": Rule(ANYONE),
    "api-v1:api-root": Rule(ANYONE, fixed=HIDDEN),  # ninja's root: nothing there
    "api/docs": Rule(ANYONE),
    "system-status": Rule(ALL | {OPERATOR}),
    "invoice-list": Rule(ALL),
    "invoice-export": Rule(ALL, params={"fmt": "csv"}),
    "invoice-detail": INVOICE,
    "scan-upload": Rule(ALL),
    "scan-document": Rule(ALL, "document"),
    "scan-row": Rule(ALL, "document"),
    "scan-original": Rule(ALL, "document", sees="original"),
    "scan-preview": Rule(ALL, "document", sees="original"),
    "scan-confirm": INVOICE,
    "my-invoices": Rule(ALL),
    "review-queue": Rule(REVIEW),
    "review-batch": post(REVIEW, data={"ids": ["1"]}),
    "review-pane": Rule(REVIEW, "invoice", first="role"),
    "review-decide": post(REVIEW, "invoice", first="role", data={"action": "approve"}),
    "review-audit-export": Rule(FINANCE, params={"fmt": "csv"}),
    "review-panel": INVOICE,
    "review-act": post(ALL, "invoice", data={"action": "approve"}),
    "notifications": Rule(ALL),
    "notification-settings": Rule(ALL),
    "notification-badge": Rule(ALL),
    "notification-read-all": post(ALL),
    "notification-read": post(ALL, "notification"),
    "notification-open": post(ALL, "notification"),
    "api-tokens": Rule(ALL),
    "api-token-revoke": post(ALL, "api_token"),
    "lookup": Rule(ALL, query={"invoice_number": "12345678"}),
    "analytics-dashboard": Rule(FINANCE),
    "help-centre": Rule(ALL),
    "help-suggest": Rule(ALL, query={"q": "发票"}),
    "help-article": Rule(ALL, "article"),
    "feedback-submit": post(ALL, data={"category": "problem", "body": "matrix"}),
    "feedback-mine": Rule(ALL),
    "feedback-ticket": Rule(ALL, "ticket"),
    "feedback-ticket-action": post(
        ALL, "ticket", params={"action": "reply"}, data={"body": "matrix"}
    ),
    "feedback-attachment": Rule(ALL, "attachment"),
    "feedback-survey": Rule(ALL, "survey"),
    "feedback-desk": Rule(DESK),
    "feedback-desk-ticket": Rule(DESK, "ticket", first="role"),
    "feedback-reports": Rule(DESK),
    "feedback-chat": Rule(ALL),
    "chat-messages": Rule(ALL, "chat"),
    "chat-send": post(ALL, "chat", data={"body": "matrix"}),
    "chat-close": post(ALL, "chat"),
    "feedback-desk-chat": Rule(DESK),
    "feedback-desk-chat-session": Rule(DESK, "chat", first="role"),
    # 系统设置: the organisation's admin, on its own rows only.
    "orgadmin-home": Rule(ORG_ADMIN),
    "orgadmin-members": Rule(ORG_ADMIN),
    "orgadmin-member-new": Rule(ORG_ADMIN),
    "orgadmin-member": Rule(ORG_ADMIN, "member", first="role"),
    "orgadmin-member-password": post(ORG_ADMIN, "member", first="role", data={}),
    "orgadmin-departments": Rule(ORG_ADMIN),
    "orgadmin-department": Rule(ORG_ADMIN, "department", first="role"),
    "orgadmin-department-delete": post(ORG_ADMIN, "department", first="role"),
    "orgadmin-routing": Rule(ORG_ADMIN),
    "orgadmin-routing-new": Rule(ORG_ADMIN),
    "orgadmin-routing-rule": Rule(ORG_ADMIN, "routing_rule", first="role"),
    "orgadmin-routing-delete": post(ORG_ADMIN, "routing_rule", first="role"),
    "orgadmin-templates": Rule(ORG_ADMIN),
    "orgadmin-template-new": Rule(ORG_ADMIN),
    "orgadmin-template": Rule(ORG_ADMIN, "template", first="role"),
    "orgadmin-templates-delete": post(ORG_ADMIN, "template", first="role"),
    "orgadmin-maintenance": Rule(ORG_ADMIN),
    "orgadmin-maintenance-end": post(ORG_ADMIN, "maintenance", first="role"),
    "orgadmin-holidays": Rule(ORG_ADMIN),
}

# The Django admin: every route the installation operator's alone, but signing in and out;
# what the operator meets on a few of them is the admin's own answer, not a wall.
OPERATOR_REFUSED = Rule(OPERATOR, answers={"operator": FORBIDDEN})
ADMIN_EXCEPTIONS: dict[str, Rule] = {
    "admin:login": Rule(ANYONE),
    # Anyone may sign out; the operator then lands on the sign-in page.
    "admin:logout": post(ANYONE, answers={"operator": LOGIN}),
    # No admin field uses autocomplete: the view refuses every request.
    "admin:autocomplete": OPERATOR_REFUSED,
    # No admin model links to a page of the site.
    "admin:view_on_site": Rule(OPERATOR, answers={"operator": HIDDEN}),
    "admin/(?P<url>.*)$": Rule(OPERATOR, answers={"operator": HIDDEN}),  # no such page
    # The audit trail and the task results are read-only even to the operator.
    **{
        f"admin:{model}_{action}": OPERATOR_REFUSED
        for model in (
            "review_transition",
            "review_taxstatuschange",
            "django_tasks_database_dbtaskresult",
        )
        for action in ("add", "delete")
    },
}
