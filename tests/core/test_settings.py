"""What the settings module makes of its environment (read afresh for each case,
so the test database's own settings are left alone)."""

from __future__ import annotations

import runpy

import jahesh.settings


def _settings_with(monkeypatch, **env: str) -> dict:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(jahesh.settings.__file__)


def test_it_keeps_sqlite_connections_open_between_requests(monkeypatch, tmp_path):
    # Opening a SQLite connection reads the whole schema again (~11 ms a request).
    db = _settings_with(monkeypatch, JAHESH_VAR=str(tmp_path))["DATABASES"]["default"]

    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_it_keeps_postgresql_connections_open_between_requests(monkeypatch, tmp_path):
    db = _settings_with(
        monkeypatch, JAHESH_VAR=str(tmp_path), DATABASE_URL="postgres://u@127.0.0.1:5432/x"
    )["DATABASES"]["default"]

    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["CONN_MAX_AGE"] == 60


def test_an_empty_database_url_means_the_default_sqlite_file(monkeypatch, tmp_path):
    # A blank ``DATABASE_URL=`` line in an env file is unset, not an empty config.
    db = _settings_with(monkeypatch, JAHESH_VAR=str(tmp_path), DATABASE_URL="")["DATABASES"][
        "default"
    ]

    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "jahesh.sqlite3")
