"""A progress bar for management commands, without a dependency.

report = run_import(reader, handle_batch=..., progress=progress_printer(self.stdout, reader.total_rows))
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TextIO

from django.utils.translation import gettext as _


class progress_printer:
    """Prints ``[#####.....]  45%  45000/100000 rows  12000 rows/s`` to ``stream``.

    On a terminal the line is redrawn in place (at most ten times a second);
    elsewhere (logs, CI) a line is printed every 10%. ``total`` may be unknown
    (``None``) or an estimate; a call with ``done == total`` ends the line.
    """

    def __init__(
        self,
        stream: TextIO | Any,
        total: int | None = None,
        *,
        width: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.total = total
        self.width = width
        self.clock = clock
        self.started = clock()
        self.last_draw = self.started
        self.last_decile = -1
        self.finished = False
        isatty = getattr(stream, "isatty", None)
        self.tty = bool(isatty and isatty())

    def __call__(self, done: int, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        if self.finished:
            return
        final = self.total is not None and done >= self.total
        now = self.clock()
        if self.tty:
            if not final and now - self.last_draw < 0.1:
                return
            self.last_draw = now
            self._write("\r" + self.line(done, now) + ("\n" if final else ""))
        else:
            decile = int(10 * done / self.total) if self.total else -1
            if not final and (decile == self.last_decile or decile < 0):
                return
            self.last_decile = decile
            self._write(self.line(done, now) + "\n")
        self.finished = final

    def line(self, done: int, now: float | None = None) -> str:
        elapsed = max((self.clock() if now is None else now) - self.started, 1e-6)
        rate = int(done / elapsed)
        if self.total:
            share = min(done / self.total, 1.0)
            filled = int(self.width * share)
            bar = "#" * filled + "." * (self.width - filled)
            return _(
                "[%(bar)s] %(percent)3d%%  %(done)s/%(total)s ردیف  %(rate)s ردیف در ثانیه"
            ) % {
                "bar": bar,
                "percent": int(100 * share),
                "done": done,
                "total": self.total,
                "rate": rate,
            }
        return _("%(done)s ردیف  %(rate)s ردیف در ثانیه") % {"done": done, "rate": rate}

    def _write(self, text: str) -> None:
        self.stream.write(text)
        flush = getattr(self.stream, "flush", None)
        if flush:
            flush()
