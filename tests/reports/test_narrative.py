from __future__ import annotations

import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from jahesh.accounts.scoping import Area
from jahesh.core.digits import to_ascii_digits, to_persian_digits
from jahesh.core.money import round_down_sig
from jahesh.core.text import normalize_key
from jahesh.geo.models import County, Province
from jahesh.reports import narrative
from jahesh.reports.display import headline, headline_count
from jahesh.reports.kpis import KPIS
from jahesh.reports.periods import Period
from tests.conftest import MARKAZI
from tests.reports.conftest import P1403

# The article's figures (reference/kpis.md), as the demo yields them for Markazi.
ARTICLE = {
    "units_monitored": 760, "units_high_risk": 71, "cases_opened": 266, "cases_resolved": 189,
    "closures_prevented": 110, "jobs_preserved": 12248, "resolutions_passed": 397,
    "resolutions_executed_pct": 66, "funds_active": 700, "loans_disbursed": 2226,
    "loans_disbursed_rial": 604_390_000_000, "jobs_created": 2146, "par30": 894,
    "volunteers": 25_000, "volunteer_hours": 922_058, "projects_completed": 1642,
    "projects_value_rial": 1_553_000_000_000, "services_value_rial": 4_741_994_183_000,
    "services_beneficiaries": 7607,
}  # fmt: skip


def test_it_words_the_articles_figures_as_the_article_does():
    assert headline(KPIS["units_monitored"], 760) == "۷۶۰"
    assert headline(KPIS["closures_prevented"], 110) == "۱۱۰"
    assert headline(KPIS["funds_active"], 700) == "۷۰۰"
    assert headline(KPIS["jobs_created"], 2146) == "بیش از ۲۱۰۰"
    assert headline(KPIS["volunteers"], 25_000) == "۲۵ هزار"
    assert headline(KPIS["projects_completed"], 1642) == "بیش از ۱۶۰۰"
    assert headline(KPIS["projects_value_rial"], 1_553_000_000_000) == "بیش از ۱۵۰ میلیارد تومان"
    assert headline(KPIS["services_value_rial"], 4_741_994_183_000) == "بیش از ۴۷۰ میلیارد تومان"
    assert headline(KPIS["projects_value_rial"], 1_500_000_000_000) == "۱۵۰ میلیارد تومان"


def test_it_words_counts_from_ten_thousand_in_thousands():
    assert headline_count(25_340, exact=True) == "بیش از ۲۵ هزار"
    assert headline_count(12_248, exact=True) == "بیش از ۱۲ هزار"
    assert headline_count(1_200_000, exact=True) == "۱٫۲ میلیون"
    assert headline_count(3_000_000, exact=True) == "۳ میلیون"
    assert headline_count(25_000, exact=False) == "بیش از ۲۵ هزار"  # a lower bound is never "as is"
    assert headline_count(9_999, exact=True) == "بیش از ۹۹۰۰"


@given(st.integers(min_value=1, max_value=10**9))
def test_it_never_words_a_count_above_its_value(n):
    text = headline_count(n, exact=True)
    digits = to_ascii_digits(text).replace("٬", "").replace("٫", ".")
    number = Decimal("".join(ch for ch in digits if ch.isdigit() or ch == "."))
    scale = 1_000_000 if "میلیون" in text else 1000 if "هزار" in text else 1
    assert number * scale <= n
    assert number * scale == round_down_sig(n, 2)
    assert ("بیش از" in text) == (round_down_sig(n, 2) != n)


def test_it_writes_the_articles_figures_paragraph():
    with time_machine.travel("2026-11-27 10:00:00+03:30", tick=False):
        from jahesh.reports.periods import last_five_years

        period = last_five_years()
        lines = narrative.paragraphs(
            values=ARTICLE, place="استان مرکزی", when=narrative.period_phrase(period)
        )
    text = "\n".join(lines)
    for phrase in (
        "در طی پنج سال اخیر",
        "با پایش ۷۶۰ واحد صنعتی برای رفع موانع تولید",
        "از تعطیل شدن ۱۱۰ کارخانه",
        "۷۰۰ صندوق قرض‌الحسنه در استان مرکزی",
        "ایجاد بیش از ۲۱۰۰ فرصت شغلی",
        "۲۵ هزار نیروی جهادگر",
        "بیش از ۱۶۰۰ پروژهٔ عمرانی محرومیت‌زدایی به ارزش بیش از ۱۵۰ میلیارد تومان",
        "بیش از ۴۷۰ میلیارد تومان خدمات مستقیم محرومیت‌زدایی",
    ):
        assert phrase in text, phrase


def test_it_leaves_out_sentences_whose_figure_is_zero():
    values = dict.fromkeys(ARTICLE, 0)
    assert narrative.paragraphs(values=values, place="شهرستان اراک", when="") == [
        "برای شهرستان اراک در این دوره هنوز رقمی ثبت نشده است."
    ]
    values["funds_active"] = 3
    (only,) = narrative.paragraphs(values=values, place="شهرستان اراک", when="")
    assert only == "در راستای ایجاد اشتغال ۳ صندوق قرض‌الحسنه در شهرستان اراک فعال است."


def test_it_builds_the_report_of_the_hand_built_world(world):
    report = narrative.build(area=Area(province_id=MARKAZI), period=P1403)
    assert report.title == "گزارش عملکرد قرارگاه جهش تولید — استان مرکزی"
    assert "با پایش ۳ واحد صنعتی" in report.text
    assert "از ۱۴۰۳/۰۱/۰۱ تا ۱۴۰۳/۱۲/۳۰" in report.text
    assert "- واحدهای پایش‌شده: ۳" in report.text
    assert report.years == [1403]
    assert report.series["projects_completed"] == [2]
    (caption, svg), *_rest = narrative.charts_svg(report)
    assert caption == "واحدهای پایش‌شده" and svg.startswith("<svg") and "۱۴۰۳" in svg


def test_it_draws_money_charts_with_one_unit_in_the_caption():
    assert narrative.chart_title("services_value_rial", [4_741_994_183_000]) == (
        "ارزش خدمات مستقیم (میلیارد تومان)"
    )
    svg = narrative.bar_chart_svg(
        title="",
        years=[1401, 1402],
        values=[1_027_000_000_000, 5_000_000_000],
        code="services_value_rial",
    )
    assert "۱۰۳</text>" in svg and "۰٫۵</text>" in svg


def test_it_renders_the_pdf_with_vazirmatn(world, tmp_path):
    import shutil
    import subprocess

    report = narrative.build(area=Area(province_id=MARKAZI), period=P1403)
    data = narrative.pdf(report)
    assert data.startswith(b"%PDF")
    if shutil.which("pdffonts"):
        (tmp_path / "r.pdf").write_bytes(data)
        fonts = subprocess.run(
            ["pdffonts", str(tmp_path / "r.pdf")], capture_output=True, text=True
        ).stdout
        embedded = [line for line in fonts.splitlines() if "+Vazirmatn" in line]
        assert len(embedded) == 2 and all(" yes yes yes " in line for line in embedded)


def test_it_answers_the_report_command_in_text(world):
    out = io.StringIO()
    call_command(
        "report", "--from", "1403/01/01", "--to", "2025-03-21", "--province", "مركزي", stdout=out
    )
    assert "قرارگاه جهش تولید استان مرکزی" in out.getvalue()
    out = io.StringIO()
    call_command(
        "report", "--from", "1403/01/01", "--to", "1404/01/01", "--county", "اراک", stdout=out
    )
    assert "شهرستان اراک" in out.getvalue() and "با پایش ۲ واحد صنعتی" in out.getvalue()


def test_it_writes_xlsx_from_the_command(world, tmp_path):
    target = tmp_path / "r.xlsx"
    call_command("report", "--from", "1403/01/01", "--to", "1404/01/01", "--province", "مرکزی",
                 "--format", "xlsx", "--output", str(target), stdout=io.StringIO())  # fmt: skip
    assert target.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "1403/13/01", "--to", "1404/01/01"], "ماه"),
        (["--from", "1404/01/01", "--to", "1403/01/01"], "پایان دوره"),
        (["--from", "1403/01/01", "--to", "1404/01/01", "--county", "ناکجا"], "ناکجا"),
        (["--from", "1403/01/01", "--to", "1404/01/01", "--province", "ناکجا"], "ناکجا"),
    ],
)
def test_it_refuses_bad_command_input_in_persian(geo, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", *args, stdout=io.StringIO())


def test_it_names_the_period_of_five_years_to_today():
    import datetime

    with time_machine.travel("2026-11-27 10:00:00+03:30", tick=False):
        period = Period(datetime.date(2021, 11, 27), datetime.date(2026, 11, 27))
        assert narrative.period_phrase(period) == "در طی پنج سال اخیر"
        from jahesh.core.jalali import last_jalali_years

        earlier = Period(*last_jalali_years(datetime.date(2025, 11, 27), 5))
        assert narrative.period_phrase(earlier) == "در پنج سال منتهی به ۱۴۰۴/۰۹/۰۵"


def test_it_writes_the_pdf_under_var_reports_by_default(world, tmp_path, settings, monkeypatch):
    # Given a JAHESH_VAR and a working directory elsewhere (the repository, say)
    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    # When the report is asked for without --output, the county given by its id
    arak = County.objects.get(name_key=normalize_key("اراک"))
    call_command("report", "--from", "1403/01/01", "--to", "1404/01/01", "--county", str(arak.pk),
                 "--format", "xlsx", stdout=out)  # fmt: skip
    # Then it lands under var/reports/, named after the place and the period
    written = tmp_path / "var" / "reports" / f"report-county{arak.pk}-14030101-14031230.xlsx"
    assert out.getvalue().strip() == str(written)
    assert written.read_bytes()[:2] == b"PK"
    assert [p.name for p in tmp_path.iterdir()] == ["var"]


def test_it_takes_a_province_by_id_in_persian_digits_and_says_when_it_is_the_country(world):
    markazi = Province.objects.get(name_key=normalize_key("مرکزی"))
    out = io.StringIO()
    call_command("report", "--from", "1403/01/01", "--to", "1404/01/01",
                 "--province", to_persian_digits(str(markazi.pk)), stdout=out)  # fmt: skip
    assert "قرارگاه جهش تولید استان مرکزی" in out.getvalue()
    err = io.StringIO()
    call_command("report", "--from", "1403/01/01", "--to", "1404/01/01", stdout=io.StringIO(),
                 stderr=err)  # fmt: skip
    assert "کل کشور" in err.getvalue()


def _margin_texts(box):
    if hasattr(box, "text"):
        yield box.text
    for child in getattr(box, "children", []):
        yield from _margin_texts(child)


def test_it_numbers_the_pdf_pages_in_persian_reading_right_to_left(world, monkeypatch):
    # «3 / 1» was «1 / 3» turned round by the RTL line: now «صفحهٔ ۱ از ۳», Persian digits.
    from weasyprint import HTML

    footers = []
    write_pdf = HTML.write_pdf

    def spy(self, *args, **kwargs):
        for page in self.render().pages:
            margins = [b for b in page._page_box.children if hasattr(b, "at_keyword")]
            footers.append(" ".join(t for b in margins for t in _margin_texts(b)))
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", spy)
    narrative.pdf(narrative.build(area=Area(province_id=MARKAZI), period=P1403))
    total = to_persian_digits(len(footers))
    assert footers == [
        f"صفحهٔ {to_persian_digits(i)} از {total}" for i in range(1, len(footers) + 1)
    ]
