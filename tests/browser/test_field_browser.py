"""The field app on a 390 px phone in Chromium (issue 17): sign in, load «my
visits», go offline, record two visits with a position and a photo, come back
online, and find exactly two visits on the server with their photos and
distances; send the queue again and still find two. Then the map."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from jahesh.units import services
from jahesh.units.models import RiskLevel, Unit, Visit, VisitPhoto
from tests.browser.conftest import CHROMIUM
from tests.browser.test_home_browser import PHONE, _log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
    ),
]

# Every queued visit sent (the page's CSP refuses Playwright's eval of wait_for_function).
ALL_SENT = "#jh-queue:not(:has(.jh-queue-item:not([data-state='sent']))) .jh-queue-item"
HERE = {"latitude": 34.0925, "longitude": 49.6905, "accuracy": 15}


@pytest.fixture
def field_units(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    arak = users["arak"].county
    made = {}
    for name, lat, lon, level in (
        ("کارخانهٔ نزدیک", "34.091800", "49.689700", RiskLevel.HIGH),
        ("کارگاه دور", "34.150000", "49.750000", RiskLevel.WATCH),
    ):
        unit = services.unit_create(
            user=users["admin"], county=arak, name=name, sector="industry",
            address="اراک، خیابان شهید بهشتی", latitude=Decimal(lat), longitude=Decimal(lon),
        )  # fmt: skip
        Unit.objects.filter(pk=unit.pk).update(
            risk_level=level, last_visit_on=timezone.localdate() - timedelta(days=200)
        )
        made[name] = unit
    return made


def _photo(tmp_path, name: str):
    path = tmp_path / name
    Image.new("RGB", (2400, 1800), (30, 120, 160)).save(path, format="JPEG")
    return str(path)


def _queue_states(page) -> list[str]:
    return page.eval_on_selector_all(".jh-queue-item", "els => els.map(e => e.dataset.state)")


def _record(page, unit, photo: str, capacity: str, shot=None) -> None:
    page.click(f'.jh-field-unit[data-unit-id="{unit.pk}"] .jh-field-visit')
    page.wait_for_selector("#jh-form-box:not(.d-none)")
    page.wait_for_selector("#jh-position[data-located='yes']")
    page.set_input_files("#jh-photo", photo)
    page.wait_for_selector("#jh-thumbs img")
    page.fill("#jh-cap", "")
    page.type("#jh-cap", capacity)
    # the box shows what was typed in Persian digits, on a numeric keypad
    assert page.input_value("#jh-cap") == capacity.translate(
        str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    )
    assert page.get_attribute("#jh-cap", "inputmode") == "numeric"
    assert page.input_value("#jh-wage") == "۰"
    page.select_option("#jh-sales", "down")
    if shot:
        page.screenshot(path=str(shot), full_page=True)
    page.click("#jh-save")
    page.wait_for_selector("#jh-list-box:not(.d-none)")


def test_it_records_two_visits_offline_and_sends_them_once(
    transactional_db, users, field_units, live_server, browser, shots, tmp_path
):
    # Given the Arak officer signed in on a 390 px phone that knows where it is
    context = browser.new_context(
        viewport=PHONE, locale="fa-IR", geolocation=HERE, permissions=["geolocation"],
        service_workers="allow",
    )  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _log_in(page, live_server.url, "arak")
    page.goto(f"{live_server.url}/units/field/")
    page.wait_for_selector("body[data-ready='1']")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_selector(".jh-field-dist")  # ordered by distance from here
    names = page.eval_on_selector_all(".jh-field-unit h3", "els => els.map(e => e.textContent)")
    assert names == ["کارخانهٔ نزدیک", "کارگاه دور"]
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shots / "field-list-phone.png"), full_page=True)

    # When the network goes and the page is opened again from the phone's cache
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert page.is_visible("#jh-offline-note")
    assert page.locator(".jh-field-unit").count() == 2

    # And two visits are recorded, each with a photo
    near, far = field_units["کارخانهٔ نزدیک"], field_units["کارگاه دور"]
    # (the first typed on a Persian keyboard, the second on a Latin one)
    _record(page, near, _photo(tmp_path, "a.jpg"), "۴۰", shots / "field-form-phone.png")
    page.screenshot(path=str(shots / "field-queue-offline-phone.png"), full_page=True)
    _record(page, far, _photo(tmp_path, "b.jpg"), "70")

    # Then they wait on the phone and nothing reached the server
    assert _queue_states(page) == ["waiting", "waiting"]
    assert "در انتظار ارسال" in page.inner_text("#jh-queue")
    assert Visit.objects.count() == 0

    # When the network is back
    context.set_offline(False)
    page.wait_for_selector(ALL_SENT, timeout=30_000)

    # Then the server holds exactly two visits, each with its photo and distance
    def check_server() -> None:
        visits = list(Visit.objects.order_by("id"))
        assert [v.unit_id for v in visits] == [near.pk, far.pk]
        assert [v.capacity_utilization for v in visits] == [40, 70]
        assert all(v.client_key for v in visits)
        assert visits[0].distance_m is not None and visits[0].distance_m < 500
        assert not visits[0].far_from_unit
        assert visits[1].distance_m > 500 and visits[1].far_from_unit
        assert all(v.accuracy_m == 15 for v in visits)
        photos = list(VisitPhoto.objects.order_by("visit_id"))
        assert [p.visit_id for p in photos] == [v.pk for v in visits]
        assert all(max(p.width, p.height) == 1600 and len(p.sha256) == 64 for p in photos)

    check_server()
    page.screenshot(path=str(shots / "field-sent-phone.png"), full_page=True)

    # And sending the whole queue again changes nothing
    page.evaluate("window.jaheshField.resendAll()")
    page.wait_for_selector(ALL_SENT)
    assert [q["state"] for q in page.evaluate("window.jaheshField.queue()")] == ["sent", "sent"]
    check_server()
    assert errors == []
    context.close()


def test_it_shows_a_conflict_and_keeps_the_visit(
    transactional_db, users, field_units, live_server, browser, shots
):
    context = browser.new_context(
        viewport=PHONE, locale="fa-IR", geolocation=HERE, permissions=["geolocation"]
    )
    page = context.new_page()
    _log_in(page, live_server.url, "arak")
    page.goto(f"{live_server.url}/units/field/")
    page.wait_for_selector("body[data-ready='1']")
    context.set_offline(True)
    near = field_units["کارخانهٔ نزدیک"]
    # The unit is edited at the office while the officer is offline
    services.unit_update(unit=near, user=users["hq"], address="نشانی تازه")
    page.click(f'.jh-field-unit[data-unit-id="{near.pk}"] .jh-field-visit')
    page.wait_for_selector("#jh-form-box:not(.d-none)")
    page.click("#jh-save")
    context.set_offline(False)
    page.wait_for_selector(".jh-queue-item[data-state='conflict']")
    assert "تغییر کرده" in page.inner_text(".jh-queue-message")
    assert Visit.objects.count() == 0
    page.screenshot(path=str(shots / "field-conflict-phone.png"), full_page=True)
    page.click(".jh-queue-item[data-state='conflict'] .btn-outline-primary")
    page.wait_for_selector(".jh-queue-item[data-state='sent']")
    assert Visit.objects.filter(unit=near).count() == 1
    context.close()


def test_it_draws_the_units_on_the_map(transactional_db, users, live_server, browser, shots):
    markazi = users["hq"].province
    counties = list(markazi.counties.all())
    for i in range(400):
        unit = services.unit_create(
            user=users["admin"], county=counties[i % len(counties)], name=f"واحد نقشه {i}",
            sector="industry", latitude=Decimal("34.0") + Decimal(i % 20) / 50,
            longitude=Decimal("49.4") + Decimal(i // 20) / 40,
        )  # fmt: skip
        level = [RiskLevel.HIGH, RiskLevel.WATCH, RiskLevel.LOW, ""][i % 4]
        Unit.objects.filter(pk=unit.pk).update(risk_level=level)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fa-IR")
    csp: list[str] = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security" in m.text else None)
    _log_in(page, live_server.url, "hq")
    page.goto(f"{live_server.url}/units/map/")
    page.wait_for_selector("#jh-map[data-markers]")
    assert page.get_attribute("#jh-map", "data-markers") == "400"
    assert page.locator(".jh-cluster").count() > 0
    # Units, projects and camps as layers one may turn off (hq may read all three).
    assert page.locator(".leaflet-control-layers-overlays input").count() == 3
    page.screenshot(path=str(shots / "map.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/units/map/?risk_level=high")
    page.wait_for_selector("#jh-map[data-markers]")
    assert page.get_attribute("#jh-map", "data-markers") == "100"
    page.screenshot(path=str(shots / "map-phone.png"), full_page=True)
    assert csp == []
