"""Funds, members and loans (the funds tests' fixtures), clinic cases (the
clinic tests' fixtures, without their frozen clock: these tests move the clock
themselves), and helpers to run the reminder job at a moment of Tehran time."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine

from jahesh.core import sms
from jahesh.funds import services as funds
from jahesh.funds.models import Installment
from jahesh.notifications.reminders import reminders_send
from jahesh.notifications.services import deliveries_send
from tests.clinic.conftest import (  # noqa: F401  (fixtures)
    agency,
    category,
    expert,
    group,
    make_case,
    make_unit,
)
from tests.funds.conftest import (  # noqa: F401  (fixtures)
    START,
    add_member,
    clerk,
    disbursed_loan,
    fund,
    funded,
    member,
    other_fund,
    other_manager,
)

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # The monthly report's PDF is kept under MEDIA_ROOT.
    settings.MEDIA_ROOT = tmp_path / "media"


def tehran(y: int, m: int, d: int, hour: int = 8, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hour, minute, tzinfo=TEHRAN)


@pytest.fixture
def run_at(django_capture_on_commit_callbacks):
    """Run the reminder job at a moment (Tehran time) and send what is due then;
    answers the texts sent by this run."""

    def run(moment: datetime.datetime) -> list[str]:
        before = len(sms.outbox)
        with time_machine.travel(moment, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                reminders_send()
            deliveries_send()
        return [m.text for m in sms.outbox[before:]]

    return run


@pytest.fixture
def installment_due(disbursed_loan):  # noqa: F811  (the imported fixture)
    """A disbursed loan whose first unpaid installment falls due on ``on`` (the
    others a year later), so one installment is in play."""

    def make(on: datetime.date, **loan_args) -> Installment:
        loan = disbursed_loan(**loan_args)
        loan.installments.exclude(number=1).update(due_on=on + datetime.timedelta(days=400))
        first = loan.installments.get(number=1)
        first.due_on = on
        first.save(update_fields=["due_on"])
        return first

    return make


@pytest.fixture
def tehran_fund(geo, make_user):
    """A fund in Tehran province, outside Markazi's closures."""
    from jahesh.accounts.roles import Role

    manager = make_user("fund_tehran", Role.FUND_MANAGER)
    maker = make_user("fund_tehran_2", Role.FUND_MANAGER)
    f = funds.fund_create(
        name="صندوق تهران", code="THR-001", county=geo["tehran_county"], founded_on=START
    )
    f.managers.add(manager, maker)
    funds.sponsor_capital_receive(
        fund=f, sponsor="بنیاد", amount=2_000_000_000, on=START, user=manager
    )
    return f, manager, maker
