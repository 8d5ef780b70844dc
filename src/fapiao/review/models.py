"""The audit trail of the review workflow: append-only records of every status transition
and every tax status change seen while an invoice is in the workflow. Field corrections
are recorded by fapiao.invoices (FieldCorrection); history.py merges the three."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone

from fapiao.accounts.models import Organisation
from fapiao.invoices.models import Invoice


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Rows are written once; the audit trail is never edited through the ORM."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("审计记录只能追加，不能修改")

    def delete(self) -> NoReturn:
        raise TypeError("审计记录只能追加，不能删除")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("审计记录只能追加，不能删除")


class InvoiceEvent(AppendOnly):
    """What every record of the trail holds besides its invoice: organisation, who, when."""

    # Denormalised so the audit export of an organisation is one index range by time.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name="组织"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    # The name as it was, so the trail still reads right if the account is removed.
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        abstract = True


class Transition(InvoiceEvent):
    """One status change of one invoice: who, when, from -> to, and why."""

    # Kept with the invoice for its lifetime; invoices themselves are never deleted in use.
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="transitions", verbose_name="发票"
    )
    action = models.CharField("操作", max_length=16)
    from_status = models.CharField("原状态", max_length=16)
    to_status = models.CharField("新状态", max_length=16)
    comment = models.TextField("意见 / 原因", blank=True)
    override_reason = models.TextField("放行理由", blank=True)

    class Meta:
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["invoice", "created_at"], name="rev_tr_invoice"),
            models.Index(fields=["organisation", "created_at"], name="rev_tr_org_time"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.from_status} -> {self.to_status}"


class TaxStatusChange(InvoiceEvent):
    """The tax status of an invoice changed (voided, reversed…); flagged when under review."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="tax_status_changes", verbose_name="发票"
    )
    before = models.CharField("原发票状态", max_length=12)
    after = models.CharField("新发票状态", max_length=12)
    review_status = models.CharField("当时的审核状态", max_length=16)
    source = models.CharField("来源 / 原因", max_length=300, blank=True)
    flagged = models.BooleanField("已提醒审核员", default=False)

    class Meta:
        verbose_name = "发票状态变化"
        verbose_name_plural = "发票状态变化"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["invoice", "created_at"], name="rev_tax_invoice"),
            models.Index(fields=["organisation", "created_at"], name="rev_tax_org_time"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.before} -> {self.after}"
