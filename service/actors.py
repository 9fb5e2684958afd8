"""Who is acting: the identity every service function is given explicitly."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("practitioner", "manager", "dsl", "process_owner", "auditor", "admin")
SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    team: str | None = None
    # Who gave this account its roles: four eyes on a process change need two owners neither of whom
    # was given the role by the other.
    roles_granted_by: str | None = None

    @property
    def primary_role(self) -> str:
        for role in ROLES:
            if role in self.roles:
                return role
        # Outside the staff roles: the system itself, or a recipient opening a secure link.
        return min(self.roles, default=SYSTEM)

    def has_role(self, role: str) -> bool:
        return role in self.roles


SYSTEM_ACTOR = Actor(username=SYSTEM, roles=frozenset({SYSTEM}))


def role_for_lane(lane: str | None) -> str:
    """The role that works a lane: lane names are role names in plain words ("DSL", "Manager")."""
    if not lane:
        return "practitioner"
    return lane.strip().lower().replace(" ", "_")
