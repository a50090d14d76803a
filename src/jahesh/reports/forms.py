"""The dashboard's period and scope pickers (GET forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jahesh.accounts.roles import Role
from jahesh.accounts.scoping import Area, area_for, sees_whole_country
from jahesh.core.digits import to_persian_digits
from jahesh.core.errors import InvalidInput
from jahesh.core.forms import JalaliDateField, JalaliDateInput
from jahesh.core.jalali import jalali_quarter_range, jalali_today, jalali_year_of, jalali_year_range
from jahesh.geo.models import County, Province
from jahesh.reports.periods import DAY, Period, last_five_years, period_check

FIRST_YEAR = 1390

PERIOD_KINDS = [
    ("five", _("پنج سال اخیر")),
    ("year", _("یک سال")),
    ("quarter", _("یک فصل")),
    ("range", _("بازهٔ دلخواه")),
]
QUARTERS = [
    (1, _("بهار")),
    (2, _("تابستان")),
    (3, _("پاییز")),
    (4, _("زمستان")),
]


def _years() -> list[tuple[int, str]]:
    this = jalali_year_of(jalali_today())
    return [(y, to_persian_digits(y)) for y in range(this, FIRST_YEAR - 1, -1)]


_DATE_BOX = JalaliDateInput(attrs={"class": "form-control form-control-sm"})


class FiguresForm(forms.Form):
    """Period (five years, a Jalali year, a quarter or a range) and place (a
    province for country-wide users, a county within the user's area)."""

    period = forms.ChoiceField(label=_("دوره"), choices=PERIOD_KINDS, required=False)
    year = forms.TypedChoiceField(label=_("سال"), coerce=int, required=False)
    quarter = forms.TypedChoiceField(label=_("فصل"), choices=QUARTERS, coerce=int, required=False)
    # Styled as the picker's selects (its template writes the boxes bare): an
    # unstyled text box kept its browser width and pushed the bar past a phone's.
    start = JalaliDateField(label=_("از تاریخ"), required=False, widget=_DATE_BOX)
    end = JalaliDateField(label=_("تا تاریخ (شامل)"), required=False, widget=_DATE_BOX)
    province = forms.ModelChoiceField(
        label=_("استان"), queryset=Province.objects.order_by("name"), required=False,
        empty_label=_("کل کشور"),
    )  # fmt: skip
    county = forms.ModelChoiceField(
        label=_("شهرستان"), queryset=County.objects.none(), required=False,
        empty_label=_("همهٔ شهرستان‌ها"),
    )  # fmt: skip

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        self.fields["year"].choices = _years()
        if not sees_whole_country(user):
            del self.fields["province"]
        if user.role == Role.COUNTY_OFFICER and not user.is_superuser:
            del self.fields["county"]
        else:
            self.fields["county"].queryset = self._counties()

    def _counties(self):
        province_id = self.user.province_id
        if "province" in self.fields:
            raw = self.data.get("province") if self.data else None
            province_id = int(raw) if raw and str(raw).isdigit() else None
        if province_id is None:
            return County.objects.none()
        return County.objects.filter(province_id=province_id).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("period") or "five"
        try:
            if kind == "year":
                year = data.get("year") or jalali_year_of(jalali_today())
                data["period_obj"] = Period(*jalali_year_range(year))
            elif kind == "quarter":
                year = data.get("year") or jalali_year_of(jalali_today())
                data["period_obj"] = Period(*jalali_quarter_range(year, data.get("quarter") or 1))
            elif kind == "range":
                if not data.get("start") or not data.get("end"):
                    raise forms.ValidationError(
                        _("برای بازهٔ دلخواه، «از تاریخ» و «تا تاریخ» را وارد کنید.")
                    )
                data["period_obj"] = period_check(data["start"], data["end"] + DAY)
            else:
                data["period_obj"] = last_five_years()
        except InvalidInput as error:
            raise forms.ValidationError(str(error.message)) from None
        return data

    def resolved(self) -> tuple[Period, Area]:
        """The period and the area (clamped to the user's) asked for; the last five
        years in the user's whole area when the form is invalid."""
        if self.is_bound and self.is_valid():
            period = self.cleaned_data["period_obj"]
            province = self.cleaned_data.get("province")
            county = self.cleaned_data.get("county")
        else:
            period, province, county = last_five_years(), None, None
        area = area_for(
            self.user,
            province_id=province.pk if province else None,
            county_id=county.pk if county else None,
        )
        return period, area
