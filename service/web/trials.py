"""The process owner's page for trying a draft before asking for approval: choose sample cases, type in facts
to change, and see each sample's path, timers, lawful basis and end beside the published version's."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, render_template, request

from service.errors import InvalidInput
from service.processes import drafts
from service.processes.samples import SAMPLES
from service.processes.trial_draft import check_facts, choose_samples, try_draft

from .context import now, transaction
from .modeler import owner

web_trials = Blueprint("web_trials", __name__, template_folder="templates")

MAX_FACT_LINES = 50
_WORDS = {"true": True, "yes": True, "false": False, "no": False, "null": None, "none": None}


def parse_facts(text: str) -> dict[str, Any]:
    """Facts typed one a line as ``name = value``: yes/no/true/false, none, a number, or text (quotes optional)."""
    facts: dict[str, Any] = {}
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) > MAX_FACT_LINES:
        raise InvalidInput(f"Type at most {MAX_FACT_LINES} facts", field="facts")
    for number, line in lines:
        name, equals, raw = line.partition("=")
        if not equals or not name.strip():
            raise InvalidInput(f"Line {number}: write each fact as name = value, e.g. consent_result = refused",
                               field="facts")
        facts[name.strip()] = _value(raw.strip())
    return check_facts(facts)


def _value(raw: str) -> Any:
    if raw.lower() in _WORDS:
        return _WORDS[raw.lower()]
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return raw[1:-1]
    return raw


@web_trials.route("/processes/<key>/drafts/<draft_id>/trial", methods=["GET", "POST"])
def trial(key: str, draft_id: str) -> Any:
    current = owner()
    chosen = request.form.getlist("samples") if request.method == "POST" else [s.id for s in SAMPLES]
    facts_text = request.form.get("facts", "") if request.method == "POST" else ""
    error, found = None, None
    with transaction() as db:
        draft = drafts.get_draft(db, key, draft_id)
        version = drafts.latest(db, key)
        about = {"author": draft.author, "change_note": draft.change_note, "version": version.number}
        if request.method == "POST":
            try:
                if not chosen:
                    raise InvalidInput("Choose at least one sample case to try", field="samples")
                samples = choose_samples(chosen)
                facts = parse_facts(facts_text)
                found = try_draft(session=db, key=key, draft_id=draft_id, actor=current, samples=samples,
                                  facts=facts, now=now()).as_dict()
            except InvalidInput as exc:
                error = exc.message
    page = render_template("trial.html", key=key, draft_id=draft_id, about=about, samples=SAMPLES, chosen=chosen,
                           facts_text=facts_text, error=error, found=found, shown=_shown)
    return page, 422 if error else 200


def _shown(value: Any) -> str:
    """A lawful-basis value as a person reads it."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value if isinstance(value, str) else json.dumps(value)
