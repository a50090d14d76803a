from __future__ import annotations

from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "jahesh.funds"
    label = "funds"
    verbose_name = "صندوق‌های قرض‌الحسنه"
