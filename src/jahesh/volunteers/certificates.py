"""The service certificate (گواهی خدمت) as a Persian PDF (``core.pdf.write_pdf``)."""

from __future__ import annotations

from django.utils import timezone

from jahesh.core.pdf import write_pdf
from jahesh.volunteers.models import Certificate, RosterEntry


def certificate_context(*, certificate: Certificate, verify_url: str) -> dict:
    entry = (
        RosterEntry.objects.filter(
            camp_id=certificate.camp_id, volunteer_id=certificate.volunteer_id
        )
        .select_related("skill")
        .first()
    )
    camp = certificate.camp
    return {
        "cert": certificate,
        "volunteer": certificate.volunteer,
        "camp": camp,
        "place": camp.village or camp.city,
        "skill": entry.skill if entry else None,
        "verify_url": verify_url,
        "issued_on": timezone.localdate(certificate.issued_at),
    }


def certificate_pdf(*, certificate: Certificate, verify_url: str) -> bytes:
    return write_pdf(
        "volunteers/certificate_pdf.html",
        certificate_context(certificate=certificate, verify_url=verify_url),
    )
