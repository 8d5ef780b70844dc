"""Reads of fapiao.feedback: ticket lists (requester's and the desk's), attachments,
help-centre search and suggestions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fapiao.accounts.models import User
from fapiao.feedback.access import is_agent, visible_tickets
from fapiao.feedback.deadlines import overdue
from fapiao.feedback.errors import AttachmentNotFound
from fapiao.feedback.models import OPEN_STATUSES, Article, Attachment, Category, Ticket


def ticket_list(
    user: User,
    *,
    status: str = "",
    category: str = "",
    queue: str = "",
    q: str = "",
    before: int | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Ticket]:
    """`queue` (agents): mine / unassigned / open / overdue."""
    qs = visible_tickets(user).select_related("requester", "assignee", "department")
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if queue and is_agent(user):
        if queue == "mine":
            qs = qs.filter(assignee=user, status__in=OPEN_STATUSES)
        elif queue == "unassigned":
            qs = qs.filter(assignee__isnull=True, status__in=OPEN_STATUSES)
        elif queue == "open":
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif queue == "overdue":
            qs = overdue(qs, now or timezone.now())
    if q.strip():
        term = q.strip()
        qs = qs.filter(Q(number__icontains=term) | Q(subject__icontains=term))
    if before:
        qs = qs.filter(pk__lt=before)
    return qs.order_by("-pk")


def get_attachment(user: User, attachment_id: int) -> Attachment:
    att = (
        Attachment.objects.select_related("ticket")
        .filter(pk=attachment_id, ticket__in=visible_tickets(user))
        .first()
    )
    if att is None or (att.internal and not is_agent(user)):
        raise AttachmentNotFound()
    return att


def visible_articles(user: User) -> QuerySet[Article]:
    qs = Article.objects.filter(published=True)
    org = getattr(user, "organisation_id", None)
    return qs.filter(Q(organisation__isnull=True) | Q(organisation_id=org))


def search_articles(user: User, q: str, *, limit: int = 20) -> list[Article]:
    """Articles matching any word of `q` in title, summary, keywords or body, best first.

    Chinese has no spaces, so a long query is also cut into 2-character pieces: "上传失败
    怎么办" finds the article whose keywords hold "上传" and "失败"."""
    articles = list(visible_articles(user))
    terms = _terms(q)
    if not terms:
        return articles[:limit]
    scored = []
    for article in articles:
        head = f"{article.title} {article.summary} {article.keywords}".lower()
        body = article.body.lower()
        score = sum(3 * (t in head) + (t in body) for t in terms)
        if score:
            scored.append((score, -article.order, article))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    return [a for _, _, a in scored[:limit]]


def _terms(q: str) -> list[str]:
    words = [w for w in q.lower().replace("，", " ").replace("。", " ").split() if w]
    terms: set[str] = set()
    for word in words:
        terms.add(word)
        if len(word) > 2 and not word.isascii():
            terms.update(word[i : i + 2] for i in range(len(word) - 1))
    return sorted(terms)


def suggestions(user: User, *, limit: int = 50) -> list[dict[str, Any]]:
    """Suggestions of the organisation ranked by how many users asked (author + votes)."""
    if user.organisation_id is None:
        return []
    qs = (
        Ticket.objects.filter(organisation_id=user.organisation_id, category=Category.SUGGESTION)
        .annotate(votes_count=Count("votes"))
        .order_by("-votes_count", "created_at")
    )
    voted = set(Ticket.objects.filter(votes__user=user).values_list("pk", flat=True))
    return [
        {
            "id": t.pk,
            "number": t.number,
            "subject": t.subject,
            "status": t.status,
            "status_label": t.get_status_display(),
            "askers": 1 + t.votes_count,
            "voted": t.pk in voted or t.requester_id == user.pk,
        }
        for t in qs[:limit]
    ]
