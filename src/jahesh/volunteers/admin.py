"""Admin of the volunteers app: the editable reference lists (skills with their
hourly rates, credential kinds) and read-mostly views of the records."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jahesh.core.text import normalize_key
from jahesh.volunteers import models as m


@admin.register(m.CredentialKind)
class CredentialKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(m.Skill)
class SkillAdmin(SimpleHistoryAdmin):
    list_display = ["name", "hourly_rate_rial", "credential_kind", "is_active"]
    list_editable = ["hourly_rate_rial", "is_active"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        obj.name_key = normalize_key(obj.name)
        super().save_model(request, obj, form, change)


class SkillInline(admin.TabularInline):
    model = m.VolunteerSkill
    extra = 0


class CredentialInline(admin.TabularInline):
    model = m.Credential
    extra = 0


@admin.register(m.Volunteer)
class VolunteerAdmin(SimpleHistoryAdmin):
    list_display = ["national_code", "first_name", "last_name", "county", "status", "registered_on"]
    list_filter = ["status", "gender"]
    search_fields = ["national_code", "search_key"]
    readonly_fields = ["search_key"]
    raw_id_fields = ["county"]
    inlines = [SkillInline, CredentialInline]


@admin.register(m.Group)
class GroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "specialty", "county", "leader", "is_active"]
    list_filter = ["specialty", "is_active"]
    search_fields = ["name_key"]
    raw_id_fields = ["county", "leader"]


@admin.register(m.Camp)
class CampAdmin(SimpleHistoryAdmin):
    list_display = ["title", "purpose", "county", "start_date", "end_date"]
    list_filter = ["purpose"]
    search_fields = ["title"]
    raw_id_fields = ["county", "village", "city", "groups", "created_by"]
    date_hierarchy = "start_date"


@admin.register(m.RosterEntry)
class RosterEntryAdmin(SimpleHistoryAdmin):
    list_display = ["camp", "volunteer", "skill", "hours", "status", "source"]
    list_filter = ["status", "source"]
    raw_id_fields = ["camp", "volunteer", "skill", "logged_by", "approved_by"]


@admin.register(m.Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "volunteer", "camp", "issued_at", "revoked_at"]
    search_fields = ["code"]
    raw_id_fields = ["volunteer", "camp", "issued_by"]
