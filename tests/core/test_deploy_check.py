"""The README's production environment passes ``jahesh check --deploy`` with no
warning, and HTTPS is enforced in it (HSTS, redirect, secure cookies)."""

from __future__ import annotations

import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_production_env() -> dict[str, str]:
    """The variables the README's deployment section exports, with its elided
    values (``…``) filled in: a fresh random SECRET_KEY, a password in the URL."""
    section = README.read_text(encoding="utf-8").split("## Deployment on PostgreSQL", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    exported = re.search(r"^export (.+?)(?<!\\)$", block.replace("\\\n", " "), re.M).group(1)
    env = dict(word.split("=", 1) for word in shlex.split(exported))
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return {name: value.replace("…", "secret") for name, value in env.items()}


def _run_with(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    # Only what a shell on the server would have: not the test run's own variables
    # (DJANGO_ALLOW_ASYNC_UNSAFE, a test DATABASE_URL).
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "jahesh.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_reads_the_environment_from_the_readme():
    env = readme_production_env()
    assert env["SECURE_COOKIES"] == "1"
    assert env["DATABASE_URL"].startswith("postgres://")
    assert {"ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SECRET_KEY"} <= set(env)


def test_it_passes_check_deploy_without_warnings_in_the_readme_environment():
    # A fresh process: settings are read from the environment once, at import.
    result = _run_with(
        readme_production_env(),
        "from jahesh.cli import main; main(['check', '--deploy', '--fail-level', 'WARNING'])",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_it_enforces_https_in_the_readme_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = _run_with(readme_production_env(), code)
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "True",
    ], result.stderr


def test_it_warns_without_the_production_environment():
    # The check is not vacuous: the demo's defaults fail it.
    result = _run_with({}, "from jahesh.cli import main; main(['check', '--deploy'])")
    assert "security.W004" in result.stderr + result.stdout
    assert "security.W008" in result.stderr + result.stdout
