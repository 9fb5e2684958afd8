"""The identifying details a case holds about its people, offered one by one at *Decide how much to share*.

Each person named at the start (the child, a parent, someone else) gives their name and each of
the identifying details written for them (a date of birth, an address, a phone number), split at
commas, semicolons and line breaks. The practitioner ticks the ones the recipient needs; the
rest are withheld and the record lists them. A form field asks for this choice by declaring
``"x-options": "identifying_details"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from service.errors import InvalidInput

OPTIONS_KEYWORD = "x-options"
IDENTIFYING_DETAILS = "identifying_details"
# The answer a person ticks to share none of the details (the API sends an empty list instead).
NONE_OF_THEM = "none"
ROLE_WORDS = {"child": "the child", "parent_carer": "parent or carer", "third_party": "someone else involved",
              "other": "other"}
_SEPARATORS = re.compile(r"[,;\n]+")


def identifying_details(subjects: Iterable[Any]) -> list[str]:
    """Every identifying detail of every person, as the words the practitioner chooses from."""
    details: list[str] = []
    for person in subjects:
        if not isinstance(person, Mapping) or not str(person.get("name") or "").strip():
            continue
        name = str(person["name"]).strip()
        details.append(f"{name} ({ROLE_WORDS.get(str(person.get('role')), 'other')})")
        for part in _SEPARATORS.split(str(person.get("identifiers") or "")):
            if part.strip():
                details.append(f"{name}: {part.strip()}")
    return list(dict.fromkeys(details))


def option_fields(schema: Mapping[str, Any] | None) -> dict[str, str]:
    """The form's fields whose choices come from the case: field name -> the list it offers."""
    return {name: str(spec[OPTIONS_KEYWORD]) for name, spec in ((schema or {}).get("properties") or {}).items()
            if isinstance(spec, Mapping) and spec.get(OPTIONS_KEYWORD)}


def check_chosen(schema: Mapping[str, Any] | None, answers: dict[str, Any], options: Mapping[str, list[str]]
                 ) -> None:
    """Refuse a choice that is not one the case offers; "none of them" alone means an empty choice."""
    for name, source in option_fields(schema).items():
        chosen = answers.get(name)
        if not isinstance(chosen, list):
            continue
        if NONE_OF_THEM in chosen:
            if len(chosen) > 1:
                raise InvalidInput("Tick either 'None of them' or the details that go with it, not both",
                                   field=name)
            answers[name] = chosen = []
        offered = set(options.get(source, []))
        unknown = [value for value in chosen if value not in offered]
        if unknown:
            raise InvalidInput(f"'{unknown[0]}' is not one of the identifying details recorded on this case",
                               field=name)


def withheld(offered: list[str], chosen: Iterable[str]) -> list[str]:
    """The details offered that were not chosen, in the order offered."""
    kept = set(chosen)
    return [detail for detail in offered if detail not in kept]
