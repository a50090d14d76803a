"""Demo part: volunteers, groups, camps and hours in Markazi.

For the five Jalali years before ``ctx.as_of`` (reference/kpis.md) it makes
exactly 25,000 volunteers active at the window's end (plus some who left
during the window and are not counted), in a few hundred groups where about
one person in twelve belongs to two groups (still one volunteer), and camps in
deprived villages with rosters and hours. Every dated record lies at least
7 days inside the window, except registrations, which may be older (a person
registered earlier and still active counts at the end, as the KPI says).

Idempotent: if the demo volunteers exist, nothing is created; the ids the
projects part needs are published in ``ctx.shared`` either way. It writes as
the province's headquarters (``ctx.actor``) through the services' bulk forms:
each volunteer, skill, credential, group, membership and camp is checked by
the service's build function (``volunteer_build``, ``group_build``,
``camp_build`` …) and its status events (registration, leaving) are built by
``VOLUNTEER_FLOW.history``, as ``volunteer_create`` and ``volunteer_set_status``
write them; likewise the roster rows (``roster_entry_build``, written with
their first events by ``roster_entries_create`` as ``roster_save`` writes them)
and their certificates (``certificate_build``). The rows go in with
``bulk_create``, without history rows (the scenario is not a person's edit).
National codes are made up (``national_codes.national_code_for``).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jahesh.core.digits import to_persian_digits
from jahesh.core.draws import Weighted
from jahesh.core.jalali import last_jalali_years
from jahesh.core.mapdata import synthetic_position
from jahesh.core.text import normalize_key
from jahesh.geo.models import County, Province, Village
from jahesh.geo.services import place_set_deprived
from jahesh.volunteers import services
from jahesh.volunteers.models import (
    Camp,
    CredentialKind,
    Group,
    Membership,
    RosterEntry,
    Skill,
    Volunteer,
)
from jahesh.volunteers.national_codes import national_code_for

PROVINCE = "مرکزی"
ACTIVE_AT_END = 25_000
LEFT_DURING_WINDOW = 1_400
GROUPS = 320
CAMPS = 650
MARGIN = timedelta(days=7)
BATCH = 2_000

CREDENTIAL_KINDS = [
    ("medical_licence", "پروانهٔ پزشکی"),
    ("dental_licence", "پروانهٔ دندان‌پزشکی"),
    ("nursing_licence", "پروانهٔ پرستاری"),
    ("veterinary_licence", "پروانهٔ دامپزشکی"),
    ("electrical_competency", "گواهی صلاحیت برق‌کاری"),
]

# name, hourly rate (rials), credential kind code, share of volunteers
SKILLS = [
    ("پزشک عمومی", 2_500_000, "medical_licence", 5),
    ("دندان‌پزشک", 3_000_000, "dental_licence", 3),
    ("پرستار", 1_200_000, "nursing_licence", 6),
    ("دامپزشک", 1_800_000, "veterinary_licence", 2),
    ("بنا", 900_000, None, 16),
    ("کارگر ساختمانی", 500_000, None, 20),
    ("برق‌کار", 1_000_000, "electrical_competency", 5),
    ("لوله‌کش", 900_000, None, 5),
    ("نقاش ساختمان", 700_000, None, 7),
    ("معلم", 600_000, None, 12),
    ("مشاور", 800_000, None, 4),
    ("امدادگر", 500_000, None, 15),
]

MALE = [
    "علی",
    "محمد",
    "حسین",
    "رضا",
    "مهدی",
    "امیر",
    "حسن",
    "محسن",
    "سعید",
    "جواد",
    "مجید",
    "مصطفی",
    "یاسر",
    "احمد",
    "مرتضی",
    "حمید",
    "وحید",
    "روح‌الله",
    "ابوالفضل",
    "سجاد",
]
FEMALE = [
    "فاطمه",
    "زهرا",
    "مریم",
    "زینب",
    "معصومه",
    "سمیه",
    "نرگس",
    "مهسا",
    "الهام",
    "سارا",
    "لیلا",
    "راضیه",
    "طاهره",
    "مهدیه",
    "کوثر",
    "ریحانه",
    "نازنین",
    "حدیث",
    "سمانه",
    "هانیه",
]
LAST = [
    "محمدی",
    "احمدی",
    "حسینی",
    "رضایی",
    "کریمی",
    "موسوی",
    "جعفری",
    "صادقی",
    "رحیمی",
    "قاسمی",
    "نوری",
    "کاظمی",
    "عباسی",
    "مرادی",
    "اکبری",
    "فراهانی",
    "آشتیانی",
    "تفرشی",
    "ساوجی",
    "خمینی",
    "محلاتی",
    "شازندی",
    "زرندی",
    "کمیجانی",
    "دلیجانی",
    "حیدری",
    "سلیمانی",
    "یزدانی",
    "اسدی",
    "بیگی",
]
GROUP_WORDS = [
    "شهید همت",
    "شهید باکری",
    "شهید چمران",
    "بسیج سازندگی",
    "امام رضا(ع)",
    "حضرت زینب(س)",
    "سلمان فارسی",
    "شهید کاظمی",
    "قرارگاه محرومیت‌زدایی",
    "شهید آوینی",
    "جوانان امید",
    "مهر و مواسات",
    "شهید سلیمانی",
    "فاطمیون",
    "صالحین",
]
SPECIALTY_PURPOSE = {
    Group.Specialty.MEDICAL: [Camp.Purpose.MEDICAL, Camp.Purpose.DENTAL],
    Group.Specialty.CONSTRUCTION: [Camp.Purpose.CONSTRUCTION],
    Group.Specialty.EDUCATION: [Camp.Purpose.EDUCATION],
    Group.Specialty.VETERINARY: [Camp.Purpose.VETERINARY],
    Group.Specialty.LIVELIHOOD: [Camp.Purpose.RELIEF],
    Group.Specialty.GENERAL: [Camp.Purpose.GENERAL, Camp.Purpose.RELIEF],
}


def build(ctx) -> None:
    build_part(ctx)


def build_part(
    ctx,
    *,
    active: int = ACTIVE_AT_END,
    left: int = LEFT_DURING_WINDOW,
    groups: int = GROUPS,
    camps: int = CAMPS,
) -> None:

    province = Province.objects.filter(name_key=normalize_key(PROVINCE)).first()
    counties = list(County.objects.filter(province=province)) if province else []
    if not counties:
        ctx.log(_("داوطلبان: شهرستان‌های مرکزی نیستند؛ رد شد"))
        return
    if not Volunteer.objects.filter(county__province=province).exists():
        rng = ctx.rng("volunteers")
        start, end = last_jalali_years(ctx.as_of, 5)
        _flag_deprived_villages(rng, province)
        villages = camp_villages(province)
        with transaction.atomic():
            skills = _skills()
            actor = ctx.actor(counties[0].province_id)
            people = _volunteers(rng, counties, start, end, active=active, left=left, actor=actor)
            _skills_and_credentials(rng, people, skills, end, actor)
            group_rows = _groups(rng, counties, people, start, groups, actor)
            if villages:
                _camps(rng, group_rows, villages, skills, start, end, camps, actor)
        ctx.log(
            _("داوطلبان: %(active)s داوطلب فعال، %(groups)s گروه، %(camps)s اردو")
            % {"active": active, "groups": groups, "camps": camps}
        )
    ctx.shared["volunteer_group_ids"] = list(
        Group.objects.filter(county__province=province).values_list("id", flat=True)
    )
    ctx.shared["camp_ids"] = list(
        Camp.objects.filter(county__province=province).values_list("id", flat=True)
    )


def camp_villages(province: Province | None) -> list[Village]:
    """The villages camps go to: the province's deprived ones, or all when none
    is flagged; by name (the model's order), ties by id, so that the same draws
    pick the same villages on every run and backend (many villages share a name)."""
    villages = Village.objects.filter(province=province).only("id", "county_id")
    return list(villages.filter(is_deprived=True).order_by("name", "id")) or list(
        villages.order_by("name", "id")
    )


def _flag_deprived_villages(rng, province) -> None:
    """The geography files carry no deprivation flags. When none of the
    province's villages is flagged (no list was imported), flag one in three,
    chosen reproducibly, so the demo's camps and projects sit in villages the
    pages show as deprived. A real deployment imports the official list."""

    villages = Village.objects.filter(province=province)
    if villages.filter(is_deprived=True).exists():
        return
    ids = sorted(villages.values_list("id", flat=True))
    chosen = rng.sample(ids, len(ids) // 3)
    place_set_deprived(queryset=Village.objects.filter(pk__in=chosen), deprived=True)


def _day(rng, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def made_up_codes() -> int:
    """How many volunteers hold a made-up national code (``national_code_for``'s)."""
    return Volunteer.objects.filter(national_code__startswith="999").count()


def _skills() -> dict[str, Skill]:
    kinds = {}
    for code, name in CREDENTIAL_KINDS:
        kinds[code], _created = CredentialKind.objects.get_or_create(
            code=code, defaults={"name": name}
        )
    out = {}
    for name, rate, kind, _share in SKILLS:
        out[name], _created = Skill.objects.get_or_create(
            name_key=normalize_key(name),
            defaults={"name": name, "hourly_rate_rial": rate, "credential_kind": kinds.get(kind)},
        )
    # with their credential kinds: the roster rule reads them for every row
    found = Skill.objects.select_related("credential_kind").in_bulk([s.pk for s in out.values()])
    return {name: found[s.pk] for name, s in out.items()}


def _volunteers(
    rng,
    counties,
    start: date,
    end: date,
    *,
    active: int,
    left: int,
    actor,
    first_code: int | None = None,
) -> list[Volunteer]:
    """``active`` people active on the window's last day and ``left`` who became
    inactive inside the window. The county capital (the first by id, Arak in
    Markazi) gets a larger share, as it does in life. Their made-up national
    codes are numbered from ``first_code`` (default: after the made-up codes
    present; the national generator, whose provinces may be filled at once,
    counts each province's from the sizes of those before it)."""
    county_draw = Weighted(counties, [4 if i == 0 else 1 for i in range(len(counties))])
    if first_code is None:
        first_code = made_up_codes() + 1
    built = []
    last_day = end - MARGIN - timedelta(days=1)
    now = timezone.now()
    for i in range(active + left):
        male = rng.random() < 0.62
        first = rng.choice(MALE if male else FEMALE)
        last = rng.choice(LAST)
        code = national_code_for(first_code + i)
        mobile = f"09{rng.choice(['12', '13', '19', '35', '36', '01', '02', '03'])}{rng.randint(0, 9_999_999):07d}"
        registered = _day(rng, start - timedelta(days=730), last_day)
        if i >= active:  # left inside the window: registered earlier, inactive since a day inside
            registered = _day(rng, start - timedelta(days=730), last_day - timedelta(days=60))
            inactive = _day(rng, max(registered, start + MARGIN), last_day)
        else:
            inactive = None
        volunteer = services.volunteer_build(
            services.VolunteerFields(
                national_code=code,
                first_name=first,
                last_name=last,
                mobile=mobile,
                gender=Volunteer.Gender.MALE if male else Volunteer.Gender.FEMALE,
                birth_year=rng.randint(1345, 1384),
                county_id=county_draw.draw(rng).pk,
                registered_on=registered,
            )
        )
        events = services.volunteer_history(
            volunteer, actor=actor, now=now, inactive_on=inactive, reason="پایان همکاری"
        )
        built.append((volunteer, events))
    return services.volunteers_create(built, actor=actor, batch_size=BATCH)


def _skills_and_credentials(rng, people, skills: dict[str, Skill], end: date, actor) -> None:
    skill_ids = {s.pk for s in skills.values()}
    kind_ids = {s.credential_kind_id for s in skills.values() if s.credential_kind_id}
    skill_draw = Weighted([s[0] for s in SKILLS], [s[3] for s in SKILLS])
    links, creds = [], []
    for v in people:
        chosen = {skill_draw.draw(rng)}
        if rng.random() < 0.25:
            chosen.add(skill_draw.draw(rng))
        # sorted: a set of strings iterates in a per-process hash order, which
        # would make the demo differ from run to run
        v.demo_skills = [skills[n] for n in sorted(chosen)]
        v.demo_expiry = {}
        for skill in v.demo_skills:
            links.append(
                services.volunteer_skill_build(
                    volunteer=v,
                    skill_id=skill.pk,
                    level=rng.choice(["basic", "skilled", "skilled", "expert"]),
                    document="مدرک تحصیلی" if skill.credential_kind_id else "گواهی فنی‌وحرفه‌ای",
                    skills=skill_ids,
                )
            )
            if skill.credential_kind_id:
                # Most licences run past the as-of date; about one in twelve has lapsed.
                expires = end + timedelta(days=rng.randint(60, 1500))
                if rng.random() < 0.08:
                    expires = end - timedelta(days=rng.randint(30, 400))
                v.demo_expiry[skill.credential_kind_id] = expires
                creds.append(
                    services.credential_build(
                        volunteer=v,
                        kind_id=skill.credential_kind_id,
                        number=str(rng.randint(10_000, 999_999)),
                        expires_on=expires,
                        issued_on=expires - timedelta(days=5 * 365),
                        kinds=kind_ids,
                    )
                )
    services.skills_and_credentials_create(links, creds, actor=actor, batch_size=BATCH)


def _groups(
    rng, counties, people, start: date, n_groups: int, actor
) -> list[tuple[Group, list[Volunteer]]]:
    """Groups by county; everyone belongs to one group of their county, and
    about one in twelve to a second group too (still one volunteer)."""
    by_county: dict[int, list[Volunteer]] = {}
    for v in people:
        by_county.setdefault(v.county_id, []).append(v)
    counties = [c for c in counties if by_county.get(c.pk)]
    total = len(people)
    specs = []
    used_names = set()
    for c in counties:
        share = max(1, round(n_groups * len(by_county[c.pk]) / total))
        for _group in range(share):
            name = f"گروه جهادی {rng.choice(GROUP_WORDS)} {c.name}"
            if name in used_names:
                name = f"{name} {to_persian_digits(len(used_names) + 1)}"
            used_names.add(name)
            specs.append((c, name))
    groups = [
        services.group_build(
            services.GroupFields(
                name=name,
                county_id=c.pk,
                specialty=rng.choices(list(Group.Specialty), [3, 4, 2, 1, 1, 2])[0],
                founded_on=_day(rng, start - timedelta(days=1500), start),
            )
        )
        for c, name in specs
    ]
    services.groups_create(groups, actor=actor, batch_size=BATCH)
    groups = list(Group.objects.filter(name_key__in=[g.name_key for g in groups]).order_by("id"))
    members: dict[int, list[Volunteer]] = {g.pk: [] for g in groups}
    county_groups: dict[int, list[Group]] = {}
    for g in groups:
        county_groups.setdefault(g.county_id, []).append(g)
    rows = []
    for v in people:
        options = county_groups[v.county_id]
        first = rng.choice(options)
        chosen = [first]
        if rng.random() < 0.08:
            second = rng.choice(groups)
            if second.pk != first.pk:
                chosen.append(second)
        for g in chosen:
            members[g.pk].append(v)
            rows.append(
                Membership(
                    group_id=g.pk, volunteer_id=v.pk, joined_on=max(v.registered_on, g.founded_on)
                )
            )
    services.memberships_create(rows, actor=actor, batch_size=BATCH)
    for g in groups:
        if members[g.pk]:
            g.leader = members[g.pk][0]
    Group.objects.bulk_update(groups, ["leader"], batch_size=BATCH)
    return [(g, members[g.pk]) for g in groups]


def _camps(rng, group_rows, villages, skills, start: date, end: date, n_camps: int, actor) -> None:
    """Camps spread over the window, each by one or two groups in a village,
    with 15–60 of the groups' active members on the roster."""
    by_county: dict[int, list] = {}
    for vil in villages:
        by_county.setdefault(vil.county_id, []).append(vil)
    usable = [(g, m) for g, m in group_rows if m]
    camps, plan = [], []
    lo, hi = start + MARGIN, end - MARGIN - timedelta(days=10)
    for i in range(n_camps):
        group, members = rng.choice(usable)
        places = by_county.get(group.county_id) or villages
        village = rng.choice(places)
        first = _day(rng, lo, hi)
        last = first + timedelta(days=rng.randint(2, 9))
        purpose = rng.choice(SPECIALTY_PURPOSE[group.specialty])
        position = synthetic_position(village.county_id, village.pk)
        fields = services.CampFields(
            title=f"اردوی جهادی {purpose.label} شمارهٔ {to_persian_digits(i + 1)}",
            purpose=purpose,
            village=village,
            start_date=first,
            end_date=last,
            description="اردوی خدمت‌رسانی در روستای محروم",
            latitude=position[0],
            longitude=position[1],
        )
        camp = services.camp_build(fields, actor=actor)
        camps.append((camp, [group.pk]))
        plan.append((group, members))
    services.camps_create(camps, actor=actor, batch_size=BATCH)
    saved = list(Camp.objects.filter(title__in=[c.title for c, _g in camps]).order_by("id"))
    _rosters(rng, saved, plan, end, actor)


def _rosters(rng, camps, plan, end: date, actor) -> None:
    now = timezone.now()
    entries = []
    for camp, (_group, members) in zip(camps, plan, strict=True):
        eligible = [
            v
            for v in members
            if v.registered_on <= camp.start_date
            and (v.inactive_since is None or v.inactive_since > camp.end_date)
        ]
        days = (camp.end_date - camp.start_date).days + 1
        recent = camp.end_date > end - timedelta(days=90)
        for v in rng.sample(eligible, min(len(eligible), rng.randint(15, 60))):
            skill = rng.choice(v.demo_skills)
            kind = skill.credential_kind_id
            if kind and v.demo_expiry.get(kind, date.min) < camp.end_date:
                skill = None  # a lapsed licence: serves without that skill (the roster rule)
            approved = not (recent and rng.random() < 0.3)
            entries.append(
                services.roster_entry_build(
                    camp=camp,
                    volunteer=v,
                    skill=skill,
                    hours=Decimal(rng.randint(4, 8) * days),
                    source=RosterEntry.Source.COORDINATOR
                    if approved
                    else RosterEntry.Source.VOLUNTEER,
                    camp_kinds=(),
                    held=v.demo_expiry,
                    actor=actor,
                    now=now,
                )
            )
    entries = services.roster_entries_create(entries, actor=actor, now=now, batch_size=BATCH)
    # Certificates for the approved rows of the last camps.
    last_camps = {c.pk for c in sorted(camps, key=lambda c: c.end_date)[-40:]}
    services.certificates_create(
        [
            services.certificate_build(entry=e, actor=actor, now=now)
            for e in entries
            if e.camp_id in last_camps and e.status == RosterEntry.Status.APPROVED
        ],
        batch_size=BATCH,
    )
