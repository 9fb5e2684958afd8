"""Process owners change the process: every save is checked and every problem named; a second owner
approves; publishing makes a new immutable version; the diff names what changed; open cases move to it
only where nothing they have run or are waiting on changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.actors import Actor
from service.audit.trail import case_events, verify_chain
from service.engine.xml import parse_xml
from service.errors import Conflict, Forbidden, InvalidInput, NotFound
from service.flows import publishing
from service.flows.publishing import publish_draft
from service.processes import drafts
from service.processes.diff import diff_files
from service.processes.drafts import approve_draft, create_draft, diff_versions, draft_problems
from service.processes.models import ProcessDraft, ProcessVersion
from service.processes.service import latest_version
from service.records.models import AuditEvent
from service.tasks.models import HumanTask, TaskStatus
from service.workcalendar import DEFAULT_CALENDAR
from tests.api.test_authorisation import CONCERN, UNSURE_STEPS
from tests.conftest import DSL, MANAGER, PRACTITIONER
from tests.engine.test_hostile_expressions import LINT_KINDS, PLACES, _bpmn, hostile_expressions
from tests.engine.test_xml import SECRET, hostile_documents
from tests.processes.test_policy import BROKEN, DIAGRAM, _by_id
from tests.workflows.conftest import PROCESS_KEY, CaseDriver

PAT = Actor("pat.owner", frozenset({"process_owner"}))
OLU = Actor("olu.owner", frozenset({"process_owner"}))
ADMIN = Actor("sam.admin", frozenset({"admin"}))
AUDITOR = Actor("ada.auditor", frozenset({"auditor"}))

OLD_TIMER = 'in_working_hours(2) if urgency == "same_day" else in_working_days(1)'
NEW_TIMER = 'in_working_hours(2) if urgency == "same_day" else in_working_days(3)'
UPLOAD = "edited.bpmn"  # the upload's own name does not matter: it replaces the version's diagram


def diagram() -> etree._Element:
    return parse_xml(DIAGRAM.read_bytes(), name=DIAGRAM.name)


def xml(root: etree._Element) -> str:
    return etree.tostring(root, encoding="unicode")


def with_manager_timer(expression: str) -> str:
    """The shipped diagram with the manager's escalation timer (the boundary timer on manager_advice) changed."""
    root = diagram()
    [time_date] = _by_id(root, "manager_overdue").iter("{*}timeDate")
    assert time_date.text == OLD_TIMER
    time_date.text = expression
    return xml(root)


def edited(change: Callable[[etree._Element], None]) -> str:
    root = diagram()
    change(root)
    return xml(root)


def rename(element_id: str, name: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        _by_id(root, element_id).set("name", name)
    return change


def save(s: Session, bpmn: str, *, actor: Actor = PAT, note: str = "", now: datetime,
         others: dict[str, str] | None = None) -> ProcessDraft:
    """Save the owner's draft and ask for its approval."""
    return create_draft(session=s, key=PROCESS_KEY, uploaded={UPLOAD: bpmn, **(others or {})}, actor=actor,
                        change_note=note, now=now, submit=True)


def refused(sessions: sessionmaker[Session], uploaded: dict[str, str], now: datetime) -> InvalidInput:
    """Upload a draft that must be refused; check nothing was stored and return the error."""
    with sessions.begin() as s, pytest.raises(InvalidInput) as err:
        create_draft(session=s, key=PROCESS_KEY, uploaded=uploaded, actor=PAT, change_note="", now=now)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(ProcessDraft)) == 0, "nothing stored"
        assert s.scalar(select(func.count()).select_from(ProcessVersion)) == 1
    assert err.value.problems or err.value.field
    return err.value


def publish_timer_change(sessions: sessionmaker[Session], now: datetime, *, migrate: bool = True,
                         bpmn: str | None = None) -> publishing.Published:
    """Pat saves a change, Olu approves it, Pat publishes it."""
    with sessions.begin() as s:
        draft_id = save(s, bpmn or with_manager_timer(NEW_TIMER), note="Three working days for routine advice",
                        now=now).id
    with sessions.begin() as s:
        approve_draft(session=s, key=PROCESS_KEY, draft_id=draft_id, actor=OLU, now=now)
    with sessions.begin() as s:
        published = publish_draft(session=s, key=PROCESS_KEY, draft_id=draft_id, actor=PAT, now=now,
                                  migrate=migrate)
        s.expunge_all()
        return published


@pytest.fixture
def sessions(session_factory: sessionmaker[Session], sharing_process: str) -> sessionmaker[Session]:
    """The shipped process published as version 1."""
    return session_factory


# --- every save is checked; every problem names its element ------------------------------------------------------


@pytest.mark.parametrize(("breaking", "element", "message"), BROKEN)
def test_a_draft_breaking_the_policy_is_refused_naming_the_element(
        sessions: sessionmaker[Session], now: datetime, breaking: Callable[[etree._Element], None],
        element: str | None, message: str) -> None:
    error = refused(sessions, {UPLOAD: edited(breaking)}, now)
    # A rule broken by the process as a whole (no record step at all) names the process.
    expected = element or PROCESS_KEY
    assert any(message in p["message"] and p["element_id"] == expected for p in error.problems), error.problems
    assert all(p["element_id"] or p["file"] for p in error.problems)
    assert error.message.startswith("the draft was refused: ") and error.field


def test_every_problem_is_listed_not_only_the_first(sessions: sessionmaker[Session], now: datetime) -> None:
    def break_three_ways(root: etree._Element) -> None:
        for step in BROKEN:
            if step.id in ("a task without a form", "a lane no role works"):
                step.values[0](root)
        [time_date] = _by_id(root, "dsl_overdue").iter("{*}timeDate")
        time_date.text = "__import__('os').system('true')"

    error = refused(sessions, {UPLOAD: edited(break_three_ways)}, now)
    named = {p["element_id"] for p in error.problems}
    assert {"consider_consent", "manager_advice", "dsl_overdue"} <= named, error.problems
    assert error.message.endswith(f"(and {len(error.problems) - 1} more)")


@pytest.mark.parametrize("kind", list(hostile_documents("/x")))
def test_hostile_or_broken_xml_is_refused(sessions: sessionmaker[Session], now: datetime, kind: str,
                                         secret_file: Path) -> None:
    error = refused(sessions, {UPLOAD: hostile_documents(secret_file)[kind]}, now)
    assert error.problems and SECRET not in json.dumps(error.problems) and SECRET not in error.message


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("kind", LINT_KINDS)
def test_a_hostile_expression_is_refused_naming_the_element(sessions: sessionmaker[Session], now: datetime,
                                                            place: str, kind: str, tmp_path: Path) -> None:
    files = _bpmn(place, hostile_expressions(tmp_path / "pwned")[kind])
    offender = files.pop("_offender")
    uploaded = {UPLOAD if name.endswith(".bpmn") else name: text for name, text in files.items()}
    error = refused(sessions, uploaded, now)
    assert offender in {p["element_id"] for p in error.problems}, error.problems
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("kind", LINT_KINDS)
def test_a_hostile_expression_in_the_real_diagram_is_refused_naming_its_step(
        sessions: sessionmaker[Session], now: datetime, kind: str, tmp_path: Path) -> None:
    def poison(root: etree._Element) -> None:
        [condition] = _by_id(root, "f_in_doubt").iter("{*}conditionExpression")
        condition.text = hostile_expressions(tmp_path / "pwned")[kind]

    error = refused(sessions, {UPLOAD: edited(poison)}, now)
    assert "f_in_doubt" in {p["element_id"] for p in error.problems}, error.problems


def test_bad_uploads_are_refused_with_the_field(sessions: sessionmaker[Session], now: datetime) -> None:
    shipped = DIAGRAM.read_text()
    assert refused(sessions, {}, now).field == "bpmn"
    assert refused(sessions, {"a.bpmn": shipped, "b.bpmn": shipped}, now).field == "bpmn"
    assert refused(sessions, {UPLOAD: shipped, "../../etc/passwd": "x"}, now).field == "files"
    assert refused(sessions, {UPLOAD: shipped + "\x00"}, now).field == "bpmn"
    assert refused(sessions, {UPLOAD: shipped}, now).message.startswith("nothing has changed")
    broken_form = refused(sessions, {UPLOAD: with_manager_timer(NEW_TIMER), "forms/consent.json": "{"}, now)
    assert broken_form.field == "forms/consent.json"
    with sessions() as s, pytest.raises(NotFound):
        create_draft(session=s, key="no_such_process", uploaded={UPLOAD: shipped}, actor=PAT, change_note="",
                     now=now)


def test_the_checks_report_problems_and_never_raise() -> None:
    assert draft_problems({"x.bpmn": "not xml"})[0].file == "x.bpmn"
    assert draft_problems({})[0].message == "no BPMN file was given"
    assert draft_problems({"x.bpmn": "\ud800"})[0].message.startswith("cannot be read")
    assert draft_problems({"x.bpmn": DIAGRAM.read_text(), "forms/x.json": "\ud800"})


def test_only_process_owners_change_the_process(sessions: sessionmaker[Session], now: datetime) -> None:
    with sessions.begin() as s:
        draft_id = save(s, with_manager_timer(NEW_TIMER), now=now).id
    for actor in (PRACTITIONER, MANAGER, DSL, AUDITOR, ADMIN):
        with sessions() as s:
            with pytest.raises(Forbidden):
                save(s, with_manager_timer(NEW_TIMER), actor=actor, now=now)
            with pytest.raises(Forbidden):
                approve_draft(session=s, key=PROCESS_KEY, draft_id=draft_id, actor=actor, now=now)
            with pytest.raises(Forbidden):
                publish_draft(session=s, key=PROCESS_KEY, draft_id=draft_id, actor=actor, now=now)


# --- a valid change, four eyes, publishing ------------------------------------------------------------------------


def test_a_valid_change_saves_as_a_submitted_draft_over_the_newest_version(
        sessions: sessionmaker[Session], now: datetime, sharing_process_files: dict[str, str]) -> None:
    with sessions.begin() as s:
        draft = save(s, with_manager_timer(NEW_TIMER), note="Three working days for routine advice", now=now)
        draft_id = draft.id
    with sessions() as s:
        draft = drafts.get_draft(s, PROCESS_KEY, draft_id)
        assert (draft.status, draft.author, draft.base_version.number) == ("submitted", "pat.owner", 1)
        files = draft.file_map()
        assert set(files) == set(sharing_process_files), "the uploaded diagram replaced the version's"
        assert [n for n in files if files[n] != sharing_process_files[n]] == ["information_sharing.bpmn"]
        summary_diff = drafts.draft_summary(draft)["diff"]
        assert (summary_diff["added"], summary_diff["removed"]) == ([], [])
        assert [(e["id"], e["type"], e["name"], e["changes"]) for e in summary_diff["changed"]] == [
            ("manager_overdue", "boundaryEvent", "Advice overdue",
             [{"what": "timer", "before": OLD_TIMER, "after": NEW_TIMER}])]
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.action == "process_draft_saved")).all()
        assert (event.actor, event.case_id, json.loads(event.summary)["draft"]) == ("pat.owner", None, draft_id)
        assert [p.pending_drafts for p in drafts.list_processes(s)] == [1]


def test_a_second_owner_approves_and_publishing_makes_version_2(sessions: sessionmaker[Session],
                                                                 now: datetime) -> None:
    with sessions.begin() as s:
        draft_id = save(s, with_manager_timer(NEW_TIMER), note="Three working days for routine advice", now=now).id
    with sessions() as s, pytest.raises(Forbidden, match="a second process owner must approve"):
        approve_draft(session=s, key=PROCESS_KEY, draft_id=draft_id, actor=PAT, now=now)
    with sessions() as s, pytest.raises(Conflict, match="needs approval by a second process owner first"):
        publish_draft(session=s, key=PROCESS_KEY, draft_id=draft_id, actor=PAT, now=now)
    later = now + timedelta(hours=1)
    with sessions.begin() as s:
        approved = approve_draft(session=s, key=PROCESS_KEY, draft_id=draft_id, actor=OLU, now=later)
        assert (approved.status, approved.approved_by, approved.approved_at) == ("approved", "olu.owner", later)
    with sessions() as s, pytest.raises(Conflict, match="already approved"):
        approve_draft(session=s, key=PROCESS_KEY, draft_id=draft_id, actor=OLU, now=later)
    with sessions.begin() as s:
        published = publish_draft(session=s, key=PROCESS_KEY, draft_id=draft_id, actor=PAT, now=later)
        version = published.version
        assert (version.number, version.author, version.approved_by, version.change_note) == (
            2, "pat.owner", "olu.owner", "Three working days for routine advice")
        assert version.created_at == later and version.content_hash == s.get(ProcessDraft, draft_id).content_hash
        assert latest_version(session=s, key=PROCESS_KEY).number == 2
        assert published.migrated == published.kept == []
    with sessions() as s:
        draft = drafts.get_draft(s, PROCESS_KEY, draft_id)
        assert (draft.status, draft.published_version.number) == ("published", 2)
        assert [v.number for v in drafts.list_versions(s, PROCESS_KEY)] == [2, 1]
        assert drafts.list_versions(s, PROCESS_KEY)[1].file_map() != drafts.list_versions(s, PROCESS_KEY)[0].file_map()
        with pytest.raises(Conflict, match="already published as version 2"):
            publish_draft(session=s, key=PROCESS_KEY, draft_id=draft_id, actor=OLU, now=later)
        actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
        assert actions == ["process_draft_saved", "process_draft_submitted", "process_draft_approved",
                           "process_published"]
        assert verify_chain(session=s).ok


def test_a_draft_made_from_an_older_version_cannot_be_published(sessions: sessionmaker[Session],
                                                                now: datetime) -> None:
    with sessions.begin() as s:
        stale_id = save(s, edited(rename("record_decision", "Record the decision")), actor=OLU, now=now).id
        approve_draft(session=s, key=PROCESS_KEY, draft_id=stale_id, actor=PAT, now=now)
    publish_timer_change(sessions, now)
    with sessions() as s, pytest.raises(Conflict, match="another version was published since"):
        publish_draft(session=s, key=PROCESS_KEY, draft_id=stale_id, actor=PAT, now=now)


def test_unknown_drafts_and_versions_are_not_found(sessions: sessionmaker[Session], now: datetime) -> None:
    with sessions() as s:
        for call in (lambda: drafts.get_draft(s, PROCESS_KEY, "no-such-draft"),
                     lambda: drafts.get_draft(s, PROCESS_KEY, "\x00" * 40),
                     lambda: approve_draft(session=s, key="nope", draft_id="x", actor=OLU, now=now),
                     lambda: diff_versions(session=s, key=PROCESS_KEY, from_number=1, to_number=9),
                     lambda: drafts.list_versions(s, "nope")):
            with pytest.raises(NotFound):
                call()


# --- the diff -----------------------------------------------------------------------------------------------------


def test_the_diff_between_versions_lists_exactly_the_changed_timer(sessions: sessionmaker[Session],
                                                                    now: datetime) -> None:
    publish_timer_change(sessions, now)
    with sessions() as s:
        diff = diff_versions(session=s, key=PROCESS_KEY, from_number=1, to_number=2)
        assert (diff.added, diff.removed) == ([], [])
        assert [(e["id"], e["type"], e["name"], e["changes"]) for e in diff.changed] == [
            ("manager_overdue", "boundaryEvent", "Advice overdue",
             [{"what": "timer", "before": OLD_TIMER, "after": NEW_TIMER}])]
        backwards = diff_versions(session=s, key=PROCESS_KEY, from_number=2, to_number=1)
        assert [e["id"] for e in backwards.changed] == ["manager_overdue"]
        assert diff_versions(session=s, key=PROCESS_KEY, from_number=2, to_number=2).empty


def test_the_diff_reads_elements_not_text(sharing_process_files: dict[str, str]) -> None:
    old = sharing_process_files
    name = "information_sharing.bpmn"

    def with_bpmn(change: Callable[[etree._Element], None]) -> dict[str, str]:
        return {**old, name: edited(change)}

    def moved(root: etree._Element) -> None:
        [bounds] = [b for b in root.iter("{*}Bounds") if b.getparent().get("bpmnElement") == "manager_advice"]
        bounds.set("x", "9999")

    def reformatted(root: etree._Element) -> None:
        for element in root.iter():
            element.tail = "\n  "

    assert diff_files(old, with_bpmn(moved)).empty, "moving a shape changes nothing"
    assert diff_files(old, with_bpmn(reformatted)).empty, "nor does layout of the text"
    # A flow's name changes the flow only, not the steps it joins.
    renamed = diff_files(old, with_bpmn(rename("f_in_doubt", "Unsure")))
    assert [(e["id"], e["type"], e["name"], e["changes"]) for e in renamed.changed] == [
        ("f_in_doubt", "sequenceFlow", "Unsure", [{"what": "name", "before": "Yes", "after": "Unsure"}])]

    def condition(root: etree._Element) -> None:
        [expression] = _by_id(root, "f_in_doubt").iter("{*}conditionExpression")
        expression.text = "unsure == True"

    assert [e["id"] for e in diff_files(old, with_bpmn(condition)).changed] == ["f_in_doubt"]

    def drop_form(root: etree._Element) -> None:
        for step in BROKEN:
            if step.id == "a task without a form":
                step.values[0](root)

    assert [e["id"] for e in diff_files(old, with_bpmn(drop_form)).changed] == ["consider_consent"]

    def remove_reminder(root: etree._Element) -> None:
        for element_id in ("record_reminder", "f_reminded"):
            element = _by_id(root, element_id)
            element.getparent().remove(element)

    removed = diff_files(old, with_bpmn(remove_reminder))
    assert sorted(e["id"] for e in removed.removed) == ["f_reminded", "record_reminder"]
    assert removed.added == []
    assert sorted(e["id"] for e in diff_files(with_bpmn(remove_reminder), old).added) == [
        "f_reminded", "record_reminder"]

    emergency_rule = "Emergency: the public interest in protecting a child in immediate danger overrides"
    rule = diff_files(old, {**old, "lawful_basis.dmn": old["lawful_basis.dmn"].replace(
        f"<description>{emergency_rule}</description>", "<description>Emergency: share now</description>")})
    assert [(e["id"], e["type"], e["name"]) for e in rule.changed] == [
        ("confidence_rule3", "rule", "Emergency: share now")]
    assert rule.changed[0]["changes"] == [
        {"what": "description", "before": emergency_rule, "after": "Emergency: share now"}]
    # A form is read question by question: a rewritten file with the same questions is no change.
    assert diff_files(old, {**old, "forms/consent.json": old["forms/consent.json"] + "\n"}).empty


def test_a_schema_default_written_out_or_left_off_is_no_change(sharing_process_files: dict[str, str]) -> None:
    # What the browser modelers do on every save: bpmn-js drops cancelActivity="true", dmn-js hitPolicy="UNIQUE".
    old = sharing_process_files
    bpmn, dmn = "information_sharing.bpmn", "lawful_basis.dmn"
    assert 'cancelActivity="true"' in old[bpmn] and 'hitPolicy="UNIQUE"' in old[dmn]

    def timer_interrupts(value: str | None) -> dict[str, str]:
        def change(root: etree._Element) -> None:
            timer = _by_id(root, "manager_overdue")
            if value is None:
                del timer.attrib["cancelActivity"]
            else:
                timer.set("cancelActivity", value)
        return {**old, bpmn: edited(change)}

    def hit_policy(value: str) -> dict[str, str]:
        return {**old, dmn: old[dmn].replace('id="article6_basis_table" hitPolicy="UNIQUE"',
                                             f'id="article6_basis_table"{value}')}

    assert diff_files(old, timer_interrupts(None)).empty
    assert diff_files(old, hit_policy("")).empty
    assert [e["id"] for e in diff_files(old, timer_interrupts("false")).changed] == ["manager_overdue"]
    assert [e["id"] for e in diff_files(timer_interrupts(None), timer_interrupts("false")).changed] == [
        "manager_overdue"]
    assert [e["id"] for e in diff_files(old, hit_policy(' hitPolicy="FIRST"')).changed] == ["article6_basis"]


# --- open cases move to the new version only where that is safe --------------------------------------------------


def waiting_for_the_manager(start: Any) -> CaseDriver:
    case = start(PRACTITIONER, direction="outbound_concern", urgency="routine", summary="Unsure: needs advice")
    for element, data in UNSURE_STEPS:
        case.complete(element, PRACTITIONER, data)
    assert case.open_elements() == {"manager_advice"}
    return case


def at_an_early_step(start: Any) -> CaseDriver:
    case = start(PRACTITIONER, direction="outbound_concern", urgency="routine", summary="Just described")
    case.complete("describe_concern", PRACTITIONER, CONCERN)
    assert case.open_elements() == {"check_purpose"}
    return case


def manager_due(case: CaseDriver) -> datetime | None:
    return case.task("manager_advice").due_at


def test_a_case_waiting_on_the_changed_timer_keeps_its_version_and_an_early_case_moves(
        sessions: sessionmaker[Session], start_case: Any, now: datetime) -> None:
    waiting, early = waiting_for_the_manager(start_case), at_an_early_step(start_case)
    one_day, three_days = DEFAULT_CALENDAR.add_working_days(now, 1), DEFAULT_CALENDAR.add_working_days(now, 3)
    assert manager_due(waiting) == waiting.case().next_timer_at == one_day

    published = publish_timer_change(sessions, now)
    assert (published.migrated, published.kept) == ([early.case_id], [waiting.case_id])

    # The waiting case finishes on version 1: its live timer is the old one.
    assert (waiting.case().process_version.number, waiting.case().next_timer_at) == (1, one_day)
    assert manager_due(waiting) == one_day
    # The early case is on version 2 and its record says so; reaching the manager, it gets the new timer.
    assert early.case().process_version.number == 2
    with sessions() as s:
        [moved] = [e for e in case_events(session=s, case_id=early.case_id) if e.action == "case_migrated"]
        assert json.loads(moved.summary) == {"process": PROCESS_KEY, "from": 1, "to": 2}
        assert not [e for e in case_events(session=s, case_id=waiting.case_id) if e.action == "case_migrated"]
    for element, data in UNSURE_STEPS[1:]:
        early.complete(element, PRACTITIONER, data)
    assert manager_due(early) == early.case().next_timer_at == three_days
    # A new case starts on version 2 with the new timer.
    fresh = waiting_for_the_manager(start_case)
    assert (fresh.case().process_version.number, manager_due(fresh)) == (2, three_days)

    # The old timer still fires on the kept case: the DSL takes over after one working day.
    waiting.fire_timers(one_day + timedelta(seconds=1))
    assert waiting.open_elements() == {"dsl_advice"}
    early.fire_timers(one_day + timedelta(seconds=1))
    assert early.open_elements() == {"manager_advice"}, "three days, not one"
    with sessions() as s:
        assert verify_chain(session=s).ok


@pytest.mark.parametrize(("change", "moves"), [
    pytest.param(rename("describe_concern", "Tell us what worries you"), set(), id="a step both have done"),
    pytest.param(rename("record_decision", "Record the decision"), {"waiting", "early"}, id="a step neither reached"),
    pytest.param(rename("without_consent", "Sharing without consent"), {"early"},
                 id="a step only the waiting case has done"),
    pytest.param(rename("check_purpose", "Is the purpose clear?"), set(), id="the early case's open step"),
    pytest.param(rename("lane_manager", "Manager "), {"early"}, id="the lane of a live manager task"),
])
def test_a_case_moves_only_if_no_step_it_ran_or_waits_on_changed(
        sessions: sessionmaker[Session], start_case: Any, now: datetime,
        change: Callable[[etree._Element], None], moves: set[str]) -> None:
    cases = {"waiting": waiting_for_the_manager(start_case), "early": at_an_early_step(start_case)}
    published = publish_timer_change(sessions, now, bpmn=edited(change))
    moved = {name for name, case in cases.items() if case.case_id in published.migrated}
    assert moved == moves
    assert {name for name, case in cases.items() if case.case_id in published.kept} == set(cases) - moves
    for name, case in cases.items():
        assert case.case().process_version.number == (2 if name in moves else 1)
        assert case.case().status == "active"


def test_without_migration_every_open_case_stays_on_its_version(sessions: sessionmaker[Session],
                                                                start_case: Any, now: datetime) -> None:
    early = at_an_early_step(start_case)
    published = publish_timer_change(sessions, now, migrate=False)
    assert (published.migrated, published.kept) == ([], [early.case_id])
    assert early.case().process_version.number == 1
    with sessions() as s:
        open_tasks = s.scalars(select(HumanTask).where(HumanTask.case_id == early.case_id,
                                                       HumanTask.state == TaskStatus.OPEN)).all()
        assert [t.element_id for t in open_tasks] == ["check_purpose"]
        assert not [e for e in case_events(session=s, case_id=early.case_id) if e.action == "case_migrated"]
