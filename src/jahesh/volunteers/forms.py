"""Forms of the volunteers pages. Dates are Jalali; identifiers are normalised
by the core fields; the choices offered are limited to the user's scope."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jahesh.accounts.places import counties_for_user
from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import scoped
from jahesh.core.forms import (
    FilterForm,
    JalaliDateField,
    LatitudeField,
    LongitudeField,
    MobileField,
    NationalCodeField,
    NormalizedCharField,
    check_date_order,
    filter_choice,
)
from jahesh.geo.models import County, Village
from jahesh.volunteers.models import (
    Camp,
    CredentialKind,
    Group,
    RosterEntry,
    Skill,
    Volunteer,
    VolunteerSkill,
)
from jahesh.volunteers.services import VolunteerDetails, VolunteerFields


def county_queryset(user: Any) -> QuerySet[County]:
    """The counties ``user`` may record volunteers in."""
    return counties_for_user(user, module=Module.VOLUNTEERS)


class _CountyFilterForm(FilterForm):
    """Filters of a list of records in counties: the counties offered are the user's."""

    field_order = ["q", "county"]
    county = forms.ModelChoiceField(
        label=_("شهرستان"), queryset=County.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = county_queryset(user)


class VolunteerFilterForm(_CountyFilterForm):
    q = forms.CharField(
        label=_("جست‌وجو"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("نام، کد ملی یا تلفن")}),
    )
    status = filter_choice(_("وضعیت"), Volunteer.Status.choices)
    skill = forms.ModelChoiceField(label=_("مهارت"), queryset=Skill.objects.all(), required=False)


class VolunteerForm(forms.Form):
    national_code = NationalCodeField(label=_("کد ملی"))
    first_name = NormalizedCharField(label=_("نام"), max_length=80)
    last_name = NormalizedCharField(label=_("نام خانوادگی"), max_length=80)
    gender = forms.ChoiceField(label=_("جنسیت"), choices=Volunteer.Gender.choices)
    birth_year = forms.IntegerField(
        label=_("سال تولد (شمسی)"),
        required=False,
        min_value=1290,
        max_value=1420,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "dir": "ltr", "placeholder": "۱۳۷۰"}),
    )
    mobile = MobileField(label=_("تلفن همراه"), required=False)
    county = forms.ModelChoiceField(label=_("شهرستان"), queryset=County.objects.none())
    registered_on = JalaliDateField(label=_("تاریخ ثبت‌نام"), max_date="today")

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = cast("forms.ModelChoiceField[County]", self.fields["county"])
        county.queryset = county_queryset(user)
        if editing:
            del self.fields["national_code"]
            del self.fields["registered_on"]

    def details(self) -> VolunteerDetails:
        """The cleaned details, as ``services.volunteer_update`` takes them."""
        d = self.cleaned_data
        return VolunteerDetails(
            first_name=d["first_name"],
            last_name=d["last_name"],
            gender=d["gender"],
            county_id=d["county"].pk,
            mobile=d["mobile"],
            birth_year=d["birth_year"],
        )

    def volunteer_fields(self) -> VolunteerFields:
        """The cleaned new volunteer, as ``services.volunteer_create`` takes it."""
        d = self.cleaned_data
        return VolunteerFields(
            **asdict(self.details()),
            national_code=d["national_code"],
            registered_on=d["registered_on"],
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("وضعیت جدید"), choices=Volunteer.Status.choices)
    effective_on = JalaliDateField(label=_("از تاریخ"))
    reason = NormalizedCharField(label=_("دلیل"), required=False, max_length=300)

    def __init__(
        self, *args: Any, moves: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        """``moves``: the page offers only the volunteer's allowed moves
        (``VOLUNTEER_FLOW.move_choices``); a posted status is the table's to refuse."""
        super().__init__(*args, **kwargs)
        if moves is not None:
            cast(forms.ChoiceField, self.fields["status"]).choices = moves


class SkillForm(forms.Form):
    skill = forms.ModelChoiceField(label=_("مهارت"), queryset=Skill.objects.filter(is_active=True))
    level = forms.ChoiceField(label=_("سطح"), choices=VolunteerSkill.Level.choices)
    document = NormalizedCharField(label=_("مدرک تأییدکننده"), required=False, max_length=200)


class CredentialForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("نوع مجوز"), queryset=CredentialKind.objects.all())
    number = forms.CharField(label=_("شماره"), required=False, max_length=60)
    issued_on = JalaliDateField(label=_("تاریخ صدور"), required=False)
    expires_on = JalaliDateField(label=_("تاریخ انقضا"))

    def clean(self):
        data = super().clean()
        check_date_order(
            self, "issued_on", "expires_on", _("تاریخ انقضا باید پس از تاریخ صدور باشد.")
        )
        return data


class GroupFilterForm(_CountyFilterForm):
    q = forms.CharField(label=_("نام گروه"), required=False)
    specialty = filter_choice(_("تخصص"), Group.Specialty.choices)


class GroupForm(forms.Form):
    name = NormalizedCharField(label=_("نام گروه"), max_length=150)
    specialty = forms.ChoiceField(label=_("تخصص"), choices=Group.Specialty.choices)
    county = forms.ModelChoiceField(label=_("شهرستان"), queryset=County.objects.none())
    leader_code = NationalCodeField(label=_("کد ملی سرگروه"), required=False)
    founded_on = JalaliDateField(label=_("تاریخ تشکیل"), required=False, max_date="today")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = county_queryset(user)


class MemberForm(forms.Form):
    national_code = NationalCodeField(label=_("کد ملی نیرو"))
    joined_on = JalaliDateField(label=_("تاریخ عضویت"), max_date="today")


class CampFilterForm(_CountyFilterForm):
    q = forms.CharField(label=_("عنوان"), required=False)
    purpose = filter_choice(_("هدف"), Camp.Purpose.choices)


class CampForm(forms.Form):
    title = NormalizedCharField(label=_("عنوان اردو"), max_length=200)
    purpose = forms.ChoiceField(label=_("هدف"), choices=Camp.Purpose.choices)
    county = forms.ModelChoiceField(label=_("شهرستان"), queryset=County.objects.none())
    village = forms.ModelChoiceField(
        label=_("روستا"),
        queryset=Village.objects.none(),
        help_text=_("روستاهای محروم با ستاره (★) مشخص شده‌اند."),
    )
    start_date = JalaliDateField(label=_("تاریخ شروع"))
    end_date = JalaliDateField(label=_("تاریخ پایان"))
    groups = forms.ModelMultipleChoiceField(
        label=_("گروه‌ها"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    required_kinds = forms.ModelMultipleChoiceField(
        label=_("مجوزهای لازم برای همهٔ نیروها"),
        queryset=CredentialKind.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = NormalizedCharField(
        label=_("شرح"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    latitude = LatitudeField(help_text=_("جای اردو روی نقشه؛ اختیاری (از GPS گوشی یا نقشه)."))
    longitude = LongitudeField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        counties = county_queryset(user)
        self.fields["county"].queryset = counties
        county_id = self.data.get("county") or self.initial.get("county")
        villages = Village.objects.filter(county__in=counties)
        self.fields["village"].queryset = (
            villages.filter(county_id=county_id) if county_id else villages.none()
        ).order_by("-is_deprived", "name")
        self.fields["village"].label_from_instance = village_label
        self.fields["groups"].queryset = scoped(user, Group).filter(is_active=True)

    def clean(self):
        data = super().clean()
        village, county = data.get("village"), data.get("county")
        if village and county and village.county_id != county.pk:
            self.add_error("village", _("این روستا در شهرستان انتخاب‌شده نیست."))
        check_date_order(
            self,
            "start_date",
            "end_date",
            _("تاریخ پایان اردو نمی‌تواند پیش از تاریخ شروع باشد."),
        )
        return data


def village_label(village: Village) -> str:
    return f"★ {village.name}" if village.is_deprived else village.name


class RosterDefaultsForm(forms.Form):
    """The bulk part of the roster form: codes pasted one per line get these."""

    codes = forms.CharField(
        label=_("افزودن چند نیرو با کد ملی (هر کد در یک خط یا با فاصله)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
    )
    default_skill = forms.ModelChoiceField(
        label=_("مهارت برای کدهای بالا"),
        queryset=Skill.objects.filter(is_active=True),
        required=False,
    )
    default_hours = forms.CharField(
        label=_("ساعت برای کدهای بالا"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
    )
    source = forms.ChoiceField(
        label=_("ساعت‌ها را چه کسی اعلام کرده است؟"),
        choices=RosterEntry.Source.choices,
        initial=RosterEntry.Source.COORDINATOR,
        help_text=_("ساعت اعلام‌شده توسط خود نیرو تا تأیید هماهنگ‌کننده در انتظار می‌ماند."),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("کد رهگیری گواهی"), max_length=40, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
