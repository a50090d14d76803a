from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jahesh.accounts.roles import ROLE_SCOPE, Role, ScopeKind

_PROVINCE_ROLES = [r for r, k in ROLE_SCOPE.items() if k == ScopeKind.PROVINCE]


class User(AbstractUser):
    """A person who signs in. Their role says what they may do; their province or
    county says where (see ``jahesh.accounts.scoping``)."""

    role = models.CharField(_("نقش"), max_length=32, choices=Role.choices, default=Role.VIEWER)
    province = models.ForeignKey(
        "geo.Province",
        verbose_name=_("استان"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("برای نقش‌های استانی؛ خالی یعنی کل کشور (فقط با تیک «کل کشور»)."),
    )
    county = models.ForeignKey(
        "geo.County",
        verbose_name=_("شهرستان"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("برای کارشناس شهرستان."),
    )
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

    class Meta(AbstractUser.Meta):
        verbose_name = _("کاربر")
        verbose_name_plural = _("کاربران")
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
