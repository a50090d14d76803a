"""The canary crawl: scope holds in every nesting.

Records whose names carry a marker are planted in Arak, Saveh and Tehran and
linked across counties into each other's groups, camps, sessions, agendas,
projects and services (``canary_world``). Then every URL pattern of the project
(pages, downloads and ``/api/v1/`` routes; path parameters filled with the
planted records' ids) is fetched with GET as every role and as anonymous, and
each answer (HTML, JSON, CSV, XLSX decoded with openpyxl, PDF as the HTML it is
printed from) is searched for markers: a marker may appear only for a reader who
may open its record on its own (``scoped``). No answer may be a 5xx.

A new URL pattern whose parameters the crawl cannot fill fails the crawl: add
it to ``FILL`` (or, with the reason, to ``SKIP``).
"""

from __future__ import annotations

import io
import itertools
import re
import time
from unittest import mock

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jahesh.accounts.models import User
from jahesh.accounts.scoping import scoped
from jahesh.clinic.models import Case, Resolution, Session, WorkingGroup
from jahesh.core.digits import to_ascii_digits
from jahesh.core.models import ImportJob
from jahesh.funds.models import Fund, Loan, LotteryDraw, Member, Repayment
from jahesh.notifications.models import BulkMessage
from jahesh.portal.models import PublicReport, ReportAttachment
from jahesh.projects.models import DirectService, Project, ProjectPhoto
from jahesh.reports.kpis import KPI_LIST
from jahesh.units.models import Unit, Visit, VisitPhoto
from jahesh.volunteers.models import Camp, Certificate, Group, RosterEntry, Volunteer
from tests.accounts.canary_world import plant

# Patterns not fetched, and why. Everything else is crawled.
SKIP = {
    "accounts/logout/": "ends the crawler's session (and answers GET with 405)",
    "i18n/setlang/": "POST-only; switches the language, reads no record",
    "api/v1/auth/token": "POST-only; issues a token, reads no record",
    "api/v1/auth/tokens/<token_id>/revoke": "POST-only; revokes one of the reader's own tokens",
    "accounts/two-factor/<str:action>/": "POST-only; the reader's own two-step sign-in",
    "notifications/<int:pk>/read/": "POST-only; marks one of the reader's own notifications read",
    "notifications/read-all/": "POST-only; marks the reader's own notifications read",
    "api/v1/notifications/<int:notification_id>/read": "POST-only; marks one of the reader's own",
    "api/v1/notifications/read-all": "POST-only; marks the reader's own notifications read",
}
# The API's own description (no record in it; 1.5 s to build): fetched by the
# admin's crawl only.
ONCE = {"api/v1/openapi.json": "admin", "api/v1/docs": "admin"}
# The Django admin is for staff (the admin role, whose scope is the country); the
# crawl checks that every other role is sent to the login page instead.
ADMIN_PREFIX = "admin/"

# Public by design: a certificate's verification (anyone holding its long random
# code) shows the camp it was earned at, and of the person only initials.
PUBLIC_MARKERS = {
    "volunteers/verify/<str:code>": "-camp-",
    "api/v1/volunteers/certificates/check/<code>": "-camp-",
}


def _groups_by_place(world, user) -> set[str]:
    # A project names the volunteer group that carries it out; project managers do
    # not open the volunteers module, so the form offers the groups of the
    # counties they record in (projects.api._volunteers_ref checks the same).
    from jahesh.projects.selectors import county_allowed

    return {
        m
        for m, r in world.records.items()
        if isinstance(r, Group) and county_allowed(user=user, county=r.county)
    }


def _loan_approvers(world, user) -> set[str]:
    # A loan's page names who may approve it (issue 14: "who may approve shown on
    # the record"): colleagues whose scope covers the loan, users the reader does
    # not manage. Only those, of the loans the reader opens.
    from jahesh.funds.selectors import loan_approvers

    names = set()
    for loan in scoped(user, Loan).filter(pk__in=world.ids[Loan]):
        names |= {u.first_name for u in loan_approvers(loan=loan)}
    return {m for m, r in world.records.items() if isinstance(r, User) and m in names}


# Markers a route may show beyond what the reader opens on their own, by design.
BY_DESIGN = {"projects/new/": _groups_by_place, "funds/loans/<int:pk>/": _loan_approvers}

KPI_CODES = [k.code for k in KPI_LIST]
# How each path parameter is filled, keyed by the route up to that parameter: a
# model (every planted record of it, in scope of the reader or not) or the values.
FILL: dict[str, object] = {
    "units/export.<str:fmt>": ["xlsx", "csv"],
    "units/<int:pk>": Unit,
    "units/photos/<int:pk>": VisitPhoto,
    "clinic/<int:pk>": Case,
    "clinic/groups/<int:pk>": WorkingGroup,
    "clinic/sessions/<int:pk>": Session,
    "funds/import-template/<str:kind>": ["members", "loans"],
    "funds/<int:pk>": Fund,
    "funds/<int:pk>/import/<str:kind>": ["members"],
    "funds/members/<int:pk>": Member,
    "funds/loans/<int:pk>": Loan,
    "funds/loans/<int:pk>/repayments/<int:repayment_pk>": Repayment,
    "funds/loans/<int:pk>/<str:action>": ["approve"],
    "volunteers/<int:pk>": Volunteer,
    "volunteers/groups/<int:pk>": Group,
    "volunteers/camps/<int:pk>": Camp,
    "volunteers/roster/<int:entry_id>": RosterEntry,
    "volunteers/certificates/<int:pk>": Certificate,
    "volunteers/verify/<str:code>": "certificate",
    "projects/<int:pk>": Project,
    "projects/photos/<int:pk>": ProjectPhoto,
    "reports/export/<str:kind>": ["figures", "counties", "all"],
    "reports/export/<str:kind>.<str:fmt>": ["xlsx", "csv"],
    "reports/kpi/<str:code>": KPI_CODES,
    "reports/kpi/<str:code>/export.<str:fmt>": ["xlsx", "csv"],
    "reports/report.<str:fmt>": ["pdf", "txt", "xlsx"],
    "api/v1/units/<int:unit_id>": Unit,
    "api/v1/visits/<int:visit_id>": Visit,
    "api/v1/cases/<int:case_id>": Case,
    "api/v1/sessions/<int:session_id>": Session,
    "api/v1/resolutions/<int:resolution_id>": Resolution,
    "api/v1/funds/<int:fund_id>": Fund,
    "api/v1/funds/members/<int:member_id>": Member,
    "api/v1/funds/draws/<int:draw_id>": LotteryDraw,
    "api/v1/loans/<int:loan_id>": Loan,
    "api/v1/loans/<int:loan_id>/repayments/<int:repayment_id>": Repayment,
    "api/v1/volunteers/<int:volunteer_id>": Volunteer,
    "api/v1/volunteers/groups/<int:group_id>": Group,
    "api/v1/volunteers/camps/<int:camp_id>": Camp,
    "api/v1/volunteers/roster/<int:entry_id>": RosterEntry,
    "api/v1/volunteers/certificates/check/<code>": "certificate",
    "api/v1/projects/<int:project_id>": Project,
    "api/v1/projects/services/<int:service_id>": DirectService,
    "imports/<int:job_id>": ImportJob,
    "accounts/people/<int:pk>": User,
    # A producer's report by its tracking code (the mobile number is asked too:
    # without it the answer is 422, with a wrong one 404).
    "api/v1/public/reports/<code>": ["1000000009"],
    "public/open-data/figures.<str:fmt>": ["csv", "json"],
    "figures/releases/<int:year>": ["1403"],
    "figures/releases/<int:year>/<int:quarter>": ["0"],
    "figures/releases/<int:year>/<int:quarter>/<str:action>": ["publish"],
    "clinic/intake/<int:pk>": PublicReport,
    "clinic/intake/<int:pk>/<str:action>": ["accept"],
    "clinic/intake/attachments/<int:pk>": ReportAttachment,
    "api/v1/imports/<int:job_id>": ImportJob,
    # Closures are public reference data (no marker); removal is POST/DELETE only.
    "geo/closures/<int:pk>": ["1"],
    "api/v1/calendar/closures/<int:closure_id>": ["1"],
    "notifications/bulk/<int:pk>": BulkMessage,
}
PARAM = re.compile(r"<(?:\w+:)?\w+>")
ROLES = [
    "admin", "hq", "hq_other", "arak", "saveh", "expert", "fund", "coordinator", "projects",
    "viewer", None,
]  # fmt: skip


def _routes(patterns=None, prefix: str = ""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _ids(world, model, user) -> list[str]:
    """The planted records of ``model`` the reader may open (their pages list the
    out-of-scope people and records linked in), and the first one they may not
    (which must answer 404)."""
    ids = world.ids[model]
    mine = set(scoped(user, model).filter(pk__in=ids).values_list("pk", flat=True))
    chosen = [i for i in ids if i in mine] + [i for i in ids if i not in mine][:1]
    return [str(i) for i in chosen]


def _values(route: str, world, user=None) -> list[list[str]]:
    """For each parameter of ``route``, the values to put there."""
    out = []
    for match in PARAM.finditer(route):
        source = FILL.get(route[: match.end()])
        if source is None:
            raise LookupError(f"canary crawl: no way to fill {match.group()} of {route!r}")
        if isinstance(source, list):
            out.append(source)
        elif isinstance(source, str):
            out.append([str(v) for v in world.values[source]])
        else:
            out.append(_ids(world, source, user))
    return out


def _urls(world, role: str | None = "admin", user=None) -> list[tuple[str, str]]:
    """(url, route) for every URL the crawl fetches as ``role`` (``user``)."""
    urls = []
    for route in dict.fromkeys(_routes()):  # ninja repeats a path once per method
        if route in SKIP or route.startswith(ADMIN_PREFIX):
            continue
        if ONCE.get(route, role) != role:
            continue
        parts = PARAM.split(route)
        for combo in itertools.product(*_values(route, world, user)):
            url = parts[0] + "".join(v + rest for v, rest in zip(combo, parts[1:], strict=True))
            urls.append(("/" + url, route))
    return urls


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        cells = (
            str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
        )
        return to_ascii_digits(" ".join(cells))
    if kind.startswith("image/"):
        return ""
    return to_ascii_digits(body.decode("utf-8", "replace"))


class _HtmlAsPdf:
    """Stands in for WeasyPrint: the "PDF" is the HTML it would print, so the crawl
    reads exactly what the PDF shows without rendering it (seconds per file)."""

    def __init__(self, string: str, **_kw):
        self.html = string

    def write_pdf(self) -> bytes:
        return self.html.encode()


@pytest.fixture
def world(geo, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return plant(geo, users)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_it_shows_no_out_of_scope_record_anywhere(role, world, users):
    # Given every URL of the project filled with the planted records' ids
    user = users[role] if role else None
    allowed = world.allowed(user) if user else set()
    client = Client(raise_request_exception=False)  # a 500 is recorded, not raised
    if user is not None:
        client.force_login(user, backend="jahesh.accounts.backends.ModelBackend")
    urls = _urls(world, role, user)
    leaks, errors = [], []
    started = time.monotonic()
    # When the reader fetches each of them
    with mock.patch("weasyprint.HTML", _HtmlAsPdf):
        for url, route in urls:
            response = client.get(url)
            if response.status_code >= 500:
                errors.append(f"{response.status_code} {url}")
                continue
            public = PUBLIC_MARKERS.get(route)
            extra = BY_DESIGN[route](world, user) if route in BY_DESIGN and user else set()
            for marker in sorted(world.found(_text(response)) - allowed - extra):
                if not (public and public in marker):
                    leaks.append(f"{url}: {marker}")
    # Then no answer fails and none shows a record the reader may not open
    print(f"canary {role}: {len(urls)} requests in {time.monotonic() - started:.1f}s")
    assert errors == []
    assert leaks == [], "\n".join(leaks)


def test_it_sends_every_non_staff_reader_from_the_admin_to_the_login(users, client_for):
    for role in ROLES:
        if role == "admin":
            continue
        response = client_for(users[role] if role else None).get("/admin/")
        assert response.status_code == 302, role
        assert "/admin/login/" in response["Location"], role


def test_it_fills_every_url_pattern_and_openapi_path(world, client_for, users):
    # Every pattern is skipped with a reason or can be filled (else _urls raises).
    assert len(_urls(world)) > 100
    # And every GET path of the OpenAPI document is one of the crawled routes.
    crawled = {"/" + PARAM.sub("{}", r) for r in _routes() if r not in SKIP}
    doc = client_for(users["admin"]).get("/api/v1/openapi.json").json()
    paths = [p for p, ops in doc["paths"].items() if "get" in ops]
    assert paths
    assert [p for p in paths if re.sub(r"\{[^}]+\}", "{}", p) not in crawled] == []
