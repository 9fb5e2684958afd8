"""A refused draft says which element is at fault by the name its process owner gave it, with the id in
brackets, and never by a bare id when the element has a name."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.processes.test_drafts import edited, with_manager_timer
from tests.processes.test_policy import _by_id, drop_property

DRAFTS = "/api/processes/information_sharing/drafts"


def refused(api: Api, bpmn: str) -> Any:
    return api.post(DRAFTS, "pat.owner", {"bpmn": bpmn, "change_note": "A change"}, expect=422)


def test_a_step_is_named_by_its_name_and_its_id(owners: Api) -> None:
    answer = refused(owners, edited(drop_property("consider_consent", "formJsonSchemaFilename")))
    message = "Step 'Is consent the right basis, and do you have it?' (consider_consent) has no form"
    assert answer["error"] == f"the draft was refused: {message}"
    [problem] = answer["problems"]
    assert problem == {"message": message, "element_id": "consider_consent", "file": "information_sharing.bpmn"}


def test_a_message_naming_nothing_is_said_with_its_elements_name(owners: Api) -> None:
    answer = refused(owners, with_manager_timer("in_working_days(1"))
    assert answer["error"].startswith("the draft was refused: 'Advice overdue' (manager_overdue): Line 1: "), answer
    assert answer["problems"][0]["element_id"] == "manager_overdue"
    assert answer["problems"][0]["message"].startswith("Line 1: SyntaxError")


def test_an_element_without_a_name_is_named_by_its_id(owners: Api) -> None:
    def unnamed_without_form(root: Any) -> None:
        drop_property("consider_consent", "formJsonSchemaFilename")(root)
        _by_id(root, "consider_consent").attrib.pop("name")

    answer = refused(owners, edited(unnamed_without_form))
    assert answer["error"] == "the draft was refused: Step consider_consent has no form"
