"""Imports too large for their request: the file is kept, a ``core.ImportJob``
is queued, and the task worker (``jahesh db_worker``, which ``jahesh serve``
starts) runs it while the page or the API client polls its progress.

    outcome = import_submit(user=request.user, kind="units", file=upload, filename=upload.name)
    if isinstance(outcome, ImportJob):   # more than JAHESH_IMPORT_SYNC_ROWS rows
        return 202, job_queued(outcome)
    return outcome.as_dict()              # answered in the request, as always

Every importer in :data:`IMPORTERS` (and :data:`RECORD_IMPORTERS`, which import
into one record named by ``params``) is called as
``importer(file, filename, dry_run, progress, user, **params)`` and returns
an ``ImportReport``; ``jahesh import KIND FILE`` dispatches through
:data:`IMPORTERS` too.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from jahesh.core import events, hooks
from jahesh.core.errors import ApplicationError
from jahesh.core.locale import user_language
from jahesh.core.models import ImportJob
from jahesh.core.tabular.importing import ImportReport, Progress
from jahesh.core.tabular.limits import sync_rows
from jahesh.core.tabular.reading import SPREADSHEET_EXTENSIONS, TEXT_EXTENSIONS, count_rows

logger = logging.getLogger(__name__)

IMPORTERS: dict[str, str] = {
    "units": "jahesh.units.importers.import_units",
    "visits": "jahesh.units.importers.import_visits",
    "services": "jahesh.projects.importing.import_services_command",
    "volunteers": "jahesh.volunteers.spreadsheets.import_volunteers_command",
    # Other apps: add "<kind>": "jahesh.<app>.importers.<function>" here.
}

# Imports into one record: ``params`` names it (``{"fund": 12}``); not on the CLI.
RECORD_IMPORTERS: dict[str, str] = {
    "members": "jahesh.funds.importers.import_members_job",
    "loans": "jahesh.funds.importers.import_loans_job",
}


def importer_for(kind: str) -> Callable[..., ImportReport]:
    importer: Callable[..., ImportReport] = import_string({**IMPORTERS, **RECORD_IMPORTERS}[kind])
    return importer


def jobs_dir() -> Path:
    """Kept uploads and refused-rows workbooks: under MEDIA_ROOT but never served
    (no URL maps ``media/private``; the views below check the owner)."""
    directory = Path(settings.MEDIA_ROOT) / "private" / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def import_submit(
    *,
    user: Any,
    kind: str,
    file: Any,
    filename: str,
    dry_run: bool = False,
    params: dict[str, Any] | None = None,
) -> ImportReport | ImportJob:
    """Run the import now when the file has at most ``JAHESH_IMPORT_SYNC_ROWS``
    rows (the report), else queue it (the job). The size limits are checked
    first either way (InvalidInput, Persian)."""
    rows = count_rows(file, filename=filename)
    params = params or {}
    if rows <= sync_rows():
        return importer_for(kind)(file, filename, dry_run, None, user, **params)
    return import_job_create(
        user=user,
        kind=kind,
        file=file,
        filename=filename,
        dry_run=dry_run,
        params=params,
        rows=rows,
    )


def import_job_create(
    *,
    user: Any,
    kind: str,
    file: Any,
    filename: str,
    rows: int,
    dry_run: bool = False,
    params: dict[str, Any] | None = None,
) -> ImportJob:
    """Keep ``file`` (a path or an upload) and queue its import."""
    importer_for(kind)  # an unknown kind fails here, not in the worker
    suffix = Path(filename).suffix.lower()
    known = suffix.lstrip(".") in SPREADSHEET_EXTENSIONS | TEXT_EXTENSIONS
    path = jobs_dir() / f"{uuid.uuid4().hex}{suffix if known else ''}"
    if isinstance(file, str | Path):
        shutil.copyfile(file, path)
    else:
        file.seek(0)
        with path.open("wb") as out:
            for chunk in (
                file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1 << 20), b"")
            ):
                out.write(chunk)
    job = ImportJob.objects.create(
        user=user, kind=kind, params=params or {}, filename=filename[:255], path=path.name,
        dry_run=dry_run, rows_total=rows,
    )  # fmt: skip
    import_job_task.enqueue(job_id=job.pk)
    return job


@task()
def import_job_task(job_id: int) -> None:
    import_job_run(job_id=job_id)


def import_job_run(*, job_id: int) -> ImportJob:
    """1. Claim the job (queued → running by a filtered update: two workers never
    run one job). 2. Run its importer as its user; after each batch (committed
    by the driver in its own transaction) save the progress in a short write
    of its own, so the page and the API see it at once. 3. Keep the report and
    the refused rows' workbook; on an error keep what the committed batches
    did and why, and mark the job failed. The importer runs in its user's
    language (``core.locale.user_language``), as the upload page's import runs in
    the page's: the job's message, its refused rows' reasons and their workbook are
    read by that user."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if not claimed:
        return job
    with translation.override(user_language(job.user)):
        return _run(job)


def _run(job: ImportJob) -> ImportJob:
    importer = importer_for(job.kind)
    try:
        report = importer(
            jobs_dir() / job.path, job.filename, job.dry_run, _progress_saver(job), job.user,
            **job.params,
        )  # fmt: skip
    except ApplicationError as error:
        return _fail(job, getattr(error, "import_report", None), str(error.message))
    except Exception as error:
        logger.exception("import job %s failed", job.pk)
        _fail(
            job,
            getattr(error, "import_report", None),
            _("ورود به خطای پیش‌بینی‌نشده‌ای خورد و نیمه‌کاره ماند؛ به پشتیبانی خبر دهید."),
        )
        raise
    return _done(job, report)


def _progress_saver(job: ImportJob) -> Progress:
    def save(done: int, total: int | None) -> None:
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=max(total or 0, done))

    return save


def _done(job: ImportJob, report: ImportReport) -> ImportJob:
    if report.refused_rows:
        errors = jobs_dir() / f"{Path(job.path).stem}-errors.xlsx"
        errors.write_bytes(report.error_rows_xlsx())
        job.errors_path = errors.name
    (jobs_dir() / job.path).unlink(missing_ok=True)
    job.report = report.as_dict()
    job.status = ImportJob.Status.DONE
    job.rows_done = job.rows_total = max(job.rows_done, report.rows + report.skipped_blank)
    job.finished_at = timezone.now()
    job.save(
        update_fields=["report", "status", "rows_done", "rows_total", "errors_path", "finished_at"]
    )
    events.emit("import.finished", key=f"import:{job.pk}", job_id=job.pk)
    return job


def _fail(job: ImportJob, report: ImportReport | None, message: str) -> ImportJob:
    job.refresh_from_db(fields=["rows_done", "rows_total"])
    job.report = report.as_dict() if report is not None else None
    job.message = message
    job.status = ImportJob.Status.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["report", "message", "status", "finished_at"])
    events.emit("import.finished", key=f"import:{job.pk}", job_id=job.pk)
    return job


# --- Reading jobs ---------------------------------------------------------------


def import_job_get(*, user: Any, job_id: int) -> ImportJob:
    """The job if ``user`` may see it (their own; admins any), else Http404."""
    if hooks.scoped is None:
        raise Http404
    try:
        job: ImportJob = hooks.scoped(user, ImportJob).get(pk=job_id)
        return job
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def import_job_errors_path(job: ImportJob) -> Path | None:
    return jobs_dir() / job.errors_path if job.errors_path else None


def job_context(job: ImportJob) -> dict[str, Any]:
    """What ``core/partials/import_job.html`` shows."""
    summary = ImportReport.from_dict(job.report).summary() if job.report else ""
    return {"job": job, "summary": summary}


def job_queued(job: ImportJob) -> dict[str, Any]:
    """The 202 answer of an import that became a job."""
    return {"job": job.pk, "status_url": reverse("api:import_job", kwargs={"job_id": job.pk})}


def job_status(job: ImportJob) -> dict[str, Any]:
    """``GET /api/v1/imports/{job}``: status, progress and, once run, the report."""
    return {
        "job": job.pk,
        "kind": job.kind,
        "filename": job.filename,
        "status": job.status,
        "progress": {"done": job.rows_done, "total": job.rows_total},
        "report": job.report if job.finished else None,
        "message": job.message,
        "errors_url": reverse("core:import_job_errors", kwargs={"job_id": job.pk})
        if job.errors_path
        else None,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }
