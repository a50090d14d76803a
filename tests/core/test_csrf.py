"""CSRF masks and secrets come from one read of the random source
(``core.csrf``): the same 32 characters of the same 62, each uniform; the
token, its check and the cookie stay Django's, as strict as before."""

from __future__ import annotations

from collections import Counter

from django.http import HttpRequest
from django.middleware import csrf as django_csrf
from django.test import Client

from jahesh.core import csrf


def test_a_drawn_string_is_32_characters_of_the_62_each_about_as_often():
    drawn = [csrf.random_string() for _ in range(2000)]
    assert {len(s) for s in drawn} == {32}
    counts = Counter("".join(drawn))
    assert set(counts) == set(django_csrf.CSRF_ALLOWED_CHARS)  # all 62, nothing else
    expected = 2000 * 32 / 62  # ≈ 1032 each, σ ≈ 32: ±25 % is 8 σ
    assert all(0.75 * expected < n < 1.25 * expected for n in counts.values())
    assert len(set(drawn)) == 2000


def test_django_masks_its_tokens_with_it_and_each_token_unmasks_to_the_cookie():
    assert django_csrf._get_new_csrf_string is csrf.random_string
    request = HttpRequest()
    request.META["CSRF_COOKIE"] = secret = csrf.random_string()
    first, second = django_csrf.get_token(request), django_csrf.get_token(request)
    assert len(first) == len(second) == 64 and first != second
    assert django_csrf._unmask_cipher_token(first) == secret
    assert django_csrf._unmask_cipher_token(second) == secret


def test_a_post_passes_with_its_browsers_token_and_is_refused_with_another(db):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/accounts/login/")
    assert page.status_code == 200
    secret = browser.cookies["csrftoken"].value
    request = HttpRequest()
    request.META["CSRF_COOKIE"] = secret
    own = django_csrf.get_token(request)
    request.META["CSRF_COOKIE"] = csrf.random_string()
    another = django_csrf.get_token(request)
    refused = browser.post("/i18n/setlang/", {"language": "fa", "csrfmiddlewaretoken": another})
    assert refused.status_code == 403
    passed = browser.post("/i18n/setlang/", {"language": "fa", "csrfmiddlewaretoken": own})
    assert passed.status_code == 302
