"""Satisfaction: the survey after a ticket is resolved, periodic surveys, and +1 votes on
suggestions."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from fapiao.accounts.models import Department, Organisation
from fapiao.feedback.models.tickets import Ticket

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Rating(models.Model):
    """The requester's rating of a resolved ticket. The agent, department and category are
    copied at rating time so that a later reassignment does not move the score."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="rating", verbose_name="工单"
    )
    score = models.PositiveSmallIntegerField("评分", validators=SCORE)
    comment = models.TextField("评价", blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="客服",
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="部门"
    )
    category = models.CharField("类别", max_length=12)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "满意度评价"
        verbose_name_plural = "满意度评价"

    def __str__(self) -> str:
        return f"{self.ticket.number}: {self.score}"


class Survey(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="surveys", verbose_name="组织"
    )
    title = models.CharField("标题", max_length=200)
    question = models.CharField("问题", max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="发起人",
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = "满意度调查"
        verbose_name_plural = "满意度调查"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class SurveyResponse(models.Model):
    """One invited user's answer (score empty until they answer)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name="调查"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="用户"
    )
    score = models.PositiveSmallIntegerField("评分", null=True, blank=True, validators=SCORE)
    comment = models.TextField("意见", blank=True)
    answered_at = models.DateTimeField("回答时间", null=True, blank=True)

    class Meta:
        verbose_name = "调查答复"
        verbose_name_plural = "调查答复"
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="uniq_survey_response")
        ]

    def __str__(self) -> str:
        return f"{self.survey} / {self.user}"


class SuggestionVote(models.Model):
    """ "+1": another user asks for the same suggestion."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="votes", verbose_name="建议"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="用户"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "建议附议"
        verbose_name_plural = "建议附议"
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="uniq_vote")]

    def __str__(self) -> str:
        return f"{self.ticket.number} +1"
