"""The worker's feedback watch: every few minutes, SLA warnings/breaches and the automatic
closing of resolved tickets (see deadlines.py); every minute, new mail in the support
Maildir (FAPIAO_FEEDBACK_MAILDIR) becomes tickets. Safe on many workers at once: every
notice carries a dedupe key, closing a closed ticket finds nothing to do, and a message is
imported once (by Message-ID)."""

from __future__ import annotations

import logging

from fapiao.config import env
from fapiao.feedback.deadlines import check_deadlines
from fapiao.feedback.mail import import_maildir
from fapiao.periodic import Periodic

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 300.0
MAIL_INTERVAL_SECONDS = 60.0


def import_mail_once() -> None:
    path = env("FAPIAO_FEEDBACK_MAILDIR").strip()
    if not path:
        return
    try:
        result = import_maildir(path)
        if result.created or result.threaded or result.skipped:
            log.info(
                "support mail: %s new ticket(s), %s reply(ies) threaded, %s skipped",
                len(result.created),
                len(result.threaded),
                len(result.skipped),
            )
    except Exception:
        # An unreadable mailbox must not stop the worker; the mail stays for the next round.
        log.exception("support mail import failed; retrying at the next interval")


def check_once() -> None:
    try:
        result = check_deadlines()
        if result.warnings or result.breaches or result.auto_closed:
            log.info(
                "ticket deadlines: %s warning(s), %s breach(es), %s closed",
                result.warnings,
                result.breaches,
                result.auto_closed,
            )
    except Exception:
        # A database hiccup must not stop the worker: the next round tries again.
        log.exception("ticket deadline check failed; retrying at the next interval")


def start_deadline_watch() -> tuple[Periodic, Periodic]:
    """The deadline check every INTERVAL_SECONDS and the Maildir import every minute, each
    in its own daemon thread (a slow mailbox never delays an SLA warning)."""
    watches = (
        Periodic("feedback-deadlines", INTERVAL_SECONDS, check_once),
        Periodic("feedback-mail", MAIL_INTERVAL_SECONDS, import_mail_once),
    )
    for watch in watches:
        watch.start()
    return watches
