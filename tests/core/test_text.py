from __future__ import annotations

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from jahesh.core.text import clean_text, listed, normalize_key

ZWNJ = "\u200c"


def test_it_finds_a_unit_whatever_letters_and_separators_were_typed():
    typed_arabic = f"شركت مي{ZWNJ}سازان اراك"
    typed_persian = "شرکت می سازان اراک"
    assert normalize_key(typed_arabic) == normalize_key(typed_persian) == "شرکت می سازان اراک"


def test_it_treats_zwnj_and_space_the_same_but_not_no_separator():
    assert normalize_key(f"می{ZWNJ}سازان") == normalize_key("می سازان") == "می سازان"
    assert normalize_key("می\u200dسازان") == "می سازان"
    assert normalize_key("میسازان") == "میسازان"


def test_it_maps_arabic_letter_variants_to_persian():
    assert normalize_key("علي") == "علی"
    assert normalize_key("موسى") == "موسی"
    assert normalize_key("كاشان") == "کاشان"
    assert normalize_key("خانۀ") == "خانه"
    assert normalize_key("خانهٔ") == "خانه"
    assert normalize_key("مدرسة") == "مدرسه"


def test_it_folds_presentation_forms_with_nfkc():
    assert normalize_key("\ufedb\ufe8e\ufeae") == "کار"  # ﻛﺎﺮ


def test_it_converts_digits_to_ascii():
    assert normalize_key("واحد ۱۲ و ٣٤") == "واحد 12 و 34"


def test_it_removes_tatweel_and_diacritics():
    assert normalize_key("تـــولید") == "تولید"
    assert normalize_key("مُحَمَّد") == "محمد"
    assert normalize_key("فوراً") == "فورا"
    assert normalize_key("رحمٰن") == "رحمن"
    assert normalize_key("أحمد") == "احمد"


def test_it_keeps_alef_madda():
    assert normalize_key("آب") == "آب"


def test_it_collapses_whitespace_and_casefolds_latin():
    assert normalize_key("  Arak \t  STEEL\n Co ") == "arak steel co"
    assert normalize_key("\u00a0اراک\u00a0") == "اراک"


def test_it_gives_empty_key_for_nothing():
    assert normalize_key(None) == ""
    assert normalize_key("") == ""
    assert normalize_key(f"  {ZWNJ} ") == ""


_ARABIC_VARIANT = str.maketrans({"ی": "ي", "ک": "ك", "ه": "ة", "۰": "٠", "۵": "٥", " ": ZWNJ})
persian_text = st.text(
    alphabet=st.sampled_from(list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآ ۰۱۲۳۴۵۶۷۸۹") + [ZWNJ]),
    max_size=40,
)


@given(st.text(max_size=60))
def test_it_is_idempotent_on_any_text(value):
    key = normalize_key(value)
    assert normalize_key(key) == key


@given(persian_text)
def test_it_gives_the_arabic_variant_the_same_key(value):
    assert normalize_key(value) == normalize_key(value.translate(_ARABIC_VARIANT))


@given(persian_text)
def test_it_is_idempotent_on_persian_text(value):
    assert normalize_key(normalize_key(value)) == normalize_key(value)


def test_it_cleans_display_text_but_keeps_the_zwnj():
    assert clean_text("  شركت   مي" + ZWNJ + "سازان   اراك ") == f"شرکت می{ZWNJ}سازان اراک"


def test_it_collapses_stray_zwnj_next_to_spaces():
    assert clean_text(f"می {ZWNJ}سازان") == "می سازان"
    assert clean_text(f"می{ZWNJ}{ZWNJ}سازان") == f"می{ZWNJ}سازان"


def test_it_keeps_paragraphs_but_drops_extra_blank_lines():
    assert clean_text("سطر  اول  \r\n\r\n\r\n  سطر دوم") == "سطر اول\n\nسطر دوم"


def test_it_cleans_nothing_to_empty():
    assert clean_text(None) == ""
    assert clean_text("   ") == ""


@given(st.text(max_size=60))
def test_it_cleans_idempotently(value):
    assert clean_text(clean_text(value)) == clean_text(value)


@given(persian_text, st.data())
def test_it_ignores_tatweel_and_harakat_wherever_they_are(value, data):
    # Marks that never compose with a letter under NFKC (unlike madda/hamza above).
    marks = st.sampled_from(
        ["\u0640", "\u064b", "\u064e", "\u064f", "\u0650", "\u0651", "\u0652", "\u0670"]
    )
    decorated = "".join(ch + data.draw(st.text(alphabet=marks, max_size=2)) for ch in value)
    assert normalize_key(decorated) == normalize_key(value)


def test_a_list_in_a_message_takes_the_readers_separator():
    with translation.override("fa"):
        assert listed(["اراک", "ساوه", 3]) == "اراک، ساوه، 3"
    with translation.override("en"):
        assert listed(["Arak", "Saveh"]) == "Arak, Saveh"
        assert listed([]) == ""
