"""Texts the code writes into plain text columns (an import's history reason, a
ledger note) are stored in Persian and shown in the reader's language
(``core.phrases.written`` / ``reread``); what a person typed, and a row written
before in another language, show as stored."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from jahesh.core.models import IMPORTED_FROM, MAP_PLACE
from jahesh.core.phrases import reread


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
