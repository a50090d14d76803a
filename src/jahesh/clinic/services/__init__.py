"""Every write of the clinic, by sub-domain:

- ``common``: who manages (``MANAGERS``) and who works (``WORKERS``) in the
  clinic, its settings;
- ``cases``: cases and their workflow, ``TRANSITIONS`` run by ``CASE_FLOW``
  (``core.workflow``; only ``case_transition`` moves a case), the follow-up of a
  prevented closure, experts' conflicts;
- ``groups``: experts and working groups;
- ``sessions``: sessions, resolutions and their follow-ups,
  ``RESOLUTION_TRANSITIONS`` run by ``RESOLUTION_FLOW`` (a follow-up is its
  move's event row).

Callers import from ``jahesh.clinic.services``.
"""

from __future__ import annotations

from jahesh.clinic.services.cases import (
    CASE_FLOW,
    TRANSITIONS,
    MoveInput,
    allowed_transitions,
    case_build,
    case_create,
    case_followup_build,
    case_followup_record,
    case_transition,
    closure_prevented_allowed,
    expert_conflict_declare,
)
from jahesh.clinic.services.common import (
    MANAGERS,
    WORKERS,
    clinic_settings,
    user_role,
)
from jahesh.clinic.services.groups import (
    ISIC_SECTIONS,
    expert_create,
    working_group_create,
)
from jahesh.clinic.services.sessions import (
    FOLLOW_UP_STATUSES,
    MAX_DUE_DAYS,
    RESOLUTION_FLOW,
    RESOLUTION_TRANSITIONS,
    FollowUpFields,
    resolution_build,
    resolution_create,
    resolution_follow_up,
    resolution_follow_ups_build,
    session_build,
    session_create,
    session_links_build,
    session_links_create,
)

__all__ = [
    "CASE_FLOW",
    "FOLLOW_UP_STATUSES",
    "FollowUpFields",
    "ISIC_SECTIONS",
    "MANAGERS",
    "MAX_DUE_DAYS",
    "MoveInput",
    "RESOLUTION_FLOW",
    "RESOLUTION_TRANSITIONS",
    "TRANSITIONS",
    "WORKERS",
    "allowed_transitions",
    "case_build",
    "case_create",
    "case_followup_build",
    "case_followup_record",
    "case_transition",
    "clinic_settings",
    "closure_prevented_allowed",
    "expert_conflict_declare",
    "expert_create",
    "resolution_build",
    "resolution_create",
    "resolution_follow_up",
    "resolution_follow_ups_build",
    "session_build",
    "session_create",
    "session_links_build",
    "session_links_create",
    "user_role",
    "working_group_create",
]
