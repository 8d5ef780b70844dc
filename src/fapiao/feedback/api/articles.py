"""Help centre articles under /api/v1/feedback/articles (the same search as the page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Path, Query, Router, Schema

from fapiao.api.common import caller, problems
from fapiao.feedback import selectors
from fapiao.feedback.errors import ArticleNotFound
from fapiao.feedback.models import Article

router = Router()
PROBLEMS = problems(401, 403, 404, 409)


class ArticleOut(Schema):
    slug: str
    title: str
    summary: str
    body: str
    url: str

    @staticmethod
    def resolve_url(article: Article) -> str:
        return reverse("help-article", args=[article.slug])


@router.get(
    "/articles",
    response={200: list[ArticleOut], **PROBLEMS},
    summary="帮助中心文章（可搜索）",
)
def list_articles(
    request: HttpRequest, q: str = Query("", max_length=200, description="搜索词")
) -> Any:
    return selectors.search_articles(caller(request), q)


@router.get("/articles/{slug}", response={200: ArticleOut, **PROBLEMS}, summary="帮助文章")
def get_article(
    request: HttpRequest, slug: str = Path(..., max_length=80, description="文章地址名")
) -> Article:
    article = selectors.visible_articles(caller(request)).filter(slug=slug).first()
    if article is None:
        raise ArticleNotFound()
    return article
