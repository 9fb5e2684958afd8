"""REST endpoints for trying a draft before asking for approval: the sample cases, and each sample run on the
draft and on the published version, with the changes of outcome. Process owners only; nothing is written."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from service.access import require_process_owner
from service.processes import drafts
from service.processes.samples import SAMPLES
from service.processes.trial_draft import check_facts, choose_samples, try_draft
from service.request_guard import accepts_up_to
from service.request_scope import now, transaction

from .schemas.answers import answers
from .schemas.spec import operation
from .schemas.trials import Samples, Trial, TrialAsk
from .views import body, current_actor

api_process_trials = Blueprint("api_process_trials", __name__, url_prefix="/api")

MAX_TRIAL_BYTES = 64 * 1024


@api_process_trials.get("/processes/<key>/samples")
@operation(resp=answers("403", "404", HTTP_200=(Samples, "Samples")))
def list_samples(key: str) -> Any:
    """The sample cases a draft can be tried on: the worked scenarios of the guidance"""
    with transaction() as session:
        require_process_owner(current_actor(session))
        drafts.latest(session, key)  # an unknown process is "not found"
        return jsonify(samples=[{"id": s.id, "name": s.name, "expected": s.expected} for s in SAMPLES])


@api_process_trials.post("/processes/<key>/drafts/<draft_id>/trial")
@operation(json=TrialAsk, body_optional=True, resp=answers("403", "404", "422", HTTP_200=(
    Trial, "Each sample's runs and changes")))
@accepts_up_to(MAX_TRIAL_BYTES)
def trial(key: str, draft_id: str) -> Any:
    """Try a draft on sample cases in memory (nothing is written): for each sample the draft's run and the
    newest version's (path, timers with due times, lawful basis, end) and the changes of outcome in plain
    words"""
    with transaction() as session:
        actor = current_actor(session)
        require_process_owner(actor)
        asked = body() if request.get_data(cache=True) else {}
        samples = choose_samples(asked.get("samples"))
        facts = check_facts(asked.get("facts"))
        found = try_draft(session=session, key=key, draft_id=draft_id, actor=actor, samples=samples, facts=facts,
                          now=now())
        return jsonify(found.as_dict())
