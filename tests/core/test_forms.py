from __future__ import annotations

import dataclasses
import datetime

import pytest
import time_machine
from django import forms
from django.db import models

from jahesh.core.forms import (
    JalaliDateField,
    JalaliDateInput,
    LegalIdField,
    MobileField,
    MoneyField,
    NationalCodeField,
    NormalizedCharField,
    PostalCodeField,
    ShebaField,
    dataclass_from,
    jalali_formfield_callback,
)
from jahesh.core.jalali import from_jalali

D = datetime.date


class VisitForm(forms.Form):
    visited_on = JalaliDateField(max_date="today")
    closed_on = JalaliDateField(required=False, min_date=from_jalali(1400, 1, 1))


@pytest.mark.parametrize(
    "typed", ["۱۴۰۳/۰۱/۱۵", "1403/1/15", "1403-01-15", "١٤٠٣/٠١/١٥", " 1403/01/15 "]
)
def test_it_parses_all_four_input_forms(typed):
    form = VisitForm(data={"visited_on": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"visited_on": D(2024, 4, 3), "closed_on": None}


def test_it_rejects_a_day_that_does_not_exist_in_persian():
    form = VisitForm(data={"visited_on": "1402/12/30"})
    assert not form.is_valid()
    assert form.errors["visited_on"] == ["اسفند ۱۴۰۲ ۲۹ روز دارد"]


def test_it_rejects_a_badly_written_date_saying_how_to_write_it():
    form = VisitForm(data={"visited_on": "15 farvardin"})
    assert form.errors["visited_on"] == ["تاریخ را به شکل ۱۴۰۳/۰۱/۱۵ وارد کنید"]


@time_machine.travel(datetime.datetime(2024, 4, 3, 8, 0, tzinfo=datetime.UTC), tick=False)
def test_it_refuses_dates_after_today():
    assert VisitForm(data={"visited_on": "1403/01/15"}).is_valid()
    form = VisitForm(data={"visited_on": "1403/01/16"})
    assert form.errors["visited_on"] == ["تاریخ نمی‌تواند بعد از امروز باشد"]


def test_it_refuses_dates_before_the_minimum_naming_it():
    form = VisitForm(data={"visited_on": "1399/01/01", "closed_on": "1399/12/30"})
    assert form.errors == {"closed_on": ["تاریخ نمی‌تواند پیش از ۱۴۰۰/۰۱/۰۱ باشد"]}


def test_it_requires_a_date_only_when_required():
    form = VisitForm(data={"visited_on": "  "})
    assert list(form.errors) == ["visited_on"]
    assert form.errors["visited_on"][0].startswith("این فیلد")


def test_it_renders_the_date_in_jalali_with_persian_digits():
    form = VisitForm(initial={"visited_on": D(2024, 4, 3)})
    html = str(form["visited_on"])
    assert 'value="۱۴۰۳/۰۱/۱۵"' in html
    for attr in (
        'inputmode="numeric"',
        'dir="ltr"',
        'placeholder="۱۴۰۳/۰۱/۱۵"',
        'autocomplete="off"',
    ):
        assert attr in html
    assert "jalali-date" in html


def test_it_shows_back_what_was_typed_when_invalid():
    form = VisitForm(data={"visited_on": "1402/12/30"})
    assert 'value="1402/12/30"' in str(form["visited_on"])


def test_it_keeps_existing_css_classes_on_the_input():
    html = JalaliDateInput(attrs={"class": "form-control"}).render("d", D(2024, 4, 3))
    assert 'class="form-control jalali-date"' in html


def test_it_notices_unchanged_dates():
    field = JalaliDateField()
    assert not field.has_changed(D(2024, 4, 3), "۱۴۰۳/۰۱/۱۵")
    assert field.has_changed(D(2024, 4, 3), "1403/01/16")
    assert field.has_changed(None, "1403/01/16")
    assert not field.has_changed(None, "")


class PersonForm(forms.Form):
    name = NormalizedCharField(max_length=100)
    national_code = NationalCodeField(required=False)
    mobile = MobileField(required=False)
    legal_id = LegalIdField(required=False)
    postal_code = PostalCodeField(required=False)
    sheba = ShebaField(required=False)


def test_it_cleans_names_and_normalises_identifiers():
    form = PersonForm(
        data={
            "name": "  علي   كريمي ",
            "national_code": "۰۰۸-۱۲۳۴۵۶-۲",
            "mobile": "+98 912 123 4567",
            "legal_id": "۱۰۳۸۰۲۸۴۷۹۰",
            "postal_code": "۳۸۱۳۷-۳۳۶۹۸",
            "sheba": "ir17 0170 0000 0011 0583 2170 01",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "name": "علی کریمی",
        "national_code": "0081234562",
        "mobile": "09121234567",
        "legal_id": "10380284790",
        "postal_code": "3813733698",
        "sheba": "IR170170000000110583217001",
    }


def test_it_reports_identifier_errors_in_persian():
    form = PersonForm(data={"name": "x", "national_code": "123456789", "mobile": "0912123456"})
    assert form.errors == {
        "national_code": ["کد ملی ۱۰ رقم است؛ ۹ رقم وارد شده"],
        "mobile": ["شماره همراه ۱۱ رقم است (با ۰۹ اول آن)؛ ۱۰ رقم وارد شده"],
    }


def test_it_leaves_optional_identifiers_empty():
    form = PersonForm(data={"name": "x", "national_code": " "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["national_code"] == ""


def test_it_renders_identifier_inputs_left_to_right():
    html = str(PersonForm()["mobile"])
    assert 'dir="ltr"' in html and 'inputmode="tel"' in html


class LoanForm(forms.Form):
    principal = MoneyField(min_value=10_000_000)


def test_it_reads_money_in_tomans_and_stores_rials():
    form = LoanForm(data={"principal": "۱۵۰٬۰۰۰٬۰۰۰"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["principal"] == 1_500_000_000


def test_it_refuses_money_below_the_minimum_in_the_display_unit():
    form = LoanForm(data={"principal": "999"})
    assert form.errors["principal"] == ["مبلغ باید دست‌کم ۱٬۰۰۰٬۰۰۰ تومان باشد"]


def test_it_renders_money_in_the_display_unit():
    html = str(LoanForm(initial={"principal": 1_500_000_000})["principal"])
    assert 'value="۱۵۰٬۰۰۰٬۰۰۰"' in html
    assert 'data-unit="تومان"' in html


def test_it_turns_model_date_fields_into_jalali_fields():
    date_field = models.DateField(verbose_name="تاریخ بازدید", blank=True)
    date_field.set_attributes_from_name("visited_on")
    field = jalali_formfield_callback(date_field)
    assert isinstance(field, JalaliDateField)
    assert field.required is False
    assert field.label == "تاریخ بازدید"
    char = models.CharField(max_length=10)
    char.set_attributes_from_name("code")
    assert isinstance(jalali_formfield_callback(char), forms.CharField)


def test_it_reads_an_iso_laid_out_date_below_1700_as_jalali_as_the_api_does():
    # The API's dates (api.schemas.ApiDate) and the forms' read 1404-01-01 alike.
    form = VisitForm(data={"visited_on": "1400-01-01", "closed_on": "1404-01-01"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["closed_on"] == D(2025, 3, 21)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0500-01-01", "سال ۵۰۰ در تقویم شمسی نیست؛ تاریخ را شمسی وارد کنید، مثلاً ۱۴۰۳/۰۱/۱۵"),
        ("2025-03-21", "سال ۲۰۲۵ در تقویم شمسی نیست؛ تاریخ را شمسی وارد کنید، مثلاً ۱۴۰۳/۰۱/۱۵"),
    ],
)
def test_it_never_stores_a_year_outside_the_jalali_calendar(typed, message):
    # A form is typed in Jalali only: a medieval year and a Gregorian one are
    # both refused in Persian, never stored as written.
    form = VisitForm(data={"visited_on": typed})
    assert form.errors["visited_on"] == [message]


def test_dataclass_from_takes_the_dataclass_fields_from_the_data_and_the_given_ones():
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Fields:
        name: str
        county_id: int
        note: str = "none"

    data = {"name": "گروه", "county": "a County", "county_id": 1, "extra": 2}
    assert dataclass_from(Fields, data, county_id=7) == Fields(name="گروه", county_id=7)
    with pytest.raises(TypeError):
        dataclass_from(Fields, {"county_id": 1})  # a field without a default stays required
