"""Preparing the demo: geography, the demo users, the scenario."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from jahesh.accounts.models import User
from jahesh.accounts.roles import Role
from jahesh.core.errors import InvalidInput
from jahesh.core.jalali import jalali_today, parse_date_any
from jahesh.demo.registry import ScenarioContext, run
from jahesh.geo.models import County, Province
from jahesh.geo.services import geo_load
from jahesh.reports import facts

MARKAZI_PROVINCE_ID = 28  # django-iranian-cities' id for مرکزی

# DESIGN.md §3: one user per role. (username, role, scope: "province" | "home" |
# county name | None); "home" is the province of a role scoped by assignment.
DEMO_USERS = [
    ("admin", Role.ADMIN, None),
    ("hq", Role.HQ_MANAGER, "province"),
    ("arak", Role.COUNTY_OFFICER, "اراک"),
    ("saveh", Role.COUNTY_OFFICER, "ساوه"),
    # Scoped by assignment, but registered in Markazi, whose manager manages them.
    ("expert", Role.CLINIC_EXPERT, "home"),
    ("fund", Role.FUND_MANAGER, "home"),
    ("coordinator", Role.VOLUNTEER_COORDINATOR, "province"),
    ("projects", Role.PROJECT_MANAGER, "province"),
    ("viewer", Role.VIEWER, "province"),
]


def demo_geography_ensure(*, log: Callable[[str], None]) -> None:

    if (
        Province.objects.count() >= 31
        and County.objects.filter(province_id=MARKAZI_PROVINCE_ID).count() >= 12
    ):
        log(_("۲/۴ تقسیمات کشوری: پیش‌تر بار شده است"))
        return
    log(_("۲/۴ تقسیمات کشوری: بارگذاری استان‌ها، شهرستان‌ها، شهرها و روستاها …"))
    counts = geo_load()
    log("    " + ", ".join(f"{k}: {v}" for k, v in counts.items()))


@transaction.atomic
def demo_users_ensure() -> list[tuple[str, str]]:
    """Create the demo users that do not exist yet; never touch existing ones."""
    markazi = Province.objects.get(pk=MARKAZI_PROVINCE_ID)
    shown = []
    for username, role, scope in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=role)
            if role == Role.ADMIN:
                user.is_staff = user.is_superuser = True
            if scope in ("province", "home"):
                user.province = markazi
            elif scope:
                user.county = County.objects.get(province=markazi, name=scope)
                user.province = markazi
            user.set_password(settings.JAHESH_DEMO_PASSWORD)
            user.save()
        where = user.county or (user.province if scope == "province" else "") or ""
        shown.append((username, f"{user.get_role_display()} {where}".strip()))
    return shown


def demo_prepare(
    *, scenario: str = "markazi", as_of: str | None = None, log: Callable[[str], None] = print
) -> list[tuple[str, str]]:

    if scenario != "markazi":
        raise InvalidInput(
            _("سناریوی «%(scenario)s» وجود ندارد؛ سناریوی موجود: markazi") % {"scenario": scenario}
        )
    demo_geography_ensure(log=log)
    log(_("۳/۴ کاربران نمایشی …"))
    users = demo_users_ensure()
    as_of_date = parse_date_any(as_of) if as_of else jalali_today()
    log(
        _("۴/۴ سناریوی %(scenario)s در تاریخ %(date)s …")
        % {"scenario": scenario, "date": as_of_date.isoformat()}
    )

    with facts.paused():  # a bulk load: the analytics table is rebuilt once, below
        run(ScenarioContext(name=scenario, as_of=as_of_date, log=log))
    report = facts.refresh()
    log(
        "   "
        + _("شاخص‌های دوره‌های استاندارد: %(rows)s ردیف در %(seconds).1f ثانیه")
        % {"rows": report.rows, "seconds": report.seconds}
    )
    # The morning after: loans awaiting approval announced, the reminder job run at
    # 08:00 (it reads the figures just rebuilt for the monthly report).
    from jahesh.notifications import scenario as notifications

    notifications.build(as_of=as_of_date, province_id=MARKAZI_PROVINCE_ID, log=log)
    return users
