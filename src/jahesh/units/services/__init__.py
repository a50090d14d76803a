"""Writes of production units, visits, status changes and risk assessments, by
sub-domain:

- ``fields``: the field rules (``clean_unit_fields``, ``clean_visit_fields``: they
  read no database, so the importer applies them row by row at speed) and the
  checks of a unit that do (``UnitLookups``, asked once per batch by bulk writers);
- ``units``: create, update, delete, and the status workflow, ``TRANSITIONS`` run
  by ``UNIT_FLOW`` (``core.workflow``);
- ``visits``: monitoring visits (``visit_build`` / ``visit_create``, the field
  app's ``visit_create_once``) and their photos;
- ``risk``: a unit's risk assessment from its latest visit.

Every rule a person can break is checked here with a Persian message that says
what to fix (``django.core.exceptions.ValidationError`` keyed by field); the
database constraints in ``models.py`` hold the same rules for any other writer.
Callers import from ``jahesh.units.services``.
"""

from __future__ import annotations

from jahesh.units.services.fields import (
    UNIT_EDIT_FIELDS,
    UNIT_FIELDS,
    VISIT_FIELDS,
    UnitLookups,
    clean_isic,
    clean_sector,
    clean_status,
    clean_unit_fields,
    clean_visit_fields,
    size_for,
)
from jahesh.units.services.risk import (
    risk_assessment_build,
    unit_reassess,
)
from jahesh.units.services.units import (
    TRANSITIONS,
    UNIT_FLOW,
    unit_build,
    unit_change_status,
    unit_create,
    unit_delete,
    unit_update,
)
from jahesh.units.services.visits import (
    PHOTO_FORMATS,
    PHOTO_LONG_SIDE,
    PHOTO_MAX_BYTES,
    PHOTO_MAX_PIXELS,
    Position,
    visit_build,
    visit_create,
    visit_create_once,
    visit_photo_add,
    visit_update,
)

__all__ = [
    "PHOTO_FORMATS",
    "PHOTO_LONG_SIDE",
    "PHOTO_MAX_BYTES",
    "PHOTO_MAX_PIXELS",
    "Position",
    "TRANSITIONS",
    "UNIT_EDIT_FIELDS",
    "UNIT_FIELDS",
    "UNIT_FLOW",
    "UnitLookups",
    "VISIT_FIELDS",
    "clean_isic",
    "clean_sector",
    "clean_status",
    "clean_unit_fields",
    "clean_visit_fields",
    "risk_assessment_build",
    "size_for",
    "unit_build",
    "unit_change_status",
    "unit_create",
    "unit_delete",
    "unit_reassess",
    "unit_update",
    "visit_build",
    "visit_create",
    "visit_create_once",
    "visit_photo_add",
    "visit_update",
]
