from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jahesh.reports"
    label = "reports"
    verbose_name = "گزارش‌ها و شاخص‌ها"
