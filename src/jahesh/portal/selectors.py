"""The public figures: a province's headline aggregates for the last five Jalali
years, from the KPI registry, cached for a few minutes. Nothing personal: only
figures of ``HEADLINE_CODES``, never a record."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.cache import cache
from django.http import Http404
from django.utils.translation import get_language

from jahesh.accounts.scoping import Area
from jahesh.core.jalali import jalali_today
from jahesh.geo.models import Province
from jahesh.reports import display
from jahesh.reports.kpis import HEADLINE_CODES, KPIS
from jahesh.reports.periods import last_five_years
from jahesh.reports.selectors import figures

DEFAULT_PROVINCE = 28  # Markazi
CACHE_SECONDS = 300


def province_or_404(province_id: Any) -> Province:
    try:
        return Province.objects.get(pk=int(province_id))
    except (Province.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def public_figures(*, province: Province, today: datetime.date | None = None) -> dict[str, Any]:
    period = last_five_years(today or jalali_today())
    # The cached texts (names, definitions, wording) are in the request's language.
    key = f"public-figures:{province.pk}:{period.end.isoformat()}:{get_language()}"
    found = cache.get(key)
    if found is None:
        values = figures(area=Area(province_id=province.pk), period=period, codes=HEADLINE_CODES)
        found = {
            "period": period.as_dict(),
            "period_label": period.label,
            "figures": [
                {
                    "code": code,
                    "name": str(KPIS[code].name_fa),
                    "definition": str(KPIS[code].definition_fa),
                    "unit": KPIS[code].unit,
                    "value": values[code],
                    "text": display.card_value(KPIS[code], values[code]),
                    "headline": display.headline(KPIS[code], values[code]),
                }
                for code in HEADLINE_CODES
            ],
        }
        cache.set(key, found, CACHE_SECONDS)
    return found
