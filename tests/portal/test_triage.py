"""Triage of public reports in the clinic: scoped queue and attachments,
accept (match or create the unit; the case's clock starts at receipt), merge,
reject; the appeal of a low rating."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from jahesh.clinic import services as clinic
from jahesh.clinic.models import Case, CaseStatus
from jahesh.core import sms
from jahesh.core.digits import to_persian_digits as fa
from jahesh.core.errors import Conflict, Forbidden
from jahesh.core.text import normalize_key
from jahesh.portal import services
from jahesh.portal.models import PublicReport, ReportAttachment
from jahesh.units.models import Unit
from tests.portal.conftest import LEGAL_ID, MOBILE, last_code


@pytest.fixture
def report(file_report, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = PublicReport.objects.get(tracking_code=file_report())
    ReportAttachment.objects.create(report=r, file=ContentFile(b"%PDF-1.4 x", name="a.pdf"),
                                    name="a.pdf", content_type="application/pdf", size=10,
                                    sha256="0" * 64)  # fmt: skip
    return r


def test_the_queue_is_scoped(report, client_for, users):
    url = "/clinic/intake/"
    assert fa(report.tracking_code) in client_for(users["arak"]).get(url).content.decode()
    assert fa(report.tracking_code) in client_for(users["hq"]).get(url).content.decode()
    assert fa(report.tracking_code) not in client_for(users["saveh"]).get(url).content.decode()
    assert fa(report.tracking_code) not in client_for(users["hq_other"]).get(url).content.decode()
    assert client_for(users["viewer"]).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302


def test_the_report_and_its_attachments_are_served_only_in_scope(report, client_for, users):
    detail = f"/clinic/intake/{report.pk}/"
    file_url = f"/clinic/intake/attachments/{report.attachments.get().pk}/"
    arak = client_for(users["arak"])
    assert fa(MOBILE) in arak.get(detail).content.decode()
    response = arak.get(file_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 x"
    assert client_for(users["saveh"]).get(detail).status_code == 404
    assert client_for(users["saveh"]).get(file_url).status_code == 404
    assert client_for(users["expert"]).get(file_url).status_code == 404
    assert client_for(None).get(file_url).status_code == 302


def test_accept_matches_an_existing_unit_by_legal_id(report, users, geo):
    unit = Unit.objects.create(name="نان سحر اراک", name_key=normalize_key("نان سحر اراک"),
                               national_id=LEGAL_ID, sector="industry", county=geo["arak"])  # fmt: skip
    response = _post_accept(users, report, unit=unit.pk)
    report.refresh_from_db()
    case = report.case
    assert response.status_code == 302 and response["Location"] == f"/clinic/{case.pk}/"
    assert report.status == "accepted" and case.unit == unit
    assert case.source == Case.Source.PORTAL
    # The time limit counts from the report's receipt, not from the triage.
    assert case.opened_at == report.received_at


def _post_accept(users, report, **data):
    from django.test import Client

    c = Client()
    c.force_login(users["arak"], backend="jahesh.accounts.backends.ModelBackend")
    return c.post(f"/clinic/intake/{report.pk}/accept/", {"severity": 2, "title": "", **data})


def test_accept_creates_the_unit_when_none_matches(report, users):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        assert _post_accept(users, report, sector="agriculture").status_code == 302
    report.refresh_from_db()
    assert report.case.unit.name == "کارخانه نان سحر" and report.case.unit.sector == "agriculture"
    assert report.case.opened_at == report.received_at < report.triaged_at


def test_accept_without_a_sector_says_so_on_the_field(report, users):
    response = _post_accept(users, report)
    assert response.status_code == 422
    assert "بخش اقتصادی واحد تازه را انتخاب کنید" in response.content.decode()


def test_an_out_of_scope_officer_cannot_decide(report, client_for, users):
    saveh = client_for(users["saveh"])
    assert (
        saveh.post(f"/clinic/intake/{report.pk}/reject/", {"reason": "تکراری است"}).status_code
        == 404
    )
    report.refresh_from_db()
    assert report.status == "received"


def test_reject_and_merge(file_report, users, client_for):
    first = PublicReport.objects.get(tracking_code=file_report())
    second = PublicReport.objects.get(tracking_code=file_report(mobile="09350001111"))
    arak = client_for(users["arak"])
    page = arak.get(f"/clinic/intake/{second.pk}/").content.decode()
    assert fa(first.tracking_code) in page  # offered as the duplicate's main report
    assert arak.post(f"/clinic/intake/{second.pk}/merge/", {"into": first.pk}).status_code == 302
    second.refresh_from_db()
    assert second.status == "merged" and second.merged_into == first
    with pytest.raises(Conflict):
        services.report_reject(user=users["arak"], report=second, reason="دیگر نه")
    assert (
        arak.post(f"/clinic/intake/{first.pk}/reject/", {"reason": "واحد تعطیل است"}).status_code
        == 302
    )
    first.refresh_from_db()
    assert first.status == "rejected" and first.reject_reason == "واحد تعطیل است"


def test_only_managers_triage(report, users):
    with pytest.raises(Forbidden):
        services.report_reject(user=users["viewer"], report=report, reason="بی‌ربط است")


def _closed_case_report(report, users):
    services.report_accept(user=users["arak"], report=report, sector="industry")
    report.refresh_from_db()
    clinic.case_transition(case=report.case, to_status=CaseStatus.WITHDRAWN, user=users["admin"],
                           data=clinic.MoveInput(reason="انصراف تولیدکننده"))  # fmt: skip
    report.refresh_from_db()
    return report


def _rate(client, report, rating):
    client.post("/api/v1/public/otp", {"mobile": MOBILE, "purpose": "rating"},
                content_type="application/json")  # fmt: skip
    return client.post(f"/api/v1/public/reports/{report.tracking_code}/rating",
                       {"mobile": MOBILE, "otp": last_code(), "rating": rating,
                        "comment": "کسی پاسخ نداد"}, content_type="application/json")  # fmt: skip


def test_rating_needs_a_closed_case_and_an_sms_code(report, users, client):
    assert _rate(client, report, 4).status_code == 409  # not accepted yet
    report = _closed_case_report(report, users)
    bad = client.post(f"/api/v1/public/reports/{report.tracking_code}/rating",
                      {"mobile": MOBILE, "otp": "12", "rating": 4}, content_type="application/json")  # fmt: skip
    assert bad.status_code == 422
    assert _rate(client, report, 4).status_code == 200
    report.refresh_from_db()
    assert report.rating == 4 and report.appeal_opened_at is None


def test_a_low_rating_opens_an_appeal_for_the_manager(report, users, client, client_for):
    report = _closed_case_report(report, users)
    sms.outbox.clear()
    result = _rate(client, report, 1).json()
    report.refresh_from_db()
    assert report.appeal_opened_at is not None and report.appeal_due_at > report.appeal_opened_at
    assert result["rating_open"] is False
    hq = client_for(users["hq"])
    assert fa(report.tracking_code) in hq.get("/clinic/intake/?tab=appeals").content.decode()
    # A county officer sees it but only the manager answers.
    arak = client_for(users["arak"])
    assert (
        arak.post(f"/clinic/intake/{report.pk}/appeal/", {"answer": "پاسخ کارشناس"}).status_code
        == 422
    )
    assert (
        hq.post(f"/clinic/intake/{report.pk}/appeal/", {"answer": "پیگیری دوباره شد"}).status_code
        == 302
    )
    track = client.get(f"/api/v1/public/reports/{report.tracking_code}", {"mobile": MOBILE}).json()
    assert track["events"][-1]["text"].endswith("پیگیری دوباره شد")


def test_satisfaction_and_appeal_rates_per_county(report, users, client, client_for):
    report = _closed_case_report(report, users)
    _rate(client, report, 2)
    page = client_for(users["hq"]).get("/clinic/intake/?tab=satisfaction")
    [row] = page.context["rows"]
    assert {k: row[k] for k in ("county", "rated", "mean", "satisfied_pct", "appeals",
                                "appeal_pct", "overdue")} == {
        "county": "اراک", "rated": 1, "mean": 2.0, "satisfied_pct": 0, "appeals": 1,
        "appeal_pct": 100, "overdue": 0,
    }  # fmt: skip
    assert client_for(users["saveh"]).get("/clinic/intake/?tab=satisfaction").context["rows"] == []


def test_the_producer_rates_on_the_tracking_page(report, users, client):
    report = _closed_case_report(report, users)
    page = client.post("/public/track/", {"code": report.tracking_code, "mobile": MOBILE})
    assert 'id="jh-rate-form"' in page.content.decode()
    client.post("/api/v1/public/otp", {"mobile": MOBILE, "purpose": "rating"},
                content_type="application/json")  # fmt: skip
    data = {"code": report.tracking_code, "mobile": MOBILE, "rate": "1", "rating": "2",
            "comment": "دیر رسیدگی شد", "otp": "000000"}  # fmt: skip
    if last_code() == "000000":
        data["otp"] = "111111"
    wrong = client.post("/public/track/", data).content.decode()
    assert 'id="id_otp_errors"' in wrong
    report.refresh_from_db()
    assert report.rating is None
    data["otp"] = last_code()
    done = client.post("/public/track/", data).content.decode()
    report.refresh_from_db()
    assert report.rating == 2 and report.appeal_opened_at is not None
    assert "امتیاز شما ثبت شد" in done and 'id="jh-rate-form"' not in done


def test_a_report_is_decided_once_along_the_triage_table(report, users, geo):
    # portal.services.TRIAGE_TRANSITIONS on core.workflow: received → accepted,
    # rejected or merged; the decision names who and when; a decided report is
    # refused in the same words whatever is tried next, and makes no unit.
    decided = services.report_reject(user=users["hq"], report=report, reason="واحد تعطیل است")
    assert (decided.status, decided.triaged_by_id) == ("rejected", users["hq"].pk)
    assert decided.triaged_at is not None
    units = Unit.objects.count()
    with pytest.raises(Conflict, match="این گزارش پیش‌تر بررسی شده است"):
        services.report_accept(user=users["hq"], report=report, sector="industry")
    assert Unit.objects.count() == units
    assert services.TRIAGE_FLOW.allowed_moves(decided, users["hq"]) == []
    fresh = PublicReport(status=PublicReport.Status.RECEIVED)
    assert services.TRIAGE_FLOW.allowed_moves(fresh, users["hq"]) == [
        "accepted", "rejected", "merged"
    ]  # fmt: skip
