"""``jahesh load_geo``: load Iran's divisions (provinces … villages)."""

from __future__ import annotations

import time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jahesh.core.management.base import TranslatedCommand
from jahesh.geo.services import geo_load


class Command(TranslatedCommand):
    help = gettext_noop("بارگذاری تقسیمات کشوری (استان تا روستا) از داده‌های django-iranian-cities")

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        verbose = options["verbosity"] > 1
        report = geo_load(progress=self.stdout.write if verbose else None)
        seconds = time.perf_counter() - started
        for key, value in report.items():
            self.stdout.write(f"{key}: {value}")
        self.stdout.write(
            self.style.SUCCESS(
                _("تقسیمات کشوری در %(seconds)s ثانیه بارگذاری شد.") % {"seconds": f"{seconds:.1f}"}
            )
        )
