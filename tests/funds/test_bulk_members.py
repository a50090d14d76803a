"""The bulk forms of fund and member registration (the demo's): the single
forms' rules, the fund's members read once per batch."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from jahesh.core.errors import Conflict, InvalidInput
from jahesh.funds import services
from jahesh.funds.models import Fund, Member
from jahesh.geo.models import Village
from tests.funds.conftest import START, valid_code


def _row(fund, n, **over) -> services.MemberFields:
    fields = {
        "fund": fund,
        "national_code": valid_code(n),
        "first_name": "زهرا ",
        "last_name": "كريمي",
        "gender": "f",
        "joined_on": START,
        "mobile": "+989121234567",
    }
    return services.MemberFields(**{**fields, **over})


def test_members_create_checks_every_row_and_writes_once(fund):
    services.members_create([_row(fund, 500)])
    created = services.members_create([_row(fund, 501), _row(fund, 502)])
    assert [m.pk is not None for m in created] == [True, True]
    member = Member.objects.get(national_code=valid_code(501))
    assert (member.last_name, member.mobile) == ("کریمی", "09121234567")
    for rows, error in (
        ([_row(fund, 503), _row(fund, 503)], Conflict),  # twice in the batch
        ([_row(fund, 500)], Conflict),  # already a member
        ([_row(fund, 504, national_code="1234567890")], InvalidInput),
    ):
        with pytest.raises(error):
            services.members_create(rows)
    assert Member.objects.filter(fund=fund).count() == 3


def test_funds_build_refuses_what_fund_create_refuses(geo):
    def row(code, **over):
        return {
            "name": " صندوق  آزمون ",
            "code": code,
            "county": geo["arak"],
            "founded_on": START,
            **over,
        }

    services.funds_create(services.funds_build([row("T-1")]))
    assert Fund.objects.get().name == "صندوق آزمون"
    saveh_village = Village.objects.get(county=geo["saveh"])
    for rows in ([row("T-1")], [row("T-2"), row("T-2")], [row("T-3", village=saveh_village)]):
        with pytest.raises(ValidationError):
            services.funds_build(rows)
        with pytest.raises(ValidationError):  # the single form refuses the same
            for r in rows:
                services.fund_create(**r)
    assert sorted(Fund.objects.values_list("code", flat=True)) == ["T-1", "T-2"]
