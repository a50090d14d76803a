"""A notification shows in its reader's language, whoever wrote it and in which
language: it keeps its msgid and values (``core.phrases``), rendered when read
(the list, the API) and, for an e-mail, in the recipient's own language. Rows
written before (a stored Persian title, no phrase) still show as stored."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import mail
from django.utils import translation

from jahesh.core import phrases
from jahesh.core.phrases import Phrase
from jahesh.funds import services as funds
from jahesh.notifications.models import Delivery, Kind, Notification
from jahesh.notifications.services import Message, notify
from tests.notifications.conftest import tehran


def _requested(funded, member, users, capture):
    with capture(execute=True):
        return funds.loan_request(
            fund=funded, member=member, principal=50_000_000, months=12, purpose="خیاطی",
            requested_on=datetime.date(2023, 6, 1), user=users["fund"],
        )  # fmt: skip


def _page(client, user, language: str) -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get("/notifications/").content.decode()


def test_a_loan_awaiting_approval_reads_in_each_readers_language(
    client, funded, member, users, clerk, django_capture_on_commit_callbacks
):
    _requested(funded, member, users, django_capture_on_commit_callbacks)
    note = Notification.objects.get(recipient=clerk)
    # the stored columns stay Persian (the admin's search, the old rows' fallback)
    assert note.title == f"وام ۱ صندوق «{funded.name}» در انتظار تأیید است"
    english = _page(client, clerk, "en")
    assert f"Loan 1 of fund “{funded.name}” awaits approval" in english
    assert f"{member}, 5,000,000 tomans, خیاطی" in english
    persian = _page(client, clerk, "fa")
    assert f"وام ۱ صندوق «{funded.name}» در انتظار تأیید است" in persian
    assert f"{member}، ۵٬۰۰۰٬۰۰۰ تومان، خیاطی" in persian
    assert "awaits approval" not in persian


def test_the_api_answers_a_notification_in_the_callers_language(
    client, funded, member, users, clerk, django_capture_on_commit_callbacks
):
    _requested(funded, member, users, django_capture_on_commit_callbacks)
    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    item = client.get("/api/v1/notifications").json()["items"][0]
    assert item["title"] == f"Loan 1 of fund “{funded.name}” awaits approval"
    assert item["body"] == f"{member}, 5,000,000 tomans, خیاطی"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    item = client.get("/api/v1/notifications").json()["items"][0]
    assert item["title"] == f"وام ۱ صندوق «{funded.name}» در انتظار تأیید است"


def test_a_row_stored_before_phrases_shows_its_stored_text(client, users):
    old = Notification.objects.create(
        recipient=users["hq"], kind=Kind.CASE_MOVED, title="متن قدیمی ۱۲", body="بدنه",
        event_key="old", created_at=tehran(2026, 1, 1),
    )  # fmt: skip
    assert old.phrases == {}
    assert (old.shown_title, old.shown_body) == ("متن قدیمی ۱۲", "بدنه")
    assert "متن قدیمی" in _page(client, users["hq"], "en")


def test_an_email_goes_in_the_recipients_language_a_persian_one_to_others(users):
    english, persian = users["hq"], users["arak"]
    english.language, english.email = "en", "hq@example.org"
    persian.email = "arak@example.org"
    for user in (english, persian):
        user.save()
    message = Message(
        kind=Kind.MONTHLY_REPORT,
        title=Phrase("گزارش روایی %(month)s", {"month": phrases.month(1405, 2)}),
        body=Phrase("گزارش عملکرد ماه گذشته پیوست است."),
    )
    notify(event_key="m", recipients=[english, persian], message=message, now=tehran(2026, 5, 1))
    sent = {d.to: (d.subject, d.text) for d in Delivery.objects.filter(channel="email")}
    assert sent["hq@example.org"][0] == "Narrative report of Ordibehesht 1405"
    assert sent["hq@example.org"][1].startswith("Last month's performance report is attached.")
    assert sent["arak@example.org"][0] == "گزارش روایی اردیبهشت ۱۴۰۵"
    assert mail.outbox == []  # sent later, by the worker


def test_each_kind_of_value_is_written_for_the_language():
    values = {
        "amount": phrases.amount(15_000_000),
        "day": phrases.day(datetime.date(2026, 3, 21)),
        "moment": phrases.moment(tehran(2026, 3, 21, 9, 30)),
        "month": phrases.month(1405, 1),
        "label": phrases.label(Kind.LOAN_APPROVED.label),
        "number": phrases.number(1234),
        "n": 12,
        "name": "کارگاه ۷",
    }
    text = Phrase("%(amount)s|%(day)s|%(moment)s|%(month)s|%(label)s|%(number)s|%(n)s|%(name)s")
    text = Phrase(text.msgid, values)
    stored = Phrase.of(text.stored())
    with translation.override("fa"):
        assert str(stored) == (
            "۱٬۵۰۰٬۰۰۰ تومان|۱۴۰۵/۰۱/۰۱|۱۴۰۵/۰۱/۰۱ ۰۹:۳۰|فروردین ۱۴۰۵|تأیید وام|۱٬۲۳۴|۱۲|کارگاه ۷"
        )
    with translation.override("en"):
        assert str(stored) == (
            "1,500,000 tomans|1405/01/01|1405/01/01 09:30|Farvardin 1405|Loan approved|1,234|12"
            "|کارگاه ۷"
        )
