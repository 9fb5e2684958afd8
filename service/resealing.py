"""Sealing again every value the database keeps sealed (``service.sealing``) under the current master key.

Run by ``python -m service rewrap-disclosure-keys`` after a new key is put first in the key file, so
the old key can then be removed; it also seals the values kept in words before they were sealed (a
database written by an earlier version of the service). Rows already sealed under the current key are
not written again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.orm.attributes import flag_modified

from service.cases.models import Case
from service.master_keys import Keyring
from service.notifications.models import OutboxMessage
from service.records.models import DisclosedItem, NewInformation, RecordedAnswer
from service.sealing import PREFIX, SEALED_ANSWERS, SealedAnswers, SealedText, use_keyring
from service.tasks.models import HumanTask

SEALED_COLUMNS: tuple[InstrumentedAttribute[Any], ...] = (
    Case.instance_state, HumanTask.answers, HumanTask.draft, OutboxMessage.body, RecordedAnswer.answer,
    NewInformation.information, DisclosedItem.summary_or_reference, DisclosedItem.redactions,
)
BATCH = 500


def reseal_all(*, session: Session, keyring: Keyring) -> int:
    """Seal under ``keyring``'s current key every sealed value that is not (from now on it seals with it
    in this process); returns how many columns of rows were written again."""
    use_keyring(keyring)
    current = f"{PREFIX}{keyring.current_id}:"
    count = 0
    for column in SEALED_COLUMNS:
        model = column.class_
        key = model.__mapper__.primary_key[0]
        stale = [pk for pk, raw in session.execute(select(key, cast(column, Text)).where(column.is_not(None)))
                 if not _current(column, raw, current)]
        for batch in _batches(stale):
            for row in session.scalars(select(model).where(key.in_(batch))):
                flag_modified(row, column.key)
                count += 1
            session.flush()
            session.expunge_all()
    return count


def _current(column: InstrumentedAttribute[Any], raw: str, current: str) -> bool:
    kind = column.property.columns[0].type
    if isinstance(kind, SealedText):
        return raw.startswith(current)
    assert isinstance(kind, SealedAnswers)
    answers = json.loads(raw)
    return not isinstance(answers, dict) or all(
        isinstance(value, str) and value.startswith(current)
        for name, value in answers.items() if name in SEALED_ANSWERS)


def _batches(keys: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(keys), BATCH):
        yield keys[start:start + BATCH]
