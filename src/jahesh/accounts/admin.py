from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jahesh.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "get_full_name",
        "role",
        "province",
        "county",
        "nationwide",
        "is_active",
    )
    list_filter = ("role", "province", "is_active", "is_staff")
    list_select_related = ("province", "county")
    search_fields = ("username", "first_name", "last_name", "mobile")
    autocomplete_fields = ("province", "county")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("نقش و محدوده", {"fields": ("role", "province", "county", "nationwide", "mobile")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("نقش و محدوده", {"fields": ("role", "province", "county", "nationwide")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "prefix",
        "user",
        "name",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_select_related = ("user",)
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)
    search_fields = ("user__username", "prefix", "name")
    actions = ("revoke",)

    @admin.action(description=_("ابطال توکن‌های انتخاب‌شده"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        now = timezone.now()
        queryset.filter(revoked_at__isnull=True).update(revoked_at=now)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A token is shown once when issued (API or `jahesh` shell); the admin
        # could only show its hash, so it does not create them.
        return False
