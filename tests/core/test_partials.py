"""The partials other pages include: pagination, form fields, filters, empty states,
messages."""

from __future__ import annotations

import re
from html import unescape

from django import forms
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.core.paginator import Paginator
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation


class _UnitForm(forms.Form):
    name = forms.CharField(label="نام واحد", help_text="همان نامی که در پروانه آمده است.")
    national_id = forms.CharField(label="شناسه ملی", required=False)
    sector = forms.ChoiceField(label="بخش", choices=[("industry", "صنعت"), ("farm", "کشاورزی")])
    active = forms.BooleanField(label="فعال", required=False)


def _render(template: str, context: dict, path: str = "/units/") -> str:
    request = RequestFactory().get(path)
    with translation.override("fa"):
        return render_to_string(template, context, request=request)


def test_it_pages_with_the_filters_kept_and_persian_numbers():
    page = Paginator(list(range(200)), 10).page(7)

    html = _render(
        "partials/pagination.html",
        {"page": page},
        "/units/?q=%D9%81%D9%88%D9%84%D8%A7%D8%AF&page=7",
    )

    hrefs = [unescape(h) for h in re.findall(r'href="\?([^"]+)"', html)]
    assert "q=%D9%81%D9%88%D9%84%D8%A7%D8%AF&page=6" in hrefs  # previous, filter kept
    assert "q=%D9%81%D9%88%D9%84%D8%A7%D8%AF&page=8" in hrefs  # next
    assert "q=%D9%81%D9%88%D9%84%D8%A7%D8%AF&page=20" in hrefs  # the last page
    assert '<span class="page-link">۷</span>' in html  # current page, Persian digit
    assert "…" in html
    assert "صفحهٔ ۷ از ۲۰ (۲۰۰ مورد)" in html


def test_it_renders_no_pagination_for_a_single_page():
    page = Paginator([1, 2, 3], 10).page(1)

    assert _render("partials/pagination.html", {"page": page}).strip() == ""


def test_it_renders_a_field_with_bootstrap_classes_and_a_persian_error():
    form = _UnitForm(data={"sector": "industry"})
    with translation.override("fa"):
        form.is_valid()

    html = _render("partials/form_field.html", {"field": form["name"]})

    assert 'class="form-label"' in html and "نام واحد" in html
    assert "form-control is-invalid" in html
    assert "این فیلد لازم است." in html  # Django's Persian "This field is required."
    assert 'aria-describedby="id_name_errors"' in html
    assert "همان نامی که در پروانه آمده است." in html


def test_it_renders_selects_checkboxes_and_ltr_identifiers():
    form = _UnitForm()

    select = _render("partials/form_field.html", {"field": form["sector"]})
    check = _render("partials/form_field.html", {"field": form["active"]})
    ident = _render("partials/form_field.html", {"field": form["national_id"], "ltr": True})

    assert 'class="form-select"' in select
    assert 'class="form-check-input"' in check and "form-check-label" in check
    assert 'class="form-control ltr"' in ident


def test_it_renders_the_filter_bar_as_a_get_form_that_collapses_on_a_phone():
    html = _render("partials/filters.html", {"form": _UnitForm(), "hx_target": "#results"})

    assert 'method="get"' in html
    assert 'hx-target="#results"' in html
    assert 'data-bs-target="#jh-filters-body"' in html
    assert "collapse d-md-block" in html
    assert html.count('class="mb-2 col-12 col-sm-6 col-lg-3"') == 4


def test_it_renders_an_empty_state_with_its_text_or_a_default():
    assert "هنوز واحدی ثبت نشده است." in _render(
        "partials/empty.html", {"text": "هنوز واحدی ثبت نشده است.", "icon": "building"}
    )
    assert "موردی برای نمایش نیست." in _render("partials/empty.html", {})


def test_it_shows_an_error_message_as_a_danger_alert():
    messages = [Message(constants.ERROR, "ذخیره نشد."), Message(constants.SUCCESS, "ذخیره شد.")]

    html = _render("partials/messages.html", {"messages": messages})

    assert "alert-danger" in html and "ذخیره نشد." in html
    assert "alert-success" in html and "ذخیره شد." in html


def test_it_offers_an_anonymous_visitor_the_login_link_in_the_frame(db):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/public/")
    request.user = AnonymousUser()
    with translation.override("fa"):
        html = render_to_string("base.html", {}, request=request)

    assert 'href="/accounts/login/"' in html
    assert 'name="language" value="en"' in html
    assert "خروج" not in html


_LIST = (
    '{% extends "partials/list_table.html" %}{% block head %}<th>نام</th>{% endblock %}'
    "{% block rows %}{% for name in page_obj %}<tr><td>{{ name }}</td></tr>{% endfor %}"
    "{% endblock %}"
)


def _list(names: list[str], **options: object) -> str:
    page = Paginator(names, 2).get_page(1)
    request = RequestFactory().get("/volunteers/groups/1/")
    with translation.override("fa"):
        return engines["django"].from_string(_LIST).render({"page_obj": page, **options}, request)


def test_a_list_table_in_a_card_with_its_title_and_the_hidden_rows_before_its_pages():
    html = _list(
        ["مریم", "حسن", "سارا"],
        card=True,
        card_class="mb-3",
        card_title="اعضا",
        table_class="table-sm mb-0",
        hidden=4,
        hidden_people=True,
    )
    assert '<div class="card mb-3"><div class="card-header h6">اعضا</div>' in html
    assert '<table class="table table-sm mb-0">' in html
    assert html.index("</table>") < html.index('data-hidden-rows="4"') < html.index("pagination")
    assert "و ۴ نفر دیگر خارج از حوزهٔ شما" in html


def test_an_empty_list_table_still_counts_the_rows_the_reader_may_not_see():
    html = _list([], card=True, card_title="اعضا", text="هنوز عضوی نیست.", hidden=2)
    assert "<table" not in html and "card-header" not in html
    assert html.index("هنوز عضوی نیست.") < html.index('data-hidden-rows="2"')
    assert "و ۲ مورد دیگر خارج از حوزهٔ شما" in html
    assert "data-hidden-rows" not in _list([], text="هنوز عضوی نیست.")
    assert "data-hidden-rows" not in _list(["مریم"], hidden=0)
