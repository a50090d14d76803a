"""The CLI progress bar: one line per tenth in logs, redrawn in place on a terminal."""

from __future__ import annotations

import io

from jahesh.core.tabular import progress_printer


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_it_prints_a_line_per_tenth_when_not_on_a_terminal():
    stream = io.StringIO()
    progress = progress_printer(stream, 1000)

    for done in range(0, 1001, 50):
        progress(done, 1000)

    lines = stream.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[5].startswith("[###############...............]  50%  500/1000 ردیف  ")
    assert lines[-1].startswith("[##############################] 100%  1000/1000 ردیف  ")
    assert lines[-1].endswith(" ردیف در ثانیه")


def test_it_redraws_one_line_on_a_terminal_and_ends_it_when_done():
    stream = Terminal()
    now = [0.0]
    progress = progress_printer(stream, None, clock=lambda: now[0])

    progress(100)  # too soon after the start: not drawn
    now[0] = 1.0
    progress(200)
    now[0] = 2.0
    progress(400, 400)
    progress(400, 400)  # already finished: nothing more

    assert stream.getvalue() == (
        "\r200 ردیف  200 ردیف در ثانیه"
        "\r[##############################] 100%  400/400 ردیف  200 ردیف در ثانیه\n"
    )
