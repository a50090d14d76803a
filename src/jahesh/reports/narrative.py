"""The narrative report: the article's figures paragraph regenerated from data,
for any period and place, in the seed article's register and with the
wording rule of reference/kpis.md (``display.headline``: «۷۶۰ واحد صنعتی»,
«بیش از ۲۱۰۰ فرصت شغلی», «۲۵ هزار نیروی جهادگر», «بیش از ۱۵۰ میلیارد تومان»).

One report, three forms: a page, plain text and a PDF (WeasyPrint with the
vendored Vazirmatn; the charts are SVG drawn here, since WeasyPrint runs no
JavaScript).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.accounts.scoping import Area
from jahesh.core.digits import to_persian_digits
from jahesh.core.jalali import format_jalali, jalali_today
from jahesh.core.money import group_digits, round_half_up
from jahesh.core.pdf import write_pdf
from jahesh.geo.models import County, Province
from jahesh.reports import display
from jahesh.reports.figures import kpi_beside
from jahesh.reports.kpis import HEADLINE_CODES, KPI_LIST, KPIS
from jahesh.reports.periods import Period, last_five_years
from jahesh.reports.selectors import figures, trend_by_year


@dataclass
class Report:
    title: str
    place: str  # «استان مرکزی», «شهرستان اراک», «کشور»
    period: Period
    period_phrase: str
    values: dict[str, int]
    beside: dict[str, int]
    paragraphs: list[str]
    details: list[tuple[str, str]]  # (name, exact value) for every KPI
    years: list[int] = field(default_factory=list)
    series: dict[str, list[int]] = field(default_factory=dict)
    generated_on: Any = None

    @property
    def text(self) -> str:
        lines = [self.title, _("دوره: %(period)s") % {"period": self.period.label}, ""]
        lines += [p + "\n" for p in self.paragraphs]
        lines.append(_("ارقام دقیق:"))
        lines += [f"- {name}: {value}" for name, value in self.details]
        return "\n".join(lines).rstrip() + "\n"


def place_name(area: Area) -> str:
    if area.county_id is not None:
        return _("شهرستان %(name)s") % {"name": County.objects.get(pk=area.county_id).name}
    if area.province_id is not None:
        return _("استان %(name)s") % {"name": Province.objects.get(pk=area.province_id).name}
    return _("کشور")


def period_phrase(period: Period) -> str:
    if period == last_five_years(period.end) and period.end == jalali_today():
        return _("در طی پنج سال اخیر")
    if period == last_five_years(period.end):
        return _("در پنج سال منتهی به %(end)s") % {"end": format_jalali(period.last_day)}
    return _("از %(start)s تا %(end)s") % {
        "start": format_jalali(period.start),
        "end": format_jalali(period.last_day),
    }


def _h(code: str, values: dict[str, int]) -> str:
    return display.headline(KPIS[code], values[code])


def paragraphs(*, values: dict[str, int], place: str, when: str) -> list[str]:
    """The figures paragraph, sentence by sentence; a sentence whose figure is zero
    is left out (the article never says «۰ کارخانه»)."""
    v = values
    out: list[str] = []
    if v["units_monitored"]:
        sentence = _(
            "قرارگاه جهش تولید %(place)s %(when)s با پایش %(units)s واحد صنعتی برای رفع موانع تولید"
        ) % {"place": place, "when": when, "units": _h("units_monitored", v)}
        if v["closures_prevented"]:
            sentence += _(
                "، از تعطیل شدن %(n)s کارخانه با تسهیل در رفع موانع جلوگیری کرده است."
            ) % {"n": _h("closures_prevented", v)}
        else:
            sentence += _(" فعالیت کرده است.")
        if v["cases_resolved"]:
            sentence += " " + _(
                "در این مدت %(opened)s پروندهٔ رفع مانع در کلینیک صنعت گشوده و %(resolved)s پرونده حل شده است."
            ) % {"opened": _h("cases_opened", v), "resolved": _h("cases_resolved", v)}
        out.append(sentence)
    if v["funds_active"]:
        sentence = _("در راستای ایجاد اشتغال %(funds)s صندوق قرض‌الحسنه در %(place)s فعال است") % {
            "funds": _h("funds_active", v),
            "place": place,
        }
        if v["jobs_created"]:
            sentence += _(
                " که ایجاد %(jobs)s فرصت شغلی در قالب صندوق‌ها از دستاورد مهم این اقدام است."
            ) % {"jobs": _h("jobs_created", v)}
        else:
            sentence += "."
        out.append(sentence)
    parts = []
    if v["volunteers"]:
        parts.append(
            _("%(n)s نیروی جهادگر بسیجی در سطح %(place)s سازماندهی شده‌اند") % {
                "n": _h("volunteers", v), "place": place,
            }
        )  # fmt: skip
    if v["projects_completed"]:
        parts.append(
            _(
                "%(n)s پروژهٔ عمرانی محرومیت‌زدایی به ارزش %(value)s %(when)s در مناطق محروم %(place)s انجام شده است"
            ) % {
                "n": _h("projects_completed", v), "value": _h("projects_value_rial", v),
                "when": when, "place": place,
            }
        )  # fmt: skip
    if parts:
        out.append(_(" و ").join(parts) + ".")
    if v["services_value_rial"]:
        out.append(
            _("همچنین %(value)s خدمات مستقیم محرومیت‌زدایی %(when)s در %(place)s ارائه شده است.")
            % {"value": _h("services_value_rial", v), "when": when, "place": place}
        )
    if not out:
        out.append(_("برای %(place)s در این دوره هنوز رقمی ثبت نشده است.") % {"place": place})
    return out


def build(*, area: Area, period: Period, trend: bool = True) -> Report:
    values = figures(area=area, period=period)
    beside = kpi_beside(area=area, start=period.start, end=period.end)
    place = place_name(area)
    details = [(str(k.name_fa), display.cell_value(k, values[k.code])) for k in KPI_LIST]
    details.append(
        (_("اشتغال پیش‌بینی‌شدهٔ تأییدنشده (کنار اشتغال ایجادشده، نه افزوده)"),
         group_digits(beside.get("jobs_planned_unverified", 0)))
    )  # fmt: skip
    years, series = (
        trend_by_year(area=area, period=period, codes=HEADLINE_CODES) if trend else ([], {})
    )
    return Report(
        title=_("گزارش عملکرد قرارگاه جهش تولید — %(place)s") % {"place": place},
        place=place,
        period=period,
        period_phrase=period_phrase(period),
        values=values,
        beside=beside,
        paragraphs=paragraphs(values=values, place=place, when=period_phrase(period)),
        details=details,
        years=years,
        series=series,
        generated_on=timezone.now(),
    )


# --- Charts as SVG ----------------------------------------------------------------------


_RIAL_SCALES = ((10**13, "هزار میلیارد تومان"), (10**10, "میلیارد تومان"), (10**7, "میلیون تومان"))


def _scale(code: str, values: list[int]) -> tuple[int, str]:
    """(rials per shown unit, the unit's name) for a money series: one scale for the
    whole chart, named in its title, so each bar is labelled with a bare number."""
    if KPIS[code].unit != "rial":
        return 1, ""
    peak = max(values or [0])
    for rials, name in _RIAL_SCALES:
        if peak >= rials:
            return rials, _(name)
    return 10, _("تومان")


def _label(value: int, scale: int) -> str:
    if scale == 1:
        return group_digits(value)
    if value >= 100 * scale:
        return group_digits(round_half_up(Fraction(value, scale)))
    whole, rest = divmod(round_half_up(Fraction(value * 10, scale)), 10)
    return group_digits(whole) + ("٫" + to_persian_digits(rest) if rest else "")


def bar_chart_svg(*, title: str, years: list[int], values: list[int], code: str,
                  width: int = 300, height: int = 170) -> str:  # fmt: skip
    """A small bar chart by Jalali year, right to left (the first year on the right),
    with Persian digits; plain SVG that WeasyPrint and browsers both draw. Only
    digits go inside the SVG (WeasyPrint's SVG text is not shaped right to left):
    the title, with a money chart's unit, is the caption ``charts_svg`` gives."""
    top, bottom, side = 18, 26, 10
    scale, _unit = _scale(code, values)
    n = max(len(values), 1)
    slot = (width - 2 * side) / n
    peak = max(values) if values and max(values) > 0 else 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'font-family="Vazirmatn">',
        f'<line x1="{side}" y1="{height - bottom}" x2="{width - side}" y2="{height - bottom}" '
        'stroke="#9aa" stroke-width="1"/>',
    ]
    for i, (year, value) in enumerate(zip(years, values, strict=True)):
        x = width - side - (i + 1) * slot + slot * 0.18
        w = slot * 0.64
        h = (height - top - bottom) * value / peak
        y = height - bottom - h
        cx = x + w / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="2" fill="#1f8a70"/>'
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{y - 4:.1f}" font-size="9" text-anchor="middle" fill="#222">'
            f"{_label(value, scale)}</text>"
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{height - bottom + 15}" font-size="10" text-anchor="middle" '
            f'fill="#444">{to_persian_digits(year)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def chart_title(code: str, values: list[int]) -> str:
    _scale_rials, unit = _scale(code, values)
    name = str(KPIS[code].name_fa)
    return f"{name} ({unit})" if unit else name


def charts_svg(report: Report) -> list[tuple[str, str]]:
    """(caption, SVG) for each headline figure's chart by Jalali year."""
    return [
        (
            chart_title(code, report.series[code]),
            bar_chart_svg(
                title=str(KPIS[code].name_fa),
                years=report.years,
                values=report.series[code],
                code=code,
            ),
        )
        for code in report.series
    ]


def pdf(report: Report) -> bytes:
    return write_pdf("reports/narrative_pdf.html", {"report": report, "charts": charts_svg(report)})
