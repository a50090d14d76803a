"""Every router's list route, for an in-scope user, an out-of-scope user and an
anonymous client, on the canary world (records in Arak, Saveh and Tehran,
linked across counties): each reader gets exactly the records
``scoped(reader, Model)`` holds, the two readers' lists differ, and anonymous
gets 401."""

from __future__ import annotations

import pytest

from jahesh.accounts.scoping import scoped
from jahesh.clinic.models import Case, Resolution, Session
from jahesh.funds.models import Fund, Loan
from jahesh.geo.models import County, Province
from jahesh.projects.models import DirectService, Project
from jahesh.units.models import Unit
from jahesh.volunteers.models import Camp, Group, Volunteer
from tests.accounts.canary_world import plant

# (route, model, reader in scope, reader out of it): one list route per router.
LISTS = [
    ("/api/v1/units", Unit, "arak", "saveh"),
    ("/api/v1/cases", Case, "arak", "saveh"),
    ("/api/v1/sessions", Session, "hq", "hq_other"),
    ("/api/v1/resolutions", Resolution, "hq", "hq_other"),
    ("/api/v1/funds", Fund, "arak", "saveh"),
    ("/api/v1/loans", Loan, "arak", "saveh"),
    ("/api/v1/volunteers/", Volunteer, "arak", "saveh"),
    ("/api/v1/volunteers/groups", Group, "arak", "saveh"),
    ("/api/v1/volunteers/camps", Camp, "arak", "saveh"),
    ("/api/v1/projects/", Project, "arak", "saveh"),
    ("/api/v1/projects/services", DirectService, "arak", "saveh"),
]


@pytest.fixture
def world(geo, users):
    return plant(geo, users)


def _ids(client, route: str) -> list[int]:
    response = client.get(route, {"limit": 200})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return sorted(item["id"] for item in body["items"])


@pytest.mark.parametrize(("route", "model", "inside", "outside"), LISTS)
def test_a_list_route_answers_each_reader_with_their_scope(
    world, users, api_client_for, route, model, inside, outside
):
    # when the in-scope and the out-of-scope reader list the same route
    mine = _ids(api_client_for(users[inside]), route)
    theirs = _ids(api_client_for(users[outside]), route)
    # then each gets exactly their scope, the planted records of the first
    # reader's place are not in the second's list, and anonymous gets 401
    assert mine == sorted(scoped(users[inside], model).values_list("pk", flat=True))
    assert theirs == sorted(scoped(users[outside], model).values_list("pk", flat=True))
    assert mine, "the canary world plants records in the in-scope reader's place"
    assert set(mine) - set(theirs)
    anonymous = api_client_for(None).get(route)
    assert anonymous.status_code == 401
    assert anonymous.json()["message"]


@pytest.mark.parametrize("route", ["/api/v1/geo/provinces", "/api/v1/geo/counties"])
def test_geography_is_every_signed_in_readers_and_no_anonymous_ones(
    geo, users, api_client_for, route
):
    model = Province if route.endswith("provinces") else County
    everything = sorted(model.objects.values_list("pk", flat=True))
    assert _ids(api_client_for(users["arak"]), route) == everything
    assert _ids(api_client_for(users["hq_other"]), route) == everything
    assert api_client_for(None).get(route).status_code == 401


@pytest.mark.parametrize(
    ("route", "words"),
    [
        ("/api/v1/units", "کار با واحدهای تولیدی با نقش شما ممکن نیست."),
        ("/api/v1/funds", "کار با صندوق‌های قرض‌الحسنه با نقش شما ممکن نیست."),
    ],
)
def test_a_role_without_the_module_gets_403_saying_so(users, api_client_for, route, words):
    # a viewer reads figures only: these modules are not theirs
    response = api_client_for(users["viewer"]).get(route)
    assert response.status_code == 403
    assert response.json()["message"] == words


def test_a_viewer_lists_no_volunteer(world, users, api_client_for):
    # the volunteers list answers every signed-in role, but a viewer reads
    # aggregates only: no personal record
    response = api_client_for(users["viewer"]).get("/api/v1/volunteers/")
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}
    assert _ids(api_client_for(users["coordinator"]), "/api/v1/volunteers/")


def test_every_mounted_router_with_a_record_list_is_in_the_table():
    from jahesh.api_v1 import api

    listed = {route.split("/")[3] for route, *_ in LISTS}
    mounted = {prefix.strip("/") for prefix, _router in api._routers if prefix.strip("/")}
    # routers without a list of scoped records in the items/count shape, tested on
    # their own (tests/accounts/test_auth_api.py, the geography test above,
    # tests/reports, tests/portal, tests/core/test_import_jobs.py,
    # tests/geo/test_calendar_api.py, tests/notifications (the reader's own),
    # tests/*/test_inbox.py, tests/units/test_field.py (visits, the GeoJSON map))
    others = {
        "auth", "geo", "kpis", "public", "imports", "calendar", "notifications", "inbox",
        "visits", "map",
    }  # fmt: skip
    assert mounted - others == listed
