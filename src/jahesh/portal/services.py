"""Writes of the public intake: SMS codes, reports and their attachments,
triage (accept as a case, merge, reject), the producer's rating and appeal.

Limits: every public write counts against the caller's IP and the mobile
number (``core.ratelimit``); codes are stored as HMACs, live ``OTP_SECONDS``
and allow ``OTP_ATTEMPTS`` tries.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from jahesh.accounts.roles import Role
from jahesh.clinic.models import CLOSED_STATUSES, ObstacleCategory
from jahesh.clinic.services import MANAGERS, case_create, user_role
from jahesh.core import identifiers, ratelimit
from jahesh.core.codes import code_spend
from jahesh.core.digits import to_ascii_digits, to_persian_digits
from jahesh.core.errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests
from jahesh.core.sms import send_sms
from jahesh.core.text import clean_text, normalize_key, required_text
from jahesh.core.workflow import Move, Refusals, Rule, Workflow, refuse_if
from jahesh.geo.models import County
from jahesh.geo.workdays import WorkCalendar
from jahesh.portal.captcha import captcha_check
from jahesh.portal.models import OtpCode, PublicReport, ReportAttachment
from jahesh.units.models import Unit
from jahesh.units.services import unit_create

OTP_SECONDS = 300
OTP_ATTEMPTS = 5
# (limit, window seconds) per IP and per mobile number.
LIMITS = {
    "otp-ip": (10, 3600),
    "otp-mobile": (3, 600),
    "report-ip": (5, 3600),
    "report-mobile": (3, 86400),
    "track-ip": (30, 600),
    "rating-ip": (10, 3600),
}
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
APPEAL_WORKING_DAYS = 10
DESCRIPTION_MAX = 4000


def rate_limit(scope: str, key: str) -> None:
    limit, window = LIMITS[scope]
    if not ratelimit.hit(scope, key, limit=limit, window=window):
        raise TooManyRequests(_("درخواست‌های شما بیش از حد مجاز است؛ کمی بعد دوباره تلاش کنید."))


def _mobile(value: Any) -> str:
    try:
        return identifiers.normalize_mobile(value)
    except ValidationError as e:
        raise InvalidInput(e.messages[0], field="mobile") from None


# --- SMS codes ---------------------------------------------------------------


def _code_hash(mobile: str, purpose: str, code: str) -> str:
    msg = f"{mobile}:{purpose}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), msg, hashlib.sha256).hexdigest()


def otp_send(
    *,
    mobile: Any,
    ip: str,
    purpose: str = OtpCode.Purpose.REPORT,
    now: datetime.datetime | None = None,
) -> OtpCode:
    """Send a six-digit code to ``mobile`` by SMS, valid ``OTP_SECONDS``."""
    now = now or timezone.now()
    mobile = _mobile(mobile)
    rate_limit("otp-ip", ip)
    rate_limit("otp-mobile", mobile)
    code = f"{secrets.randbelow(1_000_000):06d}"
    otp = OtpCode.objects.create(
        mobile=mobile, purpose=purpose, code_hash=_code_hash(mobile, purpose, code),
        created_at=now, expires_at=now + datetime.timedelta(seconds=OTP_SECONDS),
    )  # fmt: skip
    send_sms(mobile, _("کد تأیید جهش: {code}").format(code=to_persian_digits(code)))
    return otp


def otp_verify(
    *,
    mobile: str,
    code: Any,
    purpose: str = OtpCode.Purpose.REPORT,
    now: datetime.datetime | None = None,
) -> None:
    """Spend the latest live code of ``mobile`` if ``code`` matches it; each wrong
    try counts, and after ``OTP_ATTEMPTS`` the code is dead."""
    now = now or timezone.now()
    code = to_ascii_digits(str(code or "")).strip()
    wrong = InvalidInput(_("کد تأیید درست نیست یا منقضی شده؛ کد تازه بگیرید."), field="otp")
    with transaction.atomic():
        right = code_spend(
            OtpCode.objects.filter(mobile=mobile, purpose=purpose),
            code_hash=_code_hash(mobile, purpose, code),
            now=now,
            tries="attempts",
            limit=OTP_ATTEMPTS,
        )
    if not right:
        raise wrong  # outside the block: a wrong try is committed


# --- Tracking codes ----------------------------------------------------------


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of ``digits`` (the payment-card rule: every second
    digit from the right doubled, digits of the products summed)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def tracking_code_valid(code: str) -> bool:
    return len(code) == 10 and code.isdigit() and luhn_digit(code[:9]) == code[9]


def new_tracking_code() -> str:
    # Nine random digits (no leading zero, so it reads as a number) + Luhn.
    body = str(secrets.randbelow(9 * 10**8) + 10**8)
    return body + luhn_digit(body)


# --- Attachments -------------------------------------------------------------

_KINDS = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
_EXT = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    data: bytes


def _sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in _KINDS.items() if head.startswith(magic)), None)


def _reencode(data: bytes, kind: str, *, name: str, field: str) -> bytes:
    """Decode and write the image again: EXIF (GPS, camera), comments and any
    bytes after the image are left behind; the orientation is applied first."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_IMAGE_PIXELS:
                raise InvalidInput(
                    _("تصویر «{name}» بیش از حد بزرگ است؛ ابعاد آن را کوچک کنید.").format(
                        name=name
                    ),
                    field=field,
                )
            img.load()
            image: Image.Image = ImageOps.exif_transpose(img)
            out = io.BytesIO()
            if kind == "image/jpeg":
                image.convert("RGB").save(out, format="JPEG", quality=85)
            else:
                if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    image = image.convert("RGBA")
                image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(
            _(
                "تصویر «{name}» خراب است یا خوانده نمی‌شود؛ آن را دوباره ذخیره کنید یا PDF بفرستید."
            ).format(name=name),
            field=field,
        ) from None


def attachment_clean(*, name: str, data: bytes, field: str = "attachments") -> CleanFile:
    """Check one upload by its bytes (PDF, JPEG, PNG; at most 5 MB) and clean it;
    a refusal names the file and what to fix, on ``field``."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(
            _("هر پیوست حداکثر ۵ مگابایت است؛ «{name}» بزرگ‌تر است.").format(name=name),
            field=field,
        )
    kind = _sniff(data[:8])
    if kind is None:
        raise InvalidInput(
            _("پیوست «{name}» باید PDF، JPEG یا PNG باشد.").format(name=name), field=field
        )
    if kind != "application/pdf":
        data = _reencode(data, kind, name=name, field=field)
    stem = clean_text(name.rsplit(".", 1)[0])[:80] or "file"
    return CleanFile(name=f"{stem}.{_EXT[kind]}", content_type=kind, data=data)


def uploads_read(files: Sequence[Any], *, field: str = "attachments") -> list[tuple[str, bytes]]:
    """Uploaded files (Django's ``UploadedFile``) as ``report_submit`` takes
    them, for the page and the API alike: one past the size limit is refused by
    its size before its bytes are read, and no more than one past the count
    limit is read (``report_submit`` refuses the count)."""
    for f in files:
        if (f.size or 0) > MAX_ATTACHMENT_BYTES:
            raise InvalidInput(
                _("هر پیوست حداکثر ۵ مگابایت است؛ «{name}» بزرگ‌تر است.").format(name=f.name),
                field=field,
            )
    return [(f.name or "", f.read()) for f in files[: MAX_ATTACHMENTS + 1]]


# --- Reports -----------------------------------------------------------------


def public_categories() -> QuerySet[ObstacleCategory]:
    """The taxonomy's top level, as a producer would name it."""
    return ObstacleCategory.objects.filter(is_active=True).exclude(code__contains=".")


@dataclass
class ReportInput:
    unit_name: str
    county_id: Any
    category: str
    description: str
    mobile: str
    otp: str
    captcha_key: str
    captcha_answer: str
    legal_id: str = ""
    national_code: str = ""


def _validate(data: ReportInput) -> dict[str, Any]:
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}

    def fail(field: str, message: Any) -> None:
        errors.append({"field": field, "message": str(message)})

    values["unit_name"] = clean_text(data.unit_name)[:200]
    if not values["unit_name"]:
        fail("unit_name", _("نام واحد را بنویسید."))
    county_id = to_ascii_digits(str(data.county_id or "")).strip()
    county = (
        County.objects.filter(pk=int(county_id)).first()
        if county_id.isdigit() and len(county_id) < 10
        else None
    )
    if county is None:
        fail("county_id", _("شهرستان را انتخاب کنید."))
    values["county"] = county
    values["legal_id"] = values["national_code"] = ""
    if data.legal_id:
        try:
            values["legal_id"] = identifiers.normalize_legal_id(data.legal_id)
        except ValidationError as e:
            fail("legal_id", e.messages[0])
    elif data.national_code:
        try:
            values["national_code"] = identifiers.normalize_national_code(data.national_code)
        except ValidationError as e:
            fail("national_code", e.messages[0])
    else:
        fail("legal_id", _("شناسه ملی شخص حقوقی یا کد ملی مالک را وارد کنید."))
    values["category"] = public_categories().filter(code=data.category or "").first()
    if values["category"] is None:
        fail("category", _("نوع مانع را انتخاب کنید."))
    values["description"] = clean_text(data.description)
    if len(values["description"]) < 10:
        fail("description", _("مانع را در چند جمله شرح دهید."))
    elif len(values["description"]) > DESCRIPTION_MAX:
        fail("description", _("شرح حداکثر ۴۰۰۰ نویسه است."))
    if errors:
        raise InvalidInput(_("ورودی نامعتبر است؛ خطاهای زیر را اصلاح کنید."), errors=errors)
    return values


def report_submit(
    *,
    data: ReportInput,
    ip: str,
    files: Sequence[tuple[str, bytes]] = (),
    files_field: str = "attachments",
    now: datetime.datetime | None = None,
) -> PublicReport:
    """File a report: captcha, limits, fields, SMS code, attachments; then the
    tracking code, by SMS too.

    1. The captcha is spent first (one key, one try), then the IP's limit.
    2. Fields are validated before the SMS code is spent, so a typo does not
       cost the producer a new code.
    3. The code and the mobile's limit; attachments cleaned; all stored at once.
    """
    now = now or timezone.now()
    if not captcha_check(data.captcha_key, data.captcha_answer):
        raise InvalidInput(
            _("پاسخ آزمون امنیتی درست نیست یا منقضی شده؛ دوباره تلاش کنید."), field="captcha_answer"
        )
    rate_limit("report-ip", ip)
    mobile = _mobile(data.mobile)
    values = _validate(data)
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidInput(_("حداکثر ۵ پیوست."), field=files_field)
    cleaned = [attachment_clean(name=name, data=body, field=files_field) for name, body in files]
    otp_verify(mobile=mobile, code=data.otp, now=now)
    rate_limit("report-mobile", mobile)
    county = values.pop("county")
    for _try in range(5):
        try:
            with transaction.atomic():
                report = PublicReport.objects.create(
                    tracking_code=new_tracking_code(), county=county,
                    province_id=county.province_id, mobile=mobile, received_at=now,
                    unit_name_key=normalize_key(values["unit_name"]), **values,
                )  # fmt: skip
                for f in cleaned:
                    ReportAttachment.objects.create(
                        report=report, file=ContentFile(f.data, name=f.name), name=f.name,
                        content_type=f.content_type, size=len(f.data),
                        sha256=hashlib.sha256(f.data).hexdigest(),
                    )  # fmt: skip
            break
        except IntegrityError:  # a tracking code drawn twice; draw again
            continue
    else:
        raise Conflict(_("ثبت گزارش ممکن نشد؛ دوباره تلاش کنید."))
    send_sms(
        mobile,
        _("گزارش شما در جهش ثبت شد. کد رهگیری: {code}").format(
            code=to_persian_digits(report.tracking_code)
        ),
    )
    return report


def report_for_producer(*, code: Any, mobile: Any, ip: str) -> PublicReport:
    """The report of ``code`` if ``mobile`` filed it; NotFound alike for a wrong
    code and a wrong mobile, after the same work (one query, one comparison)."""
    rate_limit("track-ip", ip)
    code = to_ascii_digits(str(code or "")).strip()
    try:
        mobile = identifiers.normalize_mobile(mobile)
    except ValidationError:
        mobile = ""
    report = PublicReport.objects.filter(tracking_code=code).select_related("case").first()
    expected = report.mobile if report is not None else "0" * 11
    if not (hmac.compare_digest(expected, mobile) and report is not None):
        raise NotFound(_("گزارشی با این کد رهگیری و شماره همراه پیدا نشد."))
    return report


# --- Triage ------------------------------------------------------------------


def _not_triager(report: PublicReport | None, user: Any) -> Forbidden | None:
    """The refusal of a user who may not decide reports (``TRIAGE_FLOW.may_act``)."""
    if user_role(user) not in MANAGERS:
        return Forbidden(_("فقط مدیر قرارگاه یا کارشناس شهرستان گزارش‌ها را بررسی می‌کند."))
    return None


def _triager(user: Any) -> None:
    """Refuse, before anything is read or made, a user who may not decide."""
    refuse_if(_not_triager(None, user))


S = PublicReport.Status


def _triaged(move: Move[PublicReport]) -> dict[str, Any]:
    """Every decision records who decided and when."""
    return {"triaged_at": move.now, "triaged_by": move.user}


def _no_event(move: Move[PublicReport]) -> None:
    """A decision's trail is the report itself (who and when) and what the
    producer's tracking page shows: no event table."""


# A received report is decided once: accepted as a case, rejected with a reason
# or merged into another report. Who may decide (the headquarters manager or a
# county officer) is the machine's ``may_act``, also checked first at the edges
# (``_triager``), so the page lists no decision to anyone else.
TRIAGE_TRANSITIONS: dict[tuple[str, str], Rule[PublicReport]] = {
    (S.RECEIVED, S.ACCEPTED): Rule(),
    (S.RECEIVED, S.REJECTED): Rule(),
    (S.RECEIVED, S.MERGED): Rule(),
}

TRIAGE_FLOW: Workflow[PublicReport] = Workflow(
    model=PublicReport,
    rules=TRIAGE_TRANSITIONS,
    event=_no_event,
    refuse=Refusals(
        no_move=lambda frm, to: Conflict(_("این گزارش پیش‌تر بررسی شده است.")),
        lost=lambda: Conflict(_("این گزارش پیش‌تر بررسی شده است.")),
    ),
    may_act=_not_triager,
    also=_triaged,
    save=True,  # the model's save(): its signals, as a decision saved before
)


def _triage(
    report: PublicReport, user: Any, now: datetime.datetime, status: str, **fields: Any
) -> PublicReport:
    """Decide ``report`` (still waiting): its new status and what the decision sets."""
    return TRIAGE_FLOW.transition(report, status, user=user, now=now, fields=fields)


def report_accept(
    *, user: Any, report: PublicReport, unit: Unit | None = None, sector: str = "",
    severity: int = 2, title: str = "", now: datetime.datetime | None = None,
) -> PublicReport:  # fmt: skip
    """Accept ``report`` as a case of ``unit`` (an existing unit it matched), or of
    a unit created from the report (``sector`` needed then). The case's source
    is the portal and its clock starts at the report's receipt."""
    now = now or timezone.now()
    _triager(user)
    with transaction.atomic():
        report = PublicReport.objects.select_for_update().get(pk=report.pk)
        TRIAGE_FLOW.check(report, S.ACCEPTED, user)  # still waiting, before a unit is made
        if unit is None:
            if not sector:
                raise InvalidInput(_("بخش اقتصادی واحد تازه را انتخاب کنید."), field="sector")
            fields = {"name": report.unit_name, "sector": sector, "county": report.county,
                      "owner_mobile": report.mobile}  # fmt: skip
            if report.legal_id:
                fields["national_id"] = report.legal_id
            unit = unit_create(user=user, now=now, **fields)
        elif unit.county_id != report.county_id:
            raise InvalidInput(_("واحد انتخاب‌شده در شهرستان این گزارش نیست."), field="unit")
        case = case_create(
            user=user, unit=unit, category=report.category, severity=severity,
            title=clean_text(title) or report.category.name, source="portal",
            description=report.description, now=report.received_at,
        )  # fmt: skip
        return TRIAGE_FLOW.transition(
            report, S.ACCEPTED, user=user, now=now, locked=True, fields={"case": case}
        )


def report_reject(
    *, user: Any, report: PublicReport, reason: str, now: datetime.datetime | None = None
) -> PublicReport:
    """Reject with a reason the producer reads."""
    now = now or timezone.now()
    _triager(user)
    reason = required_text(
        reason, _("دلیل رد را برای تولیدکننده بنویسید."), field="reason", min_length=5
    )
    return _triage(report, user, now, PublicReport.Status.REJECTED, reject_reason=reason)


def report_merge(
    *, user: Any, report: PublicReport, into: PublicReport, now: datetime.datetime | None = None
) -> PublicReport:
    """Merge a duplicate into ``into`` (a report of the same county); the
    producer then follows the other report's progress."""
    now = now or timezone.now()
    _triager(user)
    if into.pk == report.pk or into.county_id != report.county_id:
        raise InvalidInput(_("گزارش اصلی باید گزارش دیگری از همین شهرستان باشد."), field="into")
    if into.status in (PublicReport.Status.MERGED, PublicReport.Status.REJECTED):
        raise InvalidInput(_("گزارش اصلی ادغام یا رد شده است."), field="into")
    return _triage(report, user, now, PublicReport.Status.MERGED, merged_into=into)


# --- Rating and appeal -------------------------------------------------------


def report_rate(
    *,
    report: PublicReport,
    rating: int,
    comment: str,
    mobile: str,
    otp: str,
    now: datetime.datetime | None = None,
) -> PublicReport:
    """The producer rates a closed case 1–5; 1 or 2 opens an appeal to the
    headquarters manager, due in ``APPEAL_WORKING_DAYS`` working days."""
    now = now or timezone.now()
    case = report.case
    if case is None or case.status not in CLOSED_STATUSES:
        raise Conflict(_("امتیاز پس از بسته شدن پرونده داده می‌شود."))
    if report.rating is not None:
        raise Conflict(_("این گزارش پیش‌تر امتیاز گرفته است."))
    if not 1 <= int(rating) <= 5:
        raise InvalidInput(_("امتیاز عددی از ۱ تا ۵ است."), field="rating")
    otp_verify(mobile=mobile, code=otp, purpose=OtpCode.Purpose.RATING, now=now)
    with transaction.atomic():
        report = PublicReport.objects.select_for_update().get(pk=report.pk)
        report.rating, report.rating_comment, report.rated_at = (
            int(rating),
            clean_text(comment),
            now,
        )
        if report.rating <= 2:
            cal = WorkCalendar(report.province_id)
            due = cal.add(timezone.localdate(now), APPEAL_WORKING_DAYS)
            report.appeal_opened_at = now
            report.appeal_due_at = timezone.make_aware(
                datetime.datetime.combine(due, datetime.time(23, 59))
            )
        report.save()
    return report


def appeal_answer(
    *, user: Any, report: PublicReport, answer: str, now: datetime.datetime | None = None
) -> PublicReport:
    """The headquarters manager answers an appeal (closes it)."""
    now = now or timezone.now()
    if user_role(user) not in (Role.HQ_MANAGER, Role.ADMIN):
        raise Forbidden(_("به اعتراض مدیر قرارگاه رسیدگی می‌کند."))
    answer = required_text(answer, _("پاسخ اعتراض را بنویسید."), field="answer", min_length=5)
    with transaction.atomic():
        report = PublicReport.objects.select_for_update().get(pk=report.pk)
        if report.appeal_opened_at is None or report.appeal_closed_at is not None:
            raise Conflict(_("این گزارش اعتراض باز ندارد."))
        report.appeal_answer, report.appeal_closed_at, report.appeal_closed_by = answer, now, user
        report.save()
    return report
