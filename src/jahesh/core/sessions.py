"""Django's database sessions, with the session row read by a statement built
once (``core.prepared``) instead of one compiled by the ORM on every signed-in
request. Same condition (the key, not expired), so a signed-out or expired
session is refused on the next request, on every server; writes are Django's.

A session signed in before ``accounts.backends`` existed names Django's own
backend, which ``AUTHENTICATION_BACKENDS`` no longer lists, so Django would
treat its user as signed out: it is read as naming the backend that replaced
it (the same user row, the same checks), and nobody has to sign in again after
an upgrade. The session itself is not rewritten (a read never writes)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.utils import timezone

from jahesh.core.prepared import fetch_one

# The backend a session names → the one that now serves it.
REPLACED_BACKENDS = {
    "django.contrib.auth.backends.ModelBackend": "jahesh.accounts.backends.ModelBackend",
}


class SessionStore(DbSessionStore):
    def load(self) -> dict[str, Any]:
        data: dict[str, Any] = super().load()
        named = data.get(BACKEND_SESSION_KEY)
        if named in REPLACED_BACKENDS:
            data[BACKEND_SESSION_KEY] = REPLACED_BACKENDS[named]
        return data

    def _get_session_from_db(self) -> Any:
        found = fetch_one(
            self.model, {"session_key": self.session_key, "expire_date__gt": timezone.now()}
        )
        if found is None:
            self._session_key = None
        return found
