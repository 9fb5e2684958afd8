"""The engine adapter on its own: READY checks, timers, serialisation without the spec, flat history."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from service.engine import SPEC_CACHE, Instance, SpecCache, TaskNotReady, UnknownTask, compile_process
from service.engine.instance import SERIALIZER_VERSION
from tests.conftest import DATA, review_files


@pytest.fixture(scope="module")
def review():
    return compile_process(review_files())


@pytest.fixture(scope="module")
def loop():
    return compile_process({"loop_case.bpmn": (DATA / "loop_case.bpmn").read_text()})


def test_state_is_stored_without_the_spec_and_with_the_serializer_version(review, now):
    instance = Instance.start(review, {"urgency": "routine"}, now=now)
    state = json.loads(instance.dump())
    assert "spec" not in state and "subprocess_specs" not in state
    assert state["serializer_version"] == SERIALIZER_VERSION
    again = Instance.load(review, instance.dump())
    assert [t.element_id for t in again.ready_tasks()] == ["describe_concern"]


def test_only_a_ready_task_can_be_completed(review, now):
    instance = Instance.start(review, {"urgency": "routine"}, now=now)
    first = instance.ready_tasks()[0].task_id
    assert instance.task_data(first)["urgency"] == "routine"
    instance.complete(first, {"concern": "x", "unsure": True}, now=now)
    # A finished task is either pruned from the live tree or not READY: never run twice.
    with pytest.raises((TaskNotReady, UnknownTask)):
        instance.complete(first, {"concern": "y", "unsure": False}, now=now)
    (waiting_timer,) = [t for t in instance.workflow.get_tasks() if t.task_spec.bpmn_id == "advice_overdue"]
    with pytest.raises(TaskNotReady, match="waiting"):
        instance.complete(str(waiting_timer.id), {}, now=now)
    with pytest.raises(UnknownTask):
        instance.complete("00000000-0000-0000-0000-000000000000", {}, now=now)
    with pytest.raises(UnknownTask):
        instance.complete("not-a-uuid", {}, now=now)


def test_the_next_timer_is_the_earliest_waiting_one_and_fires_only_when_due(review, now):
    instance = Instance.start(review, {"urgency": "same_day"}, now=now)
    instance.complete(instance.ready_tasks()[0].task_id, {"concern": "x", "unsure": True}, now=now)
    due = now + timedelta(hours=2)
    assert instance.next_timer_at() == due
    assert instance.ready_tasks()[0].due_at == due
    assert instance.due_timer_elements(due - timedelta(seconds=1)) == []
    instance.wake(now=due - timedelta(seconds=1))
    assert instance.next_timer_at() == due
    assert instance.due_timer_elements(due + timedelta(seconds=1)) == ["advice_overdue"]
    instance.wake(now=due + timedelta(seconds=1))
    assert instance.next_timer_at() is None
    assert [t.element_id for t in instance.ready_tasks()] == ["give_advice"]


def test_a_long_running_loop_keeps_a_flat_state(loop, now):
    instance = Instance.start(loop, {}, now=now)
    sizes = {}
    # Past 1,000 tree levels the library's own task iterator would stop finding the live task.
    for step in range(1, 451):
        state = instance.dump()
        sizes[step] = len(state)
        instance = Instance.load(loop, state)
        (task,) = instance.ready_tasks()
        instance.complete(task.task_id, {"more": True, "note": "same length"}, now=now)
    assert sizes[450] <= sizes[5] * 1.1, (sizes[5], sizes[450])
    assert len(instance.workflow.tasks) < 20


def test_the_spec_cache_compiles_once_per_content_hash():
    cache = SpecCache(capacity=2)
    files = review_files()
    loads = []

    def load():
        loads.append(1)
        return files

    first = cache.get("v1", load)
    assert cache.get("v1", load) is first and len(loads) == 1
    cache.get("v2", load)
    cache.get("v3", load)  # evicts v1, the least recently used
    cache.get("v1", load)
    assert cache.compilations == 4 and len(loads) == 4
    assert SPEC_CACHE is not cache
