"""Shapes shared by every router: the error body, the list envelope, the one
pagination schema, and the bounded input types every route's schemas use.

Bad input answers 422 with a field error, never a 500: every integer a client
sends is bounded to what its column holds (``Id``, ``Quantity``, ``Rials``), every
list pages through ``Page`` and every date goes through ``ApiDate``.
"""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from jahesh.core.errors import InvalidInput
from jahesh.core.jalali import (
    MAX_YEAR,
    MIN_YEAR,
    from_jalali,
    jalali_days_in_month,
    parse_date_any,
)

T = TypeVar("T")


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    message: str
    errors: list[FieldError] = []


class ListOut(Schema, Generic[T]):
    items: list[T]
    count: int


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def api_enum(name: str, choices: type[enum.Enum]) -> type[enum.StrEnum]:
    """``choices`` (a model's ``TextChoices``) as an API enum named ``name``.

    ninja names an enum's OpenAPI component by its class name, so two nested
    classes called ``Kind`` (a project's and a direct service's) overwrite each
    other's component and the document lists the wrong values for one of them.
    Every model enum whose class name is not unique across the API goes through
    here (tests/api/test_openapi.py fails on any duplicate name)."""
    return enum.StrEnum(name, {m.name: m.value for m in choices}, module=choices.__module__)


# --- Integers ------------------------------------------------------------------------
# Ids are BigAutoField (64-bit signed); counts live in IntegerField (32-bit on
# PostgreSQL); amounts in BigIntegerField. A value past its column would reach the
# database as an overflow (a 500), so the schema refuses it first (a 422).

MAX_ID = 2**63 - 1
MAX_COUNT = 2**31 - 1
MAX_RIALS = 10**18  # a billion billion rials: far above any budget, below 2**63

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Quantity = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Rials = Annotated[int, Field(ge=0, le=MAX_RIALS)]
# Bounded as their columns are (DecimalField 9 digits, 6 decimals).
Latitude = Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)]
Longitude = Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)]

# --- Workflows -------------------------------------------------------------------------
# A record's allowed moves, read from its machine's table (``Workflow.allowed_moves``):
# the statuses the caller may choose, in the table's order; what the page's buttons offer.

AllowedMoves = Annotated[
    list[str],
    Field(
        description=gettext_noop(
            "وضعیت‌هایی که فراخواننده می‌تواند رکورد را به آن ببرد (از جدول گردش کار)"
        )
    ),
]

# --- Pagination ------------------------------------------------------------------------
# One page shape for every list. 200 rows is the most a page answers (the
# documented contract since the first list); an offset past 10⁹ is past any table
# Jahesh keeps, so it is refused rather than sent to the database.

MAX_LIMIT = 200
MAX_OFFSET = 10**9


class Filters(Schema):
    """A list's query filters, named as its selector's keyword arguments."""

    def selection(self, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
        """The selector's keyword arguments: each filter given (an absent one is
        left out, so the selector's default applies), without the page's own
        and those in ``exclude``."""
        return self.dict(exclude={"limit", "offset", *exclude}, exclude_none=True)


class Page(Filters):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=gettext_noop("ردیف‌های هر صفحه"))
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=gettext_noop("چند ردیف نخست رد شود"))

    def of(self, qs: QuerySet | list, *, count: int | None = None) -> dict[str, Any]:
        """``{"items", "count"}`` for this page of ``qs``."""
        items = list(qs[self.offset : self.offset + self.limit])
        if count is None:
            count = qs.count() if isinstance(qs, QuerySet) else len(qs)
        return {"items": items, "count": count}


# --- Dates -------------------------------------------------------------------------------
# The API speaks ISO Gregorian dates; a year below 1700 cannot be a Gregorian date
# anyone means here, so it is read as Jalali (people type 1404-01-01 or
# 1404/01/01). Jalali years outside MIN_YEAR..MAX_YEAR are refused, and so are
# Gregorian dates outside the same span, so no date arithmetic downstream
# (schedules, deadlines) can run off the calendar.

DATE_MIN = from_jalali(MIN_YEAR, 1, 1)
DATE_MAX = from_jalali(MAX_YEAR, 12, jalali_days_in_month(MAX_YEAR, 12))


def _date_error(message: Any) -> PydanticCustomError:
    # The API's 422 handler shows ``message`` as the field's error.
    return PydanticCustomError("jahesh_date", "{message}", {"message": str(message)})


def read_date(value: Any) -> datetime.date:
    """An API date: ISO Gregorian, or Jalali when its year is below 1700
    (``core.jalali.parse_date_any``, the rule the CLI and imports follow), within
    ``DATE_MIN``..``DATE_MAX``.

    ``"2025-03-21"`` → 2025-03-21; ``"1404-01-01"`` and ``"۱۴۰۴/۰۱/۰۱"`` → 2025-03-21;
    ``"0500-01-01"`` is refused with a Persian message (no such Jalali year).
    """
    try:
        found = parse_date_any(value if isinstance(value, datetime.date) else str(value))
    except InvalidInput as error:
        raise _date_error(error.message) from None
    if not DATE_MIN <= found <= DATE_MAX:
        raise _date_error(
            _("تاریخ باید میان %(start)s و %(end)s باشد.")
            % {"start": DATE_MIN.isoformat(), "end": DATE_MAX.isoformat()}
        )
    return found


ApiDate = Annotated[
    datetime.date,
    BeforeValidator(read_date),
    Field(
        description=gettext_noop(
            "ISO (میلادی)، یا شمسی اگر سال کمتر از ۱۷۰۰ باشد: 2025-03-21 یا 1404-01-01"
        )
    ),
]
