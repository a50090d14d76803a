"""A loan's, an installment's and a verification's name (forms' choices, the
admin, the history) reads in the reader's language."""

from __future__ import annotations

import datetime

from django.utils import translation

from jahesh.funds.models import Installment, Loan, Verification


def test_record_names_read_in_persian_and_in_english():
    installment = Installment(number=3, loan_id=12)
    visit = Verification(visited_on=datetime.date(2025, 5, 1), loan_id=12)
    with translation.override("fa"):
        assert [str(installment), str(visit)] == ["قسط 3 وام 12", "بازدید 2025-05-01 وام 12"]
    with translation.override("en"):
        assert [str(installment), str(visit)] == [
            "Installment 3 of loan 12",
            "Visit 2025-05-01 of loan 12",
        ]


def test_a_loan_names_its_member(funded, member):
    loan = Loan(number=7, fund=funded, member=member)
    with translation.override("fa"):
        assert str(loan) == f"وام 7 — {member}"
    with translation.override("en"):
        assert str(loan) == f"Loan 7 — {member}"
