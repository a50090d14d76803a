"""What the portal plugs into the house once the app registry is ready: the scope
policies of public reports, their attachments and the figure releases, the
deploy check, and the dashboard's sections (satisfaction and appeals per
county; figures changed since their publication) that reports may not import."""

from __future__ import annotations

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import ScopePolicy, register
from jahesh.portal import models as m
from jahesh.portal import publishing, tracking
from jahesh.reports import panels
from jahesh.reports.wiring import add_source


def connect() -> None:
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
    # appeals per county (kept in the cache: every write to a public report
    # moves its county's data version), and the figures changed since their
    # publication.
    add_source("portal.PublicReport", ("county",))
    if tracking.dashboard_section not in panels.SECTIONS:
        panels.SECTIONS.append(tracking.dashboard_section)
    if publishing.published_changes not in panels.PUBLISHED:
        panels.PUBLISHED.append(publishing.published_changes)
