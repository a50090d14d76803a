"""Bulk text messages: a fund manager to their fund's members, a coordinator to
a camp's volunteers; a preview with the segment count before the send; an audit
record; nobody outside the sender's scope is messaged."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from jahesh.core import sms
from jahesh.core.errors import InvalidInput
from jahesh.notifications.bulk import bulk_audience, bulk_send
from jahesh.notifications.models import BulkMessage, Delivery
from jahesh.notifications.services import deliveries_send
from tests.notifications.conftest import tehran

TEXT = "جلسهٔ مجمع عمومی صندوق پنجشنبه ساعت ۱۰ در مسجد برگزار می‌شود."


@pytest.fixture
def members(fund, other_fund, add_member):
    mine = [add_member(fund) for _ in range(3)]
    theirs = add_member(other_fund)
    return mine, theirs


@pytest.fixture
def camp(geo):
    from jahesh.volunteers.models import Camp, RosterEntry, Volunteer

    camp = Camp.objects.create(
        title="اردوی جهادی روستای اراک", county=geo["arak"], city=geo["arak"].cities.first(),
        start_date=datetime.date(2026, 4, 1), end_date=datetime.date(2026, 4, 5),
    )  # fmt: skip
    people = []
    for i, county in enumerate([geo["arak"], geo["arak"], geo["tehran_county"]]):
        volunteer = Volunteer.objects.create(
            first_name="علی", last_name=f"رضایی {i}", national_code=f"00{i}1234567"[:10],
            mobile=f"0912000000{i}", county=county, registered_on=datetime.date(2025, 1, 1),
            gender="male", birth_year=1370,
        )  # fmt: skip
        RosterEntry.objects.create(camp=camp, volunteer=volunteer)
        people.append(volunteer)
    return camp, people


def test_a_fund_manager_messages_their_funds_members_once(fund, members, users):
    bulk = bulk_send(
        user=users["fund"], kind="fund", target_id=fund.pk, text=TEXT, now=tehran(2026, 4, 5, 10)
    )
    deliveries_send(now=tehran(2026, 4, 5, 10))
    assert (bulk.recipients, bulk.segments, bulk.sender) == (3, 1, users["fund"])
    assert len(sms.outbox) == 3
    assert Delivery.objects.filter(bulk=bulk, status="sent").count() == 3


def test_a_fund_manager_cannot_message_another_funds_members(other_fund, members, users):
    with pytest.raises(Http404):
        bulk_audience(user=users["fund"], kind="fund", target_id=other_fund.pk)
    assert BulkMessage.objects.count() == 0


def test_a_coordinator_reaches_only_the_volunteers_in_their_province(camp, users):
    camp, people = camp
    audience = bulk_audience(user=users["coordinator"], kind="camp", target_id=camp.pk)
    # The Tehran volunteer on the Arak camp's roster is outside Markazi's scope.
    assert sorted(who for who, _m in audience.people) == sorted(f"v{p.pk}" for p in people[:2])
    admin = bulk_audience(user=users["admin"], kind="camp", target_id=camp.pk)
    assert len(admin.people) == 3


def test_roles_that_do_not_manage_an_audience_cannot_send(fund, members, camp, users):
    # A coordinator has no funds module, a fund manager no volunteers module.
    with pytest.raises(PermissionDenied):
        bulk_audience(user=users["coordinator"], kind="fund", target_id=fund.pk)
    with pytest.raises(PermissionDenied):
        bulk_audience(user=users["fund"], kind="camp", target_id=camp[0].pk)
    with pytest.raises(InvalidInput):
        bulk_send(user=users["fund"], kind="fund", target_id=fund.pk, text="  ")


def test_the_page_previews_then_sends_with_a_confirmation(client_for, fund, members, users):
    client = client_for(users["fund"])
    page = client.get("/notifications/bulk/").content.decode()
    assert f'value="fund:{fund.pk}"' in page
    long_text = "پ" * 71  # two Persian segments
    preview = client.post("/notifications/bulk/", {"target": f"fund:{fund.pk}", "text": long_text})
    body = preview.content.decode()
    assert 'id="preview-recipients">۳<' in body
    assert 'id="preview-segments">۲<' in body
    assert 'id="preview-total">۶<' in body
    assert BulkMessage.objects.count() == 0 and Delivery.objects.count() == 0
    sent = client.post(
        "/notifications/bulk/", {"target": f"fund:{fund.pk}", "text": long_text, "confirm": "1"}
    )
    bulk = BulkMessage.objects.get()
    assert sent["Location"] == f"/notifications/bulk/{bulk.pk}/"
    assert (bulk.recipients, bulk.segments) == (3, 2)
    detail = client.get(sent["Location"]).content.decode()
    assert bulk.audience_label in detail and 'id="pending">۳<' in detail


def test_the_page_refuses_an_audience_outside_the_scope(client_for, other_fund, members, users):
    client = client_for(users["fund"])
    response = client.post(
        "/notifications/bulk/", {"target": f"fund:{other_fund.pk}", "text": TEXT, "confirm": "1"}
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert BulkMessage.objects.count() == 0 and Delivery.objects.count() == 0


def test_the_page_is_for_roles_that_send(client_for, users):
    assert client_for(users["viewer"]).get("/notifications/bulk/").status_code == 403
    assert client_for(users["expert"]).get("/notifications/bulk/").status_code == 403
    assert client_for(None).get("/notifications/bulk/").status_code == 302


def test_the_audit_record_is_the_senders(client_for, fund, members, users):
    bulk = bulk_send(user=users["fund"], kind="fund", target_id=fund.pk, text=TEXT)
    assert client_for(users["fund"]).get(f"/notifications/bulk/{bulk.pk}/").status_code == 200
    assert client_for(users["admin"]).get(f"/notifications/bulk/{bulk.pk}/").status_code == 200
    assert client_for(users["arak"]).get(f"/notifications/bulk/{bulk.pk}/").status_code == 404
    assert client_for(None).get(f"/notifications/bulk/{bulk.pk}/").status_code == 302
