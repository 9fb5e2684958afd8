"""Process versions are immutable and content-addressed; cases stay on the version they started on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.engine import SPEC_CACHE
from service.errors import InvalidInput, NotFound
from service.flows.cases import start_case
from service.processes.models import ProcessVersion
from service.processes.service import latest_version, register_version
from tests.conftest import PRACTITIONER, review_files


def _register(s, files, now, note=""):
    return register_version(session=s, key="review", name="Review", files=files, author="pat.owner",
                            change_note=note, now=now)


def test_same_content_is_one_version_and_changed_content_a_new_one(sqlite_session_factory, now):
    files = review_files()
    with sqlite_session_factory.begin() as s:
        v1 = _register(s, files, now)
        assert _register(s, files, now).id == v1.id
    changed = dict(files)
    changed["review_case.bpmn"] = changed["review_case.bpmn"].replace('"PT2H"', '"PT1H"')
    with sqlite_session_factory.begin() as s:
        v2 = _register(s, changed, now, note="shorter same-day SLA")
        assert (v1.number, v2.number) == (1, 2) and v1.content_hash != v2.content_hash
        assert latest_version(session=s, key="review").id == v2.id


def test_running_cases_keep_their_version_and_specs_are_parsed_once(sqlite_session_factory, now):
    with sqlite_session_factory.begin() as s:
        v1 = _register(s, review_files(), now)
        before = SPEC_CACHE.compilations
        old = [start_case(session=s, process_key="review", actor=PRACTITIONER, direction="outbound_concern",
                          urgency="routine", summary=f"Case {i}", now=now) for i in range(5)]
        assert SPEC_CACHE.compilations - before <= 1
    changed = review_files()
    changed["review_case.bpmn"] = changed["review_case.bpmn"].replace('"P1D"', '"P2D"')
    with sqlite_session_factory.begin() as s:
        v2 = _register(s, changed, now)
        new = start_case(session=s, process_key="review", actor=PRACTITIONER, direction="outbound_concern",
                         urgency="routine", summary="New", now=now)
        assert {c.process_version_id for c in old} == {v1.id}
        assert new.process_version_id == v2.id


def test_a_missing_form_or_a_broken_schema_is_refused_with_the_element(sqlite_session_factory, now):
    files = review_files()
    del files["forms/give_advice.json"]
    with sqlite_session_factory() as s, pytest.raises(InvalidInput) as err:
        _register(s, files, now)
    assert err.value.field == "give_advice"
    files = review_files() | {"forms/give_advice.json": '{"type": "no-such-type"}'}
    with sqlite_session_factory() as s, pytest.raises(InvalidInput) as err:
        _register(s, files, now)
    assert err.value.field == "forms/give_advice.json"
    with sqlite_session_factory() as s:
        assert s.scalars(select(ProcessVersion)).all() == []


def test_unknown_process_is_not_found(sqlite_session_factory, now):
    with sqlite_session_factory() as s, pytest.raises(NotFound):
        start_case(session=s, process_key="nope", actor=PRACTITIONER, direction="outbound_concern",
                   urgency="routine", summary="x", now=now)
