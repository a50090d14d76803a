"""Forms of the projects pages. They parse input only; the rules live in
``jahesh.projects.services`` (their errors come back onto the form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from jahesh.core.forms import (
    TODAY,
    FilterForm,
    JalaliDateField,
    LatitudeField,
    LongitudeField,
    MoneyField,
    NationalCodeField,
    PeriodForm,
    any_of,
    check_date_order,
    filter_choice,
)
from jahesh.geo.models import City, County, Village
from jahesh.projects.models import DirectService, Project, ProjectFunding
from jahesh.projects.selectors import counties_for
from jahesh.volunteers.models import Group, Skill

YES_NO = any_of([("1", _("بله")), ("0", _("خیر"))])


class PlaceMixin(forms.Form):
    """County, then a village or a city of it (options come by HTMX when the
    county changes)."""

    county = forms.ModelChoiceField(queryset=County.objects.none(), label=_("شهرستان"))
    village = forms.ModelChoiceField(
        queryset=Village.objects.none(), label=_("روستا"), required=False
    )
    city = forms.ModelChoiceField(queryset=City.objects.none(), label=_("شهر"), required=False)

    def setup_place(self, user) -> None:
        self.fields["county"].queryset = counties_for(user)
        county_id = self.data.get(self.add_prefix("county")) or self.initial.get("county")
        if county_id:
            try:
                county_id = int(county_id)
            except (TypeError, ValueError):
                county_id = None
        if county_id:
            self.fields["village"].queryset = Village.objects.filter(county_id=county_id)
            self.fields["city"].queryset = City.objects.filter(county_id=county_id)

    def clean(self):
        data = super().clean()
        if data.get("village") and data.get("city"):
            raise forms.ValidationError(_("یا روستا را انتخاب کنید یا شهر؛ نه هر دو."))
        return data


class ProjectFilterForm(FilterForm):
    q = forms.CharField(label=_("جست‌وجوی عنوان"), required=False)
    county = forms.ModelChoiceField(
        queryset=County.objects.none(), label=_("شهرستان"), required=False, empty_label=_("همه")
    )
    kind = filter_choice(_("نوع"), Project.Kind.choices)
    status = filter_choice(_("وضعیت"), Project.Status.choices)
    deprived = forms.TypedChoiceField(
        label=_("منطقهٔ محروم"),
        choices=YES_NO,
        required=False,
        coerce=lambda value: value == "1",
        empty_value=None,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties_for(user)


class ProjectForm(PlaceMixin):
    title = forms.CharField(label=_("عنوان پروژه"), max_length=250)
    kind = forms.ChoiceField(label=_("نوع پروژه"), choices=Project.Kind.choices)
    contractor_name = forms.CharField(
        label=_("پیمانکار"),
        max_length=200,
        required=False,
        help_text=_("اگر مجری گروه جهادی است خالی بگذارید."),
    )
    implementer_group = forms.ModelChoiceField(
        queryset=None, label=_("گروه جهادی مجری"), required=False
    )
    budget_original_rial = MoneyField(label=_("بودجهٔ مصوب"), min_value=0, required=False)
    planned_start = JalaliDateField(label=_("شروع برنامه‌ای"), required=False)
    planned_end = JalaliDateField(label=_("پایان برنامه‌ای"), required=False)
    households = forms.IntegerField(label=_("خانوار بهره‌مند"), min_value=0, initial=0)
    people = forms.IntegerField(label=_("نفر بهره‌مند"), min_value=0, initial=0)
    description = forms.CharField(
        label=_("شرح"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    latitude = LatitudeField(help_text=_("جای پروژه روی نقشه؛ اختیاری (از GPS گوشی یا نقشه)."))
    longitude = LongitudeField()

    field_order = ["title", "kind", "county", "village", "city"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)

        self.setup_place(user)
        self.fields["implementer_group"].queryset = Group.objects.filter(
            county__in=self.fields["county"].queryset
        ).order_by("name")

    def clean_budget_original_rial(self) -> int:
        # A blank budget is none yet: 0, as the service's own default.
        return self.cleaned_data["budget_original_rial"] or 0

    def clean(self):
        data = super().clean()
        if data.get("implementer_group") and data.get("contractor_name"):
            self.add_error("contractor_name", _("مجری یا گروه جهادی است یا پیمانکار؛ نه هر دو."))
        check_date_order(
            self, "planned_start", "planned_end", _("پایان برنامه‌ای پیش از شروع برنامه‌ای است.")
        )
        return data


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("وضعیت تازه"), choices=Project.Status.choices)
    on = JalaliDateField(label=_("تاریخ (شروع/پایان واقعی)"), required=False, max_date=TODAY)
    reason = forms.CharField(label=_("توضیح یا علت"), max_length=500, required=False)


class ProgressForm(forms.Form):
    reported_on = JalaliDateField(label=_("تاریخ گزارش"), max_date=TODAY)
    progress_pct = forms.IntegerField(label=_("پیشرفت فیزیکی (٪)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("شرح"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.ImageField(label=_("عکس"), required=False)


class FundingForm(forms.Form):
    role = forms.ChoiceField(label=_("نقش منبع"), choices=ProjectFunding.Role.choices)
    amount_rial = MoneyField(
        label=_("مبلغ"),
        min_value=1,
        required=False,
        help_text=_("برای کار داوطلبانه خالی بگذارید؛ از ساعت و مهارت حساب می‌شود."),
    )
    labour_hours = forms.DecimalField(
        label=_("ساعت کار داوطلبانه"), min_value=0, decimal_places=2, required=False
    )
    labour_skill = forms.ModelChoiceField(queryset=None, label=_("مهارت"), required=False)
    source_name = forms.CharField(label=_("تأمین‌کننده"), max_length=200, required=False)
    received_on = JalaliDateField(label=_("تاریخ"), required=False, max_date=TODAY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["labour_skill"].queryset = Skill.objects.filter(is_active=True)


class ResultForm(forms.Form):
    indicator = forms.CharField(
        label=_("شاخص"), max_length=200, help_text=_("مثلاً «کلاس درس» یا «آب‌رسانی (لیتر در روز)»")
    )
    unit = forms.CharField(label=_("واحد"), max_length=50, required=False)
    target = forms.DecimalField(label=_("هدف"), min_value=0, decimal_places=2)
    actual = forms.DecimalField(label=_("محقق‌شده"), min_value=0, decimal_places=2, required=False)


class FacilityCheckForm(forms.Form):
    checked_on = JalaliDateField(label=_("تاریخ بازدید"), max_date=TODAY)
    in_use = forms.BooleanField(label=_("در حال بهره‌برداری است"), required=False)
    note = forms.CharField(label=_("شرح"), required=False)


class ServiceFilterForm(FilterForm, PeriodForm):
    field_order = ["county", "kind", "start", "end"]
    county = forms.ModelChoiceField(
        queryset=County.objects.none(), label=_("شهرستان"), required=False, empty_label=_("همه")
    )
    kind = filter_choice(_("نوع خدمت"), DirectService.Kind.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties_for(user)


class ServiceForm(PlaceMixin):
    kind = forms.ChoiceField(label=_("نوع خدمت"), choices=DirectService.Kind.choices)
    delivered_on = JalaliDateField(label=_("تاریخ ارائه"), max_date=TODAY)
    quantity = forms.IntegerField(label=_("تعداد"), min_value=1)
    unit_value_rial = MoneyField(label=_("ارزش واحد"), min_value=0)
    male_children = forms.IntegerField(label=_("پسر (زیر ۱۸)"), min_value=0, initial=0)
    male_adults = forms.IntegerField(label=_("مرد (۱۸ تا ۵۹)"), min_value=0, initial=0)
    male_elderly = forms.IntegerField(label=_("مرد (۶۰+)"), min_value=0, initial=0)
    female_children = forms.IntegerField(label=_("دختر (زیر ۱۸)"), min_value=0, initial=0)
    female_adults = forms.IntegerField(label=_("زن (۱۸ تا ۵۹)"), min_value=0, initial=0)
    female_elderly = forms.IntegerField(label=_("زن (۶۰+)"), min_value=0, initial=0)
    national_codes = forms.CharField(
        label=_("کد ملی بهره‌مندان (اختیاری)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
        help_text=_("هر کد ملی در یک سطر؛ کد تکراری یک بار شمرده می‌شود."),
    )
    note = forms.CharField(label=_("توضیح"), max_length=300, required=False)

    field_order = [
        "kind",
        "delivered_on",
        "county",
        "village",
        "city",
        "quantity",
        "unit_value_rial",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_place(user)

    def count_fields(self) -> list[BoundField]:
        """The beneficiary counts, in ``DirectService.BENEFICIARY_FIELDS``' order."""
        return [self[name] for name in DirectService.BENEFICIARY_FIELDS]

    def clean_national_codes(self) -> list[str]:
        raw = self.cleaned_data.get("national_codes") or ""
        codes = [c.strip() for c in raw.replace("،", "\n").replace(",", "\n").splitlines()]
        field = NationalCodeField()
        errors, out = [], []
        for line, code in enumerate(codes, start=1):
            if not code:
                continue
            try:
                out.append(field.clean(code))
            except forms.ValidationError as exc:
                errors.append(_("سطر %(line)s: %(msg)s") % {"line": line, "msg": exc.messages[0]})
        if errors:
            raise forms.ValidationError(errors)
        return out

    def clean(self) -> dict[str, Any]:
        """The cleaned data as ``services.service_build`` takes it: the six
        counts as its ``counts``, the national codes as its ``people``."""
        data = super().clean()
        data["counts"] = {f: data.pop(f) for f in DirectService.BENEFICIARY_FIELDS if f in data}
        data["people"] = data.pop("national_codes", [])
        return data
