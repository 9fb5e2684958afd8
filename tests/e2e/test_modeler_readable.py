"""The modeler as a process owner reads it: it opens at actual size on the start events beside the
palette, with zoom buttons; a step is found by part of its name; a refused save's problem shows its
element, and undo clears the mark; a timer is set with a number and a unit; leaving with unsaved edits
asks first; and a step for a person added from the palette has a role and a form and passes the checks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import violations
from tests.e2e.test_decision_table_browser import saved_draft_files
from tests.e2e.test_modeler_browser import open_modeler, save
from tests.e2e.test_web_journeys import SHOTS, serving

BPMN = "information_sharing.bpmn"


def zoom(page: Any) -> float:
    return float(page.evaluate("() => window.modeler.get('canvas').zoom()"))


def place(page: Any, element_id: str) -> dict[str, float]:
    """Where an element is drawn, and the free part of the canvas (right of the palette), in page pixels."""
    return dict(page.evaluate("""(id) => {
        const shape = document.querySelector(`#canvas [data-element-id="${id}"]`).getBoundingClientRect();
        const box = document.getElementById('canvas').getBoundingClientRect();
        const rail = document.querySelector('#canvas .djs-palette').getBoundingClientRect();
        return { left: shape.left, right: shape.right, top: shape.top, bottom: shape.bottom,
                 x: shape.left + shape.width / 2, y: shape.top + shape.height / 2,
                 freeLeft: rail.right, freeX: rail.right + (box.right - rail.right) / 2,
                 freeY: box.top + box.height / 2, boxTop: box.top, boxBottom: box.bottom, boxRight: box.right };
    }""", element_id))


def assert_centred(page: Any, element_id: str) -> None:
    at = place(page, element_id)
    assert abs(at["x"] - at["freeX"]) < 40 and abs(at["y"] - at["freeY"]) < 40, at


def assert_in_view(page: Any, element_id: str) -> None:
    at = place(page, element_id)
    assert at["left"] > at["freeLeft"] and at["right"] < at["boxRight"], at
    assert at["top"] > at["boxTop"] and at["bottom"] < at["boxBottom"], at


def find(page: Any, text: str) -> Any:
    page.fill("#find", text)
    return page.locator("#find-results button")


@pytest.mark.e2e
def test_it_opens_readable_beside_the_palette_and_zooms_with_buttons(browser: Any, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        assert zoom(page) == pytest.approx(1.0)
        expect(page.locator("#zoom-level")).to_have_text("100%")
        for start in ("start_concern", "start_request"):
            assert_in_view(page, start)  # right of the palette, not under it
        page.screenshot(path=str(SHOTS / "modeler-opens-1400.png"))

        page.get_by_role("button", name="Zoom out").click()
        assert zoom(page) == pytest.approx(0.8)
        page.get_by_role("button", name="Zoom in").click()
        page.get_by_role("button", name="Zoom in").click()
        assert zoom(page) == pytest.approx(1.25)
        expect(page.locator("#zoom-level")).to_have_text("125%")
        page.get_by_role("button", name="Fit the whole process").click()
        assert zoom(page) < 0.5
        for start in ("start_concern", "review_decision"):
            assert_in_view(page, start)  # the whole process, beside the palette
        page.get_by_role("button", name="Actual size").click()
        assert zoom(page) == pytest.approx(1.0)
        page.close()

        small = open_modeler(browser, address, width=820, height=1180)
        assert zoom(small) == pytest.approx(1.0)
        assert_in_view(small, "start_concern")
        expect(small.get_by_role("button", name="Zoom in")).to_be_visible()
        small.screenshot(path=str(SHOTS / "modeler-opens-820.png"))
        small.close()


@pytest.mark.e2e
def test_a_step_is_found_by_part_of_its_name(browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        found = find(page, "ADVISE")
        expect(found).to_have_count(3)
        expect(page.locator("#find-count")).to_have_text("3 match: choose one.")
        assert found.all_inner_texts() == ["Advise and decide — a step for a person",
                                           "Advise and decide (escalated) — a step for a person",
                                           "What did the adviser decide? — a choice"]
        page.get_by_role("button", name="Advise and decide (escalated) — a step for a person").click()
        expect(page.locator("#prop-id")).to_have_text("dsl_advice")
        assert zoom(page) == pytest.approx(1.0)
        assert_centred(page, "dsl_advice")
        expect(page.locator("[data-element-id='dsl_advice'].selected")).to_have_count(1)
        expect(find(page, "no such step")).to_have_count(0)
        expect(page.locator("#find-count")).to_have_text("Nothing is called “no such step”.")
        found = find(page, "overdue")
        assert found.count() >= 4 and all("a timer" in t for t in found.all_inner_texts())
        page.keyboard.press("Enter")  # the first match
        expect(page.locator("#prop-type")).to_have_text("BoundaryEvent")
        page.close()


@pytest.mark.e2e
def test_a_problem_shows_its_element_and_undo_clears_its_mark(browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        find(page, "consent the right").first.click()
        page.select_option("#prop-form", "")  # kept at once, without Apply
        assert save(page, "Try without a form").startswith("Not saved")
        outline = page.locator("[data-element-id='consider_consent'].problem")
        expect(outline).to_have_count(1)
        problem = page.get_by_role("button", name=re.compile(r"consider_consent"))
        expect(problem).to_be_visible()

        page.get_by_role("button", name="Fit the whole process").click()
        page.locator("#canvas").click(position={"x": 300, "y": 20})  # nothing selected
        assert zoom(page) < 0.5
        problem.click()
        assert zoom(page) == pytest.approx(1.0)
        assert_centred(page, "consider_consent")
        expect(page.locator("#prop-id")).to_have_text("consider_consent")
        page.screenshot(path=str(SHOTS / "modeler-problem-shown.png"))

        page.get_by_role("button", name="Undo").click()
        expect(outline).to_have_count(0)
        expect(page.locator("#problems-note")).to_contain_text("save again")
        expect(page.locator("#prop-form")).to_have_value("consent.json")

        # A problem naming an element that is gone is dropped from the list.
        page.get_by_role("button", name="Redo").click()
        assert save(page, "Try without a form").startswith("Not saved")
        expect(outline).to_have_count(1)
        problem.click()
        page.locator(".djs-context-pad .entry[data-action='delete']").click()
        expect(problem).to_have_count(0)
        expect(page.locator(".problem")).to_have_count(0)
        page.close()


@pytest.mark.e2e
def test_a_timer_set_with_a_number_and_a_unit_is_saved_in_the_draft(browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        find(page, "review date reached").first.click()
        expect(page.locator("#timer-raw-note")).to_contain_text("Written as an expression: at_start_of(review_date)")
        expect(page.locator("#prop-timer")).to_have_value("at_start_of(review_date)")

        page.fill("#find", "manager_overdue")
        page.keyboard.press("Enter")
        expect(page.locator("#prop-id")).to_have_text("manager_overdue")
        expect(page.get_by_label("A different time for same-day cases")).to_be_checked()
        expect(page.locator("#timer-same-day-amount")).to_have_value("2")
        expect(page.locator("#timer-same-day-unit")).to_have_value("working_hours")
        expect(page.locator("#timer-amount")).to_have_value("1")
        expect(page.locator("#timer-unit")).to_have_value("working_days")
        expect(page.locator("#timer-raw-note")).to_have_text(
            "Fires after 2 working hours for a same-day case, 1 working day for any other.")

        page.fill("#timer-amount", "3")
        page.select_option("#timer-unit", "school_days")
        wanted = 'in_working_hours(2) if urgency == "same_day" else in_school_days(3)'
        expect(page.locator("#prop-timer")).to_have_value(wanted)
        page.screenshot(path=str(SHOTS / "modeler-timer-picker.png"))
        assert violations(page) == []

        find(page, "follow-up overdue").first.click()
        page.fill("#timer-amount", "1.5")
        page.locator("#timer-amount").blur()
        expect(page.locator("#timer-raw-note")).to_contain_text("whole numbers")
        expect(page.locator("#prop-timer")).to_have_value("in_working_days(1)")
        page.select_option("#timer-unit", "working_hours")
        expect(page.locator("#prop-timer")).to_have_value("in_working_hours(1.5)")

        # A time typed in words into the expression box is written as its expression, not refused as Python.
        page.fill("#find", "dsl_overdue")
        page.keyboard.press("Enter")
        expect(page.locator("#prop-id")).to_have_text("dsl_overdue")
        page.fill("#prop-timer", "3 working days")
        page.locator("#prop-timer").blur()
        expect(page.locator("#prop-timer")).to_have_value("in_working_days(3)")
        expect(page.locator("#timer-raw-note")).to_have_text("Fires after 3 working days.")

        # Calendar days are a duration, not a working-time helper.
        page.fill("#find", "dsl_receipt_overdue")
        page.keyboard.press("Enter")
        page.fill("#timer-amount", "3")
        page.select_option("#timer-unit", "calendar_days")
        expect(page.locator("#prop-timer")).to_have_value('"P3D"')
        expect(page.locator("#timer-raw-note")).to_have_text("Fires after 3 calendar days.")

        assert save(page, "School transfers: three school days for routine advice").startswith("Saved")
        page.close()
    xml = saved_draft_files(f"sqlite:///{tmp_path / 'web.db'}")[BPMN]
    assert wanted.replace('"', "&#34;") in xml or wanted in xml
    assert "in_working_hours(1.5)" in xml
    dsl = re.search(r'<bpmn:boundaryEvent id="dsl_overdue".*?</bpmn:boundaryEvent>', xml, re.S)
    assert dsl and ">in_working_days(3)</bpmn:timeDate>" in dsl.group(0)
    receipt = re.search(r'<bpmn:boundaryEvent id="dsl_receipt_overdue".*?</bpmn:boundaryEvent>', xml, re.S)
    assert receipt and re.search(r'<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">("|&#34;)P3D("|&#34;)'
                                 r"</bpmn:timeDuration>", receipt.group(0))
    assert "timeDate" not in receipt.group(0)


@pytest.mark.e2e
def test_leaving_with_unsaved_edits_asks_first(browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        asked: list[str] = []

        def stay(dialog: Any) -> None:
            asked.append(dialog.type)
            dialog.dismiss()

        page.on("dialog", stay)
        find(page, "Log the request").first.click()
        page.fill("#prop-name", "Log the request for information")  # typed, not applied
        page.get_by_role("link", name="Processes").first.click(no_wait_after=True)
        page.wait_for_timeout(300)
        assert asked == ["beforeunload"]
        assert page.url.endswith("/modeler")

        # Nothing was sent without a note, so nothing is said to be saved.
        page.click("#save")
        expect(page.locator("#status")).to_have_text("Not saved: say what you changed, and why, before saving.")
        assert save(page, "Clearer name").startswith("Saved")
        page.remove_listener("dialog", stay)
        page.get_by_role("link", name="Processes").first.click()
        expect(page.get_by_role("heading", name="Processes")).to_be_visible()
        assert asked == ["beforeunload"], "saved: leaving asks nothing"
    xml = saved_draft_files(f"sqlite:///{tmp_path / 'web.db'}")[BPMN]
    assert 'name="Log the request for information"' in xml


@pytest.mark.e2e
def test_a_step_for_a_person_from_the_palette_passes_the_checks(browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        assert page.locator(".djs-palette .entry[data-action='create.task']").count() == 0, "no bare task"
        page.locator(".djs-palette .entry[data-action='create.person-step']").click()
        dialog = page.get_by_role("dialog", name="A step for a person")
        expect(dialog).to_be_visible()
        dialog.get_by_role("button", name="Add the step").click()
        expect(dialog.get_by_role("alert")).to_contain_text("Give what the step is called and its form")
        dialog.get_by_label("What the step is called").fill("Check the safety plan")
        dialog.get_by_label("Who does it").select_option(label="Manager")
        expect(dialog.locator("#person-timer-hint")).to_be_visible()
        dialog.get_by_label("Its form").select_option("advise_and_decide.json")
        page.screenshot(path=str(SHOTS / "modeler-person-step.png"))
        assert violations(page) == []
        dialog.get_by_role("button", name="Add the step").click()
        expect(dialog).to_be_hidden()
        expect(page.locator("#prop-type")).to_have_text("UserTask")
        expect(page.locator("#prop-name")).to_have_value("Check the safety plan")
        expect(page.locator("#prop-form")).to_have_value("advise_and_decide.json")
        new_id = page.inner_text("#prop-id")
        assert_in_view(page, new_id)
        expect(page.locator(f"[data-element-id='{new_id}']")).to_have_count(1)
        page.get_by_role("button", name="Undo").click()  # the step and its timer, at once
        expect(page.locator(f"[data-element-id='{new_id}']")).to_have_count(0)
        expect(page.locator("#canvas .djs-shape[data-element-id^='Event_']")).to_have_count(0)
        page.get_by_role("button", name="Redo").click()
        expect(page.locator(f"[data-element-id='{new_id}']")).to_have_count(1)
        assert save(page, "A manager checks the safety plan").startswith("Saved"), page.inner_text("#problems")
        page.close()
    xml = saved_draft_files(f"sqlite:///{tmp_path / 'web.db'}")[BPMN]
    task = re.search(rf'<bpmn:userTask id="{new_id}" name="Check the safety plan">.*?</bpmn:userTask>', xml, re.S)
    assert task and 'value="advise_and_decide.json"' in task.group(0)
    manager_lane = re.search(r'<bpmn:lane id="lane_manager".*?</bpmn:lane>', xml, re.S)
    assert manager_lane and f"<bpmn:flowNodeRef>{new_id}</bpmn:flowNodeRef>" in manager_lane.group(0)
    timer = re.search(rf'<bpmn:boundaryEvent [^>]*attachedToRef="{new_id}".*?</bpmn:boundaryEvent>', xml, re.S)
    assert timer and "in_working_days(1)" in timer.group(0), "the escalation timer"


@pytest.mark.e2e
def test_a_step_for_a_person_follows_the_selected_step_in_its_lane(browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        find(page, "Describe the concern").first.click()
        pad = page.locator(".djs-context-pad")
        assert pad.locator(".entry[data-action='append.append-task']").count() == 0, "no bare task"
        pad.locator(".entry[data-action='append.person-step']").click()
        dialog = page.get_by_role("dialog", name="A step for a person")
        expect(dialog.get_by_label("Who does it")).to_have_value("lane_practitioner")
        expect(dialog.locator("#person-timer-hint")).to_be_hidden()
        dialog.get_by_label("What the step is called").fill("Ask the family")
        dialog.get_by_label("Its form").select_option("consent.json")
        dialog.get_by_role("button", name="Add the step").click()
        expect(page.locator("#prop-name")).to_have_value("Ask the family")
        new_id = page.inner_text("#prop-id")
        joined = page.evaluate("""(id) => window.modeler.get('elementRegistry').get(id).incoming
            .map((flow) => flow.source.id)""", new_id)
        assert joined == ["describe_concern"]
        lane = page.evaluate("""(id) => window.modeler.get('elementRegistry').get(id).businessObject.lanes
            .map((l) => l.id)""", new_id)
        assert lane == ["lane_practitioner"]
        assert_in_view(page, new_id)
        page.get_by_role("button", name="Undo").click()  # one undo takes the whole step back
        expect(page.locator(f"[data-element-id='{new_id}']")).to_have_count(0)
        page.close()


@pytest.mark.e2e
@pytest.mark.parametrize("width,height", [(1400, 950), (820, 1180)])
def test_the_decision_table_scrolls_in_its_box_with_its_headers_in_view(
        browser: Any, tmp_path: Path, width: int, height: int) -> None:
    with serving(tmp_path) as address:
        page = open_modeler(browser, address, width=width, height=height)
        page.select_option("#file-choice", "lawful_basis.dmn")
        page.wait_for_selector("#dmn-canvas:not([hidden]) .tjs-table")
        page.select_option("#decision-choice", label="Article 6 lawful basis")
        page.wait_for_selector("#dmn-canvas .decision-table-name:has-text('Article 6 lawful basis')")
        box = page.locator("#dmn-canvas")
        box.scroll_into_view_if_needed()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page is not wider"
        box.evaluate("b => { b.scrollTop = 400; b.scrollLeft = b.scrollWidth; }")
        page.wait_for_timeout(100)
        at = page.evaluate("""() => {
            const box = document.getElementById('dmn-canvas').getBoundingClientRect();
            const head = document.querySelector('#dmn-canvas thead').getBoundingClientRect();
            const index = document.querySelector('#dmn-canvas tbody td.rule-index').getBoundingClientRect();
            const output = document.querySelector('#dmn-canvas thead th.output-cell').getBoundingClientRect();
            return { boxTop: box.top, boxLeft: box.left, boxRight: box.right,
                     headTop: head.top, indexLeft: index.left, outLeft: output.left, outRight: output.right };
        }""")
        assert abs(at["headTop"] - at["boxTop"]) < 3, at  # the header rows stay at the top of the box
        assert abs(at["indexLeft"] - at["boxLeft"]) < 3, at  # so do the rule numbers, at its left
        assert at["outLeft"] >= at["boxLeft"] and at["outRight"] <= at["boxRight"] + 1, at  # the output is reachable
        expect(page.locator("#dmn-canvas thead th.output-cell").first).to_be_visible()
        page.screenshot(path=str(SHOTS / f"modeler-decision-table-{width}.png"))
        page.close()
