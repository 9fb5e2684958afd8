"""What changes in outcome between two trial runs of one sample: the path, the lawful basis, the end, the timers."""

from __future__ import annotations

from dataclasses import dataclass

from service.uktime import uk_time

from .trial import LAWFUL_BASIS, TimerMet, TrialRun


@dataclass(frozen=True)
class Change:
    kind: str  # "path", "lawful_basis", "end", "timer"
    words: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "words": self.words}


def compare_runs(published: TrialRun, draft: TrialRun) -> list[Change]:
    """The changes of outcome from the published run to the draft's, in plain words; [] for the same outcome."""
    return [*_path(published, draft), *_basis(published, draft), *_end(published, draft), *_timers(published, draft)]


def _path(published: TrialRun, draft: TrialRun) -> list[Change]:
    before = [(p.element_id, p.name) for p in published.path]
    after = [(p.element_id, p.name) for p in draft.path]
    if [e for e, _ in before] == [e for e, _ in after]:
        renamed = [f"'{old}' is now called '{new}'" for (_, old), (_, new) in zip(before, after, strict=True)
                   if old != new]
        return [Change("path", "Renamed on the way: " + "; ".join(dict.fromkeys(renamed)))] if renamed else []
    at = next((i for i, (b, a) in enumerate(zip(before, after, strict=False)) if b[0] != a[0]),
              min(len(before), len(after)))
    was = f"'{before[at][1]}'" if at < len(before) else "nothing more"
    now = f"'{after[at][1]}'" if at < len(after) else "nothing more"
    changes = [Change("path", f"The path differs from step {at + 1}: the draft goes to {now} where the published "
                              f"version went to {was}")]
    gone = _names_missing(before, after)
    new = _names_missing(after, before)
    if gone:
        changes.append(Change("path", "No longer reached: " + ", ".join(gone)))
    if new:
        changes.append(Change("path", "Newly reached: " + ", ".join(new)))
    return changes


def _names_missing(these: list[tuple[str, str]], others: list[tuple[str, str]]) -> list[str]:
    other_ids = {e for e, _ in others}
    return [f"'{name}'" for name in dict.fromkeys(n for e, n in these if e not in other_ids)]


def _basis(published: TrialRun, draft: TrialRun) -> list[Change]:
    changes = []
    for key, label in LAWFUL_BASIS:
        was, now = published.lawful_basis.get(key), draft.lawful_basis.get(key)
        if was != now:
            changes.append(Change("lawful_basis", f"{label}: {_value(was)} becomes {_value(now)}"))
    return changes


def _value(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"'{value}'"


def _end(published: TrialRun, draft: TrialRun) -> list[Change]:
    was, now = published.ending, draft.ending
    if (was.kind, was.element_id) == (now.kind, now.element_id):
        return []
    return [Change("end", f"It ends differently: {_lower_first(now.words)}, where the published version: "
                          f"{_lower_first(was.words)}")]


def _lower_first(words: str) -> str:
    return words[:1].lower() + words[1:]


def _timers(published: TrialRun, draft: TrialRun) -> list[Change]:
    was = _by_element(published.timers)
    now = _by_element(draft.timers)
    changes = []
    for element_id in dict.fromkeys([*was, *now]):
        before, after = was.get(element_id, []), now.get(element_id, [])
        name = (after or before)[0].name
        if not after:
            changes.append(Change("timer", f"'{name}' is no longer met (it fell due {_dues(before)})"))
        elif not before:
            changes.append(Change("timer", f"'{name}' is newly met: due {_dues(after)}"))
        elif [t.due_at for t in before] != [t.due_at for t in after]:
            changes.append(Change("timer", f"'{name}' falls due {_dues(after)} instead of {_dues(before)}"))
    return changes


def _by_element(timers: list[TimerMet]) -> dict[str, list[TimerMet]]:
    found: dict[str, list[TimerMet]] = {}
    for timer in timers:
        found.setdefault(timer.element_id, []).append(timer)
    return found


def _dues(timers: list[TimerMet]) -> str:
    return " and ".join(uk_time(t.due_at) for t in timers)
