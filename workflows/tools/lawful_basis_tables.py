"""The lawful-basis decision tables: ten small tables, run in this order by the lawful-basis sub-process.

They follow the law as written in domain/lawful-bases.md ("How the conditions are chosen"), as
designed in the working spec for issue 14. Each table's outputs feed the later tables:

1. consent_validity            does the consent count, and is Sch 1 para 18(2)/17(2)'s consent limb met?
2. safeguarding_condition      is Sch 1 para 18 met?
3. substantial_public_interest which Sch 1 Part 2 condition the purpose chooses (para 10, 18, 17, 7 or 6)
4. confidence                  what answers the common-law duty of confidence, and does a refusal stand?
5. article6_basis              the UK GDPR Article 6 basis
6. article9_condition          the Article 9 condition (special category data) and its Sch 1 paragraph
7. article10_condition         the Article 10 condition (criminal offence data)
8. lawful_to_share             may the information be shared? If not, why ("no lawful basis: do not share")
9. basis_notes                 sentences the record needs (Article 6(3); consent answering confidence only)
10. exemption                  a DPA 2018 Sch 2 exemption (never a lawful basis)

Names are exactly those of domain/lawful-bases.md. Every table has hit policy UNIQUE: its rules are
written in priority order, each with the opposite answer in the columns of every higher-priority
rule, so they never overlap and together cover every combination of the column values
(tests/workflows/test_lawful_basis.py checks both, because the engine does not).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr


@dataclass(frozen=True)
class Expr:
    """An output entry that is a Python expression over the case facts, rendered as written."""

    text: str


# --- wording ------------------------------------------------------------------------------------

NOTHING_SHARED = "Not applicable: nothing is shared"

# Sch 1 Part 2 conditions, in the short form part2_condition carries (Art 9 and Art 10 prefix them).
P10 = "para 10 (preventing or detecting unlawful acts)"
P18 = "para 18 (safeguarding of children and of individuals at risk)"
P17 = "para 17 (counselling)"
P7 = "para 7 (administration of justice)"
P6 = "para 6 (statutory and government purposes)"

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
SCH1_PART2 = Expr('"DPA 2018 Sch 1 " + part2_condition')
A9_EXPLICIT_CONSENT = "Article 9(2)(a) explicit consent"
A9_NONE = "None: no Article 9 condition fits"

A10_NOT_APPLICABLE = "Not applicable: no criminal offence data"
A10_VITAL = "DPA 2018 Sch 1 para 30 (vital interests)"
A10_LEGAL_CLAIMS = "DPA 2018 Sch 1 para 33 (legal claims)"
A10_EMPLOYMENT = SCH1_1
A10_PART2 = Expr('"DPA 2018 Sch 1 para 36, applying " + part2_condition')
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

# --- expressions over the case facts ------------------------------------------------------------

# Purposes that protect a child or an adult at risk from harm (Sch 1 para 18; Annex 1 para 6).
SAFEGUARDING = '("s17", "s47", "early_help", "mash", "school_transfer", "allegation_about_staff")'
# Purposes that are functions conferred on a public body by an enactment (Sch 1 para 6): early help too,
# which schools, health and councils give under their welfare duties (Children Act 2004 ss.10-11,
# Education Act 2002 s.175).
STATUTORY = '("s17", "s47", "early_help", "mash", "school_transfer")'
# The purposes the s.16LA duty to share covers, once commenced.
S16LA_PURPOSES = '("s17", "s47", "early_help", "mash")'
S16LA = f"duty_to_share_in_force and purpose in {S16LA_PURPOSES}"
# A law or court order requires sharing; once commenced, so does the s.16LA duty for its purposes.
COMPELLED = f"legal_obligation or ({S16LA})"
# Art 9(2)(c) and Sch 1 para 30: a threat to life, and the data subject incapable of consenting.
VITAL_NO_CONSENT = "immediate_danger and threat_to_life and not subject_can_consent"

T, F, ANY = "True", "False", "-"


@dataclass(frozen=True)
class Table:
    id: str
    name: str
    task_name: str
    inputs: list[tuple[str, str]]  # (label, expression)
    outputs: list[tuple[str, str]]  # (variable, label)
    rules: list[tuple[list[str], list[object], str]]  # (input entries, output values, annotation)


TABLES = [
    Table(
        "consent_validity", "Does the consent count, and for what?", "Check the consent",
        [("Consent", "consent_result"),
         ("Required by law (including s.16LA once in force)?", COMPELLED),
         ("A real choice they could refuse without detriment?", "consent_appropriate"),
         ("Said clearly, in words, that they agree?", "consent_explicit"),
         ("The person's own consent (a competent child, or the adult)?",
          'consent_of_whom in ("child_competent", "adult_subject")'),
         ("Can the person decide for themselves?", "subject_can_consent"),
         ("Would seeking consent increase the risk?", "seeking_consent_increases_risk"),
         ("Child in immediate danger?", "immediate_danger")],
        [("consent_counts", "Valid consent?"),
         ("explicit_consent", "The person's own explicit consent?"),
         ("consent_limb_met", "Consent cannot be given, cannot reasonably be obtained, "
                              "or seeking it would prejudice the protection?")],
        [
            (['"given"', T, ANY, ANY, ANY, ANY, ANY, ANY], [False, False, True],
             "Consent is not valid when the disclosure is compelled: it happens whatever they say"),
            (['"given"', F, F, ANY, ANY, ANY, ANY, ANY], [False, False, True],
             "Not freely given (Art 4(11), recital 43): no real choice, so valid consent cannot be obtained"),
            (['"given"', F, T, F, ANY, ANY, ANY, ANY], [True, False, False],
             "Freely given, but not explicit: valid consent, not explicit consent"),
            (['"given"', F, T, T, F, ANY, ANY, ANY], [True, False, False],
             "Explicit, but a parent's: not the data subject's own explicit consent"),
            (['"given"', F, T, T, T, ANY, ANY, ANY], [True, True, False],
             "The data subject's own explicit consent (a competent child, or the adult)"),
            (['? in ("refused", "withdrawn")', ANY, ANY, ANY, ANY, ANY, ANY, ANY], [False, False, True],
             "Refused or withdrawn: consent cannot reasonably be obtained (Sch 1 para 18(2)(b))"),
            (['"not_sought"', ANY, ANY, ANY, ANY, F, ANY, ANY], [False, False, True],
             "The person cannot decide: consent cannot be given by the data subject (para 18(2)(a))"),
            (['"not_sought"', ANY, ANY, ANY, ANY, T, T, ANY], [False, False, True],
             "Seeking consent would prejudice the protection (para 18(2)(c))"),
            (['"not_sought"', ANY, ANY, ANY, ANY, T, F, T], [False, False, True],
             "A child in immediate danger: consent cannot reasonably be obtained in time (para 18(2)(b))"),
            (['"not_sought"', ANY, ANY, ANY, ANY, T, F, F], [False, False, False],
             "Consent could be sought and was not: the consent limb is not met; ask"),
        ],
    ),
    Table(
        "safeguarding_condition", "Is DPA 2018 Sch 1 para 18 met?", "Check the safeguarding condition",
        [("Protecting a child or an adult at risk from harm?",
          f"immediate_danger or risk_of_significant_harm or purpose in {SAFEGUARDING}"),
         ("Under 18, or 18 or over and at risk?", "subject_at_risk"),
         ("Consent cannot be given, cannot reasonably be obtained, or seeking it would prejudice the protection?",
          "consent_limb_met"),
         ("A capable adult refused or withdrew consent?",
          'consent_result in ("refused", "withdrawn") and consent_of_whom == "adult_subject" and subject_can_consent'),
         ("Child at risk of significant harm?", "risk_of_significant_harm")],
        [("para18_met", "Sch 1 para 18 met?")],
        [
            ([F, ANY, ANY, ANY, ANY], [False],
             "Para 18(1)(a): only where necessary to protect someone from neglect or harm"),
            ([T, F, ANY, ANY, ANY], [False],
             "Para 18(1)(b): only for someone under 18, or 18 or over and at risk"),
            ([T, T, F, ANY, ANY], [False],
             "Para 18(2): consent can be given and could reasonably be obtained, so it must be asked"),
            ([T, T, T, T, F], [False],
             "A capable adult refused: para 18 does not protect that adult against their own refusal"),
            ([T, T, T, T, T], [True],
             "A capable adult refused, but a child is at risk of significant harm: para 18 protects the child"),
            ([T, T, T, F, ANY], [True],
             "Para 18: protection from harm, under 18 or at risk, the consent limb met; policy document required"),
        ],
    ),
    Table(
        "substantial_public_interest", "Which DPA 2018 Sch 1 Part 2 condition does the purpose choose?",
        "Choose the Schedule 1 condition",
        [("Preventing or detecting crime, without consent?",
          'purpose == "police_investigation" and not consent_counts'),
         ("Sch 1 para 18 met?", "para18_met"),
         ("Confidential counselling, without consent for a para 17(2) reason?",
          'purpose == "counselling" and consent_limb_met'),
         ("Administration of justice, by a public body?", 'purpose == "court" and public_authority'),
         ("A function conferred by an enactment or rule of law?",
          f'(public_authority and (purpose in {STATUTORY} or statutory_power not in (None, "none_identified")))'
          f" or {COMPELLED}")],
        [("part2_condition", "Sch 1 Part 2 condition"), ("part2_why", "Why this condition")],
        [
            ([T, T, ANY, ANY, ANY],
             [f"{P10} and {P18}",
              "Both apply: the purpose is preventing or detecting crime (para 10), and a child or an adult at risk "
              "needs protecting (para 18)."],
             "Two conditions apply: the record names both, para 10 for the crime and para 18 for the protection"),
            ([T, F, ANY, ANY, ANY],
             [P10, "The purpose is preventing or detecting crime, and the sharing goes ahead without the person's "
                   "consent so as not to prejudice it (para 10)."],
             "Para 10: preventing or detecting an unlawful act, without consent so as not to prejudice it"),
            ([F, T, ANY, ANY, ANY],
             [P18, "A child or an adult at risk needs protecting from harm, and consent cannot be given, cannot "
                   "reasonably be obtained, or seeking it would prejudice the protection (para 18)."],
             "Para 18: protecting a child or an adult at risk, chosen by the purpose even where para 6 also fits"),
            ([F, F, T, ANY, ANY],
             [P17, "Confidential counselling, advice or support, and consent cannot be given, cannot reasonably be "
                   "obtained, or seeking it would prejudice the service (para 17)."],
             "Para 17: confidential counselling, advice or support, without consent for a para 17(2) reason"),
            ([F, F, F, T, ANY],
             [P7, "The sharing is necessary for the administration of justice (para 7)."],
             "Para 7: necessary for the administration of justice"),
            ([F, F, F, F, T],
             [P6, "The sharing is necessary for a function conferred by an enactment or rule of law (para 6)."],
             "Para 6: a function conferred by an enactment or rule of law (never for a body without one)"),
            ([F, F, F, F, F],
             ["", "No Schedule 1 Part 2 condition fits the answers given."],
             "No Part 2 condition fits: none is assumed"),
        ],
    ),
    Table(
        "confidence", "What answers the common-law duty of confidence, and does a refusal stand?",
        "Check the duty of confidence",
        [("Required by law or a court order?", "legal_obligation"),
         ("s.16LA duty to share applies?", S16LA),
         ("Child in immediate danger?", "immediate_danger"),
         ("Valid consent?", "consent_counts"),
         ("Child at risk of significant harm?", "risk_of_significant_harm"),
         ("Overriding public interest", '(public_interest or "unspecified") if overriding_public_interest else "none"'),
         ("Consent refused or withdrawn?", 'consent_result in ("refused", "withdrawn")'),
         ("Given in confidence?", "confidential")],
        [("confidence_allows", "The duty of confidence allows sharing?"),
         ("common_law_justification", "Common-law duty of confidence")],
        [
            ([T, ANY, ANY, ANY, ANY, ANY, ANY, ANY], [True, CL_LEGAL],
             "A legal requirement (a law or court order) answers the duty of confidence"),
            ([F, T, ANY, ANY, ANY, ANY, ANY, ANY], [True, CL_S16LA],
             "Only once s.16LA is commenced (switch): a statutory duty to share for its purposes"),
            ([F, F, T, ANY, ANY, ANY, ANY, ANY], [True, CL_EMERGENCY],
             "Emergency: the public interest in protecting a child in immediate danger overrides"),
            ([F, F, F, T, ANY, ANY, ANY, ANY], [True, CL_CONSENT],
             "Valid consent answers the duty of confidence"),
            ([F, F, F, F, T, ANY, ANY, ANY], [True, CL_CHILD],
             "Overriding public interest: protecting a child from significant harm, even against a refusal"),
            ([F, F, F, F, F, '"protecting_adult"', ANY, ANY], [True, CL_ADULT],
             "Overriding public interest: protecting an adult at risk"),
            ([F, F, F, F, F, '"preventing_crime"', ANY, ANY], [True, CL_CRIME],
             "Overriding public interest: preventing or detecting crime"),
            ([F, F, F, F, F, '"protecting_others"', ANY, ANY], [True, CL_OTHERS],
             "Overriding public interest: protecting others from serious harm"),
            ([F, F, F, F, F, '"unspecified"', ANY, ANY], [True, CL_PUBLIC_INTEREST],
             "Overriding public interest, the interest not named"),
            ([F, F, F, F, F, '"none"', T, ANY], [False, CL_NONE_REFUSED],
             "A refusal stands when nothing overrides it: do not share; set a review date"),
            ([F, F, F, F, F, '"none"', F, F], [True, CL_NOT_CONFIDENTIAL],
             "Not given in confidence: the duty of confidence is not engaged"),
            ([F, F, F, F, F, '"none"', F, T], [False, CL_NONE_CONFIDENTIAL],
             "Confidential, and nothing answers the duty: seek consent, or do not share"),
        ],
    ),
    Table(
        "article6_basis", "Article 6 lawful basis", "Choose the Article 6 basis",
        [("The duty of confidence allows sharing?", "confidence_allows"),
         ("Required by law (including s.16LA once in force)?", COMPELLED),
         ("Sharing as a public authority?", "public_authority"),
         ("A threat to life?", "immediate_danger and threat_to_life"),
         ("Can the person decide for themselves?", "subject_can_consent"),
         ("Valid consent?", "consent_counts"),
         ("Safeguarding a child or an adult at risk?",
          f"subject_at_risk and (immediate_danger or risk_of_significant_harm or purpose in {SAFEGUARDING})"),
         ("Detecting, investigating or preventing crime?", 'purpose == "police_investigation"'),
         ("Requested by a public body?", 'direction == "inbound_request" and requester_is_public_body'),
         ("Legitimate interests assessment recorded?", "legitimate_interests_assessed")],
        [("article6_basis", "Article 6 basis")],
        [
            ([F, ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY], [NOTHING_SHARED],
             "Nothing is shared, so no basis is needed"),
            ([T, T, ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY], [A6_LEGAL],
             "Art 6(1)(c): necessary for compliance with a legal obligation (consent is not valid here)"),
            ([T, F, T, T, F, ANY, ANY, ANY, ANY, ANY], [A6_VITAL],
             "Art 6(1)(d), recital 46: a threat to life, and the person cannot consent"),
            ([T, F, T, T, T, ANY, ANY, ANY, ANY, ANY], [A6_PUBLIC_TASK],
             "A threat to life, but the person can decide: a public body keeps its public task (recital 46)"),
            ([T, F, T, F, ANY, ANY, ANY, ANY, ANY, ANY], [A6_PUBLIC_TASK],
             "Art 6(1)(e), DPA s.8: a public body's task, even with consent (recital 43); no threat to life"),
            ([T, F, F, T, ANY, ANY, ANY, ANY, ANY, ANY], [A6_VITAL],
             "Art 6(1)(d): not a public body, and someone's life is threatened (recital 46)"),
            ([T, F, F, F, ANY, T, ANY, ANY, ANY, ANY], [A6_CONSENT],
             "Art 6(1)(a): not a public body, with valid consent"),
            ([T, F, F, F, ANY, F, T, ANY, ANY, ANY], [A6_RLI_SAFEGUARDING],
             "Art 6(1)(ea), Annex 1 para 6: not a public body, necessary for safeguarding a vulnerable individual"),
            ([T, F, F, F, ANY, F, F, T, ANY, ANY], [A6_RLI_CRIME],
             "Art 6(1)(ea), Annex 1 para 5: not a public body, detecting, investigating or preventing crime"),
            ([T, F, F, F, ANY, F, F, F, T, ANY], [A6_RLI_REQUEST],
             "Art 6(1)(ea), Annex 1 para 1: not a public body, a public body requests it for its task"),
            ([T, F, F, F, ANY, F, F, F, F, T], [A6_LEGITIMATE_INTERESTS],
             "Art 6(1)(f): not a public body, legitimate interests with the assessment recorded"),
            ([T, F, F, F, ANY, F, F, F, F, F], [A6_NONE],
             "Nothing fits: no Article 6 basis, never a default; do not share"),
        ],
    ),
    Table(
        "article9_condition", "Article 9 condition for special category data", "Choose the Article 9 condition",
        [("The duty of confidence allows sharing?", "confidence_allows"),
         ("Special category data?", "special_category"),
         ("A threat to life, and the person cannot consent?", VITAL_NO_CONSENT),
         ("Legal claims or court proceedings?", 'purpose == "court"'),
         ("Health or social care?", 'purpose in ("health_or_social_care", "medical_emergency")'),
         ("Employment (an allegation about staff)?", 'purpose == "allegation_about_staff"'),
         ("A Sch 1 Part 2 condition met?", 'part2_condition != ""'),
         ("The person's own explicit consent?", "explicit_consent"),
         ("Sharing as a public authority?", "public_authority")],
        [("article9_condition", "Article 9 condition"), ("schedule1_paragraph", "Schedule 1 paragraph")],
        [
            ([F, ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY], [NOTHING_SHARED, ""],
             "Nothing is shared, so no condition is needed"),
            ([T, F, ANY, ANY, ANY, ANY, ANY, ANY, ANY], [A9_NOT_APPLICABLE, ""],
             "No special category data: Article 9 does not apply"),
            ([T, T, T, ANY, ANY, ANY, ANY, ANY, ANY], [A9_VITAL, ""],
             "Art 9(2)(c): vital interests, the person physically or legally incapable of consenting"),
            ([T, T, F, T, ANY, ANY, ANY, ANY, ANY], [A9_LEGAL_CLAIMS, ""],
             "Art 9(2)(f): legal claims, or courts acting in their judicial capacity"),
            ([T, T, F, F, T, ANY, ANY, ANY, T], [A9_CARE, SCH1_2],
             "Art 9(2)(h) with Sch 1 para 2: a public body, health or social care purposes"),
            ([T, T, F, F, F, T, ANY, ANY, T], [A9_EMPLOYMENT, SCH1_1],
             "Art 9(2)(b) with Sch 1 para 1: a public body, employment obligations; policy document required"),
            ([T, T, F, F, F, F, T, ANY, T], [A9_PUBLIC_INTEREST, SCH1_PART2],
             "Art 9(2)(g): a public body, substantial public interest with the Part 2 condition the purpose chose"),
            ([T, T, F, F, F, F, F, T, T], [A9_EXPLICIT_CONSENT, ""],
             "Art 9(2)(a): a public body with nothing else, the person's own explicit consent"),
            ([T, T, F, F, F, F, F, F, T], [A9_NONE, ""],
             "A public body and nothing fits: no Article 9 condition, never a default"),
            ([T, T, F, F, ANY, ANY, ANY, T, F], [A9_EXPLICIT_CONSENT, ""],
             "Art 9(2)(a): not a public body, the person's own explicit consent"),
            ([T, T, F, F, T, ANY, ANY, F, F], [A9_CARE, SCH1_2],
             "Art 9(2)(h) with Sch 1 para 2: not a public body, health or social care purposes"),
            ([T, T, F, F, F, T, ANY, F, F], [A9_EMPLOYMENT, SCH1_1],
             "Art 9(2)(b) with Sch 1 para 1: not a public body, employment obligations"),
            ([T, T, F, F, F, F, T, F, F], [A9_PUBLIC_INTEREST, SCH1_PART2],
             "Art 9(2)(g): not a public body, substantial public interest with the Part 2 condition"),
            ([T, T, F, F, F, F, F, F, F], [A9_NONE, ""],
             "Not a public body and nothing fits: no Article 9 condition, never a default"),
        ],
    ),
    Table(
        "article10_condition", "Article 10 condition for criminal offence data", "Choose the Article 10 condition",
        [("The duty of confidence allows sharing?", "confidence_allows"),
         ("Criminal offence data?", "criminal_offence_data"),
         ("A threat to life, and the person cannot consent?", VITAL_NO_CONSENT),
         ("Legal claims or court proceedings?", 'purpose == "court"'),
         ("Employment (an allegation about staff)?", 'purpose == "allegation_about_staff"'),
         ("A Sch 1 Part 2 condition met?", 'part2_condition != ""'),
         ("The person's own explicit consent?", "explicit_consent"),
         ("Sharing as a public authority?", "public_authority")],
        [("article10_condition", "Article 10 condition")],
        [
            ([F, ANY, ANY, ANY, ANY, ANY, ANY, ANY], [NOTHING_SHARED],
             "Nothing is shared, so no condition is needed"),
            ([T, F, ANY, ANY, ANY, ANY, ANY, ANY], [A10_NOT_APPLICABLE],
             "No criminal offence data: Article 10 does not apply"),
            ([T, T, T, ANY, ANY, ANY, ANY, ANY], [A10_VITAL],
             "Sch 1 para 30: vital interests, the person physically or legally incapable of consenting"),
            ([T, T, F, T, ANY, ANY, ANY, ANY], [A10_LEGAL_CLAIMS],
             "Sch 1 para 33: legal proceedings, legal advice, or establishing or defending legal rights"),
            ([T, T, F, F, T, ANY, ANY, T], [A10_EMPLOYMENT],
             "Sch 1 para 1: a public body, employment obligations"),
            ([T, T, F, F, F, T, ANY, T], [A10_PART2],
             "Sch 1 para 36: a public body, the Part 2 condition without its substantial-public-interest test"),
            ([T, T, F, F, F, F, T, T], [A10_CONSENT],
             "Sch 1 para 29: a public body with nothing else, the person's own explicit consent"),
            ([T, T, F, F, F, F, F, T], [A10_NONE],
             "A public body and nothing fits: no Article 10 condition, never a default"),
            ([T, T, F, F, ANY, ANY, T, F], [A10_CONSENT],
             "Sch 1 para 29: not a public body, the person's own explicit consent"),
            ([T, T, F, F, T, ANY, F, F], [A10_EMPLOYMENT],
             "Sch 1 para 1: not a public body, employment obligations"),
            ([T, T, F, F, F, T, F, F], [A10_PART2],
             "Sch 1 para 36: not a public body, the Part 2 condition without its substantial-public-interest test"),
            ([T, T, F, F, F, F, F, F], [A10_NONE],
             "Not a public body and nothing fits: no Article 10 condition, never a default"),
        ],
    ),
    Table(
        "lawful_to_share", "May the information be shared?", "Decide whether sharing is lawful",
        [("The duty of confidence allows sharing?", "confidence_allows"),
         ("No Article 6 basis?", 'article6_basis.startswith("None")'),
         ("Special category data and no Article 9 condition?",
          'special_category and article9_condition.startswith("None")'),
         ("Criminal offence data and no Article 10 condition?",
          'criminal_offence_data and article10_condition.startswith("None")')],
        [("may_share", "May share"), ("no_basis_reason", "Why not")],
        [
            ([F, ANY, ANY, ANY], [False, Expr("common_law_justification")],
             "The duty of confidence does not allow it: do not share, for the reason it gives"),
            ([T, T, ANY, ANY], [False, NO_BASIS_A6],
             "No Article 6 basis: no lawful basis, do not share"),
            ([T, F, T, ANY], [False, NO_BASIS_A9],
             "Special category data with no Article 9 condition: no lawful basis, do not share"),
            ([T, F, F, T], [False, NO_BASIS_A10],
             "Criminal offence data with no Article 10 condition: no lawful basis, do not share"),
            ([T, F, F, F], [True, ""],
             "Every basis and condition the data needs is met: it may be shared"),
        ],
    ),
    Table(
        "basis_notes", "Notes the record needs about the basis", "Write the notes on the basis",
        [("Public task, with no statutory power identified?",
          'article6_basis.startswith("Article 6(1)(e)") and statutory_power == "none_identified"'),
         ("Consent answers only the duty of confidence?",
          'common_law_justification == "Consent" and not article6_basis.startswith("Article 6(1)(a)")')],
        [("basis_notes", "Notes on the basis")],
        [
            ([T, T], [f"{NOTE_ARTICLE_6_3} {NOTE_CONSENT}"],
             "Art 6(3): public task needs a basis in law; and consent is not the data protection basis"),
            ([T, F], [NOTE_ARTICLE_6_3],
             "Art 6(3): public task needs a basis in law, and none was identified: say so and ask"),
            ([F, T], [NOTE_CONSENT],
             "Recital 43: consent is not the basis here; it answers the common-law duty of confidence"),
            ([F, F], [""], "Nothing to add"),
        ],
    ),
    Table(
        "exemption", "Exemption (never a lawful basis)", "Check for an exemption",
        [("May share?", "may_share"),
         ("Police investigation, and telling the person would prejudice it?",
          'purpose == "police_investigation" and telling_would_prejudice_crime'),
         ("Required by law (including s.16LA once in force)?", COMPELLED)],
        [("exemption", "Exemption")],
        [
            ([F, ANY, ANY], [NO_EXEMPTION], "Nothing is shared: no exemption"),
            ([T, T, ANY], [EX_CRIME],
             "Sch 2 para 2: only as far as telling would prejudice preventing or detecting crime"),
            ([T, F, T], [EX_REQUIRED_BY_LAW],
             "Sch 2 para 5: disclosure required by law or court order, as far as compliance would prevent it"),
            ([T, F, F], [NO_EXEMPTION], "No exemption: the person is told as usual"),
        ],
    ),
]


def _literal(value: object) -> str:
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, bool):
        return "True" if value else "False"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _table_xml(table: Table) -> str:
    parts = [f'<decision id="{table.id}" name={quoteattr(table.name)}>',
             f'<decisionTable id="{table.id}_table" hitPolicy="UNIQUE">']
    for i, (label, expr) in enumerate(table.inputs):
        parts.append(f'<input id="{table.id}_in{i}" label={quoteattr(label)}>'
                     f'<inputExpression id="{table.id}_in{i}_expr"><text>{escape(expr)}</text>'
                     "</inputExpression></input>")
    for i, (name, label) in enumerate(table.outputs):
        parts.append(f'<output id="{table.id}_out{i}" label={quoteattr(label)} name="{name}" />')
    for r, (entries, values, note) in enumerate(table.rules, start=1):
        if len(entries) != len(table.inputs) or len(values) != len(table.outputs):
            raise ValueError(f"{table.id} rule {r}: {len(entries)} entries and {len(values)} outputs, "
                             f"for {len(table.inputs)} inputs and {len(table.outputs)} outputs")
        parts.append(f'<rule id="{table.id}_rule{r}">')
        if note:
            parts.append(f"<description>{escape(note)}</description>")
        for i, entry in enumerate(entries):
            parts.append(f'<inputEntry id="{table.id}_rule{r}_in{i}"><text>{escape(entry)}</text></inputEntry>')
        for i, value in enumerate(values):
            parts.append(f'<outputEntry id="{table.id}_rule{r}_out{i}"><text>{escape(_literal(value))}</text>'
                         "</outputEntry>")
        parts.append("</rule>")
    parts.append("</decisionTable></decision>")
    return "".join(parts)


def render_dmn() -> str:
    shapes = "".join(
        f'<dmndi:DMNShape id="{t.id}_di" dmnElementRef="{t.id}">'
        f'<dc:Bounds x="{160 + i * 220}" y="100" width="180" height="80" /></dmndi:DMNShape>'
        for i, t in enumerate(TABLES)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" '
        'xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" '
        'xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" id="lawful_basis" name="Lawful basis for sharing" '
        'namespace="https://safeguarding.example/processes/information-sharing">\n'
        + "\n".join(_table_xml(t) for t in TABLES)
        + f'\n<dmndi:DMNDI><dmndi:DMNDiagram id="lawful_basis_drd">{shapes}</dmndi:DMNDiagram></dmndi:DMNDI>\n'
        "</definitions>\n"
    )
