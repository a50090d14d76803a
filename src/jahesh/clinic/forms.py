"""Forms of the clinic's pages. Choices that name records are scoped to the user."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jahesh.accounts.places import counties_for_user
from jahesh.accounts.scoping import scoped
from jahesh.clinic.models import (
    Agency,
    Case,
    CaseStatus,
    Expert,
    ObstacleCategory,
    Resolution,
    ResolutionStatus,
    WorkingGroup,
)
from jahesh.clinic.services import FOLLOW_UP_STATUSES
from jahesh.core.digits import to_persian_digits
from jahesh.core.forms import (
    FilterForm,
    JalaliDateField,
    MoneyField,
    PeriodForm,
    any_of,
    filter_choice,
)
from jahesh.geo.models import County

SEVERITY_CHOICES = [
    (i, label)
    for i, label in enumerate(
        [_("۰ — بدون مانع"), _("۱ — جزئی"), _("۲ — متوسط"), _("۳ — جدی"), _("۴ — بسیار شدید")]
    )
]


class CaseFilterForm(FilterForm):
    q = forms.CharField(label=_("جستجو (نام واحد، عنوان یا شمارهٔ پرونده)"), required=False)
    status = forms.ChoiceField(
        label=_("وضعیت"),
        required=False,
        choices=any_of([("open", _("همهٔ پرونده‌های باز")), *CaseStatus.choices]),
    )
    category = forms.ChoiceField(label=_("دستهٔ مانع"), required=False)
    agency = forms.ModelChoiceField(
        label=_("دستگاه"), required=False, queryset=Agency.objects.all()
    )
    county = forms.ModelChoiceField(
        label=_("شهرستان"), required=False, queryset=County.objects.none()
    )
    severity = forms.TypedChoiceField(
        label=_("شدت"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=any_of(SEVERITY_CHOICES),
    )
    overdue = forms.BooleanField(label=_("فقط پرونده‌های دیرکرد"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = any_of(
            (c.code, c.name) for c in ObstacleCategory.objects.all()
        )

        self.fields["county"].queryset = counties_for_user(user)


class CaseForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("دستهٔ مانع"), queryset=ObstacleCategory.objects.filter(is_active=True)
    )
    severity = forms.TypedChoiceField(
        label=_("شدت"), coerce=int, choices=SEVERITY_CHOICES, initial=3
    )
    title = forms.CharField(label=_("عنوان"), max_length=200)
    description = forms.CharField(
        label=_("شرح مانع"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    source = forms.ChoiceField(label=_("منبع"), choices=Case.Source.choices)
    agency = forms.ModelChoiceField(
        label=_("دستگاه مسئول"), required=False, queryset=Agency.objects.filter(is_active=True)
    )


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("وضعیت تازه"), choices=CaseStatus.choices)
    reason = forms.CharField(
        label=_("توضیح یا دلیل"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expert = forms.ModelChoiceField(
        label=_("کارشناس مسئول"), required=False, queryset=Expert.objects.none()
    )
    agency = forms.ModelChoiceField(
        label=_("دستگاه"), required=False, queryset=Agency.objects.filter(is_active=True)
    )
    escalated_to = forms.ChoiceField(
        label=_("ارجاع به"), required=False, choices=Case.Escalation.choices
    )
    working_group = forms.ModelChoiceField(
        label=_("کارگروه"), required=False, queryset=WorkingGroup.objects.none()
    )
    outcome = forms.ChoiceField(label=_("نتیجه"), required=False, choices=Case.Outcome.choices)
    outcome_note = forms.CharField(
        label=_("مستندات نتیجه"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    financing_rial = MoneyField(label=_("تأمین مالی تسهیل‌شده"), required=False, min_value=0)

    def __init__(self, *args, user=None, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, CaseStatus(s).label) for s in allowed]
        self.fields["expert"].queryset = scoped(user, Expert).filter(is_active=True)
        self.fields["working_group"].queryset = scoped(user, WorkingGroup).filter(is_active=True)


class FollowUpForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        label=_("نتیجهٔ پیگیری"),
        coerce=lambda v: v == "1",
        choices=[("1", _("واحد هنوز فعال است")), ("0", _("واحد تعطیل شده است"))],
    )
    on = JalaliDateField(label=_("تاریخ پیگیری"))
    note = forms.CharField(label=_("یادداشت"), required=False)


class ResolutionFilterForm(PeriodForm):
    field_order = ["status", "agency", "start", "end"]
    status = filter_choice(_("وضعیت"), ResolutionStatus.choices)
    agency = forms.ModelChoiceField(
        label=_("دستگاه"), required=False, queryset=Agency.objects.all()
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        return {
            "status": d.get("status") or "",
            "agency": d["agency"].pk if d.get("agency") else None,
            "start": d.get("start"),
            "end": d.get("end"),
        }


class SessionForm(forms.Form):
    held_on = JalaliDateField(label=_("تاریخ جلسه"))
    place = forms.CharField(label=_("محل جلسه"), required=False, max_length=160)
    attendees = forms.ModelMultipleChoiceField(
        label=_("حاضران (اعضای کارگروه)"),
        required=False,
        queryset=Expert.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(
        label=_("سایر حاضران (هر نفر در یک سطر)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agenda = forms.ModelMultipleChoiceField(
        label=_("دستور جلسه: پرونده‌های ارجاع‌شده به کارگروه"),
        required=False,
        queryset=Case.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.CharField(
        label=_("شرح مذاکرات"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, members=None, agenda=None, **kwargs):
        # members: the group's experts the user may see (selectors.group_members).
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members
        self.fields["agenda"].queryset = agenda
        self.fields["agenda"].label_from_instance = lambda case: (
            f"#{to_persian_digits(case.pk)} {case.unit.name} — {case.category.name}"
        )


class ResolutionForm(forms.Form):
    text = forms.CharField(label=_("متن مصوبه"), widget=forms.Textarea(attrs={"rows": 2}))
    agency = forms.ModelChoiceField(
        label=_("دستگاه مسئول"), queryset=Agency.objects.filter(is_active=True)
    )
    responsible_person = forms.CharField(label=_("مسئول پیگیری"), required=False, max_length=120)
    due_on = JalaliDateField(label=_("مهلت اجرا"), required=False)
    due_days = forms.IntegerField(
        label=_("یا مهلت به روز کاری"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=_("روزهای کاری استان پس از تاریخ جلسه"),
    )
    case = forms.ModelChoiceField(label=_("پرونده"), required=False, queryset=Case.objects.none())

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases


class ResolutionFollowUpForm(forms.Form):
    """One resolution's follow-up (the page shows one form per resolution)."""

    resolution: forms.ModelChoiceField[Resolution] = forms.ModelChoiceField(
        label=_("مصوبه"), queryset=None, widget=forms.HiddenInput
    )
    status_after = forms.ChoiceField(
        label=_("وضعیت پس از پیگیری"),
        choices=[(s.value, s.label) for s in FOLLOW_UP_STATUSES],  # RESOLUTION_TRANSITIONS'
    )
    on = JalaliDateField(label=_("تاریخ پیگیری"))
    note = forms.CharField(label=_("شرح پیگیری"))

    def __init__(
        self,
        *args: Any,
        resolutions: QuerySet[Resolution] | None = None,
        moves: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """``moves``: the page offers only the resolution's allowed moves
        (``RESOLUTION_FLOW.move_choices``); a posted status is the table's to refuse."""
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["resolution"]).queryset = resolutions
        if moves is not None:
            cast(forms.ChoiceField, self.fields["status_after"]).choices = moves
