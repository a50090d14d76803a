"""The notes an import writes (the loan's first event, its ledger entries) are
stored in Persian and read in the reader's language (``core.phrases.written``),
whatever the importing manager's language."""

from __future__ import annotations

import io

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from jahesh.funds.importers import import_loans
from jahesh.funds.models import LedgerEntry, Loan

HEADER = (
    "شمارهٔ وام,کد ملی وام‌گیرنده,مبلغ وام (ریال),تعداد اقساط,تاریخ پرداخت,مبلغ بازپرداخت‌شده (ریال)\n"
)


def test_an_imported_loans_notes_read_in_the_readers_language(
    funded, add_member, users, other_manager, client_for
):
    borrower = add_member(funded)
    data = io.BytesIO(
        (HEADER + f"7,{borrower.national_code},100000000,24,1402/04/01,5000000\n").encode()
    )
    with translation.override("en"):
        report = import_loans(data, "loans.csv", False, funded, users["fund"])
    assert (report.created, report.errors) == (1, [])
    loan = Loan.objects.get(fund=funded, number=7)
    assert loan.events.get().note == "ورود از اکسل (وام موجود)"
    assert sorted(LedgerEntry.objects.filter(loan=loan).values_list("note", flat=True)) == [
        "",
        "",
        "ورود از اکسل",
    ]
    assert loan.repayments.get().note == "مانده‌گیری هنگام ورود از اکسل"

    client = client_for(users["fund"])
    pages = [
        reverse("funds:loan_detail", args=[loan.pk]),
        reverse("funds:reconciliation", args=[funded.pk]),
    ]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = [client.get(url).content.decode() for url in pages]
    assert "Import from Excel (existing loan)" in english[0]
    assert "Import from Excel" in english[1]
    assert not any("ورود از اکسل" in page for page in english)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    persian = [client.get(url).content.decode() for url in pages]
    assert "ورود از اکسل (وام موجود)" in persian[0]
    assert "ورود از اکسل" in persian[1]

    for url in pages:
        assert client_for(other_manager).get(url).status_code == 404
        anonymous = client_for(None).get(url)
        assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
