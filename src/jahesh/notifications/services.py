"""Telling people: notifications in the app, e-mail and text messages.

:func:`notify` turns one event into a notification per recipient and a delivery
per channel they keep on; :func:`sms_to_person` sends a text to someone who is
not a user (a borrower, a volunteer). Both are idempotent by the event's key:
the unique notification (event, recipient) and the unique delivery key (event,
channel, person) make a second call, or a second run of the job that found the
event, change nothing. :func:`deliveries_send` (the task worker) sends what is
due, with retries and back-off, and keeps text messages out of the quiet hours
(22:00–07:00 Tehran time: they wait until 07:00).
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jahesh.core import sms
from jahesh.core.identifiers import normalize_mobile
from jahesh.core.locale import user_language
from jahesh.core.phrases import Phrase
from jahesh.notifications.models import (
    BulkMessage,
    Channel,
    Delivery,
    Kind,
    Notification,
    Preference,
)

if TYPE_CHECKING:
    from django_tasks.base import Task

logger = logging.getLogger(__name__)

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
QUIET_FROM = datetime.time(22, 0)
QUIET_UNTIL = datetime.time(7, 0)
MAX_ATTEMPTS = 5
# Seconds before the n-th retry: 1, 2, 4, 8 minutes.
BACKOFF_SECONDS = 60


def quiet_until(at: datetime.datetime) -> datetime.datetime | None:
    """07:00 Tehran time after ``at`` when ``at`` falls in the quiet hours, else None."""
    local = at.astimezone(TEHRAN)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    day = local.date() + datetime.timedelta(days=1 if local.time() >= QUIET_FROM else 0)
    return datetime.datetime.combine(day, QUIET_UNTIL, tzinfo=TEHRAN)


def sms_time(at: datetime.datetime) -> datetime.datetime:
    """When a text message asked for at ``at`` may go: ``at``, or the end of the quiet hours."""
    return quiet_until(at) or at


def preferences(user: Any) -> dict[tuple[str, str], bool]:
    """The user's choices: (kind or "", channel) → on/off."""
    return {
        (p.kind, p.channel): p.enabled
        for p in Preference.objects.filter(user=user).only("kind", "channel", "enabled")
    }


def channel_on(prefs: dict[tuple[str, str], bool], kind: str, channel: str) -> bool:
    """A kind's own choice wins over the global one; without either a channel is on."""
    if (kind, channel) in prefs:
        return prefs[(kind, channel)]
    return prefs.get(("", channel), True)


def preferences_save(*, user: Any, choices: dict[tuple[str, str], bool]) -> None:
    """Store the user's choices ((kind or "", channel) → on/off) for the app, e-mail
    and SMS channels."""
    with transaction.atomic():
        for (kind, channel), enabled in choices.items():
            Preference.objects.update_or_create(
                user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
            )


@dataclass(frozen=True)
class Message:
    """What one event tells people. The title and body are phrases, rendered in
    each reader's language when read (``Notification.shown_title``) and in the
    recipient's language when e-mailed; a text that is a record's own (a
    resolution's words) is a plain ``str``, shown as it is."""

    kind: str
    title: Phrase | str
    body: Phrase | str = ""
    url: str = ""
    sms_text: Phrase | str = ""  # empty: no text message for this event
    attachment: str = ""  # a file e-mailed with it

    def phrases(self) -> dict[str, Any]:
        texts = (("title", self.title), ("body", self.body))
        return {name: text.stored() for name, text in texts if isinstance(text, Phrase)}


def notify(
    *, event_key: str, recipients: Iterable, message: Message, now: datetime.datetime
) -> list[Notification]:
    """Tell each of ``recipients`` (users) about one event, on the channels they
    keep on: in the app, by e-mail (when they have an address) and by SMS (when
    the message has a text and they have a mobile). Answers the notifications
    created now (none for the people told before)."""
    created = []
    seen = set()
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        prefs = preferences(user)
        notification = None
        if channel_on(prefs, message.kind, Channel.APP):
            notification, new = _notification(user, event_key, message, now)
            if new:
                created.append(notification)
        # What each outside channel sends: its address on the user, then the
        # delivery's fields, in the user's language.
        with translation.override(user_language(user)):
            outside = (
                (Channel.EMAIL, "email", {"subject": str(message.title)[:200],
                                          "text": _email_text(message),
                                          "attachment": message.attachment}),
                (Channel.SMS, "mobile", {"text": str(message.sms_text)}),
            )  # fmt: skip
        for channel, address, content in outside:
            to = getattr(user, address)
            if content["text"] and to and channel_on(prefs, message.kind, channel):
                _delivery(
                    key=f"{event_key}:{channel}:u{user.pk}",
                    channel=channel,
                    to=to,
                    kind=message.kind,
                    notification=notification,
                    now=now,
                    **content,
                )
    _send_soon()
    return created


def sms_to_person(
    *, event_key: str, who: str, mobile: str, kind: str, text: str, now: datetime.datetime,
    bulk: BulkMessage | None = None,
) -> Delivery | None:  # fmt: skip
    """One text message to someone who is not a user (``who``: "m12" for member 12),
    once per event; None when the mobile is missing or not a mobile number."""
    try:
        to = normalize_mobile(mobile)
    except Exception:  # an old row with a number that no longer validates
        return None
    if not to:
        return None
    delivery = _delivery(
        key=f"{event_key}:sms:{who}", channel=Channel.SMS, to=to, kind=kind, text=text,
        now=now, bulk=bulk,
    )  # fmt: skip
    _send_soon()
    return delivery


def _notification(
    user: Any, event_key: str, message: Message, now: datetime.datetime
) -> tuple[Notification, bool]:
    try:
        with transaction.atomic():
            return Notification.objects.get_or_create(
                event_key=event_key,
                recipient=user,
                defaults={
                    "kind": message.kind,
                    # Persian: the admin's search and the fallback (see the model)
                    "title": _persian(message.title)[:200],
                    "body": _persian(message.body),
                    "phrases": message.phrases(),
                    "url": message.url[:300],
                    "created_at": now,
                },
            )
    except IntegrityError:  # a concurrent run created it between the read and the write
        return Notification.objects.get(event_key=event_key, recipient=user), False


def _persian(text: Phrase | str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def _delivery(
    *, key: str, channel: str, to: str, kind: str, text: str, now: datetime.datetime, **extra: Any
) -> Delivery:
    when = sms_time(now) if channel == Channel.SMS else now
    try:
        with transaction.atomic():
            delivery, _new = Delivery.objects.get_or_create(
                idempotency_key=key[:160],
                defaults={
                    "channel": channel, "to": to, "kind": kind, "text": text,
                    "created_at": now, "scheduled_for": when, **extra,
                },
            )  # fmt: skip
    except IntegrityError:
        delivery = Delivery.objects.get(idempotency_key=key[:160])
    return delivery


def _email_text(message: Message) -> str:
    parts = [str(message.body or message.title)]
    if message.url:
        parts.append(settings.JAHESH_SITE_URL.rstrip("/") + message.url)
    return "\n\n".join(parts)


def _send_soon() -> None:
    """Ask the task worker to send what is due once the caller's transaction commits."""
    from jahesh.notifications.tasks import send_deliveries  # tasks imports this module

    transaction.on_commit(lambda: _enqueue(send_deliveries))


def _enqueue(task: Task[..., Any]) -> None:
    """Enqueue ``task`` unless a run of it is waiting already (one run sends all
    that is due, so a burst of events leaves one task, not one each)."""
    try:
        waiting = DBTaskResult.objects.filter(
            task_path=task.module_path, status=TaskResultStatus.READY
        )
        if not waiting.exists():
            task.enqueue()
    except Exception:  # the periodic job sends it anyway
        logger.exception("could not enqueue %s", task.module_path)


# --- Sending ----------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    postponed: int = 0


def deliveries_send(*, now: datetime.datetime | None = None, limit: int = 500) -> SendReport:
    """Send the pending deliveries whose time has come (the task worker's job)."""
    now = now or timezone.now()
    report = SendReport()
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, scheduled_for__lte=now)
    for delivery in due.order_by("scheduled_for", "id")[:limit]:
        _send_one(delivery, now, report)
    return report


def _send_one(delivery: Delivery, now: datetime.datetime, report: SendReport) -> None:
    """1. A text message due in the quiet hours (the worker was late) waits for 07:00.
    2. Claim the row (pending → sending, filtered on its attempts): two workers
       never send one message. 3. Send; on success keep the gateway's id; on an
       error retry after a back-off doubling each time, or give up after
       ``MAX_ATTEMPTS`` and keep the error."""
    if delivery.channel == Channel.SMS and (later := quiet_until(now)):
        Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
            scheduled_for=later
        )
        report.postponed += 1
        return
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.PENDING, attempts=delivery.attempts
    ).update(status=Delivery.Status.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return
    attempts = delivery.attempts + 1
    try:
        provider_id = _transport(delivery)
    except Exception as error:  # a gateway's or mail server's refusal: retried
        logger.warning("delivery %s failed (attempt %s): %s", delivery.pk, attempts, error)
        if attempts >= MAX_ATTEMPTS:
            fields: dict[str, Any] = {"status": Delivery.Status.FAILED}
            report.failed += 1
        else:
            retry_at = now + datetime.timedelta(seconds=BACKOFF_SECONDS * 2 ** (attempts - 1))
            if delivery.channel == Channel.SMS:
                retry_at = sms_time(retry_at)
            fields = {"status": Delivery.Status.PENDING, "scheduled_for": retry_at}
            report.retried += 1
        Delivery.objects.filter(pk=delivery.pk).update(error=str(error)[:500], **fields)
        return
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, provider_id=provider_id[:100], sent_at=now, error=""
    )
    report.sent += 1


def _transport(delivery: Delivery) -> str:
    if delivery.channel == Channel.SMS:
        return sms.send_sms(delivery.to, delivery.text)
    mail = EmailMessage(subject=delivery.subject, body=delivery.text, to=[delivery.to])
    if delivery.attachment:
        mail.attach_file(delivery.attachment)
    mail.send(fail_silently=False)
    return mail.extra_headers.get("Message-ID", "")


# --- Reading and marking ------------------------------------------------------------


def notification_mark_read(
    *, user: Any, notification: Notification, now: datetime.datetime | None = None
) -> Notification:
    """Mark one of the user's own notifications read (a second call keeps the first time)."""
    now = now or timezone.now()
    Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(
        read_at=now
    )
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: Any, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=now)


KINDS_FOR_PREFERENCES = [k for k in Kind if k != Kind.BULK]
