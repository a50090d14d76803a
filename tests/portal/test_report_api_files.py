"""``POST /api/v1/public/reports`` as a multipart form: the same fields plus up
to five ``files``, through the page's validation (bytes-checked type, 5 MB,
re-encoding, the count); a refused file is a translated 422 naming it. JSON
still works, and the OpenAPI document describes both bodies."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jahesh.api_v1 import api
from jahesh.portal import services
from jahesh.portal.models import PublicReport
from tests.portal.test_report_page import _jpeg_with_exif

URL = "/api/v1/public/reports"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


def test_it_files_a_report_with_files(client, report_payload, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = _jpeg_with_exif()
    files = [
        SimpleUploadedFile("عکس.jpg", photo, content_type="image/jpeg"),
        SimpleUploadedFile("نقشه.png", _png(), content_type="image/png"),
        SimpleUploadedFile("نامه.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf"),
    ]
    response = client.post(URL, {**report_payload(), "files": files})  # multipart
    assert response.status_code == 201, response.json()
    report = PublicReport.objects.get(tracking_code=response.json()["tracking_code"])
    assert sorted(a.content_type for a in report.attachments.all()) == [
        "application/pdf", "image/jpeg", "image/png",
    ]  # fmt: skip
    stored = report.attachments.get(content_type="image/jpeg").file.read()
    assert b"SecretCameraMaker" not in stored and stored.startswith(b"\xff\xd8\xff")
    assert all("/private/" in a.file.path for a in report.attachments.all())


def _refused(client, payload, files, lang: str = "fa") -> dict:
    response = client.post(URL, {**payload, "files": files}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 422, response.content
    assert PublicReport.objects.count() == 0
    body = response.json()
    assert [e["field"] for e in body["errors"]] == ["files"]
    return body["errors"][0]


def test_a_bad_file_is_a_422_naming_it_and_what_to_fix(client, report_payload):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    error = _refused(client, report_payload(), [fake])
    assert error["message"] == "پیوست «photo.jpg» باید PDF، JPEG یا PNG باشد."
    broken = SimpleUploadedFile("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    error = _refused(client, report_payload(mobile="09121234568"), [broken], lang="en")
    assert "broken.png" in error["message"] and "send a PDF" in error["message"]


def test_a_file_past_5_mb_and_a_sixth_file_are_refused(client, report_payload, settings):
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * services.MAX_ATTACHMENT_BYTES)
    error = _refused(client, report_payload(), [big])
    assert "«big.pdf»" in error["message"] and "۵ مگابایت" in error["message"]
    six = [SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.4\n") for i in range(6)]
    error = _refused(client, report_payload(mobile="09121234568"), six)
    assert error["message"] == "حداکثر ۵ پیوست."


def test_json_still_works_and_a_bad_field_is_named(client, report_payload):
    response = client.post(URL, report_payload(), content_type="application/json")
    assert response.status_code == 201 and len(response.json()["tracking_code"]) == 10
    bad = client.post(URL, {**report_payload(mobile="09121234568"), "county_id": "x"},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["county_id"]
    assert client.post(URL, "{", content_type="application/json").status_code == 400


def test_the_openapi_document_describes_both_bodies():
    body = api.get_openapi_schema()["paths"][URL]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    json_fields = body["application/json"]["schema"]["properties"]
    form = body["multipart/form-data"]["schema"]
    assert set(form["properties"]) == set(json_fields) | {"files"}
    assert form["properties"]["files"]["maxItems"] == services.MAX_ATTACHMENTS
    assert form["properties"]["files"]["items"] == {"type": "string", "format": "binary"}
    assert (body["application/json"]["schema"]["title"], form["title"]) == (
        "PublicReportIn", "PublicReportFilesIn",
    )  # fmt: skip
