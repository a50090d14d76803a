"""Logout and a password change end the user's API tokens, whatever path they take
(the web logout, the admin, a password form, ``jahesh changepassword``, a reset)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from jahesh.accounts.models import User
from jahesh.accounts.services import api_token_revoke_all


@receiver(user_logged_out)
def revoke_tokens_on_logout(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is not None:
        api_token_revoke_all(user=user, now=timezone.now())


@receiver(pre_save, sender=User)
def note_password_change(
    sender: Any,
    instance: User,
    raw: bool = False,
    update_fields: Any = None,
    **kwargs: Any,
) -> None:
    if raw or instance._state.adding:
        return
    if update_fields is not None and "password" not in update_fields:
        return  # e.g. the last_login stamp of every login
    # set_password() keeps the raw password until save() (every form, the admin and
    # changepassword use it); a hash upgrade at login clears it first, so it does
    # not count. set_unusable_password() leaves no raw password: compare hashes.
    changed = instance._password is not None
    if not changed and not is_password_usable(instance.password):
        changed = User.objects.filter(pk=instance.pk).exclude(password=instance.password).exists()
    instance._jahesh_password_changed = changed


@receiver(post_save, sender=User)
def revoke_tokens_on_password_change(sender: Any, instance: User, **kwargs: Any) -> None:
    if getattr(instance, "_jahesh_password_changed", False):
        instance._jahesh_password_changed = False
        api_token_revoke_all(user=instance, now=timezone.now())
