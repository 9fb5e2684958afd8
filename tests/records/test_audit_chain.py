"""The audit trail is tamper-evident: any edit or deletion of a row is found by verify_chain."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, select, update

from service.db import make_session_factory
from service.records import audit
from service.records.audit import record_event, verify_chain
from service.records.models import AuditEvent
from tests.conftest import MANAGER, PRACTITIONER


@pytest.fixture
def five_events(session_factory, now):
    with session_factory.begin() as s:
        for i in range(5):
            record_event(session=s, actor=PRACTITIONER if i % 2 else MANAGER, action=f"step_{i}",
                         at=now + timedelta(minutes=i), case_id="c-1", summary={"i": i})


def test_an_untouched_chain_verifies(session_factory, five_events):
    with session_factory() as s:
        report = verify_chain(session=s)
        assert report.ok and report.checked == 5
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert [e.seq for e in events] == [1, 2, 3, 4, 5]
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))


@pytest.mark.parametrize("seq", [1, 3, 5])
@pytest.mark.parametrize("column,value", [("actor", "someone.else"), ("action", "nothing_happened"),
                                          ("summary", '{"i": 99}'), ("case_id", "c-2")])
def test_editing_any_field_of_any_row_is_detected(session_factory, five_events, seq, column, value):
    with session_factory.begin() as s:
        s.execute(update(AuditEvent).where(AuditEvent.seq == seq).values({column: value}))
    with session_factory() as s:
        report = verify_chain(session=s)
        assert not report.ok
        assert f"event {seq} was altered" in " ".join(report.problems)


def test_rewriting_a_row_and_its_hash_breaks_the_next_link(session_factory, five_events):
    with session_factory.begin() as s:
        s.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(hash="f" * 64))
    with session_factory() as s:
        problems = " ".join(verify_chain(session=s).problems)
        assert "event 2 was altered" in problems and "event 3 does not follow" in problems


@pytest.mark.parametrize("seq", [1, 3, 5])
def test_deleting_any_row_is_detected(session_factory, five_events, seq):
    with session_factory.begin() as s:
        s.execute(delete(AuditEvent).where(AuditEvent.seq == seq))
    with session_factory() as s:
        report = verify_chain(session=s)
        assert not report.ok, f"deleting event {seq} went unnoticed"


def test_appending_continues_the_chain_across_transactions(session_factory, five_events, now):
    with session_factory.begin() as s:
        record_event(session=s, actor=PRACTITIONER, action="later", at=now + timedelta(days=1))
    with session_factory() as s:
        report = verify_chain(session=s)
        assert report.ok and report.checked == 6


def test_a_writer_whose_view_of_the_chain_end_is_stale_still_chains_onto_the_real_end(session_factory, now):
    # A process remembers where it last left the chain; another process appending in between makes
    # that memory stale, and the next append must notice and chain onto the real end, not fork.
    def append(action: str) -> None:
        with session_factory.begin() as s:
            record_event(session=s, actor=PRACTITIONER, action=action, at=now, case_id="c-1")

    append("first, by process A")
    process_a_view = dict(audit._LAST_HEAD)
    audit._LAST_HEAD.clear()
    append("second, by process B")
    audit._LAST_HEAD.clear()
    audit._LAST_HEAD.update(process_a_view)
    append("third, by process A again")
    append("fourth, by process A")

    with session_factory() as s:
        report = verify_chain(session=s)
        assert report.ok and report.checked == 4, report.problems
        assert s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all() == [
            "first, by process A", "second, by process B", "third, by process A again", "fourth, by process A"]


def test_an_event_in_a_rolled_back_transaction_leaves_no_trace_in_the_chain(session_factory, now):
    with session_factory.begin() as s:
        record_event(session=s, actor=PRACTITIONER, action="kept", at=now)
    with session_factory() as s, s.begin():
        record_event(session=s, actor=PRACTITIONER, action="rolled back", at=now)
        s.rollback()
    with session_factory.begin() as s:
        record_event(session=s, actor=PRACTITIONER, action="kept too", at=now)
    with session_factory() as s:
        assert verify_chain(session=s).ok
        assert s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all() == ["kept", "kept too"]


def test_a_forged_row_beyond_the_chains_end_is_detected(session_factory, five_events, now):
    with session_factory() as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
        forged = {"seq": 6, "at": now, "actor": "someone.else", "role": "admin", "action": "nothing_happened",
                  "case_id": "c-1", "task_id": None, "summary": "{}", "prev_hash": last.hash}
    with session_factory.begin() as s:
        s.execute(insert(AuditEvent).values(**forged, hash="a" * 64))
    with session_factory() as s:
        report = verify_chain(session=s)
        assert "events 6..6 lie beyond the chain's end" in report.problems


@pytest.mark.postgres
def test_verifying_while_people_work_raises_no_false_alarm(pg_engine, now):
    # Auditors verify during the working day: events appended while the walk runs are not breaks.
    factory = make_session_factory(pg_engine)
    stop = threading.Event()
    appended: list[int] = []

    def keep_appending() -> None:
        while not stop.is_set():
            with factory.begin() as s:
                record_event(session=s, actor=PRACTITIONER, action="working", at=now, case_id="c-busy")
            appended.append(1)

    writer = threading.Thread(target=keep_appending)
    writer.start()
    reports = []
    try:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            with factory() as s:
                reports.append(verify_chain(session=s))
    finally:
        stop.set()
        writer.join(timeout=10)
    assert len(appended) > 50 and len(reports) > 20
    assert [r.problems for r in reports if not r.ok] == []
