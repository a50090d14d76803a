"""Every write of the funds app, by sub-domain:

- ``ledger``: money moves only through ``_post`` (one append-only ``LedgerEntry``
  row; ``entries_create`` writes many built by the ``*_build`` functions); a
  correction is a reversing row;
- ``members``: funds, members, savings, sponsor capital;
- ``loan_flow``: the loan workflow, ``TRANSITIONS`` run by ``LOAN_FLOW``
  (``core.workflow``); ``_move`` is the only code that changes ``Loan.status``;
- ``loans``: request, guarantees, approval, payment, write-off, rescheduling;
- ``repayments``: payments and their reversal;
- ``checks``: verification visits and the lottery.

Lock order: the loan row first, then nothing else is locked (fund cash is checked
under the fund row's lock, which is never taken while a loan lock is held).
Callers import from ``jahesh.funds.services``.
"""

from __future__ import annotations

from jahesh.funds.services.checks import (
    lottery_draw,
    lottery_verify,
    verification_build,
    verification_record,
    verifications_create,
)
from jahesh.funds.services.ledger import (
    entries_create,
    fund_cash,
    ledger_entry_reverse,
    member_savings,
)
from jahesh.funds.services.loan_flow import (
    LOAN_FLOW,
    TRANSITIONS,
    allowed_transitions,
    checked_move,
)
from jahesh.funds.services.loans import (
    guarantee_document_add,
    guarantee_document_build,
    guarantee_documents_create,
    guarantor_add,
    guarantor_build,
    guarantors_create,
    loan_approve,
    loan_disburse,
    loan_eligibility,
    loan_outstanding_principal,
    loan_reject,
    loan_request,
    loan_reschedule,
    loan_write_off,
    loan_write_off_build,
)
from jahesh.funds.services.members import (
    MemberFields,
    fund_build,
    fund_create,
    funds_build,
    funds_create,
    member_build,
    member_create,
    members_create,
    savings_deposit,
    savings_deposit_build,
    savings_withdraw,
    sponsor_capital_build,
    sponsor_capital_receive,
)
from jahesh.funds.services.repayments import (
    repayment_build,
    repayment_record,
    repayment_reverse,
)

__all__ = [
    "LOAN_FLOW",
    "MemberFields",
    "TRANSITIONS",
    "allowed_transitions",
    "checked_move",
    "entries_create",
    "fund_cash",
    "fund_build",
    "fund_create",
    "funds_build",
    "funds_create",
    "guarantee_document_add",
    "guarantee_document_build",
    "guarantee_documents_create",
    "guarantor_add",
    "guarantor_build",
    "guarantors_create",
    "ledger_entry_reverse",
    "loan_approve",
    "loan_disburse",
    "loan_eligibility",
    "loan_outstanding_principal",
    "loan_reject",
    "loan_request",
    "loan_reschedule",
    "loan_write_off",
    "loan_write_off_build",
    "lottery_draw",
    "lottery_verify",
    "member_build",
    "member_create",
    "members_create",
    "member_savings",
    "repayment_build",
    "repayment_record",
    "repayment_reverse",
    "savings_deposit",
    "savings_deposit_build",
    "savings_withdraw",
    "sponsor_capital_build",
    "sponsor_capital_receive",
    "verification_build",
    "verification_record",
    "verifications_create",
]
