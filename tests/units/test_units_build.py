"""The bulk form of unit registration (``bulk.units_build`` and
``units_create``, which the demo scenario uses): the rules of ``unit_create``,
asked of the database once per batch, row by row answers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from jahesh.units import bulk, services
from jahesh.units.models import Size, Unit


def _row(county, **over):
    return {"name": "شركت  آجر اراك", "sector": "industry", "county": county, **over}


def test_each_row_gets_the_single_forms_rules_and_derived_fields(geo, users):
    now = timezone.now()
    services.unit_create(user=users["arak"], **_row(geo["arak"], code="K-1", name="موجود"))
    rows = [
        _row(geo["arak"], code="K-2", employees="۴۵", isic_code="2392"),
        _row(geo["saveh"], code="K-3"),  # not Arak's officer's county
        _row(geo["arak"], code="K-1"),  # taken in the database
        _row(geo["arak"], code="K-2"),  # taken by an earlier row of the batch
        _row(geo["arak"], code="K-4", name=" "),
    ]
    built = bulk.units_build(rows, user=users["arak"], now=now)
    first = built[0]
    assert isinstance(first, Unit) and first.pk is None
    assert (first.name, first.size, first.isic_section) == ("شرکت آجر اراک", Size.SMALL, "C")
    assert first.created_by == users["arak"]
    errors = [b.message_dict if isinstance(b, ValidationError) else None for b in built]
    assert errors[0] is None
    assert list(errors[1]) == ["county"]
    assert list(errors[2]) == ["code"] and list(errors[3]) == ["code"]
    assert list(errors[4]) == ["name"]
    for single, row in ((1, rows[1]), (2, rows[2])):
        try:
            services.unit_create(user=users["arak"], **row)
        except ValidationError as exc:  # the single form refuses the same rows
            assert exc.message_dict == errors[single]
        else:
            raise AssertionError("the single form let a refused row through")
    assert Unit.objects.count() == 1


def test_units_create_writes_units_their_province_and_history(geo, users):
    now = timezone.now()
    built = bulk.units_build(
        [_row(geo["arak"], code="B-1"), _row(geo["saveh"], code="B-2", name="دیگری")],
        user=users["hq"],
        now=now,
    )
    bulk.units_create(built, user=users["hq"], reason="ورود", now=now)
    units = list(Unit.objects.order_by("code"))
    assert [(u.code, u.province_id) for u in units] == [
        ("B-1", geo["markazi"].pk),
        ("B-2", geo["markazi"].pk),
    ]
    history = units[0].history.get()
    assert (history.history_user, history.history_change_reason) == (users["hq"], "ورود")
