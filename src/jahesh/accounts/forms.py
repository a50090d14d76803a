"""Forms of the people pages, the password reset and two-step sign-in."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from jahesh.accounts.people import PersonData
from jahesh.accounts.roles import Role, assignable_roles
from jahesh.accounts.scoping import area_for, effective_role, sees_whole_country
from jahesh.geo.models import County, Province


class PersonForm(forms.Form):
    """A user as a manager of people edits them: the roles and places offered
    are the ones the manager may give (``people._clean`` checks them again)."""

    username = forms.CharField(label=_("نام کاربری"), max_length=150)
    first_name = forms.CharField(label=_("نام"), max_length=150, required=False)
    last_name = forms.CharField(label=_("نام خانوادگی"), max_length=150, required=False)
    mobile = forms.CharField(label=_("تلفن همراه"), max_length=20, required=False)
    email = forms.EmailField(label=_("رایانامه"), required=False)
    role = forms.ChoiceField(label=_("نقش"))
    province = forms.ModelChoiceField(
        label=_("استان"), queryset=Province.objects.none(), required=False, empty_label="—"
    )
    county = forms.ModelChoiceField(
        label=_("شهرستان"),
        queryset=County.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("برای کارشناس شهرستان."),
    )
    nationwide = forms.BooleanField(
        label=_("کل کشور"),
        required=False,
        help_text=_("نقش استانی با دسترسی به همهٔ استان‌ها (ستاد ملی)."),
    )

    def __init__(self, *args: Any, manager: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager_role = effective_role(manager)
        role = cast(forms.ChoiceField, self.fields["role"])
        role.choices = [(r, Role(r).label) for r in assignable_roles(manager_role or "")]
        county = cast(forms.ModelChoiceField, self.fields["county"])
        province = cast(forms.ModelChoiceField, self.fields["province"])
        county.queryset = (
            County.objects.filter(area_for(manager).counties_q())
            .select_related("province")
            .order_by("name")
        )
        if sees_whole_country(manager):
            province.queryset = Province.objects.order_by("name")
        else:
            province.queryset = Province.objects.filter(pk=manager.province_id)
            province.help_text = _("کاربران شما در استان خودتان ثبت می‌شوند.")
        if manager_role != Role.ADMIN:
            del self.fields["nationwide"]
        for name in ("username", "mobile", "email"):
            self.fields[name].widget.attrs["dir"] = "ltr"

    def data_for_service(self) -> PersonData:
        d = self.cleaned_data
        return PersonData(
            username=d["username"],
            first_name=d.get("first_name", ""),
            last_name=d.get("last_name", ""),
            email=d.get("email", ""),
            mobile=d.get("mobile", ""),
            role=d["role"],
            province=d.get("province"),
            county=d.get("county"),
            nationwide=d.get("nationwide", False),
        )

    @staticmethod
    def initial_for(user: Any) -> dict[str, Any]:
        return {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "mobile": user.mobile,
            "email": user.email,
            "role": user.role,
            "province": user.province_id,
            "county": user.county_id,
            "nationwide": user.nationwide,
        }


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("جست‌وجو"), required=False)
    role = forms.ChoiceField(label=_("نقش"), required=False)
    active = forms.ChoiceField(
        label=_("وضعیت"),
        required=False,
        choices=[("", "—"), ("1", _("فعال")), ("0", _("غیرفعال"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = [("", "—"), *Role.choices]


class ResetRequestForm(forms.Form):
    login = forms.CharField(
        label=_("نام کاربری یا شمارهٔ همراه"), max_length=150, widget=forms.TextInput({"dir": "ltr"})
    )


class ResetConfirmForm(forms.Form):
    login = forms.CharField(
        label=_("نام کاربری یا شمارهٔ همراه"), max_length=150, widget=forms.TextInput({"dir": "ltr"})
    )
    code = forms.CharField(
        label=_("رمز یک‌بار مصرف"),
        max_length=12,
        widget=forms.TextInput(
            {"dir": "ltr", "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )
    password1 = forms.CharField(
        label=_("گذرواژهٔ تازه"), widget=forms.PasswordInput({"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("تکرار گذرواژهٔ تازه"), widget=forms.PasswordInput({"autocomplete": "new-password"})
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("دو گذرواژه یکی نیستند."))
        elif one:
            try:
                password_validation.validate_password(one)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("کد شش‌رقمی برنامهٔ احراز هویت"),
        max_length=12,
        widget=forms.TextInput(
            {"dir": "ltr", "inputmode": "numeric", "autocomplete": "one-time-code"}
        ),
    )
