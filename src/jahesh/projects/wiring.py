"""The scope policies of projects, direct services and what hangs off them,
registered once the app registry is ready."""

from __future__ import annotations

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import ScopePolicy, register
from jahesh.projects import models as m


def connect() -> None:
    # Project managers and coordinators see their province, county officers
    # their county; viewers read figures only (personal=True keeps records
    # from them).
    register(m.Project, ScopePolicy(module=Module.PROJECTS, county="county", province="province"))
    register(
        m.DirectService,
        ScopePolicy(module=Module.PROJECTS, county="county", province="province"),
    )
    for child in (
        m.ProjectEvent,
        m.ProjectFunding,
        m.ProgressReport,
        m.ProjectPhoto,
        m.ProjectResult,
        m.FacilityCheck,
    ):
        register(child, ScopePolicy(module=Module.PROJECTS, county="project__county"))
    register(m.ServiceBeneficiary, ScopePolicy(module=Module.PROJECTS, county="service__county"))
