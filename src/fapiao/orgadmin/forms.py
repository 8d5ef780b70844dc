"""The forms of 系统设置. Every department on offer is one of the admin's organisation, so
a posted id of another organisation's department is "not one of the choices"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils import timezone

from fapiao.accounts.models import Department, User
from fapiao.accounts.passwords import password_problems
from fapiao.feedback.models import RoutingRule
from fapiao.lookup.models import MaintenanceWindow
from fapiao.notify.models import MessageTemplate
from fapiao.notify.render import VARIABLES, template_problems

REQUIRED = {"required": "这一项必须填写。"}


class OrganisationForm(forms.ModelForm):
    """A ModelForm of one organisation: department choices are limited to it."""

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id
        departments = Department.objects.filter(organisation_id=organisation_id).order_by("name")
        for name in ("department", "review_departments"):
            field = self.fields.get(name)
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = departments
        for field in self.fields.values():
            field.error_messages.update(REQUIRED)


class MemberForm(OrganisationForm):
    class Meta:
        model = User
        fields = ["display_name", "email", "phone", "role", "department", "review_departments"]
        widgets = {"review_departments": forms.CheckboxSelectMultiple}
        help_texts = {
            "review_departments": "只对审核员有效：勾选后只审核这些部门的发票；"
            "都不勾选则审核全部部门。",
        }

    def member_data(self) -> dict[str, Any]:
        """Every field but the reviewed departments (the last, a many-to-many)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields[:-1]}

    def reviews(self) -> list[Department]:
        return list(self.cleaned_data.get("review_departments") or [])


class EditMemberForm(MemberForm):
    class Meta(MemberForm.Meta):
        fields = [*MemberForm.Meta.fields[:-1], "is_active", "review_departments"]
        labels = {"is_active": "在职"}
        help_texts = {
            **MemberForm.Meta.help_texts,
            "is_active": "取消勾选即停用账号：停用后不能登录，API 令牌随之失效；记录都会保留。",
        }


class NewMemberForm(MemberForm):
    password1 = forms.CharField(label="初始密码", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="再次输入密码", widget=forms.PasswordInput, strip=False)

    class Meta(MemberForm.Meta):
        fields = ["username", *MemberForm.Meta.fields]
        help_texts = {**MemberForm.Meta.help_texts, "username": "登录名：字母、数字和 @.+-_"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "两次输入的密码不一致。")
        elif first:
            candidate = User(username=data.get("username") or "", email=data.get("email") or "")
            reasons = password_problems(first, candidate)
            if reasons:
                self.add_error("password1", reasons)
        return data


class PasswordForm(SetPasswordForm):
    error_messages = {"password_mismatch": "两次输入的密码不一致。"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password1"].help_text = "至少 8 个字符，不能太常见或全是数字。"
        self.fields["new_password2"].label = "再次输入新密码"

    def clean_new_password2(self) -> str:
        first = self.cleaned_data.get("new_password1") or ""
        second = self.cleaned_data.get("new_password2") or ""
        if first != second:
            raise forms.ValidationError(self.error_messages["password_mismatch"])
        reasons = password_problems(second, self.user)
        if reasons:
            raise forms.ValidationError(reasons)
        return second


class DepartmentForm(forms.Form):
    name = forms.CharField(label="部门名称", max_length=100, error_messages=REQUIRED)

    def __init__(self, *args: Any, organisation_id: int, current: Department | None, **kw: Any):
        super().__init__(*args, **kw)
        self.organisation_id = organisation_id
        self.current = current

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        taken = Department.objects.filter(organisation_id=self.organisation_id, name=name)
        if self.current is not None:
            taken = taken.exclude(pk=self.current.pk)
        if taken.exists():
            raise forms.ValidationError(f"本组织已有名为“{name}”的部门。")
        return name


class RoutingRuleForm(OrganisationForm):
    class Meta:
        model = RoutingRule
        fields = ["name", "order", "category", "keywords", "department", "active"]


class MessageTemplateForm(OrganisationForm):
    class Meta:
        model = MessageTemplate
        fields = ["channel", "event", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "body": "可用变量："
            + " ".join("{{ " + v + " }}" for v in sorted(VARIABLES))
            + "；可用 {% if 变量 %}…{% else %}…{% endif %}。"
        }

    def clean_subject(self) -> str:
        return self._checked("subject")

    def clean_body(self) -> str:
        return self._checked("body")

    def _checked(self, name: str) -> str:
        source = str(self.cleaned_data.get(name) or "")
        problems = template_problems(source)
        if problems:
            raise forms.ValidationError(problems)
        return source

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        taken = MessageTemplate.objects.filter(
            organisation_id=self.organisation_id,
            channel=data.get("channel"),
            event=data.get("event") or "",
        )
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("本组织已有这个渠道和事件的模板：请直接修改那一条。")
        return data


class MaintenanceForm(forms.ModelForm):
    class Meta:
        model = MaintenanceWindow
        fields = ["starts_at", "ends_at", "message"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }
        help_texts = {"message": "如“月末结账，暂停提交”：显示在本组织每个页面顶部。"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(REQUIRED)
        for name in ("starts_at", "ends_at"):
            field = self.fields[name]
            assert isinstance(field, forms.DateTimeField)
            field.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
            field.error_messages["invalid"] = "时间格式不对：请按 2026-03-07 18:00 填写。"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if isinstance(starts, dt.datetime) and isinstance(ends, dt.datetime):
            if ends <= starts:
                self.add_error("ends_at", "结束时间必须晚于开始时间。")
            elif ends <= timezone.now():
                self.add_error("ends_at", "结束时间已经过去：请填写将来的时间。")
        return data
