"""Every benchmark in bench/ runs at its smallest size (``--smoke``), so one that
no longer runs on today's code fails CI.

Each runs in its own process, as a person would run it, on a throwaway SQLite
database copied from the test database as migrations made it (conftest's
``migrated_sqlite``: migrating from nothing again would cost as much as a
dozen smoke runs). A new file in bench/ is picked up
here and must offer ``--smoke``; ``bench/_*.py`` are the benchmarks' shared
helpers, not benchmarks. Each smoke run's time: ``pytest --durations=0``.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BENCHES = sorted(p for p in (ROOT / "bench").glob("*.py") if not p.name.startswith("_"))
TIMEOUT_S = 300  # a smoke run takes seconds; a bench that ignores --smoke runs far longer

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="the benchmarks run on their own SQLite databases: the SQLite run covers them",
    ),
    # Not for the test's own use: it makes pytest-django make the test database,
    # which migrated_sqlite copies.
    pytest.mark.django_db,
]


def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return env | {"JAHESH_VAR": str(var), "JAHESH_BENCH_VAR": str(var)}


def test_it_finds_every_benchmark():
    assert len(BENCHES) >= 13, [p.name for p in BENCHES]


@pytest.mark.parametrize("bench", BENCHES, ids=lambda p: p.stem)
def test_it_runs_at_its_smallest_size(bench: Path, migrated_sqlite: Path, tmp_path: Path):
    assert "--smoke" in bench.read_text(encoding="utf-8"), (
        f"bench/{bench.name} has no --smoke mode: give it one (its smallest size), "
        "see bench/_smoke.py"
    )
    # given a fresh copy of the migrated database (the backup API copies WAL pages too)
    src, dst = sqlite3.connect(migrated_sqlite), sqlite3.connect(tmp_path / "jahesh.sqlite3")
    src.backup(dst)
    src.close()
    dst.close()
    # when the bench runs at its smallest size
    done = subprocess.run(
        [sys.executable, str(bench), "--smoke"],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    # then it ends well (its own checks of figures and results included)
    assert done.returncode == 0, (
        f"bench/{bench.name} --smoke exited {done.returncode}\n"
        f"--- stdout (end)\n{done.stdout[-4000:]}\n--- stderr (end)\n{done.stderr[-4000:]}"
    )
