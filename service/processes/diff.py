"""What changed between two versions of a process, and which steps of a running case the change touches.

Diagrams (.bpmn, .dmn) are compared element by element: every element with an ``id``, outside the
diagram-layout namespaces (BPMN DI, DMN DI, DC, DI), is compared by its tag, its attributes, its
text, the element it sits in, and the parts of it that have no id of their own (a flow's condition,
a task's properties, a timer's expression); an attribute holding its schema default is the same as
one left off. Children with their own id are compared on their own. An
event definition belongs to its event, and a decision table, input expression and rule entries to their
decision, input and rule, even when a modeler gives them ids: a changed timer is reported as its timer
event and a changed entry as its rule, which is what a process owner recognises. Moving shapes changes
nothing here. Form files are compared whole here; the diff an approver reads (``diff_entries``) shows
each changed element's values before and after (``diff_values``) and each form question by question
(``form_diff``).

The same reading tells which steps a change touches: a step is touched when it changed itself, when a
flow leaving it changed, when its timer or other boundary event changed (or was added), when an event
it waits for after an event-based gateway changed, when it moved to another lane, when a decision table
it calls or the form it shows changed, or when something it refers to (a message, an error) changed.
"""

from __future__ import annotations

from collections.abc import Mapping

from .diff_entries import describe
from .diff_model import SCHEMA_DEFAULTS, Comparison, Key, ProcessModel, VersionDiff, read_model

__all__ = ["Comparison", "Key", "ProcessModel", "VersionDiff", "compare", "describe_comparison", "diff_files",
           "read_model"]


def compare(old_files: Mapping[str, str], new_files: Mapping[str, str]) -> Comparison:
    """Compare two versions' file sets."""
    old, new = read_model(old_files), read_model(new_files)
    comparison = Comparison(old, new)
    for key, element in new.elements.items():
        if key not in old.elements:
            comparison.added.append(key)
        elif old.elements[key].signature != element.signature:
            comparison.changed.append(key)
    comparison.removed = [key for key in old.elements if key not in new.elements]
    for name in sorted({*old.whole, *new.whole}):
        if name not in old.whole:
            comparison.files_added.append(name)
        elif name not in new.whole:
            comparison.files_removed.append(name)
        elif old.whole[name] != new.whole[name]:
            comparison.files_changed.append(name)
    return comparison


def diff_files(old: Mapping[str, str], new: Mapping[str, str]) -> VersionDiff:
    """The elements, form questions and files added, changed and removed from ``old`` to ``new``."""
    return describe_comparison(compare(old, new))


def describe_comparison(comparison: Comparison) -> VersionDiff:
    """The diff an approver reads: each entry with its values before and after."""
    return describe(comparison, SCHEMA_DEFAULTS)
