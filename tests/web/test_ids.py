"""An address naming an id beyond what the database holds (a BIGINT) is the Chinese 404
page, never a 500: pages pass such ids to the ORM, which finds nothing (PostgreSQL itself
would refuse the number)."""

from __future__ import annotations

import pytest

from fapiao.accounts.models import User
from tests.conftest import ClientAs

TOO_LARGE = [str(2**63), str(10**30)]
PAGES = [
    "/invoices/{id}/",
    "/scan/documents/{id}/",
    "/scan/documents/{id}/row/",
    "/scan/documents/{id}/original",
    "/scan/documents/{id}/preview",
    "/scan/invoices/{id}/",
    "/review/{id}/",
    "/review/invoices/{id}/panel",
    "/feedback/{id}/",
    "/feedback/attachments/{id}/",
]


@pytest.mark.parametrize("number", TOO_LARGE)
@pytest.mark.parametrize("page", PAGES)
def test_an_id_beyond_the_database_is_not_found(
    page: str, number: str, users: dict[str, User], client_as: ClientAs
) -> None:
    response = client_as(users["admin"]).get(page.format(id=number))
    assert response.status_code == 404
    assert "没有找到" in response.content.decode() or "不存在" in response.content.decode()
