"""The checks a draft passes before anything is stored: every problem with its element (hardened XML and
the BPMN XSD, the engine's parse, the expression lint, the forms, the policy, the names expressions read
and when they are known), and the uploaded files, change note and review comments read safely."""

from __future__ import annotations

import re
from collections.abc import Mapping

from service.engine import DiagramRejected, Problem
from service.engine.xml import DEFAULT_MAX_BYTES, parse_xml
from service.errors import InvalidInput

from .fact_check import fact_problems
from .policy import _executable_process, check_policy
from .service import validate_files

MAX_UPLOADED_FILES = 200
MAX_CHANGE_NOTE = 4000
# Files besides the diagram: decision tables and forms, with plain names.
_OTHER_FILE = re.compile(r"(forms/[A-Za-z0-9][A-Za-z0-9_.-]{0,150}\.json|[A-Za-z0-9][A-Za-z0-9_.-]{0,150}\.dmn)")


def _policy_problems(files: Mapping[str, str]) -> tuple[list[Problem], str | None, str | None]:
    """The policy's problems with the diagram, with the diagram's name and its process's id."""
    diagrams = [name for name in files if name.endswith(".bpmn")]
    if len(diagrams) != 1:
        return [], None, None
    name = diagrams[0]
    try:
        root = parse_xml(files[name], name=name)
    except (DiagramRejected, UnicodeError, ValueError):
        return [], name, None  # compiling reports why
    try:
        process_id: str | None = _executable_process(root).get("id") or None
    except ValueError:
        process_id = None  # the policy reports it
    try:
        found = check_policy(root)
    except Exception as exc:
        found = [Problem(f"the policy could not be checked: {exc}")]
    return [Problem(p.message, element_id=p.element_id, file=name) for p in found], name, process_id


def draft_problems(files: Mapping[str, str]) -> list[Problem]:
    """Every problem with a set of process files: XML, XSD, the engine's parse, the expression lint,
    the forms, the policy, and the names the expressions use; each naming its element (the process itself
    when nothing smaller). Never raises for bad input."""
    problems: list[Problem] = []
    try:
        validate_files(files)
    except InvalidInput as exc:
        problems.extend(Problem(str(p.get("message") or exc.message), element_id=p.get("element_id") or None,
                                file=p.get("file") or None) for p in exc.problems)
        if not exc.problems:
            problems.append(Problem(exc.message))
    except Exception as exc:
        # Whatever a hostile upload does to the parser is a refusal, not a server error.
        problems.append(Problem(f"cannot be read as a process: {type(exc).__name__}"))
    policy, diagram, process_id = _policy_problems(files)
    problems.extend(policy)
    try:
        problems.extend(fact_problems(files))
    except Exception as exc:
        problems.append(Problem(f"the names the expressions use could not be checked: {type(exc).__name__}"))
    named: list[Problem] = []
    seen: set[tuple[str, str | None, str | None]] = set()  # the same words may concern two forms
    for problem in problems:
        if not problem.element_id and process_id and problem.file in (None, diagram):
            problem = Problem(problem.message, element_id=process_id, file=diagram)
        if (problem.message, problem.element_id, problem.file) not in seen:
            seen.add((problem.message, problem.element_id, problem.file))
            named.append(problem)
    return named


def _element_names(files: Mapping[str, str]) -> dict[str, str]:
    """The diagram's named elements, by id."""
    names: dict[str, str] = {}
    for file, text in files.items():
        if not file.endswith(".bpmn"):
            continue
        try:
            root = parse_xml(text, name=file)
        except (DiagramRejected, UnicodeError, ValueError):
            continue
        for element in root.iter():
            element_id, name = element.get("id"), (element.get("name") or "").strip()
            if isinstance(element.tag, str) and element_id and name:
                names[element_id] = name
    return names


def _in_words(problem: Problem, names: Mapping[str, str]) -> str:
    """A problem as a refusal says it: its element by name with the id in brackets, unless the message does."""
    element_id = problem.element_id
    if element_id and re.search(rf"(?<!\w){re.escape(element_id)}(?!\w)", problem.message):
        return problem.message
    name = names.get(element_id or "")
    if name and f"'{name}'" not in problem.message:
        return f"'{name}' ({element_id}): {problem.message}"
    return str(problem)


def refuse(problems: list[Problem], files: Mapping[str, str]) -> None:
    if not problems:
        return
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    raise InvalidInput(f"the draft was refused: {_in_words(first, _element_names(files))}{more}",
                       field=first.element_id or first.file, problems=[p.as_dict() for p in problems])


def refusal(message: str, *, field: str, file: str | None = None) -> InvalidInput:
    """A refused upload, with its one problem listed like the checks' problems."""
    return InvalidInput(message, field=field, problems=[Problem(message, file=file).as_dict()])


def checked_text(text: object, field: str) -> str:
    if not isinstance(text, str):
        raise refusal(f"{field} must be text", field=field, file=field)
    if "\x00" in text:
        raise refusal(f"{field} must not contain a NUL character", field=field, file=field)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise refusal(f"{field} is not valid text", field=field, file=field) from None
    if size > DEFAULT_MAX_BYTES:
        raise refusal(f"{field} is {size} bytes; the limit is {DEFAULT_MAX_BYTES} bytes", field=field,
                       file=field)
    return text


def draft_files(base: Mapping[str, str], uploaded: Mapping[str, str]) -> dict[str, str]:
    """The base version's files with the uploaded ones over them; the diagram replaces the base's
    diagram (keeping its file name), whatever the upload called it."""
    if not isinstance(uploaded, Mapping) or len(uploaded) > MAX_UPLOADED_FILES:
        raise refusal(f"upload at most {MAX_UPLOADED_FILES} files", field="files")
    diagrams = [name for name in uploaded if isinstance(name, str) and name.endswith(".bpmn")]
    if len(diagrams) != 1:
        raise refusal(f"upload exactly one BPMN diagram (.bpmn); {len(diagrams)} were given", field="bpmn")
    others: dict[str, str] = {}
    for name, text in uploaded.items():
        if name == diagrams[0]:
            continue
        if not isinstance(name, str) or not _OTHER_FILE.fullmatch(name):
            raise refusal(f"{str(name)[:80]!r} is not a file a process holds: send the diagram, decision tables "
                           f"(<name>.dmn) and forms (forms/<name>.json)", field="files")
        others[name] = checked_text(text, name)
    files = {name: text for name, text in base.items() if not name.endswith(".bpmn")}
    diagram_name = next((name for name in sorted(base) if name.endswith(".bpmn")), "diagram.bpmn")
    files[diagram_name] = checked_text(uploaded[diagrams[0]], "bpmn")
    files.update(others)
    return files


def change_note_text(note: object) -> str:
    text = checked_text(note if note is not None else "", "change_note").strip()
    if len(text) > MAX_CHANGE_NOTE:
        raise refusal(f"the change note is longer than {MAX_CHANGE_NOTE} characters", field="change_note")
    return text


def review_comment(text: object, *, required: str | None = None) -> str:
    """A review comment: text up to the change note's length; ``required`` says why one is needed."""
    words = checked_text(text if text is not None else "", "comment").strip()
    if len(words) > MAX_CHANGE_NOTE:
        raise refusal(f"the comment is longer than {MAX_CHANGE_NOTE} characters", field="comment")
    if required and not words:
        raise refusal(required, field="comment")
    return words
