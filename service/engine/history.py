"""Keep an instance's task tree to what is still live, so each step costs the same however long a case runs.

SpiffWorkflow keeps every finished task in the tree, and a looping process grows it without
bound: loading, stepping and saving then cost more with every pass. The case's history is
recorded by the service (audit trail, decision records), so the engine only needs the subtree
that still matters: from the deepest task that is an ancestor of every unfinished task down.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.util.task import TaskState


def _ancestry(task: Any) -> list[Any]:
    chain = []
    node = task
    while node is not None:
        chain.append(node)
        node = node.parent
    chain.reverse()
    return chain


def _deepest_common_ancestor(tasks: list[Any]) -> Any:
    paths = [_ancestry(t) for t in tasks]
    common = None
    for level in zip(*paths, strict=False):
        first = level[0]
        if all(node is first for node in level):
            common = first
        else:
            break
    return common


def prune_finished_history(workflow: Any) -> int:
    """Drop finished tasks above the live part of the tree; returns how many were dropped."""
    if workflow.completed:
        return 0
    live = [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    if not live:
        return 0
    new_root = _deepest_common_ancestor(live)
    if new_root is not None and not new_root.has_state(TaskState.FINISHED_MASK):
        # A waiting task re-reads its parent's data when it wakes: keep the parent as the root.
        new_root = new_root.parent
    if new_root is None or new_root is workflow.task_tree:
        return 0
    keep = {t.id for t in new_root}
    dropped = [task_id for task_id in workflow.tasks if task_id not in keep]
    new_root._parent = None
    workflow.task_tree = new_root
    for task_id in dropped:
        del workflow.tasks[task_id]
        workflow.subprocesses.pop(task_id, None)
    return len(dropped)
