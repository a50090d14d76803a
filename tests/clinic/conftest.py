from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from jahesh.clinic import services
from jahesh.clinic.models import (
    Agency,
    CaseStatus,
    Expert,
    ObstacleCategory,
    Resolution,
    WorkingGroup,
)
from jahesh.core.text import normalize_key
from jahesh.units.models import RiskAssessment, Unit

S = CaseStatus
# Every clinic test runs at this instant (Tehran): 1404/09/06 10:00.
NOW = datetime.datetime(
    2025, 11, 27, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=3.5))
)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _load_taxonomy():
    # Loaded by a data migration, but a transactional test may have flushed it;
    # loading is idempotent.
    from jahesh.clinic.taxonomy import taxonomy_load

    taxonomy_load()


@pytest.fixture
def make_unit(geo):
    counter = {"n": 0}

    def make(county=None, **fields):
        counter["n"] += 1
        fields.setdefault("name", f"واحد آزمایشی {counter['n']}")
        fields.setdefault("sector", "industry")
        fields.setdefault("employees", 40)
        unit = Unit.objects.create(
            county=county or geo["arak"], name_key=normalize_key(fields["name"]), **fields
        )
        return unit

    return make


@pytest.fixture
def high_risk(db):
    def mark(unit, on=datetime.date(2025, 10, 1)):
        RiskAssessment.objects.create(
            unit=unit, assessed_on=on, score=75, level="high", status=unit.status
        )
        return unit

    return mark


@pytest.fixture
def category(db):
    _load_taxonomy()
    return ObstacleCategory.objects.get(code="finance.bank_arrears")


@pytest.fixture
def agency(db):
    _load_taxonomy()
    return Agency.objects.get(code="banks")


@pytest.fixture
def expert(geo, users):
    """The expert linked to the ``expert`` user."""
    return Expert.objects.create(
        name="دکتر رضا محمدی",
        name_key=normalize_key("دکتر رضا محمدی"),
        kind="university",
        affiliation="دانشگاه اراک",
        province=geo["markazi"],
        user=users["expert"],
        isic_sections="C",
    )


@pytest.fixture
def other_expert(geo):
    return Expert.objects.create(
        name="مهندس سارا احمدی",
        name_key=normalize_key("مهندس سارا احمدی"),
        kind="industry",
        province=geo["markazi"],
    )


@pytest.fixture
def group(geo, expert):
    g = WorkingGroup.objects.create(name="کارگروه صنایع بزرگ", province=geo["markazi"])
    g.members.add(expert)
    return g


@pytest.fixture
def make_case(users, category, agency, expert, make_unit, group):
    """A case of a new unit, moved along the happy path up to ``status``."""
    path = {
        S.NEW: [],
        S.TRIAGED: [S.TRIAGED],
        S.ASSIGNED: [S.TRIAGED, S.ASSIGNED],
        S.IN_PROGRESS: [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS],
        S.WAITING: [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.WAITING],
        S.ESCALATED: [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.ESCALATED],
        S.RESOLVED: [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.RESOLVED],
        S.NOT_RESOLVABLE: [S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.NOT_RESOLVABLE],
        S.WITHDRAWN: [S.TRIAGED, S.ASSIGNED, S.WITHDRAWN],
    }
    data = services.MoveInput(
        reason="دلیل آزمایشی",
        expert=expert,
        agency=agency,
        escalated_to="working_group",
        working_group=group,
        outcome="other",
        outcome_note="یادداشت",
    )

    def make(status=S.NEW, unit=None, **fields):
        fields.setdefault("severity", 3)
        fields.setdefault("agency", agency)
        case = services.case_create(
            user=users["admin"],
            unit=unit or make_unit(),
            category=category,
            title="قطع تسهیلات بانکی",
            source="visit",
            **fields,
        )
        for to in path[status]:
            case = services.case_transition(case=case, to_status=to, user=users["admin"], data=data)
        return case

    return make


def at(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def resolution(group, users, expert, agency) -> Resolution:
    """A resolution of ``group``'s session held on Mon 1 Sep 2025, due 1 Oct 2025,
    open to objection until 23 Sep 2025 (15 working days)."""
    session = services.session_create(
        user=users["hq"], group=group, held_on=datetime.date(2025, 9, 1), attendees=[expert]
    )
    return services.resolution_create(
        user=users["hq"], session=session, text="مصوبه", agency=agency,
        due_on=datetime.date(2025, 10, 1),
    )  # fmt: skip
