"""Session minutes as a printable Persian PDF: WeasyPrint with the vendored
Vazirmatn fonts (it shapes Persian and lays out right-to-left correctly)."""

from __future__ import annotations

from pathlib import Path

import jahesh

FONT_DIR = (
    Path(jahesh.__file__).resolve().parent / "static" / "vendor" / "vazirmatn" / "fonts" / "ttf"
)


def font_urls() -> dict[str, str]:
    return {
        "font_regular": (FONT_DIR / "Vazirmatn-Regular.ttf").as_uri(),
        "font_bold": (FONT_DIR / "Vazirmatn-Bold.ttf").as_uri(),
    }


def minutes_pdf(*, html: str) -> bytes:
    # WeasyPrint (Pango, fonts) loads only when a PDF is asked for; tests swap weasyprint.HTML.
    from weasyprint import HTML

    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()
