"""Forms of the units pages. They parse what a person typed (Jalali dates, any
digits); the rules themselves live in ``services`` and come back as form
errors through ``jahesh.core.forms.apply_error``."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jahesh.accounts.scoping import scoped
from jahesh.core.forms import (
    JalaliDateField,
    LatitudeField,
    LegalIdField,
    LongitudeField,
    MobileField,
    MoneyField,
    NormalizedCharField,
    filter_choice,
)
from jahesh.geo.forms import CityChoiceField, CountyChoiceField, VillageChoiceField, bind_places
from jahesh.geo.models import County
from jahesh.units.isic import SECTION_CHOICES
from jahesh.units.models import RiskLevel, SalesTrend, Sector, Size, Unit, UnitStatus
from jahesh.units.selectors import unit_writable_counties


class UnitFilterForm(forms.Form):
    q = forms.CharField(
        label=_("جستجو"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("نام، شناسه ملی یا کد")}),
    )
    county = forms.ModelChoiceField(
        label=_("شهرستان"), queryset=County.objects.none(), required=False, empty_label=_("همه")
    )
    sector = filter_choice(_("بخش اقتصادی"), Sector.choices)
    status = filter_choice(_("وضعیت"), UnitStatus.choices)
    isic_section = filter_choice(_("قسمت آیسیک"), SECTION_CHOICES)
    size = filter_choice(_("اندازه"), [c for c in Size.choices if c[0]])
    risk_level = filter_choice(_("سطح ریسک"), RiskLevel.choices)
    order = forms.ChoiceField(
        label=_("مرتب‌سازی"), required=False,
        choices=[("-id", _("جدیدترین")), ("name", _("نام")), ("-risk", _("پرخطرترین")),
                 ("-last_visit", _("آخرین بازدید"))],
    )  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        self.fields["county"].queryset = County.objects.filter(
            pk__in=scoped(user, Unit).order_by().values("county_id").distinct()
        ).order_by("name")

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        county = data.get("county")
        return {
            "q": data.get("q", ""), "county_id": county.pk if county else None,
            "sector": data.get("sector", ""), "status": data.get("status", ""),
            "isic_section": data.get("isic_section", ""), "size": data.get("size", ""),
            "risk_level": data.get("risk_level", ""), "order": data.get("order") or "-id",
        }  # fmt: skip


class WatchFilterForm(UnitFilterForm):
    level = forms.ChoiceField(
        label=_("سطح"), required=False,
        choices=[("", _("زیر نظر و پرخطر")), (RiskLevel.HIGH, _("فقط پرخطر")), (RiskLevel.WATCH, _("فقط زیر نظر"))],
    )  # fmt: skip
    exclude_open_cases = forms.BooleanField(
        label=_("بدون واحدهای دارای پروندهٔ باز کلینیک"), required=False
    )

    def __init__(self, *args: Any, user: Any, can_exclude: bool, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        for name in ("q", "status", "risk_level", "order"):
            del self.fields[name]
        if not can_exclude:
            del self.fields["exclude_open_cases"]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        county = data.get("county")
        return {
            "county_id": county.pk if county else None, "sector": data.get("sector", ""),
            "isic_section": data.get("isic_section", ""), "size": data.get("size", ""),
            "level": data.get("level", ""), "exclude_open_cases": bool(data.get("exclude_open_cases")),
        }  # fmt: skip


class UnitForm(forms.Form):
    name = NormalizedCharField(label=_("نام واحد"), max_length=200)
    national_id = LegalIdField(label=_("شناسه ملی"), required=False, help_text=_("۱۱ رقم؛ اختیاری"))
    licence_no = forms.CharField(label=_("شمارهٔ پروانهٔ بهره‌برداری"), required=False, max_length=60)
    sector = forms.ChoiceField(label=_("بخش اقتصادی"), choices=[("", "—")] + Sector.choices)
    isic_code = forms.CharField(
        label=_("کد آیسیک (ISIC ویرایش ۴)"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "placeholder": "۱۰۷۲"}),
    )
    industrial_estate = NormalizedCharField(
        label=_("شهرک یا ناحیهٔ صنعتی"), required=False, max_length=200
    )
    address = NormalizedCharField(
        label=_("نشانی"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    latitude = LatitudeField()
    longitude = LongitudeField()
    owner_name = NormalizedCharField(label=_("نام مالک یا مدیر"), required=False, max_length=200)
    owner_mobile = MobileField(label=_("تلفن همراه مالک یا مدیر"), required=False)
    founded_on = JalaliDateField(label=_("تاریخ تأسیس"), required=False, max_date="today")
    employees = forms.IntegerField(label=_("تعداد کارکنان"), required=False, min_value=0)
    capacity = forms.DecimalField(
        label=_("ظرفیت اسمی"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    capacity_unit = NormalizedCharField(label=_("واحد ظرفیت"), required=False, max_length=40)
    status = forms.ChoiceField(
        label=_("وضعیت"), choices=UnitStatus.choices, initial=UnitStatus.ACTIVE
    )

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = CountyChoiceField(user=user)
        county.queryset = unit_writable_counties(user).select_related("province")
        fields = list(self.fields.items())
        self.fields.clear()
        for name, field in fields:
            self.fields[name] = field
            if name == "sector":
                self.fields["county"] = county
                self.fields["city"] = CityChoiceField()
                self.fields["village"] = VillageChoiceField()
        if editing:
            # A unit's status moves only through its workflow (the page's status
            # form, with its reason); a status posted here is ignored.
            del self.fields["status"]
        bind_places(self)


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("وضعیت تازه"))
    changed_on = JalaliDateField(
        label=_("از تاریخ"), required=False, max_date="today", help_text=_("خالی یعنی امروز")
    )
    reason = NormalizedCharField(label=_("دلیل"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, moves: list[tuple[str, str]], **kwargs: Any) -> None:
        """``moves``: the unit's allowed moves (``UNIT_FLOW.move_choices``), the only choices."""
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to_status"]).choices = moves


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    """Several photos in one input; each is checked to be an image (Pillow)."""

    widget = MultipleImageInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleImageInput(attrs={"accept": "image/*", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class VisitForm(forms.Form):
    visited_on = JalaliDateField(label=_("تاریخ بازدید"), max_date="today")
    visitor_name = NormalizedCharField(
        label=_("بازدیدکننده"), required=False, max_length=200, help_text=_("خالی یعنی خود شما")
    )
    capacity_utilization = forms.IntegerField(
        label=_("ظرفیت به‌کارگرفته (٪)"), required=False, min_value=0, max_value=100
    )
    employees_now = forms.IntegerField(label=_("کارکنان فعلی"), required=False, min_value=0)
    unpaid_wage_months = forms.IntegerField(
        label=_("ماه‌های حقوق معوق"), required=False, min_value=0, max_value=120, initial=0
    )
    # Typed in the display unit like every amount (MoneyField gives rials).
    bank_arrears_rial = MoneyField(label=_("معوقات بانکی"), required=False, min_value=0)
    tax_debt_rial = MoneyField(label=_("بدهی مالیاتی"), required=False, min_value=0)
    social_security_debt_rial = MoneyField(
        label=_("بدهی تأمین اجتماعی"), required=False, min_value=0
    )
    utility_debt_rial = MoneyField(label=_("بدهی آب، برق و گاز"), required=False, min_value=0)
    utility_cutoff_notice = forms.BooleanField(label=_("اخطار قطع انشعاب دارد"), required=False)
    raw_material_days = forms.IntegerField(
        label=_("موجودی مواد اولیه (روز)"), required=False, min_value=0
    )
    order_book_months = forms.DecimalField(
        label=_("سفارش‌های در دست (ماه)"),
        required=False,
        min_value=0,
        max_digits=4,
        decimal_places=1,
    )
    sales_trend = forms.ChoiceField(
        label=_("روند فروش"), required=False, choices=[("", "—")] + SalesTrend.choices
    )
    owner_issue = forms.BooleanField(label=_("بیماری یا اختلاف مالکان"), required=False)
    court_cases = forms.IntegerField(
        label=_("پرونده‌های قضایی"), required=False, min_value=0, initial=0
    )
    notes = NormalizedCharField(
        label=_("یادداشت"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleImageField(
        label=_("عکس‌ها"), required=False, help_text=_("می‌توانید چند عکس انتخاب کنید.")
    )

    def service_fields(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "photos"}
        for name in ("unpaid_wage_months", "court_cases", "bank_arrears_rial", "tax_debt_rial",
                     "social_security_debt_rial", "utility_debt_rial"):  # fmt: skip
            data[name] = data.get(name) or 0
        return data
