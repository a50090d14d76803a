"""Certificates of a volunteer's approved hours at a camp."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.accounts.scoping import scoped
from jahesh.core.errors import Conflict, NotFound
from jahesh.core.models import recorded_user
from jahesh.volunteers.models import (
    Certificate,
    RosterEntry,
)


def new_certificate_code() -> str:
    """Long and random (about 120 bits): not guessable, so the public check
    cannot be used to enumerate certificates."""
    return secrets.token_urlsafe(15)


def certificate_build(*, entry: RosterEntry, actor: Any, now: datetime) -> Certificate:
    """The certificate of a roster row's approved hours at a camp that has ended,
    checked as :func:`certificate_issue` checks it; not saved."""
    if entry.status != RosterEntry.Status.APPROVED or entry.hours <= 0:
        raise Conflict(_("گواهی فقط برای ساعت‌های تأییدشده صادر می‌شود؛ ابتدا ساعت‌ها را تأیید کنید."))
    if entry.camp.end_date > timezone.localdate(now):
        raise Conflict(_("گواهی پس از پایان اردو صادر می‌شود."))
    return Certificate(
        volunteer_id=entry.volunteer_id,
        camp_id=entry.camp_id,
        code=new_certificate_code(),
        hours=entry.hours,
        issued_at=now,
        issued_by=recorded_user(actor),
    )


def certificates_create(certificates: list[Certificate], *, batch_size: int = 2000) -> None:
    """The bulk form of :func:`certificate_issue` for the certificates of new
    roster rows, built by :func:`certificate_build`."""
    Certificate.objects.bulk_create(certificates, batch_size=batch_size)


def certificate_issue(*, actor: Any, entry_id: int, now: datetime | None = None) -> Certificate:
    """The certificate of one volunteer at one camp; issuing twice returns the same one."""
    now = now or timezone.now()
    entry = scoped(actor, RosterEntry).select_related("camp").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("یافت نشد."))
    built = certificate_build(entry=entry, actor=actor, now=now)
    cert, _created = Certificate.objects.get_or_create(
        volunteer_id=entry.volunteer_id,
        camp_id=entry.camp_id,
        defaults={
            "code": built.code,
            "hours": built.hours,
            "issued_at": now,
            "issued_by": built.issued_by,
        },
    )
    return cert
