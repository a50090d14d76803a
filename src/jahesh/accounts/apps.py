from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jahesh.accounts"
    label = "accounts"
    verbose_name = "کاربران و دسترسی"

    def ready(self) -> None:
        # What this app plugs into the house (scope policies, hooks, receivers)
        # imports models, which load only once the app registry is ready.
        from jahesh.accounts import wiring

        wiring.connect()
