"""The one web page for importing a spreadsheet: upload → preview → confirm.

An app's view checks its own scope, then hands over::

    @login_required
    @require_http_methods(["GET", "POST"])
    def unit_import(request):
        _module_required(request)
        return import_page(
            request,
            stash_kind="units:units",
            run=lambda path, filename, dry_run: import_units(
                path, filename, dry_run=dry_run, user=request.user
            ),
            columns=unit_columns(request.user),
            template="units/import.html",       # extends "core/import_page.html"
        )

1. A file is posted: it is stashed (``upload_stash``) and run with
   ``dry_run=True``; the page shows what would be created, updated and refused,
   and a confirm form carrying the stash token. Nothing is written.
2. The token is posted: the same file runs for real (``stashed_upload``; the
   token is then spent) and the page shows the final report.
3. An unusable file (unreadable, no header, missing required columns, too
   large) is an error on the file field, status 422. A stale, spent or
   another user's token is refused with a Persian message and a redirect back
   to the empty page.

``stash_kind`` names the flow (and, when it matters, the record it imports
into, e.g. ``funds:12:members``) so a token of one flow is refused by another.

With ``job_kind`` (a kind of ``tabular.jobs``' importers, and ``job_params``
for the record it imports into) a file of more than
``JAHESH_IMPORT_SYNC_ROWS`` rows is too large for one request: its preview
dry-runs only the first rows, and the confirmation queues a job and
redirects to ``?job=<id>``, where the page polls the job's progress
(``core:import_job``) and ends with its report and the refused rows as a
workbook to fix and upload again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from jahesh.core.errors import ApplicationError
from jahesh.core.tabular.columns import Column
from jahesh.core.tabular.importing import ImportReport, preview_sample
from jahesh.core.tabular.jobs import import_job_create, import_job_get, job_context
from jahesh.core.tabular.limits import sync_rows
from jahesh.core.tabular.reading import ACCEPT, count_rows
from jahesh.core.tabular.uploads import stashed_upload, upload_path, upload_stash

ImportRun = Callable[[Path, str, bool], ImportReport]
"""``run(path, filename, dry_run) -> ImportReport``; raises ApplicationError
(Persian) when the file itself is unusable."""


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("پرونده اکسل یا CSV"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


def import_page(
    request: HttpRequest,
    *,
    stash_kind: str,
    run: ImportRun,
    columns: Sequence[Column],
    template: str,
    context: dict[str, Any] | None = None,
    job_kind: str | None = None,
    job_params: dict[str, Any] | None = None,
) -> HttpResponse:
    """Upload → stash → dry-run preview → confirm with the token → report (or,
    for a large file with ``job_kind``, a job whose progress the page follows)."""
    context = {**(context or {}), "columns": columns}
    if request.method == "GET" and request.GET.get("job", "").isdigit():
        job = import_job_get(user=request.user, job_id=int(request.GET["job"]))
        if (job.kind, job.params) != (job_kind, job_params or {}):
            raise Http404  # a job of another flow (or fund) is shown on its own page
        context.update(form=ImportUploadForm(), **job_context(job))
        return render(request, template, context)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, stash_kind, run, template, context, job_kind, job_params)
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST, request.FILES) if posted else ImportUploadForm()
    context["form"] = form
    if posted and form.is_valid():
        token = None
        try:
            token = upload_stash(request=request, upload=form.cleaned_data["file"], kind=stash_kind)
            stashed = upload_path(request=request, token=token, kind=stash_kind)
            rows = count_rows(stashed.path, filename=stashed.filename)
            if job_kind and rows > sync_rows():
                # Too large to dry-run whole in a request: preview its first rows.
                with preview_sample(sync_rows()):
                    report = run(stashed.path, stashed.filename, True)
                context.update(sample=sync_rows(), total_rows=rows)
            else:
                report = run(stashed.path, stashed.filename, True)
        except ApplicationError as error:
            form.add_error("file", str(error.message))
            if token is not None:
                _discard(request, token=token, kind=stash_kind)
        else:
            context.update(report=report, token=token)
    return render(request, template, context, status=422 if form.errors else 200)


def _confirm(
    request: HttpRequest,
    stash_kind: str,
    run: ImportRun,
    template: str,
    context: dict[str, Any],
    job_kind: str | None,
    job_params: dict[str, Any] | None,
) -> HttpResponse:
    """The confirmed file runs now, or (large, with ``job_kind``) becomes a job."""
    try:
        with stashed_upload(
            request=request, token=request.POST["token"], kind=stash_kind
        ) as stashed:
            rows = count_rows(stashed.path, filename=stashed.filename) if job_kind else 0
            if job_kind and rows > sync_rows():
                job = import_job_create(
                    user=request.user, kind=job_kind, file=stashed.path,
                    filename=stashed.filename, rows=rows, params=job_params,
                )  # fmt: skip
                return redirect(f"{request.path}?job={job.pk}")
            report = run(stashed.path, stashed.filename, False)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect(request.path)
    context.update(form=ImportUploadForm(), report=report, done=True)
    return render(request, template, context)


def _discard(request: HttpRequest, *, token: str, kind: str) -> None:
    """Drop a stashed file that cannot be imported (no confirmation will come)."""
    with stashed_upload(request=request, token=token, kind=kind):
        pass
