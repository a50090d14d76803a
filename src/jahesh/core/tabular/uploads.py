"""The web import flow's one piece of state: the uploaded file kept between the
preview (a ``dry_run``) and the confirmation.

    token = upload_stash(request=request, upload=form.cleaned_data["file"], kind="members")
    report = import_members(upload_path(...), dry_run=True, ...)      # preview
    ...
    with stashed_upload(request=request, token=token, kind="members") as stashed:
        report = import_members(stashed.path, stashed.filename, dry_run=False, ...)

The file goes to ``VAR_DIR/imports/<random token><extension>``; the session
remembers which token belongs to which kind and file, so one user cannot
confirm another user's upload and a token never becomes a path by itself.
Files older than a day are swept away at the next upload.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from jahesh.core.digits import to_persian_digits
from jahesh.core.errors import InvalidInput

DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # a 100,000-row XLSX is ~7 MB
_MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,5}$")


@dataclass(frozen=True)
class StashedUpload:
    path: Path
    filename: str


def imports_dir() -> Path:
    directory = Path(settings.VAR_DIR) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def max_upload_bytes() -> int:
    return int(getattr(settings, "JAHESH_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def upload_check(*, upload: Any) -> None:
    """Refuse a file too large to import (InvalidInput, Persian)."""
    limit = max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise InvalidInput(
            _("پرونده بزرگ‌تر از %(mb)s مگابایت است؛ آن را به چند پرونده کوچک‌تر بخش کنید.")
            % {"mb": to_persian_digits(limit // (1024 * 1024))},
            field="file",
        )


def upload_stash(*, request: Any, upload: Any, kind: str) -> str:
    """Keep ``upload`` for the confirmation step; returns its token."""
    upload_check(upload=upload)
    directory = imports_dir()
    _sweep(directory)
    token = uuid.uuid4().hex
    suffix = Path(upload.name).suffix.lower()
    path = directory / (token + (suffix if _SUFFIX.match(suffix) else ""))
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    request.session[_session_key(token)] = {
        "kind": kind,
        "path": path.name,
        "filename": upload.name,
        "user": getattr(request.user, "pk", None),
    }
    return token


def upload_path(*, request: Any, token: str, kind: str) -> StashedUpload:
    """The stashed file of ``token`` (still kept, e.g. to preview it again)."""
    stored = request.session.get(_session_key(token)) if _TOKEN.match(token or "") else None
    if (
        not stored
        or stored.get("kind") != kind
        or stored.get("user") != getattr(request.user, "pk", None)
        or not (imports_dir() / stored["path"]).is_file()
    ):
        raise InvalidInput(_("این بارگذاری منقضی شده است؛ پرونده را دوباره بفرستید."), field="file")
    return StashedUpload(imports_dir() / stored["path"], stored["filename"])


@contextmanager
def stashed_upload(*, request: Any, token: str, kind: str) -> Iterator[StashedUpload]:
    """The stashed file of ``token`` for the confirmation; afterwards the file and
    its token are gone (a second confirmation of the same upload is refused)."""
    stashed = upload_path(request=request, token=token, kind=kind)
    request.session.pop(_session_key(token), None)
    try:
        yield stashed
    finally:
        stashed.path.unlink(missing_ok=True)


def _session_key(token: str) -> str:
    return f"tabular_upload_{token}"


def _sweep(directory: Path) -> None:
    cutoff = time.time() - _MAX_AGE_SECONDS
    for path in directory.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:  # another request swept it first
            pass
