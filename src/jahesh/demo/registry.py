"""The demo scenario: each app contributes its part in ``<app>/scenario.py``.

A part is a module with ``build(ctx: ScenarioContext) -> None``. Parts run in
this order (later parts read what earlier ones made: the clinic reads units).
Each part must be idempotent: it checks what exists before creating, so a
second ``jahesh demo`` changes nothing.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

PARTS = [
    "jahesh.units.scenario",
    "jahesh.clinic.scenario",
    "jahesh.funds.scenario",
    "jahesh.volunteers.scenario",
    "jahesh.projects.scenario",
    "jahesh.portal.scenario",
]


@dataclass
class ScenarioContext:
    """What every part needs: the scenario's name, its as-of date, a seeded
    random generator (the same data on every machine) and a way to report."""

    name: str
    as_of: date
    seed: int = 1399_08_04  # the article's date, 4 Aban 1399
    log: Callable[[str], None] = print
    shared: dict = field(default_factory=dict)  # parts pass things on here

    def rng(self, part: str) -> random.Random:
        """A generator of its own for each part, so one part's changes do not
        reshuffle another's data."""
        return random.Random(f"{self.seed}:{self.name}:{part}")


def parts() -> list[tuple[str, Callable[[ScenarioContext], None]]]:
    found = []
    for dotted in PARTS:
        try:
            module = importlib.import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name != dotted:
                raise
            continue  # that app has no scenario part yet
        found.append((dotted, module.build))
    return found


def run(ctx: ScenarioContext) -> None:
    for dotted, build in parts():
        ctx.log(f"scenario part {dotted} …")
        build(ctx)
