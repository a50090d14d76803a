from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jahesh.accounts"
    label = "accounts"
    verbose_name = "کاربران و دسترسی"
