from __future__ import annotations

from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "jahesh.units"
    label = "units"
    verbose_name = "واحدهای تولیدی"
