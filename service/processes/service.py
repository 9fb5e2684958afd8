"""Register process versions and hand out their compiled specs and forms."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from service.engine import SPEC_CACHE, CompiledProcess, DiagramRejected, Problem, compile_process, content_hash
from service.errors import InvalidInput, NotFound

from .form_check import form_problems
from .models import ProcessDefinition, ProcessFile, ProcessVersion

FORMS_PREFIX = "forms/"
DIAGRAM_SUFFIXES = (".bpmn", ".dmn")


def read_process_files(directory: Path) -> dict[str, str]:
    """The BPMN, DMN and form files of a workflows directory, keyed by relative path."""
    files: dict[str, str] = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and (path.suffix in DIAGRAM_SUFFIXES or path.parent.name == "forms"):
            files[path.relative_to(directory).as_posix()] = path.read_text(encoding="utf-8")
    return files


def _kind(name: str) -> str:
    if name.endswith(".bpmn"):
        return "bpmn"
    if name.endswith(".dmn"):
        return "dmn"
    return "form"


def _form_problems(files: Mapping[str, str], compiled: CompiledProcess) -> list[Problem]:
    problems: list[Problem] = []
    for name, text in files.items():
        if _kind(name) != "form":
            continue
        try:
            schema = json.loads(text)
            Draft202012Validator.check_schema(schema)
        except (json.JSONDecodeError, SchemaError) as exc:
            problems.append(Problem(f"not a valid JSON Schema: {getattr(exc, 'message', exc)}", file=name))
            continue
        problems.extend(form_problems(name, schema))
    for task in compiled.user_tasks.values():
        if task.form and FORMS_PREFIX + task.form not in files:
            problems.append(Problem(f"form '{task.form}' is not among the uploaded files", task.element_id))
    return problems


def validate_files(files: Mapping[str, str], *, max_bytes: int | None = None) -> CompiledProcess:
    """Compile and check a set of process files; raise InvalidInput listing every problem."""
    try:
        compiled = compile_process(files, max_bytes=max_bytes) if max_bytes else compile_process(files)
    except DiagramRejected as exc:
        raise _rejected(exc.problems) from None
    problems = _form_problems(files, compiled)
    if problems:
        raise _rejected(problems)
    return compiled


def _rejected(problems: list[Problem]) -> InvalidInput:
    first = problems[0]
    return InvalidInput(
        f"the process was rejected: {first}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
        field=first.element_id or first.file,
        problems=[p.as_dict() for p in problems],
    )


def register_version(
    *,
    session: Session,
    key: str,
    name: str,
    files: Mapping[str, str],
    author: str,
    change_note: str,
    now: datetime,
    repeat: bool = False,
) -> ProcessVersion:
    """Store a new immutable version of a process after validating it. The same content twice is one
    version, unless ``repeat`` (a rollback brings an earlier version's files back as the newest)."""
    compiled = validate_files(files)
    definition = session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key)).one_or_none()
    if definition is None:
        definition = ProcessDefinition(key=key, name=name, created_at=now)
        session.add(definition)
        session.flush()
    digest = content_hash(files)
    existing = session.scalars(
        select(ProcessVersion).where(
            ProcessVersion.definition_id == definition.id, ProcessVersion.content_hash == digest
        ).order_by(ProcessVersion.number.desc()).limit(1)
    ).first()
    if existing is not None and not repeat:
        return existing
    number = (
        session.scalar(select(func.max(ProcessVersion.number)).where(ProcessVersion.definition_id == definition.id))
        or 0
    ) + 1
    version = ProcessVersion(
        definition_id=definition.id,
        number=number,
        content_hash=digest,
        process_id=compiled.process_id,
        author=author,
        change_note=change_note,
        created_at=now,
        files=[ProcessFile(name=n, kind=_kind(n), content=c) for n, c in sorted(files.items())],
    )
    session.add(version)
    session.flush()
    return version


# Built once: every new case runs it.
_LATEST_VERSION = (select(ProcessVersion).join(ProcessDefinition)
                   .where(ProcessDefinition.key == bindparam("key"))
                   .order_by(ProcessVersion.number.desc()).limit(1))


def latest_version(*, session: Session, key: str) -> ProcessVersion:
    """The newest version of a process, which new cases start on."""
    version = session.scalars(_LATEST_VERSION, {"key": key}).one_or_none()
    if version is None:
        raise NotFound(f"no process '{key}' has been published")
    return version


def compiled_process(version: ProcessVersion) -> CompiledProcess:
    """The executable spec of a version, parsed once per content hash."""
    return SPEC_CACHE.get(version.content_hash, version.file_map)


def policy_step(version: ProcessVersion, element_id: str) -> str | None:
    """The policy step a user task of a version is marked as (``policyStep``), if any."""
    info = compiled_process(version).user_tasks.get(element_id)
    return info.policy_step if info else None


# Versions are immutable, so a form parsed once per content hash stays right; the files are
# only read from the database on a miss.
_FORM_CACHE: dict[tuple[str, str], dict[str, Any]] = {}
_FORM_CACHE_LIMIT = 1024


def form_schema(version: ProcessVersion, form: str | None) -> dict[str, Any] | None:
    """The JSON Schema of a user task's form, or None when the task has no form."""
    if form is None:
        return None
    key = (version.content_hash, form)
    schema = _FORM_CACHE.get(key)
    if schema is None:
        text = version.file_map().get(FORMS_PREFIX + form)
        if text is None:
            raise NotFound(f"form '{form}' is missing from process version {version.number}")
        if len(_FORM_CACHE) >= _FORM_CACHE_LIMIT:
            _FORM_CACHE.clear()
        schema = _FORM_CACHE[key] = json.loads(text)
    return schema
