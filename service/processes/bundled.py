"""The information-sharing process that ships with the service, published once on a new database."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.engine.xml import parse_xml

from .models import ProcessDefinition, ProcessVersion
from .policy import check_policy
from .service import read_process_files, register_version

WORKFLOWS_DIR = Path(__file__).resolve().parents[2] / "workflows"
BUNDLED_KEY = "information_sharing"
BUNDLED_NAME = "Deciding whether to share information about a child"


def publish_bundled(*, session: Session, now: datetime, directory: Path = WORKFLOWS_DIR) -> ProcessVersion | None:
    """Publish the shipped diagram as version 1 if the process has never been published.

    Once it exists, the process belongs to its process owners: a later release of the service
    never overwrites their versions.
    """
    exists = session.scalars(select(ProcessDefinition.id).where(ProcessDefinition.key == BUNDLED_KEY)).first()
    if exists is not None:
        return None
    files = read_process_files(directory)
    diagram = next(name for name in files if name.endswith(".bpmn"))
    problems = check_policy(parse_xml(files[diagram], name=diagram))
    if problems:
        raise ValueError("the shipped diagram breaks the policy: " + "; ".join(str(p) for p in problems))
    return register_version(session=session, key=BUNDLED_KEY, name=BUNDLED_NAME, files=files,
                            author="system", change_note="Shipped with the service", now=now)
