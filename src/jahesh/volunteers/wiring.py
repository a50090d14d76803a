"""The scope policies of volunteers, groups, camps and what hangs off them,
registered once the app registry is ready."""

from __future__ import annotations

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import ScopePolicy, register
from jahesh.volunteers import models as m


def connect() -> None:
    # Volunteers, groups and camps sit in a county; what hangs off them is
    # scoped through them. Everything here is personal: viewers see figures only.
    vol = Module.VOLUNTEERS
    for model in (m.Volunteer, m.Group, m.Camp):
        register(model, ScopePolicy(module=vol, county="county"))
    # A camp's roster, a group's members and a certificate show a volunteer, who
    # may live in another county: the row is seen only by who may see both.
    person = ("volunteer",)
    register(m.RosterEntry, ScopePolicy(module=vol, county="camp__county", through=person))
    register(m.Certificate, ScopePolicy(module=vol, county="camp__county", through=person))
    register(m.Membership, ScopePolicy(module=vol, county="group__county", through=person))
    for child in (m.VolunteerSkill, m.Credential, m.VolunteerStatusEvent):
        register(child, ScopePolicy(module=vol, county="volunteer__county"))
    register(
        m.RosterEvent,
        ScopePolicy(module=vol, county="entry__camp__county", through=("entry__volunteer",)),
    )
    # Reference data: the skill list and its rates, credential kinds.
    for reference in (m.Skill, m.CredentialKind):
        register(reference, ScopePolicy(module=vol, public=True, personal=False))
