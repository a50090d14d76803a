"""Writes about users and their tokens."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from jahesh.accounts.models import ApiToken, User

LOCKED_OUT_MESSAGE = _(
    "به دلیل تلاش‌های ناموفق پیاپی، ورود این حساب موقتاً قفل شده است؛ "
    "۱۵ دقیقهٔ دیگر دوباره تلاش کنید یا با مدیر سامانه تماس بگیرید."
)


def api_token_issue(*, user: User, name: str = "", expires_at: datetime | None = None) -> str:
    """Create a token for ``user`` and return it; only its hash is kept."""
    raw = ApiToken.generate()
    ApiToken.objects.create(
        user=user, key_hash=ApiToken.hash(raw), prefix=raw[:8], name=name, expires_at=expires_at
    )
    return raw
