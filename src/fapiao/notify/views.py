"""站内信 pages: the inbox, marking read, opening a notification, and the channel settings.
A user only ever sees and changes their own notifications (others' are a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fapiao.notify import selectors, services
from fapiao.notify.errors import InvalidMobile
from fapiao.notify.models import Channel, Event
from fapiao.notify.preferences import channel_table
from fapiao.web.http import is_htmx, parse_id, user_of

PAGE_SIZE = 20


def _cursor(request: HttpRequest) -> int | None:
    raw = request.GET.get("cursor", "")
    return parse_id(raw) if raw.isdigit() else None


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("filter") == "unread"
    page = selectors.inbox(
        user_of(request), unread_only=unread_only, cursor=_cursor(request), limit=PAGE_SIZE
    )
    return render(
        request,
        "notify/inbox.html",
        {
            "page": page,
            "unread_only": unread_only,
            "cursor": _cursor(request),
            "nav": "notifications",
        },
    )


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("notifications")


@login_required
@require_POST
def read_one(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = services.mark_read(
        notification=selectors.get_own(user_of(request), notification_id)
    )
    if is_htmx(request):
        unread = selectors.unread_count(user_of(request))
        response = render(
            request, "notify/_item.html", {"n": notification, "oob": True, "oob_unread": unread}
        )
        # The badge in the top bar refreshes itself on this event.
        response["HX-Trigger"] = "notifications-changed"
        return response
    return redirect(_back(request))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    updated = services.mark_all_read(user=user_of(request))
    messages.success(request, f"已将 {updated} 条通知标为已读。" if updated else "没有未读通知。")
    return redirect(_back(request))


@login_required
@require_POST
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark read and go to the page the notification is about. A POST (the inbox's title
    is a form button): a GET, which a prefetcher or a crawler may send, changes nothing."""
    notification = services.mark_read(
        notification=selectors.get_own(user_of(request), notification_id)
    )
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(link)
    return redirect("notifications")


@login_required
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    return render(
        request, "notify/_badge.html", {"unread": selectors.unread_count(user_of(request))}
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    own = selectors.settings_of(user)
    mobile = own.mobile if own is not None else ""
    table = channel_table(own)
    error = ""
    if request.method == "POST":
        mobile = request.POST.get("mobile", "").strip()
        chosen = {
            event.value: {
                channel.value: f"{channel.value}:{event.value}" in request.POST
                for channel in Channel
            }
            for event in Event
        }
        try:
            services.save_preferences(user=user, mobile=mobile, choices=chosen)
        except InvalidMobile as exc:
            error = exc.detail
            table = chosen
        else:
            messages.success(request, "通知设置已保存。")
            return redirect("notification-settings")
    rows = [
        {"event": e.value, "label": e.label, "email": table[e]["email"], "sms": table[e]["sms"]}
        for e in Event
    ]
    return render(
        request,
        "notify/preferences.html",
        {"rows": rows, "mobile": mobile, "error": error, "nav": "notifications"},
        status=422 if error else 200,
    )
