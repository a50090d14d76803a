"""The loan page's action buttons and the API's allowed moves come from the
workflow table (``services.TRANSITIONS``): for every status, the buttons are
the table's chosen moves from it, in its order; moves the system makes (a
settlement by the last payment, a reopening by a reversal) never show. A move
added to or removed from the table changes what these tests expect."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from jahesh.funds import services
from jahesh.funds.models import Loan
from jahesh.funds.views import LOAN_ACTIONS


def _chosen_from(status: str) -> list[str]:
    return [to for (frm, to), rule in services.TRANSITIONS.items() if frm == status and rule.chosen]


def _buttons(body: str, loan: Loan) -> list[str]:
    """The actions of the page's move buttons, in the page's order."""
    prefix = reverse("funds:loan_action", args=[loan.pk, "x"])[: -len("x/")]
    return re.findall(rf'formaction="{re.escape(prefix)}([a-z_]+)/"', body)


def test_every_chosen_move_has_a_button_and_no_system_move_has_one():
    chosen = {to for (_f, to), rule in services.TRANSITIONS.items() if rule.chosen}
    system = {to for (_f, to), rule in services.TRANSITIONS.items() if not rule.chosen}
    assert chosen == set(LOAN_ACTIONS)
    assert Loan.Status.REPAID in system and Loan.Status.REPAID not in LOAN_ACTIONS


@pytest.mark.parametrize("status", Loan.Status.values)
def test_the_page_and_the_api_offer_the_tables_moves(
    status, requested, clerk, client_for, api_client_for
):
    Loan.objects.filter(pk=requested.pk).update(status=status)
    loan = Loan.objects.get(pk=requested.pk)
    expected = _chosen_from(status)
    body = client_for(clerk).get(reverse("funds:loan_detail", args=[loan.pk])).content.decode()
    assert _buttons(body, loan) == [LOAN_ACTIONS[to][0] for to in expected]
    assert ("اقدام روی وام" in body) == bool(expected)
    assert ('name="months"' in body) == (Loan.Status.RESCHEDULED in expected)
    api = api_client_for(clerk).get(f"/api/v1/loans/{loan.pk}")
    assert api.status_code == 200 and api.json()["allowed_transitions"] == expected


def test_only_the_checkers_steps_are_disabled_for_the_maker(requested, users, client_for):
    body = client_for(users["fund"]).get(reverse("funds:loan_detail", args=[requested.pk]))
    html = body.content.decode()
    disabled = re.findall(r'formaction="[^"]*/([a-z_]+)/" disabled', html)
    assert _buttons(html, requested) == ["approve", "reject"]
    assert disabled == ["approve"]  # a maker may still reject their own request


def test_an_action_outside_the_buttons_is_not_found_and_a_refused_move_writes_nothing(
    requested, clerk, client_for
):
    client = client_for(clerk)
    assert (
        client.post(reverse("funds:loan_action", args=[requested.pk, "settle"])).status_code == 404
    )
    answer = client.post(
        reverse("funds:loan_action", args=[requested.pk, "write_off"]),
        {"on": "1402/03/01", "reason": "x"},
    )
    assert answer.status_code == 422
    assert Loan.objects.get(pk=requested.pk).status == Loan.Status.REQUESTED
