"""API of background imports (``/api/v1/imports``): the status of a job that an
import route answered with ``202 {"job", "status_url"}``, and the report shapes
every import route shares. A job is its owner's (admins see all); anyone
else's answers 404."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Router, Schema

from jahesh.api.schemas import ERRORS
from jahesh.core.tabular.jobs import import_job_get, job_status

router = Router(tags=["imports"])


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    """What an import did: ``ImportReport.as_dict()``."""

    created: int
    updated: int
    unchanged: int
    refused: int
    skipped_blank: int
    dry_run: bool
    errors: list[ImportErrorOut]
    warnings: list[str]


class ImportQueuedOut(Schema):
    job: int
    status_url: str


class ImportProgressOut(Schema):
    done: int
    total: int


class ImportJobOut(Schema):
    job: int
    kind: str
    filename: str
    status: str
    progress: ImportProgressOut
    report: ImportOut | None
    message: str
    errors_url: str | None
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


@router.get(
    "/{int:job_id}",
    response={200: ImportJobOut, **ERRORS},
    url_name="import_job",
    summary=gettext_noop("وضعیت ورود در پس‌زمینه"),
)
def import_job(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return job_status(import_job_get(user=request.user, job_id=job_id))
