"""Django's database sessions, with the session row read by a statement built
once (``core.prepared``) instead of one compiled by the ORM on every signed-in
request. Same condition (the key, not expired), so a signed-out or expired
session is refused on the next request, on every server; writes are Django's.

A session signed in before ``accounts.backends`` existed names Django's own
backend, which ``AUTHENTICATION_BACKENDS`` no longer lists, so Django would
treat its user as signed out: it is read as naming the backend that replaced
it (the same user row, the same checks), and nobody has to sign in again after
an upgrade. The session itself is not rewritten (a read never writes).

A signed-in request reads its session and then its user: two round trips to
the database. The user a session key names never changes (signing in gives a
new key), so once this process has read a session, the next read of it also
reads, in the same statement, the row of the user it named
(``core.prepared.fetch_one_beside``), kept on the session for
:func:`session_user` (the auth backend's ``get_user``): the same two rows,
read again on every request, in one round trip. The user that comes is used
only when the session, read beside it, still names that user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.utils import timezone

from jahesh.core.prepared import fetch_one, fetch_one_beside

# The backend a session names → the one that now serves it.
REPLACED_BACKENDS = {
    "django.contrib.auth.backends.ModelBackend": "jahesh.accounts.backends.ModelBackend",
}


# The user each session key this process has read names (key → user id).
_users_of: dict[str, Any] = {}
_USERS_OF_MAX = 10_000  # sessions; past it the memo starts again

# The session whose user the auth backend is reading (:func:`reading_user`).
_reading: ContextVar[SessionStore | None] = ContextVar("jahesh_session_reading", default=None)


class SessionStore(DbSessionStore):
    # (user id, that user's row or None) read beside the session, until taken.
    _user_beside: tuple[Any, Any] | None = None

    def load(self) -> dict[str, Any]:
        key = self.session_key
        data: dict[str, Any] = super().load()
        named = data.get(BACKEND_SESSION_KEY)
        if named in REPLACED_BACKENDS:
            data[BACKEND_SESSION_KEY] = REPLACED_BACKENDS[named]
        user_id = data.get(SESSION_KEY)
        if key and user_id is not None:
            user_id = get_user_model()._meta.pk.to_python(user_id)  # type: ignore[union-attr]
            if len(_users_of) >= _USERS_OF_MAX:
                _users_of.clear()
            _users_of[key] = user_id
        if self._user_beside is not None and self._user_beside[0] != user_id:
            self._user_beside = None  # the session names another user (or none): not used
        return data

    def _get_session_from_db(self) -> Any:
        self._user_beside = None
        where = {"session_key": self.session_key, "expire_date__gt": timezone.now()}
        user_id = _users_of.get(self.session_key or "")
        if user_id is None:
            found = fetch_one(self.model, where)
        else:
            found, user = fetch_one_beside(self.model, where, get_user_model(), user_id)
            if found is not None:
                self._user_beside = (user_id, user)
        if found is None:
            self._session_key = None
        return found

    def take_user(self, user_id: Any) -> tuple[bool, Any]:
        """(True, the row of user ``user_id`` read beside this session, or
        None if there is none) once, or (False, None) when it was not read."""
        kept, self._user_beside = self._user_beside, None
        if kept is None or kept[0] != user_id:
            return False, None
        return True, kept[1]


@contextmanager
def reading_user(session: Any) -> Iterator[None]:
    """Inside: the auth backend reading a user may take it from ``session``
    (:func:`session_user`), the request's session whose user is being read."""
    token = _reading.set(session if isinstance(session, SessionStore) else None)
    try:
        yield
    finally:
        _reading.reset(token)


def session_user(user_id: Any) -> tuple[bool, Any]:
    """The row of user ``user_id`` read beside the session of :func:`reading_user`
    (see ``SessionStore.take_user``), or (False, None)."""
    session = _reading.get()
    return session.take_user(user_id) if session is not None else (False, None)
