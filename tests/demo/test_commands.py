"""``jahesh demo`` and ``jahesh generate_nation`` speak the operator's language:
Persian, or English with ``JAHESH_LANGUAGE=en`` (core.management.base)."""

from __future__ import annotations

import pytest
from django.core.management import load_command_class

from tests.conftest import MARKAZI


def _run(name: str, args: list[str], monkeypatch, language: str | None) -> None:
    if language:
        monkeypatch.setenv("JAHESH_LANGUAGE", language)
    else:
        monkeypatch.delenv("JAHESH_LANGUAGE", raising=False)
    load_command_class("jahesh.demo", name).run_from_argv(["jahesh", name, *args])


HELP = {
    "demo": {
        None: [
            "پایگاه داده را آماده می‌کند، داده‌های نمایشی را بار می‌کند و سامانه را اجرا می‌کند.",
            "فقط آماده‌سازی، بدون اجرای سرور",
            "درگاه سرور؛ پیش‌فرض ۸۰۰۰",
            "تاریخ مبنای سناریو (جلالی یا ISO)؛ پیش‌فرض امروز",
        ],
        "en": [
            "Prepares the database, loads the demo data and runs the system.",
            "Only prepare, without running the server",
            "Server port; default 8000",
            "Reference date of the scenario (Jalali or ISO); default today",
        ],
    },
    "generate_nation": {
        None: [
            "دادهٔ آزمایشی کشوری (۳۱ استان) برای سنجش سرعت می‌سازد.",
            "۱٫۰ = اندازهٔ کشور",
            "فقط این استان (شناسه؛ چند بار می‌شود آورد)",
            "تعداد پردازه‌هایی که هم‌زمان استان‌ها را پر می‌کنند",
        ],
        "en": [
            "Builds national test data (31 provinces) for measuring speed.",
            "1.0 = the size of the country",
            "Only this province (id; may be given several times)",
            "Number of worker processes filling provinces at once (PostgreSQL only; default 2)",
        ],
    },
}


@pytest.mark.parametrize("language", [None, "en"])
@pytest.mark.parametrize("name", sorted(HELP))
def test_the_help_is_in_the_operators_language(name, language, monkeypatch, capsys):
    with pytest.raises(SystemExit):
        _run(name, ["--help"], monkeypatch, language)
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps the lines
    for expected in HELP[name][language]:
        assert expected in text
    other = HELP[name]["en" if language is None else None]
    assert not any(t in text for t in other)


SUMMARY = {
    None: [
        "[1/1] مرکزی: ",
        "استان‌های پرشده: 1 (1 هم‌زمان)؛ ردشده: 0",
        f"{'جدول':28} {'ردیف افزوده':>12}\n{'units.Unit':28} {29:>12}\n",
        "ثانیه‌های هر بخش: units ",
        "جدول تحلیلی: 32 دوره، ",
        "پایان در ",
    ],
    "en": [
        "[1/1] مرکزی: ",
        "Provinces filled: 1 (1 at a time); skipped: 0",
        f"{'table':28} {'rows added':>12}\n{'units.Unit':28} {29:>12}\n",
        "Seconds per part: units ",
        "Analytics table: 32 periods, ",
        "Done in ",
    ],
}


@pytest.mark.parametrize("language", [None, "en"])
def test_generate_nation_writes_its_progress_and_summary_in_the_operators_language(
    geo, language, monkeypatch, capsys
):
    """One province at the tests' scale (about a second); on one process, as
    the test's transaction requires on PostgreSQL. The tables' and parts' names
    are the code's; numbers are ASCII, as in the other commands' output."""
    args = ["--scale", "0.01", "--province", str(MARKAZI), "--workers", "1"]
    _run("generate_nation", [*args, "--as-of", "2026-11-27"], monkeypatch, language)
    out = capsys.readouterr().out
    for expected in SUMMARY[language]:
        assert expected in out
    if language is None:
        assert " ثانیه (گذشته: " in out and ", " not in out.split("ثانیه‌های هر بخش:")[1]
    else:
        assert " s (elapsed " in out and "،" not in out.split("Seconds per part:")[1]
