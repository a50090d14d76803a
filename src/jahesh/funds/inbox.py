"""What awaits a user in the funds (the inbox's providers): loans awaiting their
approval or payment (the maker-checker queue), installments due this week, and
loans with an overdue installment."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jahesh.accounts.roles import Module
from jahesh.core.digits import to_persian_digits
from jahesh.core.inbox import Entry, Provider
from jahesh.core.money import format_rials
from jahesh.funds import selectors
from jahesh.funds.models import Installment, Loan

WEEK = datetime.timedelta(days=7)


def _loan_url(loan_id: int) -> str:
    return reverse("funds:loan_detail", args=[loan_id])


def _loan_text(loan: Loan) -> str:
    return _("وام %(n)s — %(member)s") % {
        "n": to_persian_digits(loan.number),
        "member": loan.member,
    }


def _awaiting_rows(*, user: Any, today: datetime.date) -> QuerySet[Loan]:
    return selectors.loans_awaiting_approval(user=user).order_by("-requested_on", "-pk")


def _awaiting_entry(loan: Loan, today: datetime.date) -> Entry:
    title = (
        _("تأیید %(loan)s، %(fund)s")
        if loan.status == Loan.Status.REQUESTED
        else _("پرداخت %(loan)s (تأییدشده)، %(fund)s")
    )
    return (
        title % {"loan": _loan_text(loan), "fund": loan.fund.name},
        _loan_url(loan.pk),
        loan.approved_on or loan.requested_on,
    )


def _due_rows(*, user: Any, today: datetime.date) -> QuerySet[Installment]:
    return selectors.due_between(user=user, start=today, end=today + WEEK).order_by(
        "-due_on", "-loan_id"
    )


def _due_entry(i: Installment, today: datetime.date) -> Entry:
    return (
        _("قسط %(n)s %(loan)s (%(amount)s)")
        % {
            "n": to_persian_digits(i.number),
            "loan": _loan_text(i.loan),
            "amount": format_rials(i.amount),
        },
        _loan_url(i.loan_id),
        i.due_on,
    )


def _overdue_rows(*, user: Any, today: datetime.date) -> QuerySet[selectors.OverdueLoan]:
    return selectors.overdue_loans(user=user, today=today).order_by("-oldest_due", "-pk")


def _overdue_entry(loan: selectors.OverdueLoan, today: datetime.date) -> Entry:
    return (
        _("قسط معوق %(loan)s، %(fund)s") % {"loan": _loan_text(loan), "fund": loan.fund.name},
        _loan_url(loan.pk),
        loan.oldest_due,
    )


PROVIDERS = (
    Provider(
        "loan_approval",
        gettext_lazy("وام در انتظار تأیید"),
        Module.FUNDS,
        _awaiting_rows,
        _awaiting_entry,
    ),
    Provider("installment_due", gettext_lazy("قسط این هفته"), Module.FUNDS, _due_rows, _due_entry),
    Provider(
        "installment_overdue",
        gettext_lazy("قسط معوق"),
        Module.FUNDS,
        _overdue_rows,
        _overdue_entry,
    ),
)
