"""The wording of email and SMS: the organisation's MessageTemplate, the installation's,
or the built-in text; and the check an organisation admin's template must pass."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

from django.template import Context, Template, TemplateSyntaxError
from django.template.base import Lexer, TokenType

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
_cache: dict[str, tuple[float, dict[tuple[int | None, str], MessageTemplate]]] = {}


def _template(channel: str, event: str, organisation_id: int | None) -> MessageTemplate | None:
    now = time.monotonic()
    cached = _cache.get(channel)
    if cached is None or cached[0] < now:
        rows = {
            (t.organisation_id, t.event): t for t in MessageTemplate.objects.filter(channel=channel)
        }
        cached = (now + TEMPLATE_CACHE_SECONDS, rows)
        _cache[channel] = cached
    rows = cached[1]
    # The organisation's own wording first; another organisation's never.
    for key in ((organisation_id, event), (organisation_id, ""), (None, event), (None, "")):
        if key in rows:
            return rows[key]
    return None


# What a template may use: the message's fields, and if/else on them. An organisation's
# admin writes templates too, so nothing that loads tags, includes other templates or
# prints the context ({% debug %}) is accepted.
VARIABLES = frozenset({"title", "body", "link", "name", "event"})
_IF_TAGS = frozenset({"if", "elif"})
_PLAIN_TAGS = frozenset({"else", "endif"})
_IF_WORDS = frozenset({"and", "or", "not"})


def template_problems(source: str) -> list[str]:
    """Why `source` cannot be a message template (empty when it can)."""
    names = "、".join("{{ " + v + " }}" for v in sorted(VARIABLES))
    problems = []
    for token in Lexer(source).tokenize():
        words = token.contents.split()
        if token.token_type == TokenType.VAR and token.contents.strip() not in VARIABLES:
            problems.append(f"不支持的变量“{{{{ {token.contents.strip()} }}}}”：可用 {names}。")
        elif token.token_type == TokenType.BLOCK:
            tag, rest = (words[0], words[1:]) if words else ("", [])
            allowed = tag in _PLAIN_TAGS and not rest
            allowed = allowed or (
                tag in _IF_TAGS and bool(rest) and all(w in VARIABLES | _IF_WORDS for w in rest)
            )
            if not allowed:
                problems.append(
                    f"不支持的标签“{{% {token.contents.strip()} %}}”：只能用 "
                    "{% if 变量 %}…{% else %}…{% endif %}。"
                )
    if not problems:
        try:
            Template(source)
        except TemplateSyntaxError:
            problems.append("模板写法有误：请检查 {% if %} 与 {% endif %} 是否成对。")
    return problems


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
    own = _template(delivery.channel, notification.event, notification.organisation_id)
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
