"""Organisations, departments, users and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from fapiao.accounts.roles import Role


class Organisation(models.Model):
    name = models.CharField("名称", max_length=200, unique=True)
    tax_id = models.CharField("纳税人识别号", max_length=20, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "组织"
        verbose_name_plural = "组织"

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="departments", verbose_name="组织"
    )
    name = models.CharField("名称", max_length=100)

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="uniq_department_name")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        verbose_name="组织",
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        related_name="members",
        null=True,
        blank=True,
        verbose_name="部门",
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.SUBMITTER)
    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    # A reviewer limited to some departments reviews and sees only theirs; empty = all.
    review_departments = models.ManyToManyField(
        Department, blank=True, related_name="reviewers", verbose_name="负责审核的部门"
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def _hash_token(raw: str) -> str:
    # Tokens are long random strings, so a fast hash is enough: no brute force is feasible,
    # and every API call must verify one cheaply.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    PREFIX = "fp_"
    # Every token expires: one that never did would be a password nobody ever changes.
    MAX_DAYS = 365

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="用户"
    )
    name = models.CharField("用途", max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters let a person tell tokens apart without storing them.
    token_hint = models.CharField("前缀", max_length=12, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("过期时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.token_hint}… ({self.user})"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @classmethod
    def issue(cls, *, user: User, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
        """Create a token valid for `days` (FAPIAO_API_TOKEN_DAYS by default); the raw
        value is returned once and never stored."""
        days = settings.API_TOKEN_DAYS if days is None else days
        if not 1 <= days <= cls.MAX_DAYS:
            raise ValueError(f"a token is valid for 1 to {cls.MAX_DAYS} days, not {days}")
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            token_hash=_hash_token(raw),
            token_hint=raw[:10],
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        return token, raw

    @classmethod
    def find(cls, raw: str) -> ApiToken | None:
        """The unrevoked token `raw` is, expired or not (so that the caller can say which)."""
        if not raw.startswith(cls.PREFIX):
            return None
        return (
            cls.objects.filter(revoked_at__isnull=True, token_hash=_hash_token(raw))
            .select_related("user", "user__organisation")
            .first()
        )

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        token = cls.find(raw)
        if token is None or token.expired or not token.user.is_active:
            return None
        now = timezone.now()
        # Avoid a write per request: the last-use time only needs minute precision.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user


class LoginAttempt(models.Model):
    """A failed sign-in (or one whose password is being checked): fapiao.accounts.throttle
    counts them by (username, address) and by address."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"
        indexes = [models.Index(fields=["ip_address", "created_at"], name="login_address_recent")]

    def __str__(self) -> str:
        return f"{self.username} @ {self.created_at:%Y-%m-%d %H:%M}"
