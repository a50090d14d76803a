from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "jahesh.portal"
    label = "portal"
    verbose_name = "درگاه عمومی"

    def ready(self) -> None:
        from jahesh.accounts.roles import Module
        from jahesh.accounts.scoping import ScopePolicy, register
        from jahesh.portal import checks  # noqa: F401  (registers the deploy check)
        from jahesh.portal import models as m

        # A report (and its attachments, the mobile number in it) is read by the
        # clinic's staff of its county or province; experts and viewers, none.
        register(m.PublicReport, ScopePolicy(module=Module.CLINIC, county="county",
                                             province="province"))  # fmt: skip
        register(
            m.ReportAttachment,
            ScopePolicy(module=Module.CLINIC, county="report__county",
                        province="report__province"),
        )  # fmt: skip
