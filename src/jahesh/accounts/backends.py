"""Django's username-and-password backend, with the signed-in user read on each
request by a statement built once (``core.prepared``) instead of one compiled by
the ORM: every signed-in page reads its user. Same row, same checks (an
inactive user is nobody), so a deactivation still signs the user out on their
next request, on every server. A request's user read beside its session
(``core.sessions``, one round trip for both) is taken from there."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from jahesh.accounts.models import User
from jahesh.core.prepared import fetch_one
from jahesh.core.sessions import session_user


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        read, user = session_user(user_id)
        if not read:
            user = fetch_one(User, {"pk": user_id})
        return user if user is not None and self.user_can_authenticate(user) else None
