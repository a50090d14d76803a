from __future__ import annotations

import io

import openpyxl
import pytest

from tests.conftest import ARAK, SAVEH
from tests.reports.conftest import MARKAZI_1403

Y1403 = {"period": "year", "year": "1403"}


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def test_it_shows_every_kpi_card_for_the_hq_province(world, users, client_for):
    response = client_for(users["hq"]).get("/reports/", Y1403)
    assert response.status_code == 200
    cards = {c["kpi"].code: c for c in response.context["cards"]}
    assert {code: c["value"] for code, c in cards.items()} == MARKAZI_1403
    assert cards["units_monitored"]["text"] == "۳"
    assert cards["projects_value_rial"]["text"] == "۱۷۰ میلیون تومان"
    assert cards["par30"]["text"] == "۵۵٫۵۶٪"
    html = response.content.decode()
    assert "واحدهای تولیدی متمایزی که دست‌کم یک بازدید" in html  # the definition, in a popover
    assert "/reports/kpi/units_monitored/?period=year&amp;year=1403" in html


def test_it_lists_each_county_of_the_province(world, users, client_for):
    response = client_for(users["hq"]).get("/reports/", Y1403)
    rows = {r["place"].pk: r for r in response.context["table_rows"]}
    assert set(rows) == {ARAK, SAVEH}
    assert rows[ARAK]["is_county"]
    arak = {k.code: text for k, text, _href in rows[ARAK]["cells"]}
    hrefs = {k.code: href for k, _text, href in rows[ARAK]["cells"]}
    assert arak["units_monitored"] == "۲"
    assert hrefs["units_monitored"].startswith("/reports/kpi/units_monitored/?")
    assert hrefs["units_monitored"].endswith(f"&county={ARAK}")
    assert arak["services_value_rial"] == "۳۰٬۰۰۰٬۰۰۰ تومان"


def test_it_charts_headline_figures_by_jalali_year(world, users, client_for):
    response = client_for(users["hq"]).get(
        "/reports/", {"period": "range", "start": "1402/01/01", "end": "1403/12/30"}
    )
    charts = {c["code"]: c for c in response.context["charts"]}
    assert charts["units_monitored"]["years"] == ["1402", "1403"]
    assert charts["units_monitored"]["values"] == [1, 3]  # u3 visited in 1402
    assert charts["projects_completed"]["values"] == [1, 2]


def test_it_shows_widgets_only_for_modules_the_role_may_use(world, users, client_for):
    hq = client_for(users["hq"]).get("/reports/", Y1403).context["widgets"]
    assert [u.pk for u in hq.watchlist] == sorted(
        [world["units"]["u1"].pk, world["units"]["u3"].pk], reverse=True
    )
    assert hq.overdue_count == 1  # c4 is open and past its deadline
    assert hq.resolutions_count == 2  # r2 and r4 are open
    viewer = client_for(users["viewer"]).get("/reports/", Y1403).context["widgets"]
    assert viewer.watchlist is None and viewer.overdue is None
    coordinator = client_for(users["coordinator"]).get("/reports/", Y1403)
    assert coordinator.context["widgets"].watchlist is None
    assert "jh-watchlist" not in coordinator.content.decode()


def test_it_clamps_a_county_officer_to_their_county(world, users, client_for):
    response = client_for(users["arak"]).get("/reports/", {**Y1403, "county": SAVEH})
    assert response.context["area"].county_id == ARAK
    assert [r["place"].pk for r in response.context["table_rows"]] == [ARAK]
    widgets = response.context["widgets"]
    assert {u.county_id for u in widgets.watchlist} == {ARAK}


@pytest.mark.parametrize("who", ["expert", "fund"])
def test_it_answers_403_to_roles_without_the_dashboard(world, users, client_for, who):
    response = client_for(users[who]).get("/reports/")
    assert response.status_code == 403
    assert "داشبورد و گزارش‌ها" in response.content.decode()


def test_it_links_home_cards_only_to_drilldowns_the_role_may_open(world, users, client_for):
    # The coordinator has the dashboard and volunteers, not the clinic or units
    html = client_for(users["coordinator"]).get("/").content.decode()
    assert 'href="/reports/kpi/volunteers/"' in html
    assert 'href="/reports/kpi/closures_prevented/"' not in html
    assert 'data-code="closures_prevented"' in html  # the figure is still shown
    assert "/reports/kpi/" not in client_for(users["viewer"]).get("/").content.decode()


def test_it_links_only_the_drilldowns_the_role_may_open(world, users, client_for):
    # Given a viewer (figures only) and a headquarters manager (records too)
    viewer = client_for(users["viewer"]).get("/reports/", Y1403)
    hq = client_for(users["hq"]).get("/reports/", Y1403)
    # Then the viewer's cards and county table link no drill-down, the manager's do
    assert "/reports/kpi/" not in viewer.content.decode()
    assert all(
        href is None for row in viewer.context["table_rows"] for _k, _t, href in row["cells"]
    )
    assert hq.content.decode().count('href="/reports/kpi/volunteers/?') >= 2  # card + a cell


def test_it_sends_anonymous_visitors_to_sign_in(client_for, db):
    for url in (
        "/reports/",
        "/reports/kpi/units_monitored/",
        "/reports/report/",
        "/reports/export/all.xlsx",
    ):
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"] or "login" in response["Location"]


def test_it_refuses_other_methods(users, client_for):
    assert client_for(users["hq"]).post("/reports/").status_code == 405
    assert client_for(users["hq"]).post("/reports/kpi/units_monitored/").status_code == 405


def test_it_shows_a_persian_error_for_a_bad_range(world, users, client_for):
    response = client_for(users["hq"]).get(
        "/reports/", {"period": "range", "start": "1403/13/01", "end": "1403/02/01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "تاریخ" in response.content.decode()
    back = client_for(users["hq"]).get(
        "/reports/", {"period": "range", "start": "1403/05/01", "end": "1403/02/01"}
    )
    assert "پایان دوره باید بعد از آغاز آن باشد" in back.content.decode()


# --- Drill-downs ---------------------------------------------------------------


def test_it_drills_down_to_the_records_behind_a_figure(
    world, users, client_for, django_assert_max_num_queries
):
    client = client_for(users["hq"])
    # (13: one of them asks whether the province's 1403 figures were published.)
    with django_assert_max_num_queries(13):
        response = client.get("/reports/kpi/units_monitored/", Y1403)
    assert response.status_code == 200
    assert response.context["value"] == 3
    names = {row[0]["value"] for row in response.context["rows"]}
    assert names == {"ریخته‌گری اراک", "نساجی اراک", "لبنیات ساوه"}
    html = response.content.decode()
    assert "تعریف:" in html and "دست‌کم یک بازدید پایش" in html
    assert f"/units/{world['units']['u1'].pk}/" in html


def test_it_keeps_a_county_officer_to_their_county_records(world, users, client_for):
    response = client_for(users["arak"]).get(
        "/reports/kpi/units_monitored/", {**Y1403, "county": SAVEH}
    )
    names = {row[0]["value"] for row in response.context["rows"]}
    assert names == {"ریخته‌گری اراک", "نساجی اراک"}


def test_it_shows_a_viewer_figures_but_never_records(world, users, client_for):
    client = client_for(users["viewer"])
    response = client.get("/reports/kpi/volunteers/", Y1403)
    assert response.status_code == 403
    html = response.content.decode()
    assert "فقط خواندن آمار و ارقام" in html
    assert "رضایی" not in html  # no volunteer's name
    assert response.context["value"] == 2
    assert client.get("/reports/kpi/volunteers/export.xlsx", Y1403).status_code == 404


def test_it_hides_records_of_modules_a_role_may_not_use(world, users, client_for):
    # The project manager may use the dashboard and projects, not volunteers.
    client = client_for(users["projects"])
    assert client.get("/reports/kpi/volunteers/", Y1403).status_code == 403
    assert client.get("/reports/kpi/projects_completed/", Y1403).status_code == 200


def test_it_answers_404_for_an_unknown_kpi_or_format(users, client_for):
    client = client_for(users["hq"])
    assert client.get("/reports/kpi/nothing/").status_code == 404
    assert client.get("/reports/kpi/units_monitored/export.pdf").status_code == 404
    assert client.get("/reports/export/all.pdf").status_code == 404


def test_it_pages_a_long_drilldown(world, users, client_for):
    response = client_for(users["hq"]).get("/reports/kpi/units_monitored/", {**Y1403, "page": "99"})
    assert response.context["page_obj"].number == 1


# --- Exports -------------------------------------------------------------------


def _sheet(content: bytes, index: int = 0):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return workbook.worksheets[index]


def test_it_exports_a_drilldown_to_xlsx_right_to_left_with_jalali_dates(world, users, client_for):
    response = client_for(users["hq"]).get("/reports/kpi/projects_completed/export.xlsx", Y1403)
    assert response.status_code == 200
    sheet = _sheet(response.content)
    assert sheet.sheet_view.rightToLeft is True
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("عنوان پروژه", "نوع", "شهرستان", "تاریخ پایان")
    assert sorted(r[3] for r in rows[1:]) == ["1403/03/12", "1403/10/12"]


def test_it_exports_a_drilldown_to_csv(world, users, client_for):
    response = client_for(users["hq"]).get("/reports/kpi/services_value_rial/export.csv", Y1403)
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffنوع خدمت,شهرستان,تاریخ ارائه,تعداد,ارزش (ریال)")
    assert "اراک,1403/02/12,1,300000000" in text


def test_it_exports_the_dashboard_figures_and_the_county_table(world, users, client_for):
    client = client_for(users["hq"])
    response = client.get("/reports/export/all.xlsx", Y1403)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    figures, places = workbook.worksheets
    assert figures.sheet_view.rightToLeft and places.sheet_view.rightToLeft
    rows = {r[0]: r for r in figures.iter_rows(min_row=2, values_only=True)}
    assert rows["units_monitored"][1:4] == ("واحدهای پایش‌شده", 3, "تعداد")
    assert rows["par30"][2] == 55.56
    assert rows["jobs_planned_unverified"][2] == 5
    place_rows = list(places.iter_rows(values_only=True))
    assert place_rows[0][0] == "محل" and place_rows[0][1] == "واحدهای پایش‌شده (تعداد)"
    assert sorted(r[0] for r in place_rows[1:]) == ["اراک", "ساوه"]
    csv = client.get("/reports/export/counties.csv", Y1403).content.decode()
    assert csv.splitlines()[0].startswith("\ufeffمحل,واحدهای پایش‌شده (تعداد)")


# --- Home --------------------------------------------------------------------------


def test_it_puts_the_headline_figures_on_home_for_dashboard_roles(world, users, client_for):
    import time_machine

    with time_machine.travel("2025-03-21 10:00:00+03:30", tick=False):
        response = client_for(users["viewer"]).get("/")
    figures = response.context["figures"]
    assert figures["area_label"] == "استان مرکزی"
    assert {c["kpi"].code: c["text"] for c in figures["cards"]}["units_monitored"] == "۳"
    assert 'id="jh-home-figures"' in response.content.decode()
    for who in ("fund", "expert"):
        other = client_for(users[who]).get("/")
        assert other.context["figures"] is None
        assert "jh-home-figures" not in other.content.decode()


def test_it_links_each_county_figure_to_its_drilldown(world, users, client_for):
    html = client_for(users["hq"]).get("/reports/", Y1403).content.decode()
    assert f"/reports/kpi/units_monitored/?period=year&amp;year=1403&amp;county={ARAK}" in html
    drill = client_for(users["hq"]).get("/reports/kpi/units_monitored/", {**Y1403, "county": ARAK})
    assert drill.context["value"] == 2


@pytest.mark.parametrize("who", ["hq", "arak", "admin"])
def test_it_bounds_the_dashboards_queries_uncached(
    who, world, users, client_for, django_assert_max_num_queries
):
    # every figure computed from the records (no cache, no table): a query per
    # KPI part and period (about 90), however many places or rows the page shows
    with django_assert_max_num_queries(100):
        assert client_for(users[who]).get("/reports/", Y1403).status_code == 200
