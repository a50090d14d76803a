"""The public figures: a province's latest published snapshot (``publishing``)
and the open data of every published snapshot. Nothing personal: only figures
of ``HEADLINE_CODES``, never a record."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.http import Http404

from jahesh.core.jalali import format_jalali
from jahesh.geo.models import Province
from jahesh.portal import publishing

DEFAULT_PROVINCE = 28  # Markazi


def province_or_404(province_id: Any) -> Province:
    try:
        return Province.objects.get(pk=int(province_id))
    except (Province.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


# --- Published figures (portal.publishing) -------------------------------------

OPEN_DATA_COLUMNS = [
    "province_id", "province", "year", "quarter", "period_from", "period_to", "code", "name",
    "unit", "value", "published_at", "definitions_version", "sha256",
]  # fmt: skip


def published_figures(*, province: Province) -> dict[str, Any]:
    """The province's latest published snapshot as the page and the API show it;
    ``release`` None (and no figures) before the first publication."""
    release = publishing.latest_published(province.pk)
    if release is None:
        return {"release": None, "figures": [], "period": {}, "period_label": ""}
    period = publishing.release_period(release.year, release.quarter)
    return {
        "release": release,
        "figures": publishing.snapshot_figures(release),
        "period": {**period.as_dict(), "year": str(release.year), "quarter": str(release.quarter),
                   "last_jalali": format_jalali(period.last_day, persian_digits=False)},
        "period_label": publishing.period_label(release.year, release.quarter),
        "county_approvals": sum(1 for a in release.approvals if a.get("step") == "county"),
    }  # fmt: skip


def open_data_rows() -> list[dict[str, Any]]:
    """Every published snapshot, one row per figure: no person, no record."""
    rows = []
    for r in publishing.published_all():
        published_at = cast(datetime.datetime, r.published_at)  # a published release has it
        period = publishing.release_period(r.year, r.quarter)
        for code, value in publishing.ordered_values(r):
            d = r.definitions.get(code, {})
            rows.append({
                "province_id": r.province_id, "province": r.province.name, "year": r.year,
                "quarter": r.quarter, "period_from": period.start.isoformat(),
                "period_to": period.last_day.isoformat(), "code": code,
                "name": d.get("name", code), "unit": d.get("unit", ""), "value": value,
                "published_at": published_at.isoformat(),
                "definitions_version": r.definitions_version, "sha256": r.sha256,
            })  # fmt: skip
    return rows
