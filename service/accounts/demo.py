"""Demo accounts for local use (`make run`): one per role, listed in the README. Never in production."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from service.actors import SYSTEM_ACTOR

from .service import create_user, user_by_name
from .teams import ensure_teams

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - a published demo password, local use only
DEMO_ACCOUNTS = [
    # username, display name, roles, team
    ("tess.teacher", "Tess Teacher", ("practitioner",), "north"),
    ("hana.visitor", "Hana Health-Visitor", ("practitioner",), "south"),
    ("mo.manager", "Mo Manager", ("manager",), "north"),
    ("dee.lead", "Dee Lead (DSL)", ("dsl",), None),
    ("pat.owner", "Pat Process-Owner", ("process_owner",), None),
    # A second process owner, so that one can approve the other's draft (four eyes).
    ("olu.owner", "Olu Process-Owner", ("process_owner",), None),
    ("ada.auditor", "Ada Auditor", ("auditor",), None),
    ("sam.admin", "Sam Admin", ("admin",), None),
]


def seed_demo_accounts(*, session: Session, now: datetime) -> list[str]:
    """Create the demo accounts that do not exist yet; returns the usernames created."""
    ensure_teams(session=session, names={team for *_, team in DEMO_ACCOUNTS if team}, by=SYSTEM_ACTOR, now=now)
    created = []
    for username, name, roles, team in DEMO_ACCOUNTS:
        if user_by_name(session=session, username=username) is None:
            create_user(session=session, username=username, password=DEMO_PASSWORD, roles=roles, display_name=name,
                        email=f"{username}@localhost", team=team, now=now, by=SYSTEM_ACTOR)
            created.append(username)
    return created
