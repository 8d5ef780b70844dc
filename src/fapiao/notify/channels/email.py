"""Email through Django's mail backend (SMTP when FAPIAO_SMTP_HOST is set, else console)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from fapiao.notify.channels import DeliveryError, PermanentDeliveryError
from fapiao.notify.models import Delivery
from fapiao.notify.render import render


def send_email(delivery: Delivery) -> None:
    message = render(delivery)
    email = EmailMessage(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        headers={
            # The same id on every attempt: a mail system can drop the repeat of a send
            # that was interrupted after the server had accepted it.
            "Message-ID": f"<{delivery.idempotency_key}@fapiao.invalid>",
            "X-Fapiao-Delivery": delivery.idempotency_key,
            "Auto-Submitted": "auto-generated",
        },
    )
    try:
        sent = email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentDeliveryError("邮件服务器拒收该收件地址") from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"邮件发送失败：{type(exc).__name__}: {exc}") from exc
    if not sent:
        raise DeliveryError("邮件后端没有发出邮件")
