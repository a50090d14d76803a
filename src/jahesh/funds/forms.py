"""Forms of the funds pages: every date is Jalali, every amount typed in the
display unit (``MoneyField`` gives rials)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jahesh.core.forms import JalaliDateField, MobileField, MoneyField, NationalCodeField
from jahesh.funds.models import GuaranteeDocument, Loan, Member


class FundFilterForm(forms.Form):
    q = forms.CharField(label=_("جست‌وجو (نام یا کد)"), required=False, max_length=100)


class MemberForm(forms.Form):
    national_code = NationalCodeField(label=_("کد ملی"))
    first_name = forms.CharField(label=_("نام"), max_length=100)
    last_name = forms.CharField(label=_("نام خانوادگی"), max_length=100)
    gender = forms.ChoiceField(label=_("جنسیت"), choices=Member.Gender.choices)
    mobile = MobileField(label=_("تلفن همراه"), required=False)
    joined_on = JalaliDateField(label=_("تاریخ عضویت"), max_date="today")
    board_role = forms.ChoiceField(
        label=_("سمت در هیئت‌مدیره"), choices=Member.BoardRole.choices, required=False
    )


class MoneyMoveForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("نوع"), choices=[("deposit", _("واریز پس‌انداز")), ("withdraw", _("برداشت پس‌انداز"))]
    )
    amount = MoneyField(label=_("مبلغ"), min_value=1)
    on = JalaliDateField(label=_("تاریخ"), max_date="today")


class LoanRequestForm(forms.Form):
    member = forms.ModelChoiceField(label=_("وام‌گیرنده"), queryset=Member.objects.none())
    principal = MoneyField(label=_("مبلغ وام"), min_value=1)
    months = forms.IntegerField(label=_("تعداد اقساط (ماه)"), min_value=1, max_value=60, initial=24)
    purpose = forms.CharField(label=_("موضوع / نوع کسب‌وکار"), max_length=200)
    requested_on = JalaliDateField(label=_("تاریخ درخواست"), max_date="today")
    planned_jobs = forms.IntegerField(
        label=_("اشتغال پیش‌بینی‌شده (نفر)"), min_value=0, max_value=500, initial=1
    )
    planned_women_jobs = forms.IntegerField(
        label=_("از این میان، زنان"), min_value=0, max_value=500, initial=0
    )
    job_kind = forms.ChoiceField(label=_("نوع اشتغال"), choices=Loan.JobKind.choices)
    guarantors = forms.ModelMultipleChoiceField(
        label=_("ضامن‌ها"), queryset=Member.objects.none(), required=False
    )
    in_queue = forms.BooleanField(label=_("در صف قرعه‌کشی"), required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members
            self.fields["guarantors"].queryset = members


class DateForm(forms.Form):
    on = JalaliDateField(label=_("تاریخ"), max_date="today")
    reason = forms.CharField(label=_("توضیح / دلیل"), max_length=300, required=False)
    months = forms.IntegerField(
        label=_("اقساط تازه (برای تقسیط مجدد)"), min_value=1, max_value=60, required=False
    )


class RepaymentForm(forms.Form):
    # A context: the same Persian words label a loan's disbursement elsewhere.
    amount = MoneyField(label=pgettext_lazy("repayment", "مبلغ پرداختی"), min_value=1)
    paid_on = JalaliDateField(label=pgettext_lazy("repayment", "تاریخ پرداخت"), max_date="today")
    # Set when the form is shown: a double click or a resend records one payment.
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        # The loan page also holds the document form's «amount»: distinct ids keep
        # labels and scripts pointing at the right input; field names stay as posted.
        kwargs.setdefault("auto_id", "id_repay_%s")
        super().__init__(*args, **kwargs)


class VerificationForm(forms.Form):
    visited_on = JalaliDateField(label=_("تاریخ بازدید"), max_date="today")
    verifier = forms.CharField(label=_("بازدیدکننده"), max_length=200)
    business_running = forms.BooleanField(label=_("کسب‌وکار دایر است"), required=False, initial=True)
    jobs_found = forms.IntegerField(label=_("اشتغال مشاهده‌شده (نفر)"), min_value=0, max_value=1000)
    women_jobs = forms.IntegerField(
        label=_("از این میان، زنان"), min_value=0, max_value=1000, initial=0
    )
    photo = forms.ImageField(label=_("عکس"), required=False)
    note = forms.CharField(label=_("توضیح"), max_length=500, required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("نوع سند"), choices=GuaranteeDocument.Kind.choices)
    number = forms.CharField(label=_("شماره"), max_length=40)
    bank = forms.CharField(label=_("بانک"), max_length=100, required=False)
    amount = MoneyField(label=_("مبلغ"), min_value=1)


class CalculatorForm(forms.Form):
    principal = MoneyField(label=_("مبلغ وام"), min_value=1)
    fee_rate = forms.DecimalField(
        label=_("نرخ کارمزد سالانه (٪)"), min_value=0, max_value=4, decimal_places=2, initial=4
    )
    months = forms.IntegerField(label=_("تعداد اقساط (ماه)"), min_value=1, max_value=60, initial=24)
    disbursed_on = JalaliDateField(label=_("تاریخ پرداخت وام"))
    multiple = MoneyField(label=_("مضرب گرد کردن"), min_value=1, initial=1000)


class LotteryForm(forms.Form):
    slots = forms.IntegerField(label=_("تعداد وام قابل پرداخت"), min_value=1, max_value=500)
    seed = forms.CharField(
        label=_("بذر قرعه (اختیاری)"),
        max_length=64,
        required=False,
        help_text=_("خالی بماند تا سامانه بذری تصادفی بسازد؛ بذر و شرکت‌کنندگان ثبت می‌شوند."),
    )
