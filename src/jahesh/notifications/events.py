"""From domain events (``core.events``) to notifications: who is told what.

The domain services emit an event when a move commits (a loan requested,
approved or paid out; a case moved; a resolution passed; an import finished);
:func:`on_event` reads the record, picks the people it concerns
(``notifications.recipients``) and calls :func:`services.notify`. The actor is
not told about their own act. Time-based events (a deadline near or passed, an
installment due) are not emitted by anyone: the reminder job finds them
(``notifications.reminders``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from jahesh.clinic.models import Case, CaseStatus, Resolution
from jahesh.core import phrases
from jahesh.core.events import Event
from jahesh.core.models import ImportJob
from jahesh.core.phrases import Phrase
from jahesh.funds.models import Loan
from jahesh.notifications import recipients as who
from jahesh.notifications.models import Kind
from jahesh.notifications.services import Message, notify, sms_to_person

if TYPE_CHECKING:
    from jahesh.accounts.models import User
    from jahesh.funds.models import Loan


def on_event(event: Event) -> None:
    handler = HANDLERS.get(event.kind)
    if handler is None:
        return
    # Phrases render in each reader's language; the texts sent to people who are
    # not users (a borrower's SMS) are Persian.
    with translation.override(settings.LANGUAGE_CODE):
        handler(event)


def _tell_others(
    event: Event, users: Iterable[User], message: Message, now: datetime.datetime | None = None
) -> None:
    """Notify ``users`` of ``event``, but not the user who caused it."""
    others = [u for u in users if u.pk != event.actor_id]
    notify(event_key=event.key, recipients=others, message=message, now=now or timezone.now())


# --- Loans ------------------------------------------------------------------------


def _loan(event: Event) -> Loan | None:
    return Loan.objects.select_related("fund", "member").filter(pk=event.data["loan_id"]).first()


def _loan_requested(event: Event) -> None:
    loan = _loan(event)
    if loan is None:
        return
    message = Message(
        kind=Kind.LOAN_AWAITING,
        title=Phrase(
            gettext_noop("وام %(n)s صندوق «%(fund)s» در انتظار تأیید است"),
            {"n": loan.number, "fund": loan.fund.name},
        ),
        body=Phrase(
            gettext_noop("%(member)s، %(amount)s، %(purpose)s"),
            {
                "member": str(loan.member),
                "amount": phrases.amount(loan.principal),
                "purpose": loan.purpose,
            },
        ),
        url=reverse("funds:loan_detail", args=[loan.pk]),
    )
    _tell_others(event, who.loan_approvers(loan), message)


def _loan_moved(kind: str, title: str, sms: str) -> Callable[[Event], None]:
    def handle(event: Event) -> None:
        loan = _loan(event)
        if loan is None:
            return
        values: dict[str, phrases.Value] = {
            "n": loan.number,
            "fund": loan.fund.name,
            "member": str(loan.member),
            "amount": phrases.amount(loan.principal),
        }
        now = timezone.now()
        message = Message(
            kind=kind,
            title=Phrase(title, values),
            url=reverse("funds:loan_detail", args=[loan.pk]),
        )
        _tell_others(event, who.fund_managers(loan.fund), message, now)
        sms_to_person(
            event_key=event.key,
            who=f"m{loan.member_id}",
            mobile=loan.member.mobile,
            kind=kind,
            text=str(Phrase(sms, values)),
            now=now,
        )

    return handle


# --- Cases ------------------------------------------------------------------------


def _case_moved(event: Event) -> None:
    case = Case.objects.select_related("expert__user").filter(pk=event.data["case_id"]).first()
    if case is None:
        return
    to_status = event.data["to_status"]
    values: dict[str, phrases.Value] = {"id": case.pk, "title": case.title}
    expert = [case.expert.user] if case.expert and case.expert.user else []
    if to_status == CaseStatus.ASSIGNED:
        kind, title = Kind.CASE_ASSIGNED, gettext_noop("پروندهٔ %(id)s «%(title)s» به شما ارجاع شد")
        recipients = expert
    elif to_status == CaseStatus.ESCALATED:
        kind = Kind.CASE_ESCALATED
        title = gettext_noop("پروندهٔ %(id)s «%(title)s» به کارگروه یا استان رفت")
        recipients = [*who.hq_managers(case.province_id), *who.county_officers(case.county_id)]
    else:
        kind = Kind.CASE_MOVED
        title = gettext_noop("پروندهٔ %(id)s «%(title)s» به «%(status)s» رفت")
        values["status"] = phrases.label(CaseStatus(to_status).label)
        recipients = [*expert, *who.county_officers(case.county_id)]
    message = Message(
        kind=kind, title=Phrase(title, values), url=reverse("clinic:case_detail", args=[case.pk])
    )
    _tell_others(event, recipients, message)


def _resolution_created(event: Event) -> None:
    resolution = (
        Resolution.objects.select_related("session__group", "agency", "case")
        .filter(pk=event.data["resolution_id"])
        .first()
    )
    if resolution is None:
        return
    group = resolution.session.group
    recipients = [*who.hq_managers(group.province_id)]
    if resolution.case is not None:  # select_related: no query
        recipients += who.county_officers(resolution.case.county_id)
    message = Message(
        kind=Kind.RESOLUTION_ASSIGNED,
        title=Phrase(
            gettext_noop("مصوبهٔ تازه برای «%(agency)s»، مهلت %(due)s"),
            {"agency": resolution.agency.name, "due": phrases.day(resolution.due_on)},
        ),
        body=resolution.text[:500],
        url=reverse("clinic:session_detail", args=[resolution.session_id]),
    )
    _tell_others(event, recipients, message)


# --- Imports ----------------------------------------------------------------------


def _import_finished(event: Event) -> None:
    job = ImportJob.objects.select_related("user").filter(pk=event.data["job_id"]).first()
    if job is None:
        return
    done = job.status == ImportJob.Status.DONE
    title = (
        gettext_noop("ورود «%(file)s» انجام شد")
        if done
        else gettext_noop("ورود «%(file)s» ناموفق ماند")
    )
    message = Message(
        kind=Kind.IMPORT_FINISHED,
        title=Phrase(title, {"file": job.filename}),
        body=job.message,
        url=reverse("core:import_job", args=[job.pk]),
    )
    notify(event_key=event.key, recipients=[job.user], message=message, now=timezone.now())


HANDLERS: dict[str, Callable[[Event], None]] = {
    "loan.requested": _loan_requested,
    "loan.approved": _loan_moved(
        Kind.LOAN_APPROVED,
        gettext_noop("وام %(n)s صندوق «%(fund)s» (%(member)s) تأیید شد"),
        gettext_noop("وام شما به مبلغ %(amount)s در صندوق «%(fund)s» تأیید شد."),
    ),
    "loan.disbursed": _loan_moved(
        Kind.LOAN_DISBURSED,
        gettext_noop("وام %(n)s صندوق «%(fund)s» (%(member)s) پرداخت شد"),
        gettext_noop("وام شما به مبلغ %(amount)s از صندوق «%(fund)s» پرداخت شد."),
    ),
    "case.moved": _case_moved,
    "resolution.created": _resolution_created,
    "import.finished": _import_finished,
}
