"""The clinic in the admin (Persian): reference data (taxonomy, agencies,
settings) is edited here; cases move only through the workflow services."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jahesh.clinic import models as m
from jahesh.core.text import normalize_key


@admin.register(m.ClinicSettings)
class ClinicSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "taxonomy_version", "objection_days", "followup_months"]

    def has_add_permission(self, request) -> bool:
        return not m.ClinicSettings.objects.exists()


@admin.register(m.ObstacleCategory)
class ObstacleCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "wbes_parent", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["code", "name"]


@admin.register(m.Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "is_active", "position"]
    list_editable = ["is_active", "position"]
    search_fields = ["code", "name"]


class ConflictInline(admin.TabularInline):
    model = m.ExpertConflict
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(m.Expert)
class ExpertAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "affiliation", "province", "user", "capacity", "is_active"]
    list_filter = ["kind", "is_active", "province"]
    search_fields = ["name", "name_key", "affiliation"]
    filter_horizontal = ["categories"]
    raw_id_fields = ["user"]
    inlines = [ConflictInline]

    def save_model(self, request, obj, form, change) -> None:
        obj.name_key = normalize_key(obj.name)
        super().save_model(request, obj, form, change)


class EventInline(admin.TabularInline):
    model = m.CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "by", "from_status", "to_status", "reason"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # only the workflow service appends events


@admin.register(m.Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["id", "title", "unit", "category", "severity", "status", "expert", "due_at"]
    list_filter = ["status", "severity", "source", "outcome"]
    search_fields = ["title", "unit__name_key"]
    raw_id_fields = ["unit", "parent", "expert", "created_by", "working_group"]
    readonly_fields = [
        "status",
        "due_at",
        "closed_at",
        "resolved_on",
        "opened_at",
        "opened_on",
        "taxonomy_version",
        "unit_status_at_open",
        "unit_risk_at_open",
        "outcome",
    ]
    inlines = [EventInline]


@admin.register(m.WorkingGroup)
class WorkingGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "province", "is_active"]
    filter_horizontal = ["members"]


class ResolutionInline(admin.TabularInline):
    model = m.Resolution
    extra = 0
    raw_id_fields = ["case"]


@admin.register(m.Session)
class SessionAdmin(SimpleHistoryAdmin):
    list_display = ["group", "number", "held_on", "place"]
    list_filter = ["group"]
    filter_horizontal = ["attendees"]
    raw_id_fields = ["agenda"]
    inlines = [ResolutionInline]


@admin.register(m.Resolution)
class ResolutionAdmin(SimpleHistoryAdmin):
    list_display = ["session", "number", "agency", "passed_on", "due_on", "status", "done_on"]
    list_filter = ["status", "agency"]
    search_fields = ["text"]
    raw_id_fields = ["session", "case"]
