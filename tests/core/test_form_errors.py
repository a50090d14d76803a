"""One validation path: a service's refusal lands on the field it names (one
helper for every app), field errors come in one round, money fields name their
unit, and errors read in Persian digits."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation

from jahesh.core.errors import InvalidInput
from jahesh.core.forms import JalaliDateField, MoneyField, apply_error, check_date_order
from jahesh.core.money import format_rials, unit_label


class Ranged(forms.Form):
    title = forms.CharField()
    start = JalaliDateField(required=False)
    end = JalaliDateField(required=False)
    amount = MoneyField(required=False, max_value=1_000_000)
    year = forms.IntegerField(required=False, max_value=1420)

    def clean(self):
        data = super().clean()
        check_date_order(self, "start", "end", "پایان پیش از شروع است.")
        return data


def test_it_puts_each_service_error_on_its_field_and_the_rest_on_the_form():
    form = Ranged({"title": "x"})
    assert form.is_valid()
    apply_error(
        form,
        InvalidInput(
            "دو مشکل",
            errors=[
                {"field": "amount", "message": "زیاد است"},
                {"field": "items.0.qty", "message": "نه در فرم"},
                {"field": "start.day", "message": "روز نادرست"},
            ],
        ),
    )
    assert form.errors["amount"] == ["زیاد است"]
    assert form.errors["start"] == ["روز نادرست"]
    assert form.non_field_errors() == ["نه در فرم"]


def test_it_shows_the_headline_when_the_error_names_no_field():
    form = Ranged({"title": "x"})
    form.is_valid()
    apply_error(form, InvalidInput("کار انجام نشد"))
    assert form.non_field_errors() == ["کار انجام نشد"]
    form = Ranged({"title": "x"})
    form.is_valid()
    apply_error(form, ValidationError({"title": ["تکراری"], "__all__": ["کلی"]}))
    assert form.errors["title"] == ["تکراری"] and form.non_field_errors() == ["کلی"]


def test_it_reports_an_end_before_the_start_with_the_other_field_errors():
    form = Ranged({"title": "", "start": "۱۴۰۳/۰۲/۱۰", "end": "۱۴۰۳/۰۲/۰۱", "amount": "۵۰۰"})
    assert not form.is_valid()
    assert set(form.errors) == {"title", "end"}  # one round, not two
    assert form.errors["end"] == ["پایان پیش از شروع است."]
    ok = Ranged({"title": "x", "start": "۱۴۰۳/۰۲/۰۱", "end": "۱۴۰۳/۰۲/۰۱"})
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data["end"] == datetime.date(2024, 4, 20)


def _field_html(form, name):
    return render_to_string("partials/form_field.html", {"field": form[name]})


def test_it_names_the_unit_beside_a_money_field_and_leaves_room_for_words():
    with translation.override("fa"):
        html = _field_html(Ranged(), "amount")
    assert f'<span class="input-group-text">{unit_label()}</span>' in html
    assert 'data-jh-money-words="id_amount"' in html
    assert "input-group-text" not in _field_html(Ranged(), "title")


def test_it_speaks_money_limits_in_the_display_unit_on_the_field():
    form = Ranged({"title": "x", "amount": "۲۰۰٬۰۰۰"})  # 2,000,000 rials > 1,000,000
    assert not form.is_valid()
    [message] = form.errors["amount"]
    assert format_rials(1_000_000) in message and "E+" not in message


def test_it_writes_djangos_own_messages_in_persian_digits():
    with translation.override("fa"):
        form = Ranged({"title": "x", "year": "1500"})
        assert not form.is_valid()
        html = _field_html(form, "year")
    errors = html.split('class="invalid-feedback', 1)[1]
    assert "۱۴۲۰" in errors and "1420" not in errors


def test_it_writes_an_empty_choice_as_a_dash_not_djangos_dashes():
    class Pick(forms.Form):
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "الف")], required=False)

    html = str(Pick()["kind"])
    assert "---------" not in html and '<option value="" selected>—</option>' in html
