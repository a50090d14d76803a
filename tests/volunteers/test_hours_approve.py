from __future__ import annotations

from datetime import datetime

from jahesh.volunteers.models import RosterEntry, RosterEvent
from jahesh.volunteers.services import RosterRow, hours_approve, hours_reject, roster_save

NOW = datetime(2024, 5, 6, 9, 0).astimezone()


def _pending(users, camp, vols, skills):
    roster_save(
        actor=users["coordinator"],
        camp=camp,
        rows=[
            RosterRow(vols["arak"].national_code, skills["builder"].pk, 8),
            RosterRow(vols["saveh"].national_code, skills["teacher"].pk, 5),
        ],
        source=RosterEntry.Source.VOLUNTEER,
        now=NOW,
    )
    return list(RosterEntry.objects.order_by("id"))


def test_it_approves_pending_hours(users, camp, vols, skills):
    a, b = _pending(users, camp, vols, skills)
    assert hours_approve(actor=users["coordinator"], entry_ids=[a.pk, b.pk], now=NOW) == 2
    a.refresh_from_db()
    assert (a.status, a.approved_by, a.approved_at) == ("approved", users["coordinator"], NOW)
    assert RosterEvent.objects.filter(to_status="approved").count() == 2


def test_it_skips_rows_already_decided(users, camp, vols, skills):
    a, b = _pending(users, camp, vols, skills)
    hours_reject(actor=users["coordinator"], entry_ids=[a.pk], note="حضور تأیید نشد", now=NOW)
    assert hours_approve(actor=users["coordinator"], entry_ids=[a.pk, b.pk], now=NOW) == 1
    a.refresh_from_db()
    assert a.status == "rejected"
    assert RosterEvent.objects.get(entry=a, to_status="rejected").note == "حضور تأیید نشد"


def test_it_does_not_approve_out_of_scope_rows(users, camp, vols, skills):
    a, _b = _pending(users, camp, vols, skills)  # the camp is in Arak
    assert hours_approve(actor=users["saveh"], entry_ids=[a.pk], now=NOW) == 0
    a.refresh_from_db()
    assert a.status == "logged"


def test_it_re_logs_volunteer_hours_after_a_rejection(users, camp, vols, skills):
    a, _b = _pending(users, camp, vols, skills)
    hours_reject(actor=users["coordinator"], entry_ids=[a.pk], now=NOW)
    roster_save(
        actor=users["coordinator"],
        camp=camp,
        rows=[RosterRow(vols["arak"].national_code, skills["builder"].pk, 8)],
        source=RosterEntry.Source.VOLUNTEER,
        now=NOW,
    )
    a.refresh_from_db()
    assert a.status == "logged"
