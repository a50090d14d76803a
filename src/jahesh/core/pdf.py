"""Printable Persian PDFs (a session's minutes, the narrative report, a
volunteer's certificate): a template rendered to HTML, then WeasyPrint with the
vendored Vazirmatn fonts, loaded by file URL, so rendering needs no network and
no installed font (it shapes Persian and lays out right-to-left). A template
declares the fonts with ``{% include "partials/pdf_fonts.html" %}`` in its style."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

import jahesh

FONT_DIR = (
    Path(jahesh.__file__).resolve().parent / "static" / "vendor" / "vazirmatn" / "fonts" / "ttf"
)


def font_urls() -> dict[str, str]:
    """The fonts' file URLs, as ``partials/pdf_fonts.html`` reads them."""
    return {
        "font_regular": (FONT_DIR / "Vazirmatn-Regular.ttf").as_uri(),
        "font_bold": (FONT_DIR / "Vazirmatn-Bold.ttf").as_uri(),
    }


def write_pdf(template: str, context: dict[str, Any]) -> bytes:
    """``template`` rendered with ``context`` and the fonts, as a PDF."""
    # WeasyPrint (Pango, fonts) loads only when a PDF is asked for; tests swap weasyprint.HTML.
    from weasyprint import HTML

    html = render_to_string(template, {**context, **font_urls()})
    pdf: bytes = HTML(string=html, base_url=str(FONT_DIR)).write_pdf()
    return pdf
