"""REST endpoints for the stuck cases of a process: which cases an incident stopped, by step and version,
and carrying one on once a version that fixes the step is published (process owners only)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, jsonify

from service.cases.service import organisation_facts
from service.flows import stuck
from service.request_scope import now, service_config, transaction

from .schemas.answers import answers
from .schemas.spec import operation
from .schemas.stuck import Resumed, StuckCases
from .views import current_actor

api_process_stuck = Blueprint("api_process_stuck", __name__, url_prefix="/api")


def group_summary(group: stuck.StuckGroup) -> dict[str, Any]:
    return {"element_id": group.element_id, "element_name": group.element_name, "version": group.version,
            "message": group.message, "count": len(group.cases),
            "cases": [{"id": c.id, "reference": c.reference, "stopped_since": c.stopped_since.isoformat(),
                       "message": c.message} for c in group.cases]}


@api_process_stuck.get("/processes/<key>/stuck-cases")
@operation(resp=answers("403", "404", HTTP_200=(StuckCases, "Stuck cases")))
def list_stuck_cases(key: str) -> Any:
    """The cases of a process stopped by an incident, by the step and version they stopped at (process
    owners)"""
    with transaction() as session:
        groups = stuck.list_stuck_cases(session=session, key=key, actor=current_actor(session))
        return jsonify(process=key, groups=[group_summary(g) for g in groups])


@api_process_stuck.post("/processes/<key>/stuck-cases/<case_id>/resume")
@operation(resp=answers("403", "404", "409", HTTP_200=(Resumed, "Where the case stands now")))
def resume_stuck_case(key: str, case_id: str) -> Any:
    """Try a stuck case's step again, on the newest version where the case can move to it safely (else on its
    own); 409 if the case is not stuck"""
    with transaction() as session:
        resumed = stuck.resume_stuck_case(session=session, key=key, case_id=case_id, actor=current_actor(session),
                                          now=now(), facts=organisation_facts(service_config()))
        return jsonify(asdict(resumed))
