"""Help articles, reports and surveys under /api/v1/feedback (added to api.router)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status as HttpStatus
from pydantic import Field

from fapiao.accounts.models import User
from fapiao.core.workhours import BEIJING
from fapiao.feedback import reports, selectors, surveys
from fapiao.feedback.access import require_agent
from fapiao.feedback.errors import ArticleNotFound
from fapiao.feedback.models import Article, SurveyResponse
from fapiao.invoices.presenters import ProblemOut

router = Router(tags=["反馈与客服"])
PROBLEMS: dict[int, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut}


class ArticleOut(Schema):
    slug: str
    title: str
    summary: str
    body: str
    url: str


class SurveyIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    question: str = Field(..., min_length=1, max_length=300)
    department_id: int | None = Field(None, ge=1, description="留空：发给本组织全部用户")


class AnswerIn(Schema):
    score: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)


def _user(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _article(a: Article) -> dict[str, Any]:
    return {
        "slug": a.slug,
        "title": a.title,
        "summary": a.summary,
        "body": a.body,
        "url": f"/help/{a.slug}/",
    }


@router.get(
    "/articles",
    response={200: list[ArticleOut], **PROBLEMS},
    summary="帮助中心文章（可搜索）",
)
def list_articles(
    request: HttpRequest, q: str = Query("", max_length=200, description="搜索词")
) -> list[dict[str, Any]]:
    return [_article(a) for a in selectors.search_articles(_user(request), q)]


@router.get("/articles/{slug}", response={200: ArticleOut, **PROBLEMS}, summary="帮助文章")
def get_article(request: HttpRequest, slug: str) -> dict[str, Any]:
    article = selectors.visible_articles(_user(request)).filter(slug=slug).first()
    if article is None:
        raise ArticleNotFound()
    return _article(article)


@router.get(
    "/reports",
    response={200: dict[str, Any], **PROBLEMS},
    summary="反馈报表：数量、时效达标率、满意度、热点主题",
    description="按工单创建日期（北京时间，含首尾两天）统计本组织的工单；period 为 day / "
    "week / month。客服和系统管理员可用。",
)
def report(
    request: HttpRequest,
    since: dt.date | None = None,
    until: dt.date | None = None,
    period: str = Query("month", pattern="^(day|week|month)$"),
) -> dict[str, Any]:
    user = _user(request)
    require_agent(user)
    assert user.organisation_id is not None
    today = timezone.now().astimezone(BEIJING).date()
    until = until or today
    since = since or until - dt.timedelta(days=365)
    return reports.full_report(user.organisation_id, since, until, period)


@router.post(
    "/surveys",
    response={201: dict[str, Any], **PROBLEMS},
    summary="发起满意度调查（发给一个部门或全组织）",
)
def create_survey(request: HttpRequest, payload: SurveyIn) -> HttpStatus[dict[str, Any]]:
    user = _user(request)
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
    rows = SurveyResponse.objects.filter(user=_user(request)).select_related("survey")
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
def answer(request: HttpRequest, survey_id: int, payload: AnswerIn) -> HttpStatus[dict[str, Any]]:
    r = surveys.answer_survey(
        survey_id=survey_id, user=_user(request), score=payload.score, comment=payload.comment
    )
    return HttpStatus(201, {"id": r.survey_id, "answered": True, "score": r.score})


@router.get(
    "/surveys/{survey_id}/results",
    response={200: dict[str, Any], **PROBLEMS},
    summary="调查结果（客服和系统管理员）",
)
def results(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    return surveys.survey_results(survey_id=survey_id, user=_user(request))
