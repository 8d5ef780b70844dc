"""系统设置 › 用户: the organisation's people. Create, change role, department and reviewed
departments, deactivate, reset a password; only ever the admin's own organisation's."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods, require_POST

from fapiao.accounts import services
from fapiao.accounts.models import User
from fapiao.accounts.roles import Role
from fapiao.errors import FapiaoError
from fapiao.orgadmin.forms import EditMemberForm, NewMemberForm, PasswordForm
from fapiao.orgadmin.views.common import admin_page, done, form_page, member_name, own
from fapiao.web.http import page_or_fragment

SHOWN = 500  # an organisation's people on one page; the search narrows a bigger one


@admin_page
@require_http_methods(["GET"])
def member_list(request: HttpRequest, admin: User, org: int) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:50]
    role = request.GET.get("role", "")
    people = User.objects.filter(organisation_id=org).select_related("department")
    if q:
        people = people.filter(
            Q(username__icontains=q) | Q(display_name__icontains=q) | Q(email__icontains=q)
        )
    if role in Role.values:
        people = people.filter(role=role)
    rows = list(people.prefetch_related("review_departments").order_by("username")[:SHOWN])
    return page_or_fragment(
        request,
        page="orgadmin/members.html",
        fragment="orgadmin/_members.html",
        context={"nav": "settings", "rows": rows, "q": q, "role": role, "roles": Role.choices},
    )


@admin_page
@require_http_methods(["GET", "POST"])
def member_new(request: HttpRequest, admin: User, org: int) -> HttpResponse:
    form = NewMemberForm(request.POST or None, organisation_id=org)
    if request.method == "POST" and form.is_valid():
        member = services.create_member(
            admin=admin,
            data=form.member_data(),
            password=form.cleaned_data["password1"],
            reviews=form.reviews(),
        )
        return done(request, f"已创建用户 {member_name(member)}。", "orgadmin-members")
    return form_page(request, "orgadmin/member_form.html", form, title="新建用户")


@admin_page
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, admin: User, org: int, user_id: int) -> HttpResponse:
    member = own(User, org, user_id)
    form = EditMemberForm(request.POST or None, instance=member, organisation_id=org)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.update_member(
                admin=admin, member=member, data=form.member_data(), reviews=form.reviews()
            )
        except FapiaoError as exc:
            error = exc.detail
        else:
            return done(request, f"已保存 {member_name(member)} 的设置。", "orgadmin-members")
    return form_page(
        request,
        "orgadmin/member_form.html",
        form,
        status=409 if error else None,
        title=f"用户 {member_name(member)}",
        member=member,
        error=error,
        password_form=PasswordForm(member),
    )


@admin_page
@require_POST
def member_password(request: HttpRequest, admin: User, org: int, user_id: int) -> HttpResponse:
    member = own(User, org, user_id)
    form = PasswordForm(member, request.POST)
    if form.is_valid():
        services.reset_password(
            admin=admin, member=member, password=form.cleaned_data["new_password1"]
        )
        text = (
            f"已重置 {member_name(member)} 的密码：请当面或通过可靠渠道告诉本人，并提醒登录后修改。"
        )
        return done(request, text, "orgadmin-member", member.pk)
    return form_page(
        request,
        "orgadmin/member_form.html",
        EditMemberForm(instance=member, organisation_id=org),
        title=f"用户 {member_name(member)}",
        member=member,
        password_form=form,
        status=422,
    )
