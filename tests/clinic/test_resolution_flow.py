"""A resolution's follow-ups on core.workflow (RESOLUTION_TRANSITIONS run by
RESOLUTION_FLOW): each allowed move, each refused one, the roles, a lost race.

The session is held on Mon 1 Sep 2025; its resolution is due on 1 Oct 2025 and
open to objection until 23 Sep 2025 (15 working days)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from jahesh.clinic import services
from jahesh.clinic.forms import ResolutionFollowUpForm
from jahesh.clinic.models import Resolution, ResolutionStatus
from jahesh.core.errors import Conflict, Forbidden, InvalidInput

R = ResolutionStatus
NOW = dt.datetime(2025, 12, 1, 9, tzinfo=dt.UTC)
DONE_ON = dt.date(2025, 9, 30)  # a resolution moved to done before the test


def _in(resolution: Resolution, status: str) -> Resolution:
    """The resolution put in ``status`` (as a past follow-up would have left it)."""
    Resolution.objects.filter(pk=resolution.pk).update(
        status=status, done_on=DONE_ON if status == R.DONE else None
    )
    resolution.refresh_from_db()
    return resolution


def _state(resolution: Resolution) -> tuple:
    row = Resolution.objects.get(pk=resolution.pk)
    return row.status, row.done_on, row.followups.count(), row.history.count()


# (from, to) → the follow-up's date that meets the move's guard, and done_on after it.
ALLOWED = {
    (R.OPEN, R.OPEN): (dt.date(2025, 9, 10), None),
    (R.OPEN, R.DONE): (dt.date(2025, 9, 10), dt.date(2025, 9, 10)),
    (R.OPEN, R.OBJECTED): (dt.date(2025, 9, 23), None),  # the window's last day
    (R.OPEN, R.NOT_EXECUTED): (dt.date(2025, 10, 2), None),  # the day after the due date
    (R.OBJECTED, R.OPEN): (dt.date(2025, 9, 10), None),
    (R.OBJECTED, R.NOT_EXECUTED): (dt.date(2025, 9, 10), None),
    (R.NOT_EXECUTED, R.DONE): (dt.date(2025, 10, 20), dt.date(2025, 10, 20)),
}


def test_the_table_is_the_one_the_service_runs():
    assert set(services.RESOLUTION_TRANSITIONS) == set(ALLOWED)
    assert services.RESOLUTION_FLOW.rules is services.RESOLUTION_TRANSITIONS


@pytest.mark.parametrize(("frm", "to"), list(ALLOWED))
def test_each_allowed_move_appends_its_follow_up_and_moves_the_status(resolution, users, frm, to):
    on, done_on = ALLOWED[(frm, to)]
    _in(resolution, frm)
    history = resolution.history.count()
    follow_up = services.resolution_follow_up(
        resolution=resolution, user=users["expert"], on=on, note="  نامهٔ دستگاه  ",
        status_after=to, now=NOW,
    )  # fmt: skip
    assert follow_up == resolution.followups.get()  # saved, the move's event row
    assert (follow_up.on, follow_up.note, follow_up.status_after, follow_up.by) == (
        on, "نامهٔ دستگاه", to, users["expert"]
    )  # fmt: skip
    # A follow-up that keeps the status writes no status change: no history row.
    assert _state(resolution) == (to, done_on, 1, history + (frm != to))
    if frm != to:
        last = Resolution.history.filter(id=resolution.pk).latest("history_id")
        assert (last.status, last.history_change_reason, last.history_user) == (
            to, "نامهٔ دستگاه", users["expert"]
        )  # fmt: skip


@pytest.mark.parametrize(
    ("frm", "to"), [pair for pair in itertools.product(R, R) if pair not in ALLOWED]
)
def test_each_move_outside_the_table_is_refused_in_its_words(resolution, users, frm, to):
    _in(resolution, frm)
    before = _state(resolution)
    with pytest.raises(InvalidInput) as refused:
        services.resolution_follow_up(
            resolution=resolution, user=users["hq"], on=dt.date(2025, 10, 20), note="پیگیری",
            status_after=to, now=NOW,
        )  # fmt: skip
    assert str(refused.value) == f"مصوبهٔ «{R(frm).label}» را نمی‌توان «{R(to).label}» کرد."
    assert refused.value.field == "status_after"
    assert _state(resolution) == before


@pytest.mark.parametrize(
    ("to", "on", "message"),
    [
        (R.OBJECTED, dt.date(2025, 9, 24), "مهلت اعتراض به این مصوبه گذشته است."),
        (R.NOT_EXECUTED, dt.date(2025, 10, 1), "مهلت اجرای مصوبه هنوز نگذشته است."),
    ],
)
def test_a_guard_refuses_a_move_out_of_its_dates(resolution, users, to, on, message):
    before = _state(resolution)
    with pytest.raises(InvalidInput) as refused:
        services.resolution_follow_up(
            resolution=resolution, user=users["hq"], on=on, note="پیگیری", status_after=to,
            now=NOW,
        )  # fmt: skip
    assert (str(refused.value), refused.value.field) == (message, "status_after")
    assert _state(resolution) == before


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin", True),
        ("hq", True),
        ("arak", True),
        ("expert", True),
        ("fund", False),
        ("coordinator", False),
        ("projects", False),
        ("viewer", False),
    ],
)
def test_only_the_clinics_workers_follow_up(resolution, users, who, allowed):
    before = _state(resolution)
    follow = {"on": dt.date(2025, 9, 10), "note": "پیگیری", "status_after": R.DONE, "now": NOW}
    if allowed:
        services.resolution_follow_up(resolution=resolution, user=users[who], **follow)
        assert _state(resolution)[:3] == (R.DONE, dt.date(2025, 9, 10), 1)
        return
    # The role is refused first, whatever the form holds.
    for form in (follow, {**follow, "note": ""}, {**follow, "status_after": R.OPEN}):
        with pytest.raises(Forbidden) as refused:
            services.resolution_follow_up(resolution=resolution, user=users[who], **form)
        assert str(refused.value) == "نقش شما اجازهٔ ثبت پیگیری مصوبه را ندارد."
    assert _state(resolution) == before


def test_a_follow_up_that_lost_the_race_is_refused_not_written_twice(resolution, users):
    # The caller's row says open, but another follow-up committed "done" first
    # (no row locks on SQLite): the update on the old status finds nothing.
    Resolution.objects.filter(pk=resolution.pk).update(status=R.DONE, done_on=DONE_ON)
    with pytest.raises(Conflict) as refused:
        services.RESOLUTION_FLOW.move(
            resolution, R.NOT_EXECUTED, user=users["hq"], data=dt.date(2025, 10, 2),
            reason="اجرا نشد", locked=True,
        )  # fmt: skip
    assert str(refused.value) == ("وضعیت این مصوبه هم‌زمان تغییر کرده است؛ صفحه را دوباره باز کنید.")
    assert _state(resolution)[:3] == (R.DONE, DONE_ON, 0)


def test_the_form_offers_the_statuses_the_table_moves_to(resolution):
    form = ResolutionFollowUpForm(resolutions=Resolution.objects.all())
    assert [value for value, _label in form.fields["status_after"].choices] == [
        R.OPEN, R.DONE, R.OBJECTED, R.NOT_EXECUTED
    ]  # fmt: skip
    assert services.FOLLOW_UP_STATUSES == [R.OPEN, R.DONE, R.OBJECTED, R.NOT_EXECUTED]


def test_the_follow_up_route_moves_in_scope_only(resolution, users, api_client_for):
    url = f"/api/v1/resolutions/{resolution.pk}/followups"
    body = {"on": "2025-09-10", "note": "پیگیری", "status_after": "objected"}
    assert api_client_for(None).post(url, body, content_type="application/json").status_code == 401
    for outside in ("hq_other", "viewer"):
        r = api_client_for(users[outside]).post(url, body, content_type="application/json")
        assert r.status_code == 404
    assert _state(resolution)[:3] == (R.OPEN, None, 0)
    r = api_client_for(users["arak"]).post(url, body, content_type="application/json")
    assert (r.status_code, r.json()["status"], r.json()["done_on"]) == (200, "objected", None)
    r = api_client_for(users["arak"]).post(
        url, {**body, "status_after": "done"}, content_type="application/json"
    )
    assert r.status_code == 422
    assert (r.json()["errors"][0]["field"], r.json()["errors"][0]["message"]) == (
        "status_after",
        "مصوبهٔ «مورد اعتراض» را نمی‌توان «اجراشده» کرد.",
    )
    assert _state(resolution)[:3] == (R.OBJECTED, None, 1)
