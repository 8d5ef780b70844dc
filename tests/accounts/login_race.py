"""Many wrong passwords for one account at the same moment, each on its own connection,
counting how many passwords the server actually checked.

Used in-process on PostgreSQL and, on SQLite, from a separate process over a database file
(python -m tests.accounts.login_race), as tests/review/racing.py explains."""

from __future__ import annotations

import json
import os
import threading
from typing import Any

TRIES = 30
LIMIT = 5


class CountingHasher:
    """Counts password verifications (the work the lockout exists to limit)."""

    checked = 0
    lock = threading.Lock()

    @classmethod
    def install(cls) -> None:
        from django.contrib.auth.hashers import MD5PasswordHasher

        original = MD5PasswordHasher.verify

        def verify(self: Any, password: str, encoded: str) -> bool:
            with cls.lock:
                cls.checked += 1
            return original(self, password, encoded)

        MD5PasswordHasher.verify = verify  # type: ignore[method-assign]


def race(username: str, tries: int = TRIES) -> dict[str, int]:
    """`tries` sign-ins with a wrong password, released together; what came of them."""
    from django.contrib.auth import authenticate
    from django.db import connection
    from django.test import RequestFactory

    gate = threading.Barrier(tries)
    before = CountingHasher.checked
    outcomes: list[str] = [""] * tries

    def run(index: int) -> None:
        request = RequestFactory().post("/login/", REMOTE_ADDR="198.51.100.20")
        try:
            gate.wait(timeout=20)
            user = authenticate(request, username=username, password="wrong-guess")
            outcomes[index] = "signed in" if user else "refused"
        except Exception as exc:  # a crash must show in the outcome, not vanish
            outcomes[index] = type(exc).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return {
        "checked": CountingHasher.checked - before,
        "refused": outcomes.count("refused"),
        "other": len([o for o in outcomes if o != "refused"]),
    }


def main() -> None:
    """Migrate a fresh SQLite file, race, print what came of it as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from fapiao.accounts.models import User

    settings.LOGIN_MAX_FAILURES = LIMIT
    CountingHasher.install()
    call_command("migrate", verbosity=0)
    user = User(username="racer")
    user.set_password("the-right-one-42")
    user.save()
    print(json.dumps(race("racer")))


if __name__ == "__main__":
    main()
