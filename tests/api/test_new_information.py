"""New information reopens a decided case now, over HTTP and from the case page; bad input changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from tests.api.conftest import Api
from tests.record_faces import page_text, sign_in
from tests.workflows.test_scenarios import CHILD, no_danger_concern, purpose, recorded

TESS = "tess.teacher"


def _declined(api: Api) -> str:
    """A case of tess's that was not shared and waits for its review date."""
    case = api.post("/api/cases", TESS, {"direction": "outbound_concern", "urgency": "routine",
                                         "summary": "Often hungry"}, expect=201)
    review_on = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    following = case["open_tasks"]
    for answers in (no_danger_concern("Often hungry at school", CHILD), purpose("s17", False, "Not clear yet"),
                    {"not_sharing_reasons": "No clear purpose yet", "discussed_with_requester_on": None,
                     "review_date": review_on},
                    recorded("Not shared yet.")):
        following = api.post(f"/api/tasks/{following[0]['id']}/complete", TESS, {"data": answers})["next_tasks"]
    assert following == []
    return str(case["id"])


def _open_elements(api: Api, case_id: str) -> list[str]:
    return [t["element_id"] for t in api.get(f"/api/cases/{case_id}", TESS)["open_tasks"]]


def test_new_information_through_the_api_opens_the_review_now_and_lands_in_the_record(api: Api) -> None:
    cid = _declined(api)
    for body, field in (({}, "information"), ({"information": "  "}, "information"), ({"information": 42},
                                                                                        "information")):
        assert api.post(f"/api/cases/{cid}/new-information", TESS, body, expect=422)["field"] == field
    assert _open_elements(api, cid) == [], "a refused message changes nothing"
    api.post(f"/api/cases/{cid}/new-information", "hana.visitor", {"information": "Not my case"}, expect=404)
    api.post(f"/api/cases/{cid}/new-information", "ada.auditor", {"information": "Auditors change nothing"},
             expect=403)

    reopened = api.post(f"/api/cases/{cid}/new-information", "mo.manager",
                        {"information": "Her brother says she has not eaten since Friday"})
    assert [t["element_id"] for t in reopened["open_tasks"]] == ["review_decision"]
    again = api.post(f"/api/cases/{cid}/new-information", TESS, {"information": "And more"}, expect=409)
    assert "still being decided" in again["error"]
    record = api.get(f"/api/cases/{cid}/record", TESS)
    [news] = record["new_information"]
    assert (news["given_by"], news["information"]) == ("mo.manager", "Her brother says she has not eaten since Friday")
    assert any(s["title"] == "New information" for s in record["sections"])


def test_the_case_page_offers_new_information_while_the_case_waits_for_its_review(api: Api) -> None:
    cid = _declined(api)
    browser = FlaskClient(api.client.application, use_cookies=True)
    sign_in(browser, TESS)
    page = browser.get(f"/cases/{cid}").get_data(as_text=True)
    assert "New information?" in page_text(page)
    token = _csrf(page)
    sent = browser.post(f"/cases/{cid}/new-information", data={"csrf_token": token, "information": "ab"})
    assert sent.status_code == 302 and _open_elements(api, cid) == []
    assert "3 to 4000 characters" in page_text(browser.get(f"/cases/{cid}").get_data(as_text=True))
    sent = browser.post(f"/cases/{cid}/new-information",
                        data={"csrf_token": token, "information": "A neighbour saw her locked out overnight"})
    assert sent.status_code == 302 and "/tasks/" in sent.headers["Location"], "straight to the review"
    assert _open_elements(api, cid) == ["review_decision"]
    review: Any = browser.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Review the decision" in page_text(review)
    assert "What is new A neighbour saw her locked out overnight" in page_text(review), "the reviewer reads it"


def _csrf(page: str) -> str:
    marker = 'name="csrf_token" value="'
    start = page.index(marker) + len(marker)
    return page[start:page.index('"', start)]
