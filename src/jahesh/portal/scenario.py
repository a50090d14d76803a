"""The portal's part of the demo: producers' reports from Markazi in every
state the producer can see (waiting for triage, rejected, merged, a case with
the clinic, with the agency, resolved and rated, closed with a low rating and
its appeal, one appeal answered). After the clinic part (experts, agencies).

Idempotent: a second run finds the first report and changes nothing.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.accounts.models import User
from jahesh.clinic import services as clinic
from jahesh.clinic.models import OPEN_STATUSES, Agency, CaseStatus, Expert, ObstacleCategory
from jahesh.core.identifiers import normalize_legal_id
from jahesh.core.jalali import jalali_year_of
from jahesh.core.text import normalize_key
from jahesh.geo.models import County
from jahesh.portal import publishing, services
from jahesh.portal.models import FigureRelease, PublicReport
from jahesh.units.models import Unit

if TYPE_CHECKING:
    from jahesh.demo.registry import ScenarioContext

S = CaseStatus
ARAK, SAVEH = 19, 236
# (unit, county, category, what happens to it, rating)
REPORTS = [
    ("نان صنعتی سحر", ARAK, "electricity", "received", None),
    ("لبنیات کوهپایه", SAVEH, "finance", "received", None),
    ("کارگاه مبل آراد", ARAK, "tax_admin", "rejected", None),
    ("نان صنعتی سحر", ARAK, "electricity", "merged", None),
    ("ریخته‌گری البرز اراک", ARAK, "social_insurance", "in_progress", None),
    ("قطعه‌سازی تیراژه", ARAK, "gas_water", "waiting", None),
    ("فرش دستباف فراهان", ARAK, "raw_materials", "resolved", 5),
    ("سنگبری ساوه", SAVEH, "permits", "not_resolvable", 1),
    ("کشت گلخانه‌ای میلاجرد", SAVEH, "finance", "resolved", 2),
]
MOBILES = [f"0912555{n:04d}" for n in range(len(REPORTS))]
PATHS = {
    "in_progress": [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS],
    "waiting": [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.WAITING],
    "resolved": [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.RESOLVED],
    "not_resolvable": [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.NOT_RESOLVABLE],
}


def _legal_id(n: int) -> str:
    # An invented but valid legal ID: the check digit that passes the rule.
    body = f"14{n + 1:07d}5"
    for d in "0123456789":
        try:
            return normalize_legal_id(body + d)
        except ValidationError:
            continue
    raise ValueError(body)


def build(ctx: ScenarioContext) -> None:
    _reports(ctx)
    _published_year(ctx)


def _published_year(ctx: ScenarioContext) -> None:
    """Markazi's figures of the last whole Jalali year: every county submitted,
    the province approved and published (by the demo's headquarters manager)."""
    year = jalali_year_of(ctx.as_of) - 1
    hq = User.objects.filter(username="hq").first()
    if hq is None or FigureRelease.objects.filter(province_id=28, year=year, quarter=0).exists():
        return
    for county in County.objects.filter(province_id=28).order_by("name"):
        publishing.county_figures_submit(user=hq, county=county, year=year, quarter=0)
    assert hq.province is not None  # the demo's headquarters manager has a province
    release = publishing.release_for(province=hq.province, year=year, quarter=0)
    publishing.release_approve(user=hq, release=release)
    publishing.release_publish(user=hq, release=release)
    ctx.log(_("درگاه: شاخص‌های سال %(year)s مرکزی منتشر شد") % {"year": year})


def _reports(ctx: ScenarioContext) -> None:
    if PublicReport.objects.exists():
        ctx.log(_("درگاه: گزارش‌ها پیش‌تر ساخته شده‌اند"))
        return
    hq = User.objects.filter(username="hq").first()
    expert = Expert.objects.filter(province_id=28).order_by("pk").first()
    agency = Agency.objects.order_by("pk").first()
    if hq is None or expert is None:
        ctx.log(_("درگاه: کاربر قرارگاه یا کارشناس نیست؛ رد شد"))
        return
    now = timezone.now()
    made: list[PublicReport] = []
    # Accepted reports are of units the demo already has (the figures count
    # units: a new one would move «units monitored» off the article's 760).
    free = Unit.objects.exclude(obstacle_cases__status__in=OPEN_STATUSES).order_by("pk")
    for n, (name, county_id, category, fate, rating) in enumerate(REPORTS):
        county = County.objects.get(pk=county_id)
        unit = free.filter(county=county)[n : n + 1].first() if fate in PATHS else None
        if fate in PATHS and unit is None:
            continue
        name = unit.name if unit else name
        received = now - datetime.timedelta(days=40 - 4 * n, hours=n)
        report = PublicReport.objects.create(
            tracking_code=services.new_tracking_code(), unit_name=name,
            unit_name_key=normalize_key(name), county=county, province_id=county.province_id,
            legal_id=(unit.national_id if unit and unit.national_id else _legal_id(n)), category=ObstacleCategory.objects.get(code=category),
            description=f"شرح مانع «{name}» به زبان تولیدکننده: کار هفته‌هاست گره خورده است.",
            mobile=MOBILES[n], received_at=received,
        )  # fmt: skip
        made.append(report)
        triaged = received + datetime.timedelta(days=1)
        if fate == "rejected":
            services.report_reject(user=hq, report=report, now=triaged,
                                   reason="این موضوع در حوزهٔ قرارگاه نیست؛ به سامانهٔ ۱۳۷ مراجعه کنید.")  # fmt: skip
        elif fate == "merged":
            services.report_merge(user=hq, report=report, into=made[0], now=triaged)
        elif fate in PATHS:
            report = services.report_accept(user=hq, report=report, unit=unit, severity=2,
                                            now=triaged)  # fmt: skip
            data = clinic.MoveInput(reason="پیگیری درگاه", expert=expert, agency=agency,
                                    outcome="other", outcome_note="-")  # fmt: skip
            case = report.case
            assert case is not None  # an accepted report has its case
            for to in PATHS[fate]:
                case = clinic.case_transition(case=case, to_status=to, user=hq, data=data)
            if rating:
                report.rating, report.rating_comment = rating, "نظر تولیدکننده"
                report.rated_at = now - datetime.timedelta(days=2)
                if rating <= 2:
                    report.appeal_opened_at = report.rated_at
                    report.appeal_due_at = now + datetime.timedelta(days=10)
                report.save()
    # One appeal answered by the manager.
    answered = PublicReport.objects.filter(rating=2).first()
    if answered is not None:
        services.appeal_answer(user=hq, report=answered,
                               answer="پرونده دوباره به کارگروه ویژه رفت و پیگیری می‌شود.")  # fmt: skip
    ctx.log(_("درگاه: %(reports)s گزارش مردمی") % {"reports": len(made)})
