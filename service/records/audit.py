"""The append-only, hash-chained audit trail: write an event, verify the whole chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from service.actors import Actor
from service.db import is_postgres

from .models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64
HEAD_ID = 1


def _event_hash(prev_hash: str, event: Any) -> str:
    body = json.dumps(
        {
            "seq": event.seq,
            "at": event.at.isoformat(),
            "actor": event.actor,
            "role": event.role,
            "action": event.action,
            "case_id": event.case_id,
            "task_id": event.task_id,
            "summary": event.summary,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(prev_hash.encode("ascii") + body.encode("utf-8")).hexdigest()


def record_event(
    *,
    session: Session,
    actor: Actor,
    action: str,
    at: datetime,
    case_id: str | None = None,
    task_id: str | None = None,
    summary: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    event = AuditEvent(
        at=at,
        actor=actor.username,
        role=actor.primary_role,
        action=action,
        case_id=case_id,
        task_id=task_id,
        summary=json.dumps(summary or {}, sort_keys=True, default=str),
    )
    if is_postgres(session):
        _append_on_postgres(session, event)
        return event
    # The head row is the chain's lock: appenders queue on it, so the chain never forks.
    head_query = select(AuditHead).where(AuditHead.id == HEAD_ID)
    if is_postgres(session):
        head_query = head_query.with_for_update()
    head = session.scalars(head_query).one()
    event.seq = head.seq + 1
    event.prev_hash = head.hash
    event.hash = _event_hash(head.hash, event)
    session.add(event)
    head.seq = event.seq
    head.hash = event.hash
    return event


_HEAD_TABLE: Table = AuditHead.__table__  # type: ignore[assignment]
_EVENT_TABLE: Table = AuditEvent.__table__  # type: ignore[assignment]


# The chain's end as this process last wrote it, per database. Usually still the end when the
# process appends again, so one statement does: move the head on from exactly that end, and insert
# the event only if it moved. When another writer got there first, the usual way takes over.
_LAST_HEAD: dict[str, tuple[int, str]] = {}


def _append_on_postgres(session: Session, event: AuditEvent) -> None:
    # The step's own writes go first, so the chain's head (everyone's lock) is held only from here
    # to the commit; the audit statements themselves need nothing of the ORM.
    session.flush()
    connection = session.connection()
    database = str(connection.engine.url)
    last = _LAST_HEAD.get(database)
    if last is None or not _append_after(connection, event, *last):
        _append_after_locking_head(connection, event)
    _LAST_HEAD[database] = (event.seq, event.hash)


def _chain_onto(event: AuditEvent, seq: int, prev_hash: str) -> None:
    event.seq, event.prev_hash = seq, prev_hash
    event.hash = _event_hash(prev_hash, event)


def _statement_appending_after_a_known_end() -> Any:
    # Built once: the head moves from (last_seq, last_hash) to the new event, or nothing happens.
    moved = (
        update(_HEAD_TABLE)
        .where(_HEAD_TABLE.c.id == HEAD_ID, _HEAD_TABLE.c.seq == bindparam("last_seq"),
               _HEAD_TABLE.c.hash == bindparam("last_hash"))
        .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
        .returning(_HEAD_TABLE.c.seq)
        .cte("moved")
    )
    values = [moved.c.seq if column.key == "seq" else bindparam(f"event_{column.key}", type_=column.type)
              for column in _EVENT_TABLE.columns]
    return (insert(_EVENT_TABLE).from_select([column.key for column in _EVENT_TABLE.columns], select(*values))
            .returning(_EVENT_TABLE.c.seq))


_APPEND_AFTER_A_KNOWN_END = _statement_appending_after_a_known_end()


def _append_after(connection: Connection, event: AuditEvent, seq: int, hash_: str) -> bool:
    _chain_onto(event, seq + 1, hash_)
    params = {**_event_params(event), "last_seq": seq, "last_hash": hash_, "new_seq": event.seq,
              "new_hash": event.hash}
    return connection.execute(_APPEND_AFTER_A_KNOWN_END, params).first() is not None


_MOVE_HEAD_ON = (update(_HEAD_TABLE).where(_HEAD_TABLE.c.id == HEAD_ID)
                 .values(seq=_HEAD_TABLE.c.seq + 1).returning(_HEAD_TABLE.c.seq, _HEAD_TABLE.c.hash))
_WRITE_EVENT_AND_HEAD_HASH = (
    update(_HEAD_TABLE).where(_HEAD_TABLE.c.id == HEAD_ID).values(hash=bindparam("new_hash"))
    .add_cte(insert(_EVENT_TABLE).values({column.key: bindparam(f"event_{column.key}", type_=column.type)
                                          for column in _EVENT_TABLE.columns}).cte("appended"))
)


def _append_after_locking_head(connection: Connection, event: AuditEvent) -> None:
    # Two round trips: taking the head's lock also moves it on and returns the hash to chain from;
    # the event row and the head's new hash are then written by one statement.
    head = connection.execute(_MOVE_HEAD_ON).one()
    _chain_onto(event, head.seq, head.hash)
    connection.execute(_WRITE_EVENT_AND_HEAD_HASH, {**_event_params(event), "new_hash": event.hash})


def _event_params(event: AuditEvent) -> dict[str, Any]:
    return {f"event_{column.key}": getattr(event, column.key) for column in _EVENT_TABLE.columns}


@dataclass
class ChainReport:
    """The outcome of walking the chain: ``ok`` only if every link and the head agree."""

    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(*, session: Session, batch: int = 1000) -> ChainReport:
    """Walk every audit event in order, recomputing hashes; report each break found.

    Safe while people work: the chain's end is read first and the walk stops there, so events
    appended meanwhile are neither missed breaks nor false alarms (an event and the head that
    covers it are committed together)."""
    report = ChainReport()
    head = _head(session)
    if head is None:
        report.problems.append("the chain's head record is missing")
        return report
    expected_prev, expected_seq = GENESIS_HASH, 1
    last_seq = 0
    while True:
        # Plain rows, not ORM objects: a long chain must not fill the session's identity map.
        rows = session.execute(
            select(*AuditEvent.__table__.columns)
            .where(AuditEvent.seq > last_seq, AuditEvent.seq <= head.seq)
            .order_by(AuditEvent.seq)
            .limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            report.checked += 1
            if event.seq != expected_seq:
                report.problems.append(f"events {expected_seq}..{event.seq - 1} are missing")
            if event.prev_hash != expected_prev:
                report.problems.append(f"event {event.seq} does not follow the event before it")
            if _event_hash(event.prev_hash, event) != event.hash:
                report.problems.append(f"event {event.seq} was altered after it was written")
            expected_prev, expected_seq, last_seq = event.hash, event.seq + 1, event.seq
    if head.seq != last_seq or head.hash != expected_prev:
        report.problems.append(f"the chain should end at event {head.seq}, but ends at event {last_seq}")
    # Rows beyond the end no append wrote: the newest event is read before the end is read again,
    # and an honest append moves the end with its event, so only a forged row can lie beyond it.
    newest = session.scalar(select(func.max(AuditEvent.seq)))
    end_now = _head(session)
    if newest is not None and end_now is not None and newest > end_now.seq:
        report.problems.append(f"events {end_now.seq + 1}..{newest} lie beyond the chain's end")
    return report


def _head(session: Session) -> AuditHead | None:
    return session.get(AuditHead, HEAD_ID, populate_existing=True)


_EVENTS_OF_CASE = select(AuditEvent).where(AuditEvent.case_id == bindparam("case_id")).order_by(AuditEvent.seq)


def case_events(*, session: Session, case_id: str) -> list[AuditEvent]:
    """A case's events in order (its timeline)."""
    return list(session.scalars(_EVENTS_OF_CASE, {"case_id": case_id}))


# Changes to the service itself rather than to a case: who may use it, and the processes it runs.
SERVICE_CHANGES = ("account_created", "account_changed", "account_switched_off", "account_switched_on",
                   "team_added", "team_removed", "process_draft_saved", "process_draft_approved", "process_published")


def service_changes(*, session: Session, before: int | None = None, limit: int = 50) -> list[AuditEvent]:
    """Changes to accounts, teams and processes, newest first; ``before`` (an event's seq) pages back."""
    query = (select(AuditEvent)
             .where(AuditEvent.case_id.is_(None), AuditEvent.action.in_(SERVICE_CHANGES))
             .order_by(AuditEvent.seq.desc()).limit(limit))
    if before is not None:
        query = query.where(AuditEvent.seq < before)
    return list(session.scalars(query))
