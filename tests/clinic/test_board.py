"""The case board: what each reader sees, the columns' cards and counts, and a
change to a case shown on the next read (the board keeps nothing between reads)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jahesh.clinic import selectors, services
from jahesh.clinic.models import Case, CaseStatus, Expert

S = CaseStatus
URL = "clinic:case_board"


def _column(columns, status):
    return next(c for c in columns if c.status == status)


@pytest.fixture
def two_counties(make_case, make_unit, geo):
    arak = make_case(S.IN_PROGRESS, unit=make_unit(name="ریخته‌گری اراک"))
    saveh = make_case(S.TRIAGED, unit=make_unit(county=geo["saveh"], name="کارخانهٔ ساوه"))
    return arak, saveh


def test_it_shows_each_reader_only_the_cases_in_scope(two_counties, client_for, users, expert):
    r = client_for(None).get(reverse(URL))
    assert r.status_code == 302 and "login" in r["Location"]
    arak_body = client_for(users["arak"]).get(reverse(URL)).content.decode()
    assert "ریخته‌گری اراک" in arak_body and expert.name in arak_body
    assert "کارخانهٔ ساوه" not in arak_body
    saveh_body = client_for(users["saveh"]).get(reverse(URL)).content.decode()
    assert "کارخانهٔ ساوه" in saveh_body and "ریخته‌گری اراک" not in saveh_body
    hq_body = client_for(users["hq"]).get(reverse(URL)).content.decode()
    assert "کارخانهٔ ساوه" in hq_body and "ریخته‌گری اراک" in hq_body
    other = client_for(users["hq_other"]).get(reverse(URL)).content.decode()
    assert "کارخانهٔ ساوه" not in other and "ریخته‌گری اراک" not in other
    assert expert.name not in other
    # the list's filters carry over: Saveh's county only
    body = client_for(users["hq"]).get(reverse(URL), {"county": 236}).content.decode()
    assert "کارخانهٔ ساوه" in body and "ریخته‌گری اراک" not in body


def test_it_puts_each_case_in_its_column_newest_first(two_counties, users):
    arak, saveh = two_counties
    columns = selectors.case_board(user=users["hq"])
    assert [c.status for c in columns] == list(S.values)
    assert [card.pk for card in _column(columns, S.IN_PROGRESS).cards] == [arak.pk]
    assert [card.pk for card in _column(columns, S.TRIAGED).cards] == [saveh.pk]
    card = _column(columns, S.IN_PROGRESS).cards[0]
    assert (card.unit, card.category, card.severity) == (
        "ریخته‌گری اراک",
        arak.category.name,
        arak.severity,
    )
    assert card.expert == arak.expert.name and card.due_at == arak.due_at
    assert _column(columns, S.TRIAGED).cards[0].expert == ""
    assert sum(c.count for c in columns) == 2 and not any(c.more for c in columns)


def test_it_counts_full_columns_up_to_the_cap(make_case, users, monkeypatch):
    made = [make_case(S.ASSIGNED) for _ in range(selectors.BOARD_CARDS + 2)]
    column = _column(selectors.case_board(user=users["hq"]), S.ASSIGNED)
    assert [c.pk for c in column.cards] == sorted((c.pk for c in made), reverse=True)[
        : selectors.BOARD_CARDS
    ]
    assert (column.count, column.more) == (len(made), False)
    monkeypatch.setattr(selectors, "BOARD_COUNT_CAP", selectors.BOARD_CARDS)
    column = _column(selectors.case_board(user=users["hq"]), S.ASSIGNED)
    assert (column.count, column.more) == (selectors.BOARD_CARDS, True)
    assert _column(selectors.case_board(user=users["hq_other"]), S.ASSIGNED).cards == []


def test_a_change_to_a_case_shows_on_the_next_read(two_counties, client_for, users, other_expert):
    arak, saveh = two_counties
    client = client_for(users["hq"])
    before = client.get(reverse(URL)).content.decode()
    assert other_expert.name not in before
    services.case_transition(
        case=saveh,
        to_status=S.ASSIGNED,
        user=users["admin"],
        data=services.MoveInput(expert=other_expert),
    )
    columns = selectors.case_board(user=users["hq"])
    assert [c.pk for c in _column(columns, S.ASSIGNED).cards] == [saveh.pk]
    assert _column(columns, S.TRIAGED).cards == []
    assert other_expert.name in client.get(reverse(URL)).content.decode()
    # an expert renamed, a deadline passed: both on the next read
    Expert.objects.filter(pk=other_expert.pk).update(name="مهندس سارا احمدی‌نژاد")
    Case.objects.filter(pk=arak.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    body = client.get(reverse(URL)).content.decode()
    assert "مهندس سارا احمدی‌نژاد" in body
    assert body.count("list-group-item-danger") == 1
    card = _column(selectors.case_board(user=users["hq"]), S.IN_PROGRESS).cards[0]
    assert card.late and card.pk == arak.pk


def test_its_queries_do_not_grow_with_the_cases(make_case, client_for, users):
    client = client_for(users["hq"])
    make_case(S.ASSIGNED)
    client.get(reverse(URL))  # the session and the menu's first reads
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(URL)).status_code == 200
    for status in (S.NEW, S.ASSIGNED, S.RESOLVED):
        for _ in range(selectors.BOARD_CARDS + 1):
            make_case(status)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(URL)).status_code == 200
    # the cards in one read; the counts of the full columns in one more
    assert len(many) == len(few) + 1
    assert len([q for q in many.captured_queries if "clinic_case" in q["sql"]]) == 2
