"""Reminders and scheduled sends: the events nobody emits because only time moves.

:func:`reminders_send` is the one service behind the periodic job (``jahesh
serve``'s task worker) and ``jahesh send_reminders`` (cron). It reads the
records, finds what is due today by each rule, and hands it to
:func:`services.notify` / :func:`services.sms_to_person` under a key per record
and rule, so running it twice, or every minute, sends each reminder once.

Rules (issue 15, item 3), each counted on the working-day clock of the record's
province (``geo.workdays``: weekends, official holidays such as Nowruz, the
province's closures). A reminder goes out only on a working day; one whose day
fell on a holiday goes out on the first working day after it.

- installments (SMS to the borrower): 3 working days before the due date, then
  1, 7 and 30 days overdue (each on the first working day on or after that
  day, until the next rule's day; the 30-day one for a week); the fund's
  managers are told in the app of each overdue one;
- cases: a warning when 80 % of the time limit has gone, and the breach
  (the case's expert and county officers; the breach also the province's hq
  managers); breaches older than ``LOOKBACK_DAYS`` are not announced;
- resolutions: due within 3 working days, and overdue (hq managers of the
  province, county officers of the case's county);
- the monthly narrative report (PDF) of the past Jalali month, e-mailed to each
  province's hq managers (and shown under their bell) on the first working day
  of each Jalali month (or, when missed, within the week after it).
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from jahesh.accounts.models import User
from jahesh.accounts.roles import Role
from jahesh.accounts.scoping import Area
from jahesh.clinic.models import OPEN_STATUSES, Case, Resolution, ResolutionStatus
from jahesh.clinic.services import clinic_settings
from jahesh.clinic.sla import add_working_time
from jahesh.core import phrases
from jahesh.core.jalali import add_jalali_months, format_jalali, from_jalali, jalali_month_of
from jahesh.core.phrases import Phrase
from jahesh.funds.models import ACTIVE_LOAN_STATUSES, Installment
from jahesh.geo.workdays import WorkCalendar
from jahesh.notifications import recipients as who
from jahesh.notifications.models import Kind, Notification
from jahesh.notifications.services import Message, notify, sms_to_person
from jahesh.reports import narrative
from jahesh.reports.periods import Period

if TYPE_CHECKING:
    from jahesh.clinic.models import Case

logger = logging.getLogger(__name__)

DUE_WORKING_DAYS = 3  # installments and resolutions: reminded this many working days ahead
OVERDUE_DAYS = (1, 7, 30)  # installments: reminded this many days after the due date
LAST_RULE_DAYS = 7  # the 30-day reminder may still go out this many days late
SLA_WARNING = 0.8  # share of a case's time limit gone when its expert is warned
LOOKBACK_DAYS = 30  # breaches and overdue resolutions older than this are not announced


class Calendars(dict):
    """One working-day calendar per province, built as asked."""

    def __missing__(self, province_id: int | None) -> WorkCalendar:
        calendar = self[province_id] = WorkCalendar(province_id)
        return calendar


def working_days_before(calendar: WorkCalendar, day: datetime.date, n: int) -> datetime.date:
    """The working day ``n`` working days before ``day`` (``between(it, day) == n``)."""
    found = 0
    while True:
        day -= datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            found += 1
            if found == n:
                return day


def reminders_send(*, now: datetime.datetime | None = None) -> Counter:
    """Send every reminder due at ``now``; answers how many were found per rule
    (found again on a second run: sending is what the keys make happen once)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    calendars = Calendars()
    found: Counter = Counter()
    # Phrases render in each reader's language; a borrower's SMS is Persian.
    with translation.override(settings.LANGUAGE_CODE):
        _installments(now, today, calendars, found)
        _cases(now, today, calendars, found)
        _resolutions(now, today, calendars, found)
        _monthly_reports(now, today, calendars, found)
    return found


# --- Installments -----------------------------------------------------------------


def installment_rule(
    calendar: WorkCalendar, due_on: datetime.date, today: datetime.date
) -> str | None:
    """The installment rule due ``today`` for an unpaid installment due ``due_on``:
    "due", "overdue1", "overdue7", "overdue30" or None."""
    if not calendar.is_working_day(today):
        return None
    if today < due_on:
        return "due" if working_days_before(calendar, due_on, DUE_WORKING_DAYS) <= today else None
    starts = [calendar.next_working_day(due_on + datetime.timedelta(days=d)) for d in OVERDUE_DAYS]
    ends = [*starts[1:], starts[-1] + datetime.timedelta(days=LAST_RULE_DAYS)]
    for days, start, end in zip(OVERDUE_DAYS, starts, ends, strict=True):
        if start <= today < end:
            return f"overdue{days}"
    return None


def _installments(
    now: datetime.datetime, today: datetime.date, calendars: Calendars, found: Counter[str]
) -> None:
    window = Installment.objects.filter(
        paid_on__isnull=True,
        loan__status__in=ACTIVE_LOAN_STATUSES,
        # Wide enough for 3 working days across Nowruz, and the 30-day rule's week.
        due_on__gte=today - datetime.timedelta(days=OVERDUE_DAYS[-1] + LAST_RULE_DAYS + 15),
        due_on__lte=today + datetime.timedelta(days=20),
    ).select_related("loan__fund__county", "loan__member")
    managers: dict[int, list] = {}
    for installment in window.order_by("due_on", "id").iterator(chunk_size=2000):
        loan = installment.loan
        rule = installment_rule(calendars[loan.fund.county.province_id], installment.due_on, today)
        if rule is None:
            continue
        found[f"installment_{rule}"] += 1
        key = f"installment:{installment.pk}:{rule}"
        values: dict[str, phrases.Value] = {
            "n": installment.number,
            "fund": loan.fund.name,
            "amount": phrases.amount(installment.remaining),
            "due": phrases.day(installment.due_on),
            "days": (today - installment.due_on).days,
            "member": str(loan.member),
            "loan": loan.number,
        }
        if rule == "due":
            kind = Kind.INSTALLMENT_DUE
            text = gettext_noop(
                "یادآوری: قسط %(n)s وام شما از صندوق «%(fund)s» به مبلغ %(amount)s"
                " در %(due)s سررسید می‌شود."
            )
        else:
            kind = Kind.INSTALLMENT_OVERDUE
            text = gettext_noop(
                "قسط %(n)s وام شما از صندوق «%(fund)s» به مبلغ %(amount)s از سررسید"
                " %(due)s، %(days)s روز گذشته است؛ لطفاً آن را بپردازید."
            )
        sms_to_person(
            event_key=key,
            who=f"m{loan.member_id}",
            mobile=loan.member.mobile,
            kind=kind,
            text=str(Phrase(text, values)),
            now=now,
        )
        if kind == Kind.INSTALLMENT_OVERDUE:
            if loan.fund_id not in managers:
                managers[loan.fund_id] = list(who.fund_managers(loan.fund))
            message = Message(
                kind=kind,
                title=Phrase(
                    gettext_noop("قسط %(n)s وام %(loan)s (%(member)s) %(days)s روز معوق است"),
                    values,
                ),
                body=Phrase(gettext_noop("مانده: %(amount)s؛ سررسید %(due)s"), values),
                url=reverse("funds:loan_detail", args=[loan.pk]),
            )
            notify(event_key=key, recipients=managers[loan.fund_id], message=message, now=now)


# --- Cases ------------------------------------------------------------------------


def case_rule(
    case: Case,
    limit: datetime.timedelta,
    now: datetime.datetime,
    calendar: WorkCalendar | None = None,
) -> str | None:
    """ "breach" once the case's deadline passed, "warning" once 80 % of its time
    limit has gone, else None (a case whose clock stands has no deadline). The
    time limit is working time of the case's province (``clinic.sla``), so the
    80 % point is counted back from the deadline on the same clock."""
    if case.due_at is None:
        return None
    if now >= case.due_at:
        return "breach" if now - case.due_at <= datetime.timedelta(days=LOOKBACK_DAYS) else None
    if now >= add_working_time(case.due_at, -limit * (1 - SLA_WARNING), calendar):
        return "warning"
    return None


def _cases(
    now: datetime.datetime, today: datetime.date, calendars: Calendars, found: Counter[str]
) -> None:
    limits = clinic_settings()
    open_cases = Case.objects.filter(
        status__in=OPEN_STATUSES,
        due_at__isnull=False,
        due_at__gte=now - datetime.timedelta(days=LOOKBACK_DAYS),
    ).select_related("expert__user")
    officers: dict[int, list] = {}
    hq: dict[int, list] = {}
    for case in open_cases.order_by("due_at", "id").iterator(chunk_size=2000):
        limit = datetime.timedelta(days=limits.sla_days(case.severity))
        rule = case_rule(case, limit, now, calendars[case.province_id])
        if rule is None or not calendars[case.province_id].is_working_day(today):
            continue
        found[f"case_{rule}"] += 1
        if case.county_id not in officers:
            officers[case.county_id] = list(who.county_officers(case.county_id))
        recipients = list(officers[case.county_id])
        if case.expert and case.expert.user:
            recipients.insert(0, case.expert.user)
        assert case.due_at is not None  # case_rule answers None for a case without one
        values: dict[str, phrases.Value] = {
            "id": case.pk,
            "title": case.title,
            "due": phrases.moment(case.due_at),
        }
        if rule == "breach":
            if case.province_id not in hq:
                hq[case.province_id] = list(who.hq_managers(case.province_id))
            recipients += hq[case.province_id]
            kind = Kind.CASE_SLA_BREACH
            title = gettext_noop("مهلت پروندهٔ %(id)s «%(title)s» گذشت")
        else:
            kind = Kind.CASE_SLA_WARNING
            title = gettext_noop("۸۰٪ مهلت پروندهٔ %(id)s «%(title)s» گذشته است")
        message = Message(
            kind=kind,
            title=Phrase(title, values),
            body=Phrase(gettext_noop("مهلت: %(due)s"), values),
            url=reverse("clinic:case_detail", args=[case.pk]),
        )
        # The deadline moves when the clock pauses: a new deadline, a new reminder.
        key = f"case:{case.pk}:{rule}:{case.due_at:%Y%m%d%H%M}"
        notify(event_key=key, recipients=recipients, message=message, now=now)


# --- Resolutions ------------------------------------------------------------------


def resolution_rule(
    calendar: WorkCalendar, due_on: datetime.date, today: datetime.date
) -> str | None:
    """ "due" within 3 working days of the due date, "overdue" from the first
    working day after it (for ``LOOKBACK_DAYS``), else None."""
    if not calendar.is_working_day(today):
        return None
    if today <= due_on:
        return "due" if working_days_before(calendar, due_on, DUE_WORKING_DAYS) <= today else None
    if today - due_on <= datetime.timedelta(days=LOOKBACK_DAYS):
        return "overdue"
    return None


def _resolutions(
    now: datetime.datetime, today: datetime.date, calendars: Calendars, found: Counter[str]
) -> None:
    open_ones = Resolution.objects.filter(
        status=ResolutionStatus.OPEN,
        due_on__gte=today - datetime.timedelta(days=LOOKBACK_DAYS),
        due_on__lte=today + datetime.timedelta(days=20),
    ).select_related("session__group", "agency", "case")
    for resolution in open_ones.order_by("due_on", "id").iterator(chunk_size=2000):
        province_id = resolution.session.group.province_id
        rule = resolution_rule(calendars[province_id], resolution.due_on, today)
        if rule is None:
            continue
        found[f"resolution_{rule}"] += 1
        recipients = list(who.hq_managers(province_id))
        if resolution.case is not None:  # select_related: no query
            recipients += who.county_officers(resolution.case.county_id)
        values: dict[str, phrases.Value] = {
            "agency": resolution.agency.name,
            "due": phrases.day(resolution.due_on),
        }
        if rule == "due":
            kind, title = Kind.RESOLUTION_DUE, gettext_noop("مهلت مصوبهٔ «%(agency)s» %(due)s است")
        else:
            kind = Kind.RESOLUTION_OVERDUE
            title = gettext_noop("مهلت مصوبهٔ «%(agency)s» (%(due)s) گذشت")
        message = Message(
            kind=kind,
            title=Phrase(title, values),
            body=resolution.text[:500],
            url=reverse("clinic:session_detail", args=[resolution.session_id]),
        )
        key = f"resolution:{resolution.pk}:{rule}"
        notify(event_key=key, recipients=recipients, message=message, now=now)


# --- The monthly report -----------------------------------------------------------


def monthly_report_due(calendar: WorkCalendar, today: datetime.date) -> tuple[int, int] | None:
    """(Jalali year, month) whose past month's report goes out ``today``: from the
    first working day of the month, for a week; else None."""
    year, month = jalali_month_of(today)
    first = calendar.next_working_day(from_jalali(year, month, 1))
    if first <= today < first + datetime.timedelta(days=LAST_RULE_DAYS):
        return year, month
    return None


def _monthly_reports(
    now: datetime.datetime, today: datetime.date, calendars: Calendars, found: Counter[str]
) -> None:
    provinces = (
        User.objects.filter(role=Role.HQ_MANAGER, is_active=True, province__isnull=False)
        .values_list("province_id", flat=True)
        .distinct()
    )
    for province_id in sorted(provinces):
        due = monthly_report_due(calendars[province_id], today)
        if due is None:
            continue
        found["monthly_report"] += 1
        _monthly_report(province_id, *due, now=now)


def _monthly_report(province_id: int, year: int, month: int, *, now: datetime.datetime) -> None:
    key = f"monthly-report:{province_id}:{year}-{month:02d}"
    recipients = list(who.hq_managers(province_id).filter(province_id=province_id))
    if not recipients:
        return
    end = from_jalali(year, month, 1)
    start = add_jalali_months(end, -1)
    past_year, past_month = jalali_month_of(start)
    path = (
        Path(settings.MEDIA_ROOT)
        / "private"
        / "reports"
        / f"monthly-{province_id}-{past_year}{past_month:02d}.pdf"
    )
    told = set(Notification.objects.filter(event_key=key).values_list("recipient_id", flat=True))
    if not path.exists() and not told.issuperset(u.pk for u in recipients):
        report = narrative.build(area=Area(province_id=province_id), period=Period(start, end))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(narrative.pdf(report))
    query = (
        f"?period=range&start={format_jalali(start, persian_digits=False)}"
        f"&end={format_jalali(end - datetime.timedelta(days=1), persian_digits=False)}"
        f"&province={province_id}"
    )
    message = Message(
        kind=Kind.MONTHLY_REPORT,
        title=Phrase(
            gettext_noop("گزارش روایی %(month)s"),
            {"month": phrases.month(past_year, past_month)},
        ),
        body=Phrase(gettext_noop("گزارش عملکرد ماه گذشته پیوست است.")),
        url=reverse("reports:narrative") + query,
        attachment=str(path) if path.exists() else "",
    )
    notify(event_key=key, recipients=recipients, message=message, now=now)
