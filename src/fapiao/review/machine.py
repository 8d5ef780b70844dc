"""The review state machine as a pure table: which action moves an invoice from which
status to which, and who may take it. No Django queries here; services.py enforces it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fapiao.invoices.models import ReviewStatus


class Action(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    RESUBMIT = "resubmit"
    WITHDRAW = "withdraw"
    REIMBURSE = "reimburse"


class Actor(StrEnum):
    """Who may take an action: the invoice's submitter, a reviewer of it, or finance."""

    SUBMITTER = "submitter"
    REVIEWER = "reviewer"
    FINANCE = "finance"


@dataclass(frozen=True)
class Rule:
    action: Action
    sources: frozenset[str]
    target: str
    actor: Actor
    label: str


S = ReviewStatus
RULES: dict[Action, Rule] = {
    r.action: r
    for r in (
        Rule(
            Action.SUBMIT, frozenset({S.PROCESSING}), S.PENDING_REVIEW, Actor.SUBMITTER, "提交审核"
        ),
        Rule(Action.APPROVE, frozenset({S.PENDING_REVIEW}), S.APPROVED, Actor.REVIEWER, "审核通过"),
        Rule(Action.RETURN, frozenset({S.PENDING_REVIEW}), S.RETURNED, Actor.REVIEWER, "退回"),
        Rule(
            Action.RESUBMIT, frozenset({S.RETURNED}), S.PENDING_REVIEW, Actor.SUBMITTER, "重新提交"
        ),
        Rule(
            Action.WITHDRAW,
            frozenset({S.PENDING_REVIEW, S.PROCESSING, S.RETURNED}),
            S.WITHDRAWN,
            Actor.SUBMITTER,
            "撤回",
        ),
        Rule(Action.REIMBURSE, frozenset({S.APPROVED}), S.REIMBURSED, Actor.FINANCE, "标记已报销"),
    )
}
# Actions whose comment is the reason the submitter reads: it may not be empty.
REASON_REQUIRED = frozenset({Action.RETURN})
# Actions that accept an invoice with errors or duplicates only with an override reason.
OVERRIDE_CHECKED = frozenset({Action.APPROVE})


def status_label(status: str) -> str:
    try:
        return str(ReviewStatus(status).label)
    except ValueError:
        return status


def parse_action(value: str) -> Action | None:
    try:
        return Action(value)
    except ValueError:
        return None


def target_of(action: Action, status: str) -> str | None:
    """The status `action` leads to from `status`, or None when it is not allowed there."""
    rule = RULES[action]
    return rule.target if status in rule.sources else None


def actions_from(status: str) -> list[Action]:
    return [a for a, rule in RULES.items() if status in rule.sources]
