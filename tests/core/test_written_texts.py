"""Texts the code writes into plain text columns (an import's history reason, a
ledger note) are stored in Persian and shown in the reader's language
(``core.phrases.written`` / ``reread``); what a person typed, and a row written
before in another language, show as stored. A background import speaks its
owner's language."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from jahesh.core.models import IMPORTED_FROM, MAP_PLACE, ImportJob
from jahesh.core.phrases import reread
from jahesh.core.tabular.jobs import import_job_create, import_job_run


def test_a_declared_text_reads_in_the_readers_language_with_its_values():
    stored = IMPORTED_FROM % {"file": "واحدها ۱۴۰۴.xlsx"}
    assert stored == "ورود از پرونده واحدها ۱۴۰۴.xlsx"
    with translation.override("en"):
        assert reread(stored) == "Imported from the file واحدها ۱۴۰۴.xlsx"
        assert reread(MAP_PLACE) == "Place on the map"
    with translation.override("fa"):
        assert reread(stored) == stored
        assert reread(MAP_PLACE) == "جای روی نقشه"


def test_any_other_text_reads_as_stored():
    with translation.override("en"):
        # typed by a person; written before in English; a declared text inside a longer one
        assert reread("تعطیلی موقت برای تعمیر") == "تعطیلی موقت برای تعمیر"
        assert reread("Registered from a file") == "Registered from a file"
        assert reread("پیش از جای روی نقشه") == "پیش از جای روی نقشه"
        assert reread("") == ""


def test_the_template_filter_rereads_and_leaves_nothing_for_none():
    template = Template("[{{ a|reread }}][{{ b|reread }}][{{ c|reread }}]")
    context = Context({"a": MAP_PLACE, "b": None, "c": "دلیل کاربر"})
    with translation.override("en"):
        assert template.render(context) == "[Place on the map][][دلیل کاربر]"
    with translation.override("fa"):
        assert template.render(context) == "[جای روی نقشه][][دلیل کاربر]"


@pytest.fixture
def job_dirs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return tmp_path


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "These required columns are missing from the file: «نام واحد», «بخش اقتصادی»."),
        ("fa", "این ستون‌های الزامی در پرونده نیست: «نام واحد»، «بخش اقتصادی»."),
        (
            "",
            "این ستون‌های الزامی در پرونده نیست: «نام واحد»، «بخش اقتصادی».",
        ),  # never picked: Persian
    ],
)
def test_a_background_import_speaks_its_owners_language(users, job_dirs, language, message):
    owner = users["arak"]
    owner.language = language
    owner.save(update_fields=["language"])
    path = job_dirs / "units.csv"
    path.write_text("شهرستان\nاراک\n", encoding="utf-8")
    job = import_job_create(user=owner, kind="units", file=path, filename="units.csv", rows=1)

    with translation.override("fa" if language == "en" else "en"):  # not the worker's language
        import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.message.startswith(message)
