"""Bulk text messages: a scoped user writes to their fund's members or a camp's
volunteers, sees a preview (how many people, how many segments each), confirms,
and the send is kept as a ``BulkMessage`` audit record with a delivery per person.

The audience is read through the scoping mechanism twice: the fund or camp must
be one the sender may open, and each person must be one they may see on their
own (a camp's roster can hold a volunteer from another county), so nobody
outside the sender's scope is messaged.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.accounts.roles import ROLE_MODULES, Module, Role
from jahesh.accounts.scoping import get_scoped_or_404, require_module, scoped
from jahesh.core import sms
from jahesh.core.errors import Forbidden, InvalidInput
from jahesh.funds.models import Fund, Member
from jahesh.notifications.models import BulkMessage, Kind
from jahesh.notifications.services import sms_to_person
from jahesh.volunteers.models import Camp, RosterEntry

MAX_TEXT = 670  # ten Persian segments
# Who may write to an audience: the roles that manage it in their scope.
SENDERS: dict[str, tuple[Module, set[Role]]] = {
    BulkMessage.Audience.FUND: (
        Module.FUNDS,
        {Role.ADMIN, Role.HQ_MANAGER, Role.COUNTY_OFFICER, Role.FUND_MANAGER},
    ),
    BulkMessage.Audience.CAMP: (
        Module.VOLUNTEERS,
        {Role.ADMIN, Role.HQ_MANAGER, Role.COUNTY_OFFICER, Role.VOLUNTEER_COORDINATOR},
    ),
}


@dataclass(frozen=True)
class Audience:
    kind: str
    target_id: int
    label: str
    county_id: int
    people: list[tuple[str, str]]  # (who, mobile): "m12"/"v7" and the number


def may_send(user: Any, kind: str) -> bool:
    module, roles = SENDERS[kind]
    role = Role.ADMIN if user.is_superuser else user.role
    return role in roles and (user.is_superuser or module in _modules(user))


def _modules(user: Any) -> frozenset[str]:
    return ROLE_MODULES.get(user.role, frozenset())


def sender_kinds(user: Any) -> list[str]:
    return [k for k in SENDERS if may_send(user, k)]


def bulk_audience(*, user: Any, kind: str, target_id: int) -> Audience:
    """The people ``user`` may message in the fund or camp ``target_id`` (404 when
    the fund or camp is outside their scope; 403 when their role sends none)."""
    if kind not in SENDERS:
        raise InvalidInput(_("مخاطبان را انتخاب کنید."), field="target")
    require_module(user, SENDERS[kind][0])
    if not may_send(user, kind):
        raise Forbidden(_("نقش شما پیامک گروهی به این مخاطبان نمی‌فرستد."))
    if kind == BulkMessage.Audience.FUND:
        fund = get_scoped_or_404(user, Fund, pk=target_id)
        members = scoped(user, Member.objects.filter(fund=fund, left_on__isnull=True))
        people = [
            (f"m{pk}", mobile)
            for pk, mobile in members.exclude(mobile="").order_by("pk").values_list("pk", "mobile")
        ]
        return Audience(kind, fund.pk, fund.name, fund.county_id, people)
    camp = get_scoped_or_404(user, Camp, pk=target_id)
    entries = scoped(user, RosterEntry.objects.filter(camp=camp)).exclude(volunteer__mobile="")
    people = sorted(
        {
            (f"v{pk}", mobile)
            for pk, mobile in entries.values_list("volunteer_id", "volunteer__mobile")
        }
    )
    return Audience(kind, camp.pk, camp.title, camp.county_id, people)


def bulk_text_check(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("متن پیامک را بنویسید."), field="text")
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("متن پیامک حداکثر %(n)s نویسه است.") % {"n": MAX_TEXT}, field="text")
    return text


def bulk_send(
    *, user: Any, kind: str, target_id: int, text: str, now: datetime.datetime | None = None
) -> BulkMessage:
    """Send ``text`` to everyone in the audience the sender may reach; keep the record."""
    now = now or timezone.now()
    text = bulk_text_check(text)
    audience = bulk_audience(user=user, kind=kind, target_id=target_id)
    if not audience.people:
        raise InvalidInput(_("در این گروه کسی با شمارهٔ همراه نیست."), field="target")
    with transaction.atomic():
        bulk = BulkMessage.objects.create(
            sender=user,
            audience=kind,
            audience_id=audience.target_id,
            audience_label=audience.label[:200],
            county_id=audience.county_id,
            text=text,
            recipients=len(audience.people),
            segments=sms.segments(text),
            created_at=now,
        )
        for who, mobile in audience.people:
            sms_to_person(
                event_key=f"bulk:{bulk.pk}", who=who, mobile=mobile, kind=Kind.BULK, text=text,
                now=now, bulk=bulk,
            )  # fmt: skip
    return bulk
