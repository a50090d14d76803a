"""Who is told: the people each event concerns, in one place.

``loan_approvers`` is the one rule of who may approve a loan as far as the
notifications know it (the maker-checker rule of ``funds.services``: a manager
of the loan's fund other than the one who recorded the request); when the funds
app offers its own answer (an approval queue), point this function at it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from jahesh.accounts.models import User
from jahesh.accounts.roles import Role


def _active() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def county_officers(county_id: int | None) -> QuerySet[User]:
    if county_id is None:
        return User.objects.none()
    return _active().filter(role=Role.COUNTY_OFFICER, county_id=county_id)


def hq_managers(province_id: int | None) -> QuerySet[User]:
    """The headquarters managers of ``province_id`` (nationwide ones included)."""
    from django.db.models import Q

    where = Q(nationwide=True)
    if province_id is not None:
        where |= Q(province_id=province_id)
    return _active().filter(where, role=Role.HQ_MANAGER)


def fund_managers(fund) -> QuerySet[User]:
    return _active().filter(role=Role.FUND_MANAGER, pk__in=fund.managers.values("pk"))


def loan_approvers(loan) -> QuerySet[User]:
    """Who may approve ``loan``: its fund's managers but the maker of the request."""
    managers = fund_managers(loan.fund)
    if loan.requested_by_id is not None:
        managers = managers.exclude(pk=loan.requested_by_id)
    return managers
