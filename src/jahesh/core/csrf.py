"""CSRF masks and secrets drawn from one read of the system's random source.

Django masks the CSRF secret anew for every response that shows a form (against
BREACH), drawing the 32-character mask with ``secrets.choice``, one read of
``os.urandom`` per character: ~120 µs, a sixth of a kept page's whole request
(``reports.pagecache``, whose every response fills its forms' token).
:func:`random_string` draws the same string, each of its 32 characters uniform
over the same 62 from the same source, from one read. ``CoreConfig.ready()``
puts it in place of ``django.middleware.csrf._get_new_csrf_string``, which makes
both the masks and new secrets; the token, its check, the cookie and its
rotation stay Django's.
"""

from __future__ import annotations

import os

from django.middleware import csrf

# A byte below this is uniform modulo the alphabet's 62 characters (248 = 4 × 62);
# the others are drawn again.
_LIMIT = 256 - 256 % len(csrf.CSRF_ALLOWED_CHARS)


def random_string(length: int = csrf.CSRF_SECRET_LENGTH) -> str:
    """``length`` characters of ``CSRF_ALLOWED_CHARS``, each uniform and independent."""
    chars = csrf.CSRF_ALLOWED_CHARS
    found: list[str] = []
    while len(found) < length:
        found += [chars[b % len(chars)] for b in os.urandom(length + 8) if b < _LIMIT]
    return "".join(found[:length])


def install() -> None:
    """Django's CSRF masks and secrets from :func:`random_string`."""
    csrf._get_new_csrf_string = random_string
