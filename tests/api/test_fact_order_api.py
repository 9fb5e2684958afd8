"""A draft whose condition reads a fact before any step has given it is refused when it is saved (422, the
element and both steps in words), and nothing is stored; a step a loop brings the case back to may read
what the earlier round gave."""

from __future__ import annotations

from lxml import etree
from sqlalchemy.orm import Session, sessionmaker

from tests.api.conftest import Api
from tests.api.test_process_names_api import problem_at
from tests.api.test_processes_api import save, stored
from tests.processes.test_drafts import edited
from tests.processes.test_policy import _by_id

REQUEST_CHECK = 'direction == "inbound_request" and not purpose_clear'


def read_purpose_before_it_is_asked(root: etree._Element) -> None:
    """'Asked by someone else?' reads whether the purpose is clear, which 'Is there a clear legitimate
    purpose?' answers later."""
    [condition] = _by_id(root, "f_inbound").iter("{*}conditionExpression")
    condition.text = REQUEST_CHECK


def reconsider_from_the_purpose(root: etree._Element) -> None:
    """The review's 'Reconsider' goes back to the purpose question, not to the very beginning: no loop then
    brings a case back to 'Asked by someone else?'."""
    reconsider = _by_id(root, "f_reconsider")
    first, purpose = _by_id(root, str(reconsider.get("targetRef"))), _by_id(root, "gw_purpose_merge")
    [incoming] = [element for element in first.findall("{*}incoming") if element.text == "f_reconsider"]
    first.remove(incoming)
    purpose.find("{*}outgoing").addprevious(incoming)  # type: ignore[union-attr]
    reconsider.set("targetRef", "gw_purpose_merge")


def test_a_condition_reading_a_fact_no_step_has_given_yet_is_refused_and_nothing_stored(
        owners: Api, session_factory: sessionmaker[Session]) -> None:
    before = stored(session_factory)

    def change(root: etree._Element) -> None:
        reconsider_from_the_purpose(root)
        read_purpose_before_it_is_asked(root)

    refused = save(owners, edited(change), expect=422)
    assert refused["error"].startswith("the draft was refused")
    problem = problem_at(refused, "f_inbound")
    assert problem["message"] == (
        "Condition on the flow 'Asked by someone else?' → 'Verify the requester' (f_inbound) reads purpose_clear, "
        "which is answered only at 'Is there a clear legitimate purpose?' (check_purpose), after this point in "
        "the process")
    assert problem["file"].endswith(".bpmn")
    assert [p for p in refused["problems"] if p["element_id"] != "f_inbound"] == [], "only that condition"
    assert stored(session_factory) == before, "nothing stored"
    # moving the loop alone is a correct draft
    assert save(owners, edited(reconsider_from_the_purpose), expect=201)["status"] == "submitted"


def test_a_step_a_loop_comes_back_to_may_read_what_the_earlier_round_gave(owners: Api) -> None:
    # the shipped review's 'Reconsider' starts the case again, by when the purpose question was answered
    assert save(owners, edited(read_purpose_before_it_is_asked), expect=201)["status"] == "submitted"
