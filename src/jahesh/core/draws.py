"""Weighted draws for the scenarios that make many rows (the demo, the national
generator): ``rng.choices(population, weights)[0]`` sums the weights again on
every call, which was a visible part of a province's time for tables drawn
tens of thousands of times."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """One item of ``population`` drawn with ``weights``: the same item, from the
    same single ``rng.random()``, as ``rng.choices(population, weights)[0]``
    (CPython's bisection of the cumulative weights), the weights summed once."""

    def __init__(self, population: Sequence[T], weights: Iterable[float]) -> None:
        self.population = list(population)
        self.cumulative = list(accumulate(weights))
        if len(self.cumulative) != len(self.population) or not self.population:
            raise ValueError("one weight per item, and at least one item")
        self.total = self.cumulative[-1] + 0.0  # as choices: a float
        if self.total <= 0.0:
            raise ValueError("the weights must sum to more than zero")
        self.hi = len(self.population) - 1

    def draw(self, rng: random.Random) -> T:
        return self.population[bisect(self.cumulative, rng.random() * self.total, 0, self.hi)]
