from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "jahesh.portal"
    label = "portal"
    verbose_name = "درگاه عمومی"

    def ready(self) -> None:
        from jahesh.accounts.roles import Module
        from jahesh.accounts.scoping import ScopePolicy, register
        from jahesh.portal import (
            checks,  # noqa: F401  (registers the deploy check)
            publishing,
            tracking,
        )
        from jahesh.portal import models as m
        from jahesh.reports import panels

        # A report (and its attachments, the mobile number in it) is read by the
        # clinic's staff of its county or province; experts and viewers, none.
        register(m.PublicReport, ScopePolicy(module=Module.CLINIC, county="county",
                                             province="province"))  # fmt: skip
        register(
            m.ReportAttachment,
            ScopePolicy(module=Module.CLINIC, county="report__county",
                        province="report__province"),
        )  # fmt: skip
        # Figures on their way to the public are aggregates (nothing personal),
        # read by the dashboard's roles: a province's release by its province's
        # readers, and by each of its counties' (the county reaches its
        # province's releases through the province's counties); a county's
        # submission by its county and province. Releases are never asked
        # ``users_in_scope`` (the to-many county path has no one county).
        register(m.FigureRelease, ScopePolicy(module=Module.DASHBOARD, personal=False,
                                              county="province__counties", province="province"))  # fmt: skip
        register(m.CountyFigures, ScopePolicy(module=Module.DASHBOARD, personal=False,
                                              county="county"))  # fmt: skip
        # The dashboard (reports may not import the portal): satisfaction and
        # appeals per county, and the figures changed since their publication.
        if tracking.dashboard_section not in panels.SECTIONS:
            panels.SECTIONS.append(tracking.dashboard_section)
        if publishing.published_changes not in panels.PUBLISHED:
            panels.PUBLISHED.append(publishing.published_changes)
