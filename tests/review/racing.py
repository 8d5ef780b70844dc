"""Two actors on one invoice at the same moment, each on its own database connection.

Used in-process on PostgreSQL and, on SQLite, from a separate process over a database
file (python -m tests.review.racing): the test database of SQLite lives in shared-cache
memory, whose table locks are not what a deployment (a WAL file) sees."""

from __future__ import annotations

import json
import os
import threading
from typing import Any

ROUNDS = 4


def race(invoice_id: int, contenders: list[tuple[Any, str, str]]) -> list[object]:
    """Run each (actor, action, comment) in its own thread, released together."""
    from django.db import connection

    from fapiao.invoices.models import Invoice
    from fapiao.review.services import apply_transition

    gate = threading.Barrier(len(contenders))
    outcomes: list[object] = [None] * len(contenders)

    def run(index: int, actor: Any, action: str, comment: str) -> None:
        try:
            seen = Invoice.objects.get(pk=invoice_id)  # both saw it waiting for review
            gate.wait(timeout=10)
            outcomes[index] = apply_transition(
                invoice=seen, actor=actor, action=action, comment=comment
            )
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *c)) for i, c in enumerate(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def describe(outcomes: list[object]) -> list[dict[str, Any]]:
    from fapiao.review.models import Transition

    shown = []
    for o in outcomes:
        if isinstance(o, Transition):
            shown.append({"won": True, "to": o.to_status})
        else:
            shown.append(
                {
                    "won": False,
                    "type": type(o).__name__,
                    "code": getattr(o, "code", ""),
                    "detail": getattr(o, "detail", str(o)),
                }
            )
    return shown


def main() -> None:
    """Migrate a fresh SQLite file, race ROUNDS times, print the outcomes as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from fapiao.accounts.models import Department, Organisation, User
    from fapiao.invoices.models import Invoice
    from fapiao.review.models import Transition

    call_command("migrate", verbosity=0)
    org = Organisation.objects.create(name="并发测试有限公司")
    dept = Department.objects.create(organisation=org, name="销售部")

    def person(name: str, role: str) -> User:
        return User.objects.create(username=name, role=role, organisation=org, department=dept)

    submitter = person("s", "submitter")
    contenders = [
        (person("r", "reviewer"), "approve", ""),
        (person("f", "finance_admin"), "return", "抬头不对"),
    ]
    rounds = []
    for n in range(ROUNDS):
        invoice = Invoice.objects.create(
            organisation=org,
            department=dept,
            submitter=submitter,
            identity_key=f"race-{n}",
            invoice_number=f"{n:08d}",
        )
        outcomes = describe(race(invoice.pk, contenders))
        rounds.append(
            {
                "outcomes": outcomes,
                "final": Invoice.objects.get(pk=invoice.pk).status,
                "transitions": Transition.objects.filter(invoice=invoice).count(),
            }
        )
    print(json.dumps(rounds, ensure_ascii=False))


if __name__ == "__main__":
    main()
