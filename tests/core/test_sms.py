"""The SMS transport: segment counts, the file outbox, the gateway's answers."""

from __future__ import annotations

import io
import json
import urllib.error

import pytest

from jahesh.core import sms


def test_persian_text_counts_ucs2_segments():
    assert sms.segments("") == 0
    assert sms.segments("س" * 70) == 1
    assert sms.segments("س" * 71) == 2  # split: 67 a segment
    assert sms.segments("س" * 134) == 2
    assert sms.segments("س" * 135) == 3


def test_latin_text_counts_gsm_segments_and_extended_characters_twice():
    assert sms.segments("a" * 160) == 1
    assert sms.segments("a" * 161) == 2
    assert sms.segments("a" * 306) == 2
    assert sms.segments("€" * 80) == 1  # 160 septets
    assert sms.segments("€" * 81) == 2


def test_the_locmem_backend_keeps_the_normalised_number():
    message_id = sms.send_sms("۰۹۱۲ ۳۴۵ ۶۷۸۹", "سلام")
    assert message_id == "locmem-1"
    assert sms.outbox == [sms.Sms(to="09123456789", text="سلام")]


def test_the_file_backend_appends_json_lines(settings, tmp_path):
    settings.JAHESH_SMS_BACKEND = "file"
    settings.VAR_DIR = tmp_path
    sms.send_sms("09123456789", "قسط شما سه روز دیگر سررسید می‌شود")
    sms.send_sms("09351234567", "دوم")
    lines = [json.loads(x) for x in (tmp_path / "sms-outbox.jsonl").read_text("utf-8").splitlines()]
    assert [(x["to"], x["text"]) for x in lines] == [
        ("09123456789", "قسط شما سه روز دیگر سررسید می‌شود"),
        ("09351234567", "دوم"),
    ]
    assert all(x["at"][:2] == "20" for x in lines)


def test_an_unknown_backend_or_a_bad_number_is_refused(settings):
    settings.JAHESH_SMS_BACKEND = "pigeon"
    with pytest.raises(sms.SmsError):
        sms.send_sms("09123456789", "x")
    settings.JAHESH_SMS_BACKEND = "locmem"
    with pytest.raises(Exception):  # noqa: B017 - normalize_mobile's own error
        sms.send_sms("12345", "x")
    assert sms.outbox == []


class _Answer(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_kavenegar_posts_the_message_and_reads_its_id(settings, monkeypatch):
    settings.JAHESH_SMS_BACKEND = "kavenegar"
    settings.JAHESH_SMS_API_KEY = "KEY/1"
    settings.JAHESH_SMS_SENDER = "10004346"
    seen = {}

    def urlopen(request, timeout):
        seen["url"], seen["data"] = request.full_url, request.data.decode()
        body = {"return": {"status": 200}, "entries": [{"messageid": 8792343}]}
        return _Answer(json.dumps(body).encode())

    monkeypatch.setattr(sms.urllib.request, "urlopen", urlopen)
    assert sms.send_sms("09123456789", "سلام") == "8792343"
    assert seen["url"] == "https://api.kavenegar.com/v1/KEY%2F1/sms/send.json"
    assert "receptor=09123456789" in seen["data"] and "sender=10004346" in seen["data"]


def test_kavenegar_refusals_and_network_errors_raise(settings, monkeypatch):
    settings.JAHESH_SMS_BACKEND = "kavenegar"
    settings.JAHESH_SMS_API_KEY = "KEY"

    def refused(request, timeout):
        return _Answer(json.dumps({"return": {"status": 418, "message": "credit"}}).encode())

    monkeypatch.setattr(sms.urllib.request, "urlopen", refused)
    with pytest.raises(sms.SmsError, match="credit"):
        sms.send_sms("09123456789", "x")

    def down(request, timeout):
        raise urllib.error.URLError("no route")

    monkeypatch.setattr(sms.urllib.request, "urlopen", down)
    with pytest.raises(sms.SmsError, match="no route"):
        sms.send_sms("09123456789", "x")
