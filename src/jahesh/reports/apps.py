from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jahesh.reports"
    label = "reports"
    verbose_name = "گزارش‌ها و شاخص‌ها"

    def ready(self) -> None:
        # The home page (core) shows the dashboard's headline figures; core may
        # not import reports, so reports plugs its selector in.
        from jahesh.core import hooks
        from jahesh.reports.selectors import home_figures

        hooks.home_figures = home_figures
