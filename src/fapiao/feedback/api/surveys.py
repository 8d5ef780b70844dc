"""Satisfaction surveys under /api/v1/feedback/surveys: send one, list mine, answer, and
read the results."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status as HttpStatus
from pydantic import Field

from fapiao.api.common import DbId, caller, id_path, problems
from fapiao.feedback import surveys
from fapiao.feedback.models import SurveyResponse

router = Router()
PROBLEMS = problems(401, 403, 404, 409)
SurveyId = id_path("调查 id")


class SurveyIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    question: str = Field(..., min_length=1, max_length=300)
    department_id: DbId | None = Field(None, description="留空：发给本组织全部用户")


class AnswerIn(Schema):
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)


@router.post(
    "/surveys",
    response={201: dict[str, Any], **PROBLEMS},
    summary="发起满意度调查（发给一个部门或全组织）",
)
def create_survey(request: HttpRequest, payload: SurveyIn) -> HttpStatus[dict[str, Any]]:
    user = caller(request)
    survey = surveys.send_survey(
        manager=user,
        title=payload.title,
        question=payload.question,
        department_id=payload.department_id,
    )
    return HttpStatus(201, surveys.survey_results(survey_id=survey.pk, user=user))


@router.get(
    "/surveys",
    response={200: list[dict[str, Any]], **PROBLEMS},
    summary="发给我的调查（待回答和已回答）",
)
def my_surveys(request: HttpRequest) -> list[dict[str, Any]]:
    rows = SurveyResponse.objects.filter(user=caller(request)).select_related("survey")
    return [
        {
            "id": r.survey_id,
            "title": r.survey.title,
            "question": r.survey.question,
            "answered": r.answered_at is not None,
            "score": r.score,
        }
        for r in rows.order_by("-survey__created_at")
    ]


@router.post(
    "/surveys/{survey_id}/answers",
    response={201: dict[str, Any], **PROBLEMS},
    summary="回答调查（每人一次）",
)
def answer(
    request: HttpRequest, payload: AnswerIn, survey_id: int = SurveyId
) -> HttpStatus[dict[str, Any]]:
    r = surveys.answer_survey(
        survey_id=survey_id, user=caller(request), score=payload.score, comment=payload.comment
    )
    return HttpStatus(201, {"id": r.survey_id, "answered": True, "score": r.score})


@router.get(
    "/surveys/{survey_id}/results",
    response={200: dict[str, Any], **PROBLEMS},
    summary="调查结果（客服和系统管理员）",
)
def results(request: HttpRequest, survey_id: int = SurveyId) -> dict[str, Any]:
    return surveys.survey_results(survey_id=survey_id, user=caller(request))
