"""The public report and tracking forms. Validation of the report is the
service's (one set of rules for the page and the API); these forms give the
fields, their labels and where the service's errors land."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from jahesh.clinic.models import ObstacleCategory
from jahesh.core.digits import to_persian_digits
from jahesh.geo.models import County


def _county_choices() -> list[tuple[Any, Any]]:
    rows = County.objects.select_related("province").order_by("province__name", "name")
    return [("", _("انتخاب کنید"))] + [(c.pk, f"{c.province.name} — {c.name}") for c in rows]


class ReportForm(forms.Form):
    # Set by the page when the service rejects a file (the input is not a form field).
    attachments_error: str = ""

    mobile = forms.CharField(
        label=_("تلفن همراه"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr",
                                      "placeholder": "09xxxxxxxxx"}),
    )  # fmt: skip
    otp = forms.CharField(
        label=_("کد پیامک‌شده"), max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "dir": "ltr"}),
    )  # fmt: skip
    unit_name = forms.CharField(label=_("نام واحد تولیدی"), max_length=200)
    county_id = forms.ChoiceField(label=_("شهرستان"))
    legal_id = forms.CharField(
        label=_("شناسه ملی شخص حقوقی"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
        help_text=_("برای شرکت‌ها؛ ۱۱ رقم."),
    )  # fmt: skip
    national_code = forms.CharField(
        label=_("یا کد ملی مالک"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
        help_text=_("برای واحدهای بدون شخصیت حقوقی؛ ۱۰ رقم."),
    )  # fmt: skip
    category = forms.ChoiceField(label=_("مشکل اصلی شما"))
    description = forms.CharField(
        label=_("شرح مشکل"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )
    captcha_key = forms.CharField(widget=forms.HiddenInput, required=False)
    captcha_answer = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, categories: Iterable[ObstacleCategory] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["county_id"]).choices = _county_choices()
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", _("انتخاب کنید"))] + [
            (c.code, c.name) for c in categories
        ]


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("کد رهگیری"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr"}),
    )  # fmt: skip
    mobile = forms.CharField(
        label=_("تلفن همراه"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr", "placeholder": "09xxxxxxxxx"}),
    )  # fmt: skip


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("امتیاز شما به رسیدگی"), coerce=int, widget=forms.RadioSelect,
        choices=[(i, str(i)) for i in range(1, 6)],
    )  # fmt: skip
    comment = forms.CharField(label=_("نظر شما (اختیاری)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    otp = forms.CharField(
        label=_("کد پیامک‌شده"), max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "dir": "ltr"}),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["rating"]).choices = [
            (i, to_persian_digits(i)) for i in range(1, 6)
        ]
