"""The scope policies of volunteers, groups, camps and what hangs off them,
registered once the app registry is ready."""

from __future__ import annotations

from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import ScopePolicy, register
from jahesh.volunteers import models as m


def connect() -> None:
    # Volunteers, groups and camps sit in a county; what hangs off them is
    # scoped through them. Everything here is personal: viewers see figures only.
    policy = {"module": Module.VOLUNTEERS}
    register(m.Volunteer, ScopePolicy(county="county", **policy))
    register(m.Group, ScopePolicy(county="county", **policy))
    register(m.Camp, ScopePolicy(county="county", **policy))
    # A camp's roster, a group's members and a certificate show a volunteer, who
    # may live in another county: the row is seen only by who may see both.
    person = {"through": ("volunteer",), **policy}
    register(m.RosterEntry, ScopePolicy(county="camp__county", **person))
    register(m.Certificate, ScopePolicy(county="camp__county", **person))
    register(m.Membership, ScopePolicy(county="group__county", **person))
    register(m.VolunteerSkill, ScopePolicy(county="volunteer__county", **policy))
    register(m.Credential, ScopePolicy(county="volunteer__county", **policy))
    register(m.VolunteerStatusEvent, ScopePolicy(county="volunteer__county", **policy))
    register(
        m.RosterEvent,
        ScopePolicy(county="entry__camp__county", through=("entry__volunteer",), **policy),
    )
    # Reference data: the skill list and its rates, credential kinds.
    register(m.Skill, ScopePolicy(public=True, personal=False, **policy))
    register(m.CredentialKind, ScopePolicy(public=True, personal=False, **policy))
