"""A task's page as the person sees it: the form as the case asks it, what the case holds so far, the
record's preview at the record step, who else may take it, and the page drawn again after a refused step."""

from __future__ import annotations

from typing import Any

from flask import render_template

from service import casework
from service.access import can_work_task, may_assign
from service.cases import service as cases
from service.cases.models import Case
from service.disclosures.service import SECURE_LINK
from service.processes.identifying import IDENTIFYING_DETAILS, option_fields
from service.processes.service import policy_step
from service.records import view
from service.tasks import service as tasks
from service.tasks.form_rules import case_suggestions
from service.tasks.service import form_as_the_case_asks

from .context import actor, now, transaction
from .forms import conditions, fields_for


def task_page_again(task_id: str, answers: dict[str, Any], error: str,
                     field_errors: dict[str, str] | None = None) -> str:
    """The task's page once more, after a refused step: what was typed kept, the problem said."""
    with transaction() as db:
        task_row = tasks.get_task(session=db, task_id=task_id)
        case = cases.get_case(session=db, case_id=task_row.case_id)
        facts, schema = form_as_the_case_asks(task_row, case)
    return task_page(task_row, case, schema, answers, error, field_errors, facts=facts)


def task_page(task_row: Any, case: Case, schema: dict[str, Any], data: dict[str, Any], error: str | None = None,
               field_errors: dict[str, str] | None = None, *, facts: dict[str, Any]) -> str:
    from .links import transmission_preview

    current = actor()
    secure_link = transmission_preview(task_row.id)
    with transaction() as db:  # the page is drawn from this transaction's copy of the case, forms and all
        case = cases.get_case(session=db, case_id=case.id)
        yours = task_row.assignee == current.username or task_row.claimed_by == current.username
        may_work = yours or can_work_task(current, task_row, case)
        step = policy_step(case.process_version, task_row.element_id)
        colleagues: list[str] = []
        if task_row.state == "open" and may_assign(current, case):
            colleagues = casework.eligible_assignees(session=db, task=task_row, case=case)
        so_far = view.case_so_far(session=db, case=case)
        # Checking the record before confirming it: the revision as it will be written, nothing stored.
        preview = view.record_preview(session=db, case=case, actor=current, now=now()) \
            if step == "record" and task_row.state == "open" and may_work else None
        options = {IDENTIFYING_DETAILS: tasks.case_identifying_details(session=db, case=case)} \
            if option_fields(schema) else {}
        fields = fields_for(schema, data, field_errors, options, case_suggestions(schema, facts))
        if secure_link:  # the link has its own button: the form below is for sending another way
            for one in fields:
                one.choices = [(value, label) for value, label in one.choices if value != SECURE_LINK]
        return render_template("task.html", task=task_row, case=case, schema=schema, error=error,
                               field_errors=field_errors or {}, fields=fields,
                               may_work=may_work, colleagues=colleagues, conditions=conditions(schema),
                               secure_link=secure_link, so_far=view.case_so_far_sections(so_far),
                               consultation=step == "consultation", question=_question_for_adviser(so_far),
                               preview=preview)


def _question_for_adviser(so_far: list[dict[str, Any]]) -> str | None:
    """The practitioner's latest question for an adviser, if they wrote one."""
    for step in reversed(so_far):
        for answer in step["answers"]:
            if answer["field"] == "question_for_adviser":
                return str(answer["answer"])
    return None
