"""Periodic satisfaction surveys: a manager sends one question to a group of users
(a department, or the whole organisation); each answers once with 1–5 and a comment."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone

from fapiao.accounts.models import Department, User
from fapiao.errors import PermissionDenied
from fapiao.feedback import notices
from fapiao.feedback.access import require_agent
from fapiao.feedback.errors import AlreadyRated, SurveyNotFound
from fapiao.feedback.models import Survey, SurveyResponse


def send_survey(
    *, manager: User, title: str, question: str, department_id: int | None = None
) -> Survey:
    org_id = require_agent(manager)
    users = User.objects.filter(organisation_id=org_id, is_active=True)
    if department_id is not None:
        if not Department.objects.filter(pk=department_id, organisation_id=org_id).exists():
            raise PermissionDenied("只能向本组织的部门发送调查。")
        users = users.filter(department_id=department_id)
    survey = Survey.objects.create(
        organisation_id=org_id,
        title=title,
        question=question,
        created_by=manager,
    )
    invited = list(users)
    SurveyResponse.objects.bulk_create(SurveyResponse(survey=survey, user=u) for u in invited)
    notices.survey(
        invited,
        title=title,
        link=reverse("feedback-survey", args=[survey.pk]),
        key=f"feedback:survey:{survey.pk}",
    )
    return survey


def answer_survey(*, survey_id: int, user: User, score: int, comment: str = "") -> SurveyResponse:
    response = SurveyResponse.objects.filter(survey_id=survey_id, user=user).first()
    if response is None:
        raise SurveyNotFound()
    if response.answered_at is not None:
        raise AlreadyRated("这份调查您已经回答过，每人只能回答一次。")
    if not 1 <= score <= 5:
        raise PermissionDenied("评分应为 1 到 5 分。")
    response.score = score
    response.comment = comment.strip()
    response.answered_at = timezone.now()
    response.save(update_fields=["score", "comment", "answered_at"])
    return response


def survey_results(*, survey_id: int, user: User) -> dict[str, Any]:
    org_id = require_agent(user)
    survey = Survey.objects.filter(pk=survey_id, organisation_id=org_id).first()
    if survey is None:
        raise SurveyNotFound()
    responses = survey.responses.all()
    agg = responses.filter(answered_at__isnull=False).aggregate(
        average=Avg("score"), answered=Count("pk")
    )
    by_department = (
        responses.filter(answered_at__isnull=False)
        .values("user__department__name")
        .annotate(average=Avg("score"), count=Count("pk"))
        .order_by("user__department__name")
    )
    return {
        "id": survey.pk,
        "title": survey.title,
        "question": survey.question,
        "invited": responses.count(),
        "answered": agg["answered"],
        "average": round(float(agg["average"]), 2) if agg["average"] else None,
        "by_department": [
            {
                "department": r["user__department__name"] or "（无部门）",
                "average": round(float(r["average"]), 2),
                "count": r["count"],
            }
            for r in by_department
        ],
        "comments": [
            r.comment for r in responses.filter(answered_at__isnull=False).exclude(comment="")
        ],
    }
