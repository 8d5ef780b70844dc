"""帮助中心 pages: the searchable article list (the whole page, or only the list for htmx),
one article, and the articles suggested beside the 反馈 dialog while the user types."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fapiao.feedback import selectors
from fapiao.feedback.conf import support_address
from fapiao.feedback.errors import ArticleNotFound
from fapiao.web.http import page_or_fragment, user_of


@login_required
def help_centre(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    articles = selectors.search_articles(user_of(request), q)
    context = {"nav": "help", "q": q, "articles": articles, "support": support_address()}
    return page_or_fragment(
        request, page="feedback/help.html", fragment="feedback/_article_list.html", context=context
    )


@login_required
def help_article(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.visible_articles(user_of(request)).filter(slug=slug).first()
    if article is None:
        raise ArticleNotFound()
    return render(request, "feedback/article.html", {"nav": "help", "article": article})


@login_required
def suggest(request: HttpRequest) -> HttpResponse:
    """Articles beside the feedback form while the user types (htmx)."""
    text = (request.GET.get("subject", "") + " " + request.GET.get("body", ""))[:300]
    articles = selectors.search_articles(user_of(request), text, limit=4) if text.strip() else []
    return render(request, "feedback/_suggestions.html", {"articles": articles})
