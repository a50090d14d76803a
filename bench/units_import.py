"""Importing 100,000 production units from XLSX, beside a baseline in the same run.

    uv run python bench/units_import.py [ROWS]
    uv run python bench/units_import.py --smoke     # 300 rows

Baseline: read the same file with python-calamine and bulk-insert the rows
without any validation (only the lookups needed to make a row insertable).
Jahesh: ``jahesh.units.importers.import_units`` (every cell parsed and
checked, matching by national ID / normalised name, history rows written),
then the same file again (everything matches: nothing is created).
Target (issue 3): the import at least a third of the baseline's rows/s.
A throwaway SQLite database under /tmp/jahesh-bench-units.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from _smoke import SMOKE, args, var_dir

VAR = Path(var_dir("/tmp/jahesh-bench-units"))
os.environ["JAHESH_VAR"] = str(VAR)
os.environ["DJANGO_SETTINGS_MODULE"] = "jahesh.settings"
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

ROWS = int(args()[0]) if args() else (300 if SMOKE else 100_000)
COUNTIES = ["اراک", "ساوه", "آشتیان", "تفرش", "خمین", "خنداب", "دلیجان", "زرندیه", "شازند", "فراهان",
            "کمیجان", "محلات"]  # fmt: skip
SECTORS = ["صنعت", "کشاورزی", "معدن", "خدمات", "صنایع دستی"]
STATUSES = ["فعال", "نیمه‌فعال", "راکد", "تعطیل"]
ISIC = ["2410", "1072", "0111", "2392", "0810", "1393", "4923", "2220"]


def legal_id(n: int) -> str:
    """A valid 11-digit legal-entity national ID (identifiers.md) built from ``n``."""
    body = f"1{(n * 7919 + 123_456_789) % 10**9:09d}"  # 7919 is coprime with 10⁹: no repeats
    d = int(body[9]) + 2
    weights = [29, 27, 23, 19, 17]
    s = sum((d + int(body[i])) * weights[i % 5] for i in range(10)) % 11
    return body + str(0 if s == 10 else s)


def _nid(i: int) -> str | None:
    if i % 2:
        return None
    nid = legal_id(i)
    return None if nid[3:9] == "000000" else nid


def setup_db():
    from jahesh.accounts.models import User
    from jahesh.core.text import normalize_key
    from jahesh.geo.models import County, Province

    call_command("migrate", verbosity=0)
    markazi = Province.objects.create(id=28, name="مرکزی", name_key="مرکزی")
    for i, name in enumerate(COUNTIES, start=1):
        County.objects.create(id=i, name=name, name_key=normalize_key(name), province=markazi)
    return User.objects.create_superuser("bench", password="x", role="admin")


def write_file(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("units")
    sheet.append(["نام واحد", "شناسه ملی", "شهرستان", "بخش اقتصادی", "کد آیسیک", "تعداد کارکنان", "وضعیت",
                  "تاریخ تأسیس", "تلفن همراه", "نشانی"])  # fmt: skip
    for i in range(ROWS):
        sheet.append([
            f"شركت توليدي نمونه {i}", _nid(i), COUNTIES[i % 12], SECTORS[i % 5],
            ISIC[i % 8], 5 + i % 300, STATUSES[i % 4], f"۱۳{70 + i % 30}/{1 + i % 12:02d}/{1 + i % 28:02d}",
            f"0912{i % 10_000_000:07d}", f"خیابان {i % 500}، پلاک {i % 90}",
        ])  # fmt: skip
    book.save(path)


def baseline(path: Path) -> float:
    """python-calamine read + bulk_create, no validation."""
    from python_calamine import CalamineWorkbook

    from jahesh.geo.models import County
    from jahesh.units.models import Unit

    counties = dict(County.objects.values_list("name", "pk"))
    sectors = dict(
        zip(SECTORS, ["industry", "agriculture", "mining", "services", "handicraft"], strict=True)
    )
    statuses = dict(zip(STATUSES, ["active", "partial", "stalled", "closed"], strict=True))
    started, cpu = time.perf_counter(), time.process_time()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    units = [
        Unit(name=r[0], name_key=r[0], national_id=r[1] or None, county_id=counties[r[2]], province_id=28, sector=sectors[r[3]],
             isic_code=str(r[4]), employees=int(r[5]), status=statuses[r[6]], owner_mobile=str(r[8]), address=r[9])
        for r in rows[1:]
    ]  # fmt: skip
    Unit.objects.bulk_create(units, batch_size=1000)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert Unit.objects.count() == ROWS
    Unit.objects.all().delete()
    return seconds, cpu


def jahesh_import(path: Path, user) -> tuple[float, float, object]:
    from jahesh.units.importers import import_units

    started, cpu = time.perf_counter(), time.process_time()
    report = import_units(path, path.name, user=user)
    return time.perf_counter() - started, time.process_time() - cpu, report


def main() -> None:
    user = setup_db()
    path = VAR / "units.xlsx"
    t = time.perf_counter()
    write_file(path)
    print(
        f"wrote {ROWS:,} rows to {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s"
    )
    base, base_cpu = baseline(path)
    first, first_cpu, report = jahesh_import(path, user)
    assert (report.created, report.refused) == (ROWS, 0), report.as_dict(error_limit=5)
    again, again_cpu, report2 = jahesh_import(path, user)
    assert (report2.created, report2.unchanged) == (0, ROWS), report2.as_dict(error_limit=5)
    print("\n(wall-clock and CPU seconds; on a busy machine CPU is the fairer figure)")
    print(f"{'':42}{'wall s':>9}{'rows/s':>10}{'cpu s':>9}{'rows/cpu-s':>12}")
    for label, wall, cpu in (
        ("baseline: calamine read + bulk_create", base, base_cpu),
        ("jahesh import (validated, with history)", first, first_cpu),
        ("jahesh import again (all unchanged)", again, again_cpu),
    ):
        print(f"{label:42}{wall:>9.1f}{ROWS / wall:>10,.0f}{cpu:>9.1f}{ROWS / cpu:>12,.0f}")
    ratio, cpu_ratio = base / first, base_cpu / first_cpu
    verdict = "OK" if min(ratio, cpu_ratio) >= 1 / 3 else "BELOW TARGET"
    print(
        f"\nimport speed = {ratio:.2f} × baseline by wall clock, {cpu_ratio:.2f} × by CPU (target ≥ 0.33): {verdict}"
    )


if __name__ == "__main__":
    main()
