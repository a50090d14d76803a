"""The public API (``/api/v1/public``), without sign-in: a province's headline
figures (aggregates only, nothing personal), and the producer's obstacle
report: captcha, SMS code, filing, tracking by code and mobile, rating."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError

from jahesh.api.parser import JaheshParser
from jahesh.api.schemas import ERRORS, ErrorOut, Id
from jahesh.core.ratelimit import client_ip
from jahesh.portal import services, tracking
from jahesh.portal.captcha import captcha_new
from jahesh.portal.models import PublicReport
from jahesh.portal.selectors import DEFAULT_PROVINCE, province_or_404, published_figures

router = Router(tags=["portal"])
api_parser = JaheshParser()  # the API's own JSON parsing (text with NUL refused)


class PublicProvinceOut(Schema):
    id: int
    name: str


class FiguresQuery(Schema):
    province: Id = DEFAULT_PROVINCE


class FigureOut(Schema):
    code: str
    name: str
    definition: str
    unit: str
    value: int
    text: str
    headline: str


class PublicFiguresOut(Schema):
    province: PublicProvinceOut
    period: dict[str, str]
    published_at: str | None
    sha256: str | None
    definitions_version: str | None
    figures: list[FigureOut]


@router.get(
    "/figures", auth=None, response={200: PublicFiguresOut, **ERRORS},
    summary=gettext_noop("آخرین ارقام منتشرشدهٔ یک استان (عمومی)"),
)  # fmt: skip
def figures(request: HttpRequest, params: Query[FiguresQuery]) -> dict[str, Any]:
    """The latest published snapshot of ``province`` (default Markazi): its
    period (Jalali year, quarter 0 for the whole year), when it was published,
    its SHA-256; money in integer rials. No figures before a publication."""
    place = province_or_404(params.province)
    data = published_figures(province=place)
    release = data["release"]
    return {"province": {"id": place.pk, "name": place.name}, "period": data["period"],
            "published_at": release.published_at.isoformat() if release else None,
            "sha256": release.sha256 if release else None,
            "definitions_version": release.definitions_version if release else None,
            "figures": data["figures"]}  # fmt: skip


# --- The producer's obstacle report -------------------------------------------

PUBLIC_ERRORS = {**ERRORS, 429: ErrorOut}


class CaptchaOut(Schema):
    key: str
    algorithm: str
    salt: str
    challenge: str
    maxnumber: int
    expires_in: int


@router.get("/captcha", auth=None, response=CaptchaOut,
            summary=gettext_noop("یک آزمون امنیتی تازه (اثبات کار، بی‌نیاز از سرویس بیرونی)"))  # fmt: skip
def captcha(request: HttpRequest) -> dict[str, object]:
    """ALTCHA-style proof of work: find ``n`` ≤ ``maxnumber`` with
    sha256(salt + n) = challenge; send ``key`` and ``n`` as the answer."""
    return captcha_new()


class CategoryOut(Schema):
    code: str
    name: str


class CategoriesOut(Schema):
    items: list[CategoryOut]


@router.get("/categories", auth=None, response=CategoriesOut,
            summary=gettext_noop("انواع مانع (سطح اول طبقه‌بندی)"))  # fmt: skip
def categories(request: HttpRequest) -> dict[str, Any]:
    return {"items": [{"code": c.code, "name": c.name} for c in services.public_categories()]}


class OtpIn(Schema):
    mobile: str = Field(max_length=20)
    purpose: Literal["report", "rating"] = "report"


class OtpOut(Schema):
    expires_in: int


@router.post("/otp", auth=None, response={202: OtpOut, **PUBLIC_ERRORS},
             summary=gettext_noop("فرستادن کد تأیید به تلفن همراه"))  # fmt: skip
def otp(request: HttpRequest, payload: OtpIn) -> Status:
    services.otp_send(mobile=payload.mobile, purpose=payload.purpose, ip=client_ip(request))
    return Status(202, {"expires_in": services.OTP_SECONDS})


class PublicReportIn(Schema):
    unit_name: str = Field(max_length=200)
    county_id: Id
    legal_id: str = Field("", max_length=20)
    national_code: str = Field("", max_length=20)
    category: str = Field(max_length=40)
    description: str = Field(max_length=services.DESCRIPTION_MAX * 2)
    mobile: str = Field(max_length=20)
    otp: str = Field(max_length=10)
    captcha_key: str = Field(max_length=400)
    captcha_answer: str = Field(max_length=20)


class ReportOut(Schema):
    tracking_code: str


def _report_body_docs() -> dict[str, Any]:
    """The operation's request body in the OpenAPI document: the JSON object, or
    the same fields as a multipart form with up to five ``files``. (The body is
    read by ``report_file`` itself, since ninja binds one content type per
    operation; the schemas are inline, named by their titles.)"""
    fields = PublicReportIn.model_json_schema()
    form = {
        **fields, "title": "PublicReportFilesIn",
        "properties": {**fields["properties"], "files": {
            "type": "array", "maxItems": services.MAX_ATTACHMENTS, "title": "Files",
            "description": gettext_noop("PDF، JPEG یا PNG؛ هر کدام حداکثر ۵ مگابایت"),
            "items": {"type": "string", "format": "binary"},
        }},
    }  # fmt: skip
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": fields},
        "multipart/form-data": {"schema": form, "encoding": {"files": {
            "contentType": "application/pdf, image/jpeg, image/png"}}},
    }}}  # fmt: skip


def _report_payload(request: HttpRequest) -> PublicReportIn:
    """The report's fields from a JSON body or a multipart form, validated as
    ninja validates a body (a 422 naming each field)."""
    data: Any
    try:
        if request.content_type == "multipart/form-data":
            data = api_parser.parse_querydict(request.POST, [], request)
        else:
            data = api_parser.parse_body(request) if request.body else {}
    except ValueError as error:  # api_v1's handler answers it (NUL: 422, else 400)
        raise HttpError(400, "Cannot parse request body") from error
    try:
        return PublicReportIn.model_validate(data if isinstance(data, dict) else {})
    except PydanticValidationError as error:
        raise NinjaValidationError([dict(e) for e in error.errors(include_url=False)]) from None


@router.post("/reports", auth=None, response={201: ReportOut, **PUBLIC_ERRORS},
             summary=gettext_noop("ثبت گزارش مانع تولید (بدون حساب کاربری)"),
             openapi_extra=_report_body_docs())  # fmt: skip
def report_file(request: HttpRequest) -> Status:
    """The report as JSON, or as a multipart form with the same fields and up to
    five ``files`` (PDF, JPEG or PNG, 5 MB each: checked by their bytes, images
    re-encoded without their metadata, as on the page); a refused file answers
    422 on ``files`` naming it and what to fix. The tracking code is ten
    digits, the last a Luhn check digit; it is also sent by SMS."""
    payload = _report_payload(request)
    files = services.uploads_read(request.FILES.getlist("files"), field="files")
    report = services.report_submit(
        data=services.ReportInput(**payload.dict()), ip=client_ip(request), files=files,
        files_field="files",
    )  # fmt: skip
    return Status(201, {"tracking_code": report.tracking_code})


class TrackQuery(Schema):
    mobile: str = Field(max_length=20)


class TrackingEventOut(Schema):
    at: str
    text: str


class TrackOut(Schema):
    status: str
    status_text: str
    events: list[TrackingEventOut]
    rating_open: bool


def _track(report: PublicReport) -> dict[str, Any]:
    milestones = tracking.report_milestones(report)
    status = tracking.producer_status(milestones)
    return {
        "status": status,
        "status_text": tracking.status_label(status),
        "events": [{"at": m.at.isoformat(), "text": m.text} for m in milestones],
        "rating_open": tracking.rating_open(report),
    }


@router.get("/reports/{code}", auth=None, response={200: TrackOut, **PUBLIC_ERRORS},
            summary=gettext_noop("پیگیری گزارش با کد رهگیری و شماره همراه"))  # fmt: skip
def report_track(request: HttpRequest, code: str, params: Query[TrackQuery]) -> dict[str, Any]:
    """404 unless the code and the mobile number match, the same for either."""
    report = services.report_for_producer(code=code[:20], mobile=params.mobile,
                                          ip=client_ip(request))  # fmt: skip
    return _track(report)


class RatingIn(Schema):
    mobile: str = Field(max_length=20)
    otp: str = Field(max_length=10)
    rating: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=2000)


@router.post("/reports/{code}/rating", auth=None, response={200: TrackOut, **PUBLIC_ERRORS},
             summary=gettext_noop("امتیاز رضایت پس از بسته شدن پرونده"))  # fmt: skip
def report_rating(request: HttpRequest, code: str, payload: RatingIn) -> dict[str, Any]:
    """1–5 with a comment, confirmed by an SMS code (purpose ``rating``); 1 or 2
    opens an appeal to the headquarters manager."""
    ip = client_ip(request)
    services.rate_limit("rating-ip", ip)
    report = services.report_for_producer(code=code[:20], mobile=payload.mobile, ip=ip)
    report = services.report_rate(report=report, rating=payload.rating, comment=payload.comment,
                                  mobile=report.mobile, otp=payload.otp)  # fmt: skip
    return _track(report)
