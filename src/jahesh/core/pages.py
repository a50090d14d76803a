"""The shapes every app's pages share: a page of a list, and a form posted to a service.

``list_page`` is a filtered, paginated list: the filter form's ``filters()``
are the selector's arguments (``core.forms.FilterForm``).

``submit`` is THE way a posted form reaches a service from a page: when the
form is valid the action runs with its cleaned data; a refusal
(``ApplicationError``, or a model's ``ValidationError`` where the page says so)
lands on the form through ``core.forms.apply_error``; success says so in a flash
message and answers with ``done(result)`` (usually a redirect: post/redirect/get).
``form_page`` renders the form again, 422 when it carries errors.
``submit_back`` is ``submit`` for a form posted from a record's page: back to
that page, or the page ``again`` with the form's errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jahesh.core.errors import ApplicationError
from jahesh.core.forms import FilterForm, apply_error
from jahesh.core.htmx import is_htmx

T = TypeVar("T")


def page_of(
    request: HttpRequest, rows: Any, size: int, paginator: type[Paginator] = Paginator
) -> Page:
    """The page of ``rows`` the request's ``?page=`` asks for (the last one past the end)."""
    return paginator(rows, size).get_page(request.GET.get("page"))


def list_page(
    request: HttpRequest,
    filter_form: FilterForm,
    selector: Callable[..., Any],
    template: str,
    size: int,
    *,
    partial: str | None = None,
    paginator: type[Paginator] = Paginator,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A list page: ``selector(user=…, **filter_form.filters())`` (the selector
    scopes it), a page of it as ``page_obj`` beside ``filter_form``; an HTMX
    request (the filters changed) gets only the ``partial`` rows."""
    rows = selector(user=request.user, **filter_form.filters())
    return render(
        request,
        partial if partial and is_htmx(request) else template,
        {
            "filter_form": filter_form,
            "page_obj": page_of(request, rows, size, paginator),
            **(context or {}),
        },
    )


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], T],
    *,
    message: Any | Callable[[T], Any],
    done: Callable[[T], HttpResponse],
    model_errors: bool = False,
) -> HttpResponse | None:
    """Run ``action(cleaned_data)`` for a valid POSTed form.

    Answers ``done(result)`` after a success (with ``message``, or
    ``message(result)``, flashed; None: no message), and None when there is nothing to do or the
    action was refused: the caller then shows the form, with the refusal on it.
    ``model_errors``: a ``ValidationError`` (a model's ``full_clean``) is a
    refusal too, not a crash.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except (ApplicationError, ValidationError) as error:
        if isinstance(error, ValidationError) and not model_errors:
            raise
        apply_error(form, error)
        return None
    if message is not None:
        messages.success(request, message(result) if callable(message) else message)
    return done(result)


def submit_back(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], Any],
    *,
    message: Any,
    to: str,
    pk: int,
    again: Callable[[], HttpResponse],
    model_errors: bool = False,
) -> HttpResponse:
    """A form posted from a record's page: done, back to the page (``to``, the
    URL name of the record ``pk``) with ``message``; refused, ``again()``, the
    page (or form) once more with the form's errors on it."""
    return (
        submit(
            request,
            form,
            action,
            message=message,
            done=lambda _result: redirect(to, pk=pk),
            model_errors=model_errors,
        )
        or again()
    )


def attempt(
    request: HttpRequest, action: Callable[[], T], message: Any | Callable[[T], Any]
) -> None:
    """A button posted from a record's page, its outcome said in a flash message:
    ``message`` (or ``message(result)``) after a success, the refusal's message
    after an ``ApplicationError``. The caller redirects back to the record."""
    try:
        result = action()
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, message(result) if callable(message) else message)


def form_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, form_key: str = "form"
) -> HttpResponse:
    """Render a page that shows a form: 422 when the form (``context[form_key]``) has errors."""
    return render(request, template, context, status=422 if context[form_key].errors else 200)
