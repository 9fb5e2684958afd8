"""The real Flask app over the test database, with the shipped process and one account per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.accounts.models import User
from service.accounts.service import create_user
from service.accounts.teams import ensure_teams
from service.actors import SYSTEM_ACTOR
from service.app import create_app
from service.config import Config
from service.processes.bundled import publish_bundled

PASSWORD = "correct-horse-battery"
# username: (roles, team)
ACCOUNTS = {
    "tess.teacher": ("practitioner", "north"),
    "theo.assistant": ("practitioner", "north"),
    "hana.visitor": ("practitioner", "south"),
    "mo.manager": ("manager", "north"),
    "sue.manager": ("manager", "south"),
    "dee.lead": ("dsl", None),
    "pat.owner": ("process_owner", None),
    "ada.auditor": ("auditor", None),
    "sam.admin": ("admin", None),
}


@cache
def _password_hash() -> str:
    return PasswordHasher().hash(PASSWORD)


@dataclass
class Api:
    client: FlaskClient
    tokens: dict[str, str]

    def token(self, username: str) -> str:
        if username not in self.tokens:
            response = self.client.post("/api/tokens", json={"username": username, "password": PASSWORD})
            assert response.status_code == 201, response.get_json()
            self.tokens[username] = response.get_json()["token"]
        return self.tokens[username]

    def call(self, method: str, path: str, user: str | None = None, expect: int | None = None,
             **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token(user)}"} if user else {}
        response = self.client.open(path, method=method, headers=headers, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (method, path, user, response.status_code, response.get_json())
        return response

    def get(self, path: str, user: str | None = None, expect: int | None = 200) -> Any:
        return self.call("GET", path, user, expect).get_json()

    def post(self, path: str, user: str | None = None, json: Any = None, expect: int | None = 200) -> Any:
        return self.call("POST", path, user, expect, json=json).get_json()


def seed_process_and_accounts(session_factory: sessionmaker[Session]) -> None:
    now = datetime.now(UTC)
    with session_factory.begin() as s:
        publish_bundled(session=s, now=now)
        ensure_teams(session=s, names={team for _, team in ACCOUNTS.values() if team}, by=SYSTEM_ACTOR, now=now)
        for username, (role, team) in ACCOUNTS.items():
            s.add(User(username=username, display_name=username, email=f"{username}@example.org",
                       password_hash=_password_hash(), roles=role, team=team, active=True, created_at=now))


@pytest.fixture
def app(db_engine: Engine, session_factory: sessionmaker[Session], test_config: Callable[..., Config]
        ) -> Iterator[Flask]:
    seed_process_and_accounts(session_factory)
    url = db_engine.url.render_as_string(hide_password=False)
    application = create_app(test_config(database_url=url, testing=True))
    yield application


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app.test_client(), {})


@pytest.fixture
def owners(api: Api, session_factory: sessionmaker[Session]) -> Api:
    """A second process owner, olu.owner, beside pat.owner (one writes a draft, the other approves), both
    signed in."""
    with session_factory.begin() as s:
        create_user(session=s, username="olu.owner", password=PASSWORD, roles=["process_owner"],
                    display_name="Olu Owner", email="olu.owner@example.org", team=None, now=datetime.now(UTC),
                    by=SYSTEM_ACTOR)
    api.token("pat.owner"), api.token("olu.owner")
    return api


@pytest.fixture
def open_task(api: Api) -> Callable[[str, str, str], dict[str, Any]]:
    """The open task at ``element`` of a case, as ``user`` sees it in the case."""
    def find(case_id: str, element: str, user: str) -> dict[str, Any]:
        detail = api.get(f"/api/cases/{case_id}", user)
        found = [t for t in detail["open_tasks"] if t["element_id"] == element]
        assert found, f"no open {element}; open: {[t['element_id'] for t in detail['open_tasks']]}"
        return found[0]
    return find
