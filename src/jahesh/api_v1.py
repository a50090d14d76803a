"""The API at /api/v1/: the one NinjaAPI object, which mounts each app's routers
and turns every error into ``{"message": str, "errors": [{"field", "message"}]}``
in the request's language.

It sits on top of every app. What the apps' routers import (schemas, token
auth, the body parser, foreign ids through scoping) is the base package
``jahesh.api``, which imports no app above accounts, so no folder imports back
into this module."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from jahesh.accounts import api as accounts_api
from jahesh.api.auth import AUTH
from jahesh.api.docs import TranslatedAPI, VendoredSwagger
from jahesh.api.parser import JaheshParser, NulInText
from jahesh.clinic import api as clinic_api
from jahesh.core import api as core_api
from jahesh.core.errors import ApplicationError
from jahesh.core.locale import local_digits
from jahesh.funds import api as funds_api
from jahesh.geo import api as geo_api
from jahesh.inbox import api as inbox_api
from jahesh.notifications import api as notifications_api
from jahesh.portal import api as portal_api
from jahesh.projects import api as projects_api
from jahesh.reports import api as reports_api
from jahesh.units import api as units_api
from jahesh.volunteers import api as volunteers_api

logger = logging.getLogger(__name__)

api = TranslatedAPI(
    title="Jahesh API",
    version="1",
    description=(
        gettext_noop(
            "API سامانهٔ جهش. تاریخ‌ها ISO (میلادی)؛ تاریخی که سالش کمتر از ۱۷۰۰ باشد شمسی"
            " خوانده می‌شود. مبالغ به ریال (عدد صحیح). فهرست‌ها: limit از ۱ تا ۲۰۰ و offset"
            " تا ۱۰۰۰۰۰۰۰۰۰. ورودی نادرست ۴۲۲ با نام فیلد می‌گیرد."
        )
    ),
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    docs=VendoredSwagger(),
    openapi_url="/openapi.json",
    parser=JaheshParser(),
)


def _body(message, errors=()) -> dict:
    # Persian digits in a Persian answer, Django's validators' messages too.
    return {
        "message": local_digits(message),
        "errors": [{"field": str(f), "message": local_digits(m)} for f, m in errors],
    }


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, exc: ApplicationError):
    return api.create_response(request, exc.as_dict(), status=exc.status_code)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError):
    errors = []
    for err in exc.errors:
        loc = [
            str(p)
            for p in err.get("loc", ())
            if p not in ("body", "query", "path", "form", "payload")
        ]
        errors.append((".".join(loc) or "-", _translate_pydantic(err)))
    return api.create_response(
        request, _body(_("ورودی نامعتبر است؛ خطاهای زیر را اصلاح کنید."), errors), status=422
    )


@api.exception_handler(DjangoValidationError)
def _django_validation_error(request: HttpRequest, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = [(f, m) for f, msgs in exc.message_dict.items() for m in msgs]
    else:
        errors = [("-", m) for m in exc.messages]
    return api.create_response(
        request, _body(_("ورودی نامعتبر است؛ خطاهای زیر را اصلاح کنید."), errors), status=422
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404):
    return api.create_response(request, _body(_("یافت نشد.")), status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied):
    return api.create_response(
        request, _body(str(exc) or _("شما اجازهٔ این کار را ندارید.")), status=403
    )


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, _body(_("ابتدا وارد شوید یا توکن معتبر بفرستید.")), status=401
    )


@api.exception_handler(NulInText)
def _nul_in_text(request: HttpRequest, exc: NulInText):
    errors = [(exc.field, _("این متن نویسهٔ نامعتبر (NUL) دارد؛ آن را حذف کنید."))]
    return api.create_response(
        request, _body(_("ورودی نامعتبر است؛ خطاهای زیر را اصلاح کنید."), errors), status=422
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    # ninja raises HttpError(400) from what failed while reading the body.
    if isinstance(exc.__cause__, NulInText):
        return _nul_in_text(request, exc.__cause__)
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        return api.create_response(request, _body(_("بدنهٔ درخواست JSON معتبر نیست.")), status=400)
    return api.create_response(request, _body(exc.message), status=exc.status_code)


@api.exception_handler(IntegrityError)
def _integrity_error(request: HttpRequest, exc: IntegrityError):
    """Last resort: a write that broke a database constraint. Routes resolve their
    foreign ids and check their rules first (a 422 naming the field), so reaching
    here is a bug to fix; the client gets a generic 409, never the database's text."""
    logger.error("integrity error on %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(
        request,
        _body(_("این تغییر با داده‌های ثبت‌شده سازگار نیست؛ ورودی را بررسی و دوباره تلاش کنید.")),
        status=409,
    )


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError):
    """Last resort, as above: a value the column cannot hold (too long, out of
    range) that the route's schema should have bounded."""
    logger.error("data error on %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(
        request,
        _body(_("مقداری بیش از اندازهٔ مجاز است؛ ورودی را کوتاه‌تر یا کوچک‌تر کنید.")),
        status=422,
    )


_PYDANTIC_MESSAGES = {
    "missing": "این مقدار لازم است.",
    "int_parsing": "یک عدد صحیح وارد کنید.",
    "int_type": "یک عدد صحیح وارد کنید.",
    "float_parsing": "یک عدد وارد کنید.",
    "date_from_datetime_parsing": "تاریخ را به شکل YYYY-MM-DD وارد کنید.",
    "date_parsing": "تاریخ را به شکل YYYY-MM-DD وارد کنید.",
    "string_type": "یک متن وارد کنید.",
    "bool_parsing": "true یا false وارد کنید.",
    "greater_than": "مقدار باید بزرگ‌تر از {gt} باشد.",
    "greater_than_equal": "مقدار باید دست‌کم {ge} باشد.",
    "less_than_equal": "مقدار باید حداکثر {le} باشد.",
    "less_than": "مقدار باید کمتر از {lt} باشد.",
    "string_too_long": "متن حداکثر {max_length} نویسه است.",
    "json_invalid": "بدنهٔ درخواست JSON معتبر نیست.",
}


def _translate_pydantic(err: dict) -> str:
    if err.get("type", "").startswith("jahesh_"):  # our validators' own Persian message
        return str(err.get("msg", ""))
    template = _PYDANTIC_MESSAGES.get(err.get("type", ""))
    if template is None:
        return _("مقدار نامعتبر است.")
    try:
        return _(template).format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return _(template)


# Each app owns its routers in <app>/api.py; the prefix is its place in the API.
api.add_router("/auth", accounts_api.router)
api.add_router("/geo", geo_api.router)
api.add_router("/units", units_api.router)
api.add_router("/visits", units_api.visits_router)
api.add_router("/map", units_api.map_router)
api.add_router("/map", projects_api.map_router)
api.add_router("/map", volunteers_api.map_router)
api.add_router("/cases", clinic_api.router)
api.add_router("/sessions", clinic_api.sessions_router)
api.add_router("/resolutions", clinic_api.resolutions_router)
api.add_router("/funds", funds_api.router)
api.add_router("/loans", funds_api.loans_router)
api.add_router("/volunteers", volunteers_api.router)
api.add_router("/projects", projects_api.router)
api.add_router("/kpis", reports_api.router)
api.add_router("/public", portal_api.router)
api.add_router("/imports", core_api.router)
api.add_router("/inbox", inbox_api.router)
api.add_router("/calendar", geo_api.calendar_router)
api.add_router("/notifications", notifications_api.router)
