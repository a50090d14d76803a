"""Sending: quiet hours (22:00–07:00 Tehran time, text messages wait until
07:00), retries with back-off and a delivery log, one message per event,
person and channel however often the job runs, and channel preferences."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from jahesh.core import sms
from jahesh.notifications import services
from jahesh.notifications.models import Delivery, Kind, Notification, Preference
from jahesh.notifications.services import Message, deliveries_send, notify, quiet_until
from tests.notifications.conftest import tehran


@pytest.mark.parametrize(
    ("moment", "until"),
    [
        (tehran(2026, 4, 5, 21, 59), None),
        (tehran(2026, 4, 5, 22, 0), tehran(2026, 4, 6, 7, 0)),
        (tehran(2026, 4, 5, 23, 30), tehran(2026, 4, 6, 7, 0)),
        (tehran(2026, 4, 6, 0, 0), tehran(2026, 4, 6, 7, 0)),
        (tehran(2026, 4, 6, 6, 59), tehran(2026, 4, 6, 7, 0)),
        (tehran(2026, 4, 6, 7, 0), None),
        # An instant given in UTC is read in Tehran time: 19:00 UTC is 22:30.
        (datetime.datetime(2026, 4, 5, 19, 0, tzinfo=datetime.UTC), tehran(2026, 4, 6, 7, 0)),
    ],
)
def test_quiet_hours_are_22_to_7_tehran_time(moment, until):
    assert quiet_until(moment) == until


@pytest.fixture
def reachable(users):
    user = users["hq"]
    user.mobile, user.email = "09121112233", "hq@example.org"
    user.save(update_fields=["mobile", "email"])
    return user


MESSAGE = Message(kind=Kind.CASE_SLA_BREACH, title="مهلت گذشت", sms_text="مهلت پرونده گذشت")


def test_a_text_asked_for_at_night_waits_until_seven(reachable, mailoutbox):
    notify(event_key="e1", recipients=[reachable], message=MESSAGE, now=tehran(2026, 4, 5, 23))
    texts = Delivery.objects.get(channel="sms")
    assert texts.scheduled_for == tehran(2026, 4, 6, 7)

    deliveries_send(now=tehran(2026, 4, 5, 23, 1))
    deliveries_send(now=tehran(2026, 4, 6, 6, 59))
    assert sms.outbox == []
    assert len(mailoutbox) == 1  # e-mail has no quiet hours
    deliveries_send(now=tehran(2026, 4, 6, 7))
    assert [(m.to, m.text) for m in sms.outbox] == [("09121112233", "مهلت پرونده گذشت")]
    texts.refresh_from_db()
    assert texts.status == "sent" and texts.sent_at == tehran(2026, 4, 6, 7)


def test_a_late_worker_does_not_send_a_day_message_at_night(reachable):
    notify(event_key="e1", recipients=[reachable], message=MESSAGE, now=tehran(2026, 4, 5, 21))
    report = deliveries_send(now=tehran(2026, 4, 5, 22, 30))  # the worker was down
    assert sms.outbox == [] and report.postponed == 1
    assert Delivery.objects.get(channel="sms").scheduled_for == tehran(2026, 4, 6, 7)


def test_the_same_event_sends_one_message_per_person_and_channel(reachable, mailoutbox):
    now = tehran(2026, 4, 5, 10)
    for _ in range(3):
        notify(event_key="e1", recipients=[reachable, reachable], message=MESSAGE, now=now)
        deliveries_send(now=now)
    assert Notification.objects.filter(recipient=reachable).count() == 1
    assert sorted(Delivery.objects.values_list("idempotency_key", flat=True)) == [
        f"e1:email:u{reachable.pk}",
        f"e1:sms:u{reachable.pk}",
    ]
    assert len(sms.outbox) == 1 and len(mailoutbox) == 1


def test_a_refused_text_is_retried_with_back_off_then_given_up(reachable, monkeypatch):
    calls = []

    def refuse(to, text):
        calls.append(to)
        raise sms.SmsError("gateway down")

    monkeypatch.setattr(services.sms, "send_sms", refuse)
    start = tehran(2026, 4, 5, 10)
    notify(event_key="e1", recipients=[reachable], message=MESSAGE, now=start)
    delivery = Delivery.objects.get(channel="sms")
    waits = []
    moment = start
    for _ in range(services.MAX_ATTEMPTS):
        deliveries_send(now=moment)
        delivery.refresh_from_db()
        waits.append((delivery.scheduled_for - moment).total_seconds())
        moment = delivery.scheduled_for
    assert len(calls) == services.MAX_ATTEMPTS
    assert waits[:-1] == [60, 120, 240, 480]
    assert delivery.status == "failed" and delivery.attempts == services.MAX_ATTEMPTS
    assert delivery.error == "gateway down"
    deliveries_send(now=moment + datetime.timedelta(hours=1))
    assert len(calls) == services.MAX_ATTEMPTS  # given up: not sent again


def test_a_retry_that_would_fall_at_night_waits_until_seven(reachable, monkeypatch):
    outcomes = iter([sms.SmsError("busy")])

    def flaky(to, text):
        error = next(outcomes, None)
        if error:
            raise error
        return "id-2"

    monkeypatch.setattr(services.sms, "send_sms", flaky)
    # Refused at 21:59:30: the retry a minute later would be 22:00:30.
    moment = tehran(2026, 4, 5, 21, 59) + datetime.timedelta(seconds=30)
    notify(event_key="e1", recipients=[reachable], message=MESSAGE, now=moment)
    deliveries_send(now=moment)
    delivery = Delivery.objects.get(channel="sms")
    assert delivery.scheduled_for == tehran(2026, 4, 6, 7)
    deliveries_send(now=tehran(2026, 4, 6, 7))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_id, delivery.attempts) == ("sent", "id-2", 2)


def test_preferences_turn_channels_off_per_kind_or_for_all(reachable, mailoutbox):
    Preference.objects.create(user=reachable, kind="", channel="email", enabled=False)
    Preference.objects.create(
        user=reachable, kind=Kind.CASE_SLA_BREACH, channel="sms", enabled=False
    )
    Preference.objects.create(
        user=reachable, kind=Kind.CASE_SLA_WARNING, channel="email", enabled=True
    )
    now = tehran(2026, 4, 5, 10)
    notify(event_key="e1", recipients=[reachable], message=MESSAGE, now=now)
    warning = Message(kind=Kind.CASE_SLA_WARNING, title="نزدیک مهلت", sms_text="نزدیک مهلت")
    notify(event_key="e2", recipients=[reachable], message=warning, now=now)
    assert sorted(Delivery.objects.values_list("idempotency_key", flat=True)) == [
        f"e2:email:u{reachable.pk}",  # the kind's own choice wins over "no e-mail"
        f"e2:sms:u{reachable.pk}",
    ]
    assert Notification.objects.filter(recipient=reachable).count() == 2


def test_the_periodic_job_runs_the_reminders_and_sends(reachable, settings):
    from django.core.cache import cache

    from jahesh.core import hooks
    from jahesh.notifications.tasks import periodic_job

    assert periodic_job in hooks.periodic
    cache.delete("jahesh:notifications:reminders")
    notify(event_key="e1", recipients=[reachable], message=MESSAGE, now=tehran(2026, 4, 5, 10))
    with time_machine.travel(tehran(2026, 4, 5, 10, 1), tick=False):
        periodic_job()
    assert len(sms.outbox) == 1


def test_a_burst_of_events_leaves_one_send_task_waiting(
    reachable, users, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from jahesh.notifications.tasks import send_deliveries

    now = tehran(2026, 4, 5, 10)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            notify(event_key=f"e{n}", recipients=[reachable], message=MESSAGE, now=now)
    waiting = DBTaskResult.objects.filter(task_path=send_deliveries.module_path, status="READY")
    assert waiting.count() == 1
    assert Delivery.objects.filter(status="pending").count() == 10
