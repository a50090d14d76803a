"""The loan workflow: ``TRANSITIONS`` (one table, one guard per move) run by
``LOAN_FLOW`` (``core.workflow``); ``_move`` is the only code that changes
``Loan.status``. Lock order: the loan row first, then nothing else is locked
(fund cash is checked under the fund row's lock, which is never taken while a
loan lock is held)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from jahesh.core import events
from jahesh.core.errors import Conflict, Forbidden
from jahesh.core.workflow import Move, Refusals, Rule, Workflow
from jahesh.funds import selectors
from jahesh.funds.models import (
    Loan,
    LoanEvent,
)

S = Loan.Status


def _maker_checker(move: Move[Loan]) -> None:
    refusal = selectors.loan_check_refusal(loan=move.record, user=move.user)
    if refusal:
        raise Forbidden(refusal)


_CHECKED = Rule[Loan](guard=_maker_checker)
_FREE = Rule[Loan]()
_SYSTEM = Rule[Loan](chosen=False)  # follows a payment or its reversal: no button

# (from, to) → guard. The only table of allowed moves. Who may use the funds
# module is decided at the edges (module_required); the maker-checker rule here.
# The loan page's buttons and the API's allowed moves are the chosen ones.
TRANSITIONS: dict[tuple[str, str], Rule[Loan]] = {
    (S.REQUESTED, S.APPROVED): _CHECKED,
    (S.REQUESTED, S.REJECTED): _FREE,
    (S.APPROVED, S.REJECTED): _FREE,
    (S.APPROVED, S.DISBURSED): _CHECKED,
    (S.DISBURSED, S.REPAID): _SYSTEM,  # the last repayment settles it
    (S.RESCHEDULED, S.REPAID): _SYSTEM,
    (S.REPAID, S.DISBURSED): _SYSTEM,  # a reversed payment reopens a settled loan
    (S.DISBURSED, S.WRITTEN_OFF): _FREE,
    (S.RESCHEDULED, S.WRITTEN_OFF): _FREE,
    (S.DISBURSED, S.RESCHEDULED): _FREE,
    (S.RESCHEDULED, S.RESCHEDULED): _FREE,
}


def _loan_row(move: Move[Loan]) -> LoanEvent:
    """The loan's event row, not saved (``LOAN_FLOW.history`` answers many)."""
    return LoanEvent(**move.row(loan=move.record, note=move.reason[:500]))


def _loan_event(move: Move[Loan]) -> LoanEvent:
    """The loan's event row; announced as ``loan.<status>`` (an import's is not)."""
    user = move.user
    event = _loan_row(move)
    event.save()
    if move.announce:
        events.emit(
            f"loan.{move.to_status}",
            key=f"loan-event:{event.pk}",
            actor=user,
            loan_id=move.record.pk,
        )
    return event


LOAN_FLOW: Workflow[Loan] = Workflow(
    model=Loan,
    rules=TRANSITIONS,
    event=_loan_event,
    row=_loan_row,
    refuse=Refusals(
        no_move=lambda frm, to: Conflict(
            _("وام در وضعیت «%(from)s» است و نمی‌توان آن را «%(to)s» کرد.")
            % {"from": S(frm).label, "to": S(to).label}
        ),
        lost=lambda: Conflict(_("وضعیت وام هم‌زمان تغییر کرد؛ صفحه را تازه کنید.")),
    ),
)


def allowed_transitions(loan: Loan, user: Any) -> list[str]:
    """The statuses ``user`` may choose to move ``loan`` to (the page's buttons,
    the API's list; the maker-checker guard is not run: see ``checked_move``)."""
    return LOAN_FLOW.allowed_moves(loan, user)


def checked_move(loan: Loan, to: str) -> bool:
    """Whether moving ``loan`` to ``to`` is a checker's step (maker-checker guard)."""
    return TRANSITIONS.get((loan.status, to)) is _CHECKED


def _move(
    loan: Loan, to: str, *, user: Any, now: datetime.datetime, note: str = "", **fields: Any
) -> None:
    """Move a loan its caller has locked to ``to`` through ``LOAN_FLOW`` (guarded),
    save ``fields`` and append the event."""
    LOAN_FLOW.transition(loan, to, user=user, now=now, reason=note, locked=True, fields=fields)


def _lock_loan(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().select_related("fund", "member").get(pk=loan.pk)
