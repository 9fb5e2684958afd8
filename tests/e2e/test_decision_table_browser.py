"""A process owner edits the lawful-basis decision table in the browser (dmn-js): a hostile entry is
refused and its rule's row marked; the corrected table is saved as a draft holding exactly the edit,
and the same table can be read and edited as XML text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from service.db import make_engine, make_session_factory
from service.processes.models import ProcessDraft
from tests.e2e.test_modeler_browser import open_modeler, save
from tests.e2e.test_web_journeys import SHOTS, serving

DMN = "lawful_basis.dmn"
OLD_BASIS = '"Article 6(1)(f) legitimate interests (assessment recorded)"'
NEW_BASIS = '"Article 6(1)(f) legitimate interests (balancing test recorded)"'
CONFIDENCE = "What answers the common-law duty of confidence, and does a refusal stand?"
HOSTILE = '__import__("os").system("id")'


def cell(page: Any, element_id: str) -> Any:
    return page.locator(f"#dmn-canvas td[data-element-id='{element_id}'] .content-editable")


def type_into(page: Any, element_id: str, text: str) -> None:
    target = cell(page, element_id)
    target.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.locator("#dmn-canvas .decision-table-name").click()  # leave the cell, as a person would


def open_table(page: Any, name: str) -> None:
    page.select_option("#decision-choice", label=name)
    page.wait_for_selector(f"#dmn-canvas .decision-table-name:has-text('{name}')")


def starting_text(page: Any) -> str:
    return str(page.evaluate(f"JSON.parse(document.getElementById('start-files').textContent)['{DMN}']"))


def saved_draft_files(database_url: str) -> dict[str, str]:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as s:
            return s.scalars(select(ProcessDraft).order_by(ProcessDraft.created_at.desc())).first().file_map()
    finally:
        engine.dispose()


@pytest.mark.e2e
def test_a_decision_table_is_edited_checked_and_saved_in_the_browser(browser: Any, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(tmp_path) as address:
        page = open_modeler(browser, address, height=1000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        original = starting_text(page)

        page.select_option("#file-choice", DMN)
        page.wait_for_selector("#dmn-canvas:not([hidden]) .tjs-table")
        assert page.locator("#file-text").is_hidden(), "the table, not its XML, is shown"
        tables = page.eval_on_selector_all("#decision-choice option", "options => options.map(o => o.textContent)")
        assert tables == ["Does the consent count, and for what?", "Is DPA 2018 Sch 1 para 18 met?",
                          "Which DPA 2018 Sch 1 Part 2 condition does the purpose choose?", CONFIDENCE,
                          "Article 6 lawful basis", "Article 9 condition for special category data",
                          "Article 10 condition for criminal offence data", "May the information be shared?",
                          "Notes the record needs about the basis", "Exemption (never a lawful basis)"]

        # A hostile entry: refused on save, named by its rule, and the rule's row is marked.
        open_table(page, CONFIDENCE)
        type_into(page, "confidence_rule2_in1", HOSTILE)
        open_table(page, "Article 6 lawful basis")
        assert cell(page, "article6_basis_rule11_out0").inner_text().strip() == OLD_BASIS
        type_into(page, "article6_basis_rule11_out0", NEW_BASIS)
        assert save(page, "Record the balancing test with legitimate interests").startswith("Not saved")
        problem = page.get_by_role("button", name=f"{DMN}: confidence_rule2")
        expect(problem).to_be_visible()
        problem.click()
        page.wait_for_selector("#dmn-canvas .decision-table-name:has-text('What answers the common-law duty')")
        marked = page.eval_on_selector("#dmn-canvas tr [data-row-id='confidence_rule2']",
                                       "td => getComputedStyle(td).backgroundColor")
        assert marked == "rgb(251, 227, 223)", "the refused rule's row is marked"
        page.screenshot(path=str(SHOTS / "decision-table-refused.png"), full_page=True)

        # Put the entry back; the other edit is still there, in the table and in its XML.
        type_into(page, "confidence_rule2_in1", "True")
        page.check("#dmn-as-text")
        assert page.locator("#dmn-canvas").is_hidden()
        xml = page.input_value("#file-text")
        assert NEW_BASIS.replace('"', "&#34;") in xml or NEW_BASIS in xml
        assert HOSTILE not in xml
        page.uncheck("#dmn-as-text")
        open_table(page, "Article 6 lawful basis")
        assert cell(page, "article6_basis_rule11_out0").inner_text().strip() == NEW_BASIS

        assert save(page, "Record the balancing test with legitimate interests").startswith("Saved")
        assert page.locator("#problems li").count() == 0
        page.screenshot(path=str(SHOTS / "decision-table-saved.png"), full_page=True)
        assert errors == []

        # The second process owner sees the one rule that changed, not a rewritten file.
        page.get_by_role("link", name="Processes").first.click()
        page.get_by_role("link", name="Record the balancing test with legitimate interests").click()  # the draft's page
        page.get_by_role("link", name="What changed").click()
        changed = page.inner_text("ul.diff-changed")
        assert "article6_basis_rule11" in changed
        assert page.locator("ul.diff-changed li").count() == 1
        page.close()

    files = saved_draft_files(f"sqlite:///{tmp_path / 'web.db'}")
    assert NEW_BASIS in files[DMN] and OLD_BASIS not in files[DMN]
    assert HOSTILE not in files[DMN]
    assert files[DMN] != original
    assert "confidence_rule2_in1" in files[DMN]


@pytest.mark.e2e
def test_an_untouched_decision_table_is_saved_as_it_was(browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path) as address:
        page = open_modeler(browser, address, height=1000)
        original = starting_text(page)
        page.select_option("#file-choice", DMN)
        page.wait_for_selector("#dmn-canvas:not([hidden]) .tjs-table")
        open_table(page, "Exemption (never a lawful basis)")
        page.select_option("#file-choice", index=0)
        assert save(page, "Looked, changed nothing").startswith("Saved")
        page.close()
    assert saved_draft_files(f"sqlite:///{tmp_path / 'web.db'}")[DMN] == original
