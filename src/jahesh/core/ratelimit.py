"""A small rate limiter on the cache: a fixed window of ``window`` seconds per
key, at most ``limit`` hits in it. Used by the public pages (per IP and per
mobile number); login lockout is django-axes' business.

With several app servers the cache must be shared (``REDIS_URL``) for a limit
to hold across them; each process's own cache limits per process only.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    # nginx in front (deploy/) sets X-Real-IP to the peer it saw; the socket's
    # peer otherwise. X-Forwarded-For is not trusted: a client writes it.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or "-"


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one hit of ``key`` in ``scope``; False once it passes ``limit``."""
    name = f"rl:{scope}:{key}"
    # add() starts the window only when the key is new; incr() is atomic on
    # Redis and under the local-memory cache's lock.
    cache.add(name, 0, window)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, window)
        count = 1
    return count <= limit


def reset(scope: str, key: str) -> None:
    cache.delete(f"rl:{scope}:{key}")
