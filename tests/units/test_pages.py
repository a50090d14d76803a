"""The units pages: scoped lists, detail timeline, forms, watch list, export, import."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from jahesh.units.models import Unit, Visit


def test_the_list_shows_only_units_in_scope(client_for, users, units):
    page = client_for(users["arak"]).get("/units/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "شرکت فولاد اراک" in html and "کارخانه قند ساوه" not in html
    assert "۱ واحد" in html


def test_the_list_searches_with_the_normalised_key(client_for, users, units):
    html = client_for(users["hq"]).get("/units/", {"q": "فولاد اراك"}).content.decode()
    assert "شرکت فولاد اراک" in html and "کارخانه قند ساوه" not in html


def test_the_list_needs_a_login_and_the_module(client_for, users, units):
    response = client_for(None).get("/units/")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]
    assert client_for(users["viewer"]).get("/units/").status_code == 403
    assert client_for(users["fund"]).get("/units/").status_code == 403
    assert client_for(users["arak"]).post("/units/").status_code == 405


def test_the_list_makes_a_bounded_number_of_queries(
    client_for, users, make_unit, django_assert_max_num_queries
):
    for i in range(30):
        make_unit(name=f"واحد {i}")
    client = client_for(users["hq"])
    with django_assert_max_num_queries(12):
        assert client.get("/units/", {"order": "-risk"}).status_code == 200


def test_the_detail_page_is_a_timeline_in_scope_only(client_for, users, units):
    client = client_for(users["arak"])
    html = client.get(f"/units/{units['arak'].pk}/").content.decode()
    assert "بازدید پایش" in html and "۶ ماه حقوق معوق" in html and "ظرفیت ۱۰٪" in html
    assert "تاریخچهٔ تغییرات" in html
    assert client.get(f"/units/{units['saveh'].pk}/").status_code == 404
    assert client.get("/units/999999/").status_code == 404
    assert client_for(None).get(f"/units/{units['arak'].pk}/").status_code == 302


def test_the_timeline_counts_unpaid_wage_months_in_the_readers_language(
    client_for, users, units, make_visit
):
    # given the Arak unit's 6 months and another visit's single month,
    # when an English reader opens the page, then each count takes its own noun form
    make_visit(
        units["arak"], visited_on=units["arak"].visits.first().visited_on, unpaid_wage_months=1
    )
    client = client_for(users["arak"])
    client.cookies["django_language"] = "en"
    html = client.get(f"/units/{units['arak'].pk}/").content.decode()
    assert "6 months of unpaid wages" in html and "1 month of unpaid wages" in html
    assert "1 months" not in html
    client.cookies["django_language"] = "fa"
    html = client.get(f"/units/{units['arak'].pk}/").content.decode()
    assert "۶ ماه حقوق معوق" in html and "۱ ماه حقوق معوق" in html
    assert client_for(users["saveh"]).get(f"/units/{units['arak'].pk}/").status_code == 404
    assert client_for(None).get(f"/units/{units['arak'].pk}/").status_code == 302


def test_the_detail_page_shows_the_panels_of_other_apps(client_for, users, units, monkeypatch):
    from jahesh.units import panels

    monkeypatch.setattr(
        panels,
        "PANELS",
        [
            lambda request, unit: {
                "title": "پرونده‌های کلینیک",
                "template": "partials/empty.html",
                "context": {"text": "برچسب آزمایشی", "icon": "building"},
            },
            lambda request, unit: None,
        ],
    )
    html = client_for(users["arak"]).get(f"/units/{units['arak'].pk}/").content.decode()
    assert "پرونده‌های کلینیک" in html and "برچسب آزمایشی" in html


def test_it_creates_a_unit_from_the_form_with_a_jalali_date(client_for, users, geo):
    client = client_for(users["arak"])
    page = client.get("/units/new/")
    assert page.status_code == 200
    assert 'name="national_id"' in page.content.decode()
    assert "enctype" not in page.content.decode()
    response = client.post(
        "/units/new/",
        {
            "name": "شركت مي‌سازان",
            "sector": "industry",
            "county": geo["arak"].pk,
            "isic_code": "۱۰۷۲",
            "founded_on": "۱۳۹۰/۰۲/۰۵",
            "employees": "12",
            "status": "active",
            "owner_mobile": "۰۹۱۲۱۲۳۴۵۶۷",
        },
    )
    unit = Unit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/units/{unit.pk}/"
    assert (unit.name, unit.founded_on.isoformat(), unit.isic_section) == (
        "شرکت می‌سازان",
        "2011-04-25",
        "C",
    )


def test_the_form_refuses_another_county_and_bad_fields(client_for, users, geo):
    response = client_for(users["arak"]).post(
        "/units/new/",
        {
            "name": "x",
            "sector": "industry",
            "county": geo["saveh"].pk,
            "isic_code": "3410",
            "status": "active",
            "founded_on": "1405/01/01",
        },
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert "county" in form.errors and "founded_on" in form.errors
    assert Unit.objects.count() == 0


def test_the_edit_form_never_moves_the_status(client_for, users, units, geo):
    client = client_for(users["arak"])
    unit = units["arak"]
    page = client.get(f"/units/{unit.pk}/edit/")
    assert page.status_code == 200
    assert "status" not in page.context["form"].fields
    response = client.post(
        f"/units/{unit.pk}/edit/",
        {
            "name": unit.name,
            "sector": "industry",
            "county": geo["arak"].pk,
            "status": "stalled",
            "status_reason": "قطع گاز",
            "employees": 40,
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.status, unit.employees, unit.status_changes.count()) == ("active", 40, 0)
    assert client.get(f"/units/{units['saveh'].pk}/edit/").status_code == 404
    anonymous = client_for(None).post(f"/units/{unit.pk}/edit/", {"name": "x"})
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]


def test_the_status_form_changes_the_status(client_for, users, units):
    client = client_for(users["arak"])
    unit = units["arak"]
    bad = client.post(f"/units/{unit.pk}/status/", {"to_status": "closed", "reason": ""})
    assert bad.status_code == 422
    ok = client.post(f"/units/{unit.pk}/status/", {"to_status": "closed", "reason": "ورشکستگی"})
    assert ok.status_code == 302
    unit.refresh_from_db()
    assert unit.status == "closed"
    assert client.get(f"/units/{unit.pk}/status/").status_code == 405
    assert (
        client.post(
            f"/units/{units['saveh'].pk}/status/", {"to_status": "closed", "reason": "x"}
        ).status_code
        == 404
    )
    anonymous = client_for(None).post(
        f"/units/{units['saveh'].pk}/status/", {"to_status": "closed", "reason": "x"}
    )
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert units["saveh"].status_changes.count() == 0


def test_it_records_a_visit_from_the_form(client_for, users, units):
    client = client_for(users["arak"])
    unit = units["arak"]
    page = client.get(f"/units/{unit.pk}/visits/new/")
    assert page.status_code == 200
    # The photos go up with the form: form_page.html asks the form (is_multipart).
    assert 'enctype="multipart/form-data"' in page.content.decode()
    future = client.post(f"/units/{unit.pk}/visits/new/", {"visited_on": "۱۴۰۴/۱۰/۰۱"})
    assert future.status_code == 422
    ok = client.post(
        f"/units/{unit.pk}/visits/new/",
        {"visited_on": "۱۴۰۴/۰۸/۰۱", "capacity_utilization": "80", "sales_trend": "up"},
    )
    assert ok.status_code == 302
    assert unit.visits.count() == 2
    assert client.get(f"/units/{units['saveh'].pk}/visits/new/").status_code == 404


def test_the_watch_list_is_scoped_with_drivers_in_words(client_for, users, units, monkeypatch):
    from jahesh.units import hooks

    monkeypatch.setattr(hooks, "open_case_unit_ids", None)
    html = client_for(users["hq"]).get("/units/watchlist/").content.decode()
    assert "شرکت فولاد اراک" in html and "کارخانه قند ساوه" in html
    assert "۶ ماه حقوق معوق" in html
    arak = client_for(users["arak"]).get("/units/watchlist/").content.decode()
    assert "کارخانه قند ساوه" not in arak
    assert "بدون واحدهای دارای پروندهٔ باز کلینیک" not in arak  # no clinic hook: no option
    monkeypatch.setattr(hooks, "open_case_unit_ids", lambda: [units["arak"].pk])
    hooked = (
        client_for(users["arak"])
        .get("/units/watchlist/", {"exclude_open_cases": "on"})
        .content.decode()
    )
    assert "بدون واحدهای دارای پروندهٔ باز کلینیک" in hooked and "شرکت فولاد اراک" not in hooked
    high = client_for(users["hq"]).get("/units/watchlist/", {"level": "high"}).content.decode()
    assert "شرکت فولاد اراک" in high and "کارخانه قند ساوه" not in high


def _read_xlsx(content: bytes) -> list[list]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_index(0).to_python()


def test_the_export_holds_only_the_filtered_units_in_scope(client_for, users, units):
    response = client_for(users["arak"]).get("/units/export.xlsx")
    assert response.status_code == 200
    rows = _read_xlsx(response.content)
    assert rows[0][:4] == ["نام واحد", "شناسه ملی", "شهرستان", "بخش اقتصادی"]
    assert [r[0] for r in rows[1:]] == ["شرکت فولاد اراک"]
    assert rows[1][6] == "فعال"
    csv = (
        client_for(users["hq"])
        .get("/units/export.csv", {"county": units["saveh"].county_id})
        .content.decode()
    )
    assert "کارخانه قند ساوه" in csv and "شرکت فولاد اراک" not in csv
    assert client_for(users["arak"]).get("/units/export.pdf").status_code == 404
    assert client_for(users["viewer"]).get("/units/export.xlsx").status_code == 403


def test_the_export_imports_back_unchanged(client_for, users, units):
    from jahesh.units.importers import import_units

    data = client_for(users["arak"]).get("/units/export.xlsx").content
    report = import_units(data, "units.xlsx", user=users["arak"])
    assert (report.created, report.updated, report.unchanged, report.refused) == (0, 0, 1, 0)


def _upload() -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(["نام واحد", "شهرستان", "بخش اقتصادی"])
    book.active.append(["کارگاه نو", "اراک", "صنعت"])
    book.active.append(["فولاد", "ساوه", "صنعت"])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("units.xlsx", out.getvalue())


def test_the_import_page_previews_then_confirms(client_for, users):
    client = client_for(users["arak"])
    assert client.get("/units/import/").status_code == 200
    preview = client.post("/units/import/", {"file": _upload()})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "پیش‌نمایش" in html and "شهرستان «ساوه» پیدا نشد یا در حوزهٔ کاری شما نیست." in html
    assert Unit.objects.count() == 0
    token = preview.context["token"]
    done = client.post("/units/import/", {"token": token})
    assert done.status_code == 200 and Unit.objects.get().name == "کارگاه نو"
    again = client.post("/units/import/", {"token": token})  # a token is used once
    assert again.status_code == 302 and Unit.objects.count() == 1


def test_someone_elses_import_token_does_nothing(client_for, users):
    preview = client_for(users["arak"]).post("/units/import/", {"file": _upload()})
    other = client_for(users["hq"]).post("/units/import/", {"token": preview.context["token"]})
    assert other.status_code == 302 and Unit.objects.count() == 0


def test_an_unreadable_upload_is_refused_in_persian(client_for, users):
    response = client_for(users["arak"]).post(
        "/units/import/", {"file": SimpleUploadedFile("x.xlsx", b"hello")}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["file"][0].startswith("عنوان ستون‌ها پیدا نشد؛")


def test_the_templates_download(client_for, users):
    client = client_for(users["arak"])
    rows = _read_xlsx(client.get("/units/import/template.xlsx").content)
    assert rows[0] == [
        "نام واحد",
        "شناسه ملی",
        "شهرستان",
        "بخش اقتصادی",
        "کد آیسیک",
        "تعداد کارکنان",
        "وضعیت",
        "تاریخ تأسیس",
        "تلفن همراه",
        "نشانی",
    ]
    assert client.get("/units/import/visits/template.xlsx").status_code == 200
    assert client_for(None).get("/units/import/template.xlsx").status_code == 302


def test_the_visits_import_page_works(client_for, users, units):
    book = Workbook()
    book.active.append(["شناسه ملی", "تاریخ بازدید", "ظرفیت به‌کارگرفته (٪)"])
    book.active.append(["10380284790", "1404/07/15", "30"])
    out = io.BytesIO()
    book.save(out)
    client = client_for(users["arak"])
    preview = client.post(
        "/units/import/visits/", {"file": SimpleUploadedFile("v.xlsx", out.getvalue())}
    )
    client.post("/units/import/visits/", {"token": preview.context["token"]})
    assert Visit.objects.filter(unit=units["arak"]).count() == 2


def _png(name: str, colour: str = "red") -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_a_visit_keeps_its_photos_and_refuses_non_images(
    client_for, users, units, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(users["arak"])
    url = f"/units/{units['arak'].pk}/visits/new/"
    bad = client.post(
        url, {"visited_on": "۱۴۰۴/۰۸/۰۱", "photos": [SimpleUploadedFile("x.png", b"not an image")]}
    )
    assert bad.status_code == 422 and "photos" in bad.context["form"].errors
    photos = [_png("a.png"), _png("b.png", "blue"), _png("c.png")]  # c is a again
    ok = client.post(url, {"visited_on": "۱۴۰۴/۰۸/۰۱", "photos": photos})
    assert ok.status_code == 302
    visit = units["arak"].visits.order_by("-id").first()
    # Stored re-encoded as JPEG with their hash; the same picture twice is one photo.
    assert visit.photos.count() == 2
    assert all(p.image.name.endswith(".jpg") and len(p.sha256) == 64 for p in visit.photos.all())
    html = client.get(f"/units/{units['arak'].pk}/").content.decode()
    # Shown through the scoped view (media files are not public).
    assert f"/units/photos/{visit.photos.first().pk}/" in html


def test_it_badges_each_rows_status_and_risk(client_for, users, make_unit):
    from jahesh.units.models import Unit

    high = make_unit(name="واحد پرخطر")
    make_unit(name="واحد ارزیابی‌نشده")
    Unit.objects.filter(pk=high.pk).update(risk_level="high", risk_score=82, status="stalled")
    html = client_for(users["arak"]).get("/units/").content.decode()
    assert '<span class="badge text-bg-warning">راکد</span>' in html
    assert '<span class="badge text-bg-danger" title="امتیاز ریسک">پرخطر · ۸۲</span>' in html
    assert '<span class="text-body-secondary small">ارزیابی نشده</span>' in html
