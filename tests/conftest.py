"""Shared fixtures: two organisations with users of every role, invoices recorded through
the real service from the project's own corpus generator, clients signed in to the pages
(client_as) or holding an API token (api_as), and a Chromium page (browser_page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from fapiao.accounts.models import ApiToken, Organisation, User
from fapiao.accounts.roles import Role
from fapiao.core.invoice import InvoiceData
from fapiao.demo.corpus.generator import CorpusGenerator, Party
from fapiao.invoices.models import Invoice, Source
from fapiao.invoices.services import record_invoice
from tests.browser import chromium, new_page
from tests.factories import DepartmentFactory, OrganisationFactory, UserFactory

ClientAs = Callable[[User], Client]  # client_as / api_as: a client acting as that user
SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples is not present on this machine")
    return SAMPLES


@pytest.fixture
def org(db: None) -> Organisation:
    return OrganisationFactory(name="北京示例科技有限公司", tax_id="91110108MA01ABCD1E")


@pytest.fixture
def other_org(db: None) -> Organisation:
    return OrganisationFactory(name="上海别家贸易有限公司")


@pytest.fixture
def users(org: Organisation) -> dict[str, User]:
    """One user per role in `org`, keyed by role slug; two departments."""
    sales = DepartmentFactory(organisation=org, name="销售部")
    rnd = DepartmentFactory(organisation=org, name="研发部")
    made = {
        role.value: UserFactory(
            organisation=org,
            department=sales if i % 2 else rnd,
            role=role.value,
            username=role.value,
        )
        for i, role in enumerate(Role)
    }
    made["submitter2"] = UserFactory(
        organisation=org, department=sales, role=Role.SUBMITTER, username="submitter2"
    )
    return made


@pytest.fixture
def operator(db: None) -> User:
    """The installation's operator: a superuser outside every organisation (the Django
    admin is theirs alone)."""
    return UserFactory(
        username="operator",
        organisation=None,
        department=None,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def outsider(other_org: Organisation) -> User:
    return UserFactory(organisation=other_org, role=Role.FINANCE_ADMIN, username="outsider")


@pytest.fixture
def corpus() -> CorpusGenerator:
    return CorpusGenerator(
        seed=7, today=TODAY, buyer=Party(name="北京示例科技有限公司", tax_id="91110108MA01ABCD1E")
    )


@pytest.fixture
def make_invoices(corpus: CorpusGenerator) -> Callable[..., list[Invoice]]:
    """Record `n` generated invoices for `submitter` through the real service."""

    def make(n: int, *, submitter: User, **options: Any) -> list[Invoice]:
        assert submitter.organisation is not None
        options.setdefault("start", dt.date(2025, 1, 1))
        options.setdefault("end", dt.date(2026, 10, 31))
        made = []
        for data in corpus.invoices(n, **options):
            made.append(record(data, submitter=submitter))
        return made

    return make


def record(data: InvoiceData, *, submitter: User, source: str = Source.API) -> Invoice:
    assert submitter.organisation is not None
    return record_invoice(
        organisation=submitter.organisation, data=data, submitter=submitter, source=source
    )


def bearer(user: User) -> Client:
    _, raw = ApiToken.issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def api_as() -> ClientAs:
    return bearer


def signed_in(user: User) -> Client:
    """A test client with `user` signed in to the pages (a session, as after the login form)."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_as() -> ClientAs:
    return signed_in


@pytest.fixture
def browser_page() -> Iterator[Any]:
    """A Chromium page that accepts downloads; sign in with tests.browser.sign_in."""
    with chromium() as browser:
        yield new_page(browser, accept_downloads=True)
