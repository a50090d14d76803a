"""A captcha that needs no outside service: ALTCHA's proof of work.

The server picks a random salt and a secret number ``n`` below ``MAX_NUMBER``
and hands out ``challenge = sha256(salt + str(n))`` (hex) inside a signed,
expiring key. The browser (``portal/js/captcha.js``) tries 0, 1, 2 … until the
hash matches and sends that number back as the answer. Costing a browser a
fraction of a second, it costs a bot posting thousands of reports as many CPU
seconds; it proves work, not humanity, and is paired with the rate limits.

Each key is accepted once (the cache remembers spent challenges until the key
expires). ``JAHESH_CAPTCHA_TEST=1`` also accepts the answer ``PASSED``: for
tests and the demo only; ``check --deploy`` warns when it is on with DEBUG off.
"""

from __future__ import annotations

import hashlib
import os
import secrets

from django.core import signing
from django.core.cache import cache

ALGORITHM = "SHA-256"
MAX_NUMBER = 100_000
LIFETIME = 600  # seconds a challenge may be answered in
TEST_ANSWER = "PASSED"
_SALT = "jahesh.portal.captcha"


def test_mode() -> bool:
    return os.environ.get("JAHESH_CAPTCHA_TEST", "").strip().lower() in {"1", "true", "yes", "on"}


def _digest(salt: str, number: int) -> str:
    return hashlib.sha256(f"{salt}{number}".encode()).hexdigest()


def captcha_new() -> dict[str, object]:
    """A fresh challenge: what the widget needs to solve it, and the key to send back."""
    salt = secrets.token_hex(12)
    challenge = _digest(salt, secrets.randbelow(MAX_NUMBER))
    key = signing.dumps({"s": salt, "c": challenge}, salt=_SALT, compress=True)
    return {
        "key": key,
        "algorithm": ALGORITHM,
        "salt": salt,
        "challenge": challenge,
        "maxnumber": MAX_NUMBER,
        "expires_in": LIFETIME,
    }


def captcha_check(key: str, answer: str) -> bool:
    """True when ``answer`` solves the challenge of ``key`` and the key is fresh
    and unspent; spends it either way, so one key gets one try."""
    try:
        data = signing.loads(key or "", salt=_SALT, max_age=LIFETIME)
    except signing.BadSignature:
        return False
    if not cache.add(f"captcha-spent:{data['c']}", 1, LIFETIME + 60):
        return False
    answer = (answer or "").strip()
    if test_mode() and answer == TEST_ANSWER:
        return True
    if not answer.isdigit() or len(answer) > 6:
        return False
    return secrets.compare_digest(_digest(data["s"], int(answer)), data["c"])


def solve(challenge: dict[str, object]) -> str:
    """The answer, found as the widget finds it (tests and scripts)."""
    for n in range(int(str(challenge["maxnumber"])) + 1):
        if _digest(str(challenge["salt"]), n) == challenge["challenge"]:
            return str(n)
    raise ValueError("no solution")
