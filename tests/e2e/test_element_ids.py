"""Readable ids in the modeler: a new element's made-up id ("Activity_0mcogf0") becomes one made from the
name it is first given, however it is named (A step for a person, the panel, typing on the diagram), with
every reference to it kept and one Undo taking it back; an element of a published version keeps its id
whatever it is renamed; and a refused save's problem reads with the element's name."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import expect

from service.actors import Actor
from service.db import make_engine, make_session_factory
from service.engine.xml import parse_xml
from service.flows.publishing import publish_draft
from service.processes.drafts import approve_draft, create_draft, latest
from tests.e2e.test_decision_table_browser import saved_draft_files
from tests.e2e.test_modeler_browser import open_modeler, save
from tests.e2e.test_web_journeys import SHOTS, serving

BPMN = "information_sharing.bpmn"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}
NURSE = "Check the school nurse's notes"
NURSE_ID = "check_the_school_nurses_notes"
MADE_UP = re.compile(r"^[A-Z][A-Za-z]*_[0-9a-z]{1,8}$")


def exported(page: Any) -> etree._Element:
    """The diagram as the modeler would save it now."""
    xml = page.evaluate("async () => (await window.modeler.saveXML({ format: true })).xml")
    return parse_xml(xml, name=BPMN)


def one(root: etree._Element, path: str) -> etree._Element:
    [found] = root.xpath(path, namespaces=NS)
    return found


def assert_referenced(root: etree._Element, element_id: str) -> None:
    """The element's drawing and its lane name it by its id."""
    one(root, f"//bpmndi:BPMNShape[@bpmnElement='{element_id}']")
    one(root, f"//bpmn:lane[bpmn:flowNodeRef='{element_id}']")


def label_of(page: Any, element_id: str) -> str | None:
    return page.evaluate("(id) => { const e = window.modeler.get('elementRegistry').get(id);"
                         " return e.label ? e.label.id : null; }", element_id)


def add_person_step(page: Any, name: str, lane: str, form: str) -> None:
    dialog = page.get_by_role("dialog", name="A step for a person")
    expect(dialog).to_be_visible()
    dialog.get_by_label("What the step is called").fill(name)
    dialog.get_by_label("Who does it").select_option(label=lane)
    dialog.get_by_label("Its form").select_option(form)
    dialog.get_by_role("button", name="Add the step").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#prop-name")).to_have_value(name)


def select(page: Any, element_id: str) -> None:
    page.evaluate("(id) => window.modeler.get('selection').select(window.modeler.get('elementRegistry').get(id))",
                  element_id)
    expect(page.locator("#prop-id")).to_have_text(element_id)


def append(page: Any, action: str) -> str:
    """Append an element to the selected one from its context pad; the new element's id."""
    page.locator(f".djs-context-pad .entry[data-action='{action}']").click()
    page.keyboard.press("Escape")  # drop it where bpmn-js puts it
    new_id = str(page.evaluate("() => window.modeler.get('selection').get()[0].id"))
    select(page, new_id)
    return new_id


@pytest.mark.e2e
def test_a_step_for_a_person_takes_an_id_made_from_its_name(browser: Any, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.locator(".djs-palette .entry[data-action='create.person-step']").click()
        add_person_step(page, NURSE, "Manager", "advise_and_decide.json")
        expect(page.locator("#prop-id")).to_have_text(NURSE_ID)
        expect(page.locator("#prop-reference")).to_contain_text(f"Reference: {NURSE_ID}")
        expect(page.locator("#prop-reference")).to_be_visible()
        page.screenshot(path=str(SHOTS / "modeler-readable-id.png"))

        root = exported(page)
        task = one(root, f"//bpmn:userTask[@id='{NURSE_ID}']")
        assert task.get("name") == NURSE
        assert_referenced(root, NURSE_ID)
        timer = one(root, f"//bpmn:boundaryEvent[@attachedToRef='{NURSE_ID}']")
        assert timer.get("id") == f"{NURSE_ID}_overdue", "its escalation timer is named too"
        one(root, f"//bpmndi:BPMNShape[@bpmnElement='{NURSE_ID}_overdue']")

        # A refused save: each problem reads with the element's name, its id a small reference.
        page.select_option("#prop-form", "")
        select(page, f"{NURSE_ID}_overdue")
        page.fill("#prop-timer", "in_working_days(1")
        page.press("#prop-timer", "Tab")
        assert save(page, "A manager checks the nurse's notes").startswith("Not saved")
        no_form = page.locator("#problems li", has_text="has no form")
        expect(no_form).to_have_count(1)
        expect(no_form).to_have_text(f"Step '{NURSE}' ({NURSE_ID}) has no form")
        # The engine's message names nothing: the element's name comes first.
        broken = page.locator("#problems li", has_text="SyntaxError")
        expect(broken).to_have_count(1)
        expect(broken).to_have_text(re.compile(rf"^'{re.escape(NURSE)}: overdue' {NURSE_ID}_overdue: Line 1"))
        expect(broken.locator(".element-ref")).to_have_text(f"{NURSE_ID}_overdue")
        expect(page.locator(f"[data-element-id='{NURSE_ID}'].problem")).to_have_count(1)
        assert "Activity_" not in page.inner_text("#problems") and "Event_" not in page.inner_text("#problems")
        page.screenshot(path=str(SHOTS / "modeler-readable-problems.png"))
        broken.get_by_role("button").click()
        expect(page.locator("#prop-id")).to_have_text(f"{NURSE_ID}_overdue")
        page.fill("#prop-timer", "in_working_days(1)")
        page.press("#prop-timer", "Tab")
        select(page, NURSE_ID)
        page.select_option("#prop-form", "advise_and_decide.json")
        assert save(page, "A manager checks the nurse's notes").startswith("Saved"), page.inner_text("#problems")
        assert errors == []
        page.close()
    saved = parse_xml(saved_draft_files(f"sqlite:///{tmp_path / 'web.db'}")[BPMN], name=BPMN)
    assert one(saved, f"//bpmn:userTask[@id='{NURSE_ID}']").get("name") == NURSE
    assert_referenced(saved, NURSE_ID)
    assert one(saved, f"//bpmn:lane[bpmn:flowNodeRef='{NURSE_ID}']").get("id") == "lane_manager"
    assert one(saved, f"//bpmn:boundaryEvent[@attachedToRef='{NURSE_ID}']").get("id") == f"{NURSE_ID}_overdue"


@pytest.mark.e2e
def test_naming_in_the_panel_or_on_the_diagram_gives_a_readable_id_that_one_undo_takes_back(
        browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        select(page, "describe_concern")
        page.locator(".djs-context-pad .entry[data-action='append.person-step']").click()
        add_person_step(page, "Ask the school nurse", "Practitioner", "consent.json")
        expect(page.locator("#prop-id")).to_have_text("ask_the_school_nurse")
        root = exported(page)
        one(root, "//bpmn:sequenceFlow[@sourceRef='describe_concern'][@targetRef='ask_the_school_nurse']")

        # Named in the panel: one Undo gives back the made-up id (and no name), Redo the readable one.
        made_up = append(page, "append.gateway")
        assert MADE_UP.match(made_up), made_up
        page.fill("#prop-name", "Is the nurse sure?")
        page.press("#prop-name", "Tab")
        expect(page.locator("#prop-id")).to_have_text("is_the_nurse_sure")
        root = exported(page)
        one(root, "//bpmn:exclusiveGateway[@id='is_the_nurse_sure']")
        one(root, "//bpmn:sequenceFlow[@sourceRef='ask_the_school_nurse'][@targetRef='is_the_nurse_sure']")
        one(root, "//bpmndi:BPMNShape[@bpmnElement='is_the_nurse_sure']")
        assert label_of(page, "is_the_nurse_sure") == "is_the_nurse_sure_label", "its label goes by it too"
        page.evaluate("() => window.modeler.get('selection').select("
                      "window.modeler.get('elementRegistry').get('is_the_nurse_sure_label'))")
        expect(page.locator("#prop-id")).to_have_text("is_the_nurse_sure")  # the label selected
        page.get_by_role("button", name="Undo").click()
        select(page, made_up)
        expect(page.locator("#prop-name")).to_have_value("")
        assert exported(page).xpath("//*[@id='is_the_nurse_sure']") == []
        page.get_by_role("button", name="Redo").click()
        select(page, "is_the_nurse_sure")

        # Named by typing on the diagram.
        ending = append(page, "append.end-event")
        page.dblclick(f"#canvas [data-element-id='{ending}']")
        page.keyboard.type("The nurse is not sure")
        page.locator("#canvas").click(position={"x": 300, "y": 20})
        expect(page.locator("#canvas [data-element-id='the_nurse_is_not_sure']")).to_have_count(1)
        root = exported(page)
        assert one(root, "//bpmn:endEvent[@id='the_nurse_is_not_sure']").get("name") == "The nurse is not sure"
        one(root, "//bpmn:sequenceFlow[@sourceRef='is_the_nurse_sure'][@targetRef='the_nurse_is_not_sure']")
        assert_referenced(root, "the_nurse_is_not_sure")
        assert label_of(page, "the_nurse_is_not_sure") == "the_nurse_is_not_sure_label"

        # Made another kind of end, it keeps its id.
        page.evaluate("""() => window.modeler.get('bpmnReplace').replaceElement(
            window.modeler.get('elementRegistry').get('the_nurse_is_not_sure'),
            { type: 'bpmn:EndEvent', eventDefinitionType: 'bpmn:TerminateEventDefinition' })""")
        root = exported(page)
        end = one(root, "//bpmn:endEvent[@id='the_nurse_is_not_sure']")
        assert end.find("bpmn:terminateEventDefinition", NS) is not None
        one(root, "//bpmn:sequenceFlow[@sourceRef='is_the_nurse_sure'][@targetRef='the_nurse_is_not_sure']")

        # A name already used gives the next free id; a name with nothing to make an id from leaves it made up.
        select(page, "is_the_nurse_sure")
        again = append(page, "append.end-event")
        page.fill("#prop-name", "The nurse is not sure")
        page.press("#prop-name", "Tab")
        expect(page.locator("#prop-id")).to_have_text("the_nurse_is_not_sure_2")
        select(page, "is_the_nurse_sure")
        other = append(page, "append.end-event")
        page.fill("#prop-name", "?!")
        page.press("#prop-name", "Tab")
        expect(page.locator("#prop-name")).to_have_value("?!")
        expect(page.locator("#prop-id")).to_have_text(other)
        assert again != other
        assert errors == []
        page.close()


def publish_with_a_made_up_id(database_url: str) -> None:
    """Version 2: the first merge gateway has an id as bpmn-js makes them up."""
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    pat, olu = Actor("pat.owner", frozenset({"process_owner"})), Actor("olu.owner", frozenset({"process_owner"}))
    try:
        sessions = make_session_factory(engine)
        with sessions.begin() as s:
            files = latest(session=s, key="information_sharing").file_map()
            bpmn = files[BPMN].replace("gw_first_merge", "Gateway_1merge0")
            draft_id = create_draft(session=s, key="information_sharing", uploaded={BPMN: bpmn}, actor=pat,
                                    change_note="Made-up id", now=now, submit=True).id
        with sessions.begin() as s:
            approve_draft(session=s, key="information_sharing", draft_id=draft_id, actor=olu, now=now)
        with sessions.begin() as s:
            publish_draft(session=s, key="information_sharing", draft_id=draft_id, actor=pat, now=now)
    finally:
        engine.dispose()


@pytest.mark.e2e
def test_a_published_element_keeps_its_id_when_renamed(browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path) as address:
        publish_with_a_made_up_id(f"sqlite:///{tmp_path / 'web.db'}")
        page = open_modeler(browser, address)
        select(page, "Gateway_1merge0")
        page.fill("#prop-name", "Back to the start")
        page.press("#prop-name", "Tab")
        expect(page.get_by_text("Changed Gateway_1merge0")).to_be_visible()
        expect(page.locator("#prop-id")).to_have_text("Gateway_1merge0")
        select(page, "consider_consent")
        page.fill("#prop-name", "Is consent the right basis?")
        page.press("#prop-name", "Tab")
        expect(page.locator("#prop-name")).to_have_value("Is consent the right basis?")
        expect(page.locator("#prop-id")).to_have_text("consider_consent")

        # A new element never takes an id a published version uses, even one deleted from this draft.
        page.evaluate("() => window.modeler.get('modeling').removeElements("
                      "[window.modeler.get('elementRegistry').get('share_at_once')])")
        select(page, "log_request")
        page.locator(".djs-context-pad .entry[data-action='append.person-step']").click()
        add_person_step(page, "Share at once", "Practitioner", "share_in_emergency.json")
        expect(page.locator("#prop-id")).to_have_text("share_at_once_2")
        root = exported(page)
        assert one(root, "//bpmn:exclusiveGateway[@id='Gateway_1merge0']").get("name") == "Back to the start"
        page.close()
