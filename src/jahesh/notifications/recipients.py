"""Who is told: the people each event concerns, in one place.

``loan_approvers`` asks the funds' one maker-checker rule
(``funds.selectors.loan_approvers``, the same the service refuses with and the
approval queue reads) and tells the fund's own managers among them; only when
the fund has no other manager does everyone who may approve hear of it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jahesh.accounts.models import User
from jahesh.accounts.roles import Role
from jahesh.funds import selectors as funds_selectors
from jahesh.funds.models import Fund, Loan


def _active() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def county_officers(county_id: int | None) -> QuerySet[User]:
    if county_id is None:
        return User.objects.none()
    return _active().filter(role=Role.COUNTY_OFFICER, county_id=county_id)


def hq_managers(province_id: int | None) -> QuerySet[User]:
    """The headquarters managers of ``province_id`` (nationwide ones included)."""
    where = Q(nationwide=True)
    if province_id is not None:
        where |= Q(province_id=province_id)
    return _active().filter(where, role=Role.HQ_MANAGER)


def fund_managers(fund: Fund) -> QuerySet[User]:
    return _active().filter(role=Role.FUND_MANAGER, pk__in=fund.managers.values("pk"))


def loan_approvers(loan: Loan) -> QuerySet[User]:
    """Who is told that ``loan`` awaits approval: the approvers the funds' rule
    names, its fund's managers among them first (admins and the headquarters
    may approve too, but are told only when no manager can)."""
    approvers = funds_selectors.loan_approvers(loan=loan).filter(is_active=True)
    managers = approvers.filter(role=Role.FUND_MANAGER, pk__in=loan.fund.managers.values("pk"))
    return managers if managers.exists() else approvers
