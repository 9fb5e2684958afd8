"""A case brought to "Send securely" through the HTTP API, a secure link sent from it, and the
recipient's side driven through their own browser session (a separate test client, no account)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.app import create_app
from service.config import Config
from service.disclosures.keys import write_new_key_file
from service.notifications.delivery import SmtpSender, deliver_due
from tests.api.conftest import Api, api, open_task, seed_process_and_accounts
from tests.api.test_http_scenarios import complete, injured_baby_mother_refuses, start
from tests.mailserver import MailServer
from tests.workflows.test_scenarios import chosen_items

__all__ = ["api", "open_task"]  # the API tests' fixtures, used here too
BASE_URL = "http://127.0.0.1:8000"
HANA = "hana.visitor"
ITEMS = [{"summary": "Body map and description of two bruises", "nature": "fact", "currency": "current",
          "accuracy_checked": True, "period_covered": "Visit on 24 November"},
         {"summary": "My view: the explanation is inconsistent with the injury", "nature": "opinion",
          "currency": "current", "accuracy_checked": True}]
LINK = re.compile(r"http://127\.0\.0\.1:8000/shared/([A-Za-z0-9_\-]+)")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

OpenTask = Callable[[str, str, str], dict[str, Any]]


@pytest.fixture
def link_config(db_engine: Engine, tmp_path: Path, mail_server: MailServer) -> Config:
    keys = tmp_path / "keys"
    write_new_key_file(keys)
    return Config(database_url=db_engine.url.render_as_string(hide_password=False), testing=True,
                  disclosure_keys_file=str(keys), code_retry_seconds=0, smtp_url=mail_server.url, base_url=BASE_URL)


@pytest.fixture
def app(session_factory: sessionmaker[Session], link_config: Config) -> Iterator[Flask]:
    """The app over the test database (accounts and the shipped process seeded), sending mail to the test server."""
    seed_process_and_accounts(session_factory)
    yield create_app(link_config)


@dataclass
class Recipient:
    """A recipient's browser: no account, only the link from the email and the code from the phone."""

    client: FlaskClient

    def open(self, token: str) -> Any:
        return self.client.get(f"/shared/{token}")

    def _csrf(self, token: str) -> str:
        page = self.client.get(f"/shared/{token}").get_data(as_text=True)
        found = CSRF.search(page)
        if found:
            return found.group(1)
        with self.client.session_transaction() as session:  # the link refuses; post anyway with a token
            session.setdefault("csrf", "recipient-test")
            return str(session["csrf"])

    def enter(self, token: str, code: str) -> Any:
        """Post the code: the right one redirects to the package page, which this follows (refusals do not redirect)."""
        return self.client.post(f"/shared/{token}", data={"code": code, "csrf_token": self._csrf(token)},
                                follow_redirects=True)

    def reload(self, disclosure_id: str) -> Any:
        """The package page again, as a reload (or a return to it) in this browser."""
        return self.client.get(f"/shared/package/{disclosure_id}")

    def download(self, disclosure_id: str) -> Any:
        return self.client.get(f"/shared/package/{disclosure_id}.pdf")

    def confirm(self, disclosure_id: str, name: str) -> Any:
        with self.client.session_transaction() as session:
            csrf = str(session.get("csrf", ""))
        return self.client.post(f"/shared/package/{disclosure_id}/receipt",
                                data={"received_by": name, "csrf_token": csrf})


@pytest.fixture
def recipient(app: Flask) -> Callable[[], Recipient]:
    return lambda: Recipient(app.test_client())


@dataclass
class SentLink:
    case_id: str
    disclosure_id: str
    code: str
    token: str
    email: Any


def bring_to_send_securely(api: Api, open_task: OpenTask, *, recipient_email: str, summary: str) -> str:
    """Scenario 2 up to "Send securely": an injured baby, the mother refused consent, a lawful reason to share."""
    case = start(api, HANA, direction="outbound_concern", urgency="same_day", summary=summary)
    cid = case["id"]
    injured_baby_mother_refuses(api, open_task, cid)
    complete(api, open_task, cid, "choose_what_to_share", HANA, chosen_items(
        "share_in_full", identifying_details_shared=["Baby Lee (the child)", "Baby Lee: NHS 943 476 5919"],
        recipient_person="Duty social worker", recipient_role="MASH duty social worker",
        recipient_organisation="Northshire children's social care", recipient_email=recipient_email,
        items=ITEMS) | {"onward_sharing_restrictions": "Not to be shared with the family without asking us first"})
    return str(cid)


def deliver_mail(session_factory: sessionmaker[Session], config: Config, mail_server: MailServer) -> list[Any]:
    before = len(mail_server.inbox.messages)
    deliver_due(sessions=session_factory, config=config, sender=SmtpSender(mail_server.url), now=datetime.now(UTC))
    return mail_server.inbox.messages[before:]


@pytest.fixture
def send_link(api: Api, open_task: OpenTask, session_factory: sessionmaker[Session], link_config: Config,
              mail_server: MailServer) -> Callable[..., SentLink]:
    def send(recipient_email: str = "mash@example.org", summary: str = "Unexplained bruising on a baby") -> SentLink:
        cid = bring_to_send_securely(api, open_task, recipient_email=recipient_email, summary=summary)
        task = open_task(cid, "send_securely", HANA)
        sent = api.post(f"/api/tasks/{task['id']}/secure-link", HANA, expect=201)
        [email] = [m for m in deliver_mail(session_factory, link_config, mail_server) if m["To"] == recipient_email]
        found = LINK.search(email.get_payload(decode=True).decode())
        assert found, email.get_payload(decode=True)
        return SentLink(case_id=cid, disclosure_id=sent["secure_link"]["id"], code=sent["code"], token=found.group(1),
                        email=email)
    return send
