"""Batch approval from the review queue: each invoice on its own, so one that needs an
override reason (or was just taken by someone else) is skipped with the reason."""

from __future__ import annotations

from typing import Any

from fapiao.accounts import permissions
from fapiao.accounts.models import User
from fapiao.errors import FapiaoError, PermissionDenied
from fapiao.invoices.scope import visible_invoices
from fapiao.review.machine import Action
from fapiao.review.services import apply_transition

NOT_FOUND = "没有找到这张发票，或您无权查看。"


def approve_many(*, actor: User, ids: list[int], comment: str = "") -> list[dict[str, Any]]:
    if not permissions.is_review_desk(actor):
        raise PermissionDenied("只有审核员、财务管理员和系统管理员可以批量审核发票。")
    found = visible_invoices(actor).in_bulk(list(dict.fromkeys(ids)))
    results: list[dict[str, Any]] = []
    for pk in dict.fromkeys(ids):
        invoice = found.get(pk)
        if invoice is None:
            results.append(
                {"id": pk, "ok": False, "code": "invoice_not_found", "detail": NOT_FOUND}
            )
            continue
        try:
            apply_transition(invoice=invoice, actor=actor, action=Action.APPROVE, comment=comment)
        except FapiaoError as exc:
            results.append({"id": pk, "ok": False, "code": exc.code, "detail": exc.detail})
        else:
            results.append({"id": pk, "ok": True, "status": invoice.status})
    return results
