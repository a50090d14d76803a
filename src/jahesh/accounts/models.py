from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jahesh.accounts.roles import ROLE_SCOPE, Role, ScopeKind
from jahesh.core.models import optional_link

_PROVINCE_ROLES = [r for r, k in ROLE_SCOPE.items() if k == ScopeKind.PROVINCE]


class User(AbstractUser):
    """A person who signs in. Their role says what they may do; their province or
    county says where (see ``jahesh.accounts.scoping``)."""

    role = models.CharField(_("نقش"), max_length=32, choices=Role.choices, default=Role.VIEWER)
    province = optional_link(
        "geo.Province",
        _("استان"),
        help_text=_("برای نقش‌های استانی؛ خالی یعنی کل کشور (فقط با تیک «کل کشور»)."),
    )
    county = optional_link("geo.County", _("شهرستان"), help_text=_("برای کارشناس شهرستان."))
    nationwide = models.BooleanField(
        _("کل کشور"),
        default=False,
        help_text=_("نقش استانی با دسترسی به همهٔ استان‌ها (ستاد ملی)."),
    )
    mobile = models.CharField(_("تلفن همراه"), max_length=11, blank=True)
    # The language the user last picked with the switch; signing in applies it
    # (accounts.views), so it follows the person from one browser to another.
    # Empty: never picked, Persian.
    language = models.CharField(
        _("زبان"), max_length=8, blank=True, choices=[("fa", "فارسی"), ("en", "English")]
    )

    # set_password() keeps the raw password here until save() (Django's own
    # attribute, which the stubs leave out); signals.py reads it and notes a change.
    _password: str | None
    _jahesh_password_changed: bool = False

    class Meta(AbstractUser.Meta):
        # The stubs type the base Meta's names as str; Django takes lazy text.
        verbose_name = _("کاربر")  # type: ignore[assignment]
        verbose_name_plural = _("کاربران")  # type: ignore[assignment]
        constraints = [
            # A county officer without a county, or a provincial role without a
            # province (and not nationwide), would have an undefined scope.
            models.CheckConstraint(
                condition=~Q(role=Role.COUNTY_OFFICER) | Q(county__isnull=False),
                name="accounts_user_county_officer_has_county",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=_PROVINCE_ROLES)
                | Q(province__isnull=False)
                | Q(nationwide=True),
                name="accounts_user_province_role_has_province",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A county's user belongs to its province too: the people pages (and the
        # provincial managers who run them) reach users through their province.
        if self.county is not None:
            self.province_id = self.county.province_id
            if kwargs.get("update_fields") is not None and "county" in kwargs["update_fields"]:
                kwargs["update_fields"] = {*kwargs["update_fields"], "province"}
        super().save(*args, **kwargs)


class ApiTokenQuerySet(models.QuerySet):
    def active(self, *, now: datetime) -> ApiTokenQuerySet:
        """Tokens that still authenticate: neither revoked nor expired at ``now``."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token itself is
    shown once, when it is issued. Every token expires (``JAHESH_TOKEN_DAYS``);
    a revoked one keeps its row (when, and when last used) for the audit."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("آغاز توکن"), max_length=8, editable=False)
    name = models.CharField(_("نام"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("ایجاد"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("آخرین استفاده"), null=True, blank=True)
    expires_at = models.DateTimeField(_("انقضا"))
    revoked_at = models.DateTimeField(_("ابطال"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("توکن API")
        verbose_name_plural = _("توکن‌های API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return secrets.token_urlsafe(32)


class UserChange(models.Model):
    """One change to a user made by a manager of people or by the user: who, to
    whom, what, when. Written only by ``accounts.services``; never edited."""

    class Action(models.TextChoices):
        CREATE = "create", _("ایجاد")
        UPDATE = "update", _("ویرایش")
        DEACTIVATE = "deactivate", _("غیرفعال‌سازی")
        ACTIVATE = "activate", _("فعال‌سازی")
        RESET_SENT = "reset_sent", _("ارسال رمز یک‌بار مصرف بازیابی")
        PASSWORD = "password", _("تعیین گذرواژهٔ تازه")
        TWO_FACTOR_ON = "2fa_on", _("روشن کردن ورود دومرحله‌ای")
        TWO_FACTOR_OFF = "2fa_off", _("خاموش کردن ورود دومرحله‌ای")

    actor = models.ForeignKey(
        User, verbose_name=_("انجام‌دهنده"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    user = models.ForeignKey(
        User, verbose_name=_("کاربر"), on_delete=models.CASCADE, related_name="changes"
    )
    action = models.CharField(_("کار"), max_length=12, choices=Action.choices)
    # {"field": [old, new]} for an edit; labels are read from the model when shown.
    changes = models.JSONField(_("تغییرها"), default=dict, blank=True)
    at = models.DateTimeField(_("زمان"), auto_now_add=True)

    class Meta:
        verbose_name = _("تغییر کاربر")
        verbose_name_plural = _("تغییرهای کاربران")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="accounts_userchange_user_idx")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_action_display()}"


class PasswordResetCode(models.Model):
    """A six-digit code that lets a user set a new password, sent by SMS and/or
    e-mail. Only its hash is kept; it dies after ``RESET_CODE_MINUTES``, after
    ``RESET_CODE_TRIES`` wrong tries, or once used (and a newer code replaces it)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reset_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_resetcode_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"
