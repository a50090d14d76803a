"""The service certificate (گواهی خدمت) as a Persian PDF.

WeasyPrint shapes Arabic-script text (joined letters, right-to-left runs) when
the font has the glyphs; Vazirmatn's TTF files, vendored under static/, are
loaded by file URL so rendering needs no network and no installed font.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from jahesh.volunteers.models import Certificate, RosterEntry

_FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "vazirmatn" / "fonts" / "ttf"


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
        "font_regular": (_FONT_DIR / "Vazirmatn-Regular.ttf").as_uri(),
        "font_bold": (_FONT_DIR / "Vazirmatn-Bold.ttf").as_uri(),
    }


def certificate_pdf(*, certificate: Certificate, verify_url: str) -> bytes:
    # WeasyPrint (Pango, fonts) loads only when a PDF is asked for; tests swap weasyprint.HTML.
    from weasyprint import HTML

    html = render_to_string(
        "volunteers/certificate_pdf.html",
        certificate_context(certificate=certificate, verify_url=verify_url),
    )
    return HTML(string=html, base_url=str(_FONT_DIR)).write_pdf()
