from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jahesh.api"
    label = "api"
    verbose_name = "رابط برنامه‌نویسی"
