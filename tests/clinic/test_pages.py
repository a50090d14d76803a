"""Every page for an in-scope user, an out-of-scope user and an anonymous client,
plus wrong methods and bad ids."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import pytest
from django.urls import reverse

from jahesh.clinic import services
from jahesh.clinic.models import CaseStatus

S = CaseStatus


@pytest.fixture
def world(make_case, make_unit, geo, users, group, expert, agency, other_expert):
    arak = make_case(S.IN_PROGRESS)  # assigned to the ``expert`` user
    saveh = make_case(S.TRIAGED, unit=make_unit(county=geo["saveh"], name="کارخانهٔ ساوه"))
    saveh = services.case_transition(
        case=saveh,
        to_status=S.ASSIGNED,
        user=users["admin"],
        data=services.MoveInput(expert=other_expert),
    )
    session = services.session_create(
        user=users["hq"],
        group=group,
        held_on=dt.date(2025, 11, 20),
        attendees=[expert],
        other_attendees="نمایندهٔ بانک ملی",
        agenda=[arak],
        minutes="بحث دربارهٔ معوقات بانکی",
    )
    services.resolution_create(
        user=users["hq"],
        session=session,
        text="امهال شش‌ماهه",
        agency=agency,
        due_on=dt.date(2025, 12, 20),
        case=arak,
        responsible_person="مدیر شعب",
    )
    return {"arak": arak, "saveh": saveh, "session": session, "group": group}


LIST_PAGES = [
    "clinic:case_list",
    "clinic:case_board",
    "clinic:expert_workload",
    "clinic:group_list",
    "clinic:resolution_register",
    "clinic:agency_scoreboard",
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_it_serves_list_pages_by_scope(name, world, client_for, users):
    url = reverse(name)
    r = client_for(None).get(url)
    assert r.status_code == 302 and "login" in r["Location"]
    for user in ("viewer", "fund"):  # no clinic module: 403 saying why
        assert client_for(users[user]).get(url).status_code == 403
    r = client_for(users["hq"]).get(url)
    assert r.status_code == 200
    assert client_for(users["hq"]).post(url).status_code == 405


def test_it_lists_only_cases_in_scope(world, client_for, users):
    url = reverse("clinic:case_list")
    body = client_for(users["arak"]).get(url).content.decode()
    assert world["arak"].unit.name in body and "کارخانهٔ ساوه" not in body
    body = client_for(users["expert"]).get(url).content.decode()
    assert world["arak"].unit.name in body and "کارخانهٔ ساوه" not in body
    body = client_for(users["hq"]).get(url, {"county": 236}).content.decode()
    assert "کارخانهٔ ساوه" in body and world["arak"].unit.name not in body
    body = client_for(users["hq_other"]).get(url).content.decode()
    assert "کارخانهٔ ساوه" not in body


def test_it_bounds_queries_of_the_list_and_board(
    world, client_for, users, django_assert_max_num_queries, make_case
):
    for _ in range(15):
        make_case(S.ASSIGNED)
    client = client_for(users["hq"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("clinic:case_list")).status_code == 200
    # the board: the cards of every column in one read and the full columns'
    # capped counts in one more (tests/clinic/test_board.py), plus the session's
    with django_assert_max_num_queries(6):
        assert client.get(reverse("clinic:case_board")).status_code == 200


def _detail_pages(world):
    return [
        reverse("clinic:case_detail", args=[world["arak"].pk]),
        reverse("clinic:group_detail", args=[world["group"].pk]),
        reverse("clinic:session_detail", args=[world["session"].pk]),
    ]


def test_it_serves_detail_pages_in_scope_and_404_outside(world, client_for, users):
    for url in _detail_pages(world):
        assert client_for(None).get(url).status_code == 302
        assert client_for(users["hq_other"]).get(url).status_code == 404, url
        for user in ("viewer", "fund"):  # no clinic module, whatever the record
            assert client_for(users[user]).get(url).status_code == 403, (url, user)
        for user in ("hq", "arak", "expert", "admin"):
            assert client_for(users[user]).get(url).status_code == 200, (url, user)
        assert client_for(users["hq"]).post(url).status_code == 405
    saveh_url = reverse("clinic:case_detail", args=[world["saveh"].pk])
    assert client_for(users["arak"]).get(saveh_url).status_code == 404
    assert client_for(users["expert"]).get(saveh_url).status_code == 404
    assert client_for(users["saveh"]).get(saveh_url).status_code == 200
    assert client_for(users["hq"]).get("/clinic/999999/").status_code == 404
    assert client_for(users["hq"]).get("/clinic/sessions/999999/").status_code == 404


def test_it_shows_the_timeline_and_the_actions(world, client_for, users):
    body = (
        client_for(users["expert"])
        .get(reverse("clinic:case_detail", args=[world["arak"].pk]))
        .content.decode()
    )
    assert "روند پرونده" in body and "در حال رسیدگی" in body and "ثبت اقدام" in body
    assert 'value="waiting"' in body
    body = (
        client_for(users["hq"])
        .get(reverse("clinic:case_detail", args=[world["arak"].pk]))
        .content.decode()
    )
    assert 'value="assigned"' in body


def test_it_moves_a_case_with_htmx_and_shows_refusals(world, client_for, users, agency):
    url = reverse("clinic:case_transition", args=[world["arak"].pk])
    client = client_for(users["expert"])
    r = client.post(url, {"to_status": "resolved", "outcome": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert "نتیجهٔ رفع مانع را انتخاب کنید." in r.content.decode()
    world["arak"].refresh_from_db()
    assert world["arak"].status == S.IN_PROGRESS
    r = client.post(url, {"to_status": "waiting", "agency": agency.pk}, HTTP_HX_REQUEST="true")
    world["arak"].refresh_from_db()
    assert world["arak"].status == S.WAITING
    # Done: htmx is sent to the whole case page (its <main>), where the header badge
    # shows the new status, and a message says what happened.
    detail = reverse("clinic:case_detail", args=[world["arak"].pk])
    location = json.loads(r["HX-Location"])
    assert location == {"path": detail, "target": "#main", "select": "#main", "swap": "outerHTML"}
    page = client.get(detail, HTTP_HX_REQUEST="true").content.decode()
    waiting = str(S.WAITING.label)
    assert f"وضعیت پرونده به «{waiting}» تغییر کرد." in page
    heading = page.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert waiting in heading and "ساعت متوقف" in page
    assert client.get(url).status_code == 405
    assert client_for(users["saveh"]).post(url, {"to_status": "in_progress"}).status_code == 404
    assert client_for(None).post(url, {"to_status": "in_progress"}).status_code == 302
    r = client.post(url, {"to_status": "in_progress"})
    assert r.status_code == 302
    world["arak"].refresh_from_db()
    assert world["arak"].status == S.IN_PROGRESS


def test_it_opens_a_case_from_the_unit(world, client_for, users, category):
    unit = world["arak"].unit
    url = reverse("clinic:case_create") + f"?unit={unit.pk}"
    assert client_for(users["arak"]).get(url).status_code == 200
    assert client_for(None).get(url).status_code == 302
    assert client_for(users["viewer"]).get(url).status_code == 403  # no clinic module
    assert client_for(users["arak"]).delete(url).status_code == 405
    assert client_for(users["saveh"]).get(url).status_code == 404
    assert (
        client_for(users["hq"]).get(reverse("clinic:case_create") + "?unit=999999").status_code
        == 404
    )
    r = client_for(users["arak"]).post(
        url,
        {
            "unit": unit.pk,
            "category": category.pk,
            "severity": 2,
            "title": "کمبود نقدینگی",
            "source": "visit",
        },
    )
    assert r.status_code == 302
    assert unit.obstacle_cases.count() == 2


def test_it_prints_the_minutes_as_a_persian_pdf(world, client_for, users, tmp_path):
    url = reverse("clinic:session_pdf", args=[world["session"].pk])
    r = client_for(users["hq"]).get(url)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content[:5] == b"%PDF-" and len(r.content) > 10_000
    if shutil.which("pdffonts"):  # the Persian font is embedded (poppler-utils, if present)
        path = tmp_path / "minutes.pdf"
        path.write_bytes(r.content)
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        assert "Vazirmatn" in fonts
    assert client_for(users["hq_other"]).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_it_adds_the_cases_panel_to_the_unit_page(world, rf, users):
    from jahesh.clinic.panels import unit_cases_panel
    from jahesh.units.panels import PANELS, panels_for

    assert unit_cases_panel in PANELS
    request = rf.get("/")
    request.user = users["arak"]
    panel = unit_cases_panel(request, world["arak"].unit)
    assert [c.pk for c in panel["context"]["cases"]] == [world["arak"].pk]
    html = "".join(p["html"] for p in panels_for(request, world["arak"].unit))
    assert reverse("clinic:case_detail", args=[world["arak"].pk]) in html
    assert "پروندهٔ مانع تازه" in html
    request.user = users["viewer"]
    assert unit_cases_panel(request, world["arak"].unit) is None


def test_it_lets_an_expert_reach_the_units_of_their_cases(world, users):
    from jahesh.accounts.scoping import scoped
    from jahesh.units.hooks import open_case_unit_ids
    from jahesh.units.models import Unit

    assert list(scoped(users["expert"], Unit).values_list("pk", flat=True)) == [
        world["arak"].unit_id
    ]
    assert set(open_case_unit_ids()) == {world["arak"].unit_id, world["saveh"].unit_id}


def test_it_records_the_follow_up_of_a_prevented_closure(
    world, client_for, users, make_case, make_unit, high_risk
):
    case = make_case(S.IN_PROGRESS, unit=high_risk(make_unit()))
    case = services.case_transition(
        case=case,
        to_status=S.RESOLVED,
        user=users["admin"],
        data=services.MoveInput(outcome="closure_prevented", outcome_note="نامهٔ بانک"),
    )
    detail = reverse("clinic:case_detail", args=[case.pk])
    assert "صرفه‌جویی تأییدنشده" in client_for(users["arak"]).get(detail).content.decode()
    url = reverse("clinic:case_followup", args=[case.pk])
    assert client_for(None).post(url, {}).status_code == 302
    assert (
        client_for(users["saveh"]).post(url, {"confirmed": "1", "on": "1404/09/06"}).status_code
        == 404
    )
    assert client_for(users["arak"]).get(url).status_code == 405
    r = client_for(users["arak"]).post(url, {"confirmed": "1", "on": "۱۴۰۴/۰۹/۰۶", "note": "فعال"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert (case.followup_confirmed, case.followup_on) == (True, dt.date(2025, 11, 27))
    assert "تأیید شد" in client_for(users["arak"]).get(detail).content.decode()


def test_it_scopes_the_suggestions_route(world, api_client_for, users):
    url = f"/api/v1/cases/{world['saveh'].pk}/suggestions"
    assert api_client_for(users["arak"]).get(url).status_code == 404
    assert api_client_for(None).get(url).status_code == 401
    assert api_client_for(users["saveh"]).get(url).status_code == 200


def test_it_records_a_session_with_an_agenda_from_escalated_cases(
    world, client_for, users, make_case, expert
):
    escalated = make_case(S.ESCALATED)  # escalated to ``group``
    url = reverse("clinic:session_create", args=[world["group"].pk])
    assert client_for(None).get(url).status_code == 302
    assert client_for(users["hq_other"]).get(url).status_code == 404
    assert client_for(users["viewer"]).get(url).status_code == 403
    page = client_for(users["hq"]).get(url).content.decode()
    assert escalated.unit.name in page
    r = client_for(users["hq"]).post(
        url,
        {
            "held_on": "۱۴۰۴/۰۹/۰۱",
            "place": "استانداری",
            "attendees": [expert.pk],
            "agenda": [escalated.pk],
            "minutes": "بررسی",
        },
    )
    assert r.status_code == 302
    session = world["group"].sessions.order_by("-number").first()
    assert (session.number, list(session.agenda.all())) == (2, [escalated])
    r = client_for(users["expert"]).post(url, {"held_on": "۱۴۰۴/۰۹/۰۱"})
    assert r.status_code == 200 and "فقط مدیر قرارگاه" in r.content.decode()


def test_it_adds_and_follows_up_resolutions_on_the_session_page(world, client_for, users, agency):
    session = world["session"]
    add = reverse("clinic:resolution_add", args=[session.pk])
    follow = reverse("clinic:resolution_follow_up", args=[session.pk])
    hq = client_for(users["hq"])
    r = hq.post(add, {"r-text": "تمدید مهلت", "r-agency": agency.pk, "r-due_on": "1404/08/01"})
    assert r.status_code == 422 and "مهلت اجرا پیش از تاریخ جلسه است." in r.content.decode()
    r = hq.post(add, {"r-text": "تمدید مهلت", "r-agency": agency.pk, "r-due_on": "1404/10/01"})
    assert r.status_code == 302 and session.resolutions.count() == 2
    res = session.resolutions.get(number=2)
    r = hq.post(
        follow,
        {
            "f-resolution": res.pk,
            "f-status_after": "done",
            "f-on": "1404/09/06",
            "f-note": "انجام شد",
        },
    )
    assert r.status_code == 302
    res.refresh_from_db()
    assert (res.status, res.done_on) == ("done", dt.date(2025, 11, 27))
    for url in (add, follow):
        assert client_for(None).post(url, {}).status_code == 302
        assert client_for(users["hq_other"]).post(url, {}).status_code == 404
        assert hq.get(url).status_code == 405


def test_it_names_the_category_without_its_code_on_the_case_page(world, client_for, users):
    case = world["arak"]
    body = (
        client_for(users["hq"]).get(reverse("clinic:case_detail", args=[case.pk])).content.decode()
    )
    assert case.category.name in body
    assert f">{case.category.code}<" not in body and f"({case.category.code}" not in body
    assert f'نسخهٔ طبقه‌بندی: <bdi dir="ltr">{case.taxonomy_version}</bdi>' in body
