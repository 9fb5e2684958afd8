"""The letter to the person over HTTP: who may download it, when there is one, and telling by email."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from service.notifications.models import OutboxMessage
from service.records.models import AuditEvent
from tests.api.conftest import Api
from tests.api.test_http_scenarios import OpenTask, complete, confirm_receipt, day, start
from tests.api.test_web_pages import _sign_in
from tests.record_faces import pdf_text
from tests.workflows.test_scenarios import (
    CHILD,
    CONSENT_GIVEN,
    PARENT,
    SENT,
    chosen_items,
    information,
    no_danger_concern,
    purpose,
)

TESS = "tess.teacher"


def to_sending(api: Api, open_task: OpenTask) -> str:
    """Scenario 1 over HTTP, up to "Send securely"; returns the case id."""
    cid = start(api, TESS, direction="outbound_concern", urgency="routine", summary="Young carer")["id"]
    complete(api, open_task, cid, "describe_concern", TESS, no_danger_concern("Caring most evenings", CHILD, PARENT))
    complete(api, open_task, cid, "check_purpose", TESS, purpose("early_help", True, "An early help assessment"))
    complete(api, open_task, cid, "check_information", TESS, information())
    complete(api, open_task, cid, "consider_consent", TESS, CONSENT_GIVEN | {"consent_date": day()})
    complete(api, open_task, cid, "choose_what_to_share", TESS, chosen_items())
    return cid


def letter_reads(session_factory: sessionmaker[Session], case_id: str) -> int:
    with session_factory() as s:
        return len(s.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                      AuditEvent.action == "letter_read")).all())


def test_the_letter_downloads_for_those_who_may_read_the_case_once_something_is_shared(
    api: Api, open_task: OpenTask, session_factory: sessionmaker[Session]
) -> None:
    cid = to_sending(api, open_task)
    early = api.call("GET", f"/api/cases/{cid}/letter.pdf", TESS, expect=404).get_json()
    assert "nothing has been shared" in early["error"]

    complete(api, open_task, cid, "send_securely", TESS, SENT)
    confirm_receipt(api, cid, TESS, "Alex Reed")
    complete(api, open_task, cid, "tell_subject", TESS, {
        "subject_informed": True, "subject_informed_who": "Jo Carter", "subject_informed_when": day(),
        "subject_informed_how": "letter"})
    download = api.call("GET", f"/api/cases/{cid}/letter.pdf", TESS, expect=200)
    assert download.mimetype == "application/pdf" and "Dear Jo Carter," in pdf_text(download.data)
    assert "letter-ISD-" in download.headers["Content-Disposition"]
    assert "Your rights" in pdf_text(api.call("GET", f"/api/cases/{cid}/letter.pdf", "mo.manager", expect=200).data)
    assert letter_reads(session_factory, cid) == 2, "each read of the letter is an audit event"

    hidden = api.call("GET", f"/api/cases/{cid}/letter.pdf", "sue.manager", expect=404).get_json()
    assert hidden["error"] == f"no case {cid}", "another team's case does not exist for them"
    api.call("GET", f"/api/cases/{cid}/letter.pdf", "hana.visitor", expect=404)
    api.call("GET", f"/api/cases/{cid}/letter.pdf", "pat.owner", expect=403)
    api.call("GET", f"/api/cases/{cid}/letter.pdf", expect=401)
    assert letter_reads(session_factory, cid) == 2
    timeline = api.get(f"/api/cases/{cid}", TESS)["timeline"]
    assert "letter_read" not in {e["action"] for e in timeline}, "reads stay off the timeline, like the record's"


def test_telling_by_email_needs_an_address_and_then_queues_the_letter(
    api: Api, open_task: OpenTask, session_factory: sessionmaker[Session]
) -> None:
    cid = to_sending(api, open_task)
    complete(api, open_task, cid, "send_securely", TESS, SENT)
    confirm_receipt(api, cid, TESS, "Alex Reed")
    task = open_task(cid, "tell_subject", TESS)
    answers: dict[str, Any] = {"subject_informed": True, "subject_informed_who": "Jo Carter",
                               "subject_informed_when": day(), "subject_informed_how": "email"}
    refused = api.post(f"/api/tasks/{task['id']}/complete", TESS, {"data": answers}, expect=422)
    assert refused["field"] == "subject_email"
    assert open_task(cid, "tell_subject", TESS)["state"] == "open"

    api.post(f"/api/tasks/{task['id']}/complete", TESS, {"data": answers | {"subject_email": "jo@example.org"}})
    with session_factory() as s:
        queued = s.scalars(select(OutboxMessage).where(OutboxMessage.case_id == cid,
                                                       OutboxMessage.reason == "letter_to_subject")).all()
        assert [(m.recipient_address, "Dear Jo Carter," in (m.body or "")) for m in queued] == [
            ("jo@example.org", True)]


def test_the_case_page_offers_the_letter_once_something_is_shared(api: Api, open_task: OpenTask) -> None:
    cid = to_sending(api, open_task)
    client = api.client
    _sign_in(client, TESS)
    assert "Letter to the person (PDF)" not in client.get(f"/cases/{cid}").get_data(as_text=True)
    assert client.get(f"/cases/{cid}/letter.pdf").status_code == 404

    complete(api, open_task, cid, "send_securely", TESS, SENT)
    page = client.get(f"/cases/{cid}").get_data(as_text=True)
    assert f'href="/cases/{cid}/letter.pdf">Letter to the person (PDF)</a>' in page
    download = client.get(f"/cases/{cid}/letter.pdf")
    assert download.status_code == 200 and "we shared this with Alex Reed" in pdf_text(download.data)
    _sign_in(client, "hana.visitor")
    assert client.get(f"/cases/{cid}/letter.pdf").status_code == 404
