"""``jahesh report``: the narrative report for a period and a place, as text, PDF or XLSX.

    jahesh report --from 1400/09/06 --to 1405/09/06 --province مرکزی --format text
    jahesh report --from 2021-11-27 --to 2026-11-27 --county اراک --format pdf --output arak.pdf

Dates are Jalali or ISO (``parse_date_any``); the period is [from, to). A place
is an id or a name, matched with ``normalize_key`` (ی/ي, ک/ك, spaces, ZWNJ and
Persian digits do not matter); without one, the whole country, and the command
says so. A PDF or XLSX goes to ``--output``, else under ``$JAHESH_VAR/reports/``
(never the working directory, which is often the repository), named after the
place and the period.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jahesh.accounts.scoping import Area
from jahesh.core.errors import InvalidInput
from jahesh.core.jalali import format_jalali, parse_date_any
from jahesh.core.management.base import TranslatedCommand
from jahesh.core.text import listed, normalize_key
from jahesh.geo.models import County, Province
from jahesh.reports import narrative
from jahesh.reports.exports import figures_workbook
from jahesh.reports.periods import period_check


def _by_id_or_name(name: str) -> dict:
    # An id is all digits once Persian/Arabic digits are ASCII (normalize_key does that).
    key = normalize_key(name)
    return {"pk": int(key)} if key.isdigit() else {"name_key": key}


def _province(name: str) -> Province:
    found = list(Province.objects.filter(**_by_id_or_name(name)))
    if not found:
        raise CommandError(_("استانی به نام «%(name)s» پیدا نشد.") % {"name": name})
    return found[0]


def _county(name: str, province: Province | None) -> County:
    qs = County.objects.filter(**_by_id_or_name(name)).select_related("province")
    if province is not None:
        qs = qs.filter(province=province)
    found = list(qs)
    if not found:
        raise CommandError(_("شهرستانی به نام «%(name)s» پیدا نشد.") % {"name": name})
    if len(found) > 1:
        names = listed(c.province.name for c in found)
        raise CommandError(
            _("چند شهرستان «%(name)s» هست (استان‌های %(provinces)s)؛ --province را هم بدهید.")
            % {"name": name, "provinces": names}
        )
    return found[0]


def _area(province: str, county: str) -> tuple[Area, str]:
    """The area asked for, and a short name of it for the file name."""
    chosen_province = _province(province) if province else None
    if county:
        c = _county(county, chosen_province)
        return Area(province_id=c.province_id, county_id=c.pk), f"county{c.pk}"
    if chosen_province is not None:
        return Area(province_id=chosen_province.pk), f"province{chosen_province.pk}"
    return Area(), "country"


def _default_path(place: str, period, fmt: str) -> Path:
    start, end = (
        format_jalali(d, persian_digits=False).replace("/", "")
        for d in (period.start, period.last_day)
    )
    folder = Path(settings.VAR_DIR) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"report-{place}-{start}-{end}.{fmt}"


class Command(TranslatedCommand):
    help = gettext_noop("گزارش روایی عملکرد برای یک دوره و محدوده (متن، PDF یا اکسل).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="start", required=True, help=_("آغاز دوره (شمسی یا ISO)")
        )
        parser.add_argument("--to", dest="end", required=True, help=_("پایان دوره، بدون خود روز"))
        parser.add_argument("--province", default="", help=_("شناسه یا نام استان"))
        parser.add_argument("--county", default="", help=_("شناسه یا نام شهرستان"))
        parser.add_argument("--format", dest="fmt", choices=["text", "pdf", "xlsx"], default="text")
        parser.add_argument(
            "--output",
            default="",
            help=_(
                "پرونده خروجی؛ پیش‌فرض برای متن خروجی استاندارد و برای PDF و اکسل پوشهٔ"
                " reports در JAHESH_VAR"
            ),
        )

    def handle(self, *args, start, end, province, county, fmt, output, **options):
        try:
            period = period_check(parse_date_any(start), parse_date_any(end))
        except InvalidInput as error:
            raise CommandError(str(error.message)) from None
        area, place = _area(province, county)
        if not (province or county):
            self.stderr.write(_("بدون --province یا --county: گزارش کل کشور."))
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
            data = figures_workbook(area=area, period=period, title=_("شاخص‌ها"))
        path = Path(output) if output else _default_path(place, period, fmt)
        path.write_bytes(data)
        self.stdout.write(str(path))
