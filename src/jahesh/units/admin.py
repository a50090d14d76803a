from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jahesh.units.models import RiskAssessment, RiskSettings, StatusChange, Unit, Visit, VisitPhoto


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = [
        "changed_on",
        "from_status",
        "to_status",
        "reason",
        "changed_by",
        "created_at",
    ]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # only services append status changes (they also re-assess risk)


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "national_id",
        "county",
        "sector",
        "isic_code",
        "status",
        "risk_score",
        "risk_level",
    ]
    list_filter = ["sector", "status", "risk_level", "isic_section"]
    search_fields = ["name", "name_key", "national_id", "code"]
    raw_id_fields = ["county", "city", "village", "created_by"]
    readonly_fields = [
        "isic_division",
        "isic_section",
        "size",
        "last_visit_on",
        "risk_score",
        "risk_level",
        "risk_assessed_on",
    ]
    inlines = [StatusChangeInline]


class VisitPhotoInline(admin.TabularInline):
    model = VisitPhoto
    extra = 0


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = [
        "unit",
        "visited_on",
        "visitor_name",
        "capacity_utilization",
        "unpaid_wage_months",
    ]
    list_filter = ["sales_trend", "utility_cutoff_notice", "owner_issue"]
    date_hierarchy = "visited_on"
    raw_id_fields = ["unit", "visitor", "created_by"]
    inlines = [VisitPhotoInline]


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(admin.ModelAdmin):
    list_display = ["unit", "assessed_on", "score", "level", "status"]
    list_filter = ["level"]
    raw_id_fields = ["unit", "visit"]


@admin.register(RiskSettings)
class RiskSettingsAdmin(SimpleHistoryAdmin):
    """Weights and thresholds of the risk index (docs/risk-index.md). New
    weights apply to assessments made from now on; past ones keep their score."""

    list_display = ["__str__", "watch_threshold", "high_threshold", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return not RiskSettings.objects.exists()
