"""The early-warning risk index: 0–100 points from a unit's latest visit and
its status, with every point explained in words.

Each indicator turns one finding of the visit into a fraction between 0 and 1
(how far it is from "healthy" to "as bad as it gets"); the fraction times the
indicator's weight is its points. The score is the sum of the points, rounded
half up and capped at 100; the default weights add up to 100. Weights and the
two thresholds (watch, high) are edited by an admin (``RiskSettings``).
``docs/risk-index.md`` gives each indicator's rule and where it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings
from django.utils import translation
from django.utils.translation import gettext_noop

from jahesh.core import phrases
from jahesh.core.money import round_half_up
from jahesh.core.phrases import Phrase
from jahesh.units.models import RiskLevel, RiskSettings, SalesTrend, UnitStatus

if TYPE_CHECKING:
    from jahesh.units.models import Visit

# Where each indicator reaches its full weight (see docs/risk-index.md).
CAPACITY_HEALTHY_PCT = 70  # at or above: no points; 0 % utilisation: full weight
WAGE_MONTHS_FULL = 6
COURT_CASES_FULL = 2
RAW_MATERIAL_HEALTHY_DAYS = 30
ORDER_BOOK_HEALTHY_MONTHS = 3
WORKFORCE_DROP_FULL = Fraction(1, 2)  # half the registered workforce gone


@dataclass(frozen=True)
class Driver:
    """What raised the score: ``phrase``, rendered in the reader's language, or
    for a driver read back from a row its ``words`` as ``RiskAssessment.shown_drivers``
    rendered them."""

    code: str
    points: int
    phrase: Phrase | None = None
    words: str = ""

    @property
    def text(self) -> str:
        return self.words if self.phrase is None else str(self.phrase)

    def as_dict(self) -> dict:
        """What a ``RiskAssessment`` keeps: the phrase, and its Persian words
        (what rows kept before, and the admin shows)."""
        stored: dict[str, Any] = {"code": self.code, "points": self.points, "text": self.text}
        if translation.get_language() != django_settings.LANGUAGE_CODE:
            # (not an override each time: the scenarios store thousands in Persian)
            with translation.override(django_settings.LANGUAGE_CODE):
                stored["text"] = self.text
        if self.phrase is not None:
            stored["phrase"] = self.phrase.stored()
        return stored


@dataclass(frozen=True)
class RiskResult:
    score: int
    level: str  # a RiskLevel value
    drivers: list[Driver] = field(default_factory=list)
    assessed_on: date | None = None

    @property
    def level_label(self) -> str:
        return RiskLevel(self.level).label

    @property
    def is_high(self) -> bool:
        return self.level == RiskLevel.HIGH


def current_settings() -> RiskSettings:
    """The one settings row (created with the documented defaults on first use)."""
    found = RiskSettings.objects.order_by("pk").first()
    return found or RiskSettings.objects.create()


def level_for(score: int, settings: RiskSettings) -> str:
    if score >= settings.high_threshold:
        return RiskLevel.HIGH
    if score >= settings.watch_threshold:
        return RiskLevel.WATCH
    return RiskLevel.LOW


def _clamp(x: Fraction) -> Fraction:
    return max(Fraction(0), min(Fraction(1), x))


def _shortfall(value: Any, healthy: int) -> Fraction:
    """How far ``value`` falls below the ``healthy`` level, as a share of it."""
    return (healthy - Fraction(Decimal(value))) / healthy


def _indicators(visit: Visit | None, status: str, registered_employees: int | None):
    """Yield (code, fraction 0–1, words) for each indicator that fires; its weight
    is the settings' ``w_<code>``. The words are a phrase: a stored assessment
    shows them in its reader's language."""
    if status in (UnitStatus.STALLED, UnitStatus.CLOSED, UnitStatus.PARTIAL):
        share = Fraction(1, 2) if status == UnitStatus.PARTIAL else Fraction(1)
        label = phrases.label(UnitStatus(status).label)
        yield "status", share, Phrase(gettext_noop("وضعیت: %(status)s"), {"status": label})
    if visit is None:
        return
    u = visit.capacity_utilization
    if u is not None and u < CAPACITY_HEALTHY_PCT:
        yield (
            "capacity",
            _shortfall(u, CAPACITY_HEALTHY_PCT),
            Phrase(gettext_noop("ظرفیت %(pct)s٪"), {"pct": phrases.number(u)}),
        )
    if visit.unpaid_wage_months:
        m = visit.unpaid_wage_months
        yield (
            "wages",
            _clamp(Fraction(m, WAGE_MONTHS_FULL)),
            Phrase(gettext_noop("%(months)s ماه حقوق معوق"), {"months": phrases.number(m)}),
        )
    debts = (
        ("social_security", visit.social_security_debt_rial,
         gettext_noop("بدهی تأمین اجتماعی (%(amount)s)")),
        ("tax", visit.tax_debt_rial, gettext_noop("بدهی مالیاتی (%(amount)s)")),
        ("bank", visit.bank_arrears_rial, gettext_noop("معوقات بانکی (%(amount)s)")),
    )  # fmt: skip
    for code, debt, words in debts:
        if debt:
            yield code, Fraction(1), Phrase(words, {"amount": phrases.words(debt)})
    if visit.court_cases:
        c = visit.court_cases
        yield (
            "court",
            _clamp(Fraction(c, COURT_CASES_FULL)),
            Phrase(gettext_noop("%(cases)s پروندهٔ قضایی"), {"cases": phrases.number(c)}),
        )
    if visit.utility_cutoff_notice:
        yield "utility", Fraction(1), Phrase(gettext_noop("اخطار قطع انشعاب"))
    elif visit.utility_debt_rial:
        yield (
            "utility",
            Fraction(1, 2),
            Phrase(
                gettext_noop("بدهی آب، برق یا گاز (%(amount)s)"),
                {"amount": phrases.words(visit.utility_debt_rial)},
            ),
        )
    d = visit.raw_material_days
    if d is not None and d < RAW_MATERIAL_HEALTHY_DAYS:
        yield (
            "raw_material",
            _shortfall(d, RAW_MATERIAL_HEALTHY_DAYS),
            Phrase(gettext_noop("مواد اولیه برای %(days)s روز"), {"days": phrases.number(d)}),
        )
    o = visit.order_book_months
    if o is not None and Decimal(o) < ORDER_BOOK_HEALTHY_MONTHS:
        months = phrases.number(Decimal(o).normalize())
        yield (
            "orders",
            _shortfall(o, ORDER_BOOK_HEALTHY_MONTHS),
            Phrase(gettext_noop("سفارش برای %(months)s ماه"), {"months": months}),
        )
    if visit.sales_trend == SalesTrend.DOWN:
        yield "sales", Fraction(1), Phrase(gettext_noop("فروش رو به کاهش"))
    if visit.owner_issue:
        yield "owner", Fraction(1), Phrase(gettext_noop("بیماری یا اختلاف مالکان"))
    now = visit.employees_now
    if registered_employees and now is not None and now < registered_employees:
        drop = Fraction(registered_employees - now, registered_employees)
        pct = round_half_up(drop * 100)
        yield (
            "workforce",
            _clamp(drop / WORKFORCE_DROP_FULL),
            Phrase(gettext_noop("کاهش %(pct)s٪ کارکنان"), {"pct": phrases.number(pct)}),
        )


def compute_risk(
    *,
    visit: Visit | None,
    status: str,
    registered_employees: int | None,
    settings: RiskSettings,
    assessed_on: date | None = None,
) -> RiskResult:
    """The risk index of a unit with ``status`` whose latest visit is ``visit``.

    ``registered_employees`` is the unit's recorded workforce (the baseline of
    the workforce indicator). Pure: reads no database.
    """
    total = Fraction(0)
    drivers = []
    for code, fraction, phrase in _indicators(visit, status, registered_employees):
        points = fraction * getattr(settings, f"w_{code}")
        if points <= 0:
            continue
        total += points
        drivers.append(Driver(code=code, points=round_half_up(points), phrase=phrase))
    drivers.sort(key=lambda d: -d.points)
    score = min(100, round_half_up(total))
    return RiskResult(
        score=score, level=level_for(score, settings), drivers=drivers, assessed_on=assessed_on
    )
