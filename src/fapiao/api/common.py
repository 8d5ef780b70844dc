"""What every endpoint module needs: the caller, id parameters within the database's
bounds, the problem+json responses to document, paging by id and file downloads.

Imports ninja, the user model and fapiao.web.http (the one implementation of ids and
downloads that pages and endpoints share); each app's api.py imports this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, TypeVar, cast

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Path, Query, Schema
from pydantic import Field

from fapiao.accounts import permissions
from fapiao.accounts.models import User
from fapiao.errors import PermissionDenied
from fapiao.web.http import MAX_ID, download, download_file

NOT_A_MEMBER = (
    "这个账号不属于任何组织（如安装运维账号），不能调用组织的接口：请用组织成员的账号或令牌。"
)

__all__ = [
    "MAX_ID",
    "DbId",
    "Percent",
    "ProblemOut",
    "before_page",
    "before_query",
    "caller",
    "download",
    "download_file",
    "fields_of",
    "id_path",
    "problems",
]

M = TypeVar("M", bound=Model)

# Bounded values for query strings and bodies: a value out of range is a 422 naming the
# field, never a database error (tests/api/test_bad_values.py walks the OpenAPI document
# and requires a bound on every integer and string).
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]  # a row's id (BIGINT)
Percent = Annotated[int, Field(ge=1, le=1000)]


class ProblemOut(Schema):
    """An RFC 9457 problem (fapiao.api.problems writes them)."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    instance: str
    errors: list[dict[str, str]] | None = None
    existing_id: int | None = None


def problems(*statuses: int) -> dict[int, Any]:
    """The error answers an endpoint documents, each a ProblemOut."""
    return dict.fromkeys(statuses, ProblemOut)


def caller(request: HttpRequest) -> User:
    """The authenticated user (session or API token) of an endpoint: a member of an
    organisation. An account outside every organisation (the installation's operator)
    is refused: the API acts inside an organisation."""
    user = cast(User, request.auth)  # type: ignore[attr-defined]
    if not permissions.is_member(user):
        raise PermissionDenied(NOT_A_MEMBER)
    return user


def id_path(description: str) -> Any:
    """A path id: a larger number than the database holds is a 422, not a 500."""
    return Path(..., ge=1, le=MAX_ID, description=description)


def fields_of(schema: type[Schema], obj: Any, **values: Any) -> dict[str, Any]:
    """`obj`'s attributes under `schema`'s field names; `values` stand in for the ones that
    need converting (money as strings, ids)."""
    return {
        name: values[name] if name in values else getattr(obj, name) for name in schema.model_fields
    }


def before_query(description: str = "上一页的 next_before") -> Any:
    return Query(None, ge=1, le=MAX_ID, description=description)


def before_page(qs: QuerySet[M], *, before: int | None, limit: int) -> tuple[list[M], int | None]:
    """One page of `qs`, newest id first, below `before`; and the next page's `before`."""
    if before:
        qs = qs.filter(pk__lt=before)
    rows: Sequence[M] = list(qs.order_by("-pk")[: limit + 1])
    page = list(rows[:limit])
    return page, page[-1].pk if len(rows) > limit else None
