"""The letter telling a person that information about them (or their child) was shared.

Written in plain words from what the case holds when the person is told: the transmissions as
the disclosure log will record them, the purpose, the lawful basis the decision tables gave (a
plain sentence and the exact legal names), the person's rights and who to contact. It is emailed
through the outbox when the practitioner chooses email, or printed from the case page for handing
over or posting. Nothing of it is stored: it is rebuilt from the case each time.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from service.accounts.service import user_by_name
from service.actors import Actor
from service.audit.trail import record_event
from service.cases.models import Case
from service.cases.service import load_instance
from service.config import Config
from service.errors import Conflict, InvalidInput, NotFound
from service.notifications.models import OutboxMessage
from service.notifications.service import queue_email
from service.processes.service import compiled_process, form_schema
from service.tasks.models import HumanTask
from service.tasks.service import completed_tasks, merged_answers
from service.workcalendar import UK_TIME

from .decisions import BASIS_OUTPUTS, purpose_text
from .pdf import print_pdf
from .transmissions import NOT_KNOWN, SHARING_STEPS, transmission_entry

LETTER_REASON = "letter_to_subject"

# What each Article 6 basis means, for someone who has never read the GDPR (matched on the start of
# the exact name the decision table gives).
ARTICLE6_IN_PLAIN_WORDS = {
    "Article 6(1)(a)": "you, or the person with parental responsibility, agreed to it",
    "Article 6(1)(c)": "the law requires us to share it",
    "Article 6(1)(d)": "it was needed to protect someone's life",
    "Article 6(1)(e)": "it was needed for work we do in the public interest, such as keeping children safe",
    "Article 6(1)(ea)": "it was needed to keep a vulnerable person safe",
    "Article 6(1)(f)": "we had a genuine reason to share it that is not outweighed by your interests",
}
# Why confidential information could be shared, by the interest the decision tables named (longest first).
CONFIDENCE_IN_PLAIN_WORDS = {
    "Legal requirement": "the law required it",
    "Overriding public interest: a child was in immediate danger":
        "a child was in immediate danger, and keeping them safe mattered more than keeping it confidential",
    "Overriding public interest: protecting a child from significant harm":
        "protecting a child from significant harm mattered more than keeping it confidential",
    "Overriding public interest: protecting an adult at risk":
        "protecting an adult at risk mattered more than keeping it confidential",
    "Overriding public interest: preventing or detecting crime":
        "preventing or detecting a crime mattered more than keeping it confidential",
    "Overriding public interest: protecting others from serious harm":
        "protecting other people from serious harm mattered more than keeping it confidential",
    "Overriding public interest": "keeping someone safe mattered more than keeping it confidential",
}
CONSENTING = {"child_competent": "the child", "parent_with_parental_responsibility":
              "a person with parental responsibility", "adult_subject": "the person the information is about"}
# The right to object (UK GDPR Article 21) is for processing on public task or (recognised) legitimate
# interests, never for consent, a legal obligation or vital interests.
OBJECTION_APPLIES = ("Article 6(1)(e)", "Article 6(1)(ea)", "Article 6(1)(f)")
LEGAL_LABELS = {
    "article6_basis": "UK GDPR Article 6 (the lawful basis)",
    "article9_condition": "UK GDPR Article 9 (sensitive information)",
    "schedule1_paragraph": "Data Protection Act 2018, Schedule 1",
    "article10_condition": "UK GDPR Article 10 (information about offences)",
    "exemption": "Exemption",
    "common_law_justification": "Common-law duty of confidence",
}
# Decision-table outputs that say a rule did not apply: nothing to tell the person about.
NOT_APPLYING = ("Not applicable", "Not engaged", "None")
RIGHT_OF_ACCESS = "ask for a copy of the information we hold about you (your right of access);"
RIGHT_TO_CORRECTION = "ask us to correct any information about you that is wrong or incomplete;"
RIGHT_TO_OBJECT = ("object to our using or sharing your information: we will look at our reasons again and tell "
                   "you what we decide;")
RIGHT_TO_WITHDRAW = ("withdraw your consent at any time, by telling us: we will not share anything more on the "
                     "strength of it, although what was shared before you withdrew stays shared;")
RIGHT_TO_COMPLAIN = ("complain to the Information Commissioner's Office (ICO), the independent regulator for data "
                     "protection: ico.org.uk, telephone 0303 123 1113.")

# A paragraph (its own line breaks kept), or a lead-in line with points under it; a section is a heading ("" for
# none) and its blocks.
Block = str | tuple[str, tuple[str, ...]]
Section = tuple[str, tuple[Block, ...]]


@dataclass(frozen=True)
class Sharing:
    """One transmission, as the person needs to know it: when, with whom, and what."""

    on: date | None
    recipient: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Letter:
    """A plain-language letter to the person told; render it with ``as_text`` or ``as_pdf``."""

    reference: str
    organisation: str
    written_on: date
    addressee: str | None
    about: tuple[str, ...]
    sharings: tuple[Sharing, ...]
    purpose: str
    purpose_reasons: str | None
    basis: tuple[str, ...]
    legal_names: tuple[tuple[str, str], ...]
    practitioner: str
    data_protection_contact: str
    rights: tuple[str, ...] = (RIGHT_OF_ACCESS, RIGHT_TO_CORRECTION, RIGHT_TO_COMPLAIN)

    @property
    def dated(self) -> str:
        """The day it is written, as a letter is dated ("25 November 2026")."""
        return _day(self.written_on)

    @property
    def email_subject(self) -> str:
        return f"Information we shared: a letter from {self.organisation}"

    def sections(self) -> list[Section]:
        """The letter's content, shared by the text and the printed letter (``records/letter.html``)."""
        about = _and(self.about) or "you or your family"
        return [
            ("", (f"Dear {self.addressee or 'parent or carer'},",
                  f"This letter is from {self.organisation}. We are writing to tell you that we shared "
                  f"information about {about}. You have a right to know what we shared, who with, why, and "
                  "what the law says about it, and what you can do if you have questions or disagree.")),
            ("What we shared, and who with", tuple(
                (f"On {_day(s.on)} we shared this with {s.recipient}:", s.items) for s in self.sharings)),
            ("Why we shared it", (f"We shared it for this purpose: {self.purpose}.",
                                  *((f"Our reasons: {self.purpose_reasons}",) if self.purpose_reasons else ()))),
            ("The law that allowed us to share it", (
                *self.basis, *((("The legal terms for this are:",
                                 tuple(f"{label}: {name}" for label, name in self.legal_names)),)
                               if self.legal_names else ()))),
            ("Your rights", (
                ("You have the right to:", self.rights),
                "If you are unhappy with how we have handled your information, please tell us first so "
                "that we can try to put it right. You can complain to the ICO at any time.")),
            ("Who to contact", (
                f"If you have questions about what we shared, contact {self.practitioner}, who dealt with it.",
                f"For questions about your information and your rights, contact our data protection "
                f"officer: {self.data_protection_contact}.",
                f"Please quote our reference, {self.reference}.")),
            ("", (f"Yours sincerely,\n{self.practitioner}\n{self.organisation}",)),
        ]

    def as_text(self) -> str:
        """The letter as plain text (the body of the email)."""
        lines = [self.organisation, self.dated, f"Our reference: {self.reference}", ""]
        for heading, blocks in self.sections():
            if heading:
                lines += [heading, "-" * len(heading)]
            for block in blocks:
                if isinstance(block, str):
                    lines += [textwrap.fill(line, 78) for line in block.splitlines()] + [""]
                else:
                    lead, points = block
                    lines += [textwrap.fill(lead, 78)]
                    lines += [textwrap.fill(p, 78, initial_indent="  - ", subsequent_indent="    ") for p in points]
                    lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def as_pdf(self) -> bytes:
        """The letter as a PDF, to print and hand over or post: ``records/letter.html`` printed on A4."""
        return print_pdf("records/print_letter.html", letter=self)


def build_letter(*, session: Session, case: Case, facts: Mapping[str, Any], config: Config, now: datetime
                 ) -> Letter | None:
    """The letter for a case from its completed tasks and process data; None when nothing has been shared."""
    steps = {e: info.policy_step for e, info in compiled_process(case.process_version).user_tasks.items()}
    done = completed_tasks(session, case.id)
    sharings = [_sharing(task, done, steps, facts) for task in done if steps.get(task.element_id) in SHARING_STEPS]
    if not sharings:
        return None
    answered = merged_answers(done)
    user = user_by_name(session=session, username=case.started_by)
    return Letter(
        reference=case.reference,
        organisation=config.organisation_name,
        written_on=now.astimezone(UK_TIME).date(),
        addressee=addressee_of(answered),
        about=tuple(str(s.get("name")) for s in answered.get("subjects") or []
                    if isinstance(s, Mapping) and s.get("role") == "child" and s.get("name")),
        sharings=tuple(sharings),
        purpose=_purpose_title(case, done) or purpose_text(answered),
        purpose_reasons=str(answered["purpose_reasons"]) if answered.get("purpose_reasons") else None,
        basis=basis_in_plain_words(facts, answered),
        legal_names=tuple((LEGAL_LABELS[key], str(facts[key])) for key in BASIS_OUTPUTS if _applies(facts.get(key))),
        practitioner=f"{user.display_name} ({user.email})" if user else case.started_by,
        data_protection_contact=config.data_protection_contact,
        rights=rights_for(facts),
    )


def addressee_of(answered: Mapping[str, Any]) -> str | None:
    """The person told, by the name recorded for them on the case when it is one of its people."""
    if answered.get("subject_informed") is not True or not answered.get("subject_informed_who"):
        return None
    told = " ".join(str(answered["subject_informed_who"]).split())
    recorded = (str(s.get("name", "")).strip() for s in answered.get("subjects") or [] if isinstance(s, Mapping))
    return next((name for name in recorded if name.casefold() == told.casefold()), told)


def _consent_relied_on(facts: Mapping[str, Any]) -> bool:
    return str(facts.get("article6_basis") or "").startswith("Article 6(1)(a)") or \
        facts.get("common_law_justification") == "Consent"


def rights_for(facts: Mapping[str, Any]) -> tuple[str, ...]:
    article6 = str(facts.get("article6_basis") or "")
    rights = [RIGHT_OF_ACCESS, RIGHT_TO_CORRECTION]
    if _consent_relied_on(facts):
        rights.append(RIGHT_TO_WITHDRAW)
    if article6.startswith(OBJECTION_APPLIES):
        rights.append(RIGHT_TO_OBJECT)
    return (*rights, RIGHT_TO_COMPLAIN)


def case_letter(*, session: Session, case: Case, config: Config, now: datetime) -> Letter:
    """The letter for a case as it stands now, to print; NotFound while nothing has been shared."""
    # Only a case that has shared something has process data worth loading.
    letter = build_letter(session=session, case=case, facts=load_instance(case).current_data(), config=config,
                          now=now) if has_letter(session=session, case=case) else None
    if letter is None:
        raise NotFound(f"nothing has been shared in case {case.reference} yet, so there is no letter to the person")
    return letter


def has_letter(*, session: Session, case: Case) -> bool:
    """Whether the case has shared anything, so that there is a letter to give the person."""
    steps = compiled_process(case.process_version).user_tasks
    return any(steps[t.element_id].policy_step in SHARING_STEPS for t in completed_tasks(session, case.id)
               if t.element_id in steps)


def email_letter_if_asked(*, session: Session, case: Case, answers: Mapping[str, Any], facts: Mapping[str, Any],
                          actor: Actor, now: datetime, config: Config) -> OutboxMessage | None:
    """If the person is told by email, queue the letter to them in the outbox, in the caller's transaction."""
    if answers.get("subject_informed") is not True or answers.get("subject_informed_how") != "email":
        return None
    address = str(answers.get("subject_email") or "").strip()
    if not address:
        raise InvalidInput("subject_email: give the address the letter should go to", field="subject_email")
    letter = build_letter(session=session, case=case, facts=facts, config=config, now=now)
    if letter is None:
        raise Conflict("nothing has been shared in this case, so there is no letter to send")
    message = queue_email(session=session, case=case, address=address, subject=letter.email_subject,
                          body=letter.as_text(), reason=LETTER_REASON, now=now)
    record_event(session=session, actor=actor, action="letter_to_subject_queued", at=now, case_id=case.id,
                 summary={"to": address, "transmissions": len(letter.sharings)})
    return message


def _sharing(task: HumanTask, done: list[HumanTask], steps: Mapping[str, str | None], facts: Mapping[str, Any]
             ) -> Sharing:
    # Read as the disclosure log will record it (the record step writes the log later).
    entry = transmission_entry(task, done, steps, facts)
    who = ", ".join(part for part in (entry.recipient_role, entry.recipient_organisation) if part)
    if entry.recipient_person == NOT_KNOWN:  # an emergency call to a service, the person not known
        recipient = " ".join(part for part in (entry.recipient_organisation, f"({entry.recipient_role})"
                                               if entry.recipient_role else "") if part)
    else:
        recipient = f"{entry.recipient_person} ({who})" if who else entry.recipient_person
    return Sharing(on=entry.sent_at.astimezone(UK_TIME).date() if entry.sent_at else None, recipient=recipient,
                   items=tuple(item.summary_or_reference for item in entry.items))


def _purpose_title(case: Case, done: Sequence[HumanTask]) -> str | None:
    # The purpose in the words of the form that asked for it (e.g. "Early help"), not its code.
    for task in reversed(done):
        answers = task.answers or {}
        if "purpose" not in answers:
            continue
        if answers["purpose"] == "other" and answers.get("purpose_other"):
            return str(answers["purpose_other"])
        spec = ((form_schema(case.process_version, task.form) or {}).get("properties") or {}).get("purpose") or {}
        return next((str(o["title"]) for o in spec.get("oneOf", []) if o.get("const") == answers["purpose"]
                     and o.get("title")), None)
    return None


def basis_in_plain_words(facts: Mapping[str, Any], answered: Mapping[str, Any]) -> tuple[str, ...]:
    article6 = str(facts.get("article6_basis") or "")
    reason = next((plain for key, plain in ARTICLE6_IN_PLAIN_WORDS.items() if article6.startswith(f"{key} ")), None)
    sentences = [f"Data protection law allowed us to share it because {reason}." if reason else
                 "Data protection law allowed us to share it for the reasons named below."]
    consented = _who_consented(answered)
    if _consent_relied_on(facts) and consented:
        sentences.append(f"{consented} agreed to us sharing it.")
    if _applies(facts.get("article9_condition")):
        sentences.append("Some of it is sensitive information (for example about health), which the law "
                         "protects more closely; the extra condition that allowed us to share it is named below.")
    if _applies(facts.get("article10_condition")):
        sentences.append("Some of it is about offences or alleged offences; the condition that allowed us to "
                         "share it is named below.")
    confidence = str(facts.get("common_law_justification") or "")
    if answered.get("confidential") is True:
        if confidence == "Consent":
            plain: str | None = f"{consented or 'the person concerned'} agreed to it"
        else:
            plain = next((words for key, words in CONFIDENCE_IN_PLAIN_WORDS.items() if confidence.startswith(key)),
                         None)
        if plain:
            sentences.append(f"Some of it was given to us in confidence. We shared it because {plain}.")
    return tuple(sentences)


def _who_consented(answered: Mapping[str, Any]) -> str | None:
    """Who gave the consent relied on, in words: their name, and who they are to the information."""
    if answered.get("consent_result") != "given":
        return None
    name = str(answered.get("consent_by_name") or "").strip()
    whom = CONSENTING.get(str(answered.get("consent_of_whom")))
    if name and whom:
        return f"{name} ({whom})"
    return name or (whom.capitalize() if whom else None)


def _applies(value: Any) -> bool:
    return bool(value) and not str(value).startswith(NOT_APPLYING)


def _and(names: Sequence[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "a date not recorded"
