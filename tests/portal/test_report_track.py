"""Tracking a report: its milestones in the producer's words; 404 alike for a
wrong code and a wrong mobile; never an internal note or a name."""

from __future__ import annotations

from jahesh.clinic import services as clinic
from jahesh.clinic.models import Agency, CaseStatus, Expert
from jahesh.core.text import normalize_key
from jahesh.portal import services
from jahesh.portal.models import PublicReport
from tests.portal.conftest import MOBILE

S = CaseStatus


def _track(client, code, mobile=MOBILE, ip="10.9.0.1"):
    return client.get(f"/api/v1/public/reports/{code}", {"mobile": mobile}, REMOTE_ADDR=ip)


def test_it_answers_a_received_report(client, file_report):
    code = file_report()
    data = _track(client, code).json()
    assert data["status"] == "received"
    assert [e["text"] for e in data["events"]] == ["گزارش شما دریافت شد"]
    # The number may be typed with Persian digits and +98.
    assert _track(client, code, mobile="+98۹۱۲۱۲۳۴۵۶۷").status_code == 200


def test_it_answers_404_alike_for_a_wrong_code_and_a_wrong_mobile(client, file_report):
    code = file_report()
    other = code[:9] + str((int(code[9]) + 1) % 10)
    wrong_code = _track(client, other)
    wrong_mobile = _track(client, code, mobile="09350000000")
    assert wrong_code.status_code == wrong_mobile.status_code == 404
    assert wrong_code.json() == wrong_mobile.json()
    assert _track(client, "junk", mobile="junk").json() == wrong_code.json()


def test_it_limits_tries_per_ip(client, file_report):
    code = file_report()
    codes = [_track(client, "1000000009", ip="10.9.9.9").status_code for _ in range(30)]
    assert set(codes) == {404}
    assert _track(client, code, ip="10.9.9.9").status_code == 429
    assert _track(client, code, ip="10.9.9.8").status_code == 200


def _expert(geo, users):
    return Expert.objects.create(name="دکتر پنهان نامی", name_key=normalize_key("دکتر پنهان نامی"),
                                 kind="university", province=geo["markazi"], user=users["expert"])  # fmt: skip


def test_it_follows_the_case_without_internal_notes_or_names(client, file_report, users, geo):
    code = file_report()
    report = PublicReport.objects.get(tracking_code=code)
    services.report_accept(user=users["arak"], report=report, sector="industry", severity=3)
    report.refresh_from_db()
    case = report.case
    agency = Agency.objects.get(code="power")
    data = clinic.MoveInput(reason="یادداشت-داخلی-محرمانه", expert=_expert(geo, users),
                            agency=agency, outcome="other", outcome_note="نکتهٔ-داخلی")  # fmt: skip
    for to in (S.TRIAGED, S.ASSIGNED, S.IN_PROGRESS, S.WAITING, S.IN_PROGRESS, S.RESOLVED):
        case = clinic.case_transition(case=case, to_status=to, user=users["admin"], data=data)
    body = _track(client, code).content.decode()
    result = _track(client, code).json()
    assert result["status"] == "resolved"
    assert [e["text"] for e in result["events"]] == [
        "گزارش شما دریافت شد", "گزارش شما پذیرفته و پرونده تشکیل شد",
        "پیگیری نزد دستگاه مسئول یا کارگروه", "مانع رفع شد و پرونده بسته شد",
    ]  # fmt: skip
    assert result["rating_open"] is True
    for secret in ("یادداشت-داخلی-محرمانه", "نکتهٔ-داخلی", "پنهان", "arak", agency.name):
        assert secret not in body
    # The page shows the same, and no more.
    page = client.post("/public/track/", {"code": code, "mobile": MOBILE}).content.decode()
    assert "مانع رفع شد و پرونده بسته شد" in page
    for secret in ("یادداشت-داخلی-محرمانه", "نکتهٔ-داخلی", "پنهان"):
        assert secret not in page


def test_it_shows_the_reason_of_a_rejection(client, file_report, users):
    code = file_report()
    report = PublicReport.objects.get(tracking_code=code)
    services.report_reject(user=users["arak"], report=report, reason="واحد در این شهرستان نیست")
    result = _track(client, code).json()
    assert result["status"] == "rejected"
    assert result["events"][-1]["text"].endswith("واحد در این شهرستان نیست")


def test_the_page_answers_the_same_for_a_wrong_mobile(client, file_report):
    code = file_report()
    wrong = client.post("/public/track/", {"code": code, "mobile": "09350000000"})
    assert wrong.status_code == 200
    assert "گزارشی با این کد رهگیری و شماره همراه پیدا نشد" in wrong.content.decode()
    assert 'id="jh-track-result"' not in wrong.content.decode()
