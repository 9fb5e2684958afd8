"""The names a draft's expressions may use, and the check of one expression against them.

A name is known when it is a case fact (a field of one of the draft's forms, a starting value of the
process or of every case, a name a script of the diagram sets, a message's variable, a decision's
output) or a name the script engine provides (the deadline helpers and the sandbox's builtins). A typo
here would otherwise stop every case as an incident when it reaches the step.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from service.engine import Problem
from service.engine.deadlines import HELPER_ARGUMENTS, deadline_helpers
from service.engine.lint import BPMN_NS, SPIFF_NS
from service.engine.names import uses
from service.engine.sandbox import BUILTIN_NAMES, Mode, check

# What every case starts with besides the process's own ``initial.<name>`` values: the answers given when
# it is opened (service.cases.service.start_case) and the organisation's facts (organisation_facts).
CASE_START_FACTS = frozenset({"direction", "urgency", "immediate_danger", "started_by", "public_authority"})
_HELPERS: dict[str, Callable[..., Any]] = deadline_helpers()
_CALLABLE_BUILTINS = frozenset(name for name in BUILTIN_NAMES if name not in ("True", "False", "None"))


# The expressions whose names are checked, with how the engine runs each and the words for its element.
EXPRESSIONS: dict[str, tuple[Mode, str]] = {
    f"{{{BPMN_NS}}}timeDuration": ("eval", "Timer"),
    f"{{{BPMN_NS}}}timeDate": ("eval", "Timer"),
    f"{{{BPMN_NS}}}timeCycle": ("eval", "Timer"),
    f"{{{BPMN_NS}}}conditionExpression": ("eval", "Condition"),
    f"{{{BPMN_NS}}}condition": ("eval", "Condition"),
    f"{{{BPMN_NS}}}script": ("exec", "Script"),
    f"{{{SPIFF_NS}}}preScript": ("exec", "Script"),
    f"{{{SPIFF_NS}}}postScript": ("exec", "Script"),
}


@dataclass
class Known:
    """The facts a process's expressions may read; the helpers and builtins come with the engine."""

    facts: set[str] = field(default_factory=set)

    def knows(self, name: str, extra: Iterable[str] = ()) -> bool:
        return name in self.facts or name in _HELPERS or name in BUILTIN_NAMES or name in extra


def form_fields(schema: Any) -> Iterator[str]:
    """Every field name a form can give: the keys of each ``properties``, at any depth (list entries too)."""
    if isinstance(schema, dict):
        properties = schema.get("properties")
        if isinstance(properties, dict):
            yield from (name for name in properties if isinstance(name, str))
        for value in schema.values():
            yield from form_fields(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from form_fields(value)


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return found[0] if found else None


def _arity_problem(where: str, name: str, positional: int, keywords: tuple[str, ...]) -> str | None:
    helper = _HELPERS[name]
    try:
        inspect.signature(helper).bind(*range(positional), **dict.fromkeys(keywords))
    except TypeError:
        takes = HELPER_ARGUMENTS.get(name, "other arguments")
        return f"{where}: {name} takes {takes}; it was given {positional + len(keywords)}"
    return None


def name_problems(where: str, source: str | None, mode: Mode, known: Known, *,
                  extra: Iterable[str] = ()) -> list[str]:
    """What is wrong with the names ``source`` uses: unknown names, each with the nearest known one,
    and helpers called with the wrong number of arguments. ``where`` says which element it is."""
    if source is None or not source.strip():
        return []
    found = uses(source, mode)
    if found is None or check(source, mode):
        return []  # the sandbox's lint says why it cannot be used; one problem is enough
    extras = set(extra)
    messages: list[str] = []
    for name in found.names:
        if known.knows(name, extras):
            continue
        if found.called(name):
            guess = nearest(name, [*_HELPERS, *_CALLABLE_BUILTINS])
            message = f"{where} uses {name}, which is not a helper"
        else:
            guess = nearest(name, [*known.facts, *extras, "True", "False", "None"])
            message = f"{where} uses {name}, which is not a known fact (a form's field, a starting value, " \
                      "a decision's output or a name a script sets)"
        messages.append(f"{message}: did you mean {guess}?" if guess else message)
    for call in found.calls:
        if call.name in _HELPERS and call.name not in known.facts and not call.unpacked:
            wrong = _arity_problem(where, call.name, call.positional, call.keywords)
            if wrong and wrong not in messages:
                messages.append(wrong)
    return messages


def problems_at(element_id: str, file: str, messages: Iterable[str]) -> list[Problem]:
    return [Problem(message, element_id=element_id or None, file=file) for message in messages]
