from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jahesh.accounts"
    label = "accounts"
    verbose_name = "کاربران و دسترسی"

    def ready(self) -> None:
        from jahesh.accounts import signals  # noqa: F401  (connects the receivers)
