"""Django's database sessions, with the session row read by a statement built
once (``core.prepared``) instead of one compiled by the ORM on every signed-in
request. Same condition (the key, not expired), so a signed-out or expired
session is refused on the next request, on every server; writes are Django's."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.utils import timezone

from jahesh.core.prepared import fetch_one


class SessionStore(DbSessionStore):
    def _get_session_from_db(self) -> Any:
        found = fetch_one(
            self.model, {"session_key": self.session_key, "expire_date__gt": timezone.now()}
        )
        if found is None:
            self._session_key = None
        return found
