"""A second process owner reviews a change in a real browser: the diff page lists each change by step with
its values before and after, and draws the newer diagram with the changed element marked; selecting a
change in the list selects it on the diagram."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from service.db import make_engine, make_session_factory
from service.processes import drafts
from service.processes.service import register_version
from tests.e2e.test_accessibility import AXE, RULES
from tests.e2e.test_web_journeys import SHOTS, serving, sign_in
from tests.processes.test_drafts import NEW_TIMER, OLD_TIMER, with_manager_timer

KEY, FORM = "information_sharing", "forms/consent.json"


def publish_version_2(database_url: str) -> None:
    """Version 2: the manager's timer and a question of the consent form changed."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine).begin() as s:
            files = drafts.get_version(s, KEY, 1).file_map()
            form = json.loads(files[FORM])
            form["properties"]["consent_scope"]["title"] = "What exactly did they agree to?"
            diagram = next(n for n in files if n.endswith(".bpmn"))
            files = {**files, FORM: json.dumps(form, indent=2), diagram: with_manager_timer(NEW_TIMER)}
            register_version(session=s, key=KEY, name="Deciding whether to share information", files=files,
                             author="pat.owner", change_note="Three working days", now=datetime.now(UTC))
    finally:
        engine.dispose()


def serious_problems(page: Any) -> list[str]:
    """axe-core's serious and critical findings (WCAG 2.1 A and AA), outside the bpmn-js canvas."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return list(page.evaluate("""async (rules) => {
        const result = await axe.run({ include: [['body']], exclude: [['#diff-canvas']] },
                                     { runOnly: { type: 'tag', values: rules } });
        return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
            .map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }""", RULES))


@pytest.mark.e2e
def test_the_diff_page_shows_values_before_and_after_and_marks_the_diagram(browser: Any, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(tmp_path) as address:
        publish_version_2(f"sqlite:///{tmp_path / 'web.db'}")
        page = browser.new_page(viewport={"width": 1400, "height": 950})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in(page, address, "olu.owner")
        page.goto(f"{address}/processes/{KEY}/diff?from=1&to=2")
        expect(page.get_by_role("heading", name="What changed: version 1 to 2")).to_be_visible()

        expect(page.get_by_role("heading", name="Step: Advise and decide")).to_be_visible()
        timer = page.locator("ul.diff-changed li", has_text="Advice overdue")
        expect(timer).to_be_visible()
        expect(timer.get_by_role("row", name="timer")).to_contain_text(OLD_TIMER)
        expect(timer.get_by_role("row", name="timer")).to_contain_text(NEW_TIMER)
        expect(page.get_by_role("heading", name="Form: consent.json")).to_be_visible()
        question = page.locator("ul.diff-changed li", has_text="What exactly did they agree to?")
        expect(question.get_by_role("row", name="question")).to_contain_text("What did they agree to?")

        page.wait_for_function("() => window.diffViewReady === true")
        marked = page.locator("g.djs-element.mark-changed[data-element-id='manager_overdue']")
        expect(marked).to_be_visible()
        expect(page.locator("g.djs-element.mark-changed[data-element-id='consider_consent']")).to_be_visible()
        expect(page.locator(".mark-changed")).to_have_count(2)

        timer.get_by_role("button").click()
        expect(page.locator("g.djs-element.selected[data-element-id='manager_overdue']")).to_be_visible()
        expect(page.locator("#diff-diagram-status")).to_contain_text("Advice overdue")
        page.screenshot(path=str(SHOTS / "diff-review.png"), full_page=True)
        assert errors == []
        assert serious_problems(page) == [], "the page around the diagram passes an accessibility audit"
        page.close()


DELETE_AND_UNDO = """async ([xml, ids, undo]) => {
  const holder = document.createElement('div');
  holder.style.width = '1200px'; holder.style.height = '800px';
  document.body.appendChild(holder);
  const modeler = new BpmnJS({ container: holder, moddleExtensions: { spiffworkflow: window.SPIFFWORKFLOW_MODDLE } });
  await modeler.importXML(xml);
  const registry = modeler.get('elementRegistry');
  modeler.get('modeling').removeElements(ids.map((id) => registry.get(id)));
  if (undo) modeler.get('commandStack').undo();
  return (await modeler.saveXML({ format: true })).xml;
}"""


@pytest.mark.e2e
def test_deleting_and_undoing_in_the_modeler_shows_no_change(browser: Any, tmp_path: Path) -> None:
    """The real bpmn-js: a step, a timer and a flow deleted and brought back by undo are no change."""
    from service.processes.diff import diff_files
    from tests.workflows.conftest import sharing_files

    old = sharing_files()
    name = next(n for n in old if n.endswith(".bpmn"))
    with serving(tmp_path) as address:
        page = browser.new_page()
        sign_in(page, address, "olu.owner")
        page.goto(f"{address}/processes")
        page.add_script_tag(url=f"{address}/vendor/bpmn-js/bpmn-modeler.production.min.js")
        page.add_script_tag(url=f"{address}/static/web/spiffworkflow-moddle.js")
        for ids in (["manager_overdue"], ["manager_advice"], ["f_in_doubt", "record_reminder"]):
            rewritten = page.evaluate(DELETE_AND_UNDO, [old[name], ids, True])
            assert rewritten != old[name]
            assert diff_files(old, {**old, name: rewritten}).empty, ids
        deleted = page.evaluate(DELETE_AND_UNDO, [old[name], ["manager_overdue"], False])
        assert "manager_overdue" in [e["id"] for e in diff_files(old, {**old, name: deleted}).removed]
        page.close()
