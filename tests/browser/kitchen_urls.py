"""A test-only page that puts every partial of the page frame together (filters,
form fields, a table, an empty state, messages, pagination), so the browser test
can look at them on a phone before the module pages use them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from jahesh.urls import urlpatterns as site_urlpatterns

PAGE = """{% extends "base.html" %}{% load i18n %}
{% block title %}نمونهٔ اجزا{% endblock %}
{% block breadcrumbs %}<li class="breadcrumb-item"><a href="#">واحدهای تولیدی</a></li>
<li class="breadcrumb-item active" aria-current="page">فهرست</li>{% endblock %}
{% block heading %}واحدهای تولیدی{% endblock %}
{% block page_actions %}<a class="btn btn-primary" href="#"><i class="bi bi-plus-lg"></i> واحد جدید</a>
<a class="btn btn-outline-secondary" href="#"><i class="bi bi-file-earmark-excel"></i> خروجی اکسل</a>{% endblock %}
{% block content %}
{% include "partials/filters.html" with form=filter_form %}
<div class="card mb-3"><div class="table-responsive"><table class="table table-hover mb-0">
<thead><tr><th>نام واحد</th><th>شناسه ملی</th><th>شهرستان</th><th class="text-end">اشتغال</th><th>وضعیت</th></tr></thead>
<tbody>{% for row in rows %}<tr><td>{{ row.0 }}</td><td><bdi dir="ltr">{{ row.1 }}</bdi></td><td>{{ row.2 }}</td><td class="text-end num">{{ row.3 }}</td><td><span class="badge text-bg-{{ row.5 }}">{{ row.4 }}</span></td></tr>{% endfor %}</tbody>
</table></div>
<div class="card-body pt-0">{% include "partials/pagination.html" with page=page %}</div></div>
<div class="row g-3"><div class="col-lg-6"><div class="card"><div class="card-header">ثبت بازدید</div><div class="card-body">
<form>{% for field in form %}{% if field.name == "national_id" or field.name == "mobile" %}{% include "partials/form_field.html" with field=field ltr=True %}{% else %}{% include "partials/form_field.html" with field=field %}{% endif %}{% endfor %}
<button class="btn btn-primary">ذخیره</button></form></div></div></div>
<div class="col-lg-6"><div class="card mb-3"><div class="card-header">اشتغال ایجادشده به تفکیک شهرستان</div><div class="card-body"><div id="jobs-chart" class="jh-chart"></div></div></div><div class="card">{% include "partials/empty.html" with text="هنوز پرونده‌ای برای این واحد باز نشده است." icon="clipboard2-pulse" action_url="#" action_label="پروندهٔ جدید" %}</div></div></div>
{% endblock %}
{% block extra_js %}{% include "partials/echarts.html" %}{# the CSP's nonce: the one way an inline script may run #}<script nonce="{{ request.csp_nonce }}">
window.kitchenChart = jaheshChart(document.getElementById("jobs-chart"), {
  grid: {containLabel: true, left: 8, right: 8, top: 32, bottom: 8},
  legend: {data: ["اشتغال", "وام"]},
  tooltip: {trigger: "axis"},
  xAxis: {type: "category", data: ["اراک", "ساوه", "خمین", "محلات", "دلیجان"], inverse: document.documentElement.dir === "rtl"},
  yAxis: {type: "value", position: document.documentElement.dir === "rtl" ? "right" : "left"},
  series: [{name: "اشتغال", type: "bar", data: [1250, 830, 420, 310, 190], itemStyle: {color: "#0f5f5c"}},
           {name: "وام", type: "bar", data: [980, 610, 300, 280, 150], itemStyle: {color: "#d98a1c"}}]
});
</script>{% endblock %}"""


class FilterForm(forms.Form):
    q = forms.CharField(label="جست‌وجو", required=False)
    county = forms.ChoiceField(
        label="شهرستان", required=False, choices=[("", "همه"), ("19", "اراک"), ("236", "ساوه")]
    )
    status = forms.ChoiceField(
        label="وضعیت",
        required=False,
        choices=[("", "همه"), ("active", "فعال"), ("risk", "در خطر تعطیلی")],
    )


class VisitForm(forms.Form):
    unit = forms.CharField(label="نام واحد", help_text="نام ثبت‌شده در پروانهٔ بهره‌برداری.")
    national_id = forms.CharField(label="شناسه ملی", max_length=11)
    mobile = forms.CharField(label="تلفن همراه", required=False)
    closing = forms.BooleanField(label="در خطر تعطیلی است", required=False)


def kitchen(request: HttpRequest) -> HttpResponse:
    messages.success(request, "بازدید ثبت شد.")
    messages.error(request, "شناسه ملی ۱۱ رقم است؛ ۱۰ رقم وارد شده.")
    rows = [
        ("شرکت فولاد نمونهٔ اراک", "10101234567", "اراک", "۱۲۰", "فعال", "success"),
        ("کارخانهٔ قطعه‌سازی ساوه", "10861234560", "ساوه", "۴۵", "در خطر تعطیلی", "danger"),
        ("تعاونی لبنیات روستای خنداب", "14001234566", "خنداب", "۱۲", "نیمه‌فعال", "warning"),
    ]
    form = VisitForm(data={"unit": "", "national_id": "0123456789"})
    form.is_valid()
    page = Paginator(list(range(230)), 10).get_page(request.GET.get("page", 7))
    template = engines["django"].from_string(PAGE)
    context = {
        "filter_form": FilterForm(request.GET or None),
        "rows": rows,
        "form": form,
        "page": page,
    }
    return HttpResponse(template.render(context, request))


urlpatterns = [path("_kitchen/", kitchen), *site_urlpatterns]
