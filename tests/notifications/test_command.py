"""``jahesh send_reminders`` (cron) runs the same job as the periodic task, and
the demo's morning announces the loans awaiting approval and runs it at 08:00."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from jahesh.core import sms
from jahesh.funds import services as funds
from jahesh.notifications import scenario
from jahesh.notifications.models import Notification
from tests.notifications.conftest import tehran


def test_send_reminders_at_a_moment_sends_the_days_reminders_once(installment_due):
    installment_due(datetime.date(2026, 3, 28))
    out = io.StringIO()
    call_command("send_reminders", "--at", "1404/12/26T08:00", stdout=out)  # 2026-03-17
    assert "installment_due: 1" in out.getvalue()
    assert "فرستاده: 1، برای تلاش دوباره: 0، ناموفق: 0، در انتظار صبح: 0" in out.getvalue()
    call_command("send_reminders", "--at", "2026-03-17T09:30", stdout=io.StringIO())
    assert len(sms.outbox) == 1


def test_send_reminders_reports_in_the_operators_language(installment_due):
    installment_due(datetime.date(2026, 3, 28))
    out = io.StringIO()
    with translation.override("en"):
        call_command("send_reminders", "--at", "1404/12/26T08:00", stdout=out)
    assert "sent: 1, to retry: 0, failed: 0, waiting for morning: 0" in out.getvalue()


def test_send_reminders_refuses_a_bad_moment(db):
    with pytest.raises(CommandError, match="--at"):
        call_command("send_reminders", "--at", "1404/13/40", stdout=io.StringIO())


def test_the_morning_falls_on_the_last_working_day(db):
    # Friday 2026-03-27 and Thursday 03-26 are off: Wednesday 03-25, 08:00.
    assert scenario.morning(datetime.date(2026, 3, 27), None) == tehran(2026, 3, 25, 8)
    assert scenario.morning(datetime.date(2026, 3, 25), None) == tehran(2026, 3, 25, 8)


def test_the_demo_morning_announces_waiting_loans_and_sends_reminders(
    funded, member, users, clerk, installment_due
):
    waiting = funds.loan_request(
        fund=funded, member=member, principal=10_000_000, months=10, purpose="قالی‌بافی",
        requested_on=datetime.date(2026, 3, 1), user=users["fund"],
    )  # fmt: skip
    installment_due(datetime.date(2026, 3, 28))
    lines: list[str] = []
    found = scenario.build(as_of=datetime.date(2026, 3, 17), province_id=28, log=lines.append)
    assert found["installment_due"] == 1
    assert [m.to for m in sms.outbox] == [member.mobile]
    note = Notification.objects.get(recipient=clerk, kind="loan_awaiting")
    assert note.url == f"/funds/loans/{waiting.pk}/"
    # A second demo run changes nothing (and, run in English, says so in English).
    with translation.override("en"):
        scenario.build(as_of=datetime.date(2026, 3, 17), province_id=28, log=lines.append)
    assert lines == [
        "   اعلان‌ها: 1 وام در انتظار تأیید اعلام شد؛ یادآوری‌های 2026-03-17 08:00:"
        " installment_due 1؛ 1 پیام فرستاده شد",
        "   notifications: 1 loans awaiting approval announced; reminders at 2026-03-17 08:00:"
        " installment_due 1; 0 messages sent",
    ]
    assert len(sms.outbox) == 1
    assert Notification.objects.filter(kind="loan_awaiting").count() == 1
