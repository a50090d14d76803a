"""The funds pages: in scope, out of scope (404), anonymous (login), methods, bad ids."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jahesh.funds.models import Loan, Member, Repayment

from .conftest import valid_code


@pytest.fixture
def loan(disbursed_loan):
    return disbursed_loan()


def _record_urls(fund, member, loan):
    return [
        reverse("funds:detail", args=[fund.pk]),
        reverse("funds:reconciliation", args=[fund.pk]),
        reverse("funds:member_create", args=[fund.pk]),
        reverse("funds:member_export", args=[fund.pk]),
        reverse("funds:loan_create", args=[fund.pk]),
        reverse("funds:import", args=[fund.pk, "members"]),
        reverse("funds:member_detail", args=[member.pk]),
        reverse("funds:loan_detail", args=[loan.pk]),
    ]


def test_it_shows_every_page_to_the_funds_manager(client_for, users, fund, member, loan):
    from jahesh.funds import books

    client = client_for(users["fund"])
    check = books.fund_reconciliation(fund=fund)[0].label
    loan_url = reverse("funds:loan_detail", args=[loan.pk])
    # Each page, and what it must show: the records it is about, or its form's fields.
    expected = {
        reverse("funds:detail", args=[fund.pk]): [fund.name, fund.code, member.full_name],
        reverse("funds:reconciliation", args=[fund.pk]): [fund.name, check],
        reverse("funds:member_create", args=[fund.pk]): ['name="national_code"', fund.name],
        reverse("funds:loan_create", args=[fund.pk]): ['name="principal"', member.full_name],
        reverse("funds:import", args=[fund.pk, "members"]): ['type="file"', fund.name],
        reverse("funds:member_detail", args=[member.pk]): [member.full_name, f'href="{loan_url}"'],
        loan_url: [member.full_name, loan.purpose],
        reverse("funds:list"): [fund.name, fund.code],
        # The loan's installments from Mordad 1402 on are long overdue today.
        reverse("funds:due"): [member.full_name, fund.name],
        reverse("funds:calculator"): ['name="principal"', 'name="months"'],
    }
    for url, texts in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert [t for t in texts if t not in page] == [], url
    export = client.get(reverse("funds:member_export", args=[fund.pk]))
    assert export.status_code == 200
    cells = {c for row in load_workbook(io.BytesIO(export.content)).active.values for c in row}
    assert member.national_code in cells


def test_it_answers_404_for_another_funds_records(client_for, other_manager, fund, member, loan):
    client = client_for(other_manager)
    for url in _record_urls(fund, member, loan):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("funds:repay", args=[loan.pk]),
        {"amount": "434000", "paid_on": "1402/05/01", "key": "x"},
    )
    assert response.status_code == 404
    assert not Repayment.objects.exists()
    assert loan.member.full_name not in client.get(reverse("funds:due")).content.decode()
    assert "ARK-001" not in client.get(reverse("funds:list")).content.decode()


def test_it_sends_anonymous_visitors_to_sign_in(client_for, fund, member, loan):
    client = client_for(None)
    for url in [
        *_record_urls(fund, member, loan),
        reverse("funds:list"),
        reverse("funds:calculator"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url


def test_it_refuses_wrong_methods_and_bad_ids(client_for, users, loan):
    client = client_for(users["fund"])
    assert client.post(reverse("funds:list")).status_code == 405
    assert client.get(reverse("funds:repay", args=[loan.pk])).status_code == 405
    assert client.get("/funds/loans/999999/").status_code == 404
    assert client.get("/funds/999999/").status_code == 404
    assert (
        client.post(
            reverse("funds:loan_action", args=[loan.pk, "explode"]), {"on": "1402/05/01"}
        ).status_code
        == 404
    )
    assert client_for(users["viewer"]).get(reverse("funds:list")).status_code == 403


def test_it_lists_funds_in_a_bounded_number_of_queries(
    client_for, users, fund, other_fund, loan, django_assert_max_num_queries
):
    client = client_for(users["hq"])
    with django_assert_max_num_queries(20):
        response = client.get(reverse("funds:list"))
    body = response.content.decode()
    assert "ARK-001" in body and "SVH-001" in body
    with django_assert_max_num_queries(25):
        client.get(reverse("funds:due"))


def test_it_records_a_repayment_once_from_the_page(client_for, users, loan):
    client = client_for(users["fund"])
    page = client.get(reverse("funds:loan_detail", args=[loan.pk])).content.decode()
    assert "۴۳۴٬۰۰۰ تومان" in page  # the installment in tomans
    data = {"amount": "434000", "paid_on": "1402/05/01", "key": "form-key-1"}  # tomans
    first = client.post(reverse("funds:repay", args=[loan.pk]), data)
    again = client.post(reverse("funds:repay", args=[loan.pk]), data)
    assert first.status_code == again.status_code == 302
    assert list(Repayment.objects.values_list("amount", flat=True)) == [4_340_000]
    bad = client.post(
        reverse("funds:repay", args=[loan.pk]), {**data, "key": "k2", "amount": "90000000"}
    )
    assert bad.status_code == 422
    assert "بیش از" in bad.content.decode()


def test_it_enforces_maker_checker_on_the_page(client_for, users, clerk, funded, member):
    maker = client_for(users["fund"])
    response = maker.post(
        reverse("funds:loan_create", args=[funded.pk]),
        {
            "member": member.pk,
            "principal": "5000000",
            "months": "12",
            "purpose": "زنبورداری",
            "requested_on": "1402/03/01",
            "planned_jobs": "1",
            "planned_women_jobs": "0",
            "job_kind": "self",
        },
    )
    assert response.status_code == 302
    loan = Loan.objects.get()
    assert loan.principal == 50_000_000
    url = reverse("funds:loan_action", args=[loan.pk, "approve"])
    refused = maker.post(url, {"on": "1402/03/02"})
    assert refused.status_code == 422 and "کاربری جز" in refused.content.decode()
    assert client_for(clerk).post(url, {"on": "1402/03/02"}).status_code == 302
    assert Loan.objects.get().status == Loan.Status.APPROVED


def test_it_calculates_a_schedule_on_the_calculator_page(client_for, users):
    client = client_for(users["fund"])
    page = client.get(
        reverse("funds:calculator"),
        {
            "principal": "10000000",
            "fee_rate": "4",
            "months": "24",
            "disbursed_on": "1403/06/31",
            "multiple": "1000",
        },
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "۴۱۶٬۶۶۶٫۷ تومان" in body or "۴۱۶٬۶۶۷ تومان" in body  # F = 4,166,667 rials
    assert "۱۴۰۳/۰۷/۳۰" in body  # 31 Shahrivar → 30 Mehr
    bad = client.get(
        reverse("funds:calculator"),
        {
            "principal": "10000000",
            "fee_rate": "5",
            "months": "24",
            "disbursed_on": "1403/06/31",
            "multiple": "1000",
        },
    )
    assert bad.status_code == 422


def _xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "upload.xlsx"
    return buf


def test_it_imports_members_and_loans_with_row_errors(client_for, users, fund):
    client = client_for(users["fund"])
    url = reverse("funds:import", args=[fund.pk, "members"])
    upload = _xlsx(
        [
            ["کد ملی", "نام", "نام خانوادگی", "جنسیت", "تاریخ عضویت", "پس‌انداز فعلی (ریال)"],
            [valid_code(77), "مریم", "کریمی", "زن", "1400/01/15", 200_000_000],
            ["0081234561", "علی", "رضایی", "مرد", "1400/01/15", 0],
        ]
    )
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200 and not Member.objects.exists()
    token = preview.context["token"]
    assert preview.context["report"].errors[0].row == 3
    done = client.post(url, {"token": token})
    assert done.status_code == 200
    assert list(Member.objects.values_list("national_code", flat=True)) == [valid_code(77)]
    loans_url = reverse("funds:import", args=[fund.pk, "loans"])
    upload = _xlsx(
        [
            [
                "شمارهٔ وام",
                "کد ملی وام‌گیرنده",
                "مبلغ وام (ریال)",
                "تعداد اقساط",
                "تاریخ پرداخت",
                "مبلغ بازپرداخت‌شده (ریال)",
            ],
            [7, valid_code(77), 100_000_000, 24, "1402/04/01", 8_680_000],
            [8, valid_code(78), 100_000_000, 24, "1402/04/01", 0],
        ]
    )
    preview = client.post(loans_url, {"file": upload})
    client.post(loans_url, {"token": preview.context["token"]})
    loan = Loan.objects.get()
    assert (loan.number, loan.fee, loan.status) == (7, 4_166_667, "disbursed")
    assert loan.installments.filter(paid_on__isnull=False).count() == 2
    export = client.get(reverse("funds:member_export", args=[fund.pk]))
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[2]][0] == valid_code(77)


def test_it_draws_the_queue_on_the_lottery_page(
    client_for, users, clerk, funded, add_member, other_manager
):
    from jahesh.funds import services

    for _ in range(4):
        services.loan_request(
            fund=funded,
            member=add_member(funded),
            principal=20_000_000,
            months=12,
            purpose="قالی",
            requested_on=datetime.date(2023, 6, 1),
            user=users["fund"],
            in_queue=True,
        )
    url = reverse("funds:lottery", args=[funded.pk])
    assert client_for(other_manager).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    response = client_for(clerk).post(url, {"slots": "2", "seed": "abc"})
    assert response.status_code == 302
    page = client_for(users["hq"]).get(url).content.decode()
    assert "همان برندگان" in page and "abc" in page
    assert Loan.objects.filter(draw__isnull=False).count() == 2
    assert client_for(clerk).post(url, {"slots": "0"}).status_code == 422


def test_it_reverses_a_payment_and_reschedules_from_the_loan_page(
    client_for, users, clerk, loan, other_manager
):
    client = client_for(users["fund"])
    client.post(
        reverse("funds:repay", args=[loan.pk]),
        {"amount": "434000", "paid_on": "1402/05/01", "key": "k"},
    )
    rep = Repayment.objects.get()
    url = reverse("funds:repayment_reverse", args=[loan.pk, rep.pk])
    assert client_for(other_manager).post(url, {"reason": "x"}).status_code == 404
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": "چک برگشتی"}).status_code == 302
    assert Repayment.objects.get().reversed_at is not None
    response = client_for(clerk).post(
        reverse("funds:loan_action", args=[loan.pk, "reschedule"]),
        {"on": "1402/10/01", "reason": "خشکسالی", "months": "30"},
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.installments.count()) == (Loan.Status.RESCHEDULED, 30)
