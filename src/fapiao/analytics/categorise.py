"""The spending category of an invoice and of each of its lines.

Order of precedence, for each line: a person's choice for that line; the organisation's
rules, highest priority first (a seller rule covers every line of that seller, a keyword
rule the lines whose item name holds the keyword); the default taxonomy (税收分类编码,
简称, words of the item name); 其他. The invoice belongs to the category of its largest
line (the foundation's rule), unless a person chose a category for the whole invoice.
Reports put each invoice wholly in that one category.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from fapiao.analytics.models import CategoryOverride, CategoryRule, RuleKind
from fapiao.core import taxonomy
from fapiao.invoices.models import Invoice, LineItem


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: str
    category: str
    priority: int

    def matches_seller(self, invoice: Invoice) -> bool:
        text = self.pattern.strip()
        if not text:
            return False
        return text.upper() == (invoice.seller_tax_id or "").upper() or text in (
            invoice.seller_name or ""
        )


def active_rules(organisation_id: int) -> list[Rule]:
    rows = CategoryRule.objects.filter(organisation_id=organisation_id, is_active=True)
    return [
        Rule(r.kind, r.pattern, r.category, r.priority) for r in rows.order_by("-priority", "id")
    ]


def custom_categories(organisation_id: int) -> frozenset[str]:
    """Category names an organisation uses beyond the default taxonomy."""
    names = set(
        CategoryRule.objects.filter(organisation_id=organisation_id).values_list(
            "category", flat=True
        )
    )
    names |= set(
        CategoryOverride.objects.filter(organisation_id=organisation_id).values_list(
            "category", flat=True
        )
    )
    return frozenset(names - set(taxonomy.DEFAULT_CATEGORIES))


def line_category(
    invoice: Invoice, line: LineItem, rules: Sequence[Rule], chosen: dict[int, str]
) -> tuple[str, str]:
    """(category, why) of one line; why is manual, rule or default."""
    if line.position in chosen:
        return chosen[line.position], "manual"
    for rule in rules:
        if rule.kind == RuleKind.SELLER and rule.matches_seller(invoice):
            return rule.category, "rule"
        if rule.kind == RuleKind.KEYWORD and rule.pattern and rule.pattern in line.name:
            return rule.category, "rule"
    return taxonomy.line_category(line), "default"


def invoice_category(
    invoice: Invoice,
    *,
    lines: Iterable[LineItem] | None = None,
    rules: Sequence[Rule] | None = None,
    overrides: Iterable[CategoryOverride] | None = None,
) -> tuple[str, str]:
    """(category, why) of a stored invoice; why is manual, rule or default."""
    rules = active_rules(invoice.organisation_id) if rules is None else rules
    if overrides is None:
        overrides = CategoryOverride.objects.filter(invoice_id=invoice.pk)
    chosen = {o.position: o.category for o in overrides}
    if None in chosen:
        return chosen[None], "manual"
    lines = list(invoice.items.all() if lines is None else lines)
    line_positions = {p: c for p, c in chosen.items() if p is not None}
    best = taxonomy.largest_line(lines)
    if best is not None:
        return line_category(invoice, best, rules, line_positions)
    for rule in rules:
        if rule.kind == RuleKind.SELLER and rule.matches_seller(invoice):
            return rule.category, "rule"
    # No lines (header-only data): the stored 简称, if any, still says something.
    return taxonomy.normalise(invoice.category), "default"


def recategorise(invoices: QuerySet[Invoice], *, batch: int = 2000) -> int:
    """Work out the category of every invoice in `invoices` again; returns how many changed.

    Batched so that a history of a million invoices needs bounded memory; rules are read
    once per organisation.
    """
    changed = 0
    rules_by_org: dict[int, list[Rule]] = {}
    last_id = 0
    while True:
        chunk = list(invoices.filter(pk__gt=last_id).order_by("pk")[:batch])
        if not chunk:
            return changed
        last_id = chunk[-1].pk
        ids = [inv.pk for inv in chunk]
        lines: dict[int, list[LineItem]] = {}
        for line in LineItem.objects.filter(invoice_id__in=ids):
            lines.setdefault(line.invoice_id, []).append(line)
        overrides: dict[int, list[CategoryOverride]] = {}
        for ovr in CategoryOverride.objects.filter(invoice_id__in=ids):
            overrides.setdefault(ovr.invoice_id, []).append(ovr)
        updates: dict[str, list[int]] = {}
        for inv in chunk:
            rules = rules_by_org.get(inv.organisation_id)
            if rules is None:
                rules = rules_by_org[inv.organisation_id] = active_rules(inv.organisation_id)
            category, _ = invoice_category(
                inv, lines=lines.get(inv.pk, []), rules=rules, overrides=overrides.get(inv.pk, [])
            )
            if category != inv.category:
                updates.setdefault(category, []).append(inv.pk)
        for category, pks in updates.items():
            # update(): no updated_at bump; a category is a reporting attribute, not an
            # edit of the invoice's data.
            Invoice.objects.filter(pk__in=pks).update(category=category)
            changed += len(pks)


def apply_choices(organisation_id: int, invoice_ids: list[int], *, created: bool) -> int:
    """Apply the organisation's rules and people's choices to invoices just stored
    (`created`) or corrected, which hold the default category already; how many changed.

    One query when the organisation has no active rule and the invoices are new (a new
    invoice has no manual choice yet): a bulk load of a million rows must not slow down.
    """
    if CategoryRule.objects.filter(organisation_id=organisation_id, is_active=True).exists():
        wanted = invoice_ids
    elif created:
        return 0
    else:
        chosen = CategoryOverride.objects.filter(invoice_id__in=invoice_ids)
        wanted = sorted(set(chosen.values_list("invoice_id", flat=True)))
    if not wanted:
        return 0
    return recategorise(Invoice.objects.filter(pk__in=wanted))
