"""Reads of the public intake: what a producer sees of their report (milestones
in their words, derived from statuses only: never a note, a name or an agency's
internal answer), and the triage queue staff see through scoping."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Q, QuerySet, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.accounts.scoping import Area, scoped
from jahesh.clinic.models import CLOSED_STATUSES, CaseEvent, CaseStatus
from jahesh.portal.models import PublicReport
from jahesh.reports.periods import Period
from jahesh.reports.selectors import cached_html, dashboard_cache_seconds

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


def satisfaction(
    reports: QuerySet[PublicReport], *, now: datetime.datetime | None = None
) -> dict[str, Any]:
    """The one definition of satisfaction and appeals, per county of ``reports``
    (already limited by the scoping mechanism) and for all of them: reports
    rated, their mean rating, the share satisfied (4 or 5), appeals opened
    (ratings of 1 or 2) and their share of the ratings, and the appeals still
    open past their time limit (``now``). Counties without a rating are left out.
    Answers ``{"rows": [...], "total": {...} | None}``."""
    now = now or timezone.now()
    rated = reports.filter(rating__isnull=False).order_by()
    figures = {
        "rated": Count("pk"), "rating_sum": Sum("rating"),
        "satisfied": Count("pk", filter=Q(rating__gte=4)),
        "appeals": Count("pk", filter=Q(appeal_opened_at__isnull=False)),
        "overdue": Count("pk", filter=Q(appeal_opened_at__isnull=False,
                                        appeal_closed_at__isnull=True, appeal_due_at__lt=now)),
    }  # fmt: skip
    # Rows of the county and the figures' names (the stubs know only the first two).
    by_county = cast(
        Iterable[dict[str, Any]],
        rated.values("county__name", "county_id").annotate(**figures).order_by("county__name"),
    )
    rows = [
        _rates({"county": r["county__name"], "county_id": r["county_id"],
                **{key: r[key] for key in figures}})
        for r in by_county
    ]  # fmt: skip
    if not rows:
        return {"rows": [], "total": None}
    total = {key: sum(r[key] for r in rows) for key in figures}
    return {"rows": rows, "total": _rates({"county": _("همه"), "county_id": None, **total})}


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    """A row's mean rating (one decimal) and shares (whole percent) from its counts."""
    rated = row["rated"]
    return {
        **row, "mean": round(row["rating_sum"] / rated, 1),
        "satisfied_pct": round(100 * row["satisfied"] / rated),
        "appeal_pct": round(100 * row["appeals"] / rated),
    }  # fmt: skip


def satisfaction_by_county(user: Any) -> dict[str, Any]:
    """The triage tab's figures: every report the reader may open."""
    return satisfaction(scoped(user, PublicReport))


def satisfaction_in_area(area: Area, period: Period | None = None) -> dict[str, Any]:
    """The dashboard's figures: the reports of ``area`` (clamped to the reader's
    scope by ``area_for``) rated within ``period`` (half-open, by the rating's day)."""
    reports = PublicReport.objects.filter(area.q("county"))
    if period is not None:
        start, end = (timezone.make_aware(datetime.datetime.combine(d, datetime.time()))
                      for d in (period.start, period.end))  # fmt: skip
        reports = reports.filter(rated_at__gte=start, rated_at__lt=end)
    return satisfaction(reports)


def dashboard_section(*, request: Any, area: Area, period: Period) -> dict[str, Any]:
    """The dashboard's section (``reports.panels.SECTIONS``): satisfaction and
    appeals per county of the dashboard's area and period, rendered once and kept
    like the dashboard's figures (``cached_html``: per area, period and language,
    with the area's data version, which every write to public reports moves:
    ``portal.wiring``), so a rating, an appeal or its answer shows on the next
    read. The overdue count also moves with the clock alone (an appeal's limit
    passing without a write): it may lag by ``JAHESH_DASHBOARD_CACHE_SECONDS``,
    as the dashboard's overdue cases do; a day in the key would not bound it (a
    limit is a moment, not a day)."""
    html = cached_html(
        f"satisfaction:{area.province_id}:{area.county_id}:{period.start}:{period.end}",
        dashboard_cache_seconds(),
        lambda: render_to_string(
            "portal/partials/dashboard_satisfaction.html",
            {"satisfaction": satisfaction_in_area(area, period), "area": area, "period": period},
        ),
        area,
    )
    return {"html": html}
