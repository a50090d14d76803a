from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from jahesh.core import sms
from jahesh.core.digits import to_ascii_digits
from jahesh.portal.captcha import captcha_new, solve

LEGAL_ID = "10380284790"
MOBILE = "09121234567"


@pytest.fixture(autouse=True)
def _fresh_limits():
    # Rate limits and spent captchas live in the cache: each test starts clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def taxonomy(db):
    from jahesh.clinic.taxonomy import taxonomy_load

    taxonomy_load()


def last_code(mobile: str = MOBILE) -> str:
    texts = [m.text for m in sms.outbox if m.to == mobile]
    return re.search(r"\d{6}", to_ascii_digits(texts[-1])).group()


@pytest.fixture
def report_payload(geo, taxonomy, client):
    """A valid JSON report: a solved captcha and a fresh SMS code of ``mobile``."""

    def make(mobile: str = MOBILE, **fields):
        challenge = captcha_new()
        assert client.post("/api/v1/public/otp", {"mobile": mobile},
                           content_type="application/json").status_code == 202  # fmt: skip
        payload = {
            "unit_name": "کارخانه نان سحر", "county_id": geo["arak"].pk, "legal_id": LEGAL_ID,
            "category": "electricity", "description": "برق کارخانه سه روز در هفته قطع می‌شود.",
            "mobile": mobile, "otp": last_code(mobile), "captcha_key": challenge["key"],
            "captcha_answer": solve(challenge),
        }  # fmt: skip
        payload.update(fields)
        return payload

    return make


@pytest.fixture
def file_report(client, report_payload):
    def make(**fields):
        response = client.post("/api/v1/public/reports", report_payload(**fields),
                               content_type="application/json")  # fmt: skip
        assert response.status_code == 201, response.json()
        return response.json()["tracking_code"]

    return make
