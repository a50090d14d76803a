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
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from jahesh.core.errors import ApplicationError
from jahesh.core.tabular.columns import Column
from jahesh.core.tabular.importing import ImportReport
from jahesh.core.tabular.reading import ACCEPT
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
) -> HttpResponse:
    """Upload → stash → dry-run preview → confirm with the token → report."""
    context = {**(context or {}), "columns": columns}
    if request.method == "POST" and "token" in request.POST:
        try:
            with stashed_upload(
                request=request, token=request.POST["token"], kind=stash_kind
            ) as stashed:
                report = run(stashed.path, stashed.filename, False)
        except ApplicationError as error:
            messages.error(request, str(error.message))
            return redirect(request.path)
        context.update(form=ImportUploadForm(), report=report, done=True)
        return render(request, template, context)
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST, request.FILES) if posted else ImportUploadForm()
    context["form"] = form
    if posted and form.is_valid():
        token = None
        try:
            token = upload_stash(request=request, upload=form.cleaned_data["file"], kind=stash_kind)
            stashed = upload_path(request=request, token=token, kind=stash_kind)
            report = run(stashed.path, stashed.filename, True)
        except ApplicationError as error:
            form.add_error("file", str(error.message))
            if token is not None:
                _discard(request, token=token, kind=stash_kind)
        else:
            context.update(report=report, token=token)
    return render(request, template, context, status=422 if form.errors else 200)


def _discard(request: HttpRequest, *, token: str, kind: str) -> None:
    """Drop a stashed file that cannot be imported (no confirmation will come)."""
    with stashed_upload(request=request, token=token, kind=kind):
        pass
