"""The volunteers' figures of kpis.md (volunteers, volunteer hours), wired to
their selectors; ``reports.registry`` lists them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jahesh.accounts.roles import Module
from jahesh.core.kpis import COUNT, COUNTY_COLUMN, STATUS_COLUMN, DrillColumn, Kpi, parts
from jahesh.volunteers import selectors as s
from jahesh.volunteers.models import Camp, RosterEntry, Volunteer, VolunteerStatusEvent

_C = DrillColumn
VOLUNTEER_COLUMNS = (
    _C("first_name", "نام", "First name", "first_name", link=("volunteers:detail", "pk")),
    _C("last_name", "نام خانوادگی", "Last name", "last_name"),
    _C("national_code", "کد ملی", "National code", "national_code", "ltr"),
    COUNTY_COLUMN,
    _C("registered_on", "تاریخ ثبت‌نام", "Registered", "registered_on", "date"),
    STATUS_COLUMN,
)
HOURS_COLUMNS = (
    _C("camp", "اردو", "Camp", "camp.title", link=("volunteers:camp_detail", "camp_id")),
    _C("camp_start", "آغاز اردو", "Camp start", "camp.start_date", "date"),
    _C("volunteer", "نیروی جهادی", "Volunteer", "volunteer"),
    _C("hours", "ساعت", "Hours", "hours", "count"),
    STATUS_COLUMN,
)

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "volunteers", module=Module.VOLUNTEERS, unit=COUNT, exact=True, headline=True,
        parts=parts({"volunteers": (s.kpi_volunteers, s.kpi_volunteers_daily)},
                    sources=(Volunteer, VolunteerStatusEvent), stock=True),
        name_fa=_("نیروهای جهادی"), name_en="Volunteers",
        definition_fa=_("افراد متمایز (به کد ملی) که در پایان دوره نیروی جهادی فعال ثبت‌شده بودند."),
        definition_en="Distinct people (by national code) registered as active volunteers at the period's end.",
        records=s.kpi_volunteers_records, columns=VOLUNTEER_COLUMNS, related=("county",),
    ),
    Kpi(
        "volunteer_hours", module=Module.VOLUNTEERS, unit=COUNT, exact=True,
        parts=parts(
            {"volunteer_hour_tenths": (s.kpi_volunteer_hour_tenths, s.kpi_volunteer_hour_tenths_daily)},
            sources=(Camp, RosterEntry),
        ),
        combine=s.volunteer_hours,
        name_fa=_("ساعت‌های خدمت جهادی"), name_en="Volunteer hours",
        definition_fa=_("ساعت‌های خدمت ثبت‌شده (و تأییدشده) در این دوره."),
        definition_en="Hours logged in the period.",
        records=s.kpi_volunteer_hours_records, columns=HOURS_COLUMNS, related=("camp", "volunteer"),
    ),
)  # fmt: skip
