"""People managed by the headquarters: the users pages, the reset codes, the audit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from jahesh.accounts import people
from jahesh.accounts.models import ApiToken, PasswordResetCode, User, UserChange
from jahesh.accounts.roles import Role
from jahesh.accounts.services import api_token_issue
from jahesh.core import sms
from jahesh.core.errors import ApplicationError, NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_counted_requests():
    # The reset limits count in the cache, which outlives a test's transaction.
    cache.clear()


PERSON = {
    "username": "saveh.officer",
    "first_name": "مریم",
    "last_name": "کاظمی",
    "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
    "email": "",
    "role": Role.COUNTY_OFFICER,
}


def _code(text: str) -> str:
    return re.search(r"(\d{6})", text).group(1)


def test_a_headquarters_manager_creates_a_county_officer_of_their_province(
    users, geo, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users["hq"]).post(
            "/accounts/people/new/", {**PERSON, "county": geo["saveh"].pk}
        )
    person = User.objects.get(username="saveh.officer")
    assert response.status_code == 302 and response["Location"] == f"/accounts/people/{person.pk}/"
    assert (person.role, person.county, person.province) == (
        Role.COUNTY_OFFICER,
        geo["saveh"],
        geo["markazi"],
    )
    assert person.mobile == "09121234567" and not person.has_usable_password()
    change = UserChange.objects.get(user=person)
    assert (change.actor, change.action) == (users["hq"], UserChange.Action.CREATE)
    # The welcome code reaches the person, never the manager.
    assert [m.to for m in sms.outbox] == ["09121234567"]
    assert "saveh.officer" in sms.outbox[0].text


def test_every_problem_of_a_new_user_is_reported_at_once_on_its_field(users, geo):
    with pytest.raises(ApplicationError) as refused:
        people.person_create(
            manager=users["hq"],
            data=people.PersonData(
                username="x", role=Role.ADMIN, county=geo["tehran_county"], mobile="123"
            ),
        )
    fields = {e["field"] for e in refused.value.errors}
    assert fields == {"username", "mobile", "role"}
    assert not User.objects.filter(username="x").exists()


def test_a_manager_registers_only_in_their_province(users, geo, django_capture_on_commit_callbacks):
    with pytest.raises(ApplicationError) as refused:
        people.person_create(
            manager=users["hq"],
            data=people.PersonData(
                username="tehran.officer",
                role=Role.COUNTY_OFFICER,
                county=geo["tehran_county"],
                mobile="09121234567",
            ),
        )
    assert refused.value.errors == [
        {"field": "county", "message": "فقط کاربران استان خودتان را می‌توانید ثبت کنید."}
    ]
    # A role scoped by assignment is registered in the manager's province.
    with django_capture_on_commit_callbacks(execute=True):
        fund = people.person_create(
            manager=users["hq"],
            data=people.PersonData(username="new.fund", role=Role.FUND_MANAGER, email="f@x.ir"),
        )
    assert fund.province == geo["markazi"]
    assert mail.outbox[0].to == ["f@x.ir"]


def test_only_an_admin_gives_the_admin_role_or_the_whole_country(users, geo):
    data = people.PersonData(
        username="national.viewer", role=Role.VIEWER, nationwide=True, mobile="09121234567"
    )
    with pytest.raises(ApplicationError) as refused:
        people.person_create(manager=users["hq"], data=data)
    assert [e["field"] for e in refused.value.errors] == ["nationwide"]
    made = people.person_create(manager=users["admin"], data=data)
    assert made.nationwide and made.province is None


@pytest.mark.parametrize(
    ("reader", "status"),
    [("hq", 200), ("admin", 200), ("hq_other", 404), ("arak", 403), ("viewer", 403), (None, 302)],
)
def test_a_user_page_answers_in_scope_out_of_scope_and_anonymous(users, client_for, reader, status):
    saveh = users["saveh"]
    response = client_for(users.get(reader)).get(f"/accounts/people/{saveh.pk}/")
    assert response.status_code == status
    if status == 200:
        assert "ساوه" in response.content.decode()


@pytest.mark.parametrize(
    ("reader", "status", "listed"),
    [
        ("hq", 200, {"arak", "saveh", "coordinator", "projects", "viewer", "hq"}),
        ("hq_other", 200, {"hq_tehran"}),
        ("arak", 403, None),
        (None, 302, None),
    ],
)
def test_the_people_list_holds_the_managers_province_only(
    users, client_for, reader, status, listed
):
    response = client_for(users.get(reader)).get("/accounts/people/")
    assert response.status_code == status
    if listed is not None:
        shown = {u.username for u in response.context["page"].object_list}
        assert shown == listed  # never the admin, an expert or a fund manager of no province


def test_a_headquarters_manager_never_reaches_an_admin(users):
    assert not people.manageable(users["hq"]).filter(pk=users["admin"].pk).exists()
    with pytest.raises(NotFound):
        people.person_set_active(manager=users["hq"], user=users["admin"], active=False)


def test_edits_are_audited_with_the_fields_that_changed(users, geo, client_for):
    arak = users["arak"]
    data = {**PERSON, "username": "arak", "first_name": "علی", "county": geo["saveh"].pk}
    response = client_for(users["hq"]).post(f"/accounts/people/{arak.pk}/", data)
    assert response.status_code == 302
    arak.refresh_from_db()
    assert (arak.county, arak.first_name) == (geo["saveh"], "علی")
    change = UserChange.objects.get(user=arak, action=UserChange.Action.UPDATE)
    assert change.changes["county"] == [geo["arak"].pk, geo["saveh"].pk]
    assert set(change.changes) == {"first_name", "last_name", "mobile", "county"}
    page = client_for(users["hq"]).get(f"/accounts/people/{arak.pk}/").content.decode()
    assert "شهرستان" in page and "ویرایش" in page


def test_deactivating_stops_sign_in_and_tokens_and_nobody_deactivates_themselves(
    users, client_for, api_client_for
):
    saveh = users["saveh"]
    token = api_token_issue(user=saveh)
    response = client_for(users["hq"]).post(f"/accounts/people/{saveh.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    saveh.refresh_from_db()
    assert not saveh.is_active
    assert ApiToken.objects.get(user=saveh).revoked_at is not None
    assert (
        Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/auth/me").status_code
        == 401
    )
    assert UserChange.objects.filter(user=saveh, action=UserChange.Action.DEACTIVATE).count() == 1
    with pytest.raises(ApplicationError):
        people.person_set_active(manager=users["hq"], user=users["hq"], active=False)
    assert (
        client_for(users["hq_other"])
        .post(f"/accounts/people/{saveh.pk}/active/", {"active": "1"})
        .status_code
        == 404
    )


def test_a_manager_sends_a_reset_code_and_the_person_sets_a_password(users, client_for):
    saveh = users["saveh"]
    User.objects.filter(pk=saveh.pk).update(mobile="09351112233")
    response = client_for(users["hq"]).post(f"/accounts/people/{saveh.pk}/reset/")
    assert response.status_code == 302
    assert [m.to for m in sms.outbox] == ["09351112233"]
    code = _code(sms.outbox[0].text)
    form = {
        "login": "saveh",
        "code": code,
        "password1": "a-new-pass-99",
        "password2": "a-new-pass-99",
    }
    confirmed = Client().post("/accounts/password/reset/confirm/", form)
    assert confirmed.status_code == 302 and confirmed["Location"] == "/accounts/login/"
    saveh.refresh_from_db()
    assert saveh.check_password("a-new-pass-99")
    # Used once: the same code does nothing more.
    again = Client().post(
        "/accounts/password/reset/confirm/",
        {**form, "password1": "other-pass-77", "password2": "other-pass-77"},
    )
    assert again.status_code == 200 and "نادرست یا منقضی" in again.content.decode()
    assert [c.action for c in UserChange.objects.filter(user=saveh).order_by("id")] == [
        UserChange.Action.RESET_SENT,
        UserChange.Action.PASSWORD,
    ]


def test_the_reset_request_never_says_whether_an_account_exists(users):
    User.objects.filter(pk=users["saveh"].pk).update(mobile="09351112233")
    known = Client().post("/accounts/password/reset/", {"login": "۰۹۳۵۱۱۱۲۲۳۳"})
    unknown = Client().post("/accounts/password/reset/", {"login": "nobody-here"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"].split("?")[0] == unknown["Location"].split("?")[0]
    assert [m.to for m in sms.outbox] == ["09351112233"]


def test_a_wrong_code_uses_a_try_and_five_kill_the_code(users):
    saveh = users["saveh"]
    User.objects.filter(pk=saveh.pk).update(mobile="09351112233")
    people.password_reset_request(login="saveh", ip="10.0.0.1")
    code = _code(sms.outbox[0].text)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(people.RESET_CODE_TRIES):
        with pytest.raises(ApplicationError):
            people.password_reset_confirm(login="saveh", code=wrong, password="x-pass-1234")
    assert PasswordResetCode.objects.get(user=saveh).tries == people.RESET_CODE_TRIES
    with pytest.raises(ApplicationError):
        people.password_reset_confirm(login="saveh", code=code, password="x-pass-1234")


def test_a_code_expires_and_persian_digits_are_accepted(users):
    saveh = users["saveh"]
    User.objects.filter(pk=saveh.pk).update(mobile="09351112233")
    people.password_reset_request(login="saveh", ip="10.0.0.1")
    code = _code(sms.outbox[0].text)
    persian = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    PasswordResetCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ApplicationError):
        people.password_reset_confirm(login="saveh", code=persian, password="x-pass-1234")
    PasswordResetCode.objects.update(expires_at=timezone.now() + timedelta(minutes=5))
    people.password_reset_confirm(login="saveh", code=persian, password="x-pass-1234")
    saveh.refresh_from_db()
    assert saveh.check_password("x-pass-1234")


def test_reset_requests_are_limited_per_person_and_per_address(users):
    User.objects.filter(pk=users["saveh"].pk).update(mobile="09351112233")
    for _ in range(people.RESET_CODES_PER_HOUR + 2):
        people.password_reset_request(login="saveh", ip="10.0.0.2")
    assert len(sms.outbox) == people.RESET_CODES_PER_HOUR
    for _ in range(people.RESET_REQUESTS_PER_IP_HOUR - people.RESET_CODES_PER_HOUR - 2):
        people.password_reset_request(login="nobody", ip="10.0.0.2")
    with pytest.raises(ApplicationError):
        people.password_reset_request(login="nobody", ip="10.0.0.2")


def test_a_new_password_must_pass_the_password_rules(users):
    response = Client().post(
        "/accounts/password/reset/confirm/",
        {"login": "saveh", "code": "123456", "password1": "abc", "password2": "abc"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
