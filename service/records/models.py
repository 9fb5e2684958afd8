"""What the process leaves behind: decision records and the disclosure log (the audit trail is service.audit)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.audit.models import AuditEvent as AuditEvent  # the audit trail's, kept importable here
from service.audit.models import AuditHead as AuditHead
from service.db import Base, UTCDateTime
from service.sealing import SealedText


class SharingRequest(Base):
    """The case as the record describes it: who asked (or who raised it), about whom, for what."""

    __tablename__ = "sharing_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), unique=True)
    direction: Mapped[str] = mapped_column(String(20))  # outbound_concern / inbound_request
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    channel: Mapped[str | None] = mapped_column(String(30), nullable=True)
    urgency: Mapped[str] = mapped_column(String(20))
    needed_by: Mapped[date | None] = mapped_column(Date, nullable=True)
    requester_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    requester_role: Mapped[str | None] = mapped_column(String(200), nullable=True)
    requester_organisation: Mapped[str | None] = mapped_column(String(200), nullable=True)
    requester_contact: Mapped[str | None] = mapped_column(String(300), nullable=True)
    requester_verified_how: Mapped[str | None] = mapped_column(Text, nullable=True)
    requester_verified_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    requester_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    requester_authority: Mapped[str | None] = mapped_column(Text, nullable=True)
    purpose: Mapped[str | None] = mapped_column(String(40), nullable=True)
    purpose_other: Mapped[str | None] = mapped_column(Text, nullable=True)
    statutory_power: Mapped[str | None] = mapped_column(String(60), nullable=True)
    data_categories: Mapped[str | None] = mapped_column(Text, nullable=True)  # comma-separated categories
    special_category: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    criminal_offence_data: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    confidential: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    data_sharing_agreement: Mapped[str | None] = mapped_column(Text, nullable=True)

    subjects: Mapped[list[SharingSubject]] = relationship(order_by="SharingSubject.id", cascade="all, delete-orphan")


class SharingSubject(Base):
    """A person the information is about: the child, a carer, a third party."""

    __tablename__ = "sharing_subject"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("sharing_request.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))  # child / parent_carer / third_party / other
    name: Mapped[str] = mapped_column(String(200))
    identifiers: Mapped[str | None] = mapped_column(Text, nullable=True)


class DecisionRecord(Base):
    """One decision on a case; a revised decision is a new row with the next revision number."""

    __tablename__ = "decision_record"
    __table_args__ = (UniqueConstraint("case_id", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))  # share_in_full / share_in_part / decline / defer
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decision_maker: Mapped[str] = mapped_column(String(100))
    decision_maker_role: Mapped[str] = mapped_column(String(30))
    # In the words of the person who recorded it: what was decided and why.
    decision_summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    retention_rule: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Set when the decision tables found no lawful basis: why it may not be shared.
    no_basis_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    article6_basis: Mapped[str | None] = mapped_column(Text, nullable=True)
    article9_condition: Mapped[str | None] = mapped_column(Text, nullable=True)
    schedule1_paragraph: Mapped[str | None] = mapped_column(Text, nullable=True)
    article10_condition: Mapped[str | None] = mapped_column(Text, nullable=True)
    exemption: Mapped[str | None] = mapped_column(Text, nullable=True)
    common_law_justification: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Why the Schedule 1 conditions are the ones named, and plain notes on the basis (Article 6(3), consent).
    condition_reasons: Mapped[str | None] = mapped_column(Text, nullable=True)
    basis_notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    consent_sought: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    consent_not_sought_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    consent_of_whom: Mapped[str | None] = mapped_column(String(50), nullable=True)
    consent_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    consent_explicit: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    consent_result: Mapped[str | None] = mapped_column(String(20), nullable=True)
    consent_scope: Mapped[str | None] = mapped_column(Text, nullable=True)
    consent_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    consent_method: Mapped[str | None] = mapped_column(String(50), nullable=True)
    consent_override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    withheld_and_why: Mapped[str | None] = mapped_column(Text, nullable=True)
    identifying_details_withheld: Mapped[str | None] = mapped_column(Text, nullable=True)
    not_sharing_reasons: Mapped[str | None] = mapped_column(Text, nullable=True)
    discussed_with_requester_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    how_requester_told: Mapped[str | None] = mapped_column(Text, nullable=True)
    reconsideration_history: Mapped[str | None] = mapped_column(Text, nullable=True)
    subject_informed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    subject_informed_who: Mapped[str | None] = mapped_column(String(200), nullable=True)
    subject_informed_relationship: Mapped[str | None] = mapped_column(String(30), nullable=True)
    also_told: Mapped[str | None] = mapped_column(Text, nullable=True)
    subject_informed_when: Mapped[date | None] = mapped_column(Date, nullable=True)
    subject_informed_how: Mapped[str | None] = mapped_column(String(100), nullable=True)
    subject_not_informed_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    review_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    answers: Mapped[list[GatewayAnswer]] = relationship(order_by="GatewayAnswer.id")
    advice: Mapped[list[AdviceEntry]] = relationship(order_by="AdviceEntry.id")
    every_answer: Mapped[list[RecordedAnswer]] = relationship(order_by="RecordedAnswer.position")


class RecordedAnswer(Base):
    """One answer of one completed step, as the person saw and gave it, kept with each revision."""

    __tablename__ = "recorded_answer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision_record.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(200))
    element_id: Mapped[str] = mapped_column(String(100))
    field: Mapped[str] = mapped_column(String(100))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(SealedText("recorded_answer.answer"))  # sealed: service.sealing
    answered_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    answered_role: Mapped[str | None] = mapped_column(String(30), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class NewInformation(Base):
    """New information someone brought to a decided case, which brought its review forward."""

    __tablename__ = "new_information"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    given_by: Mapped[str] = mapped_column(String(100))
    given_by_role: Mapped[str] = mapped_column(String(30))
    information: Mapped[str] = mapped_column(SealedText("new_information.information"))


class GatewayAnswer(Base):
    """The answer given at one decision point of the process, with the reasons for it."""

    __tablename__ = "gateway_answer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision_record.id"), index=True)
    question: Mapped[str] = mapped_column(String(200))
    answer: Mapped[str] = mapped_column(String(200))
    reasons: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Who gave the answer, in which role, and when (None for the engine's own conclusion).
    answered_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    answered_role: Mapped[str | None] = mapped_column(String(30), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AdviceEntry(Base):
    """Advice sought from a manager, DSL, DPO or Caldicott Guardian."""

    __tablename__ = "advice_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision_record.id"), index=True)
    adviser: Mapped[str] = mapped_column(String(100))
    adviser_role: Mapped[str] = mapped_column(String(50))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime())
    advice: Mapped[str] = mapped_column(Text)
    subject_named: Mapped[bool] = mapped_column(Boolean)
    # The adviser's decision (share / do_not_share / seek_more_information), the question they were
    # asked, and whom else they consulted (in words).
    decision: Mapped[str | None] = mapped_column(String(30), nullable=True)
    question: Mapped[str | None] = mapped_column(Text, nullable=True)
    also_consulted: Mapped[str | None] = mapped_column(Text, nullable=True)


class DisclosureLogEntry(Base):
    """One transmission of information to one recipient."""

    __tablename__ = "disclosure_log_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("case.id"), index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision_record.id"))
    # The task that sent it: each transmission is logged once, however often the decision is revised.
    task_id: Mapped[str | None] = mapped_column(String(36), unique=True, nullable=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recipient_person: Mapped[str] = mapped_column(String(200))
    recipient_role: Mapped[str] = mapped_column(String(200))
    recipient_organisation: Mapped[str] = mapped_column(String(200))
    recipient_address: Mapped[str] = mapped_column(String(300))
    recipient_verified_how: Mapped[str] = mapped_column(Text)
    # An emergency call's incident or reference number (never the recipient's name).
    reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The identifying details that went with it (one per line); the others were withheld.
    identifying_details: Mapped[str | None] = mapped_column(Text, nullable=True)
    channel: Mapped[str] = mapped_column(String(100))
    security_controls: Mapped[str] = mapped_column(Text)
    purpose_snapshot: Mapped[str] = mapped_column(Text)
    basis_snapshot: Mapped[str] = mapped_column(Text)
    onward_sharing_restrictions: Mapped[str | None] = mapped_column(Text, nullable=True)
    receipt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    receipt_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    subject_informed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    subject_not_informed_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    retention_rule: Mapped[str] = mapped_column(String(200))

    items: Mapped[list[DisclosedItem]] = relationship(order_by="DisclosedItem.id")


class DisclosedItem(Base):
    """One item in a disclosure, tagged as the guidance asks (fact or opinion, current or historical)."""

    __tablename__ = "disclosed_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosure_log_entry.id"), index=True)
    # The item itself, sealed (service.sealing); its tags are not.
    summary_or_reference: Mapped[str] = mapped_column(SealedText("disclosed_item.summary_or_reference"))
    period_covered: Mapped[str | None] = mapped_column(String(100), nullable=True)
    currency: Mapped[str] = mapped_column(String(20))  # current / historical
    nature: Mapped[str] = mapped_column(String(30))  # fact / opinion / reported_by_third_party
    accuracy_checked: Mapped[bool] = mapped_column(Boolean)
    redactions: Mapped[str | None] = mapped_column(SealedText("disclosed_item.redactions"), nullable=True)
