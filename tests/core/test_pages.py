"""The frame every page shares: login, home, language switch, health check."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from jahesh.accounts.navigation import menu_for
from jahesh.accounts.roles import ROLE_MODULES

PASSWORD = "pass-1234-word"  # what conftest's make_user sets


def _module_cards(html: str) -> list[str]:
    return re.findall(r'class="jh-module-card" href="[^"]*" data-module="([^"]+)"', html)


def test_it_renders_the_login_page_rtl_in_persian_with_vazirmatn(db):
    response = Client().get(reverse("accounts:login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in html
    assert "vendor/bootstrap/css/bootstrap.rtl.min.css" in html
    assert "vendor/vazirmatn/Vazirmatn-Variable-font-face.css" in html
    assert "css/jahesh.css" in html
    assert "جهش" in html
    assert "نام کاربری" in html  # the username label, from Django's Persian catalog


def test_it_logs_in_through_the_form_and_redirects_home(users):
    client = Client()

    response = client.post(
        reverse("accounts:login"), {"username": "hq", "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1] == (reverse("home"), 302)
    assert response.context["user"].username == "hq"


def test_it_shows_a_persian_error_for_a_wrong_password(users):
    response = Client().post(reverse("accounts:login"), {"username": "hq", "password": "wrong"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "alert-danger" in html
    # Django's own Persian message for a failed login.
    assert "نام کاربری و گذرواژه‌ای قابل قبول وارد کنید" in html
    assert "Please enter a correct" not in html


def test_it_redirects_an_anonymous_visitor_of_home_to_login():
    response = Client().get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role_user", ["hq", "fund", "viewer", "expert", "coordinator"])
def test_it_shows_on_home_exactly_the_modules_the_role_may_use(users, client_for, role_user):
    user = users[role_user]

    response = client_for(user).get(reverse("home"))

    assert response.status_code == 200
    shown = _module_cards(response.content.decode())
    assert shown == [item["module"] for item in menu_for(user) if not item["sub"]]
    # Never a module outside the role's table.
    assert set(shown) <= set(ROLE_MODULES[user.role])


def test_it_shows_a_fund_manager_at_most_the_funds_module(users, client_for):
    response = client_for(users["fund"]).get(reverse("home"))

    shown = _module_cards(response.content.decode())
    assert set(shown) <= {"funds"}
    if not shown:  # the funds pages are not built yet
        assert "هنوز صفحه‌ای برای نقش شما آماده نشده است" in response.content.decode()


def test_it_sends_the_csrf_token_with_every_htmx_request(users, client_for):
    response = client_for(users["hq"]).get(reverse("home"))

    html = response.content.decode()
    assert re.search(r"<body[^>]* hx-headers='\{\"X-CSRFToken\": \"[\w-]+\"\}'", html)
    assert "vendor/htmx.org/dist/htmx.min.js" in html
    assert "echarts" not in html  # only pages with charts load it


def test_it_shows_on_home_the_role_scope_and_todays_jalali_date(users, client_for):
    response = client_for(users["hq"]).get(reverse("home"))

    html = response.content.decode()
    assert "مدیر قرارگاه" in html
    assert "مرکزی" in html
    today = re.search(r'id="jh-today">([^<]+)<', html).group(1)
    # «جمعه ۶ آذر ۱۴۰۵»: weekday, Persian-digit day, month, year from the 1400s.
    assert re.fullmatch(r"\S+ [۰-۹]{1,2} \S+ ۱۴[۰-۹]{2}", today), today


def test_it_switches_to_english_and_left_to_right(users, client_for):
    client = client_for(users["hq"])

    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True
    )

    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "vendor/bootstrap/css/bootstrap.min.css" in html
    assert "bootstrap.rtl.min.css" not in html
    assert "Headquarters manager" in html  # the role, from the English catalog
    assert "Log out" in html
    assert "خروج" not in html


def test_it_shows_the_login_page_in_english_after_the_switch(db):
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})

    html = client.get(reverse("accounts:login")).content.decode()

    assert 'dir="ltr"' in html
    assert "Sign in" in html


def test_it_locks_out_after_too_many_wrong_passwords_with_a_persian_page(users, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("accounts:login"), {"username": "hq", "password": "wrong"})

    html = response.content.decode()
    assert response.status_code in (403, 429)  # django-axes answers 403 by default
    assert '<html lang="fa" dir="rtl">' in html
    assert "ورود موقتاً بسته شد" in html
    assert "۱۵ دقیقه صبر کنید" in html


def test_it_renders_the_lockout_page_in_persian():
    from django.template.loader import render_to_string

    html = render_to_string("accounts/lockout.html", {"failure_limit": 5})

    assert "۱۵ دقیقه" in html
    assert "۵ بار" in html


def test_it_answers_healthz_with_json(db):
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_it_serves_the_vendored_static_files(db):
    client = Client()
    for path in (
        "/static/vendor/bootstrap/css/bootstrap.rtl.min.css",
        "/static/vendor/htmx.org/dist/htmx.min.js",
        "/static/vendor/vazirmatn/fonts/webfonts/Vazirmatn[wght].woff2",
        "/static/css/jahesh.css",
    ):
        response = client.get(path)
        assert response.status_code == 200, path


def test_it_answers_an_unknown_page_with_a_persian_404(users, client_for):
    response = client_for(users["hq"]).get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="fa" dir="rtl">' in html
    assert "صفحه پیدا نشد" in html


def test_it_has_a_500_page_that_needs_no_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "خطایی در سامانه رخ داد" in html
    assert "bootstrap.rtl.min.css" in html


def test_it_shows_staff_the_cards_of_the_admin_and_the_closures(users, client_for):
    html = client_for(users["admin"]).get("/").content.decode()
    assert f'class="jh-module-card" href="{reverse("admin:index")}">' in html
    closures = f'class="jh-module-card" href="{reverse("geo:closures")}" id="jh-closures-link">'
    assert closures in html
    assert "مدیریت سامانه" in html and "روزهای تعطیل کشور یا یک استان" in html
    assert 'id="jh-closures-link"' not in client_for(users["hq"]).get("/").content.decode()
