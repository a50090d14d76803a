"""A fund's member list too large for one request becomes an import job that
imports into that fund (the job carries the fund), run as the manager."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jahesh.core.models import ImportJob
from jahesh.funds.models import Member
from tests.funds.conftest import valid_code

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path
    settings.JAHESH_IMPORT_SYNC_ROWS = 3
    settings.TASKS = IMMEDIATE


def test_it_imports_a_large_member_list_into_its_fund_as_a_job(fund, users, client_for):
    rows = [f"{valid_code(i)},زهرا,احمدی {i},زن,1401/01/15" for i in range(5)]
    data = ("کد ملی,نام,نام خانوادگی,جنسیت,تاریخ عضویت\n" + "\n".join(rows) + "\n").encode()
    client = client_for(users["fund"])
    url = f"/funds/{fund.pk}/import/members/"

    preview = client.post(url, {"file": SimpleUploadedFile("members.csv", data)})
    assert "پیش‌نمایش ۳ ردیف نخست از ۵ ردیف:" in preview.content.decode()
    confirmed = client.post(url, {"token": preview.context["token"]})

    job = ImportJob.objects.get()
    assert confirmed["Location"] == f"{url}?job={job.pk}"
    assert (job.kind, job.params, job.status) == ("members", {"fund": fund.pk}, "done")
    assert job.report["created"] == 5
    assert Member.objects.filter(fund=fund).count() == 5
    assert "۵ ردیف ساخته شد" in client.get(confirmed["Location"]).content.decode()
