"""The process owners' page of stuck cases: the cases of a process an incident stopped, by the step and
version they stopped at, each with a "Carry on" button (and one for every case of a step)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from service.errors import Conflict, InvalidInput
from service.flows import stuck
from service.processes import drafts

from .context import actor, now, organisation_facts, transaction

web_stuck = Blueprint("web_stuck", __name__, template_folder="templates")


@web_stuck.get("/processes/<key>/stuck")
def stuck_cases(key: str) -> Any:
    with transaction() as db:
        groups = stuck.list_stuck_cases(session=db, key=key, actor=actor())
        newest = drafts.latest(db, key)
        return render_template("stuck.html", key=key, name=newest.definition.name, newest=newest.number,
                               groups=groups)


@web_stuck.post("/processes/<key>/stuck/<case_id>/resume")
def resume_case(key: str, case_id: str) -> Any:
    try:
        with transaction() as db:
            resumed = stuck.resume_stuck_case(session=db, key=key, case_id=case_id, actor=actor(), now=now(),
                                              facts=organisation_facts())
    except Conflict as exc:
        flash(f"Nothing was done: {exc.message}.")
    else:
        flash(f"{resumed.reference}: {resumed.note}")
    return redirect(url_for("web_stuck.stuck_cases", key=key))


@web_stuck.post("/processes/<key>/stuck/resume")
def resume_step(key: str) -> Any:
    """Carry on every case stopped at one step of one version."""
    element_id, raw_version = request.form.get("element_id", ""), request.form.get("version", "")
    if not (raw_version.isascii() and raw_version.isdigit() and len(raw_version) <= 9):
        raise InvalidInput("choose the version the cases stopped on", field="version")
    try:
        with transaction() as db:
            resumed = stuck.resume_stuck_group(session=db, key=key, element_id=element_id, version=int(raw_version),
                                               actor=actor(), now=now(), facts=organisation_facts())
    except Conflict as exc:
        flash(f"Nothing was done: {exc.message}.")
        return redirect(url_for("web_stuck.stuck_cases", key=key))
    if not resumed:
        flash("No case is stopped there any more: someone may have carried them on already.")
    still = [r for r in resumed if r.status == "incident"]
    if resumed:
        flash(f"{_cases(len(resumed))} tried again: {len(resumed) - len(still)} carried on, "
              f"{len(still)} stopped again.")
    for r in still:
        flash(f"{r.reference}: {r.note}")
    return redirect(url_for("web_stuck.stuck_cases", key=key))


def _cases(count: int) -> str:
    return f"{count} case" if count == 1 else f"{count} cases"
