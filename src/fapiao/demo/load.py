"""The demo organisation: 北京示例科技有限公司 with its departments, a user of every role and
about a thousand invoices from the project's own generator (fapiao.demo.corpus), in
realistic review states, then each app's demo state (the sibling modules).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import time
from dataclasses import dataclass, field
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from fapiao.accounts.models import Department, Organisation, User
from fapiao.accounts.roles import Role
from fapiao.core.invoice import InvoiceData
from fapiao.demo import analytics, feedback, lookup, notify, review
from fapiao.demo.corpus.defects import DEFECTS
from fapiao.demo.corpus.generator import CorpusGenerator
from fapiao.errors import DuplicateInvoice, FapiaoError
from fapiao.invoices.models import Invoice, ReviewStatus, Source, TaxStatus
from fapiao.invoices.services import record_invoice

DEMO_ORG = "北京示例科技有限公司"
# One memorable password for every demo login, printed by `fapiao serve --demo`; it passes
# the password validators (a test checks), so nothing is bypassed.
DEMO_PASSWORD = "fapiao-demo-2026"
DEPARTMENTS = ("总经办", "财务部", "销售部", "研发部", "市场部", "行政部")
# The installation's operator (the Django admin at /admin/), outside the demo organisation:
# its 系统管理员 manages it in 系统设置 instead.
DEMO_OPERATOR = "operator"
# A future-dated invoice would sit on top of every list sorted by date: left out.
DEMO_DEFECTS = [name for name in DEFECTS if name != "future_date"]


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    department: str
    reviews: tuple[str, ...] = ()  # departments a limited reviewer reviews; () = all
    submits: int = 0  # relative share of the demo invoices this person submitted


DEMO_USERS = (
    DemoUser("admin", "王志强", Role.ADMIN, "总经办"),
    DemoUser("finance", "李静", Role.FINANCE_ADMIN, "财务部", submits=2),
    DemoUser("reviewer", "张伟", Role.REVIEWER, "财务部", reviews=("销售部", "市场部")),
    DemoUser("reviewer2", "刘洋", Role.REVIEWER, "财务部"),
    DemoUser("support", "陈晓雪", Role.SUPPORT_AGENT, "行政部"),
    DemoUser("ceo", "周建国", Role.SUBMITTER, "总经办", submits=3),
    DemoUser("sales1", "赵磊", Role.SUBMITTER, "销售部", submits=8),
    DemoUser("sales2", "孙丽娜", Role.SUBMITTER, "销售部", submits=7),
    DemoUser("dev1", "吴昊", Role.SUBMITTER, "研发部", submits=4),
    DemoUser("dev2", "郑雨萱", Role.SUBMITTER, "研发部", submits=3),
    DemoUser("market1", "冯晓峰", Role.SUBMITTER, "市场部", submits=6),
    DemoUser("office1", "何静怡", Role.SUBMITTER, "行政部", submits=4),
)


class DemoUnavailable(FapiaoError):
    code = "demo_unavailable"
    title = "无法加载演示数据"


@dataclass
class DemoResult:
    organisation: Organisation
    created: bool  # False when the demo was already loaded
    invoices: int
    duplicates: int = 0
    red: int = 0
    seconds: float = 0.0
    users: list[DemoUser] = field(default_factory=lambda: list(DEMO_USERS))
    password: str = DEMO_PASSWORD
    operator: str = ""  # the operator's username, when the demo has one


def load_demo(*, invoices: int = 1000, seed: int = 2026, stdout: TextIO) -> DemoResult:
    """Load the demo organisation unless it exists already (then change nothing)."""
    existing = Organisation.objects.filter(name=DEMO_ORG).first()
    if existing is not None:
        count = Invoice.objects.filter(organisation=existing).count()
        stdout.write(f"演示组织“{DEMO_ORG}”已存在（{count} 张发票），不再重复加载。\n")
        # A demo loaded before the operator existed gets one now.
        return DemoResult(
            organisation=existing, created=False, invoices=count, operator=_operator()
        )
    taken = sorted(
        User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list(
            "username", flat=True
        )
    )
    if taken:
        raise DemoUnavailable(
            f"演示账号的用户名已被其他组织使用（{'、'.join(taken)}）："
            "请在一个新的数据目录（FAPIAO_DATA_DIR）或新数据库中加载演示数据。"
        )
    stdout.write(f"正在加载演示组织“{DEMO_ORG}”和 {invoices} 张演示发票…\n")
    stdout.flush()
    started = time.monotonic()
    # The recording service logs each invoice; a thousand such lines would bury the logins.
    service_log = logging.getLogger("fapiao.invoices.services")
    level = service_log.level
    service_log.setLevel(logging.WARNING)
    try:
        with transaction.atomic():
            result = _load(invoices=invoices, seed=seed)
    finally:
        service_log.setLevel(level)
    result.seconds = time.monotonic() - started
    result.operator = _operator()
    stdout.write(
        f"已加载：{result.invoices} 张发票（其中红字发票 {result.red} 张，"
        f"重复提交 {result.duplicates} 次），用时 {result.seconds:.1f} 秒。\n"
    )
    return result


def _people(org: Organisation) -> dict[str, User]:
    departments = {
        name: Department.objects.create(organisation=org, name=name) for name in DEPARTMENTS
    }
    # One hash for all: argon2 is slow on purpose, and these accounts share a password anyway.
    password = make_password(DEMO_PASSWORD)
    users = {}
    for spec in DEMO_USERS:
        user = User.objects.create(
            username=spec.username,
            display_name=spec.display_name,
            email=f"{spec.username}@demo.fapiao.invalid",
            organisation=org,
            department=departments[spec.department],
            role=spec.role,
            password=password,
        )
        if spec.reviews:
            user.review_departments.set([departments[d] for d in spec.reviews])
        users[spec.username] = user
    return users


def _operator() -> str:
    """The demo's operator account: created once; "" when the name belongs to someone who
    is not an operator (then no operator login is printed)."""
    user = User.objects.filter(username=DEMO_OPERATOR).first()
    if user is None:
        user = User.objects.create(
            username=DEMO_OPERATOR,
            display_name="安装运维",
            email=f"{DEMO_OPERATOR}@demo.fapiao.invalid",
            password=make_password(DEMO_PASSWORD),
            is_staff=True,
            is_superuser=True,
        )
    return user.username if user.is_superuser and user.organisation_id is None else ""


def _status(rng: random.Random, age_days: int, has_errors: bool) -> str:
    """Older invoices have been through review; recent ones wait for it."""
    r = rng.random()
    if has_errors:
        return ReviewStatus.RETURNED if r < 0.5 else ReviewStatus.PENDING_REVIEW
    if age_days > 60:
        if r < 0.70:
            return ReviewStatus.REIMBURSED
        return ReviewStatus.APPROVED if r < 0.95 else ReviewStatus.RETURNED
    if age_days > 14:
        if r < 0.45:
            return ReviewStatus.APPROVED
        if r < 0.55:
            return ReviewStatus.REIMBURSED
        return ReviewStatus.PENDING_REVIEW if r < 0.92 else ReviewStatus.RETURNED
    if r < 0.85:
        return ReviewStatus.PENDING_REVIEW
    return ReviewStatus.APPROVED if r < 0.95 else ReviewStatus.RETURNED


def _generate(
    corpus: CorpusGenerator, rng: random.Random, *, n: int, today: dt.date
) -> list[InvoiceData]:
    """`n` invoices over the last 18 months, a few broken so that findings show."""
    # A short extra run with a high red share guarantees red invoices (reversed blue ones)
    # even in a small demo; the generator continues the same number series across runs.
    extra = 0 if n < 8 else max(4, n // 100)
    datas = list(
        corpus.invoices(
            n - extra, start=today - dt.timedelta(days=540), end=today, beijing_share=0.8
        )
    )
    if extra:
        recent = today - dt.timedelta(days=60)
        datas += corpus.invoices(extra, start=recent, end=today, red_share=0.5, voided_share=0)
    # A few voided by their seller after issue, and a few with the defects real ones have:
    # drawn here rather than left to chance, so that even a small demo shows both.
    normal = [
        i
        for i, d in enumerate(datas)
        if d.tax_status == TaxStatus.NORMAL and not d.is_red and d.invoice_type not in ("51", "61")
    ]
    chosen = rng.sample(normal, min(len(normal), max(1, n // 80) + max(1, n // 40)))
    for i in chosen[: max(1, n // 80)]:
        datas[i].tax_status = TaxStatus.VOIDED
    for i in chosen[max(1, n // 80) :]:
        for defect in rng.sample(DEMO_DEFECTS, len(DEMO_DEFECTS)):
            # A defect that does not apply (e.g. no 18-character tax id) raises: try another.
            with contextlib.suppress(ValueError):
                datas[i] = corpus.broken(datas[i], defect)
                break
    return datas


def _load(*, invoices: int, seed: int) -> DemoResult:
    rng = random.Random(seed)
    today = timezone.localdate()
    # The generator's default buyer is this organisation, with a valid USCC.
    corpus = CorpusGenerator(seed, today=today)
    assert corpus.buyer.tax_id, "the demo buyer is a company, with a tax id"
    org = Organisation.objects.create(name=DEMO_ORG, tax_id=corpus.buyer.tax_id)
    users = _people(org)
    submitters = [users[u.username] for u in DEMO_USERS if u.submits]
    weights = [u.submits for u in DEMO_USERS if u.submits]

    recorded: list[tuple[Invoice, InvoiceData]] = []
    red = 0
    for data in _generate(corpus, rng, n=invoices, today=today):
        submitter = rng.choices(submitters, weights)[0]
        try:
            invoice = record_invoice(
                organisation=org, data=data, submitter=submitter, source=Source.DEMO
            )
        except DuplicateInvoice:
            continue  # a defect made two invoices one; the second is linked, not stored
        red += invoice.is_red
        recorded.append((invoice, data))

    duplicates = _resubmit(corpus, rng, org, recorded, submitters)
    _review_history(rng, today, [inv for inv, _ in recorded])
    review.seed_review_history(org, seed=seed)
    notify.seed_inbox(org, seed=seed)
    feedback.seed_feedback(org, seed=seed)
    lookup.seed_sources(org, seed=seed)
    analytics.seed_analytics(org, seed=seed)
    return DemoResult(
        organisation=org, created=True, invoices=len(recorded), duplicates=duplicates, red=red
    )


def _resubmit(
    corpus: CorpusGenerator,
    rng: random.Random,
    org: Organisation,
    recorded: list[tuple[Invoice, InvoiceData]],
    submitters: list[User],
) -> int:
    """Submit a few invoices a second time (重复报销), as the finance team meets it."""
    blue = [(inv, data) for inv, data in recorded if not inv.is_red]
    count = 0
    for invoice, data in rng.sample(blue, min(len(blue), max(2, len(blue) // 80))):
        # Usually the same person twice (photo and PDF); sometimes a colleague.
        submitter = invoice.submitter if rng.random() < 0.6 else rng.choice(submitters)
        try:
            record_invoice(
                organisation=org,
                data=corpus.duplicate_of(data),
                submitter=submitter,
                source=Source.DEMO,
            )
        except DuplicateInvoice:
            count += 1
    return count


def _review_history(rng: random.Random, today: dt.date, invoices: list[Invoice]) -> None:
    """Review states and submission times that follow each invoice's issue date."""
    now = timezone.now()
    for invoice in invoices:
        issued = invoice.issue_date or today
        age = (today - issued).days
        errors = any(f.get("severity") == "error" for f in invoice.findings or [])
        if invoice.tax_status in (TaxStatus.VOIDED, TaxStatus.RED_FULL):
            # Reviewers send back what the tax authority no longer counts.
            invoice.status = ReviewStatus.RETURNED
        else:
            invoice.status = _status(rng, age, errors)
        lag = dt.timedelta(days=min(age, rng.randint(0, 20)), hours=rng.randint(9, 18))
        submitted = timezone.make_aware(dt.datetime.combine(issued, dt.time())) + lag
        invoice.created_at = min(submitted, now)
    Invoice.objects.bulk_update(invoices, ["status", "created_at"], batch_size=300)


def print_logins(result: DemoResult, *, stdout: TextIO) -> None:
    from fapiao.cli.common import format_table

    rows = []
    for spec in result.users:
        scope = "、".join(spec.reviews) if spec.reviews else ""
        rows.append(
            [
                spec.username,
                result.password,
                Role(spec.role).label + (f"（负责 {scope}）" if scope else ""),
                spec.display_name,
                spec.department,
            ]
        )
    stdout.write(f"\n演示账号（{result.organisation.name}）：\n")
    stdout.write(format_table(("用户名", "密码", "角色", "姓名", "部门"), rows) + "\n")
    stdout.write("系统管理员（admin）在“系统设置”中管理本组织的用户、部门和通知。\n")
    if result.operator:
        stdout.write(
            f"安装运维账号（不属于任何组织，登录 /admin/ 管理整个系统）："
            f"{result.operator} / {result.password}\n"
        )
    stdout.flush()
