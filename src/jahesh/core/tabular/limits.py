"""The limits an imported file must keep, checked before the file is parsed.

* ``JAHESH_IMPORT_MAX_ROWS``: data rows in one file.
* ``JAHESH_IMPORT_MAX_UNPACKED_BYTES``: what a workbook (a ZIP: xlsx, ods)
  unpacks to, all members together.
* ``JAHESH_IMPORT_MAX_RATIO``: how much one member may expand (unpacked ÷
  packed). Sheet XML of real data packs 5–15×; a decompression bomb (a few MB
  of zeros that unpack to gigabytes) packs 1,000×.
* ``JAHESH_IMPORT_SYNC_ROWS``: up to this many rows an import answers in the
  request; a larger file runs as a background job (``tabular.jobs``).

A workbook is checked in two steps, before python-calamine sees it:

1. The ZIP's central directory (``infolist``: each member's declared packed
   and unpacked size) is summed and the ratios compared, in milliseconds,
   without inflating anything; an honest bomb stops here.
2. The declared sizes may lie (calamine's ZIP reader would inflate a member
   until its data ends), so every member is inflated as a stream, counting
   bytes and keeping none, and refused as soon as it passes its declared size
   or the limit. Bounded by the limit, ~0.1 s for a 100,000-row workbook.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import IO, BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from jahesh.core.errors import InvalidInput
from jahesh.core.money import group_digits

DEFAULT_MAX_ROWS = 500_000
DEFAULT_MAX_UNPACKED_BYTES = 256 * 1024 * 1024  # a 100,000-row units workbook unpacks to ~40 MB
DEFAULT_MAX_RATIO = 100
DEFAULT_SYNC_ROWS = 5_000

_CHUNK = 1024 * 1024
# A zip member's local file header (APPNOTE 4.3.7), as zipfile reads it: the
# constants are zipfile's own, which it does not export.
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_NAME_LENGTH, _EXTRA_LENGTH = 10, 11  # their places in the header


def max_rows() -> int:
    return int(getattr(settings, "JAHESH_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def sync_rows() -> int:
    return int(getattr(settings, "JAHESH_IMPORT_SYNC_ROWS", DEFAULT_SYNC_ROWS))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "JAHESH_IMPORT_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES))


def max_ratio() -> int:
    return int(getattr(settings, "JAHESH_IMPORT_MAX_RATIO", DEFAULT_MAX_RATIO))


def rows_check(rows: int | None, *, filename: str) -> None:
    """Refuse a file with more data rows than ``JAHESH_IMPORT_MAX_ROWS``."""
    limit = max_rows()
    if rows is not None and rows > limit:
        raise InvalidInput(
            _(
                "پرونده «%(name)s» %(rows)s ردیف دارد و بیشترین ردیف‌های یک پرونده %(limit)s است؛ "
                "آن را به چند پرونده کوچک‌تر بخش کنید."
            )
            % {"name": filename, "rows": group_digits(rows), "limit": group_digits(limit)},
            field="file",
        )


def workbook_check(stream: BinaryIO, *, filename: str) -> None:
    """Refuse a ZIP workbook that unpacks past the limits (see the module
    docstring); leaves ``stream`` at its start."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            _declared_check(members, filename=filename)
            budget = max_unpacked_bytes()
            for info in members:
                budget -= _inflated_size(archive, info, filename=filename, budget=budget)
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error, NotImplementedError):
        raise unreadable(filename) from None
    finally:
        stream.seek(0)


def _declared_check(members: list[zipfile.ZipInfo], *, filename: str) -> None:
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > max_ratio() * max(info.compress_size, 1) and info.file_size > _CHUNK:
            raise _bomb(filename)
    if total > max_unpacked_bytes():
        raise _too_large(filename)


def _inflated_size(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, filename: str, budget: int
) -> int:
    """The bytes ``info`` really inflates to, refused past its declared size,
    the remaining ``budget`` or the ratio."""
    cap = min(info.file_size, budget)
    if info.compress_type == zipfile.ZIP_STORED:
        if info.file_size > budget:
            raise _too_large(filename)
        return info.file_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise unreadable(filename)  # xlsx and ods use deflate; calamine reads nothing else
    raw = _member_data(archive, info)
    inflater = zlib.decompressobj(-15)
    left, size, pending = info.compress_size, 0, b""
    while not inflater.eof:
        if not pending:
            pending = raw.read(min(_CHUNK, left)) if left > 0 else b""
            left -= len(pending)
        out = inflater.decompress(pending, _CHUNK)
        pending = inflater.unconsumed_tail
        size += len(out)
        if size > cap:
            raise _bomb(filename) if size > info.file_size else _too_large(filename)
        if not out and not pending and left <= 0:
            break  # the packed data ended (a truncated member: calamine will say so)
    return size


def _member_data(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> IO[bytes]:
    """The file positioned at ``info``'s packed data (after its local header)."""
    fp = archive.fp
    assert fp is not None
    fp.seek(info.header_offset)
    header = _LOCAL_HEADER.unpack(fp.read(_LOCAL_HEADER.size))
    if header[0] != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile("bad local header")
    fp.seek(header[_NAME_LENGTH] + header[_EXTRA_LENGTH], 1)
    return fp


def _bomb(filename: str) -> InvalidInput:
    return InvalidInput(
        _(
            "پرونده «%(name)s» پس از بازشدن بیش از %(ratio)s برابر بزرگ می‌شود و پذیرفته نشد؛ "
            "آن را در اکسل باز کنید، دوباره ذخیره کنید و بفرستید."
        )
        % {"name": filename, "ratio": group_digits(max_ratio())},
        field="file",
    )


def _too_large(filename: str) -> InvalidInput:
    return InvalidInput(
        _(
            "پرونده «%(name)s» پس از بازشدن بزرگ‌تر از %(mb)s مگابایت است؛ "
            "آن را به چند پرونده کوچک‌تر بخش کنید."
        )
        % {"name": filename, "mb": group_digits(max_unpacked_bytes() // (1024 * 1024))},
        field="file",
    )


def unreadable(filename: str) -> InvalidInput:
    return InvalidInput(
        _(
            "پرونده «%(name)s» خوانده نشد؛ شاید خراب است. آن را در اکسل باز کنید، با قالب "
            "«Excel Workbook (xlsx)» ذخیره کنید و دوباره بفرستید."
        )
        % {"name": filename}
    )
