from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jahesh.projects.models import (
    DirectService,
    FacilityCheck,
    ProgressReport,
    Project,
    ProjectEvent,
    ProjectFunding,
    ProjectPhoto,
    ProjectResult,
    ServiceBeneficiary,
)


class FundingInline(admin.TabularInline):
    model = ProjectFunding
    extra = 0
    raw_id_fields = ("labour_skill",)


class ProgressInline(admin.TabularInline):
    model = ProgressReport
    extra = 0
    raw_id_fields = ("reported_by",)


class ResultInline(admin.TabularInline):
    model = ProjectResult
    extra = 0


class EventInline(admin.TabularInline):
    # Events are the workflow's record: read-only here (only services move a project).
    model = ProjectEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "at", "by", "reason")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "county", "status", "progress_pct", "actual_end")
    list_filter = ("status", "kind", "in_deprived_area")
    search_fields = ("title", "title_key")
    raw_id_fields = ("county", "village", "city", "implementer_group", "created_by")
    # Status moves only through the workflow service (its guards and events).
    readonly_fields = ("status", "progress_pct", "progress_on", "in_deprived_area")
    inlines = [FundingInline, ProgressInline, ResultInline, EventInline]
    list_per_page = 50
    show_full_result_count = False


@admin.register(DirectService)
class DirectServiceAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "delivered_on", "county", "quantity", "unit_value_rial", "value_rial")
    list_filter = ("kind",)
    raw_id_fields = ("county", "village", "city", "camp", "group", "created_by")
    readonly_fields = ("value_rial",)
    date_hierarchy = "delivered_on"
    list_per_page = 50
    show_full_result_count = False

    def save_model(self, request, obj, form, change) -> None:
        obj.value_rial = obj.quantity * obj.unit_value_rial
        super().save_model(request, obj, form, change)


@admin.register(ServiceBeneficiary)
class ServiceBeneficiaryAdmin(admin.ModelAdmin):
    list_display = ("national_code", "service", "sex", "birth_year")
    search_fields = ("national_code",)
    raw_id_fields = ("service",)


admin.site.register(ProjectPhoto)
admin.site.register(FacilityCheck, SimpleHistoryAdmin)
