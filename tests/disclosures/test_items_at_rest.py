"""The items a practitioner shares are kept sealed: a copy of the database (SQLite's file and its
write-ahead log; every column of every table on PostgreSQL) does not hold their text, a secure link's
token or the concern in words; yet the people who read them (the task's own page, a draft, the
recipient's package, the record's JSON and PDF) see every word."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.config import Config
from tests.api.conftest import Api
from tests.api.test_http_scenarios import complete, injured_baby_mother_refuses, record_of, start
from tests.at_rest import held_in_the_database
from tests.disclosures.conftest import HANA, ITEMS, LINK, OpenTask, Recipient, deliver_mail
from tests.mailserver import MailServer
from tests.record_faces import pdf_text, record_faces, squeeze
from tests.workflows.test_scenarios import chosen_items, recorded

CONCERN = "Two finger-tip bruises on the upper arm of a non-mobile baby"  # injured_baby_mother_refuses
REDACTED = "Names of the neighbours who called it in"
SECRET_ITEMS = [ITEMS[0] | {"redactions": REDACTED}, ITEMS[1]]
TEXTS = [i["summary"] for i in ITEMS] + [REDACTED, CONCERN]


def test_the_items_shared_are_sealed_in_the_database_and_read_in_full_where_people_read_them(
        api: Api, open_task: OpenTask, recipient: Callable[[], Recipient], session_factory: sessionmaker[Session],
        db_engine: Engine, link_config: Config, mail_server: MailServer) -> None:
    cid = start(api, HANA, direction="outbound_concern", urgency="same_day", summary="A baby's bruising")["id"]
    injured_baby_mother_refuses(api, open_task, cid)
    choice = chosen_items(
        "share_in_full", identifying_details_shared=["Baby Lee (the child)"], recipient_person="Duty social worker",
        recipient_role="MASH duty social worker", recipient_organisation="Northshire children's social care",
        recipient_email="mash@example.org", items=SECRET_ITEMS)

    # A draft of the sharing decision: sealed as it is kept, whole when the task is opened again.
    task = open_task(cid, "choose_what_to_share", HANA)
    api.post(f"/api/tasks/{task['id']}/draft", HANA, {"data": {"items": SECRET_ITEMS}})
    assert api.get(f"/api/tasks/{task['id']}", HANA)["draft"]["items"] == SECRET_ITEMS
    assert held_in_the_database(db_engine, TEXTS) == {}

    complete(api, open_task, cid, "choose_what_to_share", HANA, choice)
    assert api.get(f"/api/tasks/{task['id']}", HANA)["data"]["items"] == SECRET_ITEMS, "the answers read whole"
    send = open_task(cid, "send_securely", HANA)
    sent = api.post(f"/api/tasks/{send['id']}/secure-link", HANA, expect=201)
    [email] = [m for m in deliver_mail(session_factory, link_config, mail_server) if m["To"] == "mash@example.org"]
    found = LINK.search(email.get_payload(decode=True).decode())
    assert found
    token, disclosure_id = found.group(1), sent["secure_link"]["id"]

    # The recipient's package shows every item, on the page and in the PDF.
    browser = recipient()
    shown = browser.enter(token, sent["code"]).get_data(as_text=True)
    for item in SECRET_ITEMS:
        assert item["summary"].replace("'", "&#39;") in shown
    assert REDACTED in shown
    package_pdf = squeeze(pdf_text(browser.download(disclosure_id).data))
    assert all(squeeze(i["summary"]) in package_pdf for i in SECRET_ITEMS)
    assert browser.confirm(disclosure_id, "Ruth Okafor").status_code == 200
    complete(api, open_task, cid, "tell_subject", HANA, {
        "subject_informed": False, "review_date": (datetime.now(UTC).date() + timedelta(days=7)).isoformat(),
        "subject_not_informed_reason": "A strategy discussion is pending"})
    complete(api, open_task, cid, "record_decision", HANA, recorded("Shared with children's social care."))

    # The record: the disclosure log's items, every answer in words, and the PDF.
    record = record_of(api, cid, HANA)
    [entry] = record["disclosures"]
    assert [(i["summary_or_reference"], i["redactions"]) for i in entry["items"]] == [
        (i["summary"], i.get("redactions")) for i in SECRET_ITEMS]
    every_answer = " ".join(a["answer"] for a in record["decisions"][-1]["every_answer"])
    assert all(t in every_answer for t in TEXTS)
    faces = record_faces(api, cid, HANA)
    for t in TEXTS:
        assert squeeze(t) in faces.pdf and squeeze(t) in faces.sections

    # Nowhere in the database in words, nor the link's token.
    assert held_in_the_database(db_engine, [*TEXTS, token]) == {}
