"""The management commands speak the operator's language: Persian, or the one
``JAHESH_LANGUAGE`` names; their help too (core.management.base)."""

from __future__ import annotations

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.utils import translation


def _help(app: str, name: str) -> str:
    return load_command_class(app, name).create_parser("jahesh", name).format_help()


def test_it_gives_the_help_in_the_active_language():
    with translation.override("en"):
        text = _help("jahesh.core", "backup")
        assert "Full backup: the database, the uploaded files" in text
        assert "Target .tar/.tar.gz file or folder" in text
        assert "End of the period, the day itself excluded" in _help("jahesh.reports", "report")
    with translation.override("fa"):
        assert "پشتیبان کامل: پایگاه داده" in _help("jahesh.core", "backup")


def test_it_writes_its_errors_in_the_active_language(db, tmp_path):
    missing = tmp_path / "none.csv"
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("import", "units", str(missing))
    assert str(caught.value) == f"File “{missing}” was not found."
    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("report", "--from", "2024-03-20", "--to", "2025-03-21", "--county", "هیچ")
    assert str(caught.value) == "No county named “هیچ” was found."


def test_it_runs_from_the_command_line_in_the_language_jahesh_language_names(
    db, tmp_path, monkeypatch, capsys
):
    missing = tmp_path / "none.csv"
    command = load_command_class("jahesh.core", "import")
    monkeypatch.setenv("JAHESH_LANGUAGE", "en")
    with pytest.raises(SystemExit):
        command.run_from_argv(["jahesh", "import", "units", str(missing)])
    assert f"File “{missing}” was not found." in capsys.readouterr().err
    monkeypatch.delenv("JAHESH_LANGUAGE")
    with pytest.raises(SystemExit):
        command.run_from_argv(["jahesh", "import", "units", str(missing)])
    assert f"پرونده «{missing}» پیدا نشد." in capsys.readouterr().err
