"""Writes about users and their tokens."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jahesh.accounts.models import ApiToken, User
from jahesh.accounts.selectors import api_token_last_used, token_use_key
from jahesh.core.errors import InvalidInput, NotFound, Unauthorized
from jahesh.core.prepared import fetch_one

logger = logging.getLogger(__name__)

LOCKED_OUT_MESSAGE = _(
    "به دلیل تلاش‌های ناموفق پیاپی، ورود این حساب موقتاً قفل شده است؛ "
    "۱۵ دقیقهٔ دیگر دوباره تلاش کنید یا با مدیر سامانه تماس بگیرید."
)

# A token's last use is kept at most this often: a script calling every second
# would otherwise turn each of its reads into a write (and, on SQLite, a write lock).
# A read (GET, HEAD, OPTIONS) never writes: its use goes to Django's cache (the
# shared Redis when REDIS_URL is set), where the token list reads it, and reaches
# the row with the token's next write request or the periodic job
# (api_token_uses_store), whichever comes first.
LAST_USED_EVERY = timedelta(minutes=5)
# How long a read's use waits in the cache for the periodic job (a day: the job
# runs every minute; a local cache the worker does not share waits for a write).
LAST_USED_CACHE_SECONDS = 24 * 3600


def api_token_issue(
    *, user: User, name: str = "", expires_at: datetime | None = None, now: datetime | None = None
) -> str:
    """Create a token for ``user`` and return it; only its hash is kept. It expires
    ``JAHESH_TOKEN_DAYS`` days from now unless ``expires_at`` says otherwise."""
    now = now or timezone.now()
    raw = ApiToken.generate()
    ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash(raw),
        prefix=raw[:8],
        name=name,
        expires_at=expires_at or now + timedelta(days=settings.JAHESH_TOKEN_DAYS),
    )
    return raw


def api_token_authenticate(*, raw: str, now: datetime, writes: bool) -> ApiToken | None:
    """The token ``raw`` names, if it may authenticate at ``now``.

    None for a token nobody issued (or whose user is deactivated), so the caller
    answers the usual 401; ``Unauthorized`` with a message that says what to do for
    one that expired or was revoked. Keeps its last use, at most every 5 minutes:
    on its row for a request that ``writes``, in the cache for a read."""
    # Every API call makes this read: a statement built once (core.prepared), the
    # row read again each time, so a revocation or deactivation counts at once.
    token = fetch_one(
        ApiToken,
        {"key_hash": ApiToken.hash(raw)},
        related="user",
        related_where={"is_active": True},
    )
    if token is None:
        return None
    if token.revoked_at is not None:
        raise Unauthorized(_("این توکن باطل شده است؛ با نام کاربری و گذرواژه توکن تازه بگیرید."))
    if token.expires_at <= now:
        raise Unauthorized(_("این توکن منقضی شده است؛ با نام کاربری و گذرواژه توکن تازه بگیرید."))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        if writes:
            _api_token_touch(token=token, now=now)
        else:
            _api_token_seen(token=token, now=now)
    return token


# The reads' uses this process found in the cache or put there (token hash →
# that use): for 5 minutes after it a read asks the cache nothing, as the cache
# would have answered that it holds a use within 5 minutes. Without REDIS_URL the
# web processes' caches are their own, so the task worker never puts their uses
# on the rows and every read would otherwise ask the cache (issue 12).
_seen_here: dict[str, datetime] = {}
_SEEN_HERE_MAX = 10_000  # tokens; past it the memo starts again


def _api_token_seen(*, token: ApiToken, now: datetime) -> None:
    """A read's use of ``token``: in the cache, at most every 5 minutes."""
    here = _seen_here.get(token.key_hash)
    if here is not None and timedelta(0) <= now - here < LAST_USED_EVERY:
        return
    key = token_use_key(token.pk)
    seen = cache.get(key)
    if seen is None or now - seen >= LAST_USED_EVERY:
        cache.set(key, now, LAST_USED_CACHE_SECONDS)
        seen = now
    if len(_seen_here) >= _SEEN_HERE_MAX:
        _seen_here.clear()
    _seen_here[token.key_hash] = seen


def api_token_uses_store(*, now: datetime) -> int:
    """Put on their rows the uses reads left in the cache (the periodic job):
    the working tokens' whose cached use is later than their row's; how many.
    Each row is written only if nobody wrote it since it was read."""
    tokens = list(ApiToken.objects.active(now=now).only("pk", "last_used_at"))
    last_used = api_token_last_used(tokens)
    stored = 0
    for token in tokens:
        used = last_used[token.pk]
        if used is not None and used != token.last_used_at:
            stored += ApiToken.objects.filter(pk=token.pk, last_used_at=token.last_used_at).update(
                last_used_at=used
            )
    return stored


def _api_token_touch(*, token: ApiToken, now: datetime) -> None:
    # Its own short transaction (a savepoint inside a caller's), filtered on the old
    # value so concurrent requests write once; the last-used time is a courtesy, so
    # a busy database skips it rather than failing the request that carried it.
    try:
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk, last_used_at=token.last_used_at).update(
                last_used_at=now
            )
    except DatabaseError:
        logger.warning("could not record the last use of API token %s", token.pk, exc_info=True)
        return
    token.last_used_at = now


def api_token_revoke(*, user: User, token_id: int, now: datetime) -> None:
    """Revoke one of ``user``'s working tokens; another user's (or a dead one) is 404."""
    revoked = ApiToken.objects.active(now=now).filter(pk=token_id, user=user).update(revoked_at=now)
    if not revoked:
        raise NotFound(_("یافت نشد."))


def api_token_revoke_all(*, user: User, now: datetime) -> int:
    """Revoke every working token of ``user`` (logout, password change); how many."""
    return ApiToken.objects.active(now=now).filter(user=user).update(revoked_at=now)


def user_set_language(*, user: User, language: str) -> None:
    """Remember the language ``user`` picked (one of ``settings.LANGUAGES``)."""
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("زبان ناشناخته است."), field="language")
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
