from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "jahesh.demo"
    label = "demo"
    verbose_name = "داده‌های نمایشی"
