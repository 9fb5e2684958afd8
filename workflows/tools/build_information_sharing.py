"""Lay out the first published version of the information-sharing diagram and its decision tables.

Usage: ``.venv/bin/python workflows/tools/build_information_sharing.py`` (rewrites
``workflows/information_sharing.bpmn`` and ``workflows/lawful_basis.dmn``).

The diagram is the process owners' material: once they edit it in the browser, the .bpmn file is
the source and this script is only the record of how version 1 was drawn. The flow follows
domain/decision-flow.md step by step; each element's documentation names the step it models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lawful_basis_tables import TABLES, render_dmn

OUT = Path(__file__).resolve().parent.parent

COL = 150
X0 = 250
LANE_X = 130
ROW = 110

# Lanes top to bottom: name, rows.
LANES = [("Practitioner", 7), ("Manager", 1), ("DSL", 2)]

SIZES = {
    "start": (36, 36), "end": (36, 36), "throw": (36, 36), "catch_message": (36, 36),
    "catch_timer": (36, 36), "task": (116, 80), "subprocess": (116, 80), "exclusive": (50, 50),
    "event_gateway": (50, 50),
}


@dataclass
class Node:
    id: str
    kind: str
    name: str
    lane: str
    col: float
    row: float
    form: str | None = None
    step: str | None = None  # policy step, read by the path checker and the record builder
    condition: str | None = None  # conditional start events
    timer: str | None = None  # timer catch events
    notify: str | None = None  # who is told when the event passes or the task opens
    doc: str = ""
    label: str = "below"  # events and gateways: where the name goes (above / below / left)
    message: str = "receipt"  # message catch events: which message (MESSAGES), kept in the variable of that name


# Messages a case can wait for: the message's id in the diagram, the name it is sent by, and the
# variable its payload is kept in.
MESSAGES = {"receipt": ("receipt_message", "receipt_confirmed"),
            "new_information": ("new_information_message", "new_information")}


@dataclass
class Boundary:
    id: str
    name: str
    host: str
    timer: str
    interrupting: bool
    side: str = "bottom"
    at: float = 0.7  # position along the host's edge, 0..1
    doc: str = ""
    label_side: str = "right"


@dataclass
class Flow:
    id: str
    source: str
    target: str
    name: str | None = None
    condition: str | None = None
    default: bool = False
    route: str = "h"  # h | hv | vh | v | channel
    channel_y: float | None = None
    channel_lane: str | None = None  # the lane whose rows channel_y counts in (default: the source's)
    label_at: str = "start"


@dataclass
class Note:
    id: str
    text: str
    col: float
    attach: str
    width: int = 250


@dataclass
class Diagram:
    nodes: list[Node] = field(default_factory=list)
    boundaries: list[Boundary] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


P, M, D = "Practitioner", "Manager", "DSL"

MANAGER_SLA = 'in_working_hours(2) if urgency == "same_day" else in_working_days(1)'
DSL_SLA = 'in_working_hours(1) if urgency == "same_day" else in_working_days(1)'
RECEIPT_SLA = 'in_school_days(5) if purpose == "school_transfer" else in_working_days(1)'
# An emergency share is recorded by the end of the working day it happened in; a record that a
# review brings back (even of an emergency) has a working day.
RECORD_SLA = 'by_end_of_working_day(contacted_at) if immediate_danger and not review_outcome else in_working_days(1)'

INITIAL_FACTS = {
    # Starting values of the facts the gateways and the lawful-basis tables read, so every path
    # reaches them with an answer. The s.16LA switch stays off until the duty is commenced.
    "duty_to_share_in_force": "false",
    "immediate_danger": "false",
    "purpose": '"other"',
    "identifies_individual": "true",
    "special_category": "false",
    "criminal_offence_data": "false",
    "confidential": "false",
    "subject_at_risk": "true",
    "public_authority": "true",
    "legal_obligation": "false",
    "consent_result": '"not_sought"',
    "risk_of_significant_harm": "false",
    "overriding_public_interest": "false",
    "unsure": "false",
    "review_date": "null",
    # Read by the lawful-basis tables (workflows/tools/lawful_basis_tables.py); each is asked on the
    # paths where it matters and starts with the answer that claims nothing.
    "threat_to_life": "false",
    "subject_can_consent": "true",
    "statutory_power": "null",
    "telling_would_prejudice_crime": "false",
    "legitimate_interests_assessed": "false",
    "requester_is_public_body": "false",
    "consent_appropriate": "false",
    "consent_explicit": "false",
    "consent_of_whom": "null",
    "seeking_consent_increases_risk": "false",
    "public_interest": "null",
    "identity_verified": "false",
    "request_specific": "false",
    "review_outcome": "null",
    "advice_decision": "null",
    "concern": "null",
    "subjects": "null",
}


def build() -> Diagram:
    d = Diagram()
    n, b, f = d.nodes.append, d.boundaries.append, d.flows.append
    # Step 0: the two ways a case begins.
    n(Node("start_concern", "start", "Concern about a child", P, 0, 3,
           condition='direction == "outbound_concern"', doc="Step 0: a practitioner holds information."))
    n(Node("start_request", "start", "Request for information", P, 0, 4,
           condition='direction == "inbound_request"', doc="Step 0: someone asks for information."))
    n(Node("log_request", "task", "Log the request", P, 1, 4, form="log_request.json"))
    n(Node("gw_first_merge", "exclusive", "", P, 2, 3))
    # Step 1: emergency.
    n(Node("gw_emergency", "exclusive", "Is a child in immediate danger?", P, 3, 3, label="above"))
    n(Node("share_at_once", "task", "Share at once with police or social care", P, 4, 5,
           form="share_in_emergency.json", step="emergency_share",
           doc="Step 1: share at once, no prior sign-off; the record is completed afterwards."))
    # Step 2: verify the requester.
    n(Node("gw_inbound", "exclusive", "Asked by someone else?", P, 4, 3, label="below"))
    n(Node("verify_requester", "task", "Verify the requester", P, 5, 2, form="verify_requester.json",
           doc="Step 2: identity, role, organisation and authority; trawling requests are declined."))
    n(Node("gw_verified", "exclusive", "Verified and specific?", P, 6, 2, label="below"))
    # Not an emergency: the practitioner describes the concern (an emergency share records who it is about).
    n(Node("gw_described", "exclusive", "Concern described yet?", P, 5, 3, label="above"))
    n(Node("describe_concern", "task", "Describe the concern", P, 6, 4, form="describe_concern.json",
           doc="Step 0: what worries the practitioner, and who it is about."))
    # Step 3: legitimate purpose.
    n(Node("gw_purpose_merge", "exclusive", "", P, 7, 3))
    n(Node("check_purpose", "task", "Is there a clear legitimate purpose?", P, 8, 3,
           form="legitimate_purpose.json", doc="Step 3 and leaflet section 3."))
    n(Node("gw_purpose", "exclusive", "Clear legitimate purpose?", P, 9, 3, label="below"))
    # Steps 4 and 5: identifiability and kind of data.
    n(Node("check_information", "task", "Does it identify anyone? What kind of information?", P, 10, 3,
           form="identify_information.json", doc="Steps 4 and 5."))
    n(Node("gw_identifies", "exclusive", "Does it identify anyone?", P, 11, 3, label="below"))
    n(Node("anonymous_consultation", "task", "Record the anonymous consultation", P, 12, 2,
           form="anonymous_consultation.json", step="anonymised_consultation",
           doc="Step 4: not identifiable, so outside data-protection rules."))
    # Step 6: consent and the lawful reason without it.
    n(Node("consider_consent", "task", "Is consent the right basis, and do you have it?", P, 12, 3,
           form="consent.json", doc="Step 6: consent is not the default basis; public task usually is."))
    n(Node("gw_consent_given", "exclusive", "Consent given?", P, 13, 3, label="above"))
    n(Node("without_consent", "task", "Is there a lawful reason to share without consent?", P, 14, 4,
           form="without_consent.json"))
    n(Node("gw_consent_merge", "exclusive", "", P, 15, 3))
    # Step 7: consult when in doubt, time-limited and escalating; the adviser decides, and the
    # practitioner is told.
    n(Node("gw_in_doubt", "exclusive", "In doubt?", P, 16, 3, label="left"))
    n(Node("manager_advice", "task", "Advise and decide", M, 17, 0, form="advise_and_decide.json", step="consultation",
           doc="Step 7: the manager advises; the case cannot be closed by an unsure practitioner alone."))
    n(Node("dsl_advice", "task", "Advise and decide (escalated)", D, 18, 0, form="advise_and_decide.json",
           step="consultation",
           doc="Step 7: the manager did not answer in time; the DSL decides."))
    n(Node("escalate_further", "throw", "Escalated to the head of service", D, 19, 1, notify="head_of_service"))
    n(Node("end_escalated", "end", "Escalation raised", D, 20, 1))
    n(Node("advice_returned", "throw", "Advice given: the practitioner is told", P, 18, 4, notify="practitioner",
           label="above", doc="Step 7: whoever asked for advice hears at once that it has come back."))
    n(Node("gw_advice", "exclusive", "What did the adviser decide?", P, 19, 4, label="left"))
    n(Node("gw_basis_merge", "exclusive", "", P, 21, 3))
    n(Node("determine_lawful_basis", "subprocess", "Work out the lawful basis", P, 22, 3, step="lawful_basis",
           doc="Step 6: the lawful-basis decision tables (workflows/lawful_basis.dmn)."))
    n(Node("gw_may_share", "exclusive", "Lawful to share?", P, 23, 3, label="left"))
    n(Node("explain_not_sharing", "task", "Not sharing: record why and tell the requester", P, 24, 1,
           form="not_sharing.json", step="not_sharing", doc="Step 3 and step 6: do not share; record why; discuss with the requester."))
    # Step 8: proportionality.
    n(Node("choose_what_to_share", "task", "Decide how much to share", P, 24, 3, form="proportionality.json",
           step="proportionality", doc="Step 8: minimum items, tagged; third parties redacted."))
    # Step 9: share securely and confirm receipt.
    n(Node("send_securely", "task", "Send securely", P, 25, 3, form="send_securely.json", step="transmission",
           doc="Step 9: verified recipient, secure channel."))
    n(Node("gw_await_merge", "exclusive", "", P, 26, 3))
    n(Node("await_receipt", "event_gateway", "Receipt confirmed in time?", P, 27, 3, label="above"))
    n(Node("receipt_confirmed", "catch_message", "Recipient confirms receipt", P, 28, 3, label="above"))
    n(Node("receipt_overdue", "catch_timer", "No receipt or feedback in time", P, 28, 4, timer=RECEIPT_SLA))
    n(Node("follow_up_receipt", "task", "Follow up: no receipt or feedback yet", P, 29, 4,
           form="follow_up_receipt.json", notify="practitioner"))
    n(Node("gw_followed_up", "exclusive", "Receipt confirmed?", P, 30, 4, label="left"))
    n(Node("dsl_missing_receipt", "task", "No receipt after the follow-up: decide", D, 30, 0,
           form="missing_receipt.json",
           doc="Step 9: the follow-up was not done in time; the DSL chases the receipt or closes it."))
    n(Node("gw_dsl_receipt", "exclusive", "What did the DSL decide?", D, 31, 0, label="left"))
    n(Node("receipt_escalated", "throw", "Missing receipt escalated to the head of service", D, 31, 1,
           notify="head_of_service"))
    n(Node("end_receipt_escalated", "end", "Escalation raised", D, 32, 1))
    n(Node("gw_receipt_merge", "exclusive", "", P, 32, 3))
    # Step 10: tell the subject.
    n(Node("tell_subject", "task", "Tell the person it was shared?", P, 33, 3, form="inform_subject.json", step="inform_subject",
           doc="Step 10: tell them unless it would create or increase a risk of harm."))
    # Step 11: record, on every path.
    n(Node("gw_record_merge", "exclusive", "", P, 34, 3))
    n(Node("record_decision", "task", "Record the decision and reasons", P, 35, 3, form="record_decision.json",
           step="record", doc="Step 11: what, with whom, when, how and why, or why not."))
    n(Node("record_reminder", "throw", "Reminder: record the decision", P, 36, 2, notify="practitioner",
           label="above"))
    n(Node("end_record_reminder", "end", "Reminder sent", P, 37, 2))
    n(Node("gw_review", "exclusive", "Review date set?", P, 36, 3, label="left"))
    n(Node("end_recorded", "end", "Decision recorded", P, 37, 3))
    # A decision comes back on its review date, or at once when someone brings new information.
    n(Node("await_review", "event_gateway", "Review date or new information?", P, 37, 5, label="below"))
    n(Node("review_due", "catch_timer", "Review date reached", P, 38, 5, timer="at_start_of(review_date)"))
    n(Node("new_information_received", "catch_message", "New information received", P, 38, 4, label="above",
           message="new_information"))
    n(Node("gw_review_merge", "exclusive", "", P, 39, 5))
    n(Node("review_decision", "task", "Review the decision", P, 40, 5, form="review_decision.json", step="review", notify="practitioner",
           doc="Not-shared and subject-not-told decisions come back on their review date, or sooner with new information."))
    n(Node("gw_review_outcome", "exclusive", "Outcome of the review?", P, 41, 5, label="left"))

    b(Boundary("manager_overdue", "Advice overdue", "manager_advice", MANAGER_SLA, interrupting=True,
               label_side="left", doc="Same day: 2 working hours; otherwise 1 working day. Then the DSL decides."))
    b(Boundary("dsl_overdue", "DSL overdue", "dsl_advice", DSL_SLA, interrupting=False))
    b(Boundary("follow_up_overdue", "Follow-up overdue", "follow_up_receipt", "in_working_days(1)",
               interrupting=True, doc="The follow-up was not done in a working day: the DSL takes it over."))
    b(Boundary("dsl_receipt_overdue", "DSL overdue", "dsl_missing_receipt", "in_working_days(1)",
               interrupting=False))
    b(Boundary("record_overdue", "Record overdue", "record_decision", RECORD_SLA, interrupting=False,
               side="top", doc="Emergencies: recorded within the working day the information was shared."))

    ch_follow, ch_tell, ch_reconsider = 5.75, 6.1, 6.45  # channels in row units, below the emergency row
    f(Flow("f_concern", "start_concern", "gw_first_merge"))
    f(Flow("f_request", "start_request", "log_request"))
    f(Flow("f_request_logged", "log_request", "gw_first_merge", route="hv"))
    f(Flow("f_to_emergency", "gw_first_merge", "gw_emergency"))
    f(Flow("f_emergency", "gw_emergency", "share_at_once", "Yes", "immediate_danger == True", route="vh"))
    f(Flow("f_not_emergency", "gw_emergency", "gw_inbound", "No", default=True))
    # A requester already verified is not verified again when new information reopens the decision.
    f(Flow("f_inbound", "gw_inbound", "verify_requester", "Yes",
           'direction == "inbound_request" and not (identity_verified == True and request_specific == True)',
           route="vh"))
    f(Flow("f_own_concern", "gw_inbound", "gw_described", "No", default=True))
    f(Flow("f_to_describe", "gw_described", "describe_concern", "No",
           'direction == "outbound_concern" and not concern and not subjects', route="vh"))
    f(Flow("f_already_described", "gw_described", "gw_purpose_merge", "Yes", default=True))
    f(Flow("f_concern_described", "describe_concern", "gw_purpose_merge", route="hv"))
    f(Flow("f_verification_done", "verify_requester", "gw_verified"))
    f(Flow("f_verified", "gw_verified", "gw_purpose_merge", "Yes",
           "identity_verified == True and request_specific == True", route="hv"))
    f(Flow("f_not_verified", "gw_verified", "explain_not_sharing", "No", default=True, route="vh"))
    f(Flow("f_to_purpose", "gw_purpose_merge", "check_purpose"))
    f(Flow("f_purpose_answered", "check_purpose", "gw_purpose"))
    f(Flow("f_purpose_clear", "gw_purpose", "check_information", "Yes", "purpose_clear == True"))
    f(Flow("f_no_purpose", "gw_purpose", "explain_not_sharing", "No", default=True, route="vh"))
    f(Flow("f_information_described", "check_information", "gw_identifies"))
    f(Flow("f_identifies", "gw_identifies", "consider_consent", "Yes", default=True))
    f(Flow("f_anonymous", "gw_identifies", "anonymous_consultation", "No", "identifies_individual == False",
           route="vh"))
    f(Flow("f_consent_answered", "consider_consent", "gw_consent_given"))
    f(Flow("f_consent_given", "gw_consent_given", "gw_consent_merge", "Yes", 'consent_result == "given"'))
    f(Flow("f_consent_not_given", "gw_consent_given", "without_consent", "No", default=True, route="vh"))
    f(Flow("f_without_consent_answered", "without_consent", "gw_consent_merge", route="hv"))
    f(Flow("f_to_doubt", "gw_consent_merge", "gw_in_doubt"))
    # Unsure, or no law identified for a public task (Article 6(3)): ask, unless it is an emergency.
    f(Flow("f_in_doubt", "gw_in_doubt", "manager_advice", "Yes",
           '(unsure == True or statutory_power == "none_identified") and urgency != "emergency"', route="vh"))
    f(Flow("f_not_in_doubt", "gw_in_doubt", "gw_basis_merge", "No", default=True))
    f(Flow("f_manager_advised", "manager_advice", "advice_returned", route="vh"))
    f(Flow("f_manager_overdue", "manager_overdue", "dsl_advice", route="vh"))
    f(Flow("f_dsl_advised", "dsl_advice", "advice_returned", route="v"))
    f(Flow("f_dsl_overdue", "dsl_overdue", "escalate_further", route="vh"))
    f(Flow("f_escalated", "escalate_further", "end_escalated"))
    f(Flow("f_advice_told", "advice_returned", "gw_advice"))
    f(Flow("f_advised_share", "gw_advice", "gw_basis_merge", "Share", default=True, route="hv"))
    f(Flow("f_advised_not_to_share", "gw_advice", "explain_not_sharing", "Do not share",
           'advice_decision == "do_not_share"', route="vh"))
    f(Flow("f_advised_find_out_more", "gw_advice", "gw_purpose_merge", "Find out more",
           'advice_decision == "seek_more_information"', route="channel", channel_y=4.45))
    f(Flow("f_emergency_shared", "share_at_once", "gw_basis_merge", route="hv"))
    f(Flow("f_to_basis", "gw_basis_merge", "determine_lawful_basis"))
    f(Flow("f_basis_found", "determine_lawful_basis", "gw_may_share"))
    f(Flow("f_already_shared", "gw_may_share", "tell_subject", "Shared in the emergency",
           "immediate_danger == True", route="channel", channel_y=5.55, label_at="end"))
    f(Flow("f_may_not_share", "gw_may_share", "explain_not_sharing", "No",
           "immediate_danger != True and may_share == False", route="vh"))
    f(Flow("f_may_share", "gw_may_share", "choose_what_to_share", "Yes", default=True))
    f(Flow("f_items_chosen", "choose_what_to_share", "send_securely"))
    f(Flow("f_sent", "send_securely", "gw_await_merge"))
    f(Flow("f_await", "gw_await_merge", "await_receipt"))
    f(Flow("f_wait_message", "await_receipt", "receipt_confirmed"))
    f(Flow("f_wait_timer", "await_receipt", "receipt_overdue", route="vh"))
    f(Flow("f_receipt", "receipt_confirmed", "gw_receipt_merge"))
    f(Flow("f_receipt_late", "receipt_overdue", "follow_up_receipt"))
    f(Flow("f_followed_up", "follow_up_receipt", "gw_followed_up"))
    f(Flow("f_confirmed_by_phone", "gw_followed_up", "gw_receipt_merge", "Yes",
           "receipt_confirmed_by_phone == True", route="hv"))
    f(Flow("f_wait_again", "gw_followed_up", "gw_await_merge", "No: wait again", default=True,
           route="channel", channel_y=ch_follow, label_at="end"))
    f(Flow("f_follow_up_overdue", "follow_up_overdue", "dsl_missing_receipt", route="vh"))
    f(Flow("f_dsl_receipt_decided", "dsl_missing_receipt", "gw_dsl_receipt"))
    f(Flow("f_dsl_received_or_closed", "gw_dsl_receipt", "gw_receipt_merge", "Received, or closed",
           'receipt_outcome in ("confirmed", "close_without_receipt")', route="hv"))
    f(Flow("f_dsl_wait_again", "gw_dsl_receipt", "gw_await_merge", "Wait again", default=True,
           route="channel", channel_y=0.0, channel_lane=M, label_at="end"))
    f(Flow("f_dsl_receipt_overdue", "dsl_receipt_overdue", "receipt_escalated", route="vh"))
    f(Flow("f_receipt_escalated", "receipt_escalated", "end_receipt_escalated"))
    f(Flow("f_to_tell", "gw_receipt_merge", "tell_subject"))
    f(Flow("f_told_or_not", "tell_subject", "gw_record_merge"))
    f(Flow("f_not_sharing_explained", "explain_not_sharing", "gw_record_merge", route="hv"))
    f(Flow("f_consultation_recorded", "anonymous_consultation", "gw_record_merge", route="hv"))
    f(Flow("f_to_record", "gw_record_merge", "record_decision"))
    f(Flow("f_recorded", "record_decision", "gw_review"))
    f(Flow("f_record_overdue", "record_overdue", "record_reminder", route="vh"))
    f(Flow("f_reminded", "record_reminder", "end_record_reminder"))
    f(Flow("f_nothing_to_review", "gw_review", "end_recorded", "No", default=True))
    f(Flow("f_review_later", "gw_review", "await_review", "Yes", "bool(review_date)", route="vh"))
    f(Flow("f_wait_review_date", "await_review", "review_due"))
    f(Flow("f_wait_new_information", "await_review", "new_information_received", route="vh"))
    f(Flow("f_review_due", "review_due", "gw_review_merge"))
    f(Flow("f_new_information", "new_information_received", "gw_review_merge", route="hv"))
    f(Flow("f_to_review", "gw_review_merge", "review_decision"))
    f(Flow("f_reviewed", "review_decision", "gw_review_outcome"))
    f(Flow("f_review_recorded", "gw_review_outcome", "record_decision", "No change or close", default=True,
           route="channel", channel_y=4.5, label_at="end"))
    f(Flow("f_tell_now", "gw_review_outcome", "tell_subject", "Safe to tell now",
           'review_outcome == "tell_subject_now"', route="channel", channel_y=ch_tell, label_at="end"))
    # New information is looked at afresh: an emergency first, then (for a requester not yet verified)
    # who is asking, then the purpose.
    f(Flow("f_reconsider", "gw_review_outcome", "gw_first_merge", "New information: reconsider",
           'review_outcome == "reconsider"', route="channel", channel_y=ch_reconsider, label_at="end"))

    d.notes.extend([
        Note("note_section_1", "1. Sharing information is part of every practitioner's role: "
             "poor sharing leads to missed chances to protect a child.", 0.5, "start_concern"),
        Note("note_section_3", "3. Ask: is there a clear legitimate purpose? Does it identify anyone? "
             "Is consent the right basis, and do you have it? Is there a lawful reason without it?",
             9.5, "check_purpose", width=400),
        Note("note_section_6", "6. Use your judgement and consult your manager if in doubt. Fear of sharing "
             "must not stop safeguarding: do not assume someone else will share.", 15.5, "gw_in_doubt",
             width=400),
        Note("note_section_2", "2. Necessary and proportionate, relevant, adequate, accurate (fact or opinion, "
             "current or historical) and timely.", 19.7, "choose_what_to_share", width=280),
        Note("note_section_4", "4. Decide how much to share; give the right information to the right person, "
             "securely; tell the person unless that increases the risk of harm.", 25.5, "tell_subject",
             width=280),
        Note("note_section_5", "5. Record what was shared, with whom and why, or why not: every decision and "
             "its reasons.", 29.6, "record_decision", width=300),
        Note("note_section_7", "7. Further guidance: DfE, Information sharing advice for safeguarding "
             "practitioners (May 2024); ICO 10 step guide (2023).", 34.0, "review_decision", width=300),
    ])
    return d


# ---------------------------------------------------------------- geometry

def lane_tops() -> dict[str, float]:
    tops, y = {}, 80.0
    for name, rows in LANES:
        tops[name] = y
        y += rows * ROW
    return tops


TOPS = lane_tops()
COLUMNS = 42
POOL_WIDTH = X0 + COLUMNS * COL + 60 - LANE_X + 30


def centre(node: Node) -> tuple[float, float]:
    return X0 + node.col * COL, TOPS[node.lane] + ROW / 2 + node.row * ROW


def bounds(node: Node) -> tuple[float, float, float, float]:
    cx, cy = centre(node)
    w, h = SIZES[node.kind]
    return cx - w / 2, cy - h / 2, w, h


def boundary_bounds(bnd: Boundary, host: Node) -> tuple[float, float, float, float]:
    hx, hy, hw, hh = bounds(host)
    cx = hx + hw * bnd.at
    cy = hy + hh if bnd.side == "bottom" else hy
    return cx - 18, cy - 18, 36, 36


def row_y(lane: str, row: float) -> float:
    return TOPS[lane] + ROW / 2 + row * ROW


def label_text_size(text: str, width: float) -> tuple[float, float]:
    chars_per_line = max(1, int(width / 6.2))
    lines, current = 1, 0
    for word in text.split():
        if current and current + 1 + len(word) > chars_per_line:
            lines += 1
            current = len(word)
        else:
            current += len(word) + (1 if current else 0)
    return width, 14 * lines


def node_label(node: Node) -> tuple[float, float, float, float] | None:
    if node.kind in ("task", "subprocess") or not node.name:
        return None
    x, y, w, h = bounds(node)
    if node.label == "left":
        # above the incoming line, between the previous shape and this one
        lw, lh = label_text_size(node.name, 62)
        return x - lw - 3, y + h / 2 - lh - 8, lw, lh
    lw, lh = label_text_size(node.name, 96)
    lx = x + w / 2 - lw / 2
    ly = y - lh - 6 if node.label == "above" else y + h + 6
    return lx, ly, lw, lh


def route(flow: Flow, shapes: dict[str, tuple[float, float, float, float]]) -> list[tuple[float, float]]:
    sx, sy, sw, sh = shapes[flow.source]
    tx, ty, tw, th = shapes[flow.target]
    scx, scy, tcx, tcy = sx + sw / 2, sy + sh / 2, tx + tw / 2, ty + th / 2
    if flow.route == "h":
        return [(sx + sw, scy), (tx, tcy)]
    if flow.route == "v":
        return [(scx, sy), (tcx, ty + th)] if tcy < scy else [(scx, sy + sh), (tcx, ty)]
    if flow.route == "vh":
        start = (scx, sy) if tcy < scy else (scx, sy + sh)
        return [start, (scx, tcy), (tx, tcy)]
    if flow.route == "hv":
        # up into the target's bottom, or down into its top
        end = (tcx, ty + th) if tcy < scy else (tcx, ty)
        return [(sx + sw, scy), (tcx, scy), end]
    if flow.route == "channel":
        assert flow.channel_y is not None
        lane = flow.channel_lane or NODES_BY_ID[flow.source].lane
        y = row_y(lane, flow.channel_y)
        start = (scx, sy + sh) if y > scy else (scx, sy)
        end = (tcx, ty + th) if y > tcy else (tcx, ty)
        return [start, (scx, y), (tcx, y), end]
    raise ValueError(flow.route)


def flow_label(flow: Flow, points: list[tuple[float, float]]) -> tuple[float, float, float, float] | None:
    if not flow.name:
        return None
    width = min(7 * len(flow.name) + 6, 120)
    lw, lh = label_text_size(flow.name, width)
    if flow.label_at == "end":
        (ax, ay), (bx, by) = points[-3], points[-2]
        # above the last horizontal run, next to where it turns into the target
        x = bx + 6 if bx > ax else bx - lw - 6
        return x, ay - lh - 3, lw, lh
    (ax, ay), (bx, by) = points[0], points[1]
    if ay == by:  # leaves horizontally
        return ax + 4, ay - lh - 3, lw, lh
    if by < ay:  # leaves upwards
        return ax + 5, ay - lh - 4, lw, lh
    return ax + 5, ay + 4, lw, lh


NODES_BY_ID: dict[str, Node] = {}


# ---------------------------------------------------------------- XML

def fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def bounds_xml(b: tuple[float, float, float, float], tag: str = "dc:Bounds") -> str:
    return f'<{tag} x="{fmt(b[0])}" y="{fmt(b[1])}" width="{fmt(b[2])}" height="{fmt(b[3])}" />'


def expression(tag: str, text: str) -> str:
    return f'<bpmn:{tag} xsi:type="bpmn:tFormalExpression">{escape(text)}</bpmn:{tag}>'


def properties(pairs: list[tuple[str, str]]) -> str:
    if not pairs:
        return ""
    inner = "".join(f"<spiffworkflow:property name={quoteattr(k)} value={quoteattr(v)} />" for k, v in pairs)
    return f"<bpmn:extensionElements><spiffworkflow:properties>{inner}</spiffworkflow:properties>" \
           "</bpmn:extensionElements>"


def documentation(text: str) -> str:
    return f"<bpmn:documentation>{escape(text)}</bpmn:documentation>" if text else ""


def render_node(node: Node, flows: list[Flow], default_of: dict[str, str]) -> str:
    incoming = "".join(f"<bpmn:incoming>{f.id}</bpmn:incoming>" for f in flows if f.target == node.id)
    outgoing = "".join(f"<bpmn:outgoing>{f.id}</bpmn:outgoing>" for f in flows if f.source == node.id)
    name = f" name={quoteattr(node.name)}" if node.name else ""
    pairs = []
    if node.form:
        pairs.append(("formJsonSchemaFilename", node.form))
    if node.step:
        pairs.append(("policyStep", node.step))
    if node.notify:
        pairs.append(("notify", node.notify))
    head = documentation(node.doc) + properties(pairs)
    if node.kind == "start":
        cond = expression("condition", node.condition or "")
        return (f'<bpmn:startEvent id="{node.id}"{name}>{head}{outgoing}'
                f'<bpmn:conditionalEventDefinition id="{node.id}_condition">{cond}'
                f"</bpmn:conditionalEventDefinition></bpmn:startEvent>")
    if node.kind == "end":
        return f'<bpmn:endEvent id="{node.id}"{name}>{head}{incoming}</bpmn:endEvent>'
    if node.kind == "throw":
        return f'<bpmn:intermediateThrowEvent id="{node.id}"{name}>{head}{incoming}{outgoing}' \
               "</bpmn:intermediateThrowEvent>"
    if node.kind == "task":
        return f'<bpmn:userTask id="{node.id}"{name}>{head}{incoming}{outgoing}</bpmn:userTask>'
    if node.kind == "exclusive":
        default = f' default="{default_of[node.id]}"' if node.id in default_of else ""
        return f'<bpmn:exclusiveGateway id="{node.id}"{name}{default}>{head}{incoming}{outgoing}' \
               "</bpmn:exclusiveGateway>"
    if node.kind == "event_gateway":
        return f'<bpmn:eventBasedGateway id="{node.id}"{name}>{head}{incoming}{outgoing}</bpmn:eventBasedGateway>'
    if node.kind == "catch_message":
        return (f'<bpmn:intermediateCatchEvent id="{node.id}"{name}>{head}{incoming}{outgoing}'
                f'<bpmn:messageEventDefinition id="{node.id}_message" messageRef="{MESSAGES[node.message][0]}">'
                f"<bpmn:extensionElements><spiffworkflow:messageVariable>{node.message}</spiffworkflow:messageVariable>"
                "</bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:intermediateCatchEvent>")
    if node.kind == "catch_timer":
        return (f'<bpmn:intermediateCatchEvent id="{node.id}"{name}>{head}{incoming}{outgoing}'
                f'<bpmn:timerEventDefinition id="{node.id}_timer">{expression("timeDate", node.timer or "")}'
                "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>")
    if node.kind == "subprocess":
        return (f'<bpmn:subProcess id="{node.id}"{name}>{head}{incoming}{outgoing}'
                f"{lawful_basis_inner()}</bpmn:subProcess>")
    raise ValueError(node.kind)


def lawful_basis_inner() -> str:
    parts = ['<bpmn:startEvent id="lawful_basis_start"><bpmn:outgoing>lb_f0</bpmn:outgoing></bpmn:startEvent>']
    for i, table in enumerate(TABLES):
        task_id = f"decide_{table.id}"
        parts.append(
            f'<bpmn:businessRuleTask id="{task_id}" name={quoteattr(table.task_name)}>'
            f"<bpmn:extensionElements><spiffworkflow:calledDecisionId>{table.id}</spiffworkflow:calledDecisionId>"
            f"</bpmn:extensionElements><bpmn:incoming>lb_f{i}</bpmn:incoming>"
            f"<bpmn:outgoing>lb_f{i + 1}</bpmn:outgoing></bpmn:businessRuleTask>")
    last = len(TABLES)
    parts.append(f'<bpmn:endEvent id="lawful_basis_end"><bpmn:incoming>lb_f{last}</bpmn:incoming></bpmn:endEvent>')
    chain = ["lawful_basis_start"] + [f"decide_{t.id}" for t in TABLES] + ["lawful_basis_end"]
    for i in range(last + 1):
        parts.append(f'<bpmn:sequenceFlow id="lb_f{i}" sourceRef="{chain[i]}" targetRef="{chain[i + 1]}" />')
    return "".join(parts)


def lawful_basis_plane() -> str:
    chain = ["lawful_basis_start"] + [f"decide_{t.id}" for t in TABLES] + ["lawful_basis_end"]
    shapes, edges, x = [], [], 180.0
    boxes = {}
    for element in chain:
        is_event = element.startswith("lawful_basis_")
        w, h = (36, 36) if is_event else (100, 80)
        box = (x, 200 - h / 2, w, h)
        boxes[element] = box
        shapes.append(f'<bpmndi:BPMNShape id="{element}_di" bpmnElement="{element}">{bounds_xml(box)}'
                      "</bpmndi:BPMNShape>")
        x += w + 50
    for i in range(len(chain) - 1):
        a, b = boxes[chain[i]], boxes[chain[i + 1]]
        edges.append(f'<bpmndi:BPMNEdge id="lb_f{i}_di" bpmnElement="lb_f{i}">'
                     f'<di:waypoint x="{fmt(a[0] + a[2])}" y="200" /><di:waypoint x="{fmt(b[0])}" y="200" />'
                     "</bpmndi:BPMNEdge>")
    return (f'<bpmndi:BPMNDiagram id="lawful_basis_diagram"><bpmndi:BPMNPlane id="lawful_basis_plane" '
            f'bpmnElement="determine_lawful_basis">{"".join(shapes)}{"".join(edges)}</bpmndi:BPMNPlane>'
            "</bpmndi:BPMNDiagram>")


def render(d: Diagram) -> str:
    NODES_BY_ID.clear()
    NODES_BY_ID.update({n.id: n for n in d.nodes})
    default_of = {f.source: f.id for f in d.flows if f.default}
    shapes: dict[str, tuple[float, float, float, float]] = {n.id: bounds(n) for n in d.nodes}
    for bnd in d.boundaries:
        shapes[bnd.id] = boundary_bounds(bnd, NODES_BY_ID[bnd.host])
        NODES_BY_ID[bnd.id] = Node(bnd.id, "boundary", bnd.name, NODES_BY_ID[bnd.host].lane, 0, 0)

    process: list[str] = []
    lane_refs: dict[str, list[str]] = {name: [] for name, _ in LANES}
    for node in d.nodes:
        lane_refs[node.lane].append(node.id)
    for bnd in d.boundaries:
        lane_refs[NODES_BY_ID[bnd.host].lane].append(bnd.id)
    process.append('<bpmn:laneSet id="lanes">')
    for name, _ in LANES:
        refs = "".join(f"<bpmn:flowNodeRef>{r}</bpmn:flowNodeRef>" for r in lane_refs[name])
        process.append(f'<bpmn:lane id="lane_{name.lower()}" name="{name}">{refs}</bpmn:lane>')
    process.append("</bpmn:laneSet>")
    for node in d.nodes:
        process.append(render_node(node, d.flows, default_of))
    for bnd in d.boundaries:
        outgoing = "".join(f"<bpmn:outgoing>{f.id}</bpmn:outgoing>" for f in d.flows if f.source == bnd.id)
        cancel = "true" if bnd.interrupting else "false"
        process.append(
            f'<bpmn:boundaryEvent id="{bnd.id}" name={quoteattr(bnd.name)} attachedToRef="{bnd.host}" '
            f'cancelActivity="{cancel}">{documentation(bnd.doc)}{outgoing}'
            f'<bpmn:timerEventDefinition id="{bnd.id}_timer">{expression("timeDate", bnd.timer)}'
            "</bpmn:timerEventDefinition></bpmn:boundaryEvent>")
    for flow in d.flows:
        name = f" name={quoteattr(flow.name)}" if flow.name else ""
        cond = expression("conditionExpression", flow.condition) if flow.condition else ""
        process.append(f'<bpmn:sequenceFlow id="{flow.id}"{name} sourceRef="{flow.source}" '
                       f'targetRef="{flow.target}">{cond}</bpmn:sequenceFlow>')
    for note in d.notes:
        process.append(f'<bpmn:textAnnotation id="{note.id}"><bpmn:text>{escape(note.text)}</bpmn:text>'
                       "</bpmn:textAnnotation>")
        process.append(f'<bpmn:association id="{note.id}_link" sourceRef="{note.id}" targetRef="{note.attach}" />')

    initial = properties([(f"initial.{k}", v) for k, v in INITIAL_FACTS.items()])

    di: list[str] = []
    pool_height = sum(rows for _, rows in LANES) * ROW
    di.append(f'<bpmndi:BPMNShape id="participant_di" bpmnElement="participant" isHorizontal="true">'
              f"{bounds_xml((LANE_X, 80, POOL_WIDTH, pool_height))}</bpmndi:BPMNShape>")
    for name, rows in LANES:
        box = (LANE_X + 30, TOPS[name], POOL_WIDTH - 30, rows * ROW)
        di.append(f'<bpmndi:BPMNShape id="lane_{name.lower()}_di" bpmnElement="lane_{name.lower()}" '
                  f'isHorizontal="true">{bounds_xml(box)}</bpmndi:BPMNShape>')
    for node in d.nodes:
        label = node_label(node)
        label_xml = f"<bpmndi:BPMNLabel>{bounds_xml(label)}</bpmndi:BPMNLabel>" if label else ""
        extra = ' isExpanded="false"' if node.kind == "subprocess" else ""
        extra += ' isMarkerVisible="true"' if node.kind == "exclusive" else ""
        di.append(f'<bpmndi:BPMNShape id="{node.id}_di" bpmnElement="{node.id}"{extra}>'
                  f"{bounds_xml(shapes[node.id])}{label_xml}</bpmndi:BPMNShape>")
    for bnd in d.boundaries:
        x, y, w, h = shapes[bnd.id]
        lw, lh = label_text_size(bnd.name, 80)
        lx = x + w + 4 if bnd.label_side == "right" else x - lw - 4
        label = (lx, y + h - 4, lw, lh) if bnd.side == "bottom" else (lx, y - lh + 4, lw, lh)
        di.append(f'<bpmndi:BPMNShape id="{bnd.id}_di" bpmnElement="{bnd.id}">{bounds_xml((x, y, w, h))}'
                  f"<bpmndi:BPMNLabel>{bounds_xml(label)}</bpmndi:BPMNLabel></bpmndi:BPMNShape>")
    for flow in d.flows:
        points = route(flow, shapes)
        waypoints = "".join(f'<di:waypoint x="{fmt(x)}" y="{fmt(y)}" />' for x, y in points)
        label = flow_label(flow, points)
        label_xml = f"<bpmndi:BPMNLabel>{bounds_xml(label)}</bpmndi:BPMNLabel>" if label else ""
        di.append(f'<bpmndi:BPMNEdge id="{flow.id}_di" bpmnElement="{flow.id}">{waypoints}{label_xml}'
                  "</bpmndi:BPMNEdge>")
    for note in d.notes:
        lw, lh = label_text_size(note.text, note.width - 10)
        tx, ty, tw, _ = shapes[note.attach]
        # the note hangs above the element it explains, linked by a straight dotted line
        box = (tx + tw / 2 - 24, TOPS[P] + 12, note.width, lh + 14)
        di.append(f'<bpmndi:BPMNShape id="{note.id}_di" bpmnElement="{note.id}">{bounds_xml(box)}'
                  "</bpmndi:BPMNShape>")
        di.append(f'<bpmndi:BPMNEdge id="{note.id}_link_di" bpmnElement="{note.id}_link">'
                  f'<di:waypoint x="{fmt(tx + tw / 2)}" y="{fmt(box[1] + box[3])}" />'
                  f'<di:waypoint x="{fmt(tx + tw / 2)}" y="{fmt(ty)}" />'
                  "</bpmndi:BPMNEdge>")

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="information_sharing_definitions" '
        'targetNamespace="https://safeguarding.example/processes/information-sharing" '
        'exporter="information-sharing layout script" exporterVersion="1">\n'
        '<bpmn:collaboration id="collaboration"><bpmn:participant id="participant" '
        'name="Deciding whether to share information about a child" processRef="information_sharing" />'
        "</bpmn:collaboration>\n"
        + "".join(f'<bpmn:message id="{ref}" name="{name}" />\n' for ref, name in MESSAGES.values()) +
        '<bpmn:process id="information_sharing" name="Deciding whether to share information about a child" '
        f'isExecutable="true">{initial}\n' + "\n".join(process) + "\n</bpmn:process>\n"
        '<bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="collaboration">\n'
        + "\n".join(di) + "\n</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n"
        + lawful_basis_plane() + "\n</bpmn:definitions>\n"
    )


def main() -> None:
    (OUT / "information_sharing.bpmn").write_text(render(build()), encoding="utf-8")
    (OUT / "lawful_basis.dmn").write_text(render_dmn(), encoding="utf-8")
    print(f"wrote {OUT / 'information_sharing.bpmn'} and {OUT / 'lawful_basis.dmn'}")


if __name__ == "__main__":
    main()
