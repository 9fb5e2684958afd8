"""The lawful-basis decision tables (workflows/lawful_basis.dmn), checked outside any case.

SpiffWorkflow stops at the first matching rule of a UNIQUE table, so it never notices two rules
that overlap, nor a combination of answers that no rule gives. These tests therefore:

1. check every table declares hit policy UNIQUE, in the compiled process and in the XML itself, that
   each table reads the facts we think it reads, and only case facts and the outputs of the tables
   the sub-process runs before it;
2. walk every combination of the values of each table's input columns (True/False, or the values of
   an enum column) and check exactly one rule answers each, and that no rule is dead;
3. pin the exact legal wording each rule produces, with one readable case (at least) per rule; each
   case is a set of case facts, run through the tables before it, and says which words of the law
   it tests;
4. run all ten tables together, in the sub-process's order, on scenario-like cases;
5. check a missing fact is reported as DecisionFailed.

The expected names are written out here on purpose (not imported from workflows/tools), so an
edit to the wording in the generator shows up as a failing test someone must look at.
"""

from __future__ import annotations

import ast
import itertools
from typing import Any

import pytest
from lxml import etree

from service.engine import compile_process
from service.engine.decisions import (
    DecisionFailed,
    decision_tables,
    evaluate_table,
    matching_rules,
    matching_rules_by_column,
)
from service.engine.specs import CompiledProcess
from tests.workflows.conftest import WORKFLOWS, sharing_files

DMN_FILE = WORKFLOWS / "lawful_basis.dmn"
BPMN_FILE = WORKFLOWS / "information_sharing.bpmn"
DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"

CONSENT = "consent_validity_table"
SAFEGUARDING = "safeguarding_condition_table"
PART2 = "substantial_public_interest_table"
CONFIDENCE = "confidence_table"
ARTICLE6 = "article6_basis_table"
ARTICLE9 = "article9_condition_table"
ARTICLE10 = "article10_condition_table"
LAWFUL = "lawful_to_share_table"
NOTES = "basis_notes_table"
EXEMPTION = "exemption_table"
# The order the lawful-basis sub-process runs them in (test_the_sub_process_runs_the_tables_in_order).
ORDER = [CONSENT, SAFEGUARDING, PART2, CONFIDENCE, ARTICLE6, ARTICLE9, ARTICLE10, LAWFUL, NOTES, EXEMPTION]

# The facts each table's input expressions read (from workflows/tools/lawful_basis_tables.py;
# test_fact_mapping_matches_the_input_expressions keeps this honest against the DMN file).
TABLE_FACTS: dict[str, list[str]] = {
    CONSENT: ["consent_result", "legal_obligation", "duty_to_share_in_force", "purpose", "consent_appropriate",
              "consent_explicit", "consent_of_whom", "subject_can_consent", "seeking_consent_increases_risk",
              "immediate_danger"],
    SAFEGUARDING: ["immediate_danger", "risk_of_significant_harm", "purpose", "subject_at_risk", "consent_limb_met",
                   "consent_result", "consent_of_whom", "subject_can_consent"],
    PART2: ["purpose", "consent_counts", "para18_met", "consent_limb_met", "public_authority", "statutory_power",
            "legal_obligation", "duty_to_share_in_force"],
    CONFIDENCE: ["legal_obligation", "duty_to_share_in_force", "purpose", "immediate_danger", "consent_counts",
                 "risk_of_significant_harm", "public_interest", "overriding_public_interest", "consent_result",
                 "confidential"],
    ARTICLE6: ["confidence_allows", "legal_obligation", "duty_to_share_in_force", "purpose", "public_authority",
               "immediate_danger", "threat_to_life", "subject_can_consent", "consent_counts", "subject_at_risk",
               "risk_of_significant_harm", "direction", "requester_is_public_body", "legitimate_interests_assessed"],
    ARTICLE9: ["confidence_allows", "special_category", "immediate_danger", "threat_to_life", "subject_can_consent",
               "purpose", "part2_condition", "explicit_consent", "public_authority"],
    ARTICLE10: ["confidence_allows", "criminal_offence_data", "immediate_danger", "threat_to_life",
                "subject_can_consent", "purpose", "part2_condition", "explicit_consent", "public_authority"],
    LAWFUL: ["confidence_allows", "article6_basis", "special_category", "article9_condition", "criminal_offence_data",
             "article10_condition"],
    NOTES: ["article6_basis", "statutory_power", "common_law_justification"],
    EXEMPTION: ["may_share", "purpose", "telling_would_prejudice_crime", "legal_obligation", "duty_to_share_in_force"],
}
# What each table adds for the tables after it (and for the record).
TABLE_OUTPUTS: dict[str, list[str]] = {
    CONSENT: ["consent_counts", "explicit_consent", "consent_limb_met"],
    SAFEGUARDING: ["para18_met"],
    PART2: ["part2_condition", "part2_why"],
    CONFIDENCE: ["confidence_allows", "common_law_justification"],
    ARTICLE6: ["article6_basis"],
    ARTICLE9: ["article9_condition", "schedule1_paragraph"],
    ARTICLE10: ["article10_condition"],
    LAWFUL: ["may_share", "no_basis_reason"],
    NOTES: ["basis_notes"],
    EXEMPTION: ["exemption"],
}

# The values of the input columns that are not True/False (keyed by the column's expression).
CONSENT_RESULTS = ("given", "refused", "withdrawn", "not_sought")
PUBLIC_INTEREST_COLUMN = '(public_interest or "unspecified") if overriding_public_interest else "none"'
PUBLIC_INTERESTS = ("none", "unspecified", "protecting_adult", "preventing_crime", "protecting_others")
ENUM_COLUMNS: dict[str, tuple[str, ...]] = {"consent_result": CONSENT_RESULTS, PUBLIC_INTEREST_COLUMN: PUBLIC_INTERESTS}

# The exact names the record must carry (domain/lawful-bases.md).
NOTHING_SHARED = "Not applicable: nothing is shared"
P10 = "para 10 (preventing or detecting unlawful acts)"
P18 = "para 18 (safeguarding of children and of individuals at risk)"
P10_AND_18 = ("para 10 (preventing or detecting unlawful acts) and "
              "para 18 (safeguarding of children and of individuals at risk)")
P17 = "para 17 (counselling)"
P7 = "para 7 (administration of justice)"
P6 = "para 6 (statutory and government purposes)"
WHY_BOTH = ("Both apply: the purpose is preventing or detecting crime (para 10), and a child or an adult at risk "
            "needs protecting (para 18).")
WHY_10 = ("The purpose is preventing or detecting crime, and the sharing goes ahead without the person's consent "
          "so as not to prejudice it (para 10).")
WHY_18 = ("A child or an adult at risk needs protecting from harm, and consent cannot be given, cannot reasonably "
          "be obtained, or seeking it would prejudice the protection (para 18).")
WHY_17 = ("Confidential counselling, advice or support, and consent cannot be given, cannot reasonably be obtained, "
          "or seeking it would prejudice the service (para 17).")
WHY_7 = "The sharing is necessary for the administration of justice (para 7)."
WHY_6 = "The sharing is necessary for a function conferred by an enactment or rule of law (para 6)."
WHY_NONE = "No Schedule 1 Part 2 condition fits the answers given."
CL_LEGAL = "Legal requirement"
CL_S16LA = "Legal requirement: Children Act 2004 s.16LA duty to share"
CL_EMERGENCY = "Overriding public interest: a child was in immediate danger"
CL_CONSENT = "Consent"
CL_CHILD = "Overriding public interest: protecting a child from significant harm"
CL_ADULT = "Overriding public interest: protecting an adult at risk"
CL_CRIME = "Overriding public interest: preventing or detecting crime"
CL_OTHERS = "Overriding public interest: protecting others from serious harm"
CL_PUBLIC_INTEREST = "Overriding public interest"
CL_NONE_REFUSED = ("None: consent was refused or withdrawn and there is no risk of significant harm "
                   "or overriding public interest")
CL_NOT_CONFIDENTIAL = "Not engaged: the information was not given in confidence"
CL_NONE_CONFIDENTIAL = ("None: confidential information needs consent, a legal requirement "
                        "or an overriding public interest")
A6_CONSENT = "Article 6(1)(a) consent"
A6_LEGAL = "Article 6(1)(c) legal obligation"
A6_VITAL = "Article 6(1)(d) vital interests"
A6_PUBLIC_TASK = "Article 6(1)(e) public task (DPA 2018 s.8)"
A6_RLI_SAFEGUARDING = ("Article 6(1)(ea) recognised legitimate interest: Annex 1 para 6 "
                       "(safeguarding a vulnerable individual)")
A6_RLI_CRIME = "Article 6(1)(ea) recognised legitimate interest: Annex 1 para 5 (crime)"
A6_RLI_REQUEST = ("Article 6(1)(ea) recognised legitimate interest: Annex 1 para 1 "
                  "(disclosure requested by a public body)")
A6_LEGITIMATE_INTERESTS = "Article 6(1)(f) legitimate interests (assessment recorded)"
A6_NONE = "None: no Article 6 lawful basis fits"
A9_NOT_APPLICABLE = "Not applicable: no special category data"
A9_VITAL = "Article 9(2)(c) vital interests (the person cannot consent)"
A9_LEGAL_CLAIMS = "Article 9(2)(f) legal claims"
A9_CARE = "Article 9(2)(h) health or social care"
SCH1_2 = "DPA 2018 Sch 1 para 2 (health or social care purposes)"
A9_EMPLOYMENT = "Article 9(2)(b) employment, social security and social protection"
SCH1_1 = "DPA 2018 Sch 1 para 1 (employment, social security and social protection)"
A9_PUBLIC_INTEREST = "Article 9(2)(g) substantial public interest"
SCH1_18 = "DPA 2018 Sch 1 para 18 (safeguarding of children and of individuals at risk)"
SCH1_10_AND_18 = ("DPA 2018 Sch 1 para 10 (preventing or detecting unlawful acts) and "
                  "para 18 (safeguarding of children and of individuals at risk)")
SCH1_10 = "DPA 2018 Sch 1 para 10 (preventing or detecting unlawful acts)"
SCH1_6 = "DPA 2018 Sch 1 para 6 (statutory and government purposes)"
A9_EXPLICIT_CONSENT = "Article 9(2)(a) explicit consent"
A9_NONE = "None: no Article 9 condition fits"
A10_NOT_APPLICABLE = "Not applicable: no criminal offence data"
A10_VITAL = "DPA 2018 Sch 1 para 30 (vital interests)"
A10_LEGAL_CLAIMS = "DPA 2018 Sch 1 para 33 (legal claims)"
A10_EMPLOYMENT = "DPA 2018 Sch 1 para 1 (employment, social security and social protection)"
A10_SAFEGUARDING = "DPA 2018 Sch 1 para 36, applying para 18 (safeguarding of children and of individuals at risk)"
A10_CRIME = "DPA 2018 Sch 1 para 36, applying para 10 (preventing or detecting unlawful acts)"
A10_CRIME_AND_SAFEGUARDING = ("DPA 2018 Sch 1 para 36, applying para 10 (preventing or detecting unlawful acts) "
                              "and para 18 (safeguarding of children and of individuals at risk)")
A10_CONSENT = "DPA 2018 Sch 1 para 29 (consent)"
A10_NONE = "None: no Article 10 condition fits"
NO_BASIS_A6 = ("No lawful basis: no Article 6 basis fits the answers given. "
               "Do not share; record why and set a review date.")
NO_BASIS_A9 = ("No lawful basis: the information includes special category data and no Article 9 condition fits. "
               "Do not share; record why and set a review date.")
NO_BASIS_A10 = ("No lawful basis: the information includes criminal offence data and no Article 10 condition fits. "
                "Do not share; record why and set a review date.")
NOTE_ARTICLE_6_3 = ("Public task needs a basis in law (Article 6(3)) and none was identified: ask the DSL or the "
                    "data protection officer which law gives the power to share.")
NOTE_CONSENT = ("Consent was given, but it is not the data protection basis: we rely on the basis above, "
                "and the consent answers the common-law duty of confidence.")
EX_CRIME = ("DPA 2018 Sch 2 Part 1 para 2 (crime and taxation): transparency and purpose limitation "
            "disapplied only as far as complying would prejudice that purpose")
EX_REQUIRED_BY_LAW = ("DPA 2018 Sch 2 Part 1 para 5 (disclosure required by law or court order): "
                      "to the extent that compliance would prevent the disclosure")
NO_EXEMPTION = "None"


@pytest.fixture(scope="module")
def compiled() -> CompiledProcess:
    return compile_process(sharing_files())


def _dmn_tables() -> list[Any]:
    return list(etree.parse(str(DMN_FILE)).getroot().iter(f"{{{DMN_NS}}}decisionTable"))


def _columns(table: Any) -> list[str]:
    return [text.text or "" for text in
            table.iterfind(f"{{{DMN_NS}}}input/{{{DMN_NS}}}inputExpression/{{{DMN_NS}}}text")]


# --- 1. hit policies and the facts each table reads ----------------------------------------------


def test_the_ten_tables_are_there(compiled: CompiledProcess) -> None:
    assert list(decision_tables(compiled)) == ORDER


def test_every_table_is_unique_in_the_compiled_process(compiled: CompiledProcess) -> None:
    policies = {table_id: info.hit_policy for table_id, info in decision_tables(compiled).items()}
    assert policies == dict.fromkeys(ORDER, "UNIQUE")


def test_every_decision_table_in_the_xml_says_unique_explicitly() -> None:
    # DMN defaults a missing hitPolicy to UNIQUE; we want it written down, so the attribute must be present.
    policies = {table.get("id"): table.get("hitPolicy") for table in _dmn_tables()}
    assert policies == dict.fromkeys(ORDER, "UNIQUE")


def test_fact_mapping_matches_the_input_expressions() -> None:
    """TABLE_FACTS and TABLE_OUTPUTS are hard-coded for readability; check them against the DMN file."""
    read: dict[str, set[str]] = {}
    written: dict[str, list[str]] = {}
    for table in _dmn_tables():
        names: set[str] = set()
        for expression in _columns(table):
            names |= {node.id for node in ast.walk(ast.parse(expression, mode="eval")) if isinstance(node, ast.Name)}
        read[table.get("id") or ""] = names
        written[table.get("id") or ""] = [output.get("name") for output in table.iterfind(f"{{{DMN_NS}}}output")]
    assert read == {table_id: set(facts) for table_id, facts in TABLE_FACTS.items()}
    assert written == TABLE_OUTPUTS


def test_the_sub_process_runs_the_tables_in_order() -> None:
    root = etree.parse(str(BPMN_FILE)).getroot()
    (sub_process,) = root.iterfind(f".//{{{BPMN_NS}}}subProcess[@id='determine_lawful_basis']")
    flows = sub_process.iterfind(f"{{{BPMN_NS}}}sequenceFlow")
    next_of = {flow.get("sourceRef"): flow.get("targetRef") for flow in flows}
    called = {task.get("id"): task.findtext(f".//{{{SPIFF_NS}}}calledDecisionId")
              for task in sub_process.iterfind(f"{{{BPMN_NS}}}businessRuleTask")}
    chain, element = [], next_of["lawful_basis_start"]
    while element in called:
        chain.append(f"{called[element]}_table")
        element = next_of[element]
    assert chain == ORDER


def test_each_table_reads_only_case_facts_and_the_outputs_of_earlier_tables() -> None:
    every_output = {name for outputs in TABLE_OUTPUTS.values() for name in outputs}
    for position, table_id in enumerate(ORDER):
        earlier = {name for before in ORDER[:position] for name in TABLE_OUTPUTS[before]}
        derived = set(TABLE_FACTS[table_id]) & every_output
        assert derived <= earlier, f"{table_id} reads {derived - earlier} before any table has written it"


def test_every_case_fact_has_a_starting_value(compiled: CompiledProcess) -> None:
    # A case reaches the tables on every path with an answer to every fact (direction is set at case start).
    every_output = {name for outputs in TABLE_OUTPUTS.values() for name in outputs}
    case_facts = {fact for facts in TABLE_FACTS.values() for fact in facts} - every_output
    assert case_facts == set(BASE_FACTS)
    assert case_facts - {"direction"} - set(compiled.initial_data) == set()


# --- 2. uniqueness and completeness over each table's input columns ------------------------------


def _domain(column: str) -> tuple[Any, ...]:
    return ENUM_COLUMNS.get(column, (True, False))


def test_boolean_columns_hold_only_true_false_or_any() -> None:
    """The column domains below assume a column not in ENUM_COLUMNS is True/False; check its entries agree."""
    wrong = []
    for table in _dmn_tables():
        columns = _columns(table)
        for rule in table.iterfind(f"{{{DMN_NS}}}rule"):
            for column, entry in zip(columns, rule.iterfind(f"{{{DMN_NS}}}inputEntry/{{{DMN_NS}}}text"), strict=True):
                if column not in ENUM_COLUMNS and entry.text not in ("True", "False", "-"):
                    wrong.append(f"{rule.get('id')}: {entry.text!r} in the column {column!r}")
    assert not wrong


@pytest.fixture(scope="module")
def column_matches(compiled: CompiledProcess) -> dict[str, list[tuple[tuple[Any, ...], list[str]]]]:
    """For each table, every combination of its column values with the rules that match it."""
    found = {}
    for table in _dmn_tables():
        table_id = table.get("id") or ""
        rows = list(itertools.product(*(_domain(column) for column in _columns(table))))
        found[table_id] = list(zip(rows, matching_rules_by_column(compiled, table_id, rows), strict=True))
    return found


@pytest.mark.parametrize("table_id", ORDER)
def test_exactly_one_rule_answers_every_combination(
        column_matches: dict[str, list[tuple[tuple[Any, ...], list[str]]]], table_id: str) -> None:
    combinations = column_matches[table_id]
    wrong = [f"{row} -> {rules or 'no rule'}" for row, rules in combinations if len(rules) != 1]
    assert combinations
    assert not wrong, (f"{table_id}: {len(wrong)} of {len(combinations)} combinations do not match exactly one rule:\n"
                       + "\n".join(wrong[:20]))


@pytest.mark.parametrize("table_id", ORDER)
def test_no_rule_is_dead(compiled: CompiledProcess,
                         column_matches: dict[str, list[tuple[tuple[Any, ...], list[str]]]], table_id: str) -> None:
    reached = {rule for _, rules in column_matches[table_id] for rule in rules}
    every_rule = {rule.id for rule in decision_tables(compiled)[table_id].rules}
    assert every_rule - reached == set(), f"{table_id}: no combination of column values reaches these rules"


# --- 3. one readable case (at least) per rule, with the exact wording -----------------------------

# A school (a public authority) holding confidential information about a child in need, for a
# Children Act 1989 s.17 assessment; the child could be asked and has not been yet; nothing special
# about the data. Each case below changes only what makes it that case.
BASE_FACTS: dict[str, Any] = {
    "direction": "outbound_concern",
    "purpose": "s17",
    "statutory_power": "children_act_1989_s17",
    "public_authority": True,
    "subject_at_risk": True,
    "immediate_danger": False,
    "threat_to_life": False,
    "subject_can_consent": True,
    "legal_obligation": False,
    "duty_to_share_in_force": False,
    "consent_result": "not_sought",
    "consent_appropriate": False,
    "consent_explicit": False,
    "consent_of_whom": None,
    "seeking_consent_increases_risk": False,
    "risk_of_significant_harm": False,
    "overriding_public_interest": False,
    "public_interest": None,
    "confidential": True,
    "special_category": False,
    "criminal_offence_data": False,
    "telling_would_prejudice_crime": False,
    "legitimate_interests_assessed": False,
    "requester_is_public_body": False,
}

# Shorthands for the facts that recur.
CLUB = {"public_authority": False, "statutory_power": None}  # a voluntary sports club: no statutory function
NO_POWER = {"purpose": "other", "statutory_power": None}  # no statutory purpose or power behind the sharing
PARENT_CONSENTS = {"consent_result": "given", "consent_appropriate": True,
                   "consent_of_whom": "parent_with_parental_responsibility"}
OWN_EXPLICIT_CONSENT = {"consent_result": "given", "consent_appropriate": True, "consent_explicit": True,
                        "consent_of_whom": "child_competent"}
PARENT_EXPLICIT_CONSENT = PARENT_CONSENTS | {"consent_explicit": True}
LIFE_THREATENING = {"immediate_danger": True, "threat_to_life": True}
MOTHER_REFUSES = {"consent_result": "refused", "consent_of_whom": "parent_with_parental_responsibility"}
ADULT_REFUSES = {"consent_result": "refused", "consent_of_whom": "adult_subject"}
NOT_CONFIDENTIAL = {"confidential": False}


def case(case_id: str, table_id: str, rule: int, expected: dict[str, Any], *shorthands: dict[str, Any],
         **changes: Any) -> Any:
    facts = dict(BASE_FACTS)
    for part in [*shorthands, changes]:
        unknown = set(part) - set(BASE_FACTS)
        assert not unknown, f"{case_id}: unknown facts {unknown}"
        facts |= part
    rule_id = f"{table_id.removesuffix('_table')}_rule{rule}"
    return pytest.param(table_id, facts, rule_id, expected, id=case_id)


def consent(counts: bool, explicit: bool, limb: bool) -> dict[str, bool]:
    return {"consent_counts": counts, "explicit_consent": explicit, "consent_limb_met": limb}


def para18(met: bool) -> dict[str, bool]:
    return {"para18_met": met}


def part2(condition: str, why: str) -> dict[str, str]:
    return {"part2_condition": condition, "part2_why": why}


def confidence(allows: bool, justification: str) -> dict[str, Any]:
    return {"confidence_allows": allows, "common_law_justification": justification}


def a6(basis: str) -> dict[str, str]:
    return {"article6_basis": basis}


def a9(condition: str, paragraph: str = "") -> dict[str, str]:
    return {"article9_condition": condition, "schedule1_paragraph": paragraph}


def a10(condition: str) -> dict[str, str]:
    return {"article10_condition": condition}


def lawful(may_share: bool, reason: str) -> dict[str, Any]:
    return {"may_share": may_share, "no_basis_reason": reason}


def notes(text: str) -> dict[str, str]:
    return {"basis_notes": text}


def exemption(text: str) -> dict[str, str]:
    return {"exemption": text}


CASES = [
    # --- Does the consent count, and for what? --------------------------------------------------
    # Consent is not valid when the disclosure is compelled: a court order is obeyed whatever they say.
    case("consent-not-valid-under-a-court-order", CONSENT, 1, consent(False, False, True),
         OWN_EXPLICIT_CONSENT, legal_obligation=True, purpose="court", consent_of_whom="adult_subject"),
    # ... nor under the s.16LA duty to share, once commenced, for one of its purposes.
    case("consent-not-valid-under-the-s16la-duty", CONSENT, 1, consent(False, False, True),
         PARENT_CONSENTS, duty_to_share_in_force=True, purpose="s47"),
    # Art 4(11), recital 43: consent must be freely given; without a real choice it is not consent.
    case("consent-without-a-real-choice-is-not-valid", CONSENT, 2, consent(False, False, True),
         OWN_EXPLICIT_CONSENT, consent_appropriate=False),
    # A parent agrees freely, but not in so many words: valid consent, not explicit consent.
    case("parent-agrees-freely-not-explicitly", CONSENT, 3, consent(True, False, False), PARENT_CONSENTS),
    # Art 9(2)(a) / para 29 need the data subject's own explicit consent: a parent's is not the child's own.
    case("parent-explicit-consent-is-not-the-childs-own", CONSENT, 4, consent(True, False, False),
         PARENT_EXPLICIT_CONSENT),
    # ... a competent child's own explicit consent is.
    case("competent-child-gives-own-explicit-consent", CONSENT, 5, consent(True, True, False), OWN_EXPLICIT_CONSENT),
    case("adult-gives-own-explicit-consent", CONSENT, 5, consent(True, True, False),
         OWN_EXPLICIT_CONSENT, consent_of_whom="adult_subject"),
    # Para 18(2)(b): after a refusal the controller cannot reasonably be expected to obtain consent.
    case("refused-consent-cannot-reasonably-be-obtained", CONSENT, 6, consent(False, False, True), MOTHER_REFUSES),
    case("withdrawn-consent-cannot-reasonably-be-obtained", CONSENT, 6, consent(False, False, True),
         consent_result="withdrawn", consent_of_whom="child_competent"),
    # Para 18(2)(a): consent cannot be given by the data subject (a baby cannot decide).
    case("baby-cannot-give-consent", CONSENT, 7, consent(False, False, True), subject_can_consent=False),
    # Para 18(2)(c): obtaining consent would prejudice the protection.
    case("seeking-consent-would-prejudice-the-protection", CONSENT, 8, consent(False, False, True),
         seeking_consent_increases_risk=True),
    # Para 18(2)(b): a child in immediate danger: consent cannot reasonably be obtained in time.
    case("immediate-danger-no-time-to-ask", CONSENT, 9, consent(False, False, True), immediate_danger=True),
    # The child could be asked and was not: none of para 18(2)'s reasons applies.
    case("could-be-asked-and-was-not", CONSENT, 10, consent(False, False, False)),

    # --- Is Sch 1 para 18 met? --------------------------------------------------------------------
    # Para 18(1)(a): only where necessary to protect someone from neglect or harm.
    case("para18-needs-protection-from-harm", SAFEGUARDING, 1, para18(False), NO_POWER, subject_can_consent=False),
    # Para 18(1)(b): the individual is under 18, or 18 or over and at risk; an adult who can protect
    # themselves is neither.
    case("para18-not-for-an-adult-not-at-risk", SAFEGUARDING, 2, para18(False),
         purpose="s47", subject_at_risk=False, seeking_consent_increases_risk=True),
    # Para 18(1)(c) and (2): the child could be asked, so para 18 does not apply until they are.
    case("para18-not-while-consent-could-be-asked", SAFEGUARDING, 3, para18(False)),
    # A parent consents freely: the processing is not "carried out without the consent" of para 18(1)(c).
    case("para18-not-when-consent-is-given", SAFEGUARDING, 3, para18(False), PARENT_CONSENTS, purpose="early_help"),
    # A capable adult refuses: para 18 does not apply to that adult's own protection.
    case("capable-adult-refuses-own-protection", SAFEGUARDING, 4, para18(False), ADULT_REFUSES, purpose="mash"),
    # ... unless a child is at risk of significant harm: para 18 then protects the child.
    case("adult-refuses-but-a-child-is-at-risk-of-significant-harm", SAFEGUARDING, 5, para18(True),
         ADULT_REFUSES, purpose="s47", risk_of_significant_harm=True),
    # A mother refuses for her injured baby: para 18(2)(b), consent cannot reasonably be obtained.
    case("mother-refuses-for-her-baby", SAFEGUARDING, 6, para18(True),
         MOTHER_REFUSES, purpose="s47", risk_of_significant_harm=True),
    # Para 18(2)(c): asking would prejudice the protection.
    case("para18-when-asking-would-prejudice-the-protection", SAFEGUARDING, 6, para18(True),
         seeking_consent_increases_risk=True),
    # An adult who cannot decide does not make a capable refusal: para 18 still protects them.
    case("adult-without-capacity-refusing-is-still-protected", SAFEGUARDING, 6, para18(True),
         ADULT_REFUSES, purpose="mash", subject_can_consent=False),

    # --- Which Sch 1 Part 2 condition does the purpose choose? -----------------------------------
    # Police investigation about a child at risk: para 10 for the crime and para 18 for the protection,
    # and the record names both.
    case("police-investigation-about-a-child-at-risk-names-para-10-and-18", PART2, 1, part2(P10_AND_18, WHY_BOTH),
         purpose="police_investigation", statutory_power="crime_and_disorder_act_1998_s115",
         risk_of_significant_harm=True, seeking_consent_increases_risk=True),
    # Para 10: preventing or detecting an unlawful act, without consent so as not to prejudice it.
    case("police-investigation-about-an-adult-para-10", PART2, 2, part2(P10, WHY_10),
         purpose="police_investigation", statutory_power="crime_and_disorder_act_1998_s115", subject_at_risk=False),
    # Para 18: protecting a child chooses para 18, though a s.47 enquiry is also a statutory function (para 6).
    case("s47-enquiry-chooses-para-18", PART2, 3, part2(P18, WHY_18),
         purpose="s47", statutory_power="children_act_1989_s47", seeking_consent_increases_risk=True),
    # Para 17: confidential counselling, without consent for a para 17(2) reason.
    case("counselling-without-consent-para-17", PART2, 4, part2(P17, WHY_17),
         purpose="counselling", statutory_power=None, seeking_consent_increases_risk=True),
    # Para 7: necessary for the administration of justice.
    case("court-order-para-7", PART2, 5, part2(P7, WHY_7), purpose="court", legal_obligation=True),
    # Para 6: the exercise of a function conferred by an enactment (Children Act 2004 s.11).
    case("statutory-function-para-6", PART2, 6, part2(P6, WHY_6),
         purpose="other", statutory_power="children_act_2004_s11"),
    # A s.17 assessment is a statutory function; with para 18 not met (the child could be asked), para 6.
    case("s17-assessment-consent-could-be-asked-para-6", PART2, 6, part2(P6, WHY_6)),
    # A duty imposed by law is itself a function conferred by an enactment or rule of law, even on a club.
    case("club-required-by-law-para-6", PART2, 6, part2(P6, WHY_6), CLUB, NO_POWER, legal_obligation=True),
    # Para 6 never for a body with no statutory function: a voluntary club referring a child in need.
    case("voluntary-club-never-para-6", PART2, 7, part2("", WHY_NONE), CLUB),
    # Early help is given under the welfare duties of schools, health and councils (Children Act 2004
    # ss.10-11, Education Act 2002 s.175): a function conferred by an enactment, even with consent given.
    case("early-help-with-consent-is-a-statutory-function-para-6", PART2, 6, part2(P6, WHY_6), PARENT_CONSENTS,
         purpose="early_help", statutory_power=None),
    # A public body with no statutory purpose or power identified: no condition is assumed.
    case("no-statutory-power-no-condition", PART2, 7, part2("", WHY_NONE), NO_POWER),

    # --- What answers the common-law duty of confidence? ------------------------------------------
    # A legal requirement answers it, even against a refusal.
    case("court-order-answers-confidence-despite-refusal", CONFIDENCE, 1, confidence(True, CL_LEGAL),
         MOTHER_REFUSES, legal_obligation=True, purpose="court"),
    # s.16LA, once commenced (the switch), is a legal requirement for its purposes.
    case("s16la-switch-on-s47-refused", CONFIDENCE, 2, confidence(True, CL_S16LA),
         MOTHER_REFUSES, duty_to_share_in_force=True, purpose="s47"),
    case("s16la-switch-on-mash-not-sought", CONFIDENCE, 2, confidence(True, CL_S16LA),
         duty_to_share_in_force=True, purpose="mash"),
    case("s16la-switch-off-s47-refused", CONFIDENCE, 10, confidence(False, CL_NONE_REFUSED),
         MOTHER_REFUSES, purpose="s47"),
    case("s16la-switch-on-but-not-one-of-its-purposes", CONFIDENCE, 10, confidence(False, CL_NONE_REFUSED),
         MOTHER_REFUSES, duty_to_share_in_force=True, purpose="school_transfer"),
    # Overriding public interest: a child in immediate danger, whatever was said.
    case("immediate-danger-overrides-a-refusal", CONFIDENCE, 3, confidence(True, CL_EMERGENCY),
         MOTHER_REFUSES, immediate_danger=True, purpose="s47"),
    # Consent answers the duty of confidence.
    case("parent-consents-to-early-help", CONFIDENCE, 4, confidence(True, CL_CONSENT),
         PARENT_CONSENTS, purpose="early_help"),
    # Consent without a real choice is not consent, so it answers nothing.
    case("consent-without-a-real-choice-answers-nothing", CONFIDENCE, 12, confidence(False, CL_NONE_CONFIDENTIAL),
         PARENT_CONSENTS, consent_appropriate=False),
    # Overriding public interest, naming the interest: protecting a child from significant harm.
    case("refused-but-risk-of-significant-harm", CONFIDENCE, 5, confidence(True, CL_CHILD),
         MOTHER_REFUSES, purpose="s47", risk_of_significant_harm=True),
    case("not-sought-because-of-risk-of-significant-harm", CONFIDENCE, 5, confidence(True, CL_CHILD),
         risk_of_significant_harm=True),
    # ... protecting an adult at risk.
    case("withdrawn-but-protecting-an-adult", CONFIDENCE, 6, confidence(True, CL_ADULT),
         consent_result="withdrawn", overriding_public_interest=True, public_interest="protecting_adult"),
    # ... preventing or detecting crime.
    case("refused-but-preventing-crime", CONFIDENCE, 7, confidence(True, CL_CRIME),
         ADULT_REFUSES, overriding_public_interest=True, public_interest="preventing_crime"),
    # ... protecting others from serious harm.
    case("protecting-others", CONFIDENCE, 8, confidence(True, CL_OTHERS),
         overriding_public_interest=True, public_interest="protecting_others"),
    # ... the interest not named.
    case("overriding-public-interest-not-named", CONFIDENCE, 9, confidence(True, CL_PUBLIC_INTEREST),
         MOTHER_REFUSES, overriding_public_interest=True),
    # A refusal stands when nothing overrides it.
    case("refused-no-risk", CONFIDENCE, 10, confidence(False, CL_NONE_REFUSED), MOTHER_REFUSES),
    case("withdrawn-no-risk-not-confidential", CONFIDENCE, 10, confidence(False, CL_NONE_REFUSED),
         NOT_CONFIDENTIAL, consent_result="withdrawn", consent_of_whom="child_competent"),
    # Not given in confidence: the duty of confidence is not engaged.
    case("not-sought-nothing-confidential", CONFIDENCE, 11, confidence(True, CL_NOT_CONFIDENTIAL),
         NOT_CONFIDENTIAL, purpose="school_transfer"),
    # Confidential, and nothing answers the duty.
    case("not-sought-confidential", CONFIDENCE, 12, confidence(False, CL_NONE_CONFIDENTIAL)),

    # --- Article 6 lawful basis -------------------------------------------------------------------
    # A refusal that nothing overrides: nothing is shared, so no basis is claimed.
    case("a6-nothing-shared", ARTICLE6, 1, a6(NOTHING_SHARED), MOTHER_REFUSES),
    # Art 6(1)(c): necessary for compliance with a legal obligation; consent given does not change it.
    case("a6-court-order-legal-obligation", ARTICLE6, 2, a6(A6_LEGAL),
         OWN_EXPLICIT_CONSENT, legal_obligation=True, purpose="court"),
    # Art 6(1)(c) for any controller the s.16LA duty binds, once commenced.
    case("a6-s16la-duty-in-force", ARTICLE6, 2, a6(A6_LEGAL), CLUB, duty_to_share_in_force=True, purpose="s47"),
    # Art 6(1)(d): vital interests, for a child in a life-threatening emergency who cannot consent.
    case("a6-child-in-a-life-threatening-emergency-who-cannot-consent", ARTICLE6, 3, a6(A6_VITAL),
         LIFE_THREATENING, purpose="medical_emergency", subject_can_consent=False),
    # Recital 46: vital interests only where no other basis does; a public body asked by a person who
    # can decide (here a capable adult refusing) keeps public task.
    case("a6-threat-to-life-capable-adult-refuses-public-task", ARTICLE6, 4, a6(A6_PUBLIC_TASK),
         LIFE_THREATENING, ADULT_REFUSES),
    # Recital 46: vital interests only for a threat to life; immediate danger short of that stays public task.
    case("a6-immediate-danger-not-life-threatening-public-task", ARTICLE6, 5, a6(A6_PUBLIC_TASK),
         immediate_danger=True, subject_can_consent=False, purpose="s47"),
    # Recital 43: a public body relies on public task, not consent, even when consent is given.
    case("a6-consent-given-to-a-public-body-public-task", ARTICLE6, 5, a6(A6_PUBLIC_TASK),
         PARENT_CONSENTS, purpose="early_help"),
    # Art 6(1)(d): a club, someone's life threatened.
    case("a6-club-life-threatening-vital-interests", ARTICLE6, 6, a6(A6_VITAL),
         CLUB, LIFE_THREATENING, purpose="medical_emergency"),
    # Art 6(1)(a): a club, with valid consent.
    case("a6-club-parent-consents", ARTICLE6, 7, a6(A6_CONSENT), CLUB, NO_POWER, PARENT_CONSENTS),
    # Art 6(1)(ea), Annex 1 para 6: necessary for safeguarding a vulnerable individual.
    case("a6-charity-safeguarding-a-child-at-risk", ARTICLE6, 8, a6(A6_RLI_SAFEGUARDING),
         CLUB, MOTHER_REFUSES, risk_of_significant_harm=True),
    # Art 6(1)(ea), Annex 1 para 5: detecting, investigating or preventing crime.
    case("a6-club-helps-a-police-investigation", ARTICLE6, 9, a6(A6_RLI_CRIME),
         CLUB, NOT_CONFIDENTIAL, purpose="police_investigation", subject_at_risk=False),
    # Art 6(1)(ea), Annex 1 para 1: a public body requests it, stating it needs it for its task.
    case("a6-club-answers-a-public-body-request", ARTICLE6, 10, a6(A6_RLI_REQUEST),
         CLUB, NO_POWER, NOT_CONFIDENTIAL, direction="inbound_request", requester_is_public_body=True,
         subject_at_risk=False),
    # Art 6(1)(f): legitimate interests, with the assessment recorded.
    case("a6-club-legitimate-interests-assessed", ARTICLE6, 11, a6(A6_LEGITIMATE_INTERESTS),
         CLUB, NO_POWER, NOT_CONFIDENTIAL, subject_at_risk=False, legitimate_interests_assessed=True),
    # Nothing fits: no Article 6 basis, never a default.
    case("a6-club-nothing-fits", ARTICLE6, 12, a6(A6_NONE), CLUB, NO_POWER, NOT_CONFIDENTIAL, subject_at_risk=False),
    # Annex 1 para 1 is a public body's request: a private body's request is not one.
    case("a6-club-private-request-is-not-annex-1-para-1", ARTICLE6, 12, a6(A6_NONE),
         CLUB, NO_POWER, NOT_CONFIDENTIAL, direction="inbound_request", subject_at_risk=False),

    # --- Article 9 condition for special category data --------------------------------------------
    # Nothing is shared, so no condition is claimed; without special category data Art 9 does not apply.
    case("a9-nothing-shared", ARTICLE9, 1, a9(NOTHING_SHARED), MOTHER_REFUSES, special_category=True),
    case("a9-no-special-category", ARTICLE9, 2, a9(A9_NOT_APPLICABLE), NOT_CONFIDENTIAL),
    # Art 9(2)(c): vital interests where the data subject is physically or legally incapable of consent.
    case("a9-child-in-a-life-threatening-emergency-who-cannot-consent", ARTICLE9, 3, a9(A9_VITAL),
         LIFE_THREATENING, purpose="medical_emergency", subject_can_consent=False, special_category=True),
    # ... not where a capable adult refuses: and with nothing else, no condition fits.
    case("a9-capable-adult-refuses-not-vital-interests", ARTICLE9, 9, a9(A9_NONE),
         LIFE_THREATENING, ADULT_REFUSES, NO_POWER, special_category=True),
    # Immediate danger that does not threaten life is not vital interests: (g) with para 18 remains.
    case("a9-immediate-danger-not-life-threatening-para-18", ARTICLE9, 7, a9(A9_PUBLIC_INTEREST, SCH1_18),
         immediate_danger=True, subject_can_consent=False, purpose="s47", special_category=True),
    # Art 9(2)(f): legal claims, or courts acting in their judicial capacity (compelled: consent not valid).
    case("a9-court-order-legal-claims", ARTICLE9, 4, a9(A9_LEGAL_CLAIMS),
         OWN_EXPLICIT_CONSENT, purpose="court", legal_obligation=True, special_category=True),
    # Art 9(2)(h) with Sch 1 para 2: health or social care purposes.
    case("a9-public-body-health-or-social-care", ARTICLE9, 5, a9(A9_CARE, SCH1_2),
         NOT_CONFIDENTIAL, purpose="health_or_social_care", special_category=True),
    # Art 9(2)(b) with Sch 1 para 1: obligations in the field of employment (an allegation about staff).
    case("a9-public-body-allegation-about-staff", ARTICLE9, 6, a9(A9_EMPLOYMENT, SCH1_1),
         NOT_CONFIDENTIAL, purpose="allegation_about_staff", special_category=True),
    # Art 9(2)(g) with para 18: the mother of an injured baby refuses.
    case("a9-injured-baby-mother-refuses", ARTICLE9, 7, a9(A9_PUBLIC_INTEREST, SCH1_18),
         MOTHER_REFUSES, purpose="s47", risk_of_significant_harm=True, special_category=True),
    # ... with paras 10 and 18 both, for a police investigation about a child at risk.
    case("a9-police-investigation-about-a-child-at-risk", ARTICLE9, 7, a9(A9_PUBLIC_INTEREST, SCH1_10_AND_18),
         purpose="police_investigation", risk_of_significant_harm=True, seeking_consent_increases_risk=True,
         special_category=True),
    # ... with para 6, a statutory function, when the consent limb of para 18 is not met.
    case("a9-school-transfer-statutory-function-para-6", ARTICLE9, 7, a9(A9_PUBLIC_INTEREST, SCH1_6),
         NOT_CONFIDENTIAL, purpose="school_transfer", statutory_power="education_act_2002_s175",
         special_category=True),
    # Art 9(2)(a): a public body with nothing else, and the competent child's own explicit consent.
    case("a9-public-body-own-explicit-consent", ARTICLE9, 8, a9(A9_EXPLICIT_CONSENT),
         NO_POWER, OWN_EXPLICIT_CONSENT, special_category=True),
    # Art 9(2)(a) needs the data subject's own explicit consent: a parent's does not do.
    case("a9-parent-explicit-consent-is-not-enough", ARTICLE9, 9, a9(A9_NONE),
         NO_POWER, PARENT_EXPLICIT_CONSENT, special_category=True),
    # Not a public body: Art 9(2)(a) with the person's own explicit consent first; then (h)+para 2,
    # (b)+para 1 and (g), as for a public body.
    case("a9-club-own-explicit-consent", ARTICLE9, 10, a9(A9_EXPLICIT_CONSENT),
         CLUB, NO_POWER, OWN_EXPLICIT_CONSENT, special_category=True),
    case("a9-private-care-provider-health-or-social-care", ARTICLE9, 11, a9(A9_CARE, SCH1_2),
         CLUB, NOT_CONFIDENTIAL, purpose="health_or_social_care", special_category=True),
    case("a9-independent-school-allegation-about-staff", ARTICLE9, 12, a9(A9_EMPLOYMENT, SCH1_1),
         CLUB, NOT_CONFIDENTIAL, purpose="allegation_about_staff", special_category=True),
    # Para 18 is open to any controller: a club worried a child is at risk of significant harm.
    case("a9-club-child-at-risk-para-18", ARTICLE9, 13, a9(A9_PUBLIC_INTEREST, SCH1_18),
         CLUB, risk_of_significant_harm=True, seeking_consent_increases_risk=True, special_category=True),
    # A voluntary club, special category data, no consent, no para 6: no Article 9 condition.
    case("a9-voluntary-club-no-consent", ARTICLE9, 14, a9(A9_NONE),
         CLUB, NOT_CONFIDENTIAL, special_category=True),

    # --- Article 10 condition for criminal offence data -------------------------------------------
    # Nothing is shared, so no condition is claimed; without criminal offence data Art 10 does not apply.
    case("a10-nothing-shared", ARTICLE10, 1, a10(NOTHING_SHARED), MOTHER_REFUSES, criminal_offence_data=True),
    case("a10-no-criminal-offence-data", ARTICLE10, 2, a10(A10_NOT_APPLICABLE), NOT_CONFIDENTIAL),
    # Sch 1 para 30: vital interests, the data subject incapable of consent.
    case("a10-child-in-a-life-threatening-emergency-who-cannot-consent", ARTICLE10, 3, a10(A10_VITAL),
         LIFE_THREATENING, subject_can_consent=False, criminal_offence_data=True),
    # Para 30 is not for a capable parent's criminal data in a danger that does not threaten life:
    # para 36 applying para 18 protects the child.
    case("a10-capable-parent-danger-not-life-threatening", ARTICLE10, 6, a10(A10_SAFEGUARDING),
         immediate_danger=True, purpose="s47", criminal_offence_data=True),
    # Sch 1 para 33: legal proceedings.
    case("a10-court-order-legal-claims", ARTICLE10, 4, a10(A10_LEGAL_CLAIMS),
         purpose="court", legal_obligation=True, criminal_offence_data=True),
    # Sch 1 para 1: employment obligations (an allegation about staff).
    case("a10-public-body-allegation-about-staff", ARTICLE10, 5, a10(A10_EMPLOYMENT),
         NOT_CONFIDENTIAL, purpose="allegation_about_staff", criminal_offence_data=True),
    # Sch 1 para 36: a Part 2 condition without its substantial-public-interest test.
    case("a10-police-investigation-about-an-adult-para-36-applying-10", ARTICLE10, 6, a10(A10_CRIME),
         purpose="police_investigation", subject_at_risk=False, overriding_public_interest=True,
         public_interest="preventing_crime", criminal_offence_data=True),
    case("a10-police-investigation-about-a-child-para-36-applying-10-and-18", ARTICLE10, 6,
         a10(A10_CRIME_AND_SAFEGUARDING), purpose="police_investigation", risk_of_significant_harm=True,
         seeking_consent_increases_risk=True, criminal_offence_data=True),
    # Sch 1 para 29: the data subject's own explicit consent.
    case("a10-public-body-own-explicit-consent", ARTICLE10, 7, a10(A10_CONSENT),
         NO_POWER, OWN_EXPLICIT_CONSENT, consent_of_whom="adult_subject", criminal_offence_data=True),
    # Para 29 needs the data subject's own consent: a parent's explicit consent is not the child's own.
    case("a10-parent-explicit-consent-is-not-enough", ARTICLE10, 8, a10(A10_NONE),
         NO_POWER, PARENT_EXPLICIT_CONSENT, criminal_offence_data=True),
    # Not a public body: para 29 with the person's own explicit consent first; then para 1 and para 36;
    # a club with none of these has no Article 10 condition.
    case("a10-club-own-explicit-consent", ARTICLE10, 9, a10(A10_CONSENT),
         CLUB, NO_POWER, OWN_EXPLICIT_CONSENT, criminal_offence_data=True),
    case("a10-independent-school-allegation-about-staff", ARTICLE10, 10, a10(A10_EMPLOYMENT),
         CLUB, NOT_CONFIDENTIAL, purpose="allegation_about_staff", criminal_offence_data=True),
    case("a10-club-helps-a-police-investigation", ARTICLE10, 11, a10(A10_CRIME),
         CLUB, NOT_CONFIDENTIAL, purpose="police_investigation", subject_at_risk=False, criminal_offence_data=True),
    case("a10-club-nothing-fits", ARTICLE10, 12, a10(A10_NONE),
         CLUB, NO_POWER, NOT_CONFIDENTIAL, criminal_offence_data=True),

    # --- May the information be shared? ------------------------------------------------------------
    # The duty of confidence does not allow it: not shared, for the reason it gives.
    case("refused-no-risk-not-shared", LAWFUL, 1, lawful(False, CL_NONE_REFUSED), MOTHER_REFUSES),
    case("confidential-nothing-answers-not-shared", LAWFUL, 1, lawful(False, CL_NONE_CONFIDENTIAL)),
    # Nothing fits -> "no lawful basis: do not share", for Art 6, Art 9 and Art 10 separately.
    case("no-article-6-basis-do-not-share", LAWFUL, 2, lawful(False, NO_BASIS_A6),
         CLUB, NO_POWER, NOT_CONFIDENTIAL, subject_at_risk=False),
    case("no-article-9-condition-do-not-share", LAWFUL, 3, lawful(False, NO_BASIS_A9),
         CLUB, NO_POWER, NOT_CONFIDENTIAL, subject_at_risk=False, legitimate_interests_assessed=True,
         special_category=True),
    case("no-article-10-condition-do-not-share", LAWFUL, 4, lawful(False, NO_BASIS_A10),
         NO_POWER, NOT_CONFIDENTIAL, criminal_offence_data=True),
    # Every basis and condition the data needs is met: it may be shared.
    case("every-basis-met-may-share", LAWFUL, 5, lawful(True, ""),
         MOTHER_REFUSES, purpose="s47", risk_of_significant_harm=True, special_category=True),

    # --- Notes the record needs -----------------------------------------------------------------
    # Art 6(3): public task needs a basis in law; and consent answers only the duty of confidence.
    case("notes-no-statutory-power-and-consent", NOTES, 1, notes(f"{NOTE_ARTICLE_6_3} {NOTE_CONSENT}"),
         PARENT_CONSENTS, purpose="early_help", statutory_power="none_identified"),
    case("notes-no-statutory-power", NOTES, 2, notes(NOTE_ARTICLE_6_3),
         MOTHER_REFUSES, purpose="s47", risk_of_significant_harm=True, statutory_power="none_identified"),
    # Recital 43: a public body relies on public task; the parent's consent answers the duty of confidence.
    case("notes-consent-answers-only-confidence", NOTES, 3, notes(NOTE_CONSENT),
         PARENT_CONSENTS, purpose="early_help", statutory_power="children_act_2004_s10"),
    # A basis in law and no consent: nothing to add.
    case("notes-nothing-to-add", NOTES, 4, notes(""),
         MOTHER_REFUSES, purpose="s47", risk_of_significant_harm=True),
    # A club relying on consent itself (Art 6(1)(a)): consent is the basis, nothing to explain.
    case("notes-club-consent-is-the-basis", NOTES, 4, notes(""), CLUB, NO_POWER, PARENT_CONSENTS),

    # --- Exemption (never a lawful basis) -----------------------------------------------------------
    # Nothing is shared: no exemption is claimed.
    case("exemption-nothing-shared", EXEMPTION, 1, exemption(NO_EXEMPTION),
         MOTHER_REFUSES, purpose="police_investigation", telling_would_prejudice_crime=True),
    # Sch 2 para 2: only as far as telling the person would prejudice the crime purpose.
    case("exemption-telling-would-prejudice-the-investigation", EXEMPTION, 2, exemption(EX_CRIME),
         NOT_CONFIDENTIAL, purpose="police_investigation", subject_at_risk=False, telling_would_prejudice_crime=True),
    case("exemption-police-with-a-court-order", EXEMPTION, 2, exemption(EX_CRIME),
         purpose="police_investigation", legal_obligation=True, telling_would_prejudice_crime=True),
    # Sch 2 para 5: disclosure required by law or court order.
    case("exemption-court-order", EXEMPTION, 3, exemption(EX_REQUIRED_BY_LAW), purpose="court", legal_obligation=True),
    # Telling would not prejudice the investigation: no exemption, the person is told.
    case("exemption-telling-would-not-prejudice", EXEMPTION, 4, exemption(NO_EXEMPTION),
         NOT_CONFIDENTIAL, purpose="police_investigation", subject_at_risk=False),
    # Neither crime nor compulsion: the person is told as usual.
    case("exemption-none-needed", EXEMPTION, 4, exemption(NO_EXEMPTION),
         MOTHER_REFUSES, purpose="s47", risk_of_significant_harm=True),
]


def _decide(compiled: CompiledProcess, facts: dict[str, Any], until: str | None = None) -> dict[str, Any]:
    """The tables in the order the sub-process runs them, each fed the earlier outputs; stop before `until`."""
    outputs: dict[str, Any] = {}
    for table_id in ORDER[:ORDER.index(until)] if until else ORDER:
        outputs |= evaluate_table(compiled, table_id, facts | outputs)
    return outputs


@pytest.mark.parametrize(("table_id", "facts", "rule", "expected"), CASES)
def test_rule_gives_the_exact_outputs(compiled: CompiledProcess, table_id: str, facts: dict[str, Any], rule: str,
                                      expected: dict[str, Any]) -> None:
    known = facts | _decide(compiled, facts, until=table_id)
    assert matching_rules(compiled, table_id, known) == [rule]
    assert evaluate_table(compiled, table_id, known) == expected


def test_the_cases_cover_every_rule(compiled: CompiledProcess) -> None:
    covered = {param.values[2] for param in CASES}
    every_rule = {rule.id for info in decision_tables(compiled).values() for rule in info.rules}
    assert every_rule - covered == set(), "rules without a case in CASES"
    assert covered - every_rule == set(), "cases naming rules that do not exist"


def test_every_rule_says_which_words_of_the_law_it_applies(compiled: CompiledProcess) -> None:
    silent = [rule.id for info in decision_tables(compiled).values() for rule in info.rules if not rule.description]
    assert silent == []


def test_s16la_switch_is_off_by_default(compiled: CompiledProcess) -> None:
    assert compiled.initial_data["duty_to_share_in_force"] is False
    facts = BASE_FACTS | MOTHER_REFUSES | {"purpose": "s47"}
    facts |= {fact: compiled.initial_data[fact] for fact in ("duty_to_share_in_force",)}
    assert _decide(compiled, facts)["common_law_justification"] == CL_NONE_REFUSED
    assert _decide(compiled, facts | {"duty_to_share_in_force": True})["common_law_justification"] == CL_S16LA


# --- 4. the tables together -------------------------------------------------------------------------

RECORD = ("may_share", "no_basis_reason", "common_law_justification", "article6_basis", "article9_condition",
          "schedule1_paragraph", "article10_condition", "basis_notes", "exemption")


def record(may_share: bool, justification: str, article6: str, article9: str = A9_NOT_APPLICABLE,
           paragraph: str = "", article10: str = A10_NOT_APPLICABLE, *, reason: str = "", basis_notes: str = "",
           exempt: str = NO_EXEMPTION) -> dict[str, Any]:
    return {"may_share": may_share, "no_basis_reason": reason, "common_law_justification": justification,
            "article6_basis": article6, "article9_condition": article9, "schedule1_paragraph": paragraph,
            "article10_condition": article10, "basis_notes": basis_notes, "exemption": exempt}


@pytest.mark.parametrize(("changes", "expected"), [
    # Scenario 1: a school, the parent of a young carer consents to early help.
    pytest.param(
        PARENT_CONSENTS | {"purpose": "early_help", "statutory_power": "children_act_2004_s10",
                           "subject_at_risk": False},
        record(True, CL_CONSENT, A6_PUBLIC_TASK, basis_notes=NOTE_CONSENT),
        id="scenario1-young-carer-parent-consents"),
    # Scenario 2: an injured baby, the mother refuses, a s.47 enquiry, health data.
    pytest.param(
        MOTHER_REFUSES | {"purpose": "s47", "statutory_power": "children_act_1989_s47",
                          "risk_of_significant_harm": True, "special_category": True},
        record(True, CL_CHILD, A6_PUBLIC_TASK, A9_PUBLIC_INTEREST, SCH1_18),
        id="scenario2-injured-baby-mother-refuses"),
    # Scenario 6: a child discloses abuse by a step-parent; shared at once in the emergency.
    pytest.param(
        {"purpose": "s47", "statutory_power": "children_act_1989_s47", "immediate_danger": True,
         "special_category": True, "criminal_offence_data": True},
        record(True, CL_EMERGENCY, A6_PUBLIC_TASK, A9_PUBLIC_INTEREST, SCH1_18, A10_SAFEGUARDING),
        id="scenario6-disclosure-of-abuse-by-step-parent"),
    # An overdose at night: a threat to life, the teenager cannot decide; vital interests throughout.
    pytest.param(
        LIFE_THREATENING | {"purpose": "medical_emergency", "statutory_power": None, "subject_can_consent": False,
                            "special_category": True, "criminal_offence_data": True},
        record(True, CL_EMERGENCY, A6_VITAL, A9_VITAL, "", A10_VITAL),
        id="overdose-at-night-vital-interests"),
    # The police ask about a pupil at risk: para 10 and para 18 both, and telling would tip them off.
    pytest.param(
        {"direction": "inbound_request", "requester_is_public_body": True, "purpose": "police_investigation",
         "statutory_power": "crime_and_disorder_act_1998_s115", "risk_of_significant_harm": True,
         "seeking_consent_increases_risk": True, "telling_would_prejudice_crime": True, "special_category": True,
         "criminal_offence_data": True},
        record(True, CL_CHILD, A6_PUBLIC_TASK, A9_PUBLIC_INTEREST, SCH1_10_AND_18, A10_CRIME_AND_SAFEGUARDING,
               exempt=EX_CRIME),
        id="police-request-about-a-pupil"),
    # A court order: consent (even the person's own explicit consent) is not valid when the disclosure is
    # compelled; Art 6(1)(c), Art 9(2)(f), Sch 1 para 33 and the Sch 2 para 5 exemption.
    pytest.param(
        OWN_EXPLICIT_CONSENT | {"purpose": "court", "legal_obligation": True, "special_category": True,
                                "criminal_offence_data": True},
        record(True, CL_LEGAL, A6_LEGAL, A9_LEGAL_CLAIMS, "", A10_LEGAL_CLAIMS, exempt=EX_REQUIRED_BY_LAW),
        id="court-order-compels-disclosure"),
    # Consent refused and no risk: not shared.
    pytest.param(
        MOTHER_REFUSES,
        record(False, CL_NONE_REFUSED, NOTHING_SHARED, NOTHING_SHARED, "", NOTHING_SHARED, reason=CL_NONE_REFUSED),
        id="refused-no-risk-nothing-shared"),
    # A voluntary club, special category data, no consent: no Article 9 condition, so no lawful basis.
    pytest.param(
        CLUB | NOT_CONFIDENTIAL | {"special_category": True},
        record(False, CL_NOT_CONFIDENTIAL, A6_RLI_SAFEGUARDING, A9_NONE, reason=NO_BASIS_A9),
        id="voluntary-club-special-category-no-consent"),
])
def test_the_tables_together(compiled: CompiledProcess, changes: dict[str, Any], expected: dict[str, Any]) -> None:
    outputs = _decide(compiled, BASE_FACTS | changes)
    assert set(outputs) == {name for names in TABLE_OUTPUTS.values() for name in names}
    assert {name: outputs[name] for name in RECORD} == expected


# --- 5. missing facts -------------------------------------------------------------------------------


@pytest.mark.parametrize("table_id", ORDER)
def test_no_facts_at_all_is_a_decision_failure(compiled: CompiledProcess, table_id: str) -> None:
    with pytest.raises(DecisionFailed, match=table_id):
        evaluate_table(compiled, table_id, {})
    with pytest.raises(DecisionFailed, match=table_id):
        matching_rules(compiled, table_id, {})


def test_a_missing_consent_result_is_a_decision_failure(compiled: CompiledProcess) -> None:
    facts = {fact: BASE_FACTS[fact] for fact in TABLE_FACTS[CONSENT] if fact != "consent_result"}
    with pytest.raises(DecisionFailed, match=CONSENT):
        evaluate_table(compiled, CONSENT, facts)


def test_a_missing_earlier_output_is_a_decision_failure(compiled: CompiledProcess) -> None:
    # Article 9 reads part2_condition, which only the Schedule 1 table writes.
    facts = BASE_FACTS | {"special_category": True, "confidential": False}
    known = facts | _decide(compiled, facts, until=ARTICLE9)
    del known["part2_condition"]
    with pytest.raises(DecisionFailed, match=ARTICLE9):
        evaluate_table(compiled, ARTICLE9, known)


def test_a_missing_purpose_is_a_decision_failure(compiled: CompiledProcess) -> None:
    facts = {"may_share": True, "telling_would_prejudice_crime": True, "legal_obligation": False,
             "duty_to_share_in_force": False}
    with pytest.raises(DecisionFailed, match=EXEMPTION):
        evaluate_table(compiled, EXEMPTION, facts)
