"""The world the authorization matrix runs in: organisation A with two departments and a
member of every role, organisation B, the installation's operator, and one object of
every kind the addresses name — in A's first department (a1), A's second (a2) and B (b).

Principals (all in A, but the operator):
- submitter       报销人, department D1, submitted invoice a1
- reviewer_d1     审核员 limited to D1 (and a member of it)
- reviewer_all    审核员 of every department, in D2
- finance_admin, support_agent, admin    in D2
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from fapiao.accounts.models import ApiToken, Department, Organisation, User
from fapiao.accounts.roles import Role
from fapiao.analytics.models import Budget, CategoryRule
from fapiao.demo.corpus.generator import CorpusGenerator, Party
from fapiao.feedback import services as feedback
from fapiao.feedback.models import Article, Category, ChatSession, RoutingRule
from fapiao.feedback.surveys import send_survey
from fapiao.invoices.ingest import store_upload
from fapiao.invoices.models import Document, DocumentState, Invoice
from fapiao.invoices.services import record_invoice
from fapiao.lookup.models import MaintenanceWindow
from fapiao.notify.models import MessageTemplate, Notification
from tests.factories import UserFactory

PRINCIPALS = (
    "anonymous",
    "submitter",
    "reviewer_d1",
    "reviewer_all",
    "finance_admin",
    "support_agent",
    "admin",
    "operator",
)
ROLE = {
    "submitter": Role.SUBMITTER,
    "reviewer_d1": Role.REVIEWER,
    "reviewer_all": Role.REVIEWER,
    "finance_admin": Role.FINANCE_ADMIN,
    "support_agent": Role.SUPPORT_AGENT,
    "admin": Role.ADMIN,
}
MEMBERS = tuple(ROLE)
VARIANTS = ("a1", "a2", "b")
# An id no row has: another organisation's object must answer exactly like it.
MISSING_ID = str(2**62)


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    # kind -> variant -> the value for the address ("a2" absent for organisation-wide kinds)
    ids: dict[str, dict[str, str]] = field(default_factory=dict)

    def put(self, kind: str, **variants: object) -> None:
        self.ids[kind] = {v: str(getattr(obj, "pk", obj)) for v, obj in variants.items()}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="PNG")
    return out.getvalue()


def _invoice_with_original(corpus: CorpusGenerator, submitter: User, n: int) -> Invoice:
    data = next(corpus.invoices(1, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)))
    assert submitter.organisation is not None
    invoice = record_invoice(organisation=submitter.organisation, data=data, submitter=submitter)
    upload = store_upload(
        organisation=submitter.organisation,
        user=submitter,
        name=f"original-{n}.png",
        stream=io.BytesIO(_png() + bytes([n])),
        content_type="image/png",
    )
    Document.objects.filter(pk=upload.document.pk).update(
        invoice=invoice, state=DocumentState.DONE, finished_at=timezone.now()
    )
    return invoice


def _organisation(name: str, departments: tuple[str, str]) -> tuple[Organisation, list[Department]]:
    org = Organisation.objects.create(name=name, tax_id="91110108MA01ABCD1E")
    return org, [Department.objects.create(organisation=org, name=d) for d in departments]


def build() -> World:
    world = World()
    org_a, (d1, d2) = _organisation("北京甲方科技有限公司", ("销售部", "研发部"))
    org_b, (d_b, _) = _organisation("上海乙方贸易有限公司", ("财务部", "行政部"))
    homes = {"submitter": d1, "reviewer_d1": d1}
    for name, role in ROLE.items():
        world.users[name] = UserFactory(
            username=name, organisation=org_a, department=homes.get(name, d2), role=role
        )
    world.users["reviewer_d1"].review_departments.set([d1])
    world.users["operator"] = UserFactory(
        username="operator", organisation=None, department=None, is_staff=True, is_superuser=True
    )
    colleague = UserFactory(username="colleague", organisation=org_a, department=d2)
    outsider = UserFactory(username="outsider", organisation=org_b, department=d_b)
    b_agent = UserFactory(
        username="b-agent", organisation=org_b, department=d_b, role=Role.SUPPORT_AGENT
    )
    for name, user in world.users.items():
        world.tokens[name] = ApiToken.issue(user=user, name="matrix")[1]

    corpus = CorpusGenerator(
        seed=13, today=dt.date(2026, 11, 28), buyer=Party(name=org_a.name, tax_id=org_a.tax_id)
    )
    owners = {"a1": world.users["submitter"], "a2": colleague, "b": outsider}
    invoices = {v: _invoice_with_original(corpus, u, i) for i, (v, u) in enumerate(owners.items())}
    world.put("invoice", **invoices)
    world.put("document", **{v: inv.documents.get() for v, inv in invoices.items()})
    world.put(
        "notification",
        **{
            v: Notification.objects.create(
                recipient=u,
                organisation=u.organisation,
                event="invoice_approved",
                title="通知",
                link="/invoices/",
            )
            for v, u in owners.items()
        },
    )
    # Not the tokens the matrix signs in with: revoking these takes nobody's access away.
    world.put(
        "api_token",
        **{v: ApiToken.issue(user=u, name="可撤销")[0] for v, u in owners.items()},
    )
    tickets = {
        v: feedback.create_ticket(requester=u, category=Category.PROBLEM, subject="求助", body="x")
        for v, u in owners.items()
    }
    world.put("ticket", **tickets)
    attachments = {
        v: feedback.attach_uploads(
            ticket=t, user=owners[v], files=[SimpleUploadedFile("a.txt", b"attachment")]
        )[0]
        for v, t in tickets.items()
    }
    world.put("attachment", **attachments)
    world.put(
        "suggestion",
        a1=feedback.create_ticket(
            requester=colleague, category=Category.SUGGESTION, subject="建议", body="y"
        ),
        b=feedback.create_ticket(
            requester=outsider, category=Category.SUGGESTION, subject="建议", body="y"
        ),
    )
    manager = world.users["support_agent"]
    world.put(
        "survey",
        a1=send_survey(manager=manager, title="满意度", question="?", department_id=d1.pk),
        a2=send_survey(manager=manager, title="满意度", question="?", department_id=d2.pk),
        b=send_survey(manager=b_agent, title="满意度", question="?"),
    )
    world.put(
        "chat",
        **{
            v: ChatSession.objects.create(organisation=u.organisation, user=u)
            for v, u in owners.items()
        },
    )
    for org, slug in ((org_a, "a-guide"), (org_b, "b-guide")):
        Article.objects.create(organisation=org, slug=slug, title="指南", body="正文")
    world.ids["article"] = {"a1": "a-guide", "b": "b-guide"}
    world.put(
        "budget",
        **{
            v: Budget.objects.create(
                organisation=d.organisation, name="预算", department=d, amount=Decimal("1000")
            )
            for v, d in (("a1", d1), ("a2", d2), ("b", d_b))
        },
    )
    world.put(
        "category_rule",
        **{
            v: CategoryRule.objects.create(
                organisation=o, kind="seller", pattern="餐饮", category="餐饮"
            )
            for v, o in (("a1", org_a), ("b", org_b))
        },
    )
    world.put("member", a1=world.users["submitter"], a2=colleague, b=outsider)
    world.put("department", a1=d1, a2=d2, b=d_b)
    world.put(
        "routing_rule",
        **{
            v: RoutingRule.objects.create(organisation=d.organisation, name="规则", department=d)
            for v, d in (("a1", d1), ("b", d_b))
        },
    )
    world.put(
        "template",
        **{
            v: MessageTemplate.objects.create(organisation=o, channel="sms", body="{{ title }}")
            for v, o in (("a1", org_a), ("b", org_b))
        },
    )
    # Announced for next month: no write in the matrix meets a maintenance window.
    later = timezone.now() + dt.timedelta(days=30)
    world.put(
        "maintenance",
        **{
            v: MaintenanceWindow.objects.create(
                organisation=o, starts_at=later, ends_at=later + dt.timedelta(hours=1)
            )
            for v, o in (("a1", org_a), ("b", org_b))
        },
    )
    return world
