from __future__ import annotations

from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "jahesh.geo"
    label = "geo"
    verbose_name = "جغرافیا"
    # Geography's scope policies are registered by accounts (geo sits below it).
