"""The public API (``/api/v1/public``): a province's headline figures, without
sign-in. Aggregates only, nothing personal."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from jahesh.api.schemas import ERRORS, Id
from jahesh.portal.selectors import DEFAULT_PROVINCE, province_or_404, public_figures

router = Router(tags=["portal"])


class PublicProvinceOut(Schema):
    id: int
    name: str


class FiguresQuery(Schema):
    province: Id = DEFAULT_PROVINCE


class FigureOut(Schema):
    code: str
    name: str
    definition: str
    unit: str
    value: int
    text: str
    headline: str


class PublicFiguresOut(Schema):
    province: PublicProvinceOut
    period: dict[str, str]
    figures: list[FigureOut]


@router.get(
    "/figures", auth=None, response={200: PublicFiguresOut, **ERRORS},
    summary="ارقام شاخص یک استان در پنج سال اخیر (عمومی)",
)  # fmt: skip
def figures(request: HttpRequest, params: Query[FiguresQuery]):
    """Headline figures of ``province`` (default Markazi) for the last five Jalali
    years; money in integer rials. Cached for a few minutes."""
    place = province_or_404(params.province)
    data = public_figures(province=place)
    return {"province": {"id": place.pk, "name": place.name}, "period": data["period"],
            "figures": data["figures"]}  # fmt: skip
