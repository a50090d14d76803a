from __future__ import annotations

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "jahesh.projects"
    label = "projects"
    verbose_name = "پروژه‌ها و خدمات"

    def ready(self) -> None:
        # Models and the modules that import them load only once the app
        # registry is ready, so ready() imports them here.
        from jahesh.accounts.roles import Module
        from jahesh.accounts.scoping import ScopePolicy, register
        from jahesh.projects import models as m

        # Project managers and coordinators see their province, county officers
        # their county; viewers read figures only (personal=True keeps records
        # from them).
        register(
            m.Project, ScopePolicy(module=Module.PROJECTS, county="county", province="province")
        )
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
        register(
            m.ServiceBeneficiary, ScopePolicy(module=Module.PROJECTS, county="service__county")
        )
