"""The triage page offers the decisions of ``TRIAGE_FLOW``'s table: a report
still waiting may be accepted, merged (when it has a duplicate) or rejected;
a decided one, nothing; only managers of the clinic may decide."""

from __future__ import annotations

import re

from jahesh.portal import services
from jahesh.portal.models import PublicReport


def _forms(client, report: PublicReport) -> list[str]:
    """The decisions the page offers, in its order."""
    page = client.get(f"/clinic/intake/{report.pk}/")
    assert page.status_code == 200
    return re.findall(rf'action="/clinic/intake/{report.pk}/(accept|merge|reject)/"', page.text)


def test_a_waiting_report_offers_the_tables_decisions_and_a_decided_one_none(
    file_report, users, client_for
):
    first = PublicReport.objects.get(tracking_code=file_report())
    second = PublicReport.objects.get(tracking_code=file_report(mobile="09350001111"))
    arak = client_for(users["arak"])
    assert services.TRIAGE_FLOW.allowed_moves(second, users["arak"]) == [
        "accepted", "rejected", "merged"
    ]  # fmt: skip
    assert _forms(arak, second) == ["accept", "merge", "reject"]
    answer = arak.post(f"/clinic/intake/{second.pk}/merge/", {"into": first.pk})
    assert answer.status_code == 302
    second.refresh_from_db()
    assert second.status == "merged"
    assert services.TRIAGE_FLOW.allowed_moves(second, users["arak"]) == []
    assert _forms(arak, second) == []


def test_the_offered_reject_is_made_when_posted(file_report, users, client_for):
    report = PublicReport.objects.get(tracking_code=file_report())
    hq = client_for(users["hq"])
    assert _forms(hq, report) == ["accept", "reject"]  # no duplicate to merge into
    answer = hq.post(f"/clinic/intake/{report.pk}/reject/", {"reason": "واحد تعطیل است"})
    assert answer.status_code == 302
    report.refresh_from_db()
    assert report.status == "rejected"


def test_no_decision_is_listed_to_a_user_who_may_not_decide(file_report, users, client_for):
    report = PublicReport.objects.get(tracking_code=file_report())
    for name in ("expert", "viewer", "coordinator"):
        assert services.TRIAGE_FLOW.allowed_moves(report, users[name]) == []
    assert services.TRIAGE_FLOW.allowed_moves(report, users["admin"]) == [
        "accepted", "rejected", "merged"
    ]  # fmt: skip
    assert client_for(users["expert"]).get(f"/clinic/intake/{report.pk}/").status_code == 404
    assert client_for(users["saveh"]).get(f"/clinic/intake/{report.pk}/").status_code == 404
    anonymous = client_for(None).get(f"/clinic/intake/{report.pk}/")
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
