"""The wording of email and SMS: an admin's MessageTemplate, or the built-in text."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

from django.template import Context, Template

from fapiao.notify import conf
from fapiao.notify.models import Channel, Delivery, Event, MessageTemplate

EMAIL_SUBJECT = "【发票管家】{{ title }}"
EMAIL_BODY = """{{ name }}，您好：

{{ title }}
{% if body %}
{{ body }}
{% endif %}{% if link %}
查看详情：{{ link }}
{% endif %}
——
发票管家（此邮件由系统自动发送，请勿直接回复）。
不想再收到此类邮件？登录后在“站内信 › 通知设置”中关闭即可。
"""
SMS_BODY = "【发票管家】{{ title }}{% if link %} 详情：{{ link }}{% endif %}"


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    # What an SMS gateway template fills in, besides the whole text.
    params: dict[str, str]


# Templates change rarely and every send needs them: each process keeps them this long.
TEMPLATE_CACHE_SECONDS = 30.0
_cache: dict[str, tuple[float, dict[str, MessageTemplate]]] = {}


def _template(channel: str, event: str) -> MessageTemplate | None:
    now = time.monotonic()
    cached = _cache.get(channel)
    if cached is None or cached[0] < now:
        rows = {t.event: t for t in MessageTemplate.objects.filter(channel=channel)}
        cached = (now + TEMPLATE_CACHE_SECONDS, rows)
        _cache[channel] = cached
    rows = cached[1]
    return rows.get(event) or rows.get("")


@lru_cache(maxsize=64)
def _compiled(source: str) -> Template:
    return Template(source)


def forget_templates(**kwargs: object) -> None:
    """post_save/post_delete of MessageTemplate: this process sees an edit at once."""
    _cache.clear()


def render(delivery: Delivery) -> Message:
    notification = delivery.notification
    user = notification.recipient
    params = {
        "name": str(user),
        "title": notification.title,
        "body": notification.body,
        "link": conf.absolute(notification.link),
        "event": Event(notification.event).label,
    }
    own = _template(delivery.channel, notification.event)
    if delivery.channel == Channel.EMAIL:
        subject_src = (own.subject if own is not None and own.subject else "") or EMAIL_SUBJECT
        body_src = own.body if own is not None else EMAIL_BODY
    else:
        subject_src = ""
        body_src = own.body if own is not None else SMS_BODY
    context = Context(params, autoescape=False)
    subject = " ".join(_compiled(subject_src).render(context).split()) if subject_src else ""
    text = _compiled(body_src).render(context).strip()
    if delivery.channel == Channel.SMS:
        text = " ".join(text.split())
    return Message(subject=subject[:200], text=text, params=params)
