"""Admin of the funds app. Money rows (ledger, repayments, installments) are
read-only here: they change only through ``services`` (append-only ledger)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from jahesh.funds.models import (
    Fund,
    GuaranteeDocument,
    Guarantor,
    Installment,
    LedgerEntry,
    Loan,
    LoanEvent,
    LotteryDraw,
    Member,
    Repayment,
    Verification,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Fund)
class FundAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "code",
        "county",
        "host",
        "founded_on",
        "closed_on",
        "status",
        "fee_rate",
    ]
    list_filter = ["status", "host"]
    search_fields = ["name", "name_key", "code"]
    raw_id_fields = ["county", "city", "village"]
    filter_horizontal = ["managers"]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "national_code", "fund", "gender", "joined_on", "board_role"]
    list_filter = ["gender", "board_role"]
    search_fields = ["national_code", "name_key", "mobile"]
    raw_id_fields = ["fund"]


class InstallmentInline(admin.TabularInline):
    model = Installment
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "due_on",
        "amount",
        "fee_part",
        "principal_part",
        "paid_fee",
        "paid_principal",
        "paid_on",
    ]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = LoanEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "at", "by", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Loan)
class LoanAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "fund", "principal", "months", "status", "disbursed_on"]
    list_filter = ["status", "job_kind"]
    search_fields = ["member__national_code", "member__name_key", "fund__code"]
    raw_id_fields = ["fund", "member", "draw", "requested_by", "approved_by", "disbursed_by"]
    # The workflow moves only through services (maker-checker, events, ledger).
    readonly_fields = [
        "status",
        "fee",
        "approved_on",
        "disbursed_on",
        "closed_on",
        "approved_by",
        "disbursed_by",
    ]
    inlines = [InstallmentInline, EventInline]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["entered_on", "fund", "kind", "amount", "member", "loan", "reverses"]
    list_filter = ["kind"]
    search_fields = ["fund__code", "member__national_code"]


@admin.register(Repayment)
class RepaymentAdmin(ReadOnlyAdmin):
    list_display = ["loan", "amount", "paid_on", "key", "reversed_at"]
    search_fields = ["key"]


@admin.register(Verification)
class VerificationAdmin(SimpleHistoryAdmin):
    list_display = ["loan", "visited_on", "verifier", "business_running", "jobs_found"]
    raw_id_fields = ["loan", "verified_by"]


@admin.register(Guarantor)
class GuarantorAdmin(SimpleHistoryAdmin):
    list_display = ["loan", "member"]
    raw_id_fields = ["loan", "member"]


@admin.register(GuaranteeDocument)
class GuaranteeDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["loan", "kind", "number", "bank", "amount", "returned_on"]
    raw_id_fields = ["loan"]


@admin.register(LotteryDraw)
class LotteryDrawAdmin(ReadOnlyAdmin):
    list_display = ["fund", "seed", "slots", "drawn_at", "drawn_by"]
