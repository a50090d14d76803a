"""Maker-checker on loans: one rule (``funds.selectors.LOAN_CHECK``) refuses the
maker in the service, leaves the maker's own requests out of their queue,
disables the button on the loan page with the same reason, and names who may
approve."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from jahesh.core.errors import Forbidden
from jahesh.funds import selectors, services
from jahesh.funds.models import Loan

ON = datetime.date(2023, 5, 22)


def test_it_names_who_may_approve_and_leaves_out_the_maker(requested, users, clerk):
    approvers = list(selectors.loan_approvers(loan=requested))
    # Given the Arak fund managed by fund (the maker) and clerk: clerk first,
    # then Markazi's hq, Arak's officer and the admin; never the maker, nor
    # Saveh's officer, Tehran's hq, the viewer or the volunteer coordinator.
    assert approvers[0] == clerk
    assert set(approvers) == {clerk, users["hq"], users["arak"], users["admin"]}


def test_it_refuses_the_maker_with_the_rules_reason(requested, users, clerk):
    reason = selectors.loan_check_refusal(loan=requested, user=users["fund"])
    assert reason and "کاربری جز" in reason
    assert selectors.loan_check_refusal(loan=requested, user=clerk) is None
    with pytest.raises(Forbidden) as refused:
        services.loan_approve(loan=requested, user=users["fund"], on=ON)
    assert str(refused.value.message) == reason
    services.loan_approve(loan=requested, user=clerk, on=ON)
    # Paying out is the same rule's second step.
    with pytest.raises(Forbidden):
        services.loan_disburse(loan=requested, user=users["fund"], on=ON)


def test_the_queue_holds_what_awaits_each_user(requested, users, clerk, other_manager):
    assert list(selectors.loans_awaiting_approval(user=clerk)) == [requested]
    assert list(selectors.loans_awaiting_approval(user=users["hq"])) == [requested]
    assert not selectors.loans_awaiting_approval(user=users["fund"]).exists()  # the maker
    assert not selectors.loans_awaiting_approval(user=other_manager).exists()  # Saveh's fund
    assert not selectors.loans_awaiting_approval(user=users["hq_other"]).exists()
    services.loan_approve(loan=requested, user=clerk, on=ON)
    # Approved, it awaits payment: still a checker's step.
    assert list(selectors.loans_awaiting_approval(user=clerk)) == [requested]
    services.loan_disburse(loan=requested, user=clerk, on=ON)
    assert not selectors.loans_awaiting_approval(user=clerk).exists()


def test_the_page_disables_the_button_for_the_maker_with_the_reason(
    requested, users, clerk, client_for
):
    url = reverse("funds:loan_detail", args=[requested.pk])
    body = client_for(users["fund"]).get(url).content.decode()
    assert 'id="jh-loan-refusal"' in body and "کاربری جز ثبت‌کنندهٔ درخواست" in body
    assert 'disabled aria-describedby="jh-loan-refusal"' in body
    assert "jh-loan-checkers" in body and "clerk" in body
    checker = client_for(clerk).get(url).content.decode()
    assert (
        'id="jh-loan-refusal"' not in checker
        and "disabled" not in checker.split("jh-loan-checkers")[1].split("</form>")[0]
    )
    assert client_for(users["saveh"]).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_a_settled_loan_shows_no_checkers(requested, clerk, client_for):
    services.loan_reject(loan=requested, user=clerk, reason="مدارک ناقص")
    assert Loan.objects.get().status == Loan.Status.REJECTED
    body = client_for(clerk).get(reverse("funds:loan_detail", args=[requested.pk])).content
    assert b"jh-loan-checkers" not in body
