"""Writes and rules of the volunteers app, by sub-domain: ``people`` (volunteers,
skills, credentials, status), ``groups`` (groups, memberships, camps),
``roster`` (rosters and hours), ``certificates``. Callers import from
``jahesh.volunteers.services``.

Authorisation is scope: a service acts only on records the actor may see
(``scoped``); a new record must land inside the actor's scope, which is checked
with the same mechanism before the transaction commits.
"""

from __future__ import annotations

from jahesh.volunteers.services.certificates import (
    certificate_build,
    certificate_issue,
    certificates_create,
    new_certificate_code,
)
from jahesh.volunteers.services.groups import (
    camp_build,
    camp_create,
    camps_create,
    group_build,
    group_create,
    groups_create,
    membership_add,
    membership_end,
    memberships_create,
)
from jahesh.volunteers.services.people import (
    MAX_HOURS,
    STATUS_TRANSITIONS,
    VOLUNTEER_FLOW,
    _national_code,
    allowed_status_moves,
    credential_add,
    credential_build,
    skills_and_credentials_create,
    volunteer_build,
    volunteer_create,
    volunteer_history,
    volunteer_set_status,
    volunteer_skill_build,
    volunteer_skill_set,
    volunteer_update,
    volunteers_create,
)
from jahesh.volunteers.services.roster import (
    HOURS_FLOW,
    HOURS_TRANSITIONS,
    RosterRow,
    RosterSaveResult,
    credential_refusal,
    hours_approve,
    hours_decide,
    hours_reject,
    roster_entries_create,
    roster_entry_build,
    roster_remove,
    roster_save,
)

__all__ = [
    "HOURS_FLOW",
    "HOURS_TRANSITIONS",
    "MAX_HOURS",
    "RosterRow",
    "RosterSaveResult",
    "STATUS_TRANSITIONS",
    "VOLUNTEER_FLOW",
    "_national_code",
    "allowed_status_moves",
    "camp_build",
    "camp_create",
    "camps_create",
    "certificate_build",
    "certificate_issue",
    "certificates_create",
    "credential_add",
    "credential_build",
    "credential_refusal",
    "group_build",
    "group_create",
    "groups_create",
    "hours_approve",
    "hours_decide",
    "hours_reject",
    "membership_add",
    "membership_end",
    "memberships_create",
    "new_certificate_code",
    "roster_entries_create",
    "roster_entry_build",
    "roster_remove",
    "roster_save",
    "skills_and_credentials_create",
    "volunteer_build",
    "volunteer_create",
    "volunteer_history",
    "volunteer_set_status",
    "volunteer_skill_build",
    "volunteer_skill_set",
    "volunteer_update",
    "volunteers_create",
]
