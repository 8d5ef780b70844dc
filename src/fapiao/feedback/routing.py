"""Routing: rules by category and keywords pick a department; then the support agent of
that department with the fewest open tickets (any support agent when it has none)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from fapiao.accounts.models import Department, User
from fapiao.feedback.access import agents_of
from fapiao.feedback.models import OPEN_STATUSES, RoutingRule


@dataclass(frozen=True)
class Route:
    department: Department | None
    topic: str


def match_rule(*, organisation_id: int, category: str, text: str) -> Route:
    lowered = text.lower()
    rules = RoutingRule.objects.filter(organisation_id=organisation_id, active=True)
    for rule in rules.select_related("department").order_by("order", "pk"):
        if rule.category and rule.category != category:
            continue
        keywords = rule.keyword_list()
        if not keywords:
            return Route(rule.department, rule.name)
        hit = next((k for k in keywords if k.lower() in lowered), None)
        if hit is not None:
            return Route(rule.department, hit)
    return Route(None, "")


def least_loaded_agent(*, organisation_id: int, department: Department | None) -> User | None:
    """Ties go to the agent who has waited longest for a ticket (lowest id as last resort)."""
    candidates = agents_of(organisation_id)
    if department is not None and candidates.filter(department=department).exists():
        candidates = candidates.filter(department=department)
    ranked = candidates.annotate(
        load=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=OPEN_STATUSES))
    ).order_by("load", "pk")
    return ranked.first()
