"""The canary world: records whose names carry a marker, planted in each county
(Arak, Saveh of Markazi; Tehran) and linked across counties into each other's
groups, camps, sessions, agendas, projects and services, so that every nested
list of an in-scope record also holds out-of-scope people and records.

Every planted record is known by its markers (its name and, for people, its
national code and mobile); ``World.allowed(user)`` says which markers the user
may read: those of the records ``scoped(user, …)`` lets them open on their own.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from jahesh.accounts.scoping import scoped
from jahesh.core.text import normalize_key

MARK = "CANARYqz"
MARKER_RE = re.compile(MARK + r"-[a-z]+-[A-Z]\d?")
D = datetime.date
PLACES = ("A", "S", "T")  # Arak, Saveh (Markazi), Tehran
# A 1x1 PNG, enough for an ImageField and the photo view.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@dataclass
class World:
    records: dict[str, models.Model] = field(default_factory=dict)  # marker → record
    ids: dict[type[models.Model], list[int]] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)  # str params (codes)

    def add(self, record: models.Model, marker: str = "", *extra: str) -> models.Model:
        self.ids.setdefault(type(record), []).append(record.pk)
        for key in (marker, *extra):
            if key:
                self.records[key] = record
        return record

    def allowed(self, user) -> set[str]:
        """Markers of the records ``user`` may open on their own."""
        out = set()
        for marker, record in self.records.items():
            if scoped(user, type(record)).filter(pk=record.pk).exists():
                out.add(marker)
        return out

    def found(self, text: str) -> set[str]:
        hits = set(MARKER_RE.findall(text))
        hits |= {key for key in self.records if not key.startswith(MARK) and key in text}
        return hits


def _m(kind: str, place: str) -> str:
    return f"{MARK}-{kind}-{place}"


def plant(geo, users) -> World:
    w = World()
    county = {"A": geo["arak"], "S": geo["saveh"], "T": geo["tehran_county"]}
    _units_and_clinic(w, county, users)
    _funds(w, county, users)
    _volunteers(w, county)
    _projects(w, county)
    _imports(w, users)
    _people(w, county)
    _notifications(w, county, users)
    _public_reports(w, county)
    _figure_releases(w, county, users)
    return w


def _figure_releases(w: World, county, users) -> None:
    # A province's release (its unpublishing reason shown on its page) is read
    # by its province and each of its counties; a county's submission by its
    # county and province (portal/apps.py).
    from jahesh.portal.models import CountyFigures, FigureRelease

    releases = {}
    for place in ("A", "T"):
        province = county[place].province
        releases[province.pk] = w.add(
            FigureRelease.objects.create(
                province=province, year=1403, quarter=0, status=FigureRelease.Status.UNPUBLISHED,
                unpublish_reason=_m("release", place),
            ),
            _m("release", place),
        )  # fmt: skip
    officer = {"A": users["arak"], "S": users["saveh"], "T": users["hq_other"]}
    for place, c in county.items():
        w.add(CountyFigures.objects.create(release=releases[c.province_id], county=c,
                                           values={}, submitted_at=timezone.now(),
                                           submitted_by=officer[place]))  # fmt: skip


def _people(w: World, county) -> None:
    # Users, as the people pages list them: a headquarters manager reaches the
    # users of their province only.
    from jahesh.accounts.models import User
    from jahesh.accounts.roles import Role

    for place in PLACES:
        marker = _m("person", place)
        user = User(
            username=f"canary-{place.lower()}",
            first_name=marker,
            role=Role.COUNTY_OFFICER,
            county=county[place],
        )
        user.set_unusable_password()
        user.save()
        w.add(user, marker)


def _notifications(w: World, county, users) -> None:
    # A notification is its recipient's alone, a bulk message's record its sender's
    # (admins see all of both).
    from jahesh.notifications.models import BulkMessage, Notification

    now = timezone.now()
    for place, owner in (("A", "arak"), ("S", "saveh"), ("T", "hq_other")):
        marker = _m("notice", place)
        note = Notification.objects.create(
            recipient=users[owner], kind="case_moved", title=marker, body=marker,
            url="/clinic/", event_key=f"canary:{place}", created_at=now,
        )  # fmt: skip
        w.add(note, marker)
    for place, sender in (("A", "fund"), ("S", "saveh"), ("T", "hq_other")):
        marker = _m("bulk", place)
        bulk = BulkMessage.objects.create(
            sender=users[sender], audience="fund", audience_id=1, audience_label=marker,
            county=county[place], text=marker, recipients=1, segments=1, created_at=now,
        )  # fmt: skip
        w.add(bulk, marker)


def _public_reports(w: World, county) -> None:
    # A producer's report (its unit's name, mobile and national code) and its
    # attachment are the clinic staff's of its county and province only.
    from django.core.files.base import ContentFile

    from jahesh.clinic.models import ObstacleCategory
    from jahesh.portal.models import PublicReport, ReportAttachment

    category = ObstacleCategory.objects.filter(code="electricity").first()
    for n, (p, c) in enumerate(county.items()):
        mobile = f"0935888000{n}"
        report = w.add(
            PublicReport.objects.create(
                tracking_code=f"90000000{n}0", unit_name=_m("preport", p),
                unit_name_key=normalize_key(_m("preport", p)), county=c, province=c.province,
                national_code=f"00000000{n}0", category=category, description=_m("pdesc", p),
                mobile=mobile, received_at=timezone.now(),
            ),
            _m("preport", p), _m("pdesc", p), mobile,
        )  # fmt: skip
        w.add(
            ReportAttachment.objects.create(
                report=report, file=ContentFile(PNG, name="p.png"), name=_m("pfile", p),
                content_type="image/png", size=len(PNG), sha256="0" * 64,
            ),
            _m("pfile", p),
        )  # fmt: skip


def _imports(w: World, users) -> None:
    # Background import jobs are their owner's alone (admins see all): the refused
    # rows they report name people and units of the owner's county.
    from jahesh.core.models import ImportJob

    for place, owner in (("A", "arak"), ("S", "saveh"), ("T", "hq_other")):
        marker = _m("import", place)
        report = {
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "refused": 1,
            "skipped_blank": 0,
            "dry_run": False,
            "errors": [{"row": 2, "column": "نام", "message": marker}],
            "warnings": [],
        }
        job = ImportJob.objects.create(
            user=users[owner], kind="units", filename=f"{marker}.csv", path="",
            status=ImportJob.Status.DONE, rows_done=1, rows_total=1, report=report,
        )  # fmt: skip
        w.add(job, marker)


def _units_and_clinic(w: World, county, users) -> None:
    from jahesh.clinic.models import (
        Agency,
        Case,
        Expert,
        ObstacleCategory,
        Resolution,
        ResolutionFollowUp,
        Session,
        WorkingGroup,
    )
    from jahesh.clinic.taxonomy import taxonomy_load
    from jahesh.units.models import Unit, Visit, VisitPhoto

    taxonomy_load()
    category = ObstacleCategory.objects.order_by("pk").first()
    agency = Agency.objects.order_by("pk").first()
    now = timezone.now()
    groups = {}
    for prov, province in (("M", county["A"].province), ("T", county["T"].province)):
        groups[prov] = w.add(
            WorkingGroup.objects.create(name=_m("wgroup", prov), province=province),
            _m("wgroup", prov),
        )
    experts, cases = {}, {}
    for p in PLACES:
        c = county[p]
        unit = w.add(
            Unit.objects.create(
                name=_m("unit", p), name_key=normalize_key(_m("unit", p)), sector="industry",
                county=c, province=c.province, employees=12,
            ),
            _m("unit", p),
        )  # fmt: skip
        visit = w.add(
            Visit.objects.create(unit=unit, visited_on=D(2025, 5, 1), notes=_m("visit", p)),
            _m("visit", p),
        )
        # A visit's photo (served by units/photos/<pk>/) and a place on the map.
        vphoto = VisitPhoto(visit=visit, caption=_m("vphoto", p))
        vphoto.image.save(f"canary-visit-{p}.png", ContentFile(PNG), save=True)
        w.add(vphoto, _m("vphoto", p))
        Unit.objects.filter(pk=unit.pk).update(latitude=34 + len(p) / 10, longitude=49.5)
        experts[p] = w.add(
            Expert.objects.create(
                name=_m("expert", p), name_key=normalize_key(_m("expert", p)), kind="university",
                province=c.province, user=users["expert"] if p == "A" else None,
            ),
            _m("expert", p),
        )  # fmt: skip
        cases[p] = w.add(
            Case.objects.create(
                unit=unit, county=c, province=c.province, category=category,
                taxonomy_version="1", severity=3, title=_m("case", p), source="visit",
                opened_at=now, opened_on=now.date(), due_at=now + datetime.timedelta(days=30),
                status="in_progress", expert=experts[p], agency=agency,
                working_group=groups["T" if p == "T" else "M"],
            ),
            _m("case", p),
        )  # fmt: skip
    for prov, group in groups.items():
        group.members.add(*experts.values())
        session = w.add(
            Session.objects.create(group=group, number=1, held_on=D(2025, 5, 1), minutes="-")
        )
        session.attendees.add(*experts.values())
        session.agenda.add(*cases.values())
        for n, p in enumerate(PLACES, start=1):
            res = w.add(
                Resolution.objects.create(
                    session=session, number=n, text=_m("resolution", f"{prov}{n}"),
                    case=cases[p], agency=agency, passed_on=D(2025, 5, 1), due_on=D(2025, 8, 1),
                    objection_until=D(2025, 5, 8),
                ),
                _m("resolution", f"{prov}{n}"),
            )  # fmt: skip
            ResolutionFollowUp.objects.create(
                resolution=res, on=D(2025, 6, 1), note="-", status_after="open"
            )


def _funds(w: World, county, users) -> None:
    from jahesh.funds.models import Fund, Guarantor, Loan, LotteryDraw, Member, Repayment

    for i, p in enumerate(PLACES):
        fund = w.add(
            Fund.objects.create(
                name=_m("fund", p), name_key=normalize_key(_m("fund", p)), code=f"CNR-{p}",
                county=county[p], founded_on=D(2022, 3, 21),
            ),
            _m("fund", p),
        )  # fmt: skip
        if p == "A":
            fund.managers.add(users["fund"])
        members = []
        for k in (1, 2):
            code = f"88{i}{k}000001"  # made-up, unique per member (check digit not needed here)
            members.append(
                w.add(
                    Member.objects.create(
                        fund=fund, national_code=code, first_name="زهرا",
                        last_name=_m("member", f"{p}{k}"),
                        name_key=normalize_key(f"زهرا {_m('member', f'{p}{k}')}"), gender="f",
                        joined_on=D(2022, 4, 1), mobile=f"0988{i}{k}00001",
                    ),
                    _m("member", f"{p}{k}"), code, f"0988{i}{k}00001",
                )
            )  # fmt: skip
        loan = w.add(
            Loan.objects.create(
                fund=fund, member=members[0], number=1, purpose=_m("loan", p),
                principal=10_000_000, fee_rate=Decimal(4), months=12,
                requested_on=D(2024, 5, 1),
            ),
            _m("loan", p),
        )  # fmt: skip
        Guarantor.objects.create(loan=loan, member=members[1])
        w.add(
            Repayment.objects.create(
                loan=loan, key=f"cnr-{p}", amount=1000, paid_on=D(2024, 6, 1),
                recorded_at=timezone.now(),
            )
        )  # fmt: skip
        w.add(
            LotteryDraw.objects.create(
                fund=fund, seed="cnr", entrants=[loan.pk], winners=[loan.pk], slots=1,
                drawn_at=timezone.now(), drawn_by=users["admin"],
            )
        )  # fmt: skip


def _volunteers(w: World, county) -> None:
    from jahesh.geo.models import Village
    from jahesh.volunteers.models import (
        Camp,
        Certificate,
        Group,
        Membership,
        RosterEntry,
        Volunteer,
    )
    from jahesh.volunteers.national_codes import national_code_for

    vols, groups, camps = {}, {}, {}
    for i, p in enumerate(PLACES):
        code, mobile = national_code_for(700_001 + i), f"0977{i}000001"
        vols[p] = w.add(
            Volunteer.objects.create(
                national_code=code, first_name="علی", last_name=_m("volunteer", p),
                search_key=normalize_key(f"علی {_m('volunteer', p)} {code}"), gender="male",
                county=county[p], registered_on=D(2023, 1, 1), mobile=mobile, birth_year=1370,
            ),
            _m("volunteer", p), code, mobile,
        )  # fmt: skip
    for i, p in enumerate(PLACES):
        groups[p] = w.add(
            Group.objects.create(
                name=_m("group", p), name_key=normalize_key(_m("group", p)), county=county[p],
                leader=vols[PLACES[(i + 1) % 3]],
            ),
            _m("group", p),
        )  # fmt: skip
        camps[p] = w.add(
            Camp.objects.create(
                title=_m("camp", p), purpose="medical", county=county[p],
                village=Village.objects.filter(county=county[p]).first(),
                start_date=D(2025, 4, 1), end_date=D(2025, 4, 5),
                latitude=34 + len(p) / 10, longitude=49.6,  # on the camps' map
            ),
            _m("camp", p),
        )  # fmt: skip
    for i, p in enumerate(PLACES):
        for j, q in enumerate(PLACES):
            Membership.objects.create(group=groups[p], volunteer=vols[q], joined_on=D(2023, 2, 1))
            status = "logged" if j % 2 else "approved"
            w.add(
                RosterEntry.objects.create(
                    camp=camps[p],
                    volunteer=vols[q],
                    hours=Decimal(8),
                    status=status,
                    approved_at=None if j % 2 else timezone.now(),
                )
            )
            cert = w.add(
                Certificate.objects.create(
                    volunteer=vols[q], camp=camps[p], code=f"cnr{i}{j}" + "x" * 20,
                    hours=Decimal(8), issued_at=timezone.now(),
                )
            )  # fmt: skip
            w.values.setdefault("certificate", []).append(cert.code)
    for p in PLACES:  # each camp lists all three groups
        camps[p].groups.add(*groups.values())
    w.groups, w.camps = groups, camps  # type: ignore[attr-defined]


def _projects(w: World, county) -> None:
    from jahesh.projects.models import DirectService, Project, ProjectPhoto, ServiceBeneficiary

    groups, camps = w.groups, w.camps  # type: ignore[attr-defined]
    for i, p in enumerate(PLACES):
        other = PLACES[(i + 1) % 3]
        project = w.add(
            Project.objects.create(
                title=_m("project", p), title_key=normalize_key(_m("project", p)),
                kind="school", county=county[p], province=county[p].province,
                implementer_group=groups[other], latitude=34 + len(p) / 10, longitude=49.7,
            ),
            _m("project", p),
        )  # fmt: skip
        photo = ProjectPhoto(project=project, caption=_m("photo", p))
        photo.image.save(f"canary-{p}.png", ContentFile(PNG), save=True)
        w.add(photo, _m("photo", p))
        service = w.add(
            DirectService.objects.create(
                kind="medical", county=county[p], province=county[p].province,
                delivered_on=D(2025, 4, 2), quantity=1, unit_value_rial=1000, value_rial=1000,
                camp=camps[other], group=groups[other], note=_m("service", p),
            ),
            _m("service", p),
        )  # fmt: skip
        code = f"866{i}000001"
        w.add(ServiceBeneficiary.objects.create(service=service, national_code=code), "", code)
