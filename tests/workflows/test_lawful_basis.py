"""The lawful-basis decision tables (workflows/lawful_basis.dmn), checked outside any case.

SpiffWorkflow stops at the first matching rule of a UNIQUE table, so it never notices two rules
that overlap, nor a combination of facts that no rule answers. These tests therefore:

1. check every table declares hit policy UNIQUE, in the compiled process and in the XML itself;
2. walk the full grid of the facts each table reads and check exactly one rule answers every
   combination, and that no rule is dead;
3. pin the exact legal wording each rule produces, with one readable case (at least) per rule;
4. check a missing fact is reported as DecisionFailed.

The expected names are written out here on purpose (not imported from workflows/tools), so an
edit to the wording in the generator shows up as a failing test someone must look at.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from lxml import etree

from service.engine import compile_process
from service.engine.decisions import DecisionFailed, decision_tables, evaluate_table, matching_rules
from service.engine.specs import CompiledProcess
from tests.workflows.conftest import WORKFLOWS, sharing_files

DMN_FILE = WORKFLOWS / "lawful_basis.dmn"
DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"

SHARING = "sharing_decision_table"
ARTICLE6 = "article6_basis_table"
ARTICLE9 = "article9_condition_table"
ARTICLE10 = "article10_condition_table"
EXEMPTION = "exemption_table"

PURPOSES = ("s17", "s47", "early_help", "mash", "police_investigation", "court", "school_transfer", "other")
CONSENT_RESULTS = ("given", "refused", "withdrawn", "not_sought")

# The facts each table's input expressions read (from workflows/tools/lawful_basis_tables.py;
# test_fact_mapping_matches_the_input_expressions keeps this honest against the DMN file).
TABLE_FACTS: dict[str, list[str]] = {
    SHARING: ["immediate_danger", "legal_obligation", "duty_to_share_in_force", "purpose", "consent_result",
              "risk_of_significant_harm", "overriding_public_interest", "confidential"],
    ARTICLE6: ["may_share", "legal_obligation", "duty_to_share_in_force", "purpose", "public_authority",
               "immediate_danger", "consent_result", "subject_at_risk"],
    ARTICLE9: ["may_share", "special_category", "consent_result", "subject_at_risk", "purpose"],
    ARTICLE10: ["may_share", "criminal_offence_data", "consent_result", "subject_at_risk", "immediate_danger"],
    EXEMPTION: ["may_share", "purpose", "legal_obligation", "duty_to_share_in_force"],
}

# The exact names the record must carry (domain/lawful-bases.md).
NOTHING_SHARED = "Not applicable: nothing is shared"
A6_CONSENT = "Article 6(1)(a) consent"
A6_LEGAL = "Article 6(1)(c) legal obligation"
A6_PUBLIC_TASK = "Article 6(1)(e) public task (DPA 2018 s.8)"
A6_VITAL = "Article 6(1)(d) vital interests"
A6_RLI_SAFEGUARDING = ("Article 6(1)(ea) recognised legitimate interest: Annex 1 para 6 "
                       "(safeguarding a vulnerable individual)")
A6_LEGITIMATE_INTERESTS = "Article 6(1)(f) legitimate interests"
A9_NOT_APPLICABLE = "Not applicable: no special category data"
A9_EXPLICIT_CONSENT = "Article 9(2)(a) explicit consent"
A9_PUBLIC_INTEREST = "Article 9(2)(g) substantial public interest"
A9_LEGAL_CLAIMS = "Article 9(2)(f) legal claims"
SCH1_18 = "DPA 2018 Sch 1 para 18 (safeguarding of children and of individuals at risk)"
SCH1_10 = "DPA 2018 Sch 1 para 10 (preventing or detecting unlawful acts)"
SCH1_6 = "DPA 2018 Sch 1 para 6 (statutory and government purposes)"
A10_NOT_APPLICABLE = "Not applicable: no criminal offence data"
A10_CONSENT = "DPA 2018 Sch 1 para 29 (consent)"
A10_VITAL = "DPA 2018 Sch 1 para 30 (vital interests)"
A10_SAFEGUARDING = "DPA 2018 Sch 1 para 36, applying para 18 (safeguarding of children and of individuals at risk)"
A10_CRIME = "DPA 2018 Sch 1 para 36, applying para 10 (preventing or detecting unlawful acts)"
EX_CRIME = ("DPA 2018 Sch 2 Part 1 para 2 (crime and taxation): transparency and purpose limitation "
            "disapplied only as far as complying would prejudice that purpose")
EX_REQUIRED_BY_LAW = "DPA 2018 Sch 2 Part 1 para 5 (disclosure required by law or court order)"
NO_EXEMPTION = "None"
CL_CONSENT = "Consent"
CL_LEGAL = "Legal requirement"
CL_S16LA = "Legal requirement: Children Act 2004 s.16LA duty to share"
CL_PUBLIC_INTEREST = "Overriding public interest"
CL_EMERGENCY = "Overriding public interest: a child was in immediate danger"
CL_NOT_CONFIDENTIAL = "Not engaged: the information was not given in confidence"
CL_NONE_REFUSED = ("None: consent was refused or withdrawn and there is no risk of significant harm "
                   "or overriding public interest")
CL_NONE_CONFIDENTIAL = ("None: confidential information needs consent, a legal requirement "
                        "or an overriding public interest")


@pytest.fixture(scope="module")
def compiled() -> CompiledProcess:
    return compile_process(sharing_files())


# --- 1. hit policies --------------------------------------------------------------------------


def test_the_five_tables_are_there(compiled: CompiledProcess) -> None:
    assert set(decision_tables(compiled)) == set(TABLE_FACTS)


def test_every_table_is_unique_in_the_compiled_process(compiled: CompiledProcess) -> None:
    policies = {table_id: info.hit_policy for table_id, info in decision_tables(compiled).items()}
    assert policies == dict.fromkeys(TABLE_FACTS, "UNIQUE")


def test_every_decision_table_in_the_xml_says_unique_explicitly() -> None:
    tables = etree.parse(str(DMN_FILE)).getroot().iter(f"{{{DMN_NS}}}decisionTable")
    # DMN defaults a missing hitPolicy to UNIQUE; we want it written down, so the attribute must be present.
    policies = {table.get("id"): table.get("hitPolicy") for table in tables}
    assert policies == dict.fromkeys(TABLE_FACTS, "UNIQUE")


def test_fact_mapping_matches_the_input_expressions() -> None:
    """TABLE_FACTS is hard-coded for readability; check it is exactly what each table's inputs read."""
    read: dict[str, set[str]] = {}
    for table in etree.parse(str(DMN_FILE)).getroot().iter(f"{{{DMN_NS}}}decisionTable"):
        names: set[str] = set()
        for text in table.iterfind(f"{{{DMN_NS}}}input/{{{DMN_NS}}}inputExpression/{{{DMN_NS}}}text"):
            tree = ast.parse(text.text or "", mode="eval")
            names |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        read[table.get("id") or ""] = names
    assert read == {table_id: set(facts) for table_id, facts in TABLE_FACTS.items()}


# --- 2. exhaustive uniqueness and completeness ------------------------------------------------


def _values(fact: str) -> tuple[Any, ...]:
    if fact == "purpose":
        return PURPOSES
    if fact == "consent_result":
        return CONSENT_RESULTS
    return (True, False)


def _grid(table_id: str) -> Iterator[dict[str, Any]]:
    facts = TABLE_FACTS[table_id]
    for combination in itertools.product(*(_values(fact) for fact in facts)):
        yield dict(zip(facts, combination, strict=True))


@pytest.mark.parametrize("table_id", list(TABLE_FACTS))
def test_exactly_one_rule_answers_every_combination(compiled: CompiledProcess, table_id: str) -> None:
    wrong: list[str] = []
    combinations = 0
    for facts in _grid(table_id):
        combinations += 1
        matches = matching_rules(compiled, table_id, facts)
        if len(matches) != 1:
            wrong.append(f"{facts} -> {matches or 'no rule'}")
    assert combinations > 0
    assert not wrong, (f"{table_id}: {len(wrong)} of {combinations} combinations do not match exactly one rule:\n"
                       + "\n".join(wrong[:20]))


@pytest.mark.parametrize("table_id", list(TABLE_FACTS))
def test_no_rule_is_dead(compiled: CompiledProcess, table_id: str) -> None:
    reached = {rule for facts in _grid(table_id) for rule in matching_rules(compiled, table_id, facts)}
    every_rule = {rule.id for rule in decision_tables(compiled)[table_id].rules}
    assert every_rule - reached == set(), f"{table_id}: no combination of facts reaches these rules"


# --- 3. one readable case (at least) per rule, with the exact wording -------------------------

# A public-authority practitioner (a school, say) holding confidential information about a child
# for a s.17 assessment, consent not yet sought, nothing special about the data. Each case below
# changes only what makes it that case.
BASE_FACTS: dict[str, Any] = {
    "immediate_danger": False,
    "legal_obligation": False,
    "duty_to_share_in_force": False,
    "purpose": "s17",
    "consent_result": "not_sought",
    "risk_of_significant_harm": False,
    "overriding_public_interest": False,
    "confidential": True,
    "may_share": True,
    "public_authority": True,
    "subject_at_risk": False,
    "special_category": False,
    "criminal_offence_data": False,
}


def case(case_id: str, table_id: str, rule: str, expected: dict[str, Any], **changes: Any) -> Any:
    unknown = set(changes) - set(BASE_FACTS)
    assert not unknown, f"{case_id}: unknown facts {unknown}"
    return pytest.param(table_id, BASE_FACTS | changes, rule, expected, id=case_id)


def shares(justification: str) -> dict[str, Any]:
    return {"may_share": True, "common_law_justification": justification}


def withholds(justification: str) -> dict[str, Any]:
    return {"may_share": False, "common_law_justification": justification}


CASES = [
    # May the information be shared, and what answers the duty of confidence?
    case("emergency-overrides-refusal", SHARING, "sharing_decision_rule1", shares(CL_EMERGENCY),
         immediate_danger=True, consent_result="refused", purpose="s47"),
    case("emergency-before-anything-else", SHARING, "sharing_decision_rule1", shares(CL_EMERGENCY),
         immediate_danger=True, legal_obligation=True, duty_to_share_in_force=True, consent_result="given",
         risk_of_significant_harm=True),
    case("court-order-requires-it", SHARING, "sharing_decision_rule2", shares(CL_LEGAL),
         legal_obligation=True, purpose="court", consent_result="refused"),
    case("s16la-switch-on-s47-refused", SHARING, "sharing_decision_rule3", shares(CL_S16LA),
         duty_to_share_in_force=True, purpose="s47", consent_result="refused"),
    case("s16la-switch-on-mash-not-sought", SHARING, "sharing_decision_rule3", shares(CL_S16LA),
         duty_to_share_in_force=True, purpose="mash"),
    case("s16la-switch-off-s47-refused", SHARING, "sharing_decision_rule6", withholds(CL_NONE_REFUSED),
         duty_to_share_in_force=False, purpose="s47", consent_result="refused"),
    case("s16la-switch-on-but-not-a-safeguarding-purpose", SHARING, "sharing_decision_rule6",
         withholds(CL_NONE_REFUSED), duty_to_share_in_force=True, purpose="school_transfer", consent_result="refused"),
    case("parent-consents-early-help", SHARING, "sharing_decision_rule4", shares(CL_CONSENT),
         purpose="early_help", consent_result="given"),
    case("consent-refused-risk-of-significant-harm", SHARING, "sharing_decision_rule5", shares(CL_PUBLIC_INTEREST),
         purpose="s47", consent_result="refused", risk_of_significant_harm=True),
    case("consent-withdrawn-overriding-public-interest", SHARING, "sharing_decision_rule5",
         shares(CL_PUBLIC_INTEREST), consent_result="withdrawn", overriding_public_interest=True),
    case("consent-not-sought-because-of-risk", SHARING, "sharing_decision_rule5", shares(CL_PUBLIC_INTEREST),
         consent_result="not_sought", risk_of_significant_harm=True),
    case("consent-refused-no-risk", SHARING, "sharing_decision_rule6", withholds(CL_NONE_REFUSED),
         consent_result="refused"),
    case("consent-withdrawn-no-risk-not-confidential", SHARING, "sharing_decision_rule6",
         withholds(CL_NONE_REFUSED), consent_result="withdrawn", confidential=False),
    case("not-sought-nothing-confidential", SHARING, "sharing_decision_rule7", shares(CL_NOT_CONFIDENTIAL),
         purpose="school_transfer", confidential=False),
    case("not-sought-confidential", SHARING, "sharing_decision_rule8", withholds(CL_NONE_CONFIDENTIAL),
         confidential=True),
    # Article 6 lawful basis
    case("a6-nothing-shared", ARTICLE6, "article6_basis_rule1", {"article6_basis": NOTHING_SHARED},
         may_share=False, consent_result="refused"),
    case("a6-court-order", ARTICLE6, "article6_basis_rule2", {"article6_basis": A6_LEGAL},
         legal_obligation=True, purpose="court"),
    case("a6-public-authority-with-consent", ARTICLE6, "article6_basis_rule3", {"article6_basis": A6_PUBLIC_TASK},
         public_authority=True, consent_result="given", purpose="early_help"),
    case("a6-public-authority-emergency", ARTICLE6, "article6_basis_rule3", {"article6_basis": A6_PUBLIC_TASK},
         public_authority=True, immediate_danger=True, subject_at_risk=True),
    case("a6-s16la-duty-in-force", ARTICLE6, "article6_basis_rule2", {"article6_basis": A6_LEGAL},
         duty_to_share_in_force=True, purpose="s47", public_authority=False),
    case("a6-sports-club-with-consent", ARTICLE6, "article6_basis_rule4", {"article6_basis": A6_CONSENT},
         public_authority=False, consent_result="given"),
    case("a6-charity-child-in-danger", ARTICLE6, "article6_basis_rule5", {"article6_basis": A6_RLI_SAFEGUARDING},
         public_authority=False, immediate_danger=True, consent_result="given", subject_at_risk=True),
    case("a6-charity-child-at-risk-refused", ARTICLE6, "article6_basis_rule6",
         {"article6_basis": A6_RLI_SAFEGUARDING},
         public_authority=False, consent_result="refused", subject_at_risk=True, risk_of_significant_harm=True),
    case("a6-club-adult-in-danger", ARTICLE6, "article6_basis_rule7", {"article6_basis": A6_VITAL},
         public_authority=False, immediate_danger=True, subject_at_risk=False),
    case("a6-private-nursery-not-confidential", ARTICLE6, "article6_basis_rule8",
         {"article6_basis": A6_LEGITIMATE_INTERESTS},
         public_authority=False, confidential=False, purpose="school_transfer", subject_at_risk=False),
    # Article 9 condition for special category data
    case("a9-nothing-shared", ARTICLE9, "article9_condition_rule1",
         {"article9_condition": NOTHING_SHARED, "schedule1_paragraph": ""}, may_share=False, special_category=True),
    case("a9-no-special-category", ARTICLE9, "article9_condition_rule2",
         {"article9_condition": A9_NOT_APPLICABLE, "schedule1_paragraph": ""}, subject_at_risk=True),
    case("a9-health-data-with-consent", ARTICLE9, "article9_condition_rule3",
         {"article9_condition": A9_EXPLICIT_CONSENT, "schedule1_paragraph": ""},
         special_category=True, consent_result="given", purpose="early_help"),
    case("a9-injured-baby-mother-refuses", ARTICLE9, "article9_condition_rule4",
         {"article9_condition": A9_PUBLIC_INTEREST, "schedule1_paragraph": SCH1_18},
         special_category=True, subject_at_risk=True, consent_result="refused", purpose="s47",
         risk_of_significant_harm=True),
    case("a9-police-investigation", ARTICLE9, "article9_condition_rule5",
         {"article9_condition": A9_PUBLIC_INTEREST, "schedule1_paragraph": SCH1_10},
         special_category=True, purpose="police_investigation", consent_result="not_sought"),
    case("a9-court-proceedings", ARTICLE9, "article9_condition_rule6",
         {"article9_condition": A9_LEGAL_CLAIMS, "schedule1_paragraph": ""},
         special_category=True, purpose="court", legal_obligation=True),
    case("a9-school-transfer", ARTICLE9, "article9_condition_rule7",
         {"article9_condition": A9_PUBLIC_INTEREST, "schedule1_paragraph": SCH1_6},
         special_category=True, purpose="school_transfer", confidential=False),
    case("a9-other-statutory-purpose", ARTICLE9, "article9_condition_rule7",
         {"article9_condition": A9_PUBLIC_INTEREST, "schedule1_paragraph": SCH1_6},
         special_category=True, purpose="other", consent_result="refused", overriding_public_interest=True),
    # Article 10 condition for criminal offence data
    case("a10-nothing-shared", ARTICLE10, "article10_condition_rule1", {"article10_condition": NOTHING_SHARED},
         may_share=False, criminal_offence_data=True),
    case("a10-no-criminal-offence-data", ARTICLE10, "article10_condition_rule2",
         {"article10_condition": A10_NOT_APPLICABLE}, subject_at_risk=True),
    case("a10-para-29-consent", ARTICLE10, "article10_condition_rule3", {"article10_condition": A10_CONSENT},
         criminal_offence_data=True, consent_result="given", subject_at_risk=True),
    case("a10-para-36-applying-18", ARTICLE10, "article10_condition_rule4",
         {"article10_condition": A10_SAFEGUARDING},
         criminal_offence_data=True, subject_at_risk=True, consent_result="refused", risk_of_significant_harm=True),
    case("a10-para-30-vital-interests", ARTICLE10, "article10_condition_rule5", {"article10_condition": A10_VITAL},
         criminal_offence_data=True, immediate_danger=True, subject_at_risk=False),
    case("a10-para-36-applying-10", ARTICLE10, "article10_condition_rule6", {"article10_condition": A10_CRIME},
         criminal_offence_data=True, purpose="police_investigation", consent_result="not_sought"),
    # Exemption (never a lawful basis)
    case("exemption-nothing-shared", EXEMPTION, "exemption_rule1", {"exemption": NO_EXEMPTION},
         may_share=False, purpose="police_investigation"),
    case("exemption-police-investigation", EXEMPTION, "exemption_rule2", {"exemption": EX_CRIME},
         purpose="police_investigation"),
    case("exemption-police-with-court-order", EXEMPTION, "exemption_rule2", {"exemption": EX_CRIME},
         purpose="police_investigation", legal_obligation=True),
    case("exemption-court-order-not-police", EXEMPTION, "exemption_rule3", {"exemption": EX_REQUIRED_BY_LAW},
         purpose="court", legal_obligation=True),
    case("exemption-none-needed", EXEMPTION, "exemption_rule4", {"exemption": NO_EXEMPTION},
         purpose="s17"),
]


@pytest.mark.parametrize(("table_id", "facts", "rule", "expected"), CASES)
def test_rule_gives_the_exact_outputs(compiled: CompiledProcess, table_id: str, facts: dict[str, Any], rule: str,
                                      expected: dict[str, Any]) -> None:
    assert matching_rules(compiled, table_id, facts) == [rule]
    assert evaluate_table(compiled, table_id, facts) == expected


def test_the_cases_cover_every_rule(compiled: CompiledProcess) -> None:
    covered = {param.values[2] for param in CASES}
    every_rule = {rule.id for info in decision_tables(compiled).values() for rule in info.rules}
    assert every_rule - covered == set(), "rules without a case in CASES"
    assert covered - every_rule == set(), "cases naming rules that do not exist"


def test_s16la_switch_is_off_by_default(compiled: CompiledProcess) -> None:
    assert compiled.initial_data["duty_to_share_in_force"] is False
    facts = {fact: compiled.initial_data[fact] for fact in TABLE_FACTS[SHARING]}
    facts |= {"purpose": "s47", "consent_result": "refused"}
    assert evaluate_table(compiled, SHARING, facts) == withholds(CL_NONE_REFUSED)
    assert evaluate_table(compiled, SHARING, facts | {"duty_to_share_in_force": True}) == shares(CL_S16LA)


def _decide(compiled: CompiledProcess, facts: dict[str, Any]) -> dict[str, Any]:
    """All five tables in the order the process runs them: the sharing decision feeds may_share to the rest."""
    outputs = evaluate_table(compiled, SHARING, facts)
    for table_id in (ARTICLE6, ARTICLE9, ARTICLE10, EXEMPTION):
        outputs |= evaluate_table(compiled, table_id, facts | outputs)
    return outputs


@pytest.mark.parametrize(("changes", "expected"), [
    pytest.param(
        {"purpose": "early_help", "consent_result": "given", "subject_at_risk": False},
        {"may_share": True, "common_law_justification": CL_CONSENT, "article6_basis": A6_PUBLIC_TASK,
         "article9_condition": A9_NOT_APPLICABLE, "schedule1_paragraph": "",
         "article10_condition": A10_NOT_APPLICABLE, "exemption": NO_EXEMPTION},
        id="scenario1-young-carer-parent-consents"),
    pytest.param(
        {"purpose": "s47", "consent_result": "refused", "risk_of_significant_harm": True, "subject_at_risk": True,
         "special_category": True},
        {"may_share": True, "common_law_justification": CL_PUBLIC_INTEREST, "article6_basis": A6_PUBLIC_TASK,
         "article9_condition": A9_PUBLIC_INTEREST, "schedule1_paragraph": SCH1_18,
         "article10_condition": A10_NOT_APPLICABLE, "exemption": NO_EXEMPTION},
        id="scenario2-injured-baby-mother-refuses"),
    pytest.param(
        {"purpose": "s47", "immediate_danger": True, "subject_at_risk": True, "special_category": True,
         "criminal_offence_data": True},
        {"may_share": True, "common_law_justification": CL_EMERGENCY, "article6_basis": A6_PUBLIC_TASK,
         "article9_condition": A9_PUBLIC_INTEREST, "schedule1_paragraph": SCH1_18,
         "article10_condition": A10_SAFEGUARDING, "exemption": NO_EXEMPTION},
        id="scenario6-disclosure-of-abuse-by-step-parent"),
    pytest.param(
        {"purpose": "s17", "consent_result": "refused"},
        {"may_share": False, "common_law_justification": CL_NONE_REFUSED, "article6_basis": NOTHING_SHARED,
         "article9_condition": NOTHING_SHARED, "schedule1_paragraph": "",
         "article10_condition": NOTHING_SHARED, "exemption": NO_EXEMPTION},
        id="refused-no-risk-nothing-shared"),
])
def test_the_tables_together(compiled: CompiledProcess, changes: dict[str, Any], expected: dict[str, Any]) -> None:
    assert _decide(compiled, BASE_FACTS | changes) == expected


# --- 4. missing facts -------------------------------------------------------------------------


@pytest.mark.parametrize("table_id", list(TABLE_FACTS))
def test_no_facts_at_all_is_a_decision_failure(compiled: CompiledProcess, table_id: str) -> None:
    with pytest.raises(DecisionFailed, match=table_id):
        evaluate_table(compiled, table_id, {})
    with pytest.raises(DecisionFailed, match=table_id):
        matching_rules(compiled, table_id, {})


def test_a_missing_consent_result_is_a_decision_failure(compiled: CompiledProcess) -> None:
    # Nothing earlier in the table answers, so the engine has to read consent_result.
    facts = {fact: BASE_FACTS[fact] for fact in TABLE_FACTS[SHARING] if fact != "consent_result"}
    with pytest.raises(DecisionFailed, match=SHARING):
        evaluate_table(compiled, SHARING, facts)


def test_a_missing_purpose_is_a_decision_failure(compiled: CompiledProcess) -> None:
    facts = {fact: BASE_FACTS[fact] for fact in TABLE_FACTS[EXEMPTION] if fact != "purpose"}
    with pytest.raises(DecisionFailed, match=EXEMPTION):
        evaluate_table(compiled, EXEMPTION, facts)
