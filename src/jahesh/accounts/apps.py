from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jahesh.accounts"
    label = "accounts"
    verbose_name = "کاربران و دسترسی"

    def ready(self) -> None:
        from jahesh.accounts import signals  # noqa: F401  (connects the receivers)
        from jahesh.accounts.roles import Module
        from jahesh.accounts.scoping import ScopePolicy, register, scoped
        from jahesh.core import hooks
        from jahesh.core.models import ImportJob

        # An import job is its owner's (admins see all), whatever it imports.
        register(ImportJob, ScopePolicy(module=Module.DASHBOARD, owner="user", personal=False))
        # Users, for the people pages: a headquarters manager reaches the users of
        # their province (a county officer's province follows their county).
        from jahesh.accounts.models import User

        register(User, ScopePolicy(module=Module.PEOPLE, province="province"))
        hooks.scoped = scoped
