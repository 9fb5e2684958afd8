"""Forms as questions in the modeler: a process owner adds a choice question with two options and a hint to
an existing form, makes it required and moves it up, and the saved draft's form holds it as JSON Schema
(oneOf with titles, maxLength, required); a new form is made from its title, given a question shown only
after a yes, and given to a new step for a person; the save is accepted and the draft holds the form, in
the shape the task pages show and hide (``allOf`` of ``if``/``then``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from service.db import make_engine, make_session_factory
from service.tasks.models import HumanTask, TaskStatus
from service.web.forms import conditions, fields_for
from tests.e2e.test_accessibility import violations
from tests.e2e.test_decision_table_browser import saved_draft_files
from tests.e2e.test_modeler_browser import open_modeler, save
from tests.e2e.test_recipient_browser import start_and_complete
from tests.e2e.test_web_journeys import SHOTS, serving, sign_in

FORM = "forms/record_decision.json"


def keys(page: Any, selector: str = "#form-builder ol.fb-list > li.fb-question") -> list[str]:
    return list(page.eval_on_selector_all(selector, "items => items.map((i) => i.dataset.key)"))


def leave(box: Any, text: str) -> None:
    """Type into a box and leave it (a change is kept when the box is left)."""
    box.fill(text)
    box.press("Tab")


@pytest.mark.e2e
def test_a_choice_question_is_added_to_a_form_moved_up_and_saved(browser: Any, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.select_option("#file-choice", FORM)
        builder = page.locator("#form-builder")
        title = "Record the decision and reasons"
        expect(builder.get_by_role("heading", name=f"The questions of “{title}”")).to_be_visible()
        before = keys(page)
        assert before == ["decision_summary", "accuracy_confirmed", "retention_rule"]
        expect(page.locator("#file-text")).to_be_hidden()  # the JSON is for experts, one tick away
        expect(builder.get_by_label("Edit as JSON (for experts)")).not_to_be_checked()

        builder.get_by_role("button", name="Add a question", exact=True).click()
        new = builder.get_by_role("group", name="A new question")
        new.get_by_label("The question").fill("How was the decision recorded?")
        new.get_by_label("Kind of answer").select_option(label="A choice from a list")
        new.get_by_role("button", name="Add the question").click()
        key = "how_was_the_decision_recorded"
        assert keys(page) == [*before, key], "the key is made from the question's words"

        editor = builder.get_by_role("group", name="Change the question “How was the decision recorded?”")
        expect(editor).to_be_visible()
        leave(editor.get_by_label("Hint (optional)"), "Choose how the decision was written down.")
        leave(editor.get_by_label("Option 1: the words people see"), "In the case file")
        leave(editor.get_by_label("Option 2: the words people see"), "In a letter")
        expect(editor.get_by_label("Option 2: kept in the record as")).to_have_value("in_a_letter")
        editor.get_by_label("It must be answered").check()
        item = builder.locator(f"li.fb-question[data-key='{key}']")
        expect(item.locator(".fb-meta")).to_have_text("A choice of 2: In the case file, In a letter; must be answered")
        builder.get_by_role("button", name="Move up: How was the decision recorded?").click()
        assert keys(page) == ["decision_summary", "accuracy_confirmed", key, "retention_rule"]
        expect(builder.get_by_role("button", name="Move up: How was the decision recorded?")).to_be_focused()
        expect(page.locator("#form-builder [role=status]")).to_contain_text("it is now question 3")
        page.screenshot(path=str(SHOTS / "form-builder-question-1400.png"), full_page=True)
        assert violations(page) == []

        # The JSON box holds what the builder wrote; a mistake typed there is said in plain words.
        builder.get_by_label("Edit as JSON (for experts)").check()
        expect(page.locator("#file-text")).to_be_visible()
        good = page.input_value("#file-text")
        assert json.loads(good)["properties"][key]["title"] == "How was the decision recorded?"
        page.fill("#file-text", good.replace(f'"title": "{title}"', f'"title": "{title}"  oops'))
        expect(builder.locator(".fb-problem")).to_contain_text("JSON has a mistake (there is a mistake on line 3")
        builder.get_by_role("button", name="Go back to the last correct version").click()
        assert page.input_value("#file-text") == good
        assert keys(page) == ["decision_summary", "accuracy_confirmed", key, "retention_rule"]
        builder.get_by_label("Edit as JSON (for experts)").uncheck()

        status = save(page, "Say how the decision was recorded")
        assert status.startswith("Saved"), page.inner_text("#problems")
        assert errors == []
        page.close()
    form = json.loads(saved_draft_files(f"sqlite:///{tmp_path / 'web.db'}")[FORM])
    assert list(form["properties"]) == ["decision_summary", "accuracy_confirmed", key, "retention_rule"]
    question = form["properties"][key]
    assert question == {
        "title": "How was the decision recorded?", "type": "string", "maxLength": 200,
        "oneOf": [{"const": "in_the_case_file", "title": "In the case file"},
                  {"const": "in_a_letter", "title": "In a letter"}],
        "description": "Choose how the decision was written down."}
    assert key in form["required"]
    shown = {f.name: f for f in fields_for(form)}[key]  # as the task page shows it
    assert (shown.kind, shown.required) == ("choice", True)
    assert shown.choices == [("in_the_case_file", "In the case file"), ("in_a_letter", "In a letter")]


@pytest.mark.e2e
@pytest.mark.parametrize("width,height", [(1400, 950), (820, 1180)])
def test_a_new_form_with_a_follow_up_question_is_given_to_a_new_step(browser: Any, tmp_path: Path,
                                                                     width: int, height: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serving(tmp_path) as address:
        page = open_modeler(browser, address, width=width, height=height)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        builder = page.locator("#form-builder")
        builder.get_by_role("button", name="New form").click()
        made = builder.get_by_role("group", name="A new form")
        made.get_by_role("button", name="Make the form").click()
        expect(made.get_by_role("alert")).to_have_text("Give what the form is called and its first question.")
        made.get_by_label("What the form is called").fill("Check the safety plan")
        made.get_by_label("Its first question").fill("Is there a safety plan?")
        made.get_by_role("button", name="Make the form").click()
        expect(page.locator("#file-choice")).to_have_value("forms/check_the_safety_plan.json")
        first = builder.get_by_role("group", name="Change the question “Is there a safety plan?”")
        expect(first.get_by_label("Kind of answer")).to_be_focused()
        first.get_by_label("Kind of answer").select_option(label="Yes or no")

        builder.get_by_role("button", name="Add a question", exact=True).click()
        new = builder.get_by_role("group", name="A new question")
        new.get_by_label("The question").fill("What does the plan say?")
        new.get_by_label("Kind of answer").select_option(label="Long text (a box for paragraphs)")
        new.get_by_role("button", name="Add the question").click()
        follow = builder.get_by_role("group", name="Change the question “What does the plan say?”")
        follow.get_by_label("When is it shown?").select_option(
            label="Only after an answer to “Is there a safety plan?”")
        expect(follow.get_by_label("Which answer shows it")).to_have_value("0")  # Yes
        item = builder.locator("li.fb-question[data-key='what_does_the_plan_say']")
        expect(item.locator(".fb-meta")).to_have_text(
            "Long text; shown only when “Is there a safety plan?” is “Yes”, then needed")
        page.screenshot(path=str(SHOTS / f"form-builder-new-form-{width}.png"), full_page=True)
        assert violations(page) == []

        # The new form is offered to a new step for a person.
        page.locator(".djs-palette .entry[data-action='create.person-step']").click()
        dialog = page.get_by_role("dialog", name="A step for a person")
        dialog.get_by_label("What the step is called").fill("Check the safety plan")
        dialog.get_by_label("Who does it").select_option(label="Manager")
        dialog.get_by_label("Its form").select_option("check_the_safety_plan.json")
        dialog.get_by_role("button", name="Add the step").click()
        expect(page.locator("#prop-form")).to_have_value("check_the_safety_plan.json")
        status = save(page, "A manager checks the safety plan, on its own form")
        assert status.startswith("Saved"), page.inner_text("#problems")
        assert errors == []
        page.close()
    files = saved_draft_files(f"sqlite:///{tmp_path / 'web.db'}")
    form = json.loads(files["forms/check_the_safety_plan.json"])
    assert form["title"] == "Check the safety plan" and form["type"] == "object"
    assert form["properties"] == {
        "is_there_a_safety_plan": {"title": "Is there a safety plan?", "type": "boolean"},
        "what_does_the_plan_say": {"title": "What does the plan say?", "type": "string", "maxLength": 4000}}
    assert form["required"] == ["is_there_a_safety_plan"]
    # The task page reads this as: the follow-up shows (and is needed) only after a yes.
    assert conditions(form) == {"what_does_the_plan_say": [("is_there_a_safety_plan", True)]}
    assert 'value="check_the_safety_plan.json"' in next(t for n, t in files.items() if n.endswith(".bpmn"))


def open_task(database_url: str, case_id: str, element_id: str) -> str:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as s:
            return str(s.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id,
                                                            HumanTask.element_id == element_id,
                                                            HumanTask.state == TaskStatus.OPEN)).one())
    finally:
        engine.dispose()


@pytest.mark.e2e
def test_a_follow_up_question_made_in_the_builder_shows_on_the_task_page_only_after_its_answer(
        browser: Any, tmp_path: Path) -> None:
    with serving(tmp_path) as address:
        database_url = f"sqlite:///{tmp_path / 'web.db'}"
        page = open_modeler(browser, address)
        page.select_option("#file-choice", "forms/describe_concern.json")
        builder = page.locator("#form-builder")
        for words, kind in (("Has the child said anything about it?", "Yes or no"),
                            ("What did the child say?", "Short text (one line)")):
            builder.get_by_role("button", name="Add a question", exact=True).click()
            new = builder.get_by_role("group", name="A new question")
            new.get_by_label("The question").fill(words)
            new.get_by_label("Kind of answer").select_option(label=kind)
            new.get_by_role("button", name="Add the question").click()
        follow = builder.get_by_role("group", name="Change the question “What did the child say?”")
        follow.get_by_label("When is it shown?").select_option(
            label="Only after an answer to “Has the child said anything about it?”")
        assert save(page, "Ask what the child said").startswith("Saved"), page.inner_text("#problems")

        # Submitted by Pat, approved and published by Olu (four eyes).
        page.get_by_role("link", name="Processes").first.click()
        page.get_by_role("link", name="Ask what the child said").click()
        page.get_by_role("button", name="Submit for approval").click()
        page.get_by_role("button", name="Sign out").click()
        sign_in(page, address, "olu.owner")
        page.get_by_role("link", name="Ask what the child said").first.click()
        page.get_by_label("Why you approve it").fill("The follow-up only shows after a yes")
        page.get_by_role("button", name="Approve").click()
        page.get_by_role("link", name="Publish…").click()
        page.get_by_role("button", name="Publish version 2").click()
        assert "Published version 2" in page.inner_text("[role=status]")
        page.get_by_role("button", name="Sign out").click()

        case_id = start_and_complete(database_url, "tess.teacher", [])
        sign_in(page, address, "tess.teacher")
        page.goto(f"{address}/tasks/{open_task(database_url, case_id, 'describe_concern')}")
        asked = page.locator("#field-has_the_child_said_anything_about_it")
        follow_up = page.locator("#field-what_did_the_child_say")
        expect(asked).to_be_visible()
        expect(follow_up).to_be_hidden()
        asked.get_by_label("No").check()
        expect(follow_up).to_be_hidden()
        asked.get_by_label("Yes").check()
        expect(follow_up).to_be_visible()
        expect(follow_up.get_by_label("What did the child say?")).to_be_visible()
        page.screenshot(path=str(SHOTS / "form-builder-follow-up-on-the-task-page.png"), full_page=True)
        page.close()


@pytest.mark.e2e
def test_a_list_of_entries_with_its_own_questions_in_a_form_no_step_uses_yet_is_saved(browser: Any,
                                                                                     tmp_path: Path) -> None:
    with serving(tmp_path) as address:
        page = open_modeler(browser, address)
        builder = page.locator("#form-builder")
        builder.get_by_role("button", name="New form").click()
        made = builder.get_by_role("group", name="A new form")
        made.get_by_label("What the form is called").fill("Who was told")
        made.get_by_label("Its first question").fill("Who was told?")
        made.get_by_label("Its first question").press("Enter")  # the keyboard makes it too
        expect(page.locator("#file-choice")).to_have_value("forms/who_was_told.json")
        expect(page.locator("#prop-form option[value='who_was_told.json']")).to_have_count(1)
        expect(page.locator("#person-form-file option[value='who_was_told.json']")).to_have_count(1)
        editor = builder.get_by_role("group", name="Change the question “Who was told?”")
        editor.get_by_label("Kind of answer").select_option(label="A list of entries (for example people)")
        leave(editor.get_by_label("What one entry is called"), "Person")
        expect(editor.get_by_role("heading", name="The questions of each person")).to_be_visible()
        editor.get_by_role("button", name="Add a question to each entry").click()
        new = editor.get_by_role("group", name="A new question for each entry")
        new.get_by_label("The question").fill("Their role")
        new.get_by_label("Kind of answer").select_option(label="A choice from a list")
        new.get_by_role("button", name="Add the question").click()
        role = builder.get_by_role("group", name="Change the question “Their role”")
        leave(role.get_by_label("Option 1: the words people see"), "A parent or carer")
        leave(role.get_by_label("Option 2: the words people see"), "A teacher")
        role.get_by_label("It must be answered").check()
        page.screenshot(path=str(SHOTS / "form-builder-entries.png"), full_page=True)
        assert violations(page) == []

        # A follow-up waits for a yes; when its question stops being yes / no, the follow-up is always shown.
        for words, kind in (("Was anyone else told?", "Yes or no"), ("Who else?", "Short text (one line)")):
            builder.get_by_role("button", name="Add a question", exact=True).click()
            new = builder.get_by_role("group", name="A new question")
            new.get_by_label("The question").fill(words)
            new.get_by_label("Kind of answer").select_option(label=kind)
            new.get_by_label("The question").press("Enter")
        builder.get_by_role("group", name="Change the question “Who else?”").get_by_label(
            "When is it shown?").select_option(label="Only after an answer to “Was anyone else told?”")
        builder.get_by_role("button", name="Change: Was anyone else told?").click()
        builder.get_by_role("group", name="Change the question “Was anyone else told?”").get_by_label(
            "Kind of answer").select_option(label="A choice from a list")
        expect(page.locator("#form-builder [role=status]")).to_contain_text("now always shown")
        expect(builder.locator("li.fb-question[data-key='who_else'] .fb-meta")).to_have_text("Short text; optional")
        status = save(page, "A form for who was told, not given to a step yet")
        assert status.startswith("Saved"), page.inner_text("#problems")
        page.close()
    form = json.loads(saved_draft_files(f"sqlite:///{tmp_path / 'web.db'}")["forms/who_was_told.json"])
    items = form["properties"]["who_was_told"]["items"]
    assert items["title"] == "Person" and list(items["properties"]) == ["name", "their_role"]
    assert items["properties"]["their_role"]["oneOf"] == [{"const": "a_parent_or_carer", "title": "A parent or carer"},
                                                        {"const": "a_teacher", "title": "A teacher"}]
    assert items["properties"]["their_role"]["maxLength"] == 200 and items["required"] == ["name", "their_role"]
    shown = fields_for(form)[0]
    assert shown.kind == "rows" and [c.kind for c in shown.columns] == ["text", "choice"]
    assert "allOf" not in form and conditions(form) == {}
