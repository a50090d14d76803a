"""What the clinic plugs into the house once the app registry is ready: the scope
policies of its records (and what experts see of the units of their cases), the
unit page's cases panel and the open-case hook the units app reads."""

from __future__ import annotations

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import ScopePolicy, extend, register
from jahesh.clinic import models as m
from jahesh.clinic.panels import unit_cases_panel
from jahesh.clinic.selectors import open_case_unit_ids
from jahesh.units import hooks
from jahesh.units.models import RiskAssessment, StatusChange, Unit, Visit, VisitPhoto
from jahesh.units.panels import PANELS


def connect() -> None:
    clinic = Module.CLINIC
    # (record, the path to its place, the path to the users it is assigned to)
    # A case lives in its unit's county; an expert sees the cases assigned to
    # them (and, below, those cases' units). Viewers see no case records.
    in_county = (
        (m.Case, "", "expert__user"),
        (m.CaseEvent, "case__", "case__expert__user"),
        (m.ExpertConflict, "unit__", "expert__user"),
    )
    # Experts and working groups serve a province: a county officer reaches
    # them through the province's counties (one row per record: the filter
    # fixes the county), a provincial role through the province.
    in_province = (
        (m.Expert, "", "user"),
        (m.WorkingGroup, "", "members__user"),
        (m.Session, "group__", "group__members__user"),
        (m.Resolution, "session__group__", "session__group__members__user"),
        (
            m.ResolutionFollowUp,
            "resolution__session__group__",
            "resolution__session__group__members__user",
        ),
    )
    for table, county in ((in_county, "county"), (in_province, "province__counties")):
        for model, at, expert in table:
            policy = ScopePolicy(
                module=clinic,
                county=at + county,
                province=at + "province",
                assigned={"clinic_expert": expert},
            )
            register(model, policy)
    for reference in (m.ObstacleCategory, m.Agency, m.ClinicSettings):
        register(reference, ScopePolicy(module=clinic, public=True, personal=False))

    extend(Unit, assigned={"clinic_expert": "obstacle_cases__expert__user"})
    # ...and what is recorded about those units (the unit page lists it).
    for record in (Visit, StatusChange, RiskAssessment):
        extend(record, assigned={"clinic_expert": "unit__obstacle_cases__expert__user"})
    extend(VisitPhoto, assigned={"clinic_expert": "visit__unit__obstacle_cases__expert__user"})
    if unit_cases_panel not in PANELS:
        PANELS.append(unit_cases_panel)
    hooks.open_case_unit_ids = open_case_unit_ids
