"""The public report page: files a report with attachments (images re-encoded
without metadata, type checked from the bytes), shows the tracking code."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from jahesh.core.digits import to_persian_digits
from jahesh.portal.models import PublicReport


def _jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_it_shows_the_form_to_anyone(client, taxonomy, geo):
    page = client.get("/public/report/").content.decode()
    assert 'name="captcha_key"' in page and 'name="otp"' in page
    assert "اراک" in page and "برق" in page


def test_it_files_a_report_with_attachments(client, report_payload, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    payload = report_payload()
    photo = _jpeg_with_exif()
    assert b"SecretCameraMaker" in photo
    files = [
        SimpleUploadedFile("عکس.jpg", photo, content_type="image/jpeg"),
        SimpleUploadedFile("نامه.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf"),
    ]
    response = client.post("/public/report/", {**payload, "attachments": files})
    assert response.status_code == 200
    report = PublicReport.objects.get()
    assert to_persian_digits(report.tracking_code) in response.content.decode()
    kinds = sorted(a.content_type for a in report.attachments.all())
    assert kinds == ["application/pdf", "image/jpeg"]
    stored = report.attachments.get(content_type="image/jpeg").file.read()
    assert b"SecretCameraMaker" not in stored and stored.startswith(b"\xff\xd8\xff")
    # Stored under MEDIA_ROOT/private, never under the static root.
    assert all("/private/" in a.file.path for a in report.attachments.all())


def test_it_refuses_a_file_whose_bytes_are_not_an_allowed_type(client, report_payload):
    payload = report_payload()
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = client.post("/public/report/", {**payload, "attachments": [fake]})
    assert "باید PDF، JPEG یا PNG باشد" in response.content.decode()
    assert PublicReport.objects.count() == 0


def test_it_places_a_wrong_code_on_its_field(client, report_payload):
    payload = report_payload()
    payload["otp"] = "000000" if payload["otp"] != "000000" else "111111"
    response = client.post("/public/report/", payload)
    assert 'id="id_otp_errors"' in response.content.decode()
    assert PublicReport.objects.count() == 0
