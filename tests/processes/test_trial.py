"""Trying a process on the sample cases in memory: the path, the timers, the lawful basis and the end each
scenario reaches, the changes a draft makes beside the published version, and nothing written anywhere."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.actors import Actor
from service.cases.models import Case
from service.processes.drafts import create_draft
from service.processes.models import ProcessDraft, ProcessVersion
from service.processes.samples import SAMPLES, sample_by_id
from service.processes.trial import try_files
from service.processes.trial_compare import compare_runs
from service.processes.trial_draft import try_draft
from service.records.models import AuditEvent
from tests.processes.test_drafts import NEW_TIMER, OLD_TIMER, with_manager_timer
from tests.workflows.conftest import PROCESS_KEY, sharing_files
from tests.workflows.test_scenarios import (
    A6_PUBLIC_TASK,
    A9_PUBLIC_INTEREST,
    A10_SAFEGUARDING,
    CL_CONSENT,
    CL_EMERGENCY,
    CL_SIGNIFICANT_HARM,
    SCH1_18,
)

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PAT = Actor("pat.owner", frozenset({"process_owner"}))


def run(sample_id: str, files: dict[str, str] | None = None, **kwargs: Any) -> Any:
    sample = sample_by_id(sample_id)
    assert sample is not None
    return try_files(files or sharing_files(), sample, NOW, **kwargs)


def steps(trial: Any) -> list[str]:
    return [p.element_id for p in trial.path if p.kind == "step"]


def test_the_six_scenarios_are_samples_with_plain_names() -> None:
    assert [s.id for s in SAMPLES] == [f"scenario-{n}" for n in range(1, 7)]
    assert SAMPLES[0].name.startswith("Scenario 1: a young carer")


def test_scenario_1_shares_on_public_task_with_consent_and_finishes() -> None:
    trial = run("scenario-1")
    assert trial.ending.kind == "finished"
    assert steps(trial) == ["describe_concern", "check_purpose", "check_information", "consider_consent",
                            "choose_what_to_share", "send_securely", "tell_subject", "record_decision"]
    assert trial.path[1].name == "Describe the concern" and trial.path[1].lane == "Practitioner"
    assert (trial.lawful_basis["article6_basis"], trial.lawful_basis["common_law_justification"]) == (
        A6_PUBLIC_TASK, CL_CONSENT)
    assert "Recipient confirms receipt" in [p.name for p in trial.path]


def test_scenario_2_overrides_the_refusal_and_comes_back_on_the_review_date() -> None:
    trial = run("scenario-2")
    basis = trial.lawful_basis
    assert (basis["article6_basis"], basis["article9_condition"], basis["schedule1_paragraph"]) == (
        A6_PUBLIC_TASK, A9_PUBLIC_INTEREST, SCH1_18)
    assert basis["common_law_justification"] == CL_SIGNIFICANT_HARM
    review = [t for t in trial.timers if t.element_id == "review_due"]
    assert [(t.due_at, t.fired) for t in review] == [(datetime(2026, 12, 2, 9, 0, tzinfo=UTC), True)]
    assert steps(trial).count("tell_subject") == 2 and "review_decision" in steps(trial)
    assert trial.ending.kind == "finished"


def test_scenario_3_is_declined_without_a_lawful_basis_and_waits_for_its_review() -> None:
    trial = run("scenario-3")
    assert steps(trial) == ["log_request", "verify_requester", "explain_not_sharing", "record_decision"]
    assert trial.lawful_basis.get("article6_basis") is None
    assert (trial.ending.kind, trial.ending.element_id) == ("waiting_for_timer", "review_due")
    assert datetime(2027, 1, 6, 9, 0, tzinfo=UTC) in [t.due_at for t in trial.timers if t.element_id == "review_due"]


def test_scenario_4_an_unnamed_child_is_a_recorded_consultation() -> None:
    trial = run("scenario-4")
    assert "anonymous_consultation" in steps(trial) and "consider_consent" not in steps(trial)
    assert trial.lawful_basis == {} and trial.ending.kind == "finished"


def test_scenario_5_the_overdue_manager_escalates_to_the_dsl_who_decides() -> None:
    trial = run("scenario-5")
    assert "manager_advice" not in steps(trial) and "dsl_advice" in steps(trial)
    [overdue] = [t for t in trial.timers if t.element_id == "manager_overdue"]
    assert (overdue.due_at, overdue.fired, overdue.for_step) == (datetime(2026, 11, 25, 11, 0, tzinfo=UTC), True,
                                                                  "Advise and decide")
    [dsl] = [p for p in trial.path if p.element_id == "dsl_advice"]
    assert dsl.lane == "DSL"
    assert (trial.lawful_basis["common_law_justification"], trial.lawful_basis["schedule1_paragraph"]) == (
        CL_SIGNIFICANT_HARM, SCH1_18)


def test_scenario_6_shares_at_once_and_the_record_is_due_the_same_working_day() -> None:
    trial = run("scenario-6")
    assert steps(trial)[0] == "share_at_once"
    basis = trial.lawful_basis
    assert (basis["article6_basis"], basis["article9_condition"], basis["article10_condition"]) == (
        A6_PUBLIC_TASK, A9_PUBLIC_INTEREST, A10_SAFEGUARDING)
    assert basis["common_law_justification"] == CL_EMERGENCY
    assert datetime(2026, 11, 25, 17, 0, tzinfo=UTC) in [t.due_at for t in trial.timers
                                                          if t.element_id == "record_overdue"]
    assert trial.ending.element_id == "review_due"


def test_facts_typed_in_change_the_answers_and_the_outcome() -> None:
    trial = run("scenario-1", facts={"consider_consent.consent_result": "refused", "risk_of_significant_harm": True})
    assert steps(trial)[-1] == "consider_consent"
    assert trial.ending.kind == "waiting_for_answers" and trial.ending.element_id == "without_consent"
    assert "the sample has no answers for it" in trial.ending.words


def test_a_changed_timer_shows_its_new_due_time_in_the_comparison() -> None:
    files = sharing_files()
    slower = files | {"information_sharing.bpmn": with_manager_timer(NEW_TIMER.replace("in_working_hours(2)",
                                                                                         "in_working_hours(3)"))}
    published, draft = run("scenario-5"), run("scenario-5", slower)
    changes = compare_runs(published, draft)
    timer_words = [c.words for c in changes if c.kind == "timer"]
    assert "'Advice overdue' falls due 25 Nov 2026 12:00 GMT instead of 25 Nov 2026 11:00 GMT" in timer_words
    assert not [c for c in changes if c.kind in ("lawful_basis", "end")]
    assert compare_runs(published, run("scenario-5")) == []


def test_a_broken_condition_is_reported_with_its_element_and_never_raised() -> None:
    files = sharing_files()
    bpmn = files["information_sharing.bpmn"].replace('consent_result == "given"', 'consent_result + 1 == 2')
    assert bpmn != files["information_sharing.bpmn"]
    trial = run("scenario-1", files | {"information_sharing.bpmn": bpmn})
    assert trial.ending.kind == "error"
    assert trial.ending.element_name and "Consent given?" in trial.ending.words
    assert steps(trial)[-1] == "consider_consent"
    changes = compare_runs(run("scenario-1"), trial)
    assert any(c.kind == "end" and "stopped with an error" in c.words for c in changes)
    assert any(c.kind == "lawful_basis" and c.words.startswith("Article 6 basis:") for c in changes)


def test_a_question_the_sample_does_not_answer_stops_the_run_at_its_step() -> None:
    files = sharing_files()
    form = json.loads(files["forms/legitimate_purpose.json"])
    form["properties"]["lead_agency"] = {"type": "string", "title": "Which agency leads?", "maxLength": 200}
    form["required"] = [*form.get("required", []), "lead_agency"]
    trial = run("scenario-1", files | {"forms/legitimate_purpose.json": json.dumps(form)})
    assert (trial.ending.kind, trial.ending.element_id) == ("waiting_for_answers", "check_purpose")
    assert "the question 'Which agency leads?' is not answered" in trial.ending.words
    changes = compare_runs(run("scenario-1"), trial)
    assert any(c.kind == "end" and "do not fit its form" in c.words for c in changes)


def test_a_draft_that_cannot_be_compiled_is_reported_not_raised() -> None:
    trial = run("scenario-1", {"information_sharing.bpmn": "<not a diagram"})
    assert trial.ending.kind == "cannot_run" and trial.path == [] and trial.problems
    assert trial.ending.words.startswith("The process cannot be run:")


def test_a_loop_is_stopped_after_the_step_budget() -> None:
    trial = run("scenario-2", max_steps=5)
    assert trial.ending.kind == "too_many_steps"


def _counts(s: Session) -> tuple[int, ...]:
    return tuple(s.scalar(select(func.count()).select_from(model)) or 0
                 for model in (Case, AuditEvent, ProcessVersion, ProcessDraft))


def test_trying_a_draft_writes_nothing(session_factory: sessionmaker[Session], sharing_process: str) -> None:
    with session_factory.begin() as s:
        draft = create_draft(session=s, key=PROCESS_KEY, actor=PAT, change_note="slower manager", now=NOW,
                             uploaded={"edited.bpmn": with_manager_timer(OLD_TIMER.replace("(2)", "(4)"))})
        draft_id = draft.id
    with session_factory() as s:
        before = _counts(s)
    with session_factory.begin() as s:
        result = try_draft(session=s, key=PROCESS_KEY, draft_id=draft_id, actor=PAT,
                           samples=[sample_by_id("scenario-5"), sample_by_id("scenario-1")],  # type: ignore[list-item]
                           facts=None, now=NOW)
    with session_factory() as s:
        assert _counts(s) == before
    self_harm, young_carer = result.trials
    assert {c.kind for c in self_harm.changes} == {"timer"}
    assert self_harm.changes[0].words.startswith("'Advice overdue' falls due 25 Nov 2026 13:00 GMT instead of")
    assert young_carer.changes == [] and result.published_version == 1
