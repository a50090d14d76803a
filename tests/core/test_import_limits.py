"""Limits an imported file must keep, checked before it is parsed: a
decompression bomb is refused in under a second without being inflated whole
(declared sizes honest or lying), and so are a workbook that unpacks past the
limit and a file with too many rows; each with a Persian message naming the limit."""

from __future__ import annotations

import io
import struct
import time
import zipfile
from pathlib import Path

import pytest

from jahesh.core.errors import InvalidInput
from jahesh.core.tabular import Column, read_table, text
from jahesh.core.tabular.reading import count_rows
from jahesh.core.tabular.xlsx import Sheet, write_workbook

COLUMNS = [Column("name", "نام", "Name", required=True, parse=text())]
BOMB_MB = 400
RATIO_MESSAGE = (
    "پرونده «bomb.xlsx» پس از بازشدن بیش از ۱۰۰ برابر بزرگ می‌شود و پذیرفته نشد؛ "
    "آن را در اکسل باز کنید، دوباره ذخیره کنید و بفرستید."
)


def _bomb(path: Path, *, megabytes: int = BOMB_MB) -> Path:
    """An xlsx whose sheet is ``megabytes`` MB of one repeated byte (packs ~1,000×)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b" " * (1 << 20)
            for _ in range(megabytes):
                sheet.write(chunk)
    return path


def _lie_about_sizes(path: Path, member: str, declared: int) -> None:
    """Rewrite ``member``'s unpacked size in its local header and in the central
    directory, as a crafted bomb does to slip past a check of declared sizes."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    local = data.find(b"PK\x03\x04")
    while local != -1:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + name_length] == name:
            struct.pack_into("<L", data, local + 22, declared)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<L", data, central + 24, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def test_it_refuses_a_decompression_bomb_in_under_a_second(tmp_path):
    bomb = _bomb(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 1_000_000  # 400 MB packed into well under 1 MB

    started = time.perf_counter()
    with pytest.raises(InvalidInput) as refused:
        read_table(bomb, filename="bomb.xlsx", columns=COLUMNS)
    elapsed = time.perf_counter() - started

    assert str(refused.value.message) == RATIO_MESSAGE
    assert elapsed < 1.0


def test_it_refuses_a_bomb_whose_declared_sizes_lie_in_under_a_second(tmp_path):
    # Given a bomb that declares its 400 MB sheet as 2 MB (ratio under the limit)
    bomb = _bomb(tmp_path / "bomb.xlsx")
    _lie_about_sizes(bomb, "xl/worksheets/sheet1.xml", 2 * 1024 * 1024)
    declared = {i.filename: i.file_size for i in zipfile.ZipFile(bomb).infolist()}
    assert declared["xl/worksheets/sheet1.xml"] == 2 * 1024 * 1024

    started = time.perf_counter()
    with pytest.raises(InvalidInput) as refused:
        count_rows(bomb, filename="bomb.xlsx")
    elapsed = time.perf_counter() - started

    # Then inflating stops as soon as the member passes what it declared.
    assert str(refused.value.message) == RATIO_MESSAGE
    assert elapsed < 1.0


def test_it_refuses_a_workbook_that_unpacks_past_the_size_limit(settings):
    settings.JAHESH_IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    rows = [[f"واحد شمارهٔ {i} با نامی بلند برای پرکردن برگه"] for i in range(40_000)]
    data = write_workbook([Sheet("units", ["نام"], rows)])

    with pytest.raises(InvalidInput) as refused:
        read_table(data, filename="big.xlsx", columns=COLUMNS)

    assert str(refused.value.message) == (
        "پرونده «big.xlsx» پس از بازشدن بزرگ‌تر از ۱ مگابایت است؛ آن را به چند پرونده کوچک‌تر بخش کنید."
    )


def test_it_refuses_a_file_with_more_rows_than_the_limit(settings):
    settings.JAHESH_IMPORT_MAX_ROWS = 10
    csv = "نام\n" + "".join(f"واحد {i}\n" for i in range(11))

    with pytest.raises(InvalidInput) as refused:
        read_table(csv.encode(), filename="many.csv", columns=COLUMNS)

    assert str(refused.value.message) == (
        "پرونده «many.csv» ۱۱ ردیف دارد و بیشترین ردیف‌های یک پرونده ۱۰ است؛ "
        "آن را به چند پرونده کوچک‌تر بخش کنید."
    )
    assert refused.value.errors[0]["field"] == "file"


def test_it_counts_the_rows_of_a_workbook_and_a_csv_within_the_limits(settings):
    settings.JAHESH_IMPORT_MAX_ROWS = 10
    workbook = write_workbook([Sheet("units", ["نام"], [[f"واحد {i}"] for i in range(10)])])
    csv = ("نام\n" + "".join(f"واحد {i}\n" for i in range(10))).encode()

    assert count_rows(workbook, filename="units.xlsx") == 10
    assert count_rows(csv, filename="units.csv") == 10
    assert count_rows(io.BytesIO(csv), filename="units.csv") == 10
    assert [r.values["name"] for r in read_table(workbook, filename="u.xlsx", columns=COLUMNS)][
        -1
    ] == "واحد 9"


def test_the_api_refuses_a_bomb_with_a_422_naming_the_limit(users, api_client_for, tmp_path):
    bomb = _bomb(tmp_path / "bomb.xlsx", megabytes=200)
    with bomb.open("rb") as upload:
        response = api_client_for(users["arak"]).post(
            "/api/v1/units/import", {"file": upload}, format="multipart"
        )

    assert response.status_code == 422
    assert response.json() == {
        "message": RATIO_MESSAGE,
        "errors": [{"field": "file", "message": RATIO_MESSAGE}],
    }
