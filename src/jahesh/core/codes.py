"""One-time codes sent by SMS or e-mail: a code to set a new password
(``accounts.PasswordResetCode``) and the public portal's mobile check
(``portal.OtpCode``). Each app keeps its codes' rows (hashed, with ``used_at``,
``expires_at``, ``created_at`` and a counter of wrong tries, named as the app
names it), how it hashes a code and its refusal in its own words; the check is
here, once."""

from __future__ import annotations

import datetime
import hmac

from django.db.models import QuerySet


def code_spend(
    codes: QuerySet, *, code_hash: str, now: datetime.datetime, tries: str, limit: int
) -> bool:
    """Spend the newest live code of ``codes`` (one owner's: not used, not
    expired) if ``code_hash`` is its hash: its ``used_at`` set, ``True``. A wrong
    code uses up one of its tries (the counter field ``tries``); after ``limit``
    wrong tries the code is dead. Call inside the caller's transaction (the row
    is locked) and raise the refusal after it, so a wrong try is committed."""
    live = (
        codes.select_for_update()
        .filter(used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if live is None or getattr(live, tries) >= limit:
        return False
    if hmac.compare_digest(live.code_hash, code_hash):
        live.used_at = now
        live.save(update_fields=["used_at"])
        return True
    setattr(live, tries, getattr(live, tries) + 1)
    live.save(update_fields=[tries])
    return False
