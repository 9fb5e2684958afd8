"""The diff an approver reads: each changed element's values before and after in plain words, decision
table rules column by column, forms question by question; layout, attribute order, defaults and a
modeler's delete-and-undo show as nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from lxml import etree

from service.engine.xml import parse_xml
from service.processes.diff import diff_files

BPMN, DMN, FORM = "information_sharing.bpmn", "lawful_basis.dmn", "forms/consent.json"
OLD_TIMER = 'in_working_hours(2) if urgency == "same_day" else in_working_days(1)'
NEW_TIMER = 'in_working_hours(2) if urgency == "same_day" else in_working_days(3)'

Files = dict[str, str]


def by_id(root: etree._Element, element_id: str) -> etree._Element:
    [found] = root.xpath(f"//*[@id='{element_id}']")
    return found


def edit(files: Files, name: str, change: Callable[[etree._Element], None]) -> Files:
    root = parse_xml(files[name], name=name)
    change(root)
    return {**files, name: etree.tostring(root, encoding="unicode")}


def edit_form(files: Files, change: Callable[[dict[str, Any]], None]) -> Files:
    form = json.loads(files[FORM])
    change(form)
    return {**files, FORM: json.dumps(form, indent=4)}


def changed(old: Files, new: Files) -> dict[str, list[dict[str, Any]]]:
    """Changed entries by id: their changes."""
    return {entry["id"]: entry["changes"] for entry in diff_files(old, new).changed}


def test_a_changed_timer_shows_its_expression_before_and_after(sharing_process_files: Files) -> None:
    old = sharing_process_files

    def timer(root: etree._Element) -> None:
        [time_date] = by_id(root, "manager_overdue").iter("{*}timeDate")
        time_date.text = NEW_TIMER

    [entry] = diff_files(old, edit(old, BPMN, timer)).changed
    assert entry["changes"] == [{"what": "timer", "before": OLD_TIMER, "after": NEW_TIMER}]
    assert (entry["id"], entry["type"], entry["name"], entry["kind"]) == (
        "manager_overdue", "boundaryEvent", "Advice overdue", "timer on a step")
    assert entry["group"] == {"id": "manager_advice", "name": "Advise and decide", "kind": "step"}
    assert entry["marks"] == ["manager_overdue"]


def test_a_flow_condition_and_its_name(sharing_process_files: Files) -> None:
    old = sharing_process_files

    def condition(root: etree._Element) -> None:
        flow = by_id(root, "f_in_doubt")
        [expression] = flow.iter("{*}conditionExpression")
        expression.text = "unsure == True"
        flow.set("name", "Unsure")

    [entry] = diff_files(old, edit(old, BPMN, condition)).changed
    assert entry["id"] == "f_in_doubt" and entry["group"]["name"] == "In doubt?"
    assert entry["changes"] == [
        {"what": "name", "before": "Yes", "after": "Unsure"},
        {"what": "condition", "before": '(unsure == True or statutory_power == "none_identified") and urgency != '
                                        '"emergency"', "after": "unsure == True"}]


def test_a_step_moved_to_another_lane_shows_its_role_not_the_lanes(sharing_process_files: Files) -> None:
    old = sharing_process_files

    def move(root: etree._Element) -> None:
        [ref] = [r for r in by_id(root, "lane_manager") if r.text == "manager_advice"]
        by_id(root, "lane_dsl").append(ref)

    assert changed(old, edit(old, BPMN, move)) == {
        "manager_advice": [{"what": "lane (role)", "before": "Manager", "after": "DSL"}]}


def test_a_form_and_decision_shown_by_name_and_other_properties(sharing_process_files: Files) -> None:
    old = sharing_process_files

    def change(root: etree._Element) -> None:
        task = by_id(root, "manager_advice")
        [form] = [p for p in task.iter("{*}property") if p.get("name") == "formJsonSchemaFilename"]
        form.set("value", "consent.json")
        [decision] = by_id(root, "decide_confidence").iter("{*}calledDecisionId")
        decision.text = "exemption"

    assert changed(old, edit(old, BPMN, change)) == {
        "manager_advice": [{"what": "form", "before": "advise_and_decide.json", "after": "consent.json"}],
        "decide_confidence": [{"what": "called decision", "before": "confidence", "after": "exemption"}]}


def test_a_decision_rule_changed_column_by_column_with_the_column_labels(sharing_process_files: Files) -> None:
    old = sharing_process_files

    def change(root: etree._Element) -> None:
        by_id(root, "confidence_rule3_in2")[0].text = "-"
        by_id(root, "confidence_rule3_out1")[0].text = '"Emergency"'

    [entry] = diff_files(old, edit(old, DMN, change)).changed
    assert (entry["id"], entry["type"], entry["kind"]) == ("confidence_rule3", "rule", "rule")
    assert entry["changes"] == [
        {"what": "when Child in immediate danger?", "before": "True", "after": "-"},
        {"what": "then Common-law duty of confidence",
         "before": '"Overriding public interest: a child was in immediate danger"', "after": '"Emergency"'}]
    assert entry["group"]["kind"] == "decision" and "duty of confidence" in entry["group"]["name"]
    assert entry["marks"] == ["decide_confidence"], "marked on the step that calls the table"


def test_a_decision_rule_added_lists_its_entries(sharing_process_files: Files) -> None:
    old = sharing_process_files

    def add(root: etree._Element) -> None:
        rule = etree.fromstring(etree.tostring(by_id(root, "exemption_rule4")))
        rule.set("id", "exemption_rule5")
        for n, entry in enumerate(rule.iter("{*}inputEntry", "{*}outputEntry")):
            entry.set("id", f"exemption_rule5_e{n}")
        rule[0].text = "A new rule"
        by_id(root, "exemption_rule4").addnext(rule)

    diff = diff_files(old, edit(old, DMN, add))
    assert (diff.changed, diff.removed) == ([], [])
    [entry] = diff.added
    assert (entry["id"], entry["name"]) == ("exemption_rule5", "A new rule")
    values = {v["what"]: v["value"] for v in entry["values"]}
    assert values["description"] == "A new rule" and values["then Exemption"] == '"None"'
    assert len([w for w in values if w.startswith("when ")]) == 3


def test_form_questions_added_changed_and_removed(sharing_process_files: Files) -> None:
    old = sharing_process_files

    def change(form: dict[str, Any]) -> None:
        questions = form["properties"]
        questions["consent_scope"]["title"] = "What exactly did they agree to?"
        questions["consent_scope"]["description"] = "Who, what, why."
        questions["consent_result"]["oneOf"].pop()
        del questions["consent_method"]
        questions["consent_witness"] = {"type": "string", "title": "Who else was there?"}
        form["required"].append("consent_witness")

    diff = diff_files(old, edit_form(old, change))
    [added] = diff.added
    assert (added["id"], added["type"], added["name"]) == (
        "forms/consent.json#consent_witness", "question", "Who else was there?")
    assert added["values"] == [{"what": "question", "value": "Who else was there?"},
                               {"what": "answer type", "value": "text"},
                               {"what": "must be answered", "value": "yes"}]
    [removed] = diff.removed
    assert removed["name"] == "How was consent given?"
    assert {"what": "choices", "value": "Spoken (in person or by phone); In writing; By email; Another way"} in \
        removed["values"]
    entries = {e["id"].removeprefix("forms/consent.json#"): e["changes"] for e in diff.changed}
    assert entries["consent_scope"] == [
        {"what": "question", "before": "What did they agree to?", "after": "What exactly did they agree to?"},
        {"what": "hint", "before": "What may be shared, with whom and for what.", "after": "Who, what, why."}]
    assert entries["consent_result"] == [{
        "what": "choices", "after": "Consent given; Consent refused; Consent given, then withdrawn",
        "before": "Consent given; Consent refused; Consent given, then withdrawn; Consent not sought"}]
    assert all(e["group"] == {"id": "form:forms/consent.json", "name": "Form: consent.json", "kind": "form"}
               and e["marks"] == ["consider_consent"] for e in [added, removed, *diff.changed])


def test_layout_attribute_order_whitespace_and_defaults_are_no_change(sharing_process_files: Files) -> None:
    old = sharing_process_files

    def layout(root: etree._Element) -> None:
        for bounds in root.iter("{*}Bounds"):
            bounds.set("x", str(float(bounds.get("x", "0")) + 40))
        for element in root.iter():
            element.tail = "\n    "
            if element.text and element.text.strip():
                element.text = f"  {element.text.strip()}\n"
        flow = by_id(root, "f_in_doubt")
        attributes = dict(flow.attrib)
        flow.attrib.clear()
        for name in reversed(list(attributes)):
            flow.set(name, attributes[name])
        del by_id(root, "manager_overdue").attrib["cancelActivity"]  # true is the default

    assert diff_files(old, edit(old, BPMN, layout)).empty
    assert diff_files(old, edit_form(old, lambda form: None)).empty, "the same questions, laid out again"


def test_deleting_an_element_and_undoing_it_is_no_change(sharing_process_files: Files) -> None:
    """bpmn-js puts an element that comes back after a delete and undo at the end of its process and of
    its lane, its shape at the end of the diagram, and its flow back in the steps' flow lists in
    another order."""
    old = sharing_process_files

    def delete_and_undo(root: etree._Element) -> None:
        for element_id in ("manager_overdue", "f_manager_overdue", "manager_overdue_di", "f_manager_overdue_di"):
            element = by_id(root, element_id)
            parent = element.getparent()
            parent.remove(element)
            parent.append(element)
        [ref] = [r for r in by_id(root, "lane_manager") if r.text == "manager_overdue"]
        by_id(root, "lane_manager").append(ref)
        step = by_id(root, "advice_returned")
        incoming = [c for c in step if etree.QName(c).localname == "incoming"]
        for flow in incoming:
            step.remove(flow)
        for flow in reversed(incoming):
            step.insert(1, flow)

    assert diff_files(old, edit(old, BPMN, delete_and_undo)).empty


def test_anything_unreadable_is_shown_as_a_file_not_an_error(sharing_process_files: Files) -> None:
    old = sharing_process_files
    for text in ("not json", "[1, 2]", '{"properties": [1]}', '{"properties": {"a": 1}, "allOf": [{"if": 1}]}',
                 '{"properties": {"a": {"oneOf": [1, {"const": null}], "type": ["string"]}}}', ""):
        diff = diff_files(old, {**old, FORM: text})
        assert diff.changed or diff.added or diff.removed, text
        json.dumps(diff.as_dict())
    [entry] = diff_files(old, {**old, FORM: "not json"}).changed
    assert (entry["id"], entry["type"], entry["changes"][0]["what"]) == (FORM, "file", "contents")
    broken = diff_files(old, {**old, BPMN: "<not a diagram"})
    assert [(e["type"], e["values"]) for e in broken.added] == [("file", [{"what": "size", "value": "14 characters"}])]
    assert "manager_advice" in [e["id"] for e in broken.removed]


def test_hit_policy_and_interrupting_read_their_defaults_when_left_off(sharing_process_files: Files) -> None:
    old = sharing_process_files
    dmn = {**old, DMN: old[DMN].replace('id="article6_basis_table" hitPolicy="UNIQUE"',
                                        'id="article6_basis_table" hitPolicy="FIRST"')}
    assert changed(old, dmn) == {"article6_basis": [{"what": "hit policy", "before": "UNIQUE", "after": "FIRST"}]}

    def keep_the_step(root: etree._Element) -> None:
        by_id(root, "manager_overdue").set("cancelActivity", "false")

    assert changed(old, edit(old, BPMN, keep_the_step)) == {
        "manager_overdue": [{"what": "stops the step", "before": "yes", "after": "no"}]}


SCRIPTED = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/>
<bpmn:scriptTask id="work_out" name="Work out the deadline"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
<bpmn:sequenceFlow id="f" sourceRef="s" targetRef="work_out"/></bpmn:process></bpmn:definitions>"""


def test_a_script_before_and_after() -> None:
    old, new = ({"p.bpmn": SCRIPTED.format(script=s)} for s in ("days = 3", "days = 2"))
    [entry] = diff_files(old, new).changed
    assert (entry["kind"], entry["changes"]) == ("script task", [{"what": "script", "before": "days = 3",
                                                                  "after": "days = 2"}])


def test_a_long_value_is_shown_from_where_it_changed_and_compared_whole(sharing_process_files: Files) -> None:
    old = sharing_process_files
    long_condition = "unsure == True and " + " and ".join(["urgency != 'emergency'"] * 200)

    def condition(root: etree._Element, tail: str) -> None:
        [expression] = by_id(root, "f_in_doubt").iter("{*}conditionExpression")
        expression.text = long_condition + tail

    before = edit(old, BPMN, lambda root: condition(root, " and True"))
    after = edit(old, BPMN, lambda root: condition(root, " and False"))
    [change] = changed(before, after)["f_in_doubt"]
    assert change["before"].startswith("…") and change["before"].endswith(" and True")
    assert change["after"].startswith("…") and change["after"].endswith(" and False")
    assert len(change["after"]) < 2100


def test_a_question_needed_only_for_some_answers_says_which(sharing_process_files: Files) -> None:
    old = sharing_process_files

    def no_longer_for_a_refusal(form: dict[str, Any]) -> None:
        for rule in form["allOf"]:
            if rule["if"]["properties"].get("consent_result", {}).get("const") == "refused":
                rule["then"]["required"].remove("subject_can_consent")

    entries = {e["id"]: e["changes"] for e in diff_files(old, edit_form(old, no_longer_for_a_refusal)).changed}
    assert entries == {"forms/consent.json#subject_can_consent": [{
        "what": "must be answered",
        "before": "when What happened about consent? is Consent refused or Consent given, then withdrawn or "
                  "Consent not sought",
        "after": "when What happened about consent? is Consent given, then withdrawn or Consent not sought"}]}


def test_a_removed_rule_and_timer_are_listed_with_their_values_and_their_step_marked(
        sharing_process_files: Files) -> None:
    old = sharing_process_files

    def drop(*element_ids: str) -> Callable[[etree._Element], None]:
        def change(root: etree._Element) -> None:
            for element_id in element_ids:
                element = by_id(root, element_id)
                element.getparent().remove(element)
        return change

    rule = diff_files(old, edit(old, DMN, drop("exemption_rule4")))
    [entry] = rule.removed
    assert (entry["id"], entry["marks"]) == ("exemption_rule4", ["decide_exemption"])
    assert {"what": "then Exemption", "value": '"None"'} in entry["values"]
    timer = diff_files(old, edit(old, BPMN, drop("dsl_overdue", "f_dsl_overdue", "escalate_further", "f_escalated",
                                                 "end_escalated")))
    removed = {e["id"]: e for e in timer.removed}
    assert removed["dsl_overdue"]["marks"] == ["dsl_advice"], "the step it was on"
    assert {"what": "timer", "value": 'in_working_hours(1) if urgency == "same_day" else in_working_days(1)'} in \
        removed["dsl_overdue"]["values"]
