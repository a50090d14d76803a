"""The form renderer builds ``<select>`` in Python: the same HTML, byte for byte,
as Django's templates, for every kind of select the pages use."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import override

from jahesh.core.form_renderer import Renderer, select_html
from jahesh.geo.models import County


class Every(forms.Form):
    plain = forms.ChoiceField(choices=[("", "همه"), ("a", "الف"), ("b", "ب <&> \"'")])
    numbers = forms.TypedChoiceField(choices=[(1, 1), (2, 2), (1500, 1500)], coerce=int)
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("صنعت", [("x", "ایکس"), ("y", "ایگرگ")]), ("z", "زد")]
    )
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")])
    yes_no = forms.NullBooleanField()
    county = forms.ModelChoiceField(queryset=County.objects.order_by("pk"), empty_label="همه")
    empty = forms.ChoiceField(choices=[])
    disabled = forms.ChoiceField(choices=[("a", "A")], disabled=True, required=False)


DATA = {"plain": "b", "numbers": "1500", "grouped": "y", "many": ["a", "c"], "yes_no": "true"}


@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "bound"])
@pytest.mark.parametrize("language", ["fa", "en"])
def test_it_renders_every_select_as_djangos_templates_do(db, geo, bound, language):
    form = Every(DATA | {"county": str(geo["saveh"].pk)} if bound else None)
    with override(language):
        for name in form.fields:
            field = form[name]
            attrs = {"class": "form-select", "aria-describedby": f"id_{name}_help"}
            ours = field.field.widget.render(
                field.html_name, field.value(), attrs=attrs, renderer=Renderer()
            )
            django = field.field.widget.render(
                field.html_name, field.value(), attrs=attrs, renderer=DjangoTemplates()
            )
            assert ours == django, name


def test_it_marks_the_chosen_option_and_escapes_labels():
    html = select_html(
        {
            "name": "q",
            "attrs": {"required": True, "disabled": False, "id": "id_q"},
            "optgroups": [
                (None, [{"value": "a", "label": "<b>", "attrs": {"selected": True},
                         "template_name": "django/forms/widgets/select_option.html"}], 0),
            ],
        }
    )  # fmt: skip
    assert html == (
        '<select name="q" required id="id_q">\n'
        '  <option value="a" selected>&lt;b&gt;</option>\n\n</select>'
    )


def test_it_is_the_projects_form_renderer(settings):
    assert settings.FORM_RENDERER == "jahesh.core.form_renderer.Renderer"


class Numbers(forms.Form):
    count = forms.IntegerField(min_value=0, max_value=100)
    rate = forms.DecimalField(decimal_places=2, min_value=0)


def test_a_number_box_on_a_persian_page_takes_persian_digits():
    # Given a bound form with an integer and a decimal
    form = Numbers(initial={"count": 24, "rate": "2.50"})
    with override("fa"):
        count, rate = str(form["count"]), str(form["rate"])
    # Then each is a text box with a numeric keypad, its value in Persian digits
    assert 'type="text"' in count and 'inputmode="numeric"' in count
    assert 'value="۲۴"' in count and 'dir="ltr"' in count and "data-jh-number" in count
    assert 'type="text"' in rate and 'inputmode="decimal"' in rate and 'value="۲.۵۰"' in rate
    # and the browser's own checks are left to the server's messages
    assert 'min="' not in count and 'max="' not in count and 'step="' not in rate


def test_a_number_box_on_an_english_page_is_djangos():
    form = Numbers(initial={"count": 24, "rate": "2.50"})
    with override("en"):
        count = str(form["count"])
    assert (
        count
        == '<input type="number" name="count" value="24" min="0" max="100" required id="id_count">'
    )


@pytest.mark.parametrize("typed", ["۲۴", "٢٤", "24"])
def test_what_a_persian_number_box_shows_is_read_back(typed):
    # What the box shows (Persian digits), or an Arabic or Latin keyboard's digits
    form = Numbers({"count": typed, "rate": "۱۲.۵"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"count": 24, "rate": Decimal("12.5")}
    # and the server still checks the limits the box no longer carries
    assert not Numbers({"count": "۱۰۱", "rate": "۱"}).is_valid()
