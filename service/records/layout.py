"""The decision record's one definition: its sections, their lines, and the words each value is shown in.

The record is shown three ways (the API's JSON, the case page, the PDF); all three are rendered
from the sections built here, so they cannot drift apart. A section is a heading with labelled
lines and, below them, sections of its own (each revision, each advice given, each step's
answers, each transmission). Stored codes are shown in the words of the form that offered them
(``VOCABULARY`` adds the few the forms do not hold); empty values are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from service.uktime import uk_time

# (field, label) of each part of the record, in the order a reader meets them.
REQUEST_LINES = (
    ("direction", "How the case began"), ("received_at", "Received"), ("channel", "How it reached us"),
    ("urgency", "Urgency"), ("needed_by", "Needed by"), ("requester_name", "Who asked"),
    ("requester_role", "Their role"), ("requester_organisation", "Their organisation"),
    ("requester_contact", "How to contact them"), ("requester_verified_how", "How their identity was checked"),
    ("requester_verified_by", "Checked by"), ("requester_verified_at", "Checked"),
    ("requester_authority", "The power or authority they rely on"), ("purpose", "Purpose"),
    ("purpose_other", "The purpose, in words"), ("statutory_power", "The law that gives the power or duty to share"),
    ("data_categories", "Kinds of information"), ("special_category", "Special category data (such as health)"),
    ("criminal_offence_data", "Criminal offence data"), ("confidential", "Given in confidence"),
    ("data_sharing_agreement", "Data sharing agreement or protocol"),
)
DECISION_PARTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("The decision", (
        ("outcome", "Outcome"), ("decision_summary", "What was decided, and why (in the recorder's words)"),
        ("no_basis_reason", "Why it may not be shared"), ("decided_at", "Decided"),
        ("decision_maker", "Decided by"), ("decision_maker_role", "Their role"), ("recorded_by", "Recorded by"),
        ("retention_rule", "How long the record is kept"))),
    ("Lawful basis", (
        ("article6_basis", "UK GDPR Article 6 basis"),
        ("article9_condition", "Article 9 condition (special category data)"),
        ("schedule1_paragraph", "DPA 2018 Schedule 1 condition"), ("condition_reasons", "Why these conditions"),
        ("article10_condition", "Article 10 condition (criminal offence data)"),
        ("exemption", "Exemption (never a lawful basis)"),
        ("common_law_justification", "Common-law duty of confidence"), ("basis_notes", "Notes on the basis"))),
    ("Consent", (
        ("consent_sought", "Consent sought"), ("consent_not_sought_reason", "Why consent was not sought"),
        ("consent_of_whom", "Whose consent"), ("consent_by_name", "Their name"), ("consent_result", "Result"),
        ("consent_explicit", "Given clearly, in words"), ("consent_scope", "What they agreed to"),
        ("consent_date", "Date"), ("consent_method", "How"),
        ("consent_override_reason", "Sharing without consent: the reasons given"))),
    ("How much was shared", (
        ("withheld_and_why", "Withheld, and why"),
        ("identifying_details_withheld", "Identifying details withheld"))),
    ("Not sharing", (
        ("not_sharing_reasons", "Why it is not shared"), ("discussed_with_requester_on", "Requester told on"),
        ("how_requester_told", "How the requester was told"))),
    ("Telling the person", (
        ("subject_informed", "Person told"), ("subject_informed_who", "Who was told"),
        ("subject_informed_relationship", "Who they are"), ("also_told", "Anyone else told"),
        ("subject_informed_when", "When"), ("subject_informed_how", "How"),
        ("subject_not_informed_reason", "Why they were not told"))),
    ("Review", (("review_date", "Review date"), ("reconsideration_history", "Reconsiderations"))),
)
ADVICE_LINES = (("decision", "Decision"), ("advice", "Advice and reasons"), ("question", "The question asked"),
                ("also_consulted", "Also consulted"), ("subject_named", "Child named"))
DISCLOSURE_LINES = (
    ("recipient_person", "Recipient"), ("recipient_role", "Their role"), ("recipient_organisation", "Organisation"),
    ("recipient_address", "Sent to"), ("reference", "Incident or reference number"),
    ("recipient_verified_how", "How the recipient was checked"), ("sent_at", "Sent"), ("channel", "How it was sent"),
    ("security_controls", "How it was kept secure"), ("purpose_snapshot", "Purpose"),
    ("basis_snapshot", "Lawful basis"), ("identifying_details", "Identifying details shared"),
    ("onward_sharing_restrictions", "Limits on passing it on"), ("receipt", "Receipt"),
    ("subject_informed", "Person told"), ("subject_not_informed_reason", "Why they were not told"),
    ("retention_rule", "Kept"), ("secure_link", "Secure link"),
)
# Words for codes that no form offers as a choice.
VOCABULARY: dict[str, dict[str, str]] = {
    "outcome": {"share_in_full": "Share in full", "share_in_part": "Share in part", "decline": "Do not share",
                "defer": "Not decided yet"},
    "direction": {"outbound_concern": "A concern raised by the practitioner",
                  "inbound_request": "A request for information"},
    "urgency": {"emergency": "Emergency", "same_day": "Same day", "routine": "Routine"},
    "role": {"practitioner": "practitioner", "manager": "manager", "dsl": "designated safeguarding lead"},
    "decision": {"share": "Share", "do_not_share": "Do not share", "seek_more_information": "Find out more first"},
    "currency": {"current": "current", "historical": "historical"},
    "status": {"active": "open", "completed": "finished", "incident": "stopped"},
    "channel": {"raised by the practitioner": "Raised by the practitioner"},
}


def in_words(code: str, kind: str) -> str:
    """A code of the fixed vocabulary in words, e.g. ``in_words("same_day", "urgency")`` is "Same day"."""
    return VOCABULARY.get(kind, {}).get(code, code)


def case_status(status: str) -> str:
    """A case's state as people say it: open, finished, stopped."""
    return VOCABULARY["status"].get(status, status)


@dataclass(frozen=True)
class Line:
    """A labelled value; who gave it and when, where that is known."""

    label: str
    value: str
    by: str | None = None
    at: str | None = None


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[Line, ...] = ()
    parts: tuple[Section, ...] = ()
    note: str | None = None


@dataclass
class Words:
    """How a stored value reads: the forms' own choice titles, then the fixed vocabulary."""

    choices: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def of(self, key: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, list):
            return "; ".join(self.of(key, v) for v in value)
        text = str(value)
        if key.endswith("_at"):
            return _moment(text)
        if key.endswith(("_on", "_date", "_when", "needed_by")) or key == "review_date":
            return _day(text)
        if key == "data_categories":  # stored as one comma-separated text
            return "; ".join(self._word(key, part.strip()) for part in text.split(","))
        return self._word(key, text)

    def _word(self, key: str, text: str) -> str:
        staff = VOCABULARY["role"] if key.endswith("_role") else None  # e.g. the decision maker's role
        # Who the person told is: one of the case's people, in the words the form offered for their role.
        asked_as = "role" if key == "subject_informed_relationship" else key
        for table in (self.choices.get(asked_as), VOCABULARY.get(key), staff):
            if table and text in table:
                return table[text]
        return text


def record_sections(record: Mapping[str, Any], words: Words, *, preview: bool = False) -> list[Section]:
    """The whole record as sections: the request, each revision (newest first), new information, transmissions."""
    sections: list[Section] = []
    request = record.get("sharing_request")
    if request:
        sections.append(_request_section(request, words))
    for information in record.get("new_information") or []:
        sections.append(Section("New information", (
            Line("What is new", information["information"], information["given_by"], information["received_at"]),)))
    revisions = list(record.get("decisions") or [])
    for revision in reversed(revisions):
        sections.append(_revision_section(revision, words, preview=preview))
    for entry in record.get("disclosures") or []:
        sections.append(_disclosure_section(entry, words))
    return sections


def step_sections(steps: Sequence[Mapping[str, Any]]) -> list[Section]:
    """Every step's answers: a section per completed step, each answer a line (the case so far)."""
    return [Section(_step_title(step), tuple(Line(a["question"], a["answer"]) for a in step["answers"]))
            for step in steps]


def as_json(sections: Sequence[Section]) -> list[dict[str, Any]]:
    return [asdict(section) for section in sections]


def _request_section(request: Mapping[str, Any], words: Words) -> Section:
    people = tuple(Line(words.of("role", p.get("role")).capitalize() or "Person", _person(p))
                   for p in request.get("subjects") or [])
    lines = _lines(request, REQUEST_LINES, words)
    return Section("The request or concern", lines, (Section("Who it is about", people),) if people else ())


def _revision_section(revision: Mapping[str, Any], words: Words, *, preview: bool) -> Section:
    title = (f"Revision {revision['revision']} (not yet recorded)" if preview else
             f"Revision {revision['revision']}: {words.of('outcome', revision['outcome'])}, "
             f"{_moment(revision['decided_at'])}")
    parts = [Section(heading, _lines(revision, fields, words)) for heading, fields in DECISION_PARTS]
    parts = [part for part in parts if part.lines]
    advice = [Section(f"Advice from {a['adviser']} ({words.of('role', a['adviser_role'])}), {_moment(a['given_at'])}",
                      _lines(a, ADVICE_LINES, words)) for a in revision.get("advice") or []]
    if advice:
        parts.append(Section("Advice", parts=tuple(advice)))
    steps = _steps_of(revision.get("every_answer") or [])
    if steps:
        parts.append(Section("Every question asked, and the answers given", parts=tuple(step_sections(steps))))
    return Section(title, parts=tuple(parts))


def _disclosure_section(entry: Mapping[str, Any], words: Words) -> Section:
    values = dict(entry)
    values["receipt"] = (f"{entry['receipt_by'] or 'Confirmed'}, {_moment(entry['receipt_at'])}"
                         if entry.get("receipt_at") else "Not yet confirmed")
    link = entry.get("secure_link")
    values["secure_link"] = _link_state(link) if link else None
    items = tuple(Line(f"Item {i}", _item(item, words)) for i, item in enumerate(entry.get("items") or [], start=1))
    title = f"Shared with {entry['recipient_organisation'] or entry['recipient_person']}, {_moment(entry['sent_at'])}"
    shared = (Section("What was shared", items),) if items else ()
    return Section(title, _lines(values, DISCLOSURE_LINES, words), shared)


def _lines(values: Mapping[str, Any], fields: Sequence[tuple[str, str]], words: Words) -> tuple[Line, ...]:
    return tuple(Line(label, words.of(key, values.get(key))) for key, label in fields
                 if values.get(key) not in (None, "", []))


def _steps_of(answers: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for answer in answers:
        key = (answer.get("element_id"), answer.get("answered_at"), answer.get("answered_by"))
        if not steps or steps[-1]["key"] != key:
            steps.append({"key": key, "step": answer["step"], "by": answer.get("answered_by"),
                          "role": answer.get("answered_role"), "at": answer.get("answered_at"), "answers": []})
        steps[-1]["answers"].append(answer)
    return steps


def _step_title(step: Mapping[str, Any]) -> str:
    who = f" — {step['by']} ({VOCABULARY['role'].get(step.get('role') or '', step.get('role') or '')})" \
        if step.get("by") else ""
    when = f", {_moment(step['at'])}" if step.get("at") else ""
    return f"{step['step']}{who}{when}"


def _person(person: Mapping[str, Any]) -> str:
    details = person.get("identifiers")
    return f"{person.get('name', '')}" + (f" ({details})" if details else "")


def _item(item: Mapping[str, Any], words: Words) -> str:
    tags = [words.of("nature", item.get("nature")), words.of("currency", item.get("currency"))]
    if item.get("period_covered"):
        tags.append(str(item["period_covered"]))
    tags.append("accuracy checked" if item.get("accuracy_checked") else "accuracy not checked")
    said = [t for t in tags if t]
    said = said[:1] + [t[:1].lower() + t[1:] for t in said[1:]]  # one phrase: "Fact, current, accuracy checked"
    text = f"{item.get('summary_or_reference', '')} ({', '.join(said)})"
    return text + (f"; removed: {item['redactions']}" if item.get("redactions") else "")


def _link_state(link: Mapping[str, Any]) -> str:
    parts = [str(link.get("state", "")).replace("_", " ")]
    for key, label in (("opened_at", "opened"), ("downloaded_at", "PDF downloaded"), ("expires_at", "expires")):
        if link.get(key):
            parts.append(f"{label} {_moment(link[key])}")
    return "; ".join(p for p in parts if p)


def _moment(value: Any) -> str:
    try:
        return uk_time(value) if value else ""
    except (TypeError, ValueError):
        return str(value)


def _day(value: str) -> str:
    try:
        return uk_time(f"{value[:10]}T12:00:00+00:00", date_only=True)
    except ValueError:
        return value
