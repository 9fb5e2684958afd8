"""What the recipient reads is in words: the email names the organisation, the sender by name and role,
a way to check it by phone and the expiry in UK time (and still nothing of the case); the package page
and its PDF show the purpose's title, the people's parts and the items' tags, never the stored codes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from service.accounts.models import User
from service.accounts.service import actor_of
from service.app import create_app
from service.config import Config
from service.disclosures import service as disclosures
from service.disclosures.keys import Keyring
from service.flows import secure_links
from service.notifications.models import OutboxMessage
from service.records.answers import choice_titles
from service.uktime import uk_time
from tests.api.conftest import Api
from tests.api.test_http_scenarios import complete, start
from tests.disclosures.conftest import BASE_URL, HANA, ITEMS, OpenTask, Recipient, SentLink, deliver_mail
from tests.mailserver import MailServer
from tests.record_faces import page_text, pdf_text
from tests.signed_in import sign_in_as
from tests.workflows.test_scenarios import chosen_items

FORMS = Path(__file__).resolve().parents[2] / "workflows" / "forms"
CASE_WORDS = ["bruise", "Baby Lee", "Kim Lee", "943 476", "non-accidental", "inconsistent", "Body map",
              "Duty social worker", "Northshire children's social care"]
ISO_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def name_hana(session_factory: sessionmaker[Session]) -> None:
    with session_factory.begin() as s:
        s.execute(update(User).where(User.username == HANA).values(display_name="Hana Health-Visitor"))


def purpose_title(code: str) -> str:
    """The purpose as the bundled form offers it."""
    form = json.loads((FORMS / "legitimate_purpose.json").read_text())
    return choice_titles([form])["purpose"][code]


def email_text(message: object) -> str:
    return " ".join(message.get_payload(decode=True).decode().split())  # type: ignore[attr-defined]


def test_the_email_names_the_organisation_and_the_sender_and_says_how_to_check_it(
        send_link: Callable[..., SentLink], session_factory: sessionmaker[Session]) -> None:
    name_hana(session_factory)
    sent = send_link()
    text = email_text(sent.email)
    assert "Hana Health-Visitor, practitioner at Northshire Safeguarding Partnership, has shared safeguarding " \
           "information with you" in text
    # No number of the organisation is set: the email sends them to one they already know, never its own.
    assert "call Northshire Safeguarding Partnership on a number you already know for them" in text
    assert "never on a number given in an email" in text and "ask for Hana Health-Visitor" in text
    assert not re.search(r"\d{5,}|\d{3,} \d{3,}", text.replace(sent.token, "")), "no phone number in the email"
    with session_factory() as s:
        expires_at = s.get(disclosures.SecureDisclosure, sent.disclosure_id).expires_at  # type: ignore[union-attr]
    assert f"expires at {uk_time(expires_at)}" in text and re.search(r"expires at .* (GMT|BST)\.", text)
    assert not ISO_INSTANT.search(text), "the expiry in UK time, not ISO UTC"
    assert not [w for w in [*CASE_WORDS, sent.code] if w.lower() in text.lower()], "still none of the case"


def test_the_email_gives_the_organisations_own_number_and_the_expiry_in_summer_time(
        api: Api, open_task: OpenTask, session_factory: sessionmaker[Session], link_config: Config) -> None:
    from tests.disclosures.conftest import bring_to_send_securely

    name_hana(session_factory)
    cid = bring_to_send_securely(api, open_task, recipient_email="mash@example.org", summary="Bruising on a baby")
    task = open_task(cid, "send_securely", HANA)
    summer = datetime(2027, 7, 1, 9, 0, tzinfo=UTC)
    config = replace(link_config, organisation_name="Eastshire Council", organisation_phone="0300 123 4567")
    with session_factory.begin() as s:
        sender = actor_of(s.scalars(select(User).where(User.username == HANA)).one())
        link = secure_links.send_secure_link(
            session=s, task_id=task["id"], actor=sender, keyring=Keyring.load(Path(link_config.disclosure_keys_file)),
            now=summer, lifetime=timedelta(hours=72), base_url=BASE_URL, config=config)
        expires_at = link.disclosure.expires_at
    with session_factory() as s:
        [body] = s.scalars(select(OutboxMessage.body).where(OutboxMessage.reason == "secure_link")).all()
    text = " ".join((body or "").split())
    assert "Hana Health-Visitor, practitioner at Eastshire Council, has shared" in text
    assert "call Eastshire Council on 0300 123 4567 (or on a number you already have for them)" in text
    assert uk_time(expires_at).endswith("BST") and f"expires at {uk_time(expires_at)}" in text
    assert not ISO_INSTANT.search(text) and not [w for w in CASE_WORDS if w.lower() in text.lower()]


def test_the_web_page_sends_with_the_services_own_settings(
        api: Api, open_task: OpenTask, session_factory: sessionmaker[Session], link_config: Config,
        mail_server: MailServer) -> None:
    from tests.disclosures.conftest import bring_to_send_securely

    name_hana(session_factory)
    config = replace(link_config, organisation_name="Eastshire Council", organisation_phone="0300 123 4567")
    app = create_app(config)
    cid = bring_to_send_securely(api, open_task, recipient_email="mash@example.org", summary="Bruising on a baby")
    task = open_task(cid, "send_securely", HANA)
    client = app.test_client()
    sign_in_as(client, HANA, csrf="t")
    assert client.post(f"/tasks/{task['id']}/secure-link", data={"csrf_token": "t"}).status_code == 200
    [email] = [m for m in deliver_mail(session_factory, config, mail_server) if m["To"] == "mash@example.org"]
    text = email_text(email)
    assert "at Eastshire Council, has shared" in text and "0300 123 4567" in text


def send_with_a_parent(api: Api, open_task: OpenTask, session_factory: sessionmaker[Session], link_config: Config,
                       mail_server: MailServer) -> SentLink:
    """Scenario 2, sharing the baby's and the mother's names, one item reported by someone else, historical."""
    from tests.api.test_http_scenarios import injured_baby_mother_refuses
    from tests.disclosures.conftest import LINK

    cid = str(start(api, HANA, direction="outbound_concern", urgency="same_day", summary="Bruising")["id"])
    injured_baby_mother_refuses(api, open_task, cid)
    items = [*ITEMS, {"summary": "A neighbour heard shouting last winter", "nature": "reported_by_third_party",
                      "currency": "historical", "accuracy_checked": True}]
    complete(api, open_task, cid, "choose_what_to_share", HANA, chosen_items(
        "share_in_full", identifying_details_shared=["Baby Lee (the child)", "Kim Lee (parent or carer)"],
        recipient_person="Duty social worker", recipient_role="MASH duty social worker",
        recipient_organisation="Northshire children's social care", recipient_email="mash@example.org",
        items=items))
    task = open_task(cid, "send_securely", HANA)
    sent = api.post(f"/api/tasks/{task['id']}/secure-link", HANA, expect=201)
    [email] = [m for m in deliver_mail(session_factory, link_config, mail_server) if m["To"] == "mash@example.org"]
    found = LINK.search(email.get_payload(decode=True).decode())
    assert found
    return SentLink(case_id=cid, disclosure_id=sent["secure_link"]["id"], code=sent["code"], token=found.group(1),
                    email=email)


def test_the_package_page_and_its_pdf_read_titles_not_codes(
        api: Api, open_task: OpenTask, recipient: Callable[[], Recipient], session_factory: sessionmaker[Session],
        link_config: Config, mail_server: MailServer) -> None:
    name_hana(session_factory)
    sent = send_with_a_parent(api, open_task, session_factory, link_config, mail_server)
    browser = recipient()
    opened = browser.enter(sent.token, sent.code)
    assert opened.status_code == 200
    page = page_text(opened.get_data(as_text=True))
    pdf = pdf_text(browser.download(sent.disclosure_id).data)

    title = purpose_title("s47")
    for face, text in (("page", page), ("PDF", pdf)):
        assert title in text, face
        assert "children's social care must assess today" in text, f"{face}: why, in the practitioner's words"
        assert "Baby Lee (the child)" in text and "Kim Lee (parent or carer)" in text, face
        assert "Reported by someone else · historical · accuracy checked" in text, face
        assert "Professional opinion · current · accuracy checked" in text, face
        assert "Hana Health-Visitor, practitioner" in text, f"{face}: the sender by name and role"
        for code in ("s47:", "s47 ", "parent carer", "parent_carer", "reported_by_third_party",
                     "reported by third party", "hana.visitor", "(child)"):
            assert code not in text, f"{face} shows the code {code!r}"
