"""The monthly narrative report (PDF) to each province's headquarters managers
on the first working day of each Jalali month: after Nowruz for Farvardin, a day
later in a province closed on the first working day; once."""

from __future__ import annotations

import datetime

from jahesh.geo.services import closure_add
from jahesh.notifications.models import Notification
from tests.notifications.conftest import tehran


def _reports(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind="monthly_report").values_list(
            "title", flat=True
        )
    )


def test_farvardins_report_goes_out_on_the_first_working_day_after_nowruz(
    users, run_at, mailoutbox
):
    users["hq"].email = "hq@example.org"
    users["hq"].save(update_fields=["email"])
    for day in (21, 22, 23, 24):  # 1–4 Farvardin 1405: Nowruz
        run_at(tehran(2026, 3, day))
    assert _reports(users["hq"]) == []
    run_at(tehran(2026, 3, 25))  # 5 Farvardin, the first working day
    assert _reports(users["hq"]) == ["گزارش روایی اسفند ۱۴۰۴"]
    assert _reports(users["hq_other"]) == ["گزارش روایی اسفند ۱۴۰۴"]
    assert _reports(users["arak"]) == []  # headquarters managers only
    note = Notification.objects.get(recipient=users["hq"], kind="monthly_report")
    assert "start=1404/12/01" in note.url and "end=1404/12/29" in note.url
    assert "province=28" in note.url
    [mail] = mailoutbox
    assert mail.to == ["hq@example.org"] and mail.subject == "گزارش روایی اسفند ۱۴۰۴"
    [(name, content, kind)] = mail.attachments
    assert name == "monthly-28-140412.pdf" and kind == "application/pdf"
    assert content[:5] == b"%PDF-"
    run_at(tehran(2026, 3, 28))
    assert len(mailoutbox) == 1 and len(_reports(users["hq"])) == 1


def test_a_closure_on_the_first_working_day_moves_that_provinces_report(users, geo, run_at):
    # 1 Ordibehesht 1405 is Tuesday 2026-04-21; Markazi is closed that day.
    closure_add(on=datetime.date(2026, 4, 21), province=geo["markazi"], reason="آلودگی هوا")
    run_at(tehran(2026, 4, 21))
    assert _reports(users["hq"]) == []
    assert _reports(users["hq_other"]) == ["گزارش روایی فروردین ۱۴۰۵"]
    run_at(tehran(2026, 4, 22))
    assert _reports(users["hq"]) == ["گزارش روایی فروردین ۱۴۰۵"]
