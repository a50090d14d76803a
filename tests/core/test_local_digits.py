"""Messages made by code that writes Latin digits (Django's validators) show
Persian digits on Persian pages and answers, as the rest of the UI, and stay
as they are in English: a model's refusal placed on a form (``apply_error``,
shown among the form's own errors), a flash message, the API's error body."""

from __future__ import annotations

from django import forms
from django.contrib.messages.storage.base import Message
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.template.loader import render_to_string
from django.utils import translation

from jahesh.api_v1 import _body
from jahesh.core.forms import apply_error


class NameForm(forms.Form):
    name = forms.CharField()


def _refusal() -> ValidationError:
    """What a model's ``full_clean`` raises: Django's own messages, with their numbers."""
    errors = []
    for validator, value in ((MaxLengthValidator(10), "x" * 12), (MinValueValidator(3), 1)):
        try:
            validator(value)
        except ValidationError as error:
            errors.append(error)
    return ValidationError(errors)


def _form_errors(language: str) -> list[str]:
    with translation.override(language):
        form = NameForm({"name": "نام"})
        assert form.is_valid()
        apply_error(form, _refusal())
        return list(form.non_field_errors())


def test_a_models_refusal_on_a_form_has_persian_digits_on_a_persian_page():
    persian = _form_errors("fa")
    assert len(persian) == 2
    assert "۱۰" in persian[0] and "۱۲" in persian[0] and "10" not in persian[0]
    assert "۳" in persian[1] and "3" not in persian[1]
    english = _form_errors("en")
    assert english == [
        "Ensure this value has at most 10 characters (it has 12).",
        "Ensure this value is greater than or equal to 3.",
    ]


def test_a_flash_message_and_the_apis_error_body_follow_the_language():
    message = Message(40, "حداکثر 10 نویسه")
    with translation.override("fa"):
        html = render_to_string("partials/messages.html", {"messages": [message]})
        body = _body("ورودی نامعتبر است", [("name", "at most 10")])
    assert "حداکثر ۱۰ نویسه" in html
    assert body == {
        "message": "ورودی نامعتبر است",
        "errors": [{"field": "name", "message": "at most ۱۰"}],
    }
    with translation.override("en"):
        html = render_to_string("partials/messages.html", {"messages": [message]})
        assert _body("Invalid", [("name", "at most 10")])["errors"][0]["message"] == "at most 10"
    assert "حداکثر 10 نویسه" in html
