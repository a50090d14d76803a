"""Domain errors: one family, turned into the API's {message, errors} shape and
into form errors by the HTML views.

Messages are translatable and say what to fix, e.g.
``ApplicationError(_("شناسه ملی ۱۱ رقم است؛ ۱۰ رقم وارد شده"), field="national_id")``.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A rule of the domain was broken by the request; nothing was changed."""

    status_code = 400

    def __init__(
        self,
        message: Any,
        extra: dict[str, Any] | None = None,
        *,
        field: str | None = None,
        errors: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.extra = extra or {}
        self.field = field
        self.errors = list(errors or [])
        if field and not self.errors:
            self.errors.append({"field": field, "message": str(message)})

    def as_dict(self) -> dict[str, Any]:
        return {
            "message": str(self.message),
            "errors": [{"field": e["field"], "message": str(e["message"])} for e in self.errors],
        }


class NotFound(ApplicationError):
    """The record does not exist or is outside the caller's scope (never say which)."""

    status_code = 404


class Conflict(ApplicationError):
    """The record changed under the request (a concurrent transition, a stale state)."""

    status_code = 409


class InvalidInput(ApplicationError):
    """Input that cannot be processed as given (maps to 422 in the API)."""

    status_code = 422


class Unauthorized(ApplicationError):
    """Credentials are missing or wrong."""

    status_code = 401


class Forbidden(ApplicationError):
    """The caller is known but may not do this (a role rule, a lockout)."""

    status_code = 403


class TooManyRequests(ApplicationError):
    """The caller passed a rate limit (per IP, per mobile number); try later."""

    status_code = 429
