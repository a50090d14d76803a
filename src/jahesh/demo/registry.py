"""The demo scenario: each app contributes its part in ``<app>/scenario.py``.

A part is a module with ``build(ctx: ScenarioContext) -> None``. Parts run in
this order (later parts read what earlier ones made: the clinic reads units).
Each part must be idempotent: it checks what exists before creating, so a
second ``jahesh demo`` changes nothing.
"""

from __future__ import annotations

import datetime
import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.accounts.models import User
from jahesh.accounts.roles import Role

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

    def clock(self) -> datetime.datetime:
        """The scenario's now: its as-of date at noon (or now, if later), so the
        services' "not in the future" rules judge the scenario's dates as a user
        of that day would be judged."""
        as_of = timezone.make_aware(datetime.datetime.combine(self.as_of, datetime.time(12)))
        return max(timezone.now(), as_of)

    def actor(self, province_id: int) -> Any:
        """Who the scenario writes as in ``province_id``: its headquarters'
        manager, so every scope rule of the services is checked as for that
        person. Never saved (nobody signs in as it), so the rows carry no author,
        as before the services checked them."""
        return User(
            username=f"scenario-{province_id}", role=Role.HQ_MANAGER, province_id=province_id
        )


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
        ctx.log(_("بخش سناریو: %(part)s …") % {"part": dotted})
        build(ctx)
