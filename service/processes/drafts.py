"""Process owners change the process: a draft is checked on every save, approved by a second process
owner, then published as a new immutable version; open cases move to it where that is safe.

Every save runs every check and reports every problem with the element it concerns: hardened XML and
the BPMN XSD, the engine's parse, the expression sandbox's lint, the forms, the policy the diagram
must keep (``policy.check_policy``), and that every name an expression uses is a case fact or a helper
called rightly, with sound decision tables (``fact_check.fact_problems``). Nothing is stored for a refused draft.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.actors import Actor
from service.audit.trail import record_event
from service.db import is_postgres
from service.engine import DiagramRejected, Problem, content_hash
from service.engine.xml import DEFAULT_MAX_BYTES, parse_xml
from service.errors import Conflict, Forbidden, InvalidInput, NotFound

from .diff import VersionDiff, diff_files
from .fact_check import fact_problems
from .migration import migrate_open_cases, open_cases_before
from .models import OPEN_DRAFT_STATUSES, DraftComment, DraftStatus, ProcessDefinition, ProcessDraft, ProcessVersion
from .policy import _executable_process, check_policy
from .service import latest_version, register_version, validate_files
from .summaries import draft_diff, draft_summary, process_summary, version_summary

__all__ = [
    "Published",
    "SavedDraft",
    "VersionDiff",
    "approve_draft",
    "create_draft",
    "diff_files",
    "diff_versions",
    "draft_diff",
    "draft_problems",
    "draft_summary",
    "get_draft",
    "get_version",
    "latest",
    "list_definitions",
    "list_drafts",
    "list_processes",
    "list_versions",
    "migrate_open_cases",
    "process_summary",
    "publish_draft",
    "require_process_owner",
    "save_draft",
    "submit_draft",
    "version_summary",
]

PROCESS_OWNER = "process_owner"
MAX_UPLOADED_FILES = 200
MAX_CHANGE_NOTE = 4000
# Files besides the diagram: decision tables and forms, with plain names.
_OTHER_FILE = re.compile(r"(forms/[A-Za-z0-9][A-Za-z0-9_.-]{0,150}\.json|[A-Za-z0-9][A-Za-z0-9_.-]{0,150}\.dmn)")


@dataclass
class Published:
    """A published draft: the new version, and the open cases moved to it or kept on their own."""

    version: ProcessVersion
    migrated: list[str]
    kept: list[str]


@dataclass
class ProcessOverview:
    definition: ProcessDefinition
    latest: ProcessVersion
    pending_drafts: int


def require_process_owner(actor: Actor) -> None:
    if not actor.has_role(PROCESS_OWNER):
        raise Forbidden("changing the process is for process owners")


# --- checking -------------------------------------------------------------------------------------------------


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


def _refuse(problems: list[Problem], files: Mapping[str, str]) -> None:
    if not problems:
        return
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    raise InvalidInput(f"the draft was refused: {_in_words(first, _element_names(files))}{more}",
                       field=first.element_id or first.file, problems=[p.as_dict() for p in problems])


def _invalid(message: str, *, field: str, file: str | None = None) -> InvalidInput:
    """A refused upload, with its one problem listed like the checks' problems."""
    return InvalidInput(message, field=field, problems=[Problem(message, file=file).as_dict()])


def _checked_text(text: object, field: str) -> str:
    if not isinstance(text, str):
        raise _invalid(f"{field} must be text", field=field, file=field)
    if "\x00" in text:
        raise _invalid(f"{field} must not contain a NUL character", field=field, file=field)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise _invalid(f"{field} is not valid text", field=field, file=field) from None
    if size > DEFAULT_MAX_BYTES:
        raise _invalid(f"{field} is {size} bytes; the limit is {DEFAULT_MAX_BYTES} bytes", field=field,
                       file=field)
    return text


def _draft_files(base: Mapping[str, str], uploaded: Mapping[str, str]) -> dict[str, str]:
    """The base version's files with the uploaded ones over them; the diagram replaces the base's
    diagram (keeping its file name), whatever the upload called it."""
    if not isinstance(uploaded, Mapping) or len(uploaded) > MAX_UPLOADED_FILES:
        raise _invalid(f"upload at most {MAX_UPLOADED_FILES} files", field="files")
    diagrams = [name for name in uploaded if isinstance(name, str) and name.endswith(".bpmn")]
    if len(diagrams) != 1:
        raise _invalid(f"upload exactly one BPMN diagram (.bpmn); {len(diagrams)} were given", field="bpmn")
    others: dict[str, str] = {}
    for name, text in uploaded.items():
        if name == diagrams[0]:
            continue
        if not isinstance(name, str) or not _OTHER_FILE.fullmatch(name):
            raise _invalid(f"{str(name)[:80]!r} is not a file a process holds: send the diagram, decision tables "
                           f"(<name>.dmn) and forms (forms/<name>.json)", field="files")
        others[name] = _checked_text(text, name)
    files = {name: text for name, text in base.items() if not name.endswith(".bpmn")}
    diagram_name = next((name for name in sorted(base) if name.endswith(".bpmn")), "diagram.bpmn")
    files[diagram_name] = _checked_text(uploaded[diagrams[0]], "bpmn")
    files.update(others)
    return files


def _change_note(note: object) -> str:
    text = _checked_text(note if note is not None else "", "change_note").strip()
    if len(text) > MAX_CHANGE_NOTE:
        raise _invalid(f"the change note is longer than {MAX_CHANGE_NOTE} characters", field="change_note")
    return text


# --- reading --------------------------------------------------------------------------------------------------


def _plain(value: str, longest: int) -> bool:
    """Whether a looked-up key or id can name anything at all (no database is asked about NULs)."""
    return 0 < len(value) <= longest and "\x00" not in value


def _definition(session: Session, key: str, *, lock: bool = False) -> ProcessDefinition:
    if not _plain(key, 100):
        raise NotFound(f"no process '{key[:100]}'")
    query = select(ProcessDefinition).where(ProcessDefinition.key == key)
    if lock and is_postgres(session):
        query = query.with_for_update()
    definition = session.scalars(query).one_or_none()
    if definition is None:
        raise NotFound(f"no process '{key}' has been published")
    return definition


def list_definitions(session: Session) -> list[ProcessDefinition]:
    """Every published process, by key."""
    return list(session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.key)))


def latest(session: Session, key: str) -> ProcessVersion:
    """The newest version of a process (the one new cases start on, and drafts are made from)."""
    return latest_version(session=session, key=_definition(session, key).key)


def list_processes(session: Session) -> list[ProcessOverview]:
    """Every published process with its newest version and how many drafts await approval or publishing."""
    overviews = []
    for definition in list_definitions(session):
        pending = session.scalar(select(func.count()).select_from(ProcessDraft).where(
            ProcessDraft.definition_key == definition.key,
            ProcessDraft.status.in_([DraftStatus.SUBMITTED, DraftStatus.APPROVED]))) or 0
        overviews.append(ProcessOverview(definition, latest_version(session=session, key=definition.key), pending))
    return overviews


def list_versions(session: Session, key: str) -> list[ProcessVersion]:
    """A process's versions, newest first."""
    definition = _definition(session, key)
    return list(session.scalars(select(ProcessVersion).where(ProcessVersion.definition_id == definition.id)
                                .order_by(ProcessVersion.number.desc())))


def get_version(session: Session, key: str, number: int) -> ProcessVersion:
    definition = _definition(session, key)
    version = session.scalars(select(ProcessVersion).where(ProcessVersion.definition_id == definition.id,
                                                           ProcessVersion.number == number)).one_or_none()
    if version is None:
        raise NotFound(f"process '{key}' has no version {number}")
    return version


def list_drafts(session: Session, key: str) -> list[ProcessDraft]:
    """A process's drafts, newest first."""
    _definition(session, key)
    return list(session.scalars(select(ProcessDraft).where(ProcessDraft.definition_key == key)
                                .order_by(ProcessDraft.created_at.desc(), ProcessDraft.id)))


def get_draft(session: Session, key: str, draft_id: str) -> ProcessDraft:
    draft = None
    if _plain(draft_id, 36) and _plain(key, 100):
        draft = session.scalars(select(ProcessDraft).where(ProcessDraft.id == draft_id,
                                                           ProcessDraft.definition_key == key)
                                .execution_options(populate_existing=True)).one_or_none()
    if draft is None:
        raise NotFound(f"process '{key[:100]}' has no draft {draft_id[:36]}")
    return draft


def diff_versions(*, session: Session, key: str, from_number: int, to_number: int) -> VersionDiff:
    """The elements added, changed and removed from one version of a process to another."""
    old = get_version(session, key, from_number)
    new = get_version(session, key, to_number)
    return diff_files(old.file_map(), new.file_map())


# --- changing -------------------------------------------------------------------------------------------------


@dataclass
class SavedDraft:
    """A save: the owner's draft, whether the save made it (else it edited it in place), and whether its
    files changed."""

    draft: ProcessDraft
    created: bool
    changed: bool


def owners_open_draft(session: Session, key: str, username: str) -> ProcessDraft | None:
    """The one draft of this process still in this owner's hands (working, submitted, rejected or approved)."""
    return session.scalars(select(ProcessDraft).where(
        ProcessDraft.definition_key == key, ProcessDraft.author == username,
        ProcessDraft.status.in_(OPEN_DRAFT_STATUSES)).order_by(ProcessDraft.created_at.desc())).first()


def log_step(draft: ProcessDraft, *, actor: Actor, action: str, text: str, now: datetime) -> None:
    """Add one step to the draft's review thread, in the words of whoever took it."""
    draft.comments.append(DraftComment(author=actor.username, action=action, text=text, at=now))


def save_draft(*, session: Session, key: str, uploaded: Mapping[str, str], actor: Actor, change_note: str,
               now: datetime, submit: bool = False) -> SavedDraft:
    """Save a process owner's draft of the next version, if it passes every check (else 422, nothing stored).

    Each owner has one draft per process, edited in place: the uploaded files go over that draft's own
    files (or, for a new draft, over the newest version's), and it is made from the newest version again.
    Changing a submitted or approved draft takes it back to working: it must be submitted again. With
    ``submit`` the draft is also asked to be approved.
    """
    require_process_owner(actor)
    base = latest_version(session=session, key=_definition(session, key).key)
    note = _change_note(change_note)
    draft = owners_open_draft(session, key, actor.username)
    under = draft.file_map() if draft is not None else base.file_map()
    files = _draft_files(under, uploaded)
    _refuse(draft_problems(files), files)
    digest = content_hash(files)
    if digest == base.content_hash:
        raise _invalid(f"nothing has changed: the draft is the same as version {base.number}", field="bpmn")
    same = session.scalars(select(ProcessVersion).where(ProcessVersion.definition_id == base.definition_id,
                                                        ProcessVersion.content_hash == digest)).first()
    if same is not None and not (draft is not None and draft.rollback_of == same.number):
        raise _invalid(f"the draft is the same as version {same.number}: to bring it back, use \"Roll back to "
                       f"this version\" on the Processes page", field="bpmn")
    created = draft is None
    if draft is None:
        draft = ProcessDraft(id=str(uuid.uuid4()), definition_key=key, base_version_id=base.id, base_version=base,
                             files=files_json(files), content_hash=digest, author=actor.username,
                             author_roles_granted_by=actor.roles_granted_by, change_note=note,
                             status=DraftStatus.WORKING, created_at=now, updated_at=now)
        session.add(draft)
        changed = True
    else:
        changed = digest != draft.content_hash or base.id != draft.base_version_id
        if changed and draft.status in (DraftStatus.SUBMITTED, DraftStatus.APPROVED):
            log_step(draft, actor=actor, action="withdrawn", now=now,
                     text=f"Changed after it was {draft.status}: it needs submitting again.")
            draft.status, draft.approved_by, draft.approved_at = DraftStatus.WORKING, None, None
        if changed:
            draft.files, draft.content_hash, draft.updated_at = files_json(files), digest, now
            draft.base_version_id, draft.base_version = base.id, base
            if draft.rollback_of is not None and (same is None or same.number != draft.rollback_of):
                draft.rollback_of = None  # edited: no longer a plain rollback
        if note:
            draft.change_note = note
    session.flush()
    if changed:
        record_event(session=session, actor=actor, action="process_draft_saved", at=now,
                     summary={"process": key, "draft": draft.id, "base_version": base.number,
                              "content_hash": digest})
    if submit and draft.status != DraftStatus.SUBMITTED:
        submit_draft(session=session, key=key, draft_id=draft.id, actor=actor, now=now, comment="")
    return SavedDraft(draft=draft, created=created, changed=changed)


def create_draft(*, session: Session, key: str, uploaded: Mapping[str, str], actor: Actor, change_note: str,
                 now: datetime, submit: bool = False) -> ProcessDraft:
    """``save_draft``, for callers that need only the draft."""
    return save_draft(session=session, key=key, uploaded=uploaded, actor=actor, change_note=change_note, now=now,
                      submit=submit).draft


def review_comment(text: object, *, required: str | None = None) -> str:
    """A review comment: text up to the change note's length; ``required`` says why one is needed."""
    words = _checked_text(text if text is not None else "", "comment").strip()
    if len(words) > MAX_CHANGE_NOTE:
        raise _invalid(f"the comment is longer than {MAX_CHANGE_NOTE} characters", field="comment")
    if required and not words:
        raise _invalid(required, field="comment")
    return words


def _up_to_date(session: Session, draft: ProcessDraft, doing: str) -> ProcessVersion:
    newest = latest_version(session=session, key=draft.definition_key)
    if draft.base_version_id != newest.id:
        made_from = draft.base_version.number if draft.base_version else "?"
        raise Conflict(f"this draft is out of date: it was made from version {made_from} and version "
                       f"{newest.number} was published since; its author must open it and save it again before "
                       f"it can be {doing}")
    return newest


def submit_draft(*, session: Session, key: str, draft_id: str, actor: Actor, now: datetime,
                 comment: object = "") -> ProcessDraft:
    """The author asks a second process owner to approve their working (or rejected) draft."""
    require_process_owner(actor)
    draft = get_draft(session, key, draft_id)
    if draft.author != actor.username:
        raise Forbidden(f"only {draft.author}, who wrote this draft, can submit it")
    if draft.status not in (DraftStatus.WORKING, DraftStatus.REJECTED):
        raise Conflict(f"the draft is {draft.status}: only a working or rejected draft can be submitted")
    words = review_comment(comment)
    _up_to_date(session, draft, "submitted")
    draft.status, draft.submitted_at = DraftStatus.SUBMITTED, now
    log_step(draft, actor=actor, action="submitted", text=words, now=now)
    record_event(session=session, actor=actor, action="process_draft_submitted", at=now,
                 summary={"process": key, "draft": draft.id})
    session.flush()
    return draft


def files_json(files: Mapping[str, str]) -> str:
    return json.dumps(dict(sorted(files.items())))


def require_second_owner(draft: ProcessDraft, actor: Actor, doing: str) -> None:
    """Four eyes: the one who approves or rejects a draft is never its author, nor tied to them by roles."""
    if draft.author == actor.username:
        raise Forbidden(f"a second process owner must {doing}: you wrote this draft")
    if actor.roles_granted_by == draft.author:
        raise Forbidden(f"a second process owner must {doing}: {draft.author}, who wrote this draft, gave you your "
                        "roles, so the two of you are not four independent eyes")
    if draft.author_roles_granted_by == actor.username:
        raise Forbidden(f"a second process owner must {doing}: you gave {draft.author}, who wrote this draft, their "
                        "roles, so the two of you are not four independent eyes")


def approve_draft(*, session: Session, key: str, draft_id: str, actor: Actor, now: datetime,
                  comment: object = "") -> ProcessDraft:
    """A second process owner approves a submitted draft (four eyes: never its author), with a comment."""
    require_process_owner(actor)
    draft = get_draft(session, key, draft_id)
    require_second_owner(draft, actor, "approve")
    if draft.status == DraftStatus.WORKING:
        raise Conflict("the draft has not been submitted for approval yet: its author is still working on it")
    if draft.status != DraftStatus.SUBMITTED:
        raise Conflict(f"the draft is already {draft.status}")
    words = review_comment(comment)
    _up_to_date(session, draft, "approved")
    draft.status = DraftStatus.APPROVED
    draft.approved_by = actor.username
    draft.approved_at = now
    log_step(draft, actor=actor, action="approved", text=words, now=now)
    record_event(session=session, actor=actor, action="process_draft_approved", at=now,
                 summary={"process": key, "draft": draft.id, "author": draft.author, "comment": words})
    session.flush()
    return draft


def publish_draft(*, session: Session, key: str, draft_id: str, actor: Actor, now: datetime,
                  migrate: bool = True) -> Published:
    """Publish an approved draft as the newest version; new cases start on it, and (with ``migrate``)
    open cases move to it where that is safe."""
    require_process_owner(actor)
    # One publisher at a time per process: the version numbers and the "newest" check depend on it.
    definition = _definition(session, key, lock=True)
    draft = get_draft(session, key, draft_id)
    if draft.status == DraftStatus.PUBLISHED:
        number = draft.published_version.number if draft.published_version else "?"
        raise Conflict(f"the draft was already published as version {number}")
    if draft.status != DraftStatus.APPROVED:
        raise Conflict("the draft needs approval by a second process owner first")
    latest = latest_version(session=session, key=key)
    if draft.base_version_id != latest.id:
        raise Conflict(f"another version was published since; save the draft again (the newest is version "
                       f"{latest.number})")
    files = draft.file_map()
    _refuse(draft_problems(files), files)
    version = register_version(session=session, key=key, name=definition.name, files=files, author=draft.author,
                               change_note=draft.change_note, now=now, repeat=draft.rollback_of is not None)
    if version.number <= latest.number:
        raise Conflict(f"the draft is the same as version {version.number}")
    version.approved_by = draft.approved_by
    draft.status = DraftStatus.PUBLISHED
    draft.published_version_id = version.id
    draft.published_version = version
    log_step(draft, actor=actor, action="published", text=f"Published as version {version.number}.", now=now)
    record_event(session=session, actor=actor, action="process_published", at=now,
                 summary={"process": key, "version": version.number, "draft": draft.id, "author": draft.author,
                          "approved_by": draft.approved_by, "content_hash": version.content_hash})
    session.flush()
    if migrate:
        migrated, kept = migrate_open_cases(session=session, key=key, to_version=version, now=now)
    else:
        migrated, kept = [], [case.id for case in open_cases_before(session, version)]
    return Published(version=version, migrated=migrated, kept=kept)
