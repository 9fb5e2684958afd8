"""What a package holds, gathered from the case at the moment it is sent, and its PDF rendering.

The content is the proportionality step's choice (recipient, items with their tags, what was
withheld, onward-sharing limits), the purpose, the lawful basis the decision tables gave, the
people it is about and the sender. It is sealed as JSON; on opening, the recipient's page and the PDF
are both drawn from it by one template (``records/package.html``), each watermarked with the recipient's name.

The recipient reads words, never the stored codes: the purpose in the title its form offered it
under ("Early help"), each person's part in the case ("parent or carer"), each item's tags
("Professional opinion · current"), the sender by name and role.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.accounts.service import user_by_name
from service.actors import Actor
from service.cases.models import Case
from service.errors import Conflict
from service.processes.identifying import ROLE_WORDS, identifying_details
from service.processes.models import ProcessVersion
from service.processes.service import compiled_process, form_schema
from service.records.answers import choice_titles
from service.records.decisions import BASIS_OUTPUTS
from service.records.layout import VOCABULARY
from service.records.pdf import print_pdf
from service.tasks.service import completed_tasks, merged_answers

BASIS_LABELS = {
    "article6_basis": "UK GDPR Article 6", "article9_condition": "UK GDPR Article 9",
    "schedule1_paragraph": "DPA 2018 Schedule 1", "article10_condition": "UK GDPR Article 10",
    "exemption": "Exemption", "common_law_justification": "Common-law duty of confidence",
}
NATURE_LABELS = {"fact": "Fact", "opinion": "Professional opinion",
                 "reported_by_third_party": "Reported by someone else"}
CURRENCY_WORDS = {"current": "current", "historical": "historical"}
STAFF_ROLE_WORDS = VOCABULARY["role"]  # practitioner, manager, designated safeguarding lead


def package_content(*, session: Session, case: Case, facts: Mapping[str, Any], sender: Actor, now: datetime
                    ) -> dict[str, Any]:
    """The package for the case's latest "decide how much to share" choice, as plain JSON-ready data."""
    steps = {e: info.policy_step for e, info in compiled_process(case.process_version).user_tasks.items()}
    done = completed_tasks(session, case.id)
    chosen = next((t.answers or {} for t in reversed(done) if steps.get(t.element_id) == "proportionality"), None)
    if not chosen or not chosen.get("recipient_email"):
        raise Conflict("nothing has been chosen to share yet: complete 'Decide how much to share' first")
    answered = merged_answers(done)
    reasons = answered.get("purpose_reasons")
    return {
        "case_reference": case.reference,
        "sent_at": now.isoformat(),
        "sender": staff_sender(session, sender),
        "recipient": {key: str(chosen.get(f"recipient_{key}", "")) for key in
                      ("person", "role", "organisation", "email")},
        "about": people_shared(answered.get("subjects") or [], chosen.get("identifying_details_shared")),
        "purpose": purpose_title(case.process_version, answered),
        "purpose_reasons": str(reasons) if reasons else None,
        "lawful_basis": [{"label": BASIS_LABELS[key], "value": str(facts[key])} for key in BASIS_OUTPUTS
                         if facts.get(key)],
        "share_extent": str(chosen.get("share_extent", "")),
        "items": [{"summary": str(i.get("summary", "")), "period_covered": i.get("period_covered"),
                   "nature": str(i.get("nature", "")), "currency": str(i.get("currency", "")),
                   "accuracy_checked": bool(i.get("accuracy_checked")), "redactions": i.get("redactions")}
                  for i in chosen.get("items", [])],
        "withheld": chosen.get("withheld_and_why"),
        "restrictions": chosen.get("onward_sharing_restrictions"),
    }


def staff_sender(session: Session, actor: Actor) -> dict[str, str | None]:
    """Who sends it: their username, the name on their account, their role (a code) and team."""
    user = user_by_name(session=session, username=actor.username)
    name = user.display_name.strip() if user is not None and user.display_name.strip() else actor.username
    return {"username": actor.username, "name": name, "role": actor.primary_role, "team": actor.team}


def sender_words(sender: Mapping[str, Any]) -> str:
    """The sender as the recipient reads them, e.g. "Tess Teacher, practitioner" (a package sealed before
    names were kept shows the username)."""
    role = str(sender.get("role") or "")
    return f"{sender.get('name') or sender['username']}, {STAFF_ROLE_WORDS.get(role, role.replace('_', ' '))}"


def purpose_title(version: ProcessVersion, answered: Mapping[str, Any]) -> str:
    """The purpose as the form offered it ("Multi-agency safeguarding hub (MASH)"), or the practitioner's
    own words for "Something else"."""
    code = answered.get("purpose")
    if code == "other" and answered.get("purpose_other"):
        return str(answered["purpose_other"])
    if not code:
        return "Not recorded"
    forms = sorted({info.form for info in compiled_process(version).user_tasks.values() if info.form})
    titles = choice_titles(form_schema(version, form) for form in forms).get("purpose") or {}
    return titles.get(str(code), str(code).replace("_", " ").capitalize())


def about_words(person: Mapping[str, Any]) -> str:
    """One person the package names, e.g. "Kim Lee (parent or carer), 12 High Street"."""
    role = str(person.get("role") or "")
    words = f"{person['name']} ({ROLE_WORDS.get(role, role.replace('_', ' ') or 'other')})"
    return words + (f", {person['identifiers']}" if person.get("identifiers") else "")


def people_shared(subjects: list[Any], chosen: Any) -> list[dict[str, str]]:
    """The people the package names, with only the identifying details chosen to go with it.

    Without a choice (a form that does not ask for one) every detail goes, as before the choice existed."""
    people = [s for s in subjects if isinstance(s, Mapping)]
    if not isinstance(chosen, list):
        return [{"role": str(s.get("role", "")), "name": str(s.get("name", "")),
                 "identifiers": str(s.get("identifiers") or "")} for s in people]
    picked, about = set(chosen), []
    for person in people:
        name = str(person.get("name", "")).strip()
        [named, *details] = identifying_details([person]) or [""]
        kept = [d.removeprefix(f"{name}: ") for d in details if d in picked]
        if named in picked or kept:
            about.append({"role": str(person.get("role", "")), "name": name if named in picked else "(name withheld)",
                          "identifiers": ", ".join(kept)})
    return about


def watermark_text(content: Mapping[str, Any]) -> str:
    recipient = content["recipient"]
    return f"Shared with {recipient['person']}, {recipient['organisation']} — do not forward"


def item_tags(item: Mapping[str, Any]) -> str:
    """An item's tags in words, e.g. "Reported by someone else · historical · accuracy checked"."""
    nature, currency = str(item.get("nature") or ""), str(item.get("currency") or "")
    tags = [NATURE_LABELS.get(nature, nature.replace("_", " ")),
            CURRENCY_WORDS.get(currency, currency.replace("_", " ")),
            "accuracy checked" if item.get("accuracy_checked") else "accuracy not checked"]
    return " · ".join(tag for tag in tags if tag)


def package_words(content: Mapping[str, Any]) -> dict[str, Any]:
    """The package as its page and its PDF show it (``records/package.html``): the sealed content, with the
    watermark, the sender, the people and each item's tags in words."""
    return {"content": content, "watermark": watermark_text(content), "sender": sender_words(content["sender"]),
            "about": [about_words(person) for person in content["about"]],
            "items": [{**item, "tags": item_tags(item)} for item in content["items"]]}


def package_pdf(content: Mapping[str, Any]) -> bytes:
    """The package as a PDF, every page watermarked with the recipient's name."""
    return print_pdf("records/print_package.html", package=package_words(content))
