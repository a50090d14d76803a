"""The funds' kinds of the inbox: loans awaiting the user's approval, installments
due this week, loans with an overdue installment; scoped like the loans."""

from __future__ import annotations

import datetime

import time_machine
from django.urls import reverse

from jahesh.funds.models import Installment
from jahesh.inbox.selectors import inbox_items

ON = datetime.date(2023, 5, 22)


def _kinds(user, **kw):
    return [(i.kind, i.url) for i in inbox_items(user=user, **kw)]


def test_a_request_awaits_every_checker_but_its_maker(requested, users, clerk, other_manager):
    url = reverse("funds:loan_detail", args=[requested.pk])
    assert _kinds(clerk) == [("loan_approval", url)]
    assert ("loan_approval", url) in _kinds(users["hq"])
    assert ("loan_approval", url) in _kinds(users["arak"])
    for outsider in (users["fund"], other_manager, users["saveh"], users["hq_other"]):
        assert _kinds(outsider) == []
    assert _kinds(users["viewer"]) == [] and _kinds(users["expert"]) == []


def test_installments_due_this_week_and_overdue(disbursed_loan, clerk, other_manager):
    loan = disbursed_loan()
    first = Installment.objects.filter(loan=loan).order_by("number").first()
    url = reverse("funds:loan_detail", args=[loan.pk])
    due = inbox_items(user=clerk, today=first.due_on - datetime.timedelta(days=3))
    assert [(i.kind, i.url, i.due_on) for i in due] == [("installment_due", url, first.due_on)]
    assert "۱" in due[0].title
    later = first.due_on + datetime.timedelta(days=10)
    late = [(i.kind, i.due_on) for i in inbox_items(user=clerk, today=later)]
    assert ("installment_overdue", first.due_on) in late
    assert inbox_items(user=other_manager, today=later) == []


def test_the_api_answers_the_page_of_items(requested, clerk, users, api_client_for):
    body = api_client_for(clerk).get("/api/v1/inbox").json()
    assert body["count"] == 1
    assert body["items"] == [
        {
            "kind": "loan_approval",
            "title": body["items"][0]["title"],
            "url": reverse("funds:loan_detail", args=[requested.pk]),
            "due_on": ON.isoformat(),
        }
    ]
    assert api_client_for(users["fund"]).get("/api/v1/inbox").json() == {"items": [], "count": 0}
    assert api_client_for(None).get("/api/v1/inbox").status_code == 401
    filtered = api_client_for(clerk).get("/api/v1/inbox?kind=installment_due").json()
    assert filtered["count"] == 0
    assert api_client_for(clerk).get("/api/v1/inbox?kind=nonsense").status_code == 422
    assert api_client_for(clerk).get("/api/v1/inbox?limit=0").status_code == 422


def test_home_and_inbox_pages_list_the_request(requested, clerk, users, client_for):
    url = reverse("funds:loan_detail", args=[requested.pk])
    with time_machine.travel(datetime.datetime(2023, 5, 25, 9, 0), tick=False):
        home = client_for(clerk).get("/").content.decode()
        page = client_for(clerk).get(reverse("inbox:inbox")).content.decode()
        maker_home = client_for(users["fund"]).get("/").content.decode()
    assert 'id="jh-home-inbox"' in home and url in home
    assert "/inbox/?kind=loan_approval" in home and 'data-kind="loan_approval"' in home
    assert url in page and "وام در انتظار تأیید" in page
    assert 'id="jh-home-inbox"' not in maker_home
    assert url not in client_for(users["saveh"]).get(reverse("inbox:inbox")).content.decode()
    assert client_for(None).get(reverse("inbox:inbox")).status_code == 302


def test_the_inbox_reads_one_bounded_query_per_kind(
    requested, users, django_assert_max_num_queries
):
    from jahesh.inbox.selectors import PROVIDERS

    # Each of the kinds one query (the clinic's also reads the year's closures
    # once for its working-day horizon); nothing per item.
    with django_assert_max_num_queries(len(PROVIDERS) + 2):
        items = inbox_items(user=users["admin"])
    assert [i.kind for i in items] == ["loan_approval"]


def test_a_finished_import_is_its_owners_item(users, clerk):
    from django.utils import timezone

    from jahesh.core.models import ImportJob

    now = timezone.now()
    job = ImportJob.objects.create(
        user=clerk, kind="members", filename="اعضا.xlsx", path="x", status=ImportJob.Status.DONE,
        finished_at=now,
    )  # fmt: skip
    ImportJob.objects.create(
        user=clerk, kind="members", filename="old.xlsx", path="y", status=ImportJob.Status.DONE,
        finished_at=now - datetime.timedelta(days=8),
    )  # fmt: skip
    items = [(i.kind, i.url) for i in inbox_items(user=clerk)]
    assert items == [("import_finished", reverse("core:import_job", args=[job.pk]))]
    assert inbox_items(user=users["fund"]) == []


def test_home_counts_each_kind_as_the_inbox_lists_it(
    requested, disbursed_loan, clerk, django_assert_max_num_queries
):
    from jahesh.inbox.selectors import PROVIDERS, home_inbox

    # Given a request awaiting the clerk and a loan whose installments fell due
    loan = disbursed_loan()
    first = Installment.objects.filter(loan=loan).order_by("number").first()
    later = first.due_on + datetime.timedelta(days=40)
    with time_machine.travel(datetime.datetime(later.year, later.month, later.day, 9), tick=False):
        items = inbox_items(user=clerk)
        # Then home reads two small queries a kind at most, never every item
        with django_assert_max_num_queries(2 * len(PROVIDERS) + 2):
            home = home_inbox(user=clerk)
    # and it counts and opens each kind as the inbox lists it
    by_kind = {k: [i for i in items if i.kind == k] for k in {i.kind for i in items}}
    assert {k["kind"]: k["count"] for k in home["kinds"]} == {k: len(v) for k, v in by_kind.items()}
    assert {k["kind"]: k["first"] for k in home["kinds"]} == {k: v[0] for k, v in by_kind.items()}
    assert home["count"] == len(items) >= 2
    assert [k["kind"] for k in home["kinds"]][0] == items[0].kind
