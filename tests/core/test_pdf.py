"""One PDF writer (``core.pdf.write_pdf``): every printable PDF (minutes, the
narrative report, certificates) is its template with the vendored Vazirmatn
fonts by file URL, laid out by WeasyPrint from the fonts' folder."""

from __future__ import annotations

from unittest import mock

from jahesh.core.pdf import FONT_DIR, font_urls, write_pdf


class _Spy:
    seen: list[tuple[str, str]] = []

    def __init__(self, *, string: str, base_url: str) -> None:
        self.seen.append((string, base_url))

    def write_pdf(self) -> bytes:
        return b"%PDF-spy"


def test_the_fonts_are_the_vendored_files():
    urls = font_urls()
    assert urls == {
        "font_regular": (FONT_DIR / "Vazirmatn-Regular.ttf").as_uri(),
        "font_bold": (FONT_DIR / "Vazirmatn-Bold.ttf").as_uri(),
    }
    assert (FONT_DIR / "Vazirmatn-Regular.ttf").is_file() and (
        FONT_DIR / "Vazirmatn-Bold.ttf"
    ).is_file()


def test_each_pdf_template_declares_the_fonts_it_is_given(db):
    _Spy.seen.clear()
    with mock.patch("weasyprint.HTML", _Spy):
        for template in ("clinic/minutes_pdf.html", "reports/narrative_pdf.html"):
            assert write_pdf(template, {}) == b"%PDF-spy"
    for html, base_url in _Spy.seen:
        assert base_url == str(FONT_DIR)
        assert f'src: url("{font_urls()["font_regular"]}"); font-weight: 400;' in html
        assert f'src: url("{font_urls()["font_bold"]}"); font-weight: 700;' in html
