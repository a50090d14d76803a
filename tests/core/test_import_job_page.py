"""The import page with a file too large for one request: a preview of its
first rows, then a job whose progress the page polls, its report, and the
refused rows as a workbook that is fixed and uploaded again as it is."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from jahesh.core.models import ImportJob
from jahesh.core.tabular import REASON_HEADER, SOURCE_ROW_HEADER
from jahesh.units.models import Unit
from tests.core.test_import_jobs import IMMEDIATE, units_csv

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path
    settings.JAHESH_IMPORT_SYNC_ROWS = 10


def upload(client, data: bytes, name: str):
    return client.post("/units/import/", {"file": SimpleUploadedFile(name, data)})


def test_it_previews_the_first_rows_runs_a_job_and_gives_back_the_refused_rows(
    users, client_for, settings
):
    settings.TASKS = IMMEDIATE
    client = client_for(users["arak"])

    # A 25-row file, rows 11 and 21 (file rows) with a negative head count.
    preview = upload(client, units_csv(25, bad_every=10), "units.csv")
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "پیش‌نمایش ۱۰ ردیف نخست از ۲۵ ردیف:" in page
    assert "۹ ردیف ساخته می‌شود" in page
    assert Unit.objects.count() == 0

    confirmed = client.post("/units/import/", {"token": preview.context["token"]})
    job = ImportJob.objects.get()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/units/import/?job={job.pk}"

    done = client.get(confirmed["Location"]).content.decode()
    assert "۲۳ ردیف ساخته شد" in done
    assert "انجام شد" in done
    assert f'href="/imports/{job.pk}/errors.xlsx"' in done
    assert 'hx-trigger="every 1500ms"' not in done  # finished: no more polling
    assert Unit.objects.count() == 23

    # The refused rows come back with their row number and reason, right to left.
    refused = client.get(f"/imports/{job.pk}/errors.xlsx")
    assert refused["Content-Disposition"] == 'attachment; filename="units-refused.xlsx"'
    book = load_workbook(io.BytesIO(b"".join(refused.streaming_content)))
    sheet = book.active
    assert sheet.sheet_view.rightToLeft is True
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        [SOURCE_ROW_HEADER, REASON_HEADER, "نام واحد", "شهرستان", "بخش اقتصادی", "تعداد کارکنان"],
        [11, "تعداد کارکنان: عدد باید دست‌کم ۰ باشد؛ -۱ وارد شده.", "واحد آزمایشی 9", "اراک", "صنعت", "-1"],
        [21, "تعداد کارکنان: عدد باید دست‌کم ۰ باشد؛ -۱ وارد شده.", "واحد آزمایشی 19", "اراک", "صنعت", "-1"],
    ]  # fmt: skip

    # Fixed and uploaded again as it is: the two extra columns are ignored.
    sheet["F2"], sheet["F3"] = "4", "7"
    fixed = io.BytesIO()
    book.save(fixed)
    again = upload(client, fixed.getvalue(), "units-refused.xlsx")
    assert "۲ ردیف ساخته می‌شود" in again.content.decode()
    assert again.context["report"].warnings == []
    final = client.post("/units/import/", {"token": again.context["token"]})
    assert "۲ ردیف ساخته شد" in final.content.decode()
    assert Unit.objects.count() == 25


def test_the_progress_fragment_polls_until_the_job_has_finished(users, client_for, settings):
    settings.TASKS = DUMMY
    client = client_for(users["arak"])
    preview = upload(client, units_csv(25), "units.csv")
    client.post("/units/import/", {"token": preview.context["token"]})
    job = ImportJob.objects.get()

    queued = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1500ms"' in queued
    assert "۰ ردیف از ۲۵ ردیف خوانده شد." in queued
    assert "در صف" in queued

    ImportJob.objects.filter(pk=job.pk).update(status="running", rows_done=10)
    running = client.get(f"/imports/{job.pk}/").content.decode()
    assert 'aria-valuenow="40"' in running
    assert "۱۰ ردیف از ۲۵ ردیف خوانده شد." in running


def test_a_job_page_answers_404_to_anyone_but_its_owner(users, client_for, settings):
    settings.TASKS = IMMEDIATE
    owner = client_for(users["arak"])
    preview = upload(owner, units_csv(25, bad_every=10), "units.csv")
    owner.post("/units/import/", {"token": preview.context["token"]})
    job = ImportJob.objects.get()
    urls = [f"/imports/{job.pk}/", f"/imports/{job.pk}/errors.xlsx", f"/units/import/?job={job.pk}"]

    for url in urls:
        assert owner.get(url).status_code == 200
        assert client_for(users["saveh"]).get(url).status_code == 404
        assert client_for(users["admin"]).get(url).status_code == 200
        assert client_for(None).get(url).status_code == 302  # to the sign-in page
    # A job is shown on its own flow's page only.
    assert owner.get(f"/units/import/visits/?job={job.pk}").status_code == 404
