"""The append-only, hash-chained audit trail: write an event, verify the whole chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, Table, bindparam, cast, func, insert, literal, select, update
from sqlalchemy.orm import Session

from service.actors import Actor
from service.db import is_postgres

from .models import AuditEvent, AuditHead

GENESIS_HASH = "0" * 64
HEAD_ID = 1


def _event_body(event: Any, seq: int) -> str:
    # ASCII only (json.dumps escapes the rest), so the database hashes exactly these bytes too.
    return json.dumps(
        {
            "seq": seq,
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


def _event_hash(prev_hash: str, event: Any) -> str:
    body = _event_body(event, event.seq)
    return hashlib.sha256(prev_hash.encode("ascii") + body.encode("ascii")).hexdigest()


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
    # SQLite: a write transaction holds the whole database, so the head read here stays the end.
    head = session.scalars(select(AuditHead).where(AuditHead.id == HEAD_ID)).one()
    event.seq = head.seq + 1
    event.prev_hash = head.hash
    event.hash = _event_hash(head.hash, event)
    session.add(event)
    head.seq = event.seq
    head.hash = event.hash
    return event


_HEAD_TABLE: Table = AuditHead.__table__  # type: ignore[assignment]
_EVENT_TABLE: Table = AuditEvent.__table__  # type: ignore[assignment]
# Never a real seq: marks where the seq goes in an event's body, which the database fills in.
_SEQ_MARK = -1


def _append_on_postgres(session: Session, event: AuditEvent) -> None:
    # The step's own writes go first, so the chain's head (everyone's lock) is held only from here
    # to the commit. Then one statement locks the head, chains the event onto it (the database
    # computes the hash, with the seq it gives the event) and moves the head on.
    session.flush()
    prefix, suffix = _event_body(event, _SEQ_MARK).split(f'"seq":{_SEQ_MARK}')
    params = {f"event_{column.key}": getattr(event, column.key) for column in _EVENT_TABLE.columns
              if column.key not in ("seq", "prev_hash", "hash")}
    row = session.connection().execute(_APPEND, {**params, "body_before_seq": prefix + '"seq":',
                                                 "body_after_seq": suffix}).one()
    event.seq, event.prev_hash, event.hash = row.seq, row.prev_hash, row.hash


def _statement_appending_to_the_locked_head() -> Any:
    # Built once. The head's row lock queues appenders, so the chain never forks; a waiting
    # appender reads the head as the one before it left it.
    head = (select(_HEAD_TABLE.c.seq, _HEAD_TABLE.c.hash).where(_HEAD_TABLE.c.id == HEAD_ID)
            .with_for_update().cte("head"))
    new_seq = head.c.seq + 1
    body = bindparam("body_before_seq", type_=String) + cast(new_seq, String) + bindparam("body_after_seq",
                                                                                           type_=String)
    new_hash = func.encode(func.sha256(func.convert_to(head.c.hash + body, literal("UTF8"))), literal("hex"))
    chained = select(new_seq.label("seq"), head.c.hash.label("prev_hash"), new_hash.label("hash")).cte("chained")
    # The head only moves on. (Not "from exactly the end chained onto": an appender that waited for the
    # lock tests its condition on the head as its statement began, and would never move it.)
    moved = (update(_HEAD_TABLE).where(_HEAD_TABLE.c.id == HEAD_ID, _HEAD_TABLE.c.seq < chained.c.seq)
             .values(seq=chained.c.seq, hash=chained.c.hash).returning(_HEAD_TABLE.c.seq).cte("moved"))
    chain_columns = {"seq": chained.c.seq, "prev_hash": chained.c.prev_hash, "hash": chained.c.hash}
    values = [chain_columns.get(column.key, bindparam(f"event_{column.key}", type_=column.type))
              for column in _EVENT_TABLE.columns]
    return (insert(_EVENT_TABLE)
            .from_select([column.key for column in _EVENT_TABLE.columns],
                         select(*values).select_from(chained.join(moved, moved.c.seq == chained.c.seq)))
            .returning(_EVENT_TABLE.c.seq, _EVENT_TABLE.c.prev_hash, _EVENT_TABLE.c.hash))


_APPEND = _statement_appending_to_the_locked_head()


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


# Changes to the service itself rather than to a case (who may use it, and the processes it runs),
# with what the audit page calls each.
# The largest sequence number an event can have (the column is a 32-bit integer on PostgreSQL).
MAX_SEQ = 2**31 - 1
SERVICE_CHANGES = {
    "account_created": "Account created",
    "account_changed": "Account's roles or team changed",
    "account_switched_off": "Account switched off",
    "account_switched_on": "Account switched on",
    "account_signed_out_everywhere": "Account signed out everywhere",
    "api_token_revoked": "API token revoked by its holder",
    "password_changed": "Password changed",
    "team_added": "Team added",
    "team_removed": "Team removed",
    "process_draft_saved": "Process change saved as a draft",
    "process_draft_approved": "Process change approved",
    "process_published": "Process version published",
}


def service_changes(*, session: Session, before: int | None = None, limit: int = 50) -> list[AuditEvent]:
    """Changes to accounts, teams and processes, newest first; ``before`` (an event's seq) pages back."""
    query = (select(AuditEvent)
             .where(AuditEvent.case_id.is_(None), AuditEvent.action.in_(list(SERVICE_CHANGES)))
             .order_by(AuditEvent.seq.desc()).limit(limit))
    if before is not None:
        query = query.where(AuditEvent.seq < before)
    return list(session.scalars(query))
