"""English is complete: every Persian msgid has an English translation, both in
the committed catalog and among the strings the code marks today (extracted into
a copy, since ``makemessages`` rewrites the catalog it finds)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

import jahesh
from tests.core.po import read_po, untranslated

PACKAGE = Path(jahesh.__file__).parent
PERSIAN = re.compile("[\u0600-\u06ff]")
CATALOG = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _persian(entries):
    # Django's own English msgids (the admin's "Home") are translated by Django.
    return [e for e in entries if PERSIAN.search(e.msgid)]


def _listing(entries) -> str:
    return "\n".join(f"{e.where}: {e.msgid!r}" for e in entries)


def test_it_translates_every_msgid_of_the_catalog():
    missing = _persian(untranslated(CATALOG))
    assert missing == [], _listing(missing)


def test_it_reads_a_po_file_with_multiline_fuzzy_and_plural_entries(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain\\n"\n\n'
        '#: a.py:1\nmsgid ""\n"دو "\n"خط"\nmsgstr "two lines"\n\n'
        '#, fuzzy\nmsgid "حدس"\nmsgstr "guess"\n\n'
        'msgid "یک"\nmsgid_plural "چند"\nmsgstr[0] "one"\nmsgstr[1] ""\n\n'
        'msgid "خالی"\nmsgstr ""\n\n#~ msgid "کهنه"\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    entries = {e.msgid: e for e in read_po(po)}
    assert set(entries) == {"دو خط", "حدس", "یک", "خالی"}
    assert entries["دو خط"].msgstr == "two lines" and entries["دو خط"].where == "a.py:1"
    assert [e.msgid for e in untranslated(po)] == ["حدس", "یک", "خالی"]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_it_translates_every_string_the_code_marks(tmp_path, settings, monkeypatch):
    # Given a copy of the package's code, templates and catalog (static files left out)
    copy = tmp_path / "jahesh"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__", "*.mo"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    # When makemessages extracts what the code marks today into the copy's catalog
    call_command("makemessages", locale=["en"], verbosity=0, no_obsolete=True)
    # Then each of them has an English translation (a new one is empty or fuzzy)
    missing = _persian(untranslated(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert missing == [], _listing(missing)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_it_keeps_the_catalog_valid_for_msgfmt():
    # A msgid defined twice (two branches appending the same string) or a
    # placeholder missing from its translation fails here, not at build time.
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(CATALOG)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
