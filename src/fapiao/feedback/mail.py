"""Email to the support mailbox becomes tickets: a maildir import.

The mail server (Postfix, or any MTA) delivers the support address into a Maildir; this
reads new messages, opens a ticket for each first message and threads replies into their
ticket: by the ticket number in the subject (our notifications carry it, "Re: 工单
FK-2026-000123 有新回复"), else by In-Reply-To / References against the Message-IDs we
stored. A message is imported once (its Message-ID is remembered) and then marked seen
(moved to cur/ with flag S), so running the import from cron every minute is safe.
"""

from __future__ import annotations

import email.utils
import html
import io
import logging
import mailbox
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

from django.db import transaction

from fapiao.accounts.models import User
from fapiao.errors import FapiaoError
from fapiao.feedback import services
from fapiao.feedback.access import is_agent
from fapiao.feedback.conf import max_attachment_bytes
from fapiao.feedback.models import (
    Category,
    Channel,
    Status,
    Ticket,
    TicketMessage,
)

log = logging.getLogger(__name__)
NUMBER_RE = re.compile(r"FK-\d{4}-\d{6}")
TAG_RE = re.compile(r"<[^>]+>")
# Quoted history under a reply adds nothing to the ticket thread.
QUOTE_MARKERS = ("-----原始邮件-----", "-----Original Message-----", "------------------")


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)  # ticket numbers
    threaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why, per message


def _text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        content = html.unescape(TAG_RE.sub("", content))
    lines = []
    for line in str(content).splitlines():
        if line.strip().startswith(QUOTE_MARKERS) or re.match(r"^On .+ wrote:$", line.strip()):
            break
        if line.startswith(">") or re.match(r"^在 .+ 写道：?$", line.strip()):
            break
        lines.append(line.rstrip())
    return "\n".join(lines).strip()


def _ids(value: str | None) -> list[str]:
    return re.findall(r"<[^>]+>", value or "")


def _sender(msg: EmailMessage) -> User | None:
    _, address = email.utils.parseaddr(str(msg.get("From", "")))
    if not address:
        return None
    return User.objects.filter(email__iexact=address, is_active=True).first()


def _thread(msg: EmailMessage, sender: User) -> Ticket | None:
    tickets = Ticket.objects.filter(organisation_id=sender.organisation_id or 0)
    match = NUMBER_RE.search(str(msg.get("Subject", "")))
    if match:
        found = tickets.filter(number=match.group()).first()
        if found is not None:
            return found
    refs = _ids(str(msg.get("In-Reply-To", ""))) + _ids(str(msg.get("References", "")))
    if refs:
        found = tickets.filter(email_message_id__in=refs).first()
        if found is not None:
            return found
        reply = TicketMessage.objects.filter(ticket__in=tickets, email_message_id__in=refs).first()
        if reply is not None:
            return reply.ticket
    return None


def _attach(ticket: Ticket, sender: User, msg: EmailMessage, message: TicketMessage | None) -> None:
    for part in msg.iter_attachments():
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        name = part.get_filename() or "附件"
        if len(payload) > max_attachment_bytes():
            log.info(
                "email attachment of %d bytes over the limit on %s", len(payload), ticket.number
            )
            continue
        services.attach(
            ticket=ticket,
            user=sender,
            name=name,
            stream=io.BytesIO(payload),
            size=len(payload),
            content_type=part.get_content_type(),
            message=message,
        )


def import_message(msg: EmailMessage, result: ImportResult) -> None:
    message_id = str(msg.get("Message-ID", "")).strip()[:300]
    subject = str(msg.get("Subject", "")).strip()
    if message_id and (
        Ticket.objects.filter(email_message_id=message_id).exists()
        or TicketMessage.objects.filter(email_message_id=message_id).exists()
    ):
        result.skipped.append(f"{message_id}：已导入过")
        return
    sender = _sender(msg)
    if sender is None or sender.organisation_id is None:
        # Unknown senders are not our users: nobody to answer inside the product.
        result.skipped.append(f"{subject[:40]}：发件人不是本系统的用户")
        return
    body = _text(msg) or subject or "（空邮件）"
    ticket = _thread(msg, sender)
    with transaction.atomic():
        if ticket is None:
            ticket = services.create_ticket(
                requester=sender,
                category=Category.ENQUIRY,
                subject=re.sub(r"^(re|fw|fwd|回复|转发)\s*[:：]\s*", "", subject, flags=re.I),
                body=body,
                channel=Channel.EMAIL,
                email_message_id=message_id,
            )
            _attach(ticket, sender, msg, None)
            result.created.append(ticket.number)
            return
        if not ticket.is_open and sender.pk == ticket.requester_id:
            # A reply to a finished ticket reopens it (within the window) rather than vanish.
            from fapiao.feedback.workflow import transition

            try:
                transition(ticket=ticket, user=sender, to=Status.IN_PROGRESS)
            except FapiaoError:
                result.skipped.append(f"{ticket.number}：工单已关闭且超过重新打开期限")
                return
        if sender.pk != ticket.requester_id and not is_agent(sender):
            result.skipped.append(f"{ticket.number}：发件人不是提交人或客服")
            return
        reply = services.reply(ticket=ticket, author=sender, body=body, email_message_id=message_id)
        _attach(ticket, sender, msg, reply)
        result.threaded.append(ticket.number)


def import_maildir(path: Path | str) -> ImportResult:
    """Import every new message of the Maildir at `path` (created if missing)."""
    box = mailbox.Maildir(str(path), factory=None, create=True)
    result = ImportResult()
    pending = []
    for key in list(box.iterkeys()):
        entry = box.get_message(key)
        if not (entry.get_subdir() == "cur" and "S" in entry.get_flags()):
            pending.append((entry.get_date(), key, entry))
    # In order of delivery: a reply must follow the message that opened its ticket.
    for _, key, entry in sorted(pending, key=lambda p: (p[0], p[1])):
        with box.get_file(key) as fh:
            raw = fh.read()
        parsed = email.message_from_bytes(raw, _class=EmailMessage, policy=default_policy)
        try:
            import_message(parsed, result)
        except FapiaoError as exc:
            result.skipped.append(f"{parsed.get('Subject', '')}：{exc.detail}")
        entry.set_subdir("cur")
        entry.add_flag("S")
        box[key] = entry
    return result
