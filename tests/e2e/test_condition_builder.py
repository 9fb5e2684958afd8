"""A process owner writes conditions and decision-table entries in words, not code: a gateway's flow shows
its condition as rows of case facts, a changed answer is written as the expression the engine reads, a
condition on a choice is built from nothing, a condition the rows cannot say is shown as written, and a
yes/no cell of a decision table is set to No with the picker; the saved draft holds exactly those."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import violations
from tests.e2e.test_decision_table_browser import DMN, cell, open_table, saved_draft_files
from tests.e2e.test_modeler_browser import edit, open_modeler, save
from tests.e2e.test_web_journeys import SHOTS, serving

BPMN = "information_sharing.bpmn"
VERIFIED = "identity_verified == True and request_specific == True"
IN_DOUBT = '(unsure == True or statutory_power == "none_identified") and urgency != "emergency"'
INBOUND = 'direction == "inbound_request" and not (identity_verified == True and request_specific == True)'
OUTCOMES = ["They confirmed they received it", "Wait again: they have been chased", "Close without a receipt"]


def choose(page: Any, flow: str) -> None:
    """Find the flow by its id and select it; leaving the Find box (which shows it again) before the panel is used."""
    edit(page, flow)
    page.locator("#find").blur()
    expect(page.locator("#condition-builder")).to_be_visible()


def rows(page: Any) -> Any:
    return page.locator("#condition-rows > li")


def condition_of(page: Any, flow: str) -> str:
    return str(page.evaluate(f"""() => {{
        const bo = window.modeler.get('elementRegistry').get('{flow}').businessObject;
        return bo.conditionExpression ? bo.conditionExpression.body : '';
    }}"""))


def shoot(page: Any, name: str, where: str = "#condition-builder") -> None:
    page.locator(where).scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / name), full_page=False)


@pytest.mark.e2e
def test_conditions_are_read_back_changed_and_built_from_facts_in_words(browser: Any, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        # A gateway's outgoing flow: its condition is read back into two rows, joined by "all of".
        choose(page, "f_verified")
        expect(page.locator("#condition-builder")).to_be_visible()
        expect(rows(page)).to_have_count(2)
        first = rows(page).nth(0)
        expect(first.locator("select.condition-fact option:checked")).to_have_text("Have you confirmed who they are?")
        expect(first.get_by_label("Yes")).to_be_checked()
        expect(page.locator("#condition-join")).to_have_value("and")
        expect(page.locator("#condition-preview")).to_have_text(
            "When: “Have you confirmed who they are?” is Yes, and “Is the request about a named child and "
            "specific information?” is Yes.")
        assert page.input_value("#prop-condition") == VERIFIED
        shoot(page, "condition-builder-read-back.png")

        # Change an answer with the builder: the expression is written, and the flow holds it.
        rows(page).nth(1).get_by_label("No").check()
        expect(page.locator("#prop-condition")).to_have_value(
            "identity_verified == True and request_specific == False")
        assert condition_of(page, "f_verified") == "identity_verified == True and request_specific == False"
        page.select_option("#condition-join", "or")
        assert condition_of(page, "f_verified") == "identity_verified == True or request_specific == False"
        page.select_option("#condition-join", "and")
        rows(page).nth(1).get_by_label("Yes").check()
        rows(page).nth(0).locator("select.condition-op").select_option("!=")
        assert condition_of(page, "f_verified") == "identity_verified != True and request_specific == True"
        expect(page.locator("#condition-preview")).to_contain_text("“Have you confirmed who they are?” is not Yes")

        # One level of brackets is a group of facts joined the other way: "any one of these" inside "all of".
        choose(page, "f_in_doubt")
        expect(rows(page)).to_have_count(2)
        group = rows(page).nth(0)
        expect(group.locator(".condition-group-title")).to_have_text("any one of these is true:")
        expect(group.locator("li.condition-row")).to_have_count(2)
        expect(page.locator("#condition-preview")).to_have_text(
            "When: (either \u201cDo you want advice from your manager or DSL before you decide?\u201d is Yes, or "
            "\u201cWhich law lets you share?\u201d is \u2018I don't know which law applies\u2019), and "
            "\u201cHow urgent is it?\u201d is not \u2018Emergency: a child is in immediate danger\u2019.")
        group.locator("li.condition-row").nth(0).get_by_label("No").check()
        assert condition_of(page, "f_in_doubt") == \
            '(unsure == False or statutory_power == "none_identified") and urgency != "emergency"'
        group.locator("li.condition-row").nth(0).get_by_label("Yes").check()
        assert condition_of(page, "f_in_doubt") == IN_DOUBT

        # A condition the rows cannot say is shown as written, and its text stays editable.
        choose(page, "f_inbound")
        expect(page.locator("#condition-builder")).to_contain_text("Written as an expression")
        expect(rows(page)).to_have_count(0)
        assert page.input_value("#prop-condition") == INBOUND

        # A date: "has an answer" read back from bool(...); "is after" is written so that a case without
        # the date yet is not stopped by comparing nothing with a date.
        choose(page, "f_review_later")
        expect(page.locator("#condition-preview")).to_have_text(
            "When: \u201cWhen should this be looked at again?\u201d has an answer.")
        rows(page).nth(0).locator("select.condition-op").select_option("is after")
        rows(page).nth(0).locator("input[type=date]").fill("2026-03-01")
        rows(page).nth(0).locator("input[type=date]").dispatch_event("change")
        assert condition_of(page, "f_review_later") == 'review_date and review_date > "2026-03-01"'
        expect(page.locator("#condition-preview")).to_contain_text("is after 1 March 2026")

        # Built from nothing on a choice: the DSL's "wait again" flow has no condition yet.
        choose(page, "f_dsl_wait_again")
        expect(page.locator("#condition-preview")).to_have_text("Always taken (no condition): add a fact to check.")
        page.click("#condition-add")
        page.locator("#condition-rows select.condition-fact").select_option("receipt_outcome")
        value = rows(page).nth(0).locator("select.condition-choice")
        expect(value.locator("option")).to_have_text(["Choose an answer", *OUTCOMES])
        value.select_option(label=OUTCOMES[1])
        assert condition_of(page, "f_dsl_wait_again") == 'receipt_outcome == "wait_again"'
        rows(page).nth(0).locator("select.condition-op").select_option("in")
        expect(rows(page).nth(0).locator("input[type=checkbox]:checked")).to_have_count(1)
        rows(page).nth(0).locator("input[type=checkbox]").nth(0).check()  # "confirmed" as well
        assert condition_of(page, "f_dsl_wait_again") == 'receipt_outcome in ("confirmed", "wait_again")'
        rows(page).nth(0).locator("input[type=checkbox]").nth(0).uncheck()
        page.click("#condition-add")
        rows(page).nth(1).locator("select.condition-fact").select_option("urgency")
        rows(page).nth(1).locator("select.condition-op").select_option("!=")
        rows(page).nth(1).locator("select.condition-choice").select_option("emergency")
        expected = 'receipt_outcome in ("wait_again",) and urgency != "emergency"'
        assert condition_of(page, "f_dsl_wait_again") == expected
        expect(page.locator("#condition-preview")).to_contain_text(
            "and “How urgent is it?” is not \u2018Emergency: a child is in immediate danger\u2019")
        page.click("#condition-add-group")
        either = rows(page).nth(2)
        expect(either.locator(".condition-group-title")).to_have_text("and any one of these is true:")
        either.locator("select.condition-fact").nth(0).select_option("direction")
        either.locator("select.condition-choice").select_option("inbound_request")
        either.locator("select.condition-fact").nth(1).select_option("immediate_danger")  # Yes at first
        assert condition_of(page, "f_dsl_wait_again") == \
            f'{expected} and (direction == "inbound_request" or immediate_danger == True)'
        expect(page.locator("#condition-preview")).to_contain_text(
            "and (either \u201cHow did it start?\u201d is \u2018A request for information\u2019, or "
            "\u201cIs a child in immediate danger?\u201d is Yes).")
        shoot(page, "condition-builder-built.png")
        either.get_by_role("button", name="Remove \u201cHow did it start?\u201d").click()
        rows(page).nth(2).get_by_role("button", name="Remove \u201cIs a child in immediate danger?\u201d").click()
        expect(rows(page)).to_have_count(2)
        assert condition_of(page, "f_dsl_wait_again") == expected
        assert violations(page) == [], "the builder passes the automated accessibility audit"
        page.set_viewport_size({"width": 820, "height": 1180})
        shoot(page, "condition-builder-narrow.png")
        page.set_viewport_size({"width": 1400, "height": 950})

        # Back on the first flow the rows read what was written; saving keeps both in the draft.
        choose(page, "f_verified")
        expect(rows(page)).to_have_count(2)
        expect(rows(page).nth(0).locator("select.condition-op")).to_have_value("!=")
        with page.expect_request(lambda r: r.url.endswith("/facts")):  # the saved draft's facts, read again
            assert save(page, "Conditions written with the builder").startswith("Saved")
        expect(rows(page)).to_have_count(2)
        assert errors == []
        page.close()

    bpmn = saved_draft_files(f"sqlite:///{tmp_path / 'web.db'}")[BPMN]
    assert "identity_verified != True and request_specific == True" in bpmn
    assert IN_DOUBT.replace('"', "&quot;") in bpmn or IN_DOUBT in bpmn, "put back as it was"
    assert INBOUND.replace('"', "&quot;") in bpmn or INBOUND in bpmn
    assert "review_date and review_date &gt; &quot;2026-03-01&quot;" in bpmn or \
        'review_date and review_date &gt; "2026-03-01"' in bpmn
    assert 'receipt_outcome in (&quot;wait_again&quot;,) and urgency != &quot;emergency&quot;' in bpmn \
        or expected in bpmn


@pytest.mark.e2e
def test_a_yes_no_cell_of_a_decision_table_is_set_to_no_with_the_picker(browser: Any, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.select_option("#file-choice", DMN)
        page.wait_for_selector("#dmn-canvas:not([hidden]) .tjs-table")
        open_table(page, "Exemption (never a lawful basis)")

        # "May share?" reads the yes/no fact may_share; rule 2 has True there.
        cell(page, "exemption_rule2_in0").click()
        picker = page.locator("#entry-picker")
        expect(picker).to_be_visible()
        expect(picker).to_contain_text("Rule 2")
        expect(picker).to_contain_text("May share?")
        expect(picker.get_by_label("Yes")).to_be_checked()
        expect(picker.get_by_label("Any answer")).to_be_visible()
        expect(picker).to_contain_text("Written as: True")

        # Rule 1 takes any answer on the police column (a yes/no expression): narrowed to No with the picker.
        cell(page, "exemption_rule1_in1").click()
        expect(picker).to_contain_text("Rule 1")
        expect(picker.get_by_label("Any answer")).to_be_checked()
        picker.get_by_label("No", exact=True).check()
        expect(cell(page, "exemption_rule1_in1")).to_have_text("False")
        expect(picker).to_contain_text("Written as: False")
        shoot(page, "decision-entry-picker.png", "#entry-picker")

        # A column of a fact with choices: the choices in words, written quoted, several as a list.
        open_table(page, "Does the consent count, and for what?")
        cell(page, "consent_validity_rule6_in0").click()
        expect(picker).to_contain_text("Consent")
        refused = picker.locator("input[type=checkbox]")
        expect(refused).to_have_count(5)  # four answers and "Any answer"
        checked = [picker.locator(f"label[for='{refused.nth(i).get_attribute('id')}']").inner_text()
                   for i in range(4) if refused.nth(i).is_checked()]
        assert len(checked) == 2, "“? in (\"refused\", \"withdrawn\")” is read as two answers"
        shoot(page, "decision-entry-choices.png", "#entry-picker")
        assert violations(page) == [], "the picker passes the automated accessibility audit"
        page.set_viewport_size({"width": 820, "height": 1180})
        shoot(page, "decision-entry-narrow.png", "#entry-picker")
        page.set_viewport_size({"width": 1400, "height": 950})

        assert save(page, "Exemption: rule 1 only when it is not a police investigation").startswith("Saved")
        assert errors == []
        page.close()

    dmn = saved_draft_files(f"sqlite:///{tmp_path / 'web.db'}")[DMN]
    rule = dmn[dmn.index('id="exemption_rule1_in1"'):]
    assert rule[:rule.index("</inputEntry>")].split(">", 1)[1].strip() == "<text>False</text>"
