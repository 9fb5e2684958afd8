"""The timer sweep, shared by the Celery workers and the embedded background thread."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from service.config import Config
from service.engine import use_calendars
from service.flows.cases import TimerSweep, fire_due_timers
from service.notifications.delivery import deliver_due, sender_for
from service.workcalendar import calendars_for

log = logging.getLogger(__name__)
# One case per transaction: the audit chain's head is locked only from a case's event to its commit,
# so several sweepers do their engine work side by side instead of queueing behind a whole batch.
BATCH = 1


def sweep_due_timers(sessions: sessionmaker[Session], *, now: datetime | None = None) -> TimerSweep:
    """Fire every timer due by ``now`` (the real clock, read afresh for each batch, when not given)."""
    total = TimerSweep()
    while True:
        with sessions.begin() as session:
            sweep = fire_due_timers(session=session, now=now or datetime.now(UTC), limit=BATCH)
        total.advanced.extend(sweep.advanced)
        total.incidents.extend(sweep.incidents)
        for case_id in sweep.advanced:
            log.info("timer fired", extra={"case_id": case_id})
        for case_id in sweep.incidents:
            log.error("timer stopped the case with an incident", extra={"case_id": case_id})
        if len(sweep.advanced) + len(sweep.incidents) < BATCH:
            return total


class EmbeddedWorker(threading.Thread):
    """Without Redis (``make run``), the service sweeps timers and delivers mail on this thread."""

    def __init__(self, sessions: sessionmaker[Session], config: Config, delivery_every: float = 5.0) -> None:
        super().__init__(name="embedded-worker", daemon=True)
        self.sessions = sessions
        self.config = config
        self.delivery_every = delivery_every
        self.stopping = threading.Event()

    def run(self) -> None:
        # A thread starts in a context of its own: the timers it fires set deadlines on the config's calendars.
        with use_calendars(calendars_for(self.config)):
            self._loop()

    def _loop(self) -> None:
        sender = sender_for(self.config)
        last_delivery = 0.0
        while not self.stopping.wait(self.config.sweep_interval):
            try:
                sweep_due_timers(self.sessions)
                if (clock := datetime.now(UTC).timestamp()) - last_delivery >= self.delivery_every:
                    last_delivery = clock
                    deliver_due(sessions=self.sessions, config=self.config, sender=sender, now=datetime.now(UTC))
            except SQLAlchemyError:
                # The database is briefly unavailable: nothing is lost, the next round tries again.
                log.exception("embedded sweep failed; retrying")

    def stop(self) -> None:
        self.stopping.set()
