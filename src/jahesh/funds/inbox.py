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
from jahesh.core.inbox import Item, Provider
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


def loans_awaiting_approval(*, user: Any, today: datetime.date, limit: int) -> list[Item]:
    rows = _awaiting_rows(user=user, today=today)[:limit]
    return [
        Item(
            kind="loan_approval",
            title=(
                _("تأیید %(loan)s، %(fund)s")
                if loan.status == Loan.Status.REQUESTED
                else _("پرداخت %(loan)s (تأییدشده)، %(fund)s")
            )
            % {"loan": _loan_text(loan), "fund": loan.fund.name},
            url=_loan_url(loan.pk),
            due_on=loan.approved_on or loan.requested_on,
        )
        for loan in rows
    ]


def _due_rows(*, user: Any, today: datetime.date) -> QuerySet[Installment]:
    return selectors.due_between(user=user, start=today, end=today + WEEK).order_by(
        "-due_on", "-loan_id"
    )


def installments_due(*, user: Any, today: datetime.date, limit: int) -> list[Item]:
    rows = _due_rows(user=user, today=today)[:limit]
    return [
        Item(
            kind="installment_due",
            title=_("قسط %(n)s %(loan)s (%(amount)s)")
            % {
                "n": to_persian_digits(i.number),
                "loan": _loan_text(i.loan),
                "amount": format_rials(i.amount),
            },
            url=_loan_url(i.loan_id),
            due_on=i.due_on,
        )
        for i in rows
    ]


def _overdue_rows(*, user: Any, today: datetime.date) -> QuerySet[selectors.OverdueLoan]:
    return selectors.overdue_loans(user=user, today=today).order_by("-oldest_due", "-pk")


def loans_overdue(*, user: Any, today: datetime.date, limit: int) -> list[Item]:
    rows = _overdue_rows(user=user, today=today)[:limit]
    return [
        Item(
            kind="installment_overdue",
            title=_("قسط معوق %(loan)s، %(fund)s")
            % {"loan": _loan_text(loan), "fund": loan.fund.name},
            url=_loan_url(loan.pk),
            due_on=loan.oldest_due,
        )
        for loan in rows
    ]


PROVIDERS = (
    Provider(
        "loan_approval",
        gettext_lazy("وام در انتظار تأیید"),
        Module.FUNDS,
        loans_awaiting_approval,
        _awaiting_rows,
    ),
    Provider(
        "installment_due", gettext_lazy("قسط این هفته"), Module.FUNDS, installments_due, _due_rows
    ),
    Provider(
        "installment_overdue", gettext_lazy("قسط معوق"), Module.FUNDS, loans_overdue, _overdue_rows
    ),
)
