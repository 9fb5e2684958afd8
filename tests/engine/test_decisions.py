"""matching_rules_by_column: a table's rules matched against values of its input columns, not facts."""

from __future__ import annotations

import pytest

from service.engine import compile_process
from service.engine.decisions import DecisionFailed, matching_rules, matching_rules_by_column
from service.engine.specs import CompiledProcess
from tests.engine.test_process_features import TWO_DECISIONS_BPMN, TWO_DECISIONS_DMN


@pytest.fixture(scope="module")
def two_decisions() -> CompiledProcess:
    return compile_process({"two_decisions.bpmn": TWO_DECISIONS_BPMN, "two_tables.dmn": TWO_DECISIONS_DMN})


def test_each_row_of_column_values_gets_every_rule_it_matches(two_decisions: CompiledProcess) -> None:
    rows = [("child", True), ("child", False), ("young person", False), ("adult", False)]
    assert matching_rules_by_column(two_decisions, "route_table", rows) == [
        ["route_rule1"], ["route_rule2"], ["route_rule3"], []]


def test_the_column_expressions_are_not_run(two_decisions: CompiledProcess) -> None:
    # age_band's column reads `age`; by column it is given the value itself, and `? < 13` still applies.
    assert matching_rules_by_column(two_decisions, "age_band_table", [(9,), (15,)]) == [
        ["age_band_rule1"], ["age_band_rule2"]]


def test_the_compiled_table_is_left_as_it_was(two_decisions: CompiledProcess) -> None:
    matching_rules_by_column(two_decisions, "route_table", [("child", True)])
    assert matching_rules(two_decisions, "route_table", {"band": "child", "urgent": False}) == ["route_rule2"]


def test_a_row_an_entry_cannot_compare_is_a_decision_failure(two_decisions: CompiledProcess) -> None:
    with pytest.raises(DecisionFailed, match="age_band_table"):
        matching_rules_by_column(two_decisions, "age_band_table", [("nine",)])
