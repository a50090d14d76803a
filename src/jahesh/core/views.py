"""Pages that belong to no module: the home page, the health check, and the
progress and refused rows of background imports."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jahesh.core import hooks
from jahesh.core.tabular.jobs import import_job_errors_path, import_job_get, job_context
from jahesh.core.tabular.writing import XLSX_CONTENT_TYPE


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Home: the greeting, what awaits the user (the inbox), and the user's modules; for roles that may use the
    dashboard, its headline figures of the last five years first (the full
    dashboard is one click away)."""
    figures = hooks.home_figures(user=request.user) if hooks.home_figures else None
    inbox = hooks.home_inbox(user=request.user) if hooks.home_inbox else None
    return render(request, "core/home.html", {"figures": figures, "inbox": inbox})


@login_required
@require_GET
def import_job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress of a background import (polled by its import page every 1.5 s
    until the job has finished; then the report)."""
    job = import_job_get(user=request.user, job_id=job_id)
    return render(request, "core/partials/import_job.html", job_context(job))


@login_required
@require_GET
def import_job_errors(request: HttpRequest, job_id: int) -> FileResponse:
    """The refused rows of a finished job as a workbook to fix and upload again."""
    job = import_job_get(user=request.user, job_id=job_id)
    path = import_job_errors_path(job)
    if path is None or not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"{Path(job.filename).stem}-refused.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
