"""THE import page (``jahesh.core.tabular.import_page``): a preview writes
nothing, the confirmation writes, a token works once and only for its own user
and flow, and an unusable file is a Persian error on the file field (422)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import path
from openpyxl import Workbook

from jahesh.core.tabular import (
    Column,
    Outcome,
    Row,
    import_page,
    integer,
    read_table,
    run_import,
    text,
)
from jahesh.core.text import normalize_key
from jahesh.geo.models import Province
from jahesh.urls import urlpatterns as project_urlpatterns

COLUMNS = [
    Column("id", "شناسه", "Id", required=True, parse=integer(min=50, max=99)),
    Column("name", "نام استان", "Province", required=True, parse=text(max_length=50)),
]
STALE = "این بارگذاری منقضی شده است؛ پرونده را دوباره بفرستید."


def _upsert(row: Row) -> Outcome:
    values = row.values
    fields = {"name": values["name"], "name_key": normalize_key(values["name"])}
    _, created = Province.objects.update_or_create(pk=values["id"], defaults=fields)
    return Outcome.CREATED if created else Outcome.UPDATED


def _run(file, filename: str, dry_run: bool):
    reader = read_table(file, filename=filename, columns=COLUMNS)
    return run_import(reader, handle_row=_upsert, dry_run=dry_run)


def provinces_import(request, kind: str):
    return import_page(
        request,
        stash_kind=f"test:{kind}",
        run=_run,
        columns=COLUMNS,
        template="core/import_page.html",
        context={"kind": kind},
    )


urlpatterns = [
    path("test-import/<str:kind>/", provinces_import, name="test_import"),
    *project_urlpatterns,
]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def _upload(rows: list[list[object]]) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(["شناسه", "نام استان"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("provinces.xlsx", out.getvalue())


GOOD = [[51, "گیلان"], ["abc", "قم"], [52, "یزد"]]


def test_it_shows_the_upload_form_with_the_columns(client_for, users):
    response = client_for(users["arak"]).get("/test-import/a/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "«شناسه»*، «نام استان»*" in html and 'accept=".xlsx,.xls,.ods,.csv"' in html
    assert response.context["kind"] == "a" and "report" not in response.context


def test_a_preview_writes_nothing_and_the_confirmation_writes(client_for, users, var_dir):
    client = client_for(users["arak"])
    preview = client.post("/test-import/a/", {"file": _upload(GOOD)})
    assert preview.status_code == 200
    report = preview.context["report"]
    assert (report.dry_run, report.created, report.updated, report.refused) == (True, 2, 0, 1)
    assert [(e.row, e.column) for e in report.errors] == [(3, "شناسه")]
    assert "پیش‌نمایش:" in preview.content.decode()
    assert not Province.objects.filter(pk__in=[51, 52]).exists()
    assert len(list((var_dir / "imports").iterdir())) == 1  # the stashed file

    done = client.post("/test-import/a/", {"token": preview.context["token"]})
    assert done.status_code == 200 and done.context["done"]
    report = done.context["report"]
    assert (report.dry_run, report.created, report.refused) == (False, 2, 1)
    assert dict(Province.objects.filter(pk__in=[51, 52]).values_list("pk", "name")) == {
        51: "گیلان",
        52: "یزد",
    }
    assert list((var_dir / "imports").iterdir()) == []  # the file is gone
    assert not done.context["form"].is_bound  # a fresh upload form, no errors


def test_a_spent_token_is_refused_in_persian(client_for, users):
    client = client_for(users["arak"])
    preview = client.post("/test-import/a/", {"file": _upload(GOOD)})
    token = preview.context["token"]
    client.post("/test-import/a/", {"token": token})
    again = client.post("/test-import/a/", {"token": token}, follow=True)
    assert again.redirect_chain == [("/test-import/a/", 302)]
    assert [str(m) for m in again.context["messages"]] == [STALE]
    assert Province.objects.filter(pk__in=[51, 52]).count() == 2


@pytest.mark.parametrize("who, url", [("hq", "/test-import/a/"), ("arak", "/test-import/b/")])
def test_another_users_or_another_flows_token_is_refused(client_for, users, who, url):
    preview = client_for(users["arak"]).post("/test-import/a/", {"file": _upload(GOOD)})
    other = client_for(users[who]).post(url, {"token": preview.context["token"]}, follow=True)
    assert other.redirect_chain == [(url, 302)]
    assert [str(m) for m in other.context["messages"]] == [STALE]
    assert not Province.objects.filter(pk__in=[51, 52]).exists()


def test_an_unusable_file_is_a_form_error_with_422(client_for, users, var_dir):
    client = client_for(users["arak"])
    response = client.post("/test-import/a/", {"file": SimpleUploadedFile("x.xlsx", b"hello")})
    assert response.status_code == 422
    assert response.context["form"].errors["file"][0].startswith("عنوان ستون‌ها پیدا نشد؛")
    assert "token" not in response.context and "report" not in response.context
    assert list((var_dir / "imports").iterdir()) == []  # nothing left stashed


def test_a_missing_file_is_a_form_error_with_422(client_for, users):
    response = client_for(users["arak"]).post("/test-import/a/", {})
    assert response.status_code == 422 and response.context["form"].errors["file"]
