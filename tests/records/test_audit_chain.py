"""The audit trail is tamper-evident: any edit or deletion of a row is found by verify_chain."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, select, update

from service.audit import trail as audit
from service.audit.trail import record_event, verify_chain
from service.db import make_session_factory
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


def test_text_beyond_ascii_hashes_the_same_when_written_and_when_verified(session_factory, now):
    # On PostgreSQL the database computes each event's hash; the verifier recomputes it in Python.
    with session_factory.begin() as s:
        record_event(session=s, actor=PRACTITIONER, action="note", at=now, case_id="c-1",
                     summary={"said": "Zo\u00eb\u2019s carer \u2014 \u201cnot safe\u201d \U0001f641", "seq": -1,
                              "quote": '"seq":-1'})
        record_event(session=s, actor=PRACTITIONER, action="note", at=now, case_id="c-1", summary={})
    with session_factory() as s:
        report = verify_chain(session=s)
        assert report.ok and report.checked == 2, report.problems
        first = s.scalars(select(AuditEvent).order_by(AuditEvent.seq)).first()
        assert first is not None and first.hash == audit._event_hash(first.prev_hash, first)


@pytest.mark.postgres
def test_appenders_at_the_same_time_queue_on_the_head_and_never_fork(pg_engine, now):
    factory = make_session_factory(pg_engine)
    failures: list[BaseException] = []

    def append(writer: int) -> None:
        try:
            for n in range(40):
                with factory.begin() as s:
                    record_event(session=s, actor=PRACTITIONER, action=f"writer {writer}, event {n}", at=now,
                                 case_id=f"c-{writer}")
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    writers = [threading.Thread(target=append, args=(w,)) for w in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
    assert failures == []
    with factory() as s:
        report = verify_chain(session=s)
        assert report.ok and report.checked == 160, report.problems
        seqs = s.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
        assert seqs == list(range(1, 161))


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
