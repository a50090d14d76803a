"""Imports in the background: above JAHESH_IMPORT_SYNC_ROWS rows the API
answers 202 with a job, the task worker runs it with progress saved per batch,
and its status gives the same report as the same rows imported in the request;
a job is its owner's only (admins see all); a failed job keeps what its
committed batches did and why."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from jahesh.core.models import ImportJob
from jahesh.core.tabular import Column, Outcome, read_table, run_import, text
from jahesh.core.tabular.jobs import import_job_create, import_job_run
from jahesh.units.models import Unit

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path
    return settings.MEDIA_ROOT


def units_csv(rows: int, *, bad_every: int = 1000) -> bytes:
    """``rows`` units of Arak; every ``bad_every``-th has a negative head count."""
    lines = ["نام واحد,شهرستان,بخش اقتصادی,تعداد کارکنان"]
    for i in range(rows):
        employees = -1 if i % bad_every == bad_every - 1 else i % 50
        lines.append(f"واحد آزمایشی {i},اراک,صنعت,{employees}")
    return ("\n".join(lines) + "\n").encode()


def post_import(client, data: bytes, name: str = "units.csv"):
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post("/api/v1/units/import", {"file": upload}, format="multipart")


def test_it_answers_a_large_file_with_a_job_whose_report_equals_an_import_in_the_request(
    users, api_client_for, settings
):
    settings.TASKS = IMMEDIATE
    client = api_client_for(users["arak"])
    data = units_csv(5_010)

    # When a file of more than 5,000 rows is posted
    queued = post_import(client, data)

    # Then the answer is 202 with the job, which (run at once here) is done.
    assert queued.status_code == 202
    job = ImportJob.objects.get()
    assert queued.json() == {"job": job.pk, "status_url": f"/api/v1/imports/{job.pk}"}
    status = client.get(queued.json()["status_url"]).json()
    assert (status["status"], status["progress"]) == ("done", {"done": 5_010, "total": 5_010})
    assert (status["report"]["created"], status["report"]["refused"]) == (5_005, 5)
    assert Unit.objects.count() == 5_005

    # And the same rows imported in the request report the same.
    Unit.objects.all().delete()
    settings.JAHESH_IMPORT_SYNC_ROWS = 10_000
    in_request = post_import(client, data)
    assert in_request.status_code == 200
    assert ImportJob.objects.count() == 1
    assert status["report"] == in_request.json()
    assert status["report"]["errors"][0] == {
        "row": 1001,
        "column": "تعداد کارکنان",
        "message": "عدد باید دست‌کم ۰ باشد؛ -۱ وارد شده.",
    }


def test_it_answers_a_file_within_the_limit_in_the_request(users, api_client_for, settings):
    settings.TASKS = IMMEDIATE
    settings.JAHESH_IMPORT_SYNC_ROWS = 20

    response = post_import(api_client_for(users["arak"]), units_csv(20, bad_every=10))

    assert response.status_code == 200
    assert (response.json()["created"], response.json()["refused"]) == (18, 2)
    assert ImportJob.objects.count() == 0


def test_it_shows_a_job_to_its_owner_and_admins_only(users, api_client_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.JAHESH_IMPORT_SYNC_ROWS = 5
    queued = post_import(api_client_for(users["arak"]), units_csv(6))
    url = queued.json()["status_url"]

    owner = api_client_for(users["arak"]).get(url)
    assert owner.status_code == 200
    assert owner.json()["status"] == "queued"
    assert owner.json()["progress"] == {"done": 0, "total": 6}
    assert owner.json()["report"] is None
    assert api_client_for(users["admin"]).get(url).status_code == 200
    for other in ("saveh", "hq", "expert"):
        assert api_client_for(users[other]).get(url).status_code == 404
    assert api_client_for(None).get(url).status_code == 401
    assert api_client_for(users["arak"]).get("/api/v1/imports/999999").status_code == 404


# The worker closes connections between tasks (close_old_connections), which
# would end a test's wrapping transaction on PostgreSQL: commit for real here.
@pytest.mark.django_db(transaction=True)
def test_the_db_worker_runs_a_queued_job_in_one_batch(users, api_client_for, settings):
    settings.TASKS = DATABASE
    settings.JAHESH_IMPORT_SYNC_ROWS = 5
    client = api_client_for(users["arak"])
    queued = post_import(client, units_csv(30, bad_every=10))
    assert client.get(queued.json()["status_url"]).json()["status"] == "queued"

    # The worker `jahesh serve` starts, for one pass over the queue.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    status = client.get(queued.json()["status_url"]).json()
    assert status["status"] == "done"
    assert status["progress"] == {"done": 30, "total": 30}
    assert (status["report"]["created"], status["report"]["refused"]) == (27, 3)
    assert status["errors_url"] == f"/imports/{status['job']}/errors.xlsx"
    assert Unit.objects.filter(name__startswith="واحد آزمایشی").count() == 27


# --- A failure half-way -----------------------------------------------------------

NAME = [Column("name", "نام واحد", "Name", required=True, parse=text())]
SEEN: list[int] = []


def failing_import(file, filename, dry_run, progress, user):
    """Saves each batch's progress, then breaks (a bug, not a refusal) at row 2,500."""

    def handle(rows):
        if any(r.number == 2_500 for r in rows):
            raise RuntimeError("disk full")
        SEEN.extend(r.number for r in rows)
        return [Outcome.CREATED] * len(rows)

    reader = read_table(file, filename=filename, columns=NAME)
    return run_import(reader, handle_batch=handle, dry_run=dry_run, progress=progress)


def test_a_failed_job_keeps_what_its_committed_batches_did_and_why(
    users, settings, tmp_path, monkeypatch
):
    from jahesh.core.tabular import jobs

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setitem(jobs.IMPORTERS, "failing", f"{__name__}.failing_import")
    path = tmp_path / "units.csv"
    path.write_text("نام واحد\n" + "".join(f"واحد {i}\n" for i in range(3_000)))
    job = import_job_create(
        user=users["arak"], kind="failing", file=path, filename="units.csv", rows=3_000
    )

    with pytest.raises(RuntimeError):
        import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.message == "ورود به خطای پیش‌بینی‌نشده‌ای خورد و نیمه‌کاره ماند؛ به پشتیبانی خبر دهید."
    # Two batches of 1,000 were committed before the third broke.
    assert (job.report["created"], job.rows_done) == (2_000, 2_000)
    assert job.finished_at is not None
