"""Rotating the master key seals every stored value again under the new key (so the old one can go),
and seals what an earlier version of the service kept in words."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.__main__ import main
from service.config import Config
from service.disclosures.keys import Keyring, new_key_line
from service.resealing import reseal_all
from service.sealing import use_keyring
from tests.api.conftest import Api
from tests.at_rest import held_in_the_database
from tests.disclosures.conftest import HANA, ITEMS, OpenTask, SentLink


def test_after_a_rotation_every_value_opens_with_the_new_key_alone(
        api: Api, open_task: OpenTask, send_link: Callable[..., SentLink], session_factory: sessionmaker[Session],
        db_engine: Engine, link_config: Config, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    sent = send_link()
    old_line = Path(link_config.disclosure_keys_file).read_text().splitlines()[1]
    old_id = old_line.split()[0]
    with db_engine.begin() as conn:  # a task's answers as an earlier version kept them: in words
        [(task_id, answers)] = conn.execute(text(
            "SELECT id, CAST(answers AS TEXT) FROM human_task WHERE element_id = 'describe_concern' "
            "AND case_id = :case"), {"case": sent.case_id}).all()
        legacy = json.loads(answers) | {"concern": "Kept in words by an earlier version"}
        conn.execute(text("UPDATE human_task SET answers = :answers WHERE id = :id"),
                     {"answers": json.dumps(legacy), "id": task_id})
    assert held_in_the_database(db_engine, ["Kept in words by an earlier version"])

    # The rotation as the README gives it: a new key first in the file, then the command.
    keys = Path(link_config.disclosure_keys_file)
    keys.write_text(new_key_line("k-2027") + "\n" + old_line + "\n")
    monkeypatch.setenv("DATABASE_URL", db_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("DISCLOSURE_KEYS_FILE", str(keys))
    assert main(["rewrap-disclosure-keys"]) == 0
    assert "re-wrapped 1 package key(s)" in capsys.readouterr().out
    rotated = Keyring.load(keys)
    with session_factory.begin() as s:
        assert reseal_all(session=s, keyring=rotated) == 0, "all under the current key already"

    use_keyring(Keyring(rotated.keys[:1]))  # the old key removed from the file
    assert held_in_the_database(db_engine, [f"sealed:1:{old_id}:", "Kept in words by an earlier version"]) == {}
    assert api.get(f"/api/tasks/{task_id}", HANA)["data"]["concern"] == "Kept in words by an earlier version"
    with db_engine.connect() as conn:
        chosen = conn.execute(text("SELECT id FROM human_task WHERE element_id = 'choose_what_to_share' "
                                   "AND case_id = :case"), {"case": sent.case_id}).scalar_one()
    assert [i["summary"] for i in api.get(f"/api/tasks/{chosen}", HANA)["data"]["items"]] == [
        i["summary"] for i in ITEMS]
    assert api.get(f"/api/cases/{sent.case_id}", HANA)["waiting_for"], "the engine's state opens too"
