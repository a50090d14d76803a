"""What follows a loan: the verification visits of its jobs, and the lottery
that orders the queue of requests."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.core.errors import InvalidInput
from jahesh.core.models import recorded_user
from jahesh.core.text import clean_text, required_text
from jahesh.funds import lottery
from jahesh.funds.models import (
    Fund,
    Loan,
    LotteryDraw,
    Verification,
)
from jahesh.funds.services.ledger import _lock_fund

S = Loan.Status


def verification_build(
    *,
    loan: Loan,
    visited_on: datetime.date,
    verifier: str,
    business_running: bool,
    jobs_found: int,
    user: Any,
    women_jobs: int = 0,
    photo: Any = None,
    note: str = "",
) -> Verification:
    """A checked visit, not saved (:func:`verification_record`'s rules; the bulk
    form writes many with :func:`verifications_create`)."""
    if loan.disbursed_on is None:
        raise InvalidInput(_("وام هنوز پرداخت نشده است؛ بازدید پس از پرداخت ثبت می‌شود."))
    if visited_on < loan.disbursed_on:
        raise InvalidInput(_("تاریخ بازدید پیش از تاریخ پرداخت وام است."), field="visited_on")
    if not business_running and jobs_found:
        raise InvalidInput(
            _("کسب‌وکار تعطیل است؛ اشتغال مشاهده‌شده باید صفر باشد."), field="jobs_found"
        )
    if not 0 <= women_jobs <= jobs_found:
        raise InvalidInput(_("اشتغال زنان نمی‌تواند بیش از کل اشتغال باشد."), field="women_jobs")
    verifier = required_text(verifier, _("نام بازدیدکننده را وارد کنید."), field="verifier")
    return Verification(
        loan=loan,
        visited_on=visited_on,
        verifier=verifier,
        business_running=business_running,
        jobs_found=jobs_found,
        women_jobs=women_jobs,
        photo=photo or "",
        note=clean_text(note)[:500],
        verified_by=recorded_user(user),
    )


@transaction.atomic
def verification_record(**fields: Any) -> Verification:
    """A visit to the business a loan financed; its job count replaces the earlier
    ones (:func:`verification_build`'s arguments)."""
    visit = verification_build(**fields)
    visit.save()
    return visit


def verifications_create(
    visits: list[Verification], *, batch_size: int = 5000
) -> list[Verification]:
    """The bulk form of :func:`verification_record`: visits built by
    :func:`verification_build`, in one insert."""
    return Verification.objects.bulk_create(visits, batch_size=batch_size)


@transaction.atomic
def lottery_draw(
    *,
    fund: Fund,
    slots: int,
    user: Any,
    seed: str | None = None,
    now: datetime.datetime | None = None,
) -> LotteryDraw:
    """Draw ``slots`` winners among the fund's queued requests. The seed and the
    entrants are saved with the result; winners still need the checker's approval."""
    now = now or timezone.now()
    fund = _lock_fund(fund)
    if slots < 1:
        raise InvalidInput(_("تعداد وام‌های قابل پرداخت دست‌کم یک است."), field="slots")
    entrants = list(
        Loan.objects.filter(fund=fund, status=S.REQUESTED, in_queue=True, draw__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not entrants:
        raise InvalidInput(_("درخواستی در صف قرعه‌کشی نیست."))
    seed = seed or lottery.new_seed()
    winners = lottery.draw_winners(seed=seed, entrants=entrants, slots=slots)
    draw = LotteryDraw.objects.create(
        fund=fund,
        seed=seed,
        entrants=entrants,
        winners=winners,
        slots=slots,
        drawn_at=now,
        drawn_by=user,
    )
    Loan.objects.filter(pk__in=winners).update(draw=draw, in_queue=False)
    return draw


def lottery_verify(*, draw: LotteryDraw) -> bool:
    """Re-run the draw from its recorded seed and entrants."""
    return (
        lottery.draw_winners(seed=draw.seed, entrants=draw.entrants, slots=draw.slots)
        == draw.winners
    )
