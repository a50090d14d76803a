"""``jahesh report``: the narrative report for a period and a place, as text, PDF or XLSX.

    jahesh report --from 1400/09/06 --to 1405/09/06 --province مرکزی --format text
    jahesh report --from 2021-11-27 --to 2026-11-27 --county اراک --format pdf --output arak.pdf

Dates are Jalali or ISO (``parse_date_any``); the period is [from, to). Place
names are matched with ``normalize_key`` (ی/ي, ک/ك, spaces and ZWNJ do not
matter); without a place, the whole country.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jahesh.accounts.scoping import Area
from jahesh.core.errors import InvalidInput
from jahesh.core.jalali import format_jalali, parse_date_any
from jahesh.core.text import normalize_key
from jahesh.geo.models import County, Province
from jahesh.reports import narrative
from jahesh.reports.periods import period_check


def _province(name: str) -> Province:
    found = list(Province.objects.filter(name_key=normalize_key(name)))
    if not found:
        raise CommandError(f"استانی به نام «{name}» پیدا نشد.")
    return found[0]


def _county(name: str, province: Province | None) -> County:
    qs = County.objects.filter(name_key=normalize_key(name)).select_related("province")
    if province is not None:
        qs = qs.filter(province=province)
    found = list(qs)
    if not found:
        raise CommandError(f"شهرستانی به نام «{name}» پیدا نشد.")
    if len(found) > 1:
        names = "، ".join(c.province.name for c in found)
        raise CommandError(f"چند شهرستان «{name}» هست (استان‌های {names})؛ --province را هم بدهید.")
    return found[0]


class Command(BaseCommand):
    help = "گزارش روایی عملکرد برای یک دوره و محدوده (متن، PDF یا اکسل)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="آغاز دوره (شمسی یا ISO)")
        parser.add_argument("--to", dest="end", required=True, help="پایان دوره، بدون خود روز")
        parser.add_argument("--province", default="", help="نام استان")
        parser.add_argument("--county", default="", help="نام شهرستان")
        parser.add_argument("--format", dest="fmt", choices=["text", "pdf", "xlsx"], default="text")
        parser.add_argument(
            "--output", default="", help="پرونده خروجی؛ برای متن پیش‌فرض خروجی استاندارد"
        )

    def handle(self, *args, start, end, province, county, fmt, output, **options):
        try:
            period = period_check(parse_date_any(start), parse_date_any(end))
        except InvalidInput as error:
            raise CommandError(str(error.message)) from None
        chosen_province = _province(province) if province else None
        if county:
            c = _county(county, chosen_province)
            area = Area(province_id=c.province_id, county_id=c.pk)
        elif chosen_province is not None:
            area = Area(province_id=chosen_province.pk)
        else:
            area = Area()
        report = narrative.build(area=area, period=period, trend=fmt == "pdf")
        if fmt == "text":
            if output:
                Path(output).write_text(report.text, encoding="utf-8")
                self.stdout.write(output)
            else:
                self.stdout.write(report.text, ending="")
            return
        if fmt == "pdf":
            data = narrative.pdf(report)
        else:
            from jahesh.reports.exports import figures_workbook

            data = figures_workbook(area=area, period=period, title="شاخص‌ها")
        path = Path(
            output
            or f"report-{format_jalali(period.start, persian_digits=False).replace('/', '')}.{fmt}"
        )
        path.write_bytes(data)
        self.stdout.write(str(path))
