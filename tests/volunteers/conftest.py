"""Fixtures of the volunteers tests: skills with rates, a medical licence kind,
a volunteer in Arak and one in Saveh, a group in each, a camp in Arak."""

from __future__ import annotations

from datetime import date

import pytest

from jahesh.core.text import normalize_key
from jahesh.volunteers.models import Camp, CredentialKind, Group, Membership, Skill, Volunteer
from jahesh.volunteers.national_codes import national_code_for
from jahesh.volunteers.selectors import volunteer_search_key


@pytest.fixture
def licence(db):
    return CredentialKind.objects.create(code="medical_licence", name="پروانهٔ پزشکی")


@pytest.fixture
def skills(licence):
    def skill(name, rate, kind=None):
        return Skill.objects.create(
            name=name, name_key=normalize_key(name), hourly_rate_rial=rate, credential_kind=kind
        )

    return {
        "doctor": skill("پزشک عمومی", 2_000_000, licence),
        "builder": skill("بنا", 600_000),
        "teacher": skill("معلم", 450_000),
    }


def make_volunteer(
    n: int, county, *, first="علی", last="رضایی", registered_on=date(2022, 1, 1), **kw
):
    code = national_code_for(n)
    return Volunteer.objects.create(
        national_code=code,
        first_name=first,
        last_name=last,
        gender=kw.pop("gender", Volunteer.Gender.MALE),
        county=county,
        registered_on=registered_on,
        search_key=volunteer_search_key(
            first_name=first, last_name=last, national_code=code, mobile=kw.get("mobile", "")
        ),
        **kw,
    )


@pytest.fixture
def vols(geo):
    return {
        "arak": make_volunteer(1, geo["arak"], first="مریم", last="کریمی", gender="female"),
        "saveh": make_volunteer(2, geo["saveh"], first="حسن", last="احمدی"),
        "tehran": make_volunteer(
            3, geo["tehran_county"], first="سارا", last="نوری", gender="female"
        ),
    }


@pytest.fixture
def groups(geo, vols):
    def group(name, county, leader):
        g = Group.objects.create(
            name=name,
            name_key=normalize_key(name),
            county=county,
            leader=leader,
            specialty=Group.Specialty.MEDICAL,
        )
        Membership.objects.create(group=g, volunteer=leader, joined_on=date(2022, 2, 1))
        return g

    return {
        "arak": group("گروه جهادی شهید همت", geo["arak"], vols["arak"]),
        "saveh": group("گروه جهادی ساوه", geo["saveh"], vols["saveh"]),
    }


@pytest.fixture
def camp(geo, groups):
    from jahesh.geo.models import Village

    c = Camp.objects.create(
        title="اردوی پزشکی روستای اراک",
        purpose=Camp.Purpose.MEDICAL,
        county=geo["arak"],
        village=Village.objects.get(pk=1),
        start_date=date(2024, 5, 1),
        end_date=date(2024, 5, 5),
    )
    c.groups.set([groups["arak"]])
    return c
