"""Filing a report: captcha and SMS code required, limits per IP and mobile,
the tracking code (10 digits, Luhn) sent by SMS."""

from __future__ import annotations

from jahesh.core import sms
from jahesh.core.digits import to_ascii_digits
from jahesh.portal.captcha import captcha_new, solve
from jahesh.portal.models import OtpCode, PublicReport
from jahesh.portal.services import luhn_digit, tracking_code_valid
from tests.portal.conftest import MOBILE

URL = "/api/v1/public/reports"


def _post(client, payload, **headers):
    return client.post(URL, payload, content_type="application/json", **headers)


def test_it_files_a_report_and_sends_the_tracking_code(client, file_report, geo):
    code = file_report()
    report = PublicReport.objects.get(tracking_code=code)
    assert tracking_code_valid(code) and len(code) == 10
    assert report.county == geo["arak"] and report.province == geo["markazi"]
    assert report.status == "received" and report.category.code == "electricity"
    assert code in to_ascii_digits(sms.outbox[-1].text)
    assert sms.outbox[-1].to == MOBILE
    # The SMS code is spent: stored hashed, never as the digits sent.
    otp = OtpCode.objects.get()
    assert otp.used_at is not None and otp.code_hash not in sms.outbox[0].text


def test_it_computes_luhn_check_digits():
    assert luhn_digit("7992739871") == "3"  # the textbook example
    assert tracking_code_valid("7992739871"[:9] + luhn_digit("799273987"))
    assert not tracking_code_valid("1234567890")


def test_it_requires_the_captcha(client, report_payload):
    payload = report_payload(captcha_answer="12")
    response = _post(client, payload)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "captcha_answer"
    assert PublicReport.objects.count() == 0


def test_it_accepts_a_captcha_key_once(client, report_payload):
    payload = report_payload()
    assert _post(client, payload).status_code == 201
    again = report_payload(captcha_key=payload["captcha_key"],
                           captcha_answer=payload["captcha_answer"])  # fmt: skip
    assert _post(client, again).json()["errors"][0]["field"] == "captcha_answer"


def test_it_accepts_passed_only_in_test_mode(client, report_payload, monkeypatch):
    payload = report_payload(captcha_answer="PASSED")
    assert _post(client, payload).status_code == 422
    monkeypatch.setenv("JAHESH_CAPTCHA_TEST", "1")
    payload = report_payload(captcha_answer="PASSED")
    assert _post(client, payload).status_code == 201


def test_it_requires_the_sms_code(client, report_payload):
    payload = report_payload()
    payload["otp"] = "000000" if payload["otp"] != "000000" else "111111"
    response = _post(client, payload)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "otp"
    assert PublicReport.objects.count() == 0


def test_it_kills_the_code_after_five_wrong_tries(client, report_payload, geo):
    payload = report_payload()
    right = payload["otp"]
    wrong = "000000" if right != "000000" else "111111"
    for i in range(5):
        fresh = captcha_new()
        payload.update(otp=wrong, captcha_key=fresh["key"], captcha_answer=solve(fresh))
        assert _post(client, payload, REMOTE_ADDR=f"10.2.0.{i}").status_code == 422
    fresh = captcha_new()
    payload.update(otp=right, captcha_key=fresh["key"], captcha_answer=solve(fresh))
    response = _post(client, payload, REMOTE_ADDR="10.2.1.1")
    assert response.json()["errors"][0]["field"] == "otp"


def test_it_places_field_errors(client, report_payload):
    payload = report_payload(legal_id="10380284791", description="کوتاه", category="nope")
    response = _post(client, payload)
    fields = {e["field"] for e in response.json()["errors"]}
    assert response.status_code == 422
    assert fields == {"legal_id", "description", "category"}


def test_it_accepts_an_owner_national_code_instead(client, file_report):
    code = file_report(legal_id="", national_code="0013542419")
    assert PublicReport.objects.get(tracking_code=code).national_code == "0013542419"


def test_it_limits_sms_codes_per_mobile_and_per_ip(client, geo):
    def ask(mobile, ip):
        return client.post("/api/v1/public/otp", {"mobile": mobile},
                           content_type="application/json", REMOTE_ADDR=ip).status_code  # fmt: skip

    assert [ask(MOBILE, "10.0.0.1") for _ in range(4)] == [202, 202, 202, 429]
    # Another IP does not lift the mobile's limit
    assert ask(MOBILE, "10.0.0.2") == 429
    # and one IP asking for many numbers stops at its own limit.
    codes = [ask(f"0912000{i:04d}", "10.0.0.9") for i in range(11)]
    assert codes == [202] * 10 + [429]


def test_it_limits_reports_per_ip(client, report_payload):
    codes = []
    for i in range(6):
        payload = report_payload(mobile=f"0935000{i:04d}")
        codes.append(_post(client, payload, REMOTE_ADDR="10.1.1.1").status_code)
    assert codes == [201] * 5 + [429]


def test_it_lists_the_top_level_categories(client, taxonomy):
    items = client.get("/api/v1/public/categories").json()["items"]
    codes = [i["code"] for i in items]
    assert "electricity" in codes and "finance" in codes
    assert not [c for c in codes if "." in c]


def test_it_hands_out_a_captcha(client):
    data = client.get("/api/v1/public/captcha").json()
    assert set(data) >= {"key", "salt", "challenge", "maxnumber", "algorithm"}
