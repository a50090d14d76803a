from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jahesh.core.errors import InvalidInput
from jahesh.volunteers.models import Credential, RosterEntry, RosterEvent
from jahesh.volunteers.national_codes import national_code_for
from jahesh.volunteers.services import RosterRow, roster_save

from .conftest import make_volunteer

NOW = datetime(2024, 5, 6, 9, 0).astimezone()


def test_it_saves_coordinator_hours_as_approved_at_the_skills_rate(users, camp, vols, skills):
    result = roster_save(
        actor=users["coordinator"],
        camp=camp,
        rows=[RosterRow(vols["arak"].national_code, skills["builder"].pk, "۷٫۵")],
        now=NOW,
    )
    assert (result.created, result.updated) == (1, 0)
    entry = RosterEntry.objects.get(camp=camp, volunteer=vols["arak"])
    assert entry.hours == Decimal("7.5")
    assert entry.status == RosterEntry.Status.APPROVED
    assert entry.approved_by == users["coordinator"] and entry.approved_at == NOW
    assert entry.hourly_rate_rial == 600_000
    assert list(RosterEvent.objects.values_list("from_status", "to_status")) == [("", "approved")]
    assert entry.history.count() == 1


def test_it_keeps_the_volunteers_own_hours_pending(users, camp, vols, skills):
    roster_save(
        actor=users["coordinator"],
        camp=camp,
        rows=[RosterRow(vols["saveh"].national_code, skills["teacher"].pk, 6)],
        source=RosterEntry.Source.VOLUNTEER,
        now=NOW,
    )
    entry = RosterEntry.objects.get()
    assert (entry.status, entry.source, entry.approved_at) == ("logged", "volunteer", None)


def test_it_refuses_a_doctor_whose_licence_expires_before_the_camp_ends(
    users, camp, vols, skills, licence
):
    # Given a licence that expired on the camp's 3rd day (the camp runs 1–5 May 2024)
    Credential.objects.create(
        volunteer=vols["arak"], kind=licence, number="12345", expires_on=date(2024, 5, 3)
    )
    with pytest.raises(InvalidInput) as exc:
        roster_save(
            actor=users["coordinator"],
            camp=camp,
            rows=[RosterRow(vols["arak"].national_code, skills["doctor"].pk, 8)],
            now=NOW,
        )
    [error] = exc.value.errors
    assert error["field"] == "rows.0.national_code"
    # The message names the credential and its expiry date (Jalali, 14 Ordibehesht 1403)
    assert "پروانهٔ پزشکی" in error["message"] and "مریم کریمی" in error["message"]
    assert "۱۴۰۳/۰۲/۱۴" in error["message"]
    assert not RosterEntry.objects.exists()


def test_it_accepts_the_doctor_once_a_renewed_licence_is_recorded(
    users, camp, vols, skills, licence
):
    Credential.objects.create(volunteer=vols["arak"], kind=licence, expires_on=date(2024, 5, 3))
    Credential.objects.create(volunteer=vols["arak"], kind=licence, expires_on=date(2026, 5, 3))
    roster_save(
        actor=users["coordinator"],
        camp=camp,
        rows=[RosterRow(vols["arak"].national_code, skills["doctor"].pk, 8)],
        now=NOW,
    )
    assert RosterEntry.objects.get().hourly_rate_rial == 2_000_000


def test_it_refuses_a_volunteer_without_a_credential_the_camp_requires(
    users, camp, vols, skills, licence
):
    camp.required_credential_kinds.add(licence)
    with pytest.raises(InvalidInput) as exc:
        roster_save(
            actor=users["coordinator"],
            camp=camp,
            rows=[RosterRow(vols["saveh"].national_code, skills["builder"].pk, 8)],
            now=NOW,
        )
    assert "ندارد" in exc.value.errors[0]["message"]


def test_it_reports_every_bad_row_and_saves_none(users, camp, vols, skills):
    rows = [
        RosterRow(vols["arak"].national_code, skills["builder"].pk, 8),
        RosterRow("0081234561", None, 8),  # bad check digit
        RosterRow(vols["arak"].national_code, None, 8),  # twice
        RosterRow(vols["saveh"].national_code, None, "هشت"),
        RosterRow(vols["tehran"].national_code, None, 8),  # out of the coordinator's province
        RosterRow(national_code_for(999), None, 8),  # not registered
    ]
    with pytest.raises(InvalidInput) as exc:
        roster_save(actor=users["coordinator"], camp=camp, rows=rows, now=NOW)
    fields = [e["field"] for e in exc.value.errors]
    assert fields == [
        "rows.1.national_code",
        "rows.2.national_code",
        "rows.3.hours",
        "rows.4.national_code",
        "rows.5.national_code",
    ]
    assert not RosterEntry.objects.exists()


def test_it_updates_changed_rows_and_leaves_unchanged_ones(users, camp, vols, skills):
    rows = [
        RosterRow(vols["arak"].national_code, skills["builder"].pk, 8),
        RosterRow(vols["saveh"].national_code, skills["builder"].pk, 8),
    ]
    roster_save(actor=users["coordinator"], camp=camp, rows=rows, now=NOW)
    rows[1] = RosterRow(vols["saveh"].national_code, skills["builder"].pk, 10)
    result = roster_save(actor=users["coordinator"], camp=camp, rows=rows, now=NOW)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert RosterEntry.objects.get(volunteer=vols["saveh"]).hours == 10
    assert RosterEvent.objects.count() == 3


def test_it_uses_the_same_number_of_queries_for_5_and_50_rows(users, camp, geo, skills):
    def run(first, n):
        people = [make_volunteer(first + i, geo["arak"]) for i in range(n)]
        rows = [RosterRow(v.national_code, skills["builder"].pk, 8) for v in people]
        with CaptureQueriesContext(connection) as ctx:
            roster_save(actor=users["coordinator"], camp=camp, rows=rows, now=NOW)
        return len(ctx.captured_queries)

    small, large = run(100, 5), run(200, 50)
    assert large <= small + 2, (small, large)
    assert RosterEntry.objects.count() == 55
