"""The loan queue's lottery: a draw anyone can re-run.

The draw is a pure function of the recorded seed and the recorded entrants, so
an auditor who has both gets the same winners in the same order
(``services.lottery_verify`` does exactly that).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable


def new_seed() -> str:
    """A fresh, unpredictable seed (recorded with the draw before it is used)."""
    return secrets.token_hex(8)


def draw_winners(*, seed: str, entrants: Iterable[int], slots: int) -> list[int]:
    """``slots`` winners among ``entrants`` (ids), in the order drawn.

    Entrants are sorted first, so the order they were listed in does not matter;
    ``random.Random(str)`` is seeded by the string's bytes (stable across runs and
    Python versions since 3.2, unlike ``hash()``).
    """
    pool = sorted(set(entrants))
    return random.Random(f"jahesh-lottery:{seed}").sample(pool, min(slots, len(pool)))
