"""The diff as an approver reads it: each element added, changed or removed, with its values.

Every entry keeps ``id``, ``type`` (the element's tag, ``question``, ``form`` or ``file``) and ``name``,
and adds ``kind`` (the type in plain words), ``group`` (the step, decision table or form it belongs to:
``{"id", "name", "kind"}``) and ``marks`` (the ids of the elements to mark on the newer diagram). A
changed entry lists its ``changes`` (``{"what", "before", "after"}``, a value absent on one side being
``null``); an added or removed entry its ``values`` (``{"what", "value"}``). An element whose facts
are all the same (only its layout, attribute order, whitespace or defaults differ, or the order of
its flows) is not listed; a step that moved to another lane is, with its lane before and after.
"""

from __future__ import annotations

from typing import Any

from . import form_diff
from .diff_model import Comparison, Key, ProcessModel, VersionDiff
from .diff_values import KIND_WORDS, changes, default_words, element_facts, lane_of, values

_PROCESS = {"id": "process", "name": "The process as a whole", "kind": "process"}
_LANES = {"id": "lanes", "name": "Lanes (roles)", "kind": "lanes"}
_FILES = {"id": "files", "name": "Other files", "kind": "file"}


def _group(model: ProcessModel, key: Key) -> dict[str, str]:
    kind, element_id = key
    element = model.elements[key]
    if kind == "dmn":
        decision = model.decision_of.get(element_id)
        found = model.elements.get(("dmn", decision)) if decision else None
        if found is None:
            return {"id": "decisions", "name": "Decision tables", "kind": "decision"}
        return {"id": f"decision:{found.id}", "name": f"Decision table: {found.name or found.id}", "kind": "decision"}
    if element.type == "lane":
        return _LANES
    step = model.flow_ends[element_id][0] if element.type == "sequenceFlow" else model.owner.get(element_id)
    step = model.attached_to.get(step, step) if step else step
    holder = model.elements.get(("bpmn", step)) if step else None
    if holder is None:
        return _PROCESS
    return {"id": holder.id, "name": holder.name or holder.id, "kind": "step"}


def _marks(model: ProcessModel, key: Key, group: dict[str, str]) -> list[str]:
    """What to mark on ``model``'s diagram: the element, else the step it was on, or the steps calling a decision."""
    kind, element_id = key
    if kind == "dmn":
        decision = model.decision_of.get(element_id) or group["id"].removeprefix("decision:")
        return sorted(model.decision_callers.get(decision, set()))
    if key in model.elements:
        return [element_id]
    return [group["id"]] if group["kind"] == "step" and ("bpmn", group["id"]) in model.elements else []


def _entry(model: ProcessModel, key: Key, marks_in: ProcessModel) -> dict[str, Any]:
    element = model.elements[key]
    group = _group(model, key)
    kind = KIND_WORDS.get(element.type, element.type)
    if element.type == "boundaryEvent" and "timer" in _event_kinds(model, key):
        kind = "timer on a step"
    return {**element.entry(), "kind": kind, "group": group, "marks": _marks(marks_in, key, group)}


def _event_kinds(model: ProcessModel, key: Key) -> set[str]:
    return {child.tag.rsplit("}", 1)[-1].removesuffix("EventDefinition").lower()
            for child in model.xml[key] if isinstance(child.tag, str) and child.tag.endswith("EventDefinition")}


def describe(comparison: Comparison, defaults: dict[str, str]) -> VersionDiff:
    """The comparison's entries (see the module's docstring)."""

    old, new = comparison.old, comparison.new
    words = default_words(defaults)
    result = VersionDiff()
    added, changed = set(comparison.added), set(comparison.changed)
    for key in new.elements:
        if key in added:
            result.added.append({**_entry(new, key, new), "values": values(element_facts(new, key, defaults))})
        elif key in changed or (key in old.elements and lane_of(old, key) != lane_of(new, key)):
            differ = changes(element_facts(old, key, defaults), element_facts(new, key, defaults), words)
            if differ:
                result.changed.append({**_entry(new, key, new), "changes": differ})
    for key in comparison.removed:
        result.removed.append({**_entry(old, key, new), "values": values(element_facts(old, key, defaults))})
    _describe_files(comparison, result)
    return result


def _file_group(name: str, entry: dict[str, Any]) -> dict[str, str]:
    if entry["type"] in ("form", "question") or name.startswith("forms/"):
        return {"id": f"form:{name}", "name": f"Form: {name.removeprefix('forms/')}", "kind": "form"}
    return _FILES


def _with_place(new: ProcessModel, name: str, entry: dict[str, Any]) -> dict[str, Any]:
    kind = "question" if entry["type"] == "question" else KIND_WORDS.get(entry["type"], entry["type"])
    return {**entry, "kind": kind, "group": _file_group(name, entry),
            "marks": sorted(new.form_users.get(name, set()))}


def _describe_files(comparison: Comparison, result: VersionDiff) -> None:
    old, new = comparison.old.whole, comparison.new.whole
    for name in comparison.files_added:
        result.added.append(_with_place(comparison.new, name, form_diff.whole_file(name, new[name])))
    for name in comparison.files_changed:
        if name in comparison.old.unreadable or name in comparison.new.unreadable or not name.endswith(".json"):
            entries = [{"id": name, "type": "file", "name": name, "file": name,
                        "changes": [{"what": "contents", "before": f"{len(old[name])} characters",
                                     "after": f"{len(new[name])} characters"}]}]
        else:
            entries = form_diff.form_changes(name, old[name], new[name])
            more, fewer = form_diff.form_added_or_removed(name, old[name], new[name])
            result.added.extend(_with_place(comparison.new, name, e) for e in more)
            result.removed.extend(_with_place(comparison.new, name, e) for e in fewer)
        result.changed.extend(_with_place(comparison.new, name, e) for e in entries)
    for name in comparison.files_removed:
        result.removed.append(_with_place(comparison.new, name, form_diff.whole_file(name, old[name])))
