"""`fapiao demo`: the demo organisation a new user explores first."""

from __future__ import annotations

import sys

import pytest
from django.contrib.auth.password_validation import validate_password

from fapiao.accounts.models import Department, Organisation, User
from fapiao.accounts.roles import Role
from fapiao.cli import main
from fapiao.demo.load import DEMO_ORG, DEMO_PASSWORD, DEPARTMENTS
from fapiao.invoices.models import DuplicateSubmission, Invoice, ReviewStatus, Source

N = 60

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys) -> str:
    assert main(["demo", "--invoices", str(N)]) == 0
    return capsys.readouterr().out


def test_the_demo_organisation_has_every_department_and_role(demo: str) -> None:
    org = Organisation.objects.get(name=DEMO_ORG)
    assert len(org.tax_id) == 18
    assert set(Department.objects.filter(organisation=org).values_list("name", flat=True)) == set(
        DEPARTMENTS
    )
    people = User.objects.filter(organisation=org)
    assert {u.role for u in people} == set(Role.values)
    assert all(u.display_name and u.department for u in people)
    assert people.filter(role=Role.SUBMITTER).values("department").distinct().count() >= 4
    admin = people.get(username="admin")
    assert not admin.is_staff and not admin.is_superuser
    # The Django admin is the installation operator's, an account outside the organisation.
    operator = User.objects.get(username="operator")
    assert operator.organisation is None and operator.is_superuser and operator.is_staff


def test_the_limited_reviewer_reviews_sales_and_marketing_only(demo: str) -> None:
    limited = User.objects.get(username="reviewer")
    everything = User.objects.get(username="reviewer2")
    assert {d.name for d in limited.review_departments.all()} == {"销售部", "市场部"}
    assert not everything.review_departments.exists()


def test_the_printed_logins_work(demo: str) -> None:
    validate_password(DEMO_PASSWORD)  # the demo does not sidestep the validators
    for username, label in [
        ("admin", "系统管理员"),
        ("finance", "财务管理员"),
        ("support", "客服"),
    ]:
        line = next(row for row in demo.splitlines() if row.startswith(username + " "))
        assert DEMO_PASSWORD in line and label in line
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    assert "审核员（负责 销售部、市场部）" in demo
    operator_line = next(row for row in demo.splitlines() if "安装运维账号" in row)
    assert f"operator / {DEMO_PASSWORD}" in operator_line and "/admin/" in operator_line
    assert User.objects.get(username="operator").check_password(DEMO_PASSWORD)


def test_the_invoices_look_like_a_real_quarter_of_work(demo: str) -> None:
    org = Organisation.objects.get(name=DEMO_ORG)
    invoices = Invoice.objects.filter(organisation=org)
    # A deliberate defect may make two generated invoices one; never more than a few.
    assert N - 3 <= invoices.count() <= N
    assert not invoices.exclude(source=Source.DEMO).exists()
    assert not invoices.filter(submitter__isnull=True).exists()
    assert not invoices.filter(department__isnull=True).exists()
    assert invoices.values("submitter").distinct().count() >= 4

    duplicated = invoices.filter(has_duplicates=True)
    assert duplicated.exists()
    assert DuplicateSubmission.objects.filter(invoice__in=duplicated).count() >= 1
    assert any(f["code"] == "duplicate" for f in duplicated.first().findings)  # type: ignore[union-attr]

    red = invoices.filter(is_red=True)
    assert red.exists()
    assert red.filter(original_invoice__isnull=False).exists()
    assert invoices.filter(is_beijing=False).exists() and invoices.filter(is_beijing=True).exists()

    assert invoices.filter(tax_status="voided").exists()
    problems = [
        f["code"]
        for inv in invoices
        for f in inv.findings
        if f["severity"] != "info" and f["code"] != "duplicate"
    ]
    assert problems, "a few invoices carry deliberate defects"

    statuses = set(invoices.values_list("status", flat=True))
    assert ReviewStatus.REIMBURSED in statuses or ReviewStatus.APPROVED in statuses
    assert len(statuses) >= 3


def test_loading_twice_changes_nothing(demo: str, capsys) -> None:
    counts = (Invoice.objects.count(), User.objects.count(), DuplicateSubmission.objects.count())

    assert main(["demo", "--invoices", str(N)]) == 0

    out = capsys.readouterr().out
    assert "已存在" in out and DEMO_PASSWORD in out
    assert counts == (
        Invoice.objects.count(),
        User.objects.count(),
        DuplicateSubmission.objects.count(),
    )
    assert Organisation.objects.filter(name=DEMO_ORG).count() == 1


def test_the_demo_needs_no_source_checkout(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    # An installed package has no tests/ folder: the generator ships inside fapiao.demo.
    for name in ("tests.corpus", "tests.corpus.generator", "tests.corpus.defects"):
        monkeypatch.setitem(sys.modules, name, None)  # importing it now fails

    assert main(["demo", "--invoices", "8"]) == 0

    assert DEMO_PASSWORD in capsys.readouterr().out
    assert Invoice.objects.filter(organisation__name=DEMO_ORG).count() >= 6
