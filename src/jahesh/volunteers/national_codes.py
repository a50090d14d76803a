"""Valid national codes made up for the demo scenario and the tests (never real
people's: the first three digits 999 are no registry office's prefix)."""

from __future__ import annotations


def check_digit(body: str) -> int:
    """The check digit of a 9-digit body (reference/identifiers.md)."""
    total = sum(int(body[i]) * (10 - i) for i in range(9)) % 11
    return total if total < 2 else 11 - total


def national_code_for(n: int) -> str:
    """The ``n``-th made-up code (n ≥ 1, n < 10⁶): 999 + six digits + check digit.
    Distinct for distinct ``n``; digits 4–9 are never all zero."""
    if not 1 <= n < 1_000_000:
        raise ValueError("n must be in [1, 10**6)")
    body = f"999{n:06d}"
    return body + str(check_digit(body))
