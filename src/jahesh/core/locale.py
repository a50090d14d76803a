"""The language of a request: Persian unless the user picked English.

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``, so an
office PC running English Windows got the English site. Here the rule is:

* pages: the language the user picked with the switch (``accounts.views.set_language``
  keeps it in the ``django_language`` cookie and on the user's profile; signing
  in sets the cookie from the profile), else Persian, whatever the browser says;
* numbers on an English page are in Latin digits: the filters and helpers write
  Persian digits (the product's first language), so an English HTML response has
  its Persian/Arabic digits, separators and punctuation (٫ ٬ ٪ ، ؛ ؟) turned Latin here, in one
  place, rather than in each of them;
* the API (``/api/``): the cookie too (the docs page calls it from the browser),
  else the ``Accept-Language`` header's first choice when it is a language the
  product speaks (a client asks for English with ``Accept-Language: en``), else
  Persian. A request from the product's own pages (the field app, the map, the
  public report form: they carry the session or CSRF cookie our pages set) is
  answered like its page, whatever the browser says: its ``Accept-Language`` is
  the office PC's, not a choice, and would put English labels on a Persian page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from jahesh.core.digits import to_persian_digits

API_PREFIX = "/api/"
_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫٬٪،؛؟", "01234567890123456789.,%,;?")


def latin(text: str) -> str:
    """``text`` with Persian/Arabic digits, separators and punctuation as Latin."""
    return text.translate(_LATIN)


def user_language(user: Any) -> str:
    """The language a user reads away from a request (their e-mails, their
    background imports' messages): the one they picked with the switch
    (``User.language``), else Persian."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def local_digits(value: Any) -> str:
    """``str(value)`` with Persian digits when the active language is Persian (a
    right-to-left one), as it is otherwise: for messages made by code that writes
    Latin digits (Django's validators: "at most 10 characters") on Persian pages."""
    text = str(value)
    return to_persian_digits(text) if translation.get_language_bidi() else text


def _supported(code: str) -> str | None:
    code = code.strip().lower().split("-")[0].split("_")[0]
    return code if code in dict(settings.LANGUAGES) else None


def _first_accepted(header: str) -> str | None:
    """The first language of an ``Accept-Language`` header ("en-US,en;q=0.9" → "en")
    when the product speaks it; a client that asks for another first gets the default."""
    first = header.split(",")[0].split(";")[0]
    return _supported(first) if first and first != "*" else None


def _from_our_pages(request: HttpRequest) -> bool:
    """A browser that has opened one of the product's pages (it holds the session
    or the CSRF cookie they set); an API client with a token holds neither."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or settings.CSRF_COOKIE_NAME in cookies


def request_language(request: HttpRequest) -> str:
    picked = _supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""))
    if picked:
        return picked
    if request.path.startswith(API_PREFIX) and not _from_our_pages(request):
        asked = _first_accepted(request.headers.get("Accept-Language", ""))
        if asked:
            return asked
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Activates :func:`request_language` for the request (in place of Django's
    ``LocaleMiddleware``, which this project does not use)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request_language(request)
        request.LANGUAGE_CODE = language
        # override, not activate: the thread's language is restored afterwards, so
        # nothing run later on this thread (a command, a task, a test) inherits it.
        with translation.override(language):
            response = self.get_response(request)
            return self._finish(request, response, language)

    @staticmethod
    def _finish(request: HttpRequest, response: HttpResponse, language: str) -> HttpResponse:
        # A cache must not hand one user's language to another.
        vary = ("Cookie", "Accept-Language") if request.path.startswith(API_PREFIX) else ("Cookie",)
        patch_vary_headers(response, vary)
        response.headers.setdefault("Content-Language", language)
        if not translation.get_language_bidi():
            _latin_digits(response)
        return response


def _latin_digits(response: HttpResponse) -> None:
    """An English page's numbers in Latin digits (see the module's docstring)."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return
    charset = response.charset
    response.content = latin(response.content.decode(charset)).encode(charset)
    if response.has_header("Content-Length"):
        response.headers["Content-Length"] = str(len(response.content))
