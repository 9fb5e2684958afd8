"""The same step costs the same from a page as from the API: completing a task from its web form runs
no more SQL statements for the step than completing it through the API does. The page's sign-in check
(the browser session looked up before the page is chosen) is its own short transaction, where the API
looks its token up inside the step's: on SQLite that is one BEGIN more, and nothing else."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event

from tests.api.conftest import Api
from tests.signed_in import sign_in_as

TESS = "tess.teacher"


def _at_purpose_step(api: Api) -> str:
    """A new case whose concern is described: its open step asks for the purpose of sharing."""
    case = api.post("/api/cases", TESS, {"direction": "outbound_concern", "urgency": "routine",
                                         "summary": "Attendance has dropped"}, expect=201)
    following = api.post(f"/api/tasks/{case['open_tasks'][0]['id']}/complete", TESS, {
        "data": {"concern": "Attendance fell to 82%", "subjects": [{"role": "child", "name": "Ria"}]}})["next_tasks"]
    assert following[0]["element_id"] == "check_purpose", following
    return str(following[0]["id"])


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = app.extensions["db_session_factory"].kw["bind"]

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _signing_in(statements: list[str], table: str) -> list[str]:
    """The statements that look up who is signed in (a browser session or an API token)."""
    return [s for s in statements if s.startswith(f"SELECT {table}.")]


def test_completing_a_step_from_its_page_costs_no_more_statements_than_the_api(api: Api, app: Flask) -> None:
    by_api, by_page = _at_purpose_step(api), _at_purpose_step(api)
    answers = {"purpose": "early_help", "purpose_clear": True, "purpose_reasons": "Support at home"}
    client = sign_in_as(app.test_client(), TESS)
    page = client.get(f"/tasks/{by_page}").get_data(as_text=True)  # read first, so both find the form read
    api.get(f"/api/tasks/{by_api}", TESS)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    with counted(app) as api_statements:
        api.post(f"/api/tasks/{by_api}/complete", TESS, {"data": answers})
    form = {"csrf_token": token.group(1), "action": "complete", "purpose": "early_help", "purpose_clear": "yes",
            "purpose_reasons": "Support at home"}
    with counted(app) as page_statements:
        response = client.post(f"/tasks/{by_page}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert api.get(f"/api/tasks/{by_page}", TESS)["data"]["purpose_reasons"] == "Support at home"
    assert api.get(f"/api/tasks/{by_api}", TESS)["data"]["purpose_reasons"] == "Support at home"

    sign_in_check = _signing_in(page_statements, "web_session")
    assert len(sign_in_check) == 1 and len(_signing_in(api_statements, "api_token")) == 1
    page_step = [s for s in page_statements if s not in sign_in_check and not s.startswith("BEGIN")]
    api_step = [s for s in api_statements if not s.startswith(("SELECT api_token.", "BEGIN"))]
    assert len(page_step) <= len(api_step), (len(page_step), len(api_step), page_step)
    assert sum(s.startswith("BEGIN") for s in page_statements) <= 2, "the sign-in check, then the step: no more"
    assert sum("INSERT INTO audit_event" in s for s in page_statements) == 1, \
        "the completion is audited once; submitting is not also a read of the task"
