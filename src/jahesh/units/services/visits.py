"""Monitoring visits and their photos."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from jahesh.core.errors import Conflict
from jahesh.core.models import recorded_user
from jahesh.units.distance import haversine_m
from jahesh.units.models import (
    Unit,
    Visit,
    VisitPhoto,
)
from jahesh.units.services.fields import VISIT_FIELDS, _reject_unknown, clean_visit_fields
from jahesh.units.services.risk import _assess, _refresh_cached_risk


@dataclass(frozen=True)
class Position:
    """Where the phone was: degrees (WGS84) and the accuracy it reported, in metres."""

    latitude: Decimal
    longitude: Decimal
    accuracy_m: int | None = None


def _place_visit(
    visit: Visit, unit: Unit, position: Position | None, take_coordinates: bool, actor: Any
) -> None:
    """Keep the phone's position on the visit and its distance to the unit's
    coordinates, flagging it past JAHESH_VISIT_FAR_M; a unit without coordinates
    takes the visit's when the officer confirmed it (``take_coordinates``)."""
    if position is None:
        return
    visit.latitude = Decimal(position.latitude).quantize(Decimal("0.000001"))
    visit.longitude = Decimal(position.longitude).quantize(Decimal("0.000001"))
    visit.accuracy_m = position.accuracy_m
    if unit.latitude is not None and unit.longitude is not None:
        distance = haversine_m(unit.latitude, unit.longitude, visit.latitude, visit.longitude)
        visit.distance_m = round(distance)
        visit.far_from_unit = distance > settings.JAHESH_VISIT_FAR_M
    elif take_coordinates:
        unit.latitude, unit.longitude = visit.latitude, visit.longitude
        unit._history_user = actor
        # Not updated_at: the unit's own fields did not change under the officer.
        unit.save(update_fields=["latitude", "longitude"])
        visit.distance_m = 0


def visit_build(
    *, unit: Unit, user: Any, now: datetime, client_key: str = "", **fields: Any
) -> Visit:
    """A checked visit, not saved: :func:`visit_create`'s rules (``VISIT_FIELDS``
    through ``clean_visit_fields``; the recording user is the visitor when none
    is named). Raises ``ValidationError`` keyed by field."""
    _reject_unknown(fields, VISIT_FIELDS)
    fields.setdefault("visited_on", None)
    values = clean_visit_fields(fields, today=timezone.localdate(now))
    actor = recorded_user(user)
    if not values.get("visitor_name") and values.get("visitor") is None and actor is not None:
        values["visitor"] = actor
        values["visitor_name"] = str(actor)
    return Visit(unit=unit, created_by=actor, client_key=client_key, **values)


def visit_create(
    *,
    unit: Unit,
    user: Any,
    photos: list[Any] | None = None,
    now: datetime | None = None,
    position: Position | None = None,
    take_coordinates: bool = False,
    client_key: str = "",
    **fields: Any,
) -> Visit:
    """Record a monitoring visit and re-assess the unit's risk as of its date."""
    now = now or timezone.now()
    visit = visit_build(unit=unit, user=user, now=now, client_key=client_key, **fields)
    actor = visit.created_by
    with transaction.atomic():
        _place_visit(visit, unit, position, take_coordinates, actor)
        visit._history_user = actor
        visit.save()
        for photo in photos or []:
            visit_photo_add(visit=visit, upload=photo)
        if unit.last_visit_on is None or visit.visited_on >= unit.last_visit_on:
            Unit.objects.filter(pk=unit.pk).update(last_visit_on=visit.visited_on)
            unit.last_visit_on = visit.visited_on
        _assess(unit=unit, visit=visit, on=visit.visited_on)
        _refresh_cached_risk(unit)
    return visit


def visit_create_once(
    *,
    unit: Unit,
    user: Any,
    client_key: str,
    unit_seen_at: datetime | None = None,
    **kwargs: Any,
) -> tuple[Visit, bool]:
    """The field app's visit: ``(visit, created)``. The phone makes ``client_key``
    (the Idempotency-Key) when the officer saves the form offline, so a resend
    answers the visit the first send recorded. ``unit_seen_at`` is the unit's
    ``updated_at`` as the phone last read it: a unit edited since is a conflict
    the officer resolves (resend without it), never a visit silently recorded
    against data they did not see."""
    existing = _visit_by_key(user, client_key)
    if existing is not None:
        if existing.unit_id != unit.pk:
            raise Conflict(_("این شناسهٔ ارسال پیش‌تر برای بازدید واحد دیگری به کار رفته است."))
        return existing, False
    # The API writes times to the millisecond (DjangoJSONEncoder), so compare at that.
    changed = unit.updated_at.replace(microsecond=unit.updated_at.microsecond // 1000 * 1000)
    if unit_seen_at is not None and changed > unit_seen_at:
        raise Conflict(
            _(
                "اطلاعات این واحد پس از آخرین به‌روزرسانی گوشی تغییر کرده است؛"
                " واحد را دوباره ببینید و بازدید را دوباره بفرستید."
            ),
            {"unit_updated_at": unit.updated_at.isoformat()},
        )
    try:
        with transaction.atomic():
            return visit_create(unit=unit, user=user, client_key=client_key, **kwargs), True
    except IntegrityError:
        # The same key sent twice at once: the other request recorded it.
        existing = _visit_by_key(user, client_key)
        if existing is None:
            raise
        return existing, False


def _visit_by_key(user: Any, client_key: str) -> Visit | None:
    return Visit.objects.filter(created_by=user, client_key=client_key).first()


PHOTO_LONG_SIDE = 1600
PHOTO_MAX_BYTES = 15 * 1024 * 1024
PHOTO_MAX_PIXELS = 50_000_000
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


def _photo_bytes(upload: Any) -> tuple[bytes, int, int]:
    """The upload re-encoded as a JPEG whose long side is at most PHOTO_LONG_SIDE,
    turned upright and without its metadata (EXIF holds the phone's serial and
    more); the type is read from the bytes, never from the name or header."""
    if hasattr(upload, "seek"):
        upload.seek(0)  # a form's image check may have read it
    data = upload.read(PHOTO_MAX_BYTES + 1)
    if len(data) > PHOTO_MAX_BYTES:
        raise ValidationError({"file": _("عکس بزرگ‌تر از ۱۵ مگابایت است.")})
    try:
        image: Image.Image = Image.open(io.BytesIO(data))
        if image.format not in PHOTO_FORMATS:
            raise ValidationError({"file": _("فقط عکس JPEG، PNG یا WebP پذیرفته می‌شود.")})
        if image.width * image.height > PHOTO_MAX_PIXELS:
            raise ValidationError({"file": _("ابعاد عکس بیش از اندازه است.")})
        image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError({"file": _("این پرونده عکس نیست یا خراب است.")}) from None
    image.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), image.width, image.height


def visit_photo_add(*, visit: Visit, upload: Any) -> tuple[VisitPhoto, bool]:
    """Store a photo of the visit: ``(photo, created)``. A photo sent again (the
    field app's resend) is recognised by the hash of its re-encoded bytes."""
    data, width, height = _photo_bytes(upload)
    digest = hashlib.sha256(data).hexdigest()
    found = VisitPhoto.objects.filter(visit=visit, sha256=digest).first()
    if found is not None:
        return found, False
    photo = VisitPhoto(visit=visit, sha256=digest, width=width, height=height)
    photo.image.save(f"{digest[:32]}.jpg", ContentFile(data), save=False)
    photo.save()
    return photo, True


def visit_update(*, visit: Visit, user: Any, now: datetime | None = None, **fields: Any) -> Visit:
    now = now or timezone.now()
    _reject_unknown(fields, VISIT_FIELDS)
    values = clean_visit_fields(fields, today=timezone.localdate(now))
    with transaction.atomic():
        for name, value in values.items():
            setattr(visit, name, value)
        visit._history_user = recorded_user(user)
        visit.save()
        unit = visit.unit
        visit.risk_assessments.all().delete()
        _assess(unit=unit, visit=visit, on=visit.visited_on)
        latest = unit.visits.order_by("-visited_on").values_list("visited_on", flat=True).first()
        Unit.objects.filter(pk=unit.pk).update(last_visit_on=latest)
        unit.last_visit_on = latest
        _refresh_cached_risk(unit)
    return visit
