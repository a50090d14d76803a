"""The API tests' world: the reports tests' hand-built world (a record of every
app in Arak, Saveh and Tehran) plus the few records it lacks (a volunteer group,
a repayment, a lottery draw, a certificate), and the ids of Arak's records for
the path parameters of every ``/{id}`` route, so those routes answer 200 too."""

from __future__ import annotations

import datetime

import pytest

from jahesh.core.text import normalize_key
from tests.reports.conftest import world  # noqa: F401  (the shared hand-built world)


@pytest.fixture
def planted(world, users, geo):  # noqa: F811
    from jahesh.clinic.models import Case, Resolution, Session
    from jahesh.funds import services as funds
    from jahesh.funds.models import Fund, Loan, Member
    from jahesh.projects.models import DirectService, Project
    from jahesh.volunteers import services as volunteers
    from jahesh.volunteers.models import Camp, Group, RosterEntry, Volunteer

    arak, admin = geo["arak"], users["admin"]
    loan = Loan.objects.filter(fund__county=arak).order_by("pk").first()
    repayment, _created = funds.repayment_record(
        loan=loan, amount=1_000_000, paid_on=datetime.date(2024, 7, 1), key="k1", user=admin
    )
    Loan.objects.filter(fund=loan.fund).update(in_queue=True, status="requested")
    draw = funds.lottery_draw(fund=loan.fund, slots=1, user=admin, seed="s")
    group = Group.objects.create(name="گروه اراک", name_key=normalize_key("گروه اراک"), county=arak)
    entry = RosterEntry.objects.filter(camp__county=arak, status="approved").order_by("pk").first()
    certificate = volunteers.certificate_issue(actor=admin, entry_id=entry.pk)
    in_arak = {
        "unit_id": world["units"]["u1"].pk,
        "case_id": Case.objects.filter(county=arak).order_by("pk").first().pk,
        "session_id": Session.objects.order_by("pk").first().pk,
        "resolution_id": Resolution.objects.order_by("pk").first().pk,
        "fund_id": Fund.objects.filter(county=arak).order_by("pk").first().pk,
        "member_id": Member.objects.filter(fund__county=arak).order_by("pk").first().pk,
        "loan_id": loan.pk,
        "repayment_id": repayment.pk,
        "draw_id": draw.pk,
        "volunteer_id": Volunteer.objects.filter(county=arak).order_by("pk").first().pk,
        "group_id": group.pk,
        "camp_id": Camp.objects.filter(county=arak).order_by("pk").first().pk,
        "entry_id": entry.pk,
        "project_id": Project.objects.filter(county=arak).order_by("pk").first().pk,
        "service_id": DirectService.objects.filter(county=arak).order_by("pk").first().pk,
        "code": certificate.code,
    }
    return in_arak
