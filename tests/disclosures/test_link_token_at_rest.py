"""A secure link's token is never in the database in words: not in the outbox while the email waits,
not after it is sent, not in SQLite's file or its write-ahead log; the email still carries the link,
and the link opens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.config import Config
from tests.api.conftest import Api
from tests.at_rest import database_copy, found_in, held_in_the_database
from tests.disclosures.conftest import HANA, LINK, OpenTask, Recipient, bring_to_send_securely, deliver_mail
from tests.mailserver import MailServer


def test_the_token_is_in_no_outbox_row_and_no_database_file_before_or_after_the_email_is_sent(
        api: Api, open_task: OpenTask, recipient: Callable[[], Recipient], session_factory: sessionmaker[Session],
        db_engine: Engine, link_config: Config, mail_server: MailServer) -> None:
    cid = bring_to_send_securely(api, open_task, recipient_email="mash@example.org", summary="A baby's bruising")
    task = open_task(cid, "send_securely", HANA)
    api.post(f"/api/tasks/{task['id']}/secure-link", HANA, expect=201)
    waiting = database_copy(db_engine)  # the email queued, not yet sent

    [email] = [m for m in deliver_mail(session_factory, link_config, mail_server) if m["To"] == "mash@example.org"]
    found = LINK.search(email.get_payload(decode=True).decode())
    assert found, "the email carries the link"
    token = found.group(1)
    if db_engine.dialect.name == "sqlite":
        wal = Path(str(db_engine.url.database) + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0, "the log is emptied once the email's body is removed"
    assert recipient().open(token).status_code == 200, "and the link opens"

    assert found_in(waiting, [token]) == {}, "the queued email's token was in the database"
    assert held_in_the_database(db_engine, [token]) == {}, "the sent email's token is in the database"
    with db_engine.connect() as conn:
        rows = conn.execute(text("SELECT CAST(body AS TEXT), subject, link_path FROM outbox_message")).all()
    assert rows and not [row for row in rows if token in " ".join(str(value) for value in row)]
