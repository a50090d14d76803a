"""Reads of the public intake: what a producer sees of their report (milestones
in their words, derived from statuses only: never a note, a name or an agency's
internal answer), and the triage queue staff see through scoping."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jahesh.accounts.scoping import scoped
from jahesh.clinic.models import CaseEvent, CaseStatus
from jahesh.portal.models import PublicReport

# The producer's statuses, in the order they are reached.
STATUSES = ("received", "accepted", "with_agency", "resolved", "closed", "rejected")


def status_label(code: str) -> str:
    return {
        "received": _("دریافت شد"),
        "accepted": _("پرونده تشکیل شد"),
        "with_agency": _("در دست دستگاه مسئول"),
        "resolved": _("مانع رفع شد"),
        "closed": _("پرونده بسته شد"),
        "rejected": _("پذیرفته نشد"),
    }[code]


@dataclass(frozen=True)
class Milestone:
    at: datetime.datetime
    code: str
    text: str


def _case_milestones(case_id: int) -> list[Milestone]:
    out: list[Milestone] = []
    seen: set[str] = set()
    # Only the time and the status moved to are read: the events' notes are internal.
    for at, to in (
        CaseEvent.objects.filter(case_id=case_id)
        .order_by("at", "pk")
        .values_list("at", "to_status")
    ):
        if to in (CaseStatus.WAITING, CaseStatus.ESCALATED):
            code, text = "with_agency", _("پیگیری نزد دستگاه مسئول یا کارگروه")
        elif to == CaseStatus.RESOLVED:
            code, text = "resolved", _("مانع رفع شد و پرونده بسته شد")
        elif to in (CaseStatus.NOT_RESOLVABLE, CaseStatus.WITHDRAWN):
            code, text = "closed", _("رسیدگی پایان یافت و پرونده بسته شد")
        else:
            continue
        if code == "with_agency" and code in seen:
            continue
        seen.add(code)
        out.append(Milestone(at, code, text))
    return out


def report_milestones(report: PublicReport) -> list[Milestone]:
    """The milestones of ``report`` in the producer's words, oldest first."""
    out = [Milestone(report.received_at, "received", _("گزارش شما دریافت شد"))]
    S = PublicReport.Status
    # A triaged report (rejected, merged or accepted) has its triage time.
    triaged_at = cast(datetime.datetime, report.triaged_at)
    if report.status == S.REJECTED:
        out.append(Milestone(triaged_at, "rejected",
                             _("گزارش بررسی شد و پذیرفته نشد: {reason}").format(
                                 reason=report.reject_reason)))  # fmt: skip
    elif report.status == S.MERGED:
        target = report.merged_into
        while target is not None and target.status == S.MERGED and target.merged_into_id:
            target = target.merged_into
        out.append(Milestone(triaged_at, "accepted",
                             _("گزارش شما با گزارش دیگری از همین واحد یکی شد و همراه آن پیگیری می‌شود")))  # fmt: skip
        if target is not None and target.case_id:
            out.extend(_case_milestones(target.case_id))
    elif report.status == S.ACCEPTED:
        out.append(Milestone(triaged_at, "accepted", _("گزارش شما پذیرفته و پرونده تشکیل شد")))
        if report.case_id is not None:
            out.extend(_case_milestones(report.case_id))
    if report.rated_at:
        out.append(Milestone(report.rated_at, "rated", _("امتیاز شما ثبت شد")))
    if report.appeal_closed_at:
        out.append(Milestone(report.appeal_closed_at, "appeal",
                             _("مدیر قرارگاه به اعتراض شما پاسخ داد: {answer}").format(
                                 answer=report.appeal_answer)))  # fmt: skip
    return out


def producer_status(milestones: list[Milestone]) -> str:
    codes = [m.code for m in milestones if m.code in STATUSES]
    return codes[-1]


def rating_open(report: PublicReport) -> bool:
    from jahesh.clinic.models import CLOSED_STATUSES

    return (
        report.rating is None
        and report.case is not None
        and (report.case.status in CLOSED_STATUSES)
    )


def triage_queue(
    user: Any, *, status: str = PublicReport.Status.RECEIVED
) -> QuerySet[PublicReport]:
    return (
        scoped(user, PublicReport)
        .filter(status=status)
        .select_related("county", "category")
        .order_by("received_at", "pk")
    )


def open_appeals(user: Any) -> QuerySet[PublicReport]:
    return (
        scoped(user, PublicReport)
        .filter(appeal_opened_at__isnull=False, appeal_closed_at__isnull=True)
        .select_related("county", "case")
        .order_by("appeal_due_at", "pk")
    )


def satisfaction_by_county(user: Any) -> list[dict[str, Any]]:
    """Per county the reader sees: reports rated, their mean rating, the share
    satisfied (4 or 5) and the share appealed (1 or 2), in percent."""
    from django.db.models import Avg, Count, Q

    rows = (
        scoped(user, PublicReport)
        .filter(rating__isnull=False)
        .values("county__name")
        .annotate(
            rated=Count("pk"),
            mean=Avg("rating"),
            satisfied=Count("pk", filter=Q(rating__gte=4)),
            appealed=Count("pk", filter=Q(appeal_opened_at__isnull=False)),
        )  # fmt: skip
        .order_by("county__name")
    )
    return [
        {"county": r["county__name"], "rated": r["rated"], "mean": round(r["mean"], 1),
         "satisfied_pct": round(100 * r["satisfied"] / r["rated"]),
         "appeal_pct": round(100 * r["appealed"] / r["rated"])}
        for r in rows
    ]  # fmt: skip
