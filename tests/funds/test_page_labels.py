"""Labels, not codes or slips: the loan page in English names the repayment as a
payment (not a disbursement), «ثبت» reads «Record», its two amount inputs have
distinct ids, and the fund pages name PAR30 in words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from jahesh.funds.models import Repayment


@pytest.fixture
def loan(disbursed_loan):
    return disbursed_loan()


def _english_page(client_for, user, loan):
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client, client.get(reverse("funds:loan_detail", args=[loan.pk])).content.decode()


def test_it_labels_the_repayment_form_as_a_payment_in_english(client_for, users, loan):
    _client, page = _english_page(client_for, users["fund"], loan)
    assert 'for="id_repay_amount"' in page
    assert "Amount paid" in page and "Payment date" in page
    assert "Amount disbursed" not in page and "Disbursement date" not in page
    assert ">Record</button>" in page.replace('<i class="bi bi-cash-coin"></i> ', "")
    assert "Save" not in page
    assert "<th>Recorded</th>" in page


def test_it_gives_each_amount_input_on_the_loan_page_its_own_id(client_for, users, loan):
    client, page = _english_page(client_for, users["fund"], loan)
    ids = re.findall(r'id="(id_[a-z_]*amount)"', page)
    assert sorted(ids) == ["id_amount", "id_repay_amount"]
    # The field names stay as they were: a post with «amount» still records the payment.
    data = {"amount": "434000", "paid_on": "1402/05/01", "key": "labels-key"}
    assert client.post(reverse("funds:repay", args=[loan.pk]), data).status_code == 302
    assert list(Repayment.objects.values_list("amount", flat=True)) == [4_340_000]


def test_it_names_par30_in_words_on_the_fund_pages(client_for, users, loan):
    client = client_for(users["fund"])
    for url in (reverse("funds:list"), reverse("funds:detail", args=[loan.fund_id])):
        page = client.get(url).content.decode()
        assert "پرتفوی در معرض خطر (۳۰ روز)" in page
        assert "PAR30" not in page
