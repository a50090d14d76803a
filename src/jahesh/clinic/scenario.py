"""The clinic part of the demo scenario (Markazi), after the units part.

1. Experts: professors of the province's universities and industry activists,
   each with categories and ISIC sections; the demo user ``expert`` is linked
   to the first one.
2. Four special working groups.
3. Cases for the units that went through a crisis (``ctx.shared
   ["units_high_risk_ids"]`` from the units part, else read from the risk
   history): EXACTLY ``PREVENTED`` = 110 distinct units get a case opened
   after their crisis visit and resolved with "closure prevented" inside the
   five-year window (every date at least 7 days inside its ends); the other
   crisis units get other outcomes or open cases; some watch-level units get
   cases too; one parent case groups a bank's policy across several units.
   The demo expert gets some assigned open cases.
4. Sessions of each group every five to eight weeks over the five years,
   with agendas from escalated cases and 1–4 resolutions each, followed up.

Experts and groups are registered through their services; every other row is
built by its service's ``*_build`` (or, for a case's trail and a resolution's
follow-ups, its workflow's ``history``) and bulk-written. A second run finds
the first working group and changes nothing.
"""

from __future__ import annotations

import copy
import datetime
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from jahesh.accounts.models import User
from jahesh.clinic import services
from jahesh.clinic.models import (
    Agency,
    Case,
    CaseEvent,
    CaseStatus,
    Expert,
    ObstacleCategory,
    Resolution,
    ResolutionFollowUp,
    ResolutionStatus,
    Session,
    WorkingGroup,
)
from jahesh.clinic.sla import calendar_for, sla_state
from jahesh.clinic.taxonomy import taxonomy_load
from jahesh.core.daily import shared
from jahesh.core.digits import to_persian_digits
from jahesh.core.jalali import TEHRAN, add_jalali_months, last_jalali_years
from jahesh.core.models import recorded_user
from jahesh.core.workflow import Step
from jahesh.geo.models import Province
from jahesh.units.models import RiskAssessment, RiskLevel, StatusChange, Unit, UnitStatus

PROVINCE_ID = 28  # Markazi
PREVENTED = 110  # kpis.md: closures_prevented for Markazi over the five years
MARGIN = timedelta(days=7)
S = CaseStatus
O = Case.Outcome  # noqa: E741

EXPERTS = [
    # (name, kind, affiliation, categories, ISIC sections)
    ("دکتر محمدرضا فراهانی", "university", "دانشگاه اراک", ["finance", "finance.working_capital", "finance.bank_arrears"], "CG"),
    ("دکتر زهرا آشتیانی", "university", "دانشگاه صنعتی اراک", ["machinery", "electricity", "gas_water"], "CD"),
    ("دکتر علی کرمانی", "university", "دانشگاه صنعتی اراک", ["permits", "permits.environment", "permits.standards"], "CE"),
    ("دکتر مریم تفرشی", "university", "دانشگاه اراک", ["market", "customs", "customs.fx_allocation", "sanctions"], "CG"),
    ("دکتر حسین ساوجی", "university", "دانشگاه آزاد اسلامی ساوه", ["tax_admin", "tax_rates", "social_insurance"], "CM"),
    ("دکتر فاطمه خمینی‌زاده", "university", "دانشگاه اراک", ["workforce", "labour_rules", "management"], "CA"),
    ("دکتر رضا شازندی", "university", "دانشگاه صنعتی اراک", ["raw_materials", "machinery", "transport"], "CB"),
    ("دکتر سعید محلاتی", "university", "دانشگاه آزاد اسلامی اراک", ["courts", "courts.owner_disputes", "land"], "CL"),
    ("دکتر نرگس دلیجانی", "university", "دانشگاه پیام نور اراک", ["finance.bank_facilities", "finance"], "CK"),
    ("مهندس احمد رحیمی", "industry", "اتاق بازرگانی اراک", ["finance.working_capital", "market", "raw_materials"], "C"),
    ("مهندس مهدی کاظمی", "industry", "انجمن صنایع ریخته‌گری استان مرکزی", ["machinery", "electricity", "raw_materials"], "C"),
    ("مهندس سارا نوری", "industry", "خانهٔ صنعت، معدن و تجارت استان مرکزی", ["customs", "sanctions", "customs.fx_allocation"], "CG"),
    ("مهندس جواد امینی", "industry", "انجمن صنفی کارفرمایان ساوه", ["labour_rules", "social_insurance", "workforce"], "C"),
    ("مهندس پرویز قاسمی", "industry", "شهرک صنعتی کاوه", ["land", "gas_water", "electricity"], "CD"),
    ("مهندس لیلا حیدری", "industry", "اتاق تعاون استان مرکزی", ["finance.bank_facilities", "management"], "CA"),
    ("مهندس کامران صادقی", "industry", "انجمن صنایع غذایی استان مرکزی", ["permits.standards", "market", "raw_materials"], "CA"),
    ("مهندس بهروز یزدانی", "government", "سازمان صمت استان مرکزی", ["permits", "land", "tax_admin"], "C"),
    ("مهندس نسرین جعفری", "government", "شرکت شهرک‌های صنعتی استان مرکزی", ["land", "gas_water", "transport"], "CH"),
]  # fmt: skip

GROUPS = [
    ("کارگروه ویژهٔ صنایع بزرگ و ریخته‌گری", "مشکلات صنایع بزرگ استان: ماشین‌سازی، ریخته‌گری و فولاد", ["machinery", "electricity", "raw_materials"]),
    ("کارگروه ویژهٔ تأمین مالی و بانکی", "تسهیلات، معوقات و تأمین سرمایه در گردش واحدها", ["finance", "finance.working_capital", "finance.bank_facilities", "finance.bank_arrears"]),
    ("کارگروه ویژهٔ انرژی و زیرساخت", "برق، گاز، آب و زیرساخت شهرک‌ها", ["electricity", "gas_water", "land", "transport"]),
    ("کارگروه ویژهٔ تجارت، ارز و مالیات", "گمرک، تخصیص ارز، تحریم و امور مالیاتی", ["customs", "customs.fx_allocation", "sanctions", "tax_admin", "tax_rates", "social_insurance"]),
]  # fmt: skip

AGENCY_FOR = {
    "finance": "banks", "tax": "tax", "social": "social_security", "electricity": "power",
    "gas": "gas", "customs": "customs", "permits": "smt", "land": "estates", "courts": "judiciary",
    "sanctions": "governorate", "labour": "governorate", "raw": "smt", "market": "smt",
    "transport": "governorate", "machinery": "smt", "management": "smt", "workforce": "smt",
}  # fmt: skip

# Obstacles of units in crisis, by weight (bank arrears and liquidity lead, as in the article).
CRISIS_CATEGORIES = [
    ("finance.working_capital", 20), ("finance.bank_arrears", 16), ("finance.bank_facilities", 10),
    ("raw_materials", 8), ("customs.fx_allocation", 7), ("social_insurance", 7), ("tax_admin", 6),
    ("electricity", 5), ("gas_water", 4), ("market", 6), ("courts.owner_disputes", 3),
    ("sanctions", 4), ("permits.environment", 2), ("land", 2),
]  # fmt: skip

EVIDENCE = [
    "امهال معوقات بانکی با مصوبهٔ کارگروه و نامهٔ شعبهٔ مرکزی بانک؛ بازگشت خط تولید در بازدید بعدی تأیید شد.",
    "تأمین سرمایه در گردش از محل تسهیلات تبصرهٔ ۱۸؛ بازدید کارشناس پایش: کارگاه فعال و کارکنان سر کار.",
    "رفع توقیف حساب‌ها با تقسیط بدهی تأمین اجتماعی؛ گزارش بازدید پس از توافق پیوست است.",
    "تخصیص ارز مواد اولیه پس از پیگیری در کارگروه؛ واحد دوباره تولید را آغاز کرد.",
    "جلوگیری از قطع گاز با تقسیط بدهی و نامهٔ شرکت گاز؛ خط تولید متوقف نشد.",
    "حل اختلاف شرکا با میانجی‌گری کارشناس کلینیک و صورت‌جلسهٔ توافق؛ واحد فعال ماند.",
]

# Resolution texts by the agency that must carry them out.
RESOLUTION_TEXTS = {
    "banks": [
        "بانک عامل معوقات واحد را تا {m} ماه امهال کند و جرائم تأخیر را ببخشد.",
        "بانک‌های عامل سرمایه در گردش واحد را در سقف تبصرهٔ ۱۸ پرداخت کنند.",
        "بانک عامل وثیقهٔ ملکی واحد را به جای سفته بپذیرد و پرونده را ظرف {m} هفته تعیین تکلیف کند.",
    ],
    "social_security": ["سازمان تأمین اجتماعی بدهی واحد را در {m} قسط تقسیط و حساب‌های واحد را رفع توقیف کند."],
    "power": ["شرکت توزیع برق تا پایان مهلت از قطع انشعاب واحد خودداری کند و بدهی را {m} قسطی دریافت کند."],
    "gas": ["شرکت گاز سهمیهٔ زمستانی واحد را حفظ کند و بدهی را {m} قسطی دریافت کند."],
    "tax": ["سازمان امور مالیاتی پروندهٔ واحد را در هیئت حل اختلاف خارج از نوبت بررسی کند و بدهی را {m} قسطی کند."],
    "customs": ["گمرک مواد اولیهٔ واحد را با تعهد ارزی و ضمانت‌نامه ظرف {m} روز ترخیص کند."],
    "smt": ["سازمان صمت درخواست تخصیص ارز مواد اولیهٔ واحد را با اولویت پیگیری و ظرف {m} هفته پاسخ دهد."],
    "estates": ["شرکت شهرک‌های صنعتی برای توسعهٔ واحد زمین با اقساط {m} ماهه واگذار کند."],
    "judiciary": ["دادگستری پروندهٔ واحد را برای صلح و سازش به شورای حل اختلاف ارجاع دهد."],
    "governorate": ["فرمانداری جلسهٔ هماهنگی دستگاه‌های مرتبط با واحد را ظرف {m} روز برگزار کند."],
}  # fmt: skip


def build(ctx) -> None:
    """Create the clinic's data once (idempotent: the first working group marks it)."""
    taxonomy_load()
    if WorkingGroup.objects.filter(province_id=PROVINCE_ID, name=GROUPS[0][0]).exists():
        _link_demo_expert()
        return
    crisis_on = _crisis_units(ctx)
    if len(crisis_on) < PREVENTED:
        ctx.log(
            "  "
            + _("کلینیک: فقط %(units)s واحد در بحران (لازم: %(need)s)؛ رد شد")
            % {"units": len(crisis_on), "need": PREVENTED}
        )
        return
    with transaction.atomic():
        _Builder(ctx, crisis_on).run()


def _link_demo_expert() -> None:

    user = User.objects.filter(username="expert").first()
    first = Expert.objects.filter(province_id=PROVINCE_ID, name=EXPERTS[0][0]).first()
    if user is not None and first is not None and first.user_id is None:
        first.user = user
        first.save(update_fields=["user"])


def _window(as_of: date) -> tuple[date, date]:
    start, end = last_jalali_years(as_of, 5)
    return start + MARGIN, min(end, as_of) - MARGIN


def _crisis_units(ctx) -> dict[int, date]:
    """Unit id → the first day it was at high risk inside the window."""
    shared = ctx.shared.get("units_high_risk_on")
    if shared:
        return dict(shared)
    first, last = _window(ctx.as_of)
    since: dict[int, date] = {}
    rows = (
        RiskAssessment.objects.filter(
            unit__county__province_id=PROVINCE_ID, level=RiskLevel.HIGH,
            assessed_on__gte=first, assessed_on__lte=last,
        )
        .order_by("unit_id", "assessed_on")
        .values_list("unit_id", "assessed_on")
    )  # fmt: skip
    for unit_id, on in rows:
        since.setdefault(unit_id, on)
    return since


def _at(day: date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TEHRAN)


def _no_rows(model: Any) -> Any:
    """An empty prefetched set of ``model``, as ``prefetch_related`` leaves one
    (its rows already read: none), so reading it compiles no query either."""
    rows = model.objects.none()
    rows._result_cache, rows._prefetch_done = [], True
    return rows


def _trail(
    case: Case, who: Callable[[Case, str], Any], *, has_children: bool = True
) -> list[CaseEvent]:
    """The case's workflow trail, not saved: each planned move checked by
    ``CASE_FLOW.history`` as ``case_transition`` checks it (the table, the
    mover's role, an expert moves only the cases assigned to them, each guard:
    an active expert without a conflict with the unit, the agency waited on,
    the reason, the working group, the outcome and its evidence, no open child
    case), made by ``who(case, to)``. The moves run on a copy, so the case keeps
    what it was drawn with (its deadline as of the demo's day, its follow-up)."""
    moved = copy.copy(case)
    moved.status = S.NEW
    # Its events are written after every trail (the caller's bulk insert): none to
    # read for each move (a query per move, thousands at national scale).
    moved._prefetched_objects_cache = {"events": _no_rows(CaseEvent)}  # type: ignore[attr-defined]
    if not has_children:  # the builder knows them: no query per closing move for none
        moved._prefetched_objects_cache["children"] = _no_rows(Case)  # type: ignore[attr-defined]
    carried = services.MoveInput(
        escalated_to=case.escalated_to,
        working_group=case.working_group,
        outcome=case.outcome,
        outcome_note=case.outcome_note,
        financing_rial=case.financing_rial,
        jobs_preserved=case.jobs_preserved,
    )
    steps = [
        Step(to, at, data=replace(carried, reason=why), reason=why, user=who(case, to))
        for at, _from, to, why in case.planned_events
    ]
    events = services.CASE_FLOW.history(moved, steps, user=None)
    if moved.status != case.status:
        raise ValueError(
            f"demo case {case.pk}: its trail leads to {moved.status}, not {case.status}"
        )
    return events  # type: ignore[return-value]


def _done_after_today(
    resolution: Resolution, entry: services.FollowUpFields, hq: Any
) -> ResolutionFollowUp:
    """A late execution drawn after the demo's day (its deadline up to ten days
    before it, done up to 25 days late), which no one could record yet, so
    ``resolution_follow_up`` refuses it: the demo keeps it as drawn, moved by
    hand, as before the services checked its follow-ups."""
    resolution.status, resolution.done_on = entry.status_after, entry.on
    return ResolutionFollowUp(
        resolution=resolution,
        on=entry.on,
        by=recorded_user(hq),
        note=entry.note,
        status_after=entry.status_after,
    )


class _Builder:
    def __init__(self, ctx, crisis_on: dict[int, date]) -> None:
        self.calendar = calendar_for(PROVINCE_ID)  # every demo case is Markazi's
        self.actor = ctx.actor(PROVINCE_ID)
        self.settings = services.clinic_settings()
        self.ctx = ctx
        self.rng: random.Random = ctx.rng("clinic")
        self.crisis_on = crisis_on
        self.first, self.last = _window(ctx.as_of)
        self.categories = {c.code: c for c in ObstacleCategory.objects.all()}
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.cases: list[Case] = []
        self.events: dict[int, list[tuple[datetime.datetime, str, str, str]]] = {}
        self.escalations: dict[int, list[tuple[date, date, int]]] = defaultdict(list)

    def run(self) -> None:
        # Thousands of moves checked against the settings and the calendar: read once.
        with shared():
            self._run()

    def _run(self) -> None:
        self.experts = self._experts()
        self.groups = self._groups()
        units = Unit.objects.select_related("county").in_bulk(list(self.crisis_on))
        self.changes = defaultdict(list)
        for unit_id, on, frm, to in (
            StatusChange.objects.filter(unit__county__province_id=PROVINCE_ID)
            .order_by("changed_on", "id")
            .values_list("unit_id", "changed_on", "from_status", "to_status")
        ):
            self.changes[unit_id].append((on, frm, to))
        self._crisis_cases(units)
        self._watch_cases()
        self._parent_case()
        self._write_cases()
        n_sessions, n_resolutions = self._sessions()
        self.ctx.log(
            "  "
            + _(
                "کلینیک: %(experts)s کارشناس، %(groups)s کارگروه، %(cases)s پرونده"
                " (%(prevented)s تعطیلی پیشگیری‌شده)، %(sessions)s جلسه، %(resolutions)s مصوبه"
            )
            % {
                "experts": len(self.experts),
                "groups": len(self.groups),
                "cases": len(self.cases),
                "prevented": PREVENTED,
                "sessions": n_sessions,
                "resolutions": n_resolutions,
            }
        )

    # --- Experts and groups -------------------------------------------------------

    def _experts(self) -> list[Expert]:
        """The experts, registered through ``services.expert_create`` as the
        province's headquarters registers them (``ctx.actor``)."""
        user = User.objects.filter(username="expert").first()
        actor = self.ctx.actor(PROVINCE_ID)
        province = Province.objects.get(pk=PROVINCE_ID)
        capacities = [self.rng.choice([6, 8, 10, 12]) for _spec in EXPERTS]
        experts = [
            services.expert_create(
                user=actor,
                name=name,
                kind=kind,
                affiliation=aff,
                province=province,
                categories=[self.categories[code] for code in codes],
                isic_sections=sections,
                capacity=capacity,
                expert_user=user if i == 0 else None,
            )
            for i, ((name, kind, aff, codes, sections), capacity) in enumerate(
                zip(EXPERTS, capacities, strict=True)
            )
        ]
        self.expertise = {e.pk: set(spec[3]) for e, spec in zip(experts, EXPERTS, strict=True)}
        return experts

    def _groups(self) -> list[WorkingGroup]:
        actor = self.ctx.actor(PROVINCE_ID)
        province = Province.objects.get(pk=PROVINCE_ID)
        groups = []
        for name, topic, codes in GROUPS:
            members = [e for e in self.experts if self.expertise[e.pk] & set(codes)][:6]
            group = services.working_group_create(
                user=actor, name=name, topic=topic, province=province, members=members
            )
            group.codes = codes
            groups.append(group)
        return groups

    def _expert_for(self, code: str) -> Expert:
        root = code.split(".", 1)[0]
        fits = [
            e
            for e in self.experts
            if code in self.expertise[e.pk]
            or root in {c.split(".")[0] for c in self.expertise[e.pk]}
        ]
        return self.rng.choice(fits or self.experts)

    def _agency_for(self, code: str) -> Agency:
        key = code.split(".", 1)[0].split("_", 1)[0]
        if code == "social_insurance":
            key = "social"
        if code == "gas_water":
            key = "gas"
        return self.agencies[AGENCY_FOR.get(key, "smt")]

    def _category(self) -> str:
        codes, weights = zip(*CRISIS_CATEGORIES, strict=True)
        return self.rng.choices(codes, weights)[0]

    # --- Cases ----------------------------------------------------------------------

    def _crisis_cases(self, units: dict[int, Unit]) -> None:
        ids = sorted(self.crisis_on)
        self.rng.shuffle(ids)
        prevented = 0
        for unit_id in ids:
            unit = units[unit_id]
            since = self.crisis_on[unit_id]
            opened = since + timedelta(days=self.rng.randint(2, 25))
            if prevented < PREVENTED:
                resolved = opened + timedelta(days=self.rng.randint(25, 160))
                if resolved > self.last or opened < self.first:
                    continue  # too late in the window for a closed case: an open one below
                self._case(
                    unit,
                    opened,
                    S.RESOLVED,
                    resolved_on=resolved,
                    outcome=O.CLOSURE_PREVENTED,
                    risk=RiskLevel.HIGH,
                )
                prevented += 1
        done = {c.unit_id for c in self.cases}
        assert prevented == PREVENTED, prevented
        demo_expert = self.experts[0]
        mine = 0
        for unit_id in ids:
            if unit_id in done:
                continue
            unit = units[unit_id]
            opened = max(
                self.crisis_on[unit_id] + timedelta(days=self.rng.randint(2, 25)), self.first
            )
            if opened > self.last:
                continue
            roll = self.rng.random()
            resolved = opened + timedelta(days=self.rng.randint(20, 200))
            if resolved <= self.last and roll < 0.55:
                outcome = self.rng.choice([O.REVIVED, O.FINANCING, O.JOBS_PRESERVED, O.OTHER])
                self._case(
                    unit,
                    opened,
                    S.RESOLVED,
                    resolved_on=resolved,
                    outcome=outcome,
                    risk=RiskLevel.HIGH,
                )
            elif resolved <= self.last and roll < 0.7:
                self._case(
                    unit, opened, S.NOT_RESOLVABLE, resolved_on=resolved, risk=RiskLevel.HIGH
                )
            else:
                status = self.rng.choice(
                    [S.IN_PROGRESS, S.WAITING, S.ESCALATED, S.ASSIGNED, S.TRIAGED, S.NEW]
                )
                # Open cases are recent: opened in the last five weeks before the
                # window's inner end, so some are overdue and most are not.
                opened = max(opened, self.last - timedelta(days=self.rng.randint(0, 35)))
                expert = demo_expert if mine < 6 and unit.county.name == "اراک" else None
                if expert is not None and status in (S.NEW, S.TRIAGED):
                    status = S.IN_PROGRESS
                mine += expert is not None
                self._case(unit, opened, status, risk=RiskLevel.HIGH, expert=expert)
        if mine < 3:  # the demo expert always has some open cases
            for case in [c for c in self.cases if c.status in (S.IN_PROGRESS, S.WAITING)][
                : 3 - mine
            ]:
                case.expert = demo_expert

    def _watch_cases(self) -> None:
        """Smaller obstacles of units at watch level: mostly resolved or withdrawn."""
        done = {c.unit_id for c in self.cases}
        units = list(
            Unit.objects.filter(county__province_id=PROVINCE_ID, risk_level=RiskLevel.WATCH)
            .exclude(pk__in=done)
            .select_related("county")
            .order_by("id")[:260]
        )
        for unit in units:
            opened = self.first + timedelta(
                days=self.rng.randint(0, (self.last - self.first).days - 40)
            )
            resolved = opened + timedelta(days=self.rng.randint(10, 120))
            if resolved > self.last:
                self._case(
                    unit,
                    self.last - timedelta(days=self.rng.randint(3, 30)),
                    self.rng.choice([S.NEW, S.TRIAGED, S.IN_PROGRESS]),
                    risk=RiskLevel.WATCH,
                )
            elif self.rng.random() < 0.8:
                self._case(
                    unit,
                    opened,
                    S.RESOLVED,
                    resolved_on=resolved,
                    risk=RiskLevel.WATCH,
                    outcome=self.rng.choice([O.FINANCING, O.OTHER, O.JOBS_PRESERVED]),
                )
            else:
                self._case(unit, opened, S.WITHDRAWN, resolved_on=resolved, risk=RiskLevel.WATCH)

    def _parent_case(self) -> None:
        """One bank's policy (no rescheduling of arrears) hits several units at once."""
        units = list(
            Unit.objects.filter(county__province_id=PROVINCE_ID)
            .exclude(pk__in={c.unit_id for c in self.cases})
            .select_related("county")
            .order_by("-employees", "id")[:7]
        )
        if len(units) < 2:
            return
        opened = self.last - timedelta(days=40)
        parent = self._case(
            units[0],
            opened,
            S.ESCALATED,
            code="finance.bank_arrears",
            title="توقف امهال معوقات در یکی از بانک‌های عامل استان",
            risk=RiskLevel.WATCH,
        )
        for unit in units[1:]:
            child = self._case(
                unit,
                opened + timedelta(days=self.rng.randint(1, 10)),
                self.rng.choice([S.IN_PROGRESS, S.WAITING]),
                code="finance.bank_arrears",
                title="معوقات بانکی؛ مشمول سیاست بانک",
                risk=RiskLevel.WATCH,
            )
            child.parent_placeholder = parent

    def _case(
        self,
        unit: Unit,
        opened: date,
        status: str,
        *,
        resolved_on: date | None = None,
        outcome: str = "",
        risk: str = "",
        expert: Expert | None = None,
        code: str = "",
        title: str = "",
    ) -> Case:
        rng = self.rng
        code = code or self._category()
        category = self.categories[code]
        expert = expert or self._expert_for(code)
        agency = self._agency_for(code)
        severity = (
            4
            if outcome == O.CLOSURE_PREVENTED
            else rng.choice([2, 3, 3, 4])
            if risk == RiskLevel.HIGH
            else rng.choice([1, 2, 2, 3])
        )
        events, group = self._plan_events(opened, status, resolved_on)
        case = services.case_build(
            user=self.actor,
            unit=unit,
            category=category,
            severity=severity,
            title=title or category.name,
            source=rng.choice(["visit"] * 5 + ["letter", "portal", "referral"]),
            description=f"مانع «{category.name}» در بازدید یا گزارش واحد ثبت شد.",
            agency=agency,
            now=_at(opened),
            settings=self.settings,
            unit_status_at_open=self._status_at(unit, opened),
            # The level the demo drew the case for (a crisis unit's "high"), not
            # read again from the risk history as the service reads it.
            unit_risk_at_open=risk,
        )
        case.province_id = unit.county.province_id  # bulk-written: no save() derives it
        # Where its trail (below, checked by CASE_FLOW.history on a copy) leads.
        case.status = status
        case.expert = None if status in (S.NEW, S.TRIAGED) else expert
        if group is not None:
            case.escalated_to, case.working_group = Case.Escalation.WORKING_GROUP, group
        if status in (S.RESOLVED, S.NOT_RESOLVABLE, S.WITHDRAWN):
            case.closed_at = events[-1][0]
        if status == S.RESOLVED:
            case.resolved_on = resolved_on
            case.outcome = outcome
            case.jobs_preserved = unit.employees
            if outcome == O.CLOSURE_PREVENTED:
                case.outcome_note = rng.choice(EVIDENCE)
                case.followup_due_on = add_jalali_months(resolved_on, 6)
                if case.followup_due_on <= self.ctx.as_of - timedelta(days=14):
                    roll = rng.random()
                    if roll < 0.93:
                        services.case_followup_build(
                            case=case,
                            on=case.followup_due_on + timedelta(days=rng.randint(0, 12)),
                            confirmed=roll < 0.88,
                            note="بازدید پیگیری: واحد فعال است."
                            if roll < 0.88
                            else "بازدید پیگیری: واحد دوباره متوقف شده است.",
                            now=self.ctx.clock(),
                        )
            elif outcome == O.FINANCING:
                case.financing_rial = rng.randint(5, 400) * 1_000_000_000
        # The deadline after its trail, as the last move's ``_deadline`` leaves it
        # (the trail runs on a copy); the demo's limit is 21 days at every severity.
        state = sla_state(
            opened_at=case.opened_at,
            limit_days=21,
            events=[(at, to) for at, _f, to, _r in events],
            now=_at(self.ctx.as_of, 12),
            calendar=self.calendar,
        )
        case.due_at = (
            state.due_at if status not in (S.RESOLVED, S.NOT_RESOLVABLE, S.WITHDRAWN) else None
        )
        case.planned_events = events
        self.cases.append(case)
        return case

    def _status_at(self, unit: Unit, day: date) -> str:
        """As ``units.selectors.unit_status_at``, from the preloaded history."""
        changes = self.changes.get(unit.pk, [])
        status = changes[0][1] if changes and changes[0][1] else unit.status
        for on, _frm, to in changes:
            if on <= day:
                status = to
        return status or UnitStatus.ACTIVE

    def _plan_events(self, opened: date, status: str, resolved_on: date | None):
        """The moves from ``new`` to ``status`` with plausible gaps, ending on ``resolved_on``."""
        rng = self.rng
        path = {
            S.NEW: [],
            S.TRIAGED: [S.TRIAGED],
            S.ASSIGNED: [S.TRIAGED, S.ASSIGNED],
            S.IN_PROGRESS: [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS],
            S.WAITING: [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.WAITING],
            S.ESCALATED: [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.ESCALATED],
        }
        group = None
        if status in path:
            steps = path[status]
        elif status == S.WITHDRAWN:
            steps = [S.TRIAGED, S.WITHDRAWN]
        else:
            steps = [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS]
            if rng.random() < 0.45:
                steps += [S.WAITING, S.IN_PROGRESS]
            if rng.random() < 0.3:
                steps += [S.ESCALATED]
            steps += [status]
        if S.ESCALATED in steps:
            group = rng.choice(self.groups)
        reasons = {
            S.WAITING: "در انتظار پاسخ دستگاه", S.ESCALATED: "نیاز به مصوبهٔ کارگروه ویژه",
            S.RESOLVED: "مانع رفع شد", S.NOT_RESOLVABLE: "مانع در اختیار استان نیست",
            S.WITHDRAWN: "واحد درخواست را پس گرفت", S.IN_PROGRESS: "",
        }  # fmt: skip
        end = resolved_on or min(opened + timedelta(days=rng.randint(3, 30)), self.last)
        span = max((end - opened).days, len(steps))
        days = sorted(rng.sample(range(1, span + 1), len(steps))) if steps else []
        if resolved_on and days:
            days[-1] = (resolved_on - opened).days
        events, prev = [(_at(opened), "", S.NEW, "")], S.NEW
        for step, d in zip(steps, days, strict=True):
            on = opened + timedelta(days=d)
            events.append((_at(on, 10 + len(events) % 6), prev, step, reasons.get(step, "")))
            if step == S.ESCALATED and group is not None:
                self.escalations[group.pk].append((on, resolved_on or self.last, len(self.cases)))
            prev = step
        return events, group

    def _write_cases(self) -> None:
        created = bulk_create_with_history(self.cases, Case, batch_size=500)
        for case, saved in zip(self.cases, created, strict=True):
            case.pk = case.id = saved.pk
        parents = set()
        for case in self.cases:
            parent = getattr(case, "parent_placeholder", None)
            if parent is not None:
                Case.objects.filter(pk=case.pk).update(parent_id=parent.pk)
                parents.add(parent.pk)

        hq = User.objects.filter(username="hq").first()
        worker_moves = {S.IN_PROGRESS, S.WAITING, S.ESCALATED, S.RESOLVED, S.NOT_RESOLVABLE}

        stand_ins: dict[int, Any] = {}

        def who(case: Case, to: str):
            if to in worker_moves and case.expert is not None and case.expert.user_id:
                return case.expert.user
            # No saved hq (the national generator): its unsaved stand-in, whom no
            # row names (one per province, not one per move).
            if hq is None and case.province_id not in stand_ins:
                stand_ins[case.province_id] = self.ctx.actor(case.province_id)
            return hq or stand_ins[case.province_id]

        trail = [
            e for case in self.cases for e in _trail(case, who, has_children=case.pk in parents)
        ]
        CaseEvent.objects.bulk_create(trail, batch_size=2000)

    # --- Sessions and resolutions ------------------------------------------------------

    def _sessions(self) -> tuple[int, int]:
        """Sessions, their attendance and agendas, resolutions and follow-ups, each
        built by the service's ``*_build`` and written in bulk; a resolution's
        follow-ups move it through ``RESOLUTION_FLOW.history``, as the province's
        headquarters (``hq``, else its unsaved stand-in, whom no row names)."""
        rng = self.rng
        hq = User.objects.filter(username="hq").first() or self.ctx.actor(PROVINCE_ID)
        now = self.ctx.clock()
        sessions, plans = [], []
        for group in self.groups:
            day, number = self.first + timedelta(days=rng.randint(5, 30)), 0
            members = list(group.members.all())
            while day <= self.last:
                number += 1
                session = services.session_build(
                    group=group, number=number, held_on=day, place="سالن جلسات استانداری مرکزی",
                    other_attendees="نمایندهٔ سازمان صمت\nنمایندهٔ بانک‌های عامل\nنمایندهٔ اتاق بازرگانی اراک",
                    minutes=(f"جلسهٔ {to_persian_digits(number)} {group.name} با حضور اعضا برگزار شد. پرونده‌های ارجاع‌شده "
                             "بررسی و برای هر یک دستگاه مسئول و مهلت اجرا تعیین شد."),
                )  # fmt: skip
                sessions.append(session)
                plans.append((session, members, group))
                day += timedelta(days=rng.randint(35, 56))
        sessions = bulk_create_with_history(sessions, Session, batch_size=500)
        saved = {
            (s.group_id, s.number): s.pk
            for s in Session.objects.filter(group__in=self.groups).only("id", "group_id", "number")
        }
        attend_rows, agenda_rows, resolutions, followups = [], [], [], []
        for session, members, group in plans:
            session.pk = session.id = saved[(group.pk, session.number)]
            attendees = rng.sample(members, min(len(members), rng.randint(3, 5)))
            on_agenda = [
                self.cases[i]
                for start, end, i in self.escalations[group.pk]
                if start <= session.held_on <= end
            ][:4]
            attendance, agenda = services.session_links_build(
                session, attendees=attendees, agenda=on_agenda
            )
            attend_rows += attendance
            agenda_rows += agenda
            for n in range(1, rng.randint(1, 4) + 1):
                case = on_agenda[n - 1] if n <= len(on_agenda) else None
                resolution, entries = self._resolution(session, n, case, group)
                if entries and entries[0].on > timezone.localdate(now):
                    followups.append(_done_after_today(resolution, entries[0], hq))
                else:
                    followups += services.resolution_follow_ups_build(
                        resolution=resolution, user=hq, follow_ups=entries, now=now
                    )
                resolutions.append(resolution)
        services.session_links_create((attend_rows, agenda_rows), batch_size=2000)
        bulk_create_with_history(resolutions, Resolution, batch_size=500)
        saved_r = {
            (r.session_id, r.number): r.pk
            for r in Resolution.objects.filter(session__group__in=self.groups).only(
                "id", "session_id", "number"
            )
        }
        for r in resolutions:
            r.pk = r.id = saved_r[(r.session_id, r.number)]
        ResolutionFollowUp.objects.bulk_create(followups, batch_size=2000)
        return len(sessions), len(resolutions)

    def _resolution(
        self, session: Session, n: int, case: Case | None, group
    ) -> tuple[Resolution, list[services.FollowUpFields]]:
        """A resolution built by ``services.resolution_build`` and the follow-ups
        that will move it: done on its day, or objected within the window, or not
        executed a week after its deadline."""
        rng = self.rng
        code = case.category.code if case else rng.choice(group.codes)
        agency = case.agency if case and case.agency else self._agency_for(code)
        due = session.held_on + timedelta(days=rng.choice([15, 30, 30, 45, 60, 90]))
        status, done_on = ResolutionStatus.OPEN, None
        if due < self.ctx.as_of - timedelta(days=10):
            roll = rng.random()
            # Agencies differ: banks and customs lag, power and the estates company deliver.
            bias = {"banks": -0.15, "customs": -0.1, "tax": -0.05, "power": 0.08, "estates": 0.1}
            p = 0.72 + bias.get(agency.code, 0)
            if roll < p:
                status = ResolutionStatus.DONE
                late = rng.random() < 0.2
                done_on = (
                    due + timedelta(days=rng.randint(1, 25))
                    if late
                    else due - timedelta(days=rng.randint(0, 10))
                )
                done_on = max(done_on, session.held_on + timedelta(days=1))
            elif roll < p + 0.08:
                status = ResolutionStatus.OBJECTED
            else:
                status = ResolutionStatus.NOT_EXECUTED
        texts = RESOLUTION_TEXTS.get(agency.code) or RESOLUTION_TEXTS["governorate"]
        text = rng.choice(texts).format(m=to_persian_digits(rng.choice([3, 6, 12])))
        if case is not None:
            text = f"دربارهٔ «{case.unit.name}»: {text}"
        resolution = services.resolution_build(
            session=session,
            number=n,
            text=text,
            case=case,
            agency=agency,
            responsible_person=rng.choice(
                ["مدیر امور شعب", "معاون اقتصادی", "مدیرکل", "رئیس اداره"]
            ),
            due_on=due,
            objection_days=15,
        )
        # The demo's window is 15 calendar days, which the service (15 working
        # days after the session) never gives: the demo's data were drawn with
        # it and stay as they were (an objected follow-up is dated on its last day).
        resolution.objection_until = session.held_on + timedelta(days=15)
        if status == ResolutionStatus.DONE:
            assert done_on is not None  # drawn with the status just above
            entry = services.FollowUpFields(
                on=done_on, note="اجرای مصوبه با نامهٔ دستگاه تأیید شد.", status_after=status
            )
        elif status == ResolutionStatus.OPEN:
            return resolution, []
        else:
            on = (
                resolution.objection_until
                if status == ResolutionStatus.OBJECTED
                else resolution.due_on + timedelta(days=7)
            )
            entry = services.FollowUpFields(
                on=min(on, self.last), note="پیگیری دبیرخانه", status_after=status
            )
        return resolution, [entry]
