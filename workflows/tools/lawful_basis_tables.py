"""The lawful-basis decision tables, as first written: one table per output the record needs.

Names are exactly those of domain/lawful-bases.md. Every table has hit policy UNIQUE: the rules of
a table are mutually exclusive and together cover every combination of the facts
(tests/workflows/test_lawful_basis.py checks both, because the engine does not).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

NOTHING_SHARED = "Not applicable: nothing is shared"
A6_CONSENT = "Article 6(1)(a) consent"
A6_LEGAL = "Article 6(1)(c) legal obligation"
A6_PUBLIC_TASK = "Article 6(1)(e) public task (DPA 2018 s.8)"
A6_VITAL = "Article 6(1)(d) vital interests"
A6_RLI_SAFEGUARDING = ("Article 6(1)(ea) recognised legitimate interest: Annex 1 para 6 "
                       "(safeguarding a vulnerable individual)")
A6_LEGITIMATE_INTERESTS = "Article 6(1)(f) legitimate interests"
A9_EXPLICIT_CONSENT = "Article 9(2)(a) explicit consent"
A9_PUBLIC_INTEREST = "Article 9(2)(g) substantial public interest"
A9_LEGAL_CLAIMS = "Article 9(2)(f) legal claims"
SCH1_18 = "DPA 2018 Sch 1 para 18 (safeguarding of children and of individuals at risk)"
SCH1_10 = "DPA 2018 Sch 1 para 10 (preventing or detecting unlawful acts)"
SCH1_6 = "DPA 2018 Sch 1 para 6 (statutory and government purposes)"
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
CL_NONE_CONFIDENTIAL = "None: confidential information needs consent, a legal requirement or an overriding public interest"

SAFEGUARDING_PURPOSES = '("s17", "s47", "early_help", "mash")'
# A law or court order requires sharing; once commenced, so does the s.16LA duty for safeguarding purposes.
REQUIRED_BY_LAW = f"legal_obligation or (duty_to_share_in_force and purpose in {SAFEGUARDING_PURPOSES})"

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
        "sharing_decision", "May the information be shared, and what answers the duty of confidence?",
        "Decide whether sharing is lawful",
        [("Child in immediate danger?", "immediate_danger"),
         ("Required by law or a court order?", "legal_obligation"),
         ("s.16LA duty to share applies?", f"duty_to_share_in_force and purpose in {SAFEGUARDING_PURPOSES}"),
         ("Consent given?", 'consent_result == "given"'),
         ("Consent refused or withdrawn?", 'consent_result in ("refused", "withdrawn")'),
         ("Risk of significant harm or overriding public interest?",
          "risk_of_significant_harm or overriding_public_interest"),
         ("Given in confidence?", "confidential")],
        [("may_share", "May share"), ("common_law_justification", "Common-law duty of confidence")],
        [
            ([T, ANY, ANY, ANY, ANY, ANY, ANY], [True, CL_EMERGENCY], "Emergency: share at once"),
            ([F, T, ANY, ANY, ANY, ANY, ANY], [True, CL_LEGAL], "A law or court order requires it"),
            ([F, F, T, ANY, ANY, ANY, ANY], [True, CL_S16LA], "Only once s.16LA is commenced (switch)"),
            ([F, F, F, T, ANY, ANY, ANY], [True, CL_CONSENT], "Consent given"),
            ([F, F, F, F, ANY, T, ANY], [True, CL_PUBLIC_INTEREST], "Share without consent, recording why"),
            ([F, F, F, F, T, F, ANY], [False, CL_NONE_REFUSED], "Do not share; set a review date"),
            ([F, F, F, F, F, F, F], [True, CL_NOT_CONFIDENTIAL], "Consent not sought; nothing confidential"),
            ([F, F, F, F, F, F, T], [False, CL_NONE_CONFIDENTIAL], "Seek consent, or do not share"),
        ],
    ),
    Table(
        "article6_basis", "Article 6 lawful basis", "Choose the Article 6 basis",
        [("May share?", "may_share"), ("Required by law (including s.16LA once in force)?", REQUIRED_BY_LAW),
         ("Sharing as a public authority?", "public_authority"), ("Child in immediate danger?", "immediate_danger"),
         ("Consent given?", 'consent_result == "given"'), ("Child or adult at risk?", "subject_at_risk")],
        [("article6_basis", "Article 6 basis")],
        [
            ([F, ANY, ANY, ANY, ANY, ANY], [NOTHING_SHARED], ""),
            ([T, T, ANY, ANY, ANY, ANY], [A6_LEGAL], ""),
            ([T, F, T, ANY, ANY, ANY], [A6_PUBLIC_TASK], "Public bodies use public task, even with consent"),
            ([T, F, F, F, T, ANY], [A6_CONSENT], "Not a public body: consent given"),
            ([T, F, F, T, ANY, T], [A6_RLI_SAFEGUARDING], "Not a public body: a child or adult at risk, in danger"),
            ([T, F, F, F, F, T], [A6_RLI_SAFEGUARDING], "Not a public body: safeguarding"),
            ([T, F, F, T, ANY, F], [A6_VITAL], "Not a public body: someone else's life in danger"),
            ([T, F, F, F, F, F], [A6_LEGITIMATE_INTERESTS], "Not a public body"),
        ],
    ),
    Table(
        "article9_condition", "Article 9 condition for special category data", "Choose the Article 9 condition",
        [("May share?", "may_share"), ("Special category data?", "special_category"),
         ("Consent given?", 'consent_result == "given"'), ("Child or adult at risk?", "subject_at_risk"),
         ("Purpose", "purpose")],
        [("article9_condition", "Article 9 condition"), ("schedule1_paragraph", "Schedule 1 paragraph")],
        [
            ([F, ANY, ANY, ANY, ANY], [NOTHING_SHARED, ""], ""),
            ([T, F, ANY, ANY, ANY], ["Not applicable: no special category data", ""], ""),
            ([T, T, T, ANY, ANY], [A9_EXPLICIT_CONSENT, ""], ""),
            ([T, T, F, T, ANY], [A9_PUBLIC_INTEREST, SCH1_18], "Appropriate policy document required"),
            ([T, T, F, F, '"police_investigation"'], [A9_PUBLIC_INTEREST, SCH1_10], ""),
            ([T, T, F, F, '"court"'], [A9_LEGAL_CLAIMS, ""], ""),
            ([T, T, F, F, '? not in ("police_investigation", "court")'], [A9_PUBLIC_INTEREST, SCH1_6], ""),
        ],
    ),
    Table(
        "article10_condition", "Article 10 condition for criminal offence data", "Choose the Article 10 condition",
        [("May share?", "may_share"), ("Criminal offence data?", "criminal_offence_data"),
         ("Consent given?", 'consent_result == "given"'), ("Child or adult at risk?", "subject_at_risk"),
         ("Child in immediate danger?", "immediate_danger")],
        [("article10_condition", "Article 10 condition")],
        [
            ([F, ANY, ANY, ANY, ANY], [NOTHING_SHARED], ""),
            ([T, F, ANY, ANY, ANY], ["Not applicable: no criminal offence data"], ""),
            ([T, T, T, ANY, ANY], [A10_CONSENT], ""),
            ([T, T, F, T, ANY], [A10_SAFEGUARDING], ""),
            ([T, T, F, F, T], [A10_VITAL], ""),
            ([T, T, F, F, F], [A10_CRIME], ""),
        ],
    ),
    Table(
        "exemption", "Exemption (never a lawful basis)", "Check for an exemption",
        [("May share?", "may_share"), ("Police investigation?", 'purpose == "police_investigation"'),
         ("Required by law (including s.16LA once in force)?", REQUIRED_BY_LAW)],
        [("exemption", "Exemption")],
        [
            ([F, ANY, ANY], [NO_EXEMPTION], ""),
            ([T, T, ANY], [EX_CRIME], ""),
            ([T, F, T], [EX_REQUIRED_BY_LAW], ""),
            ([T, F, F], [NO_EXEMPTION], ""),
        ],
    ),
]


def _literal(value: object) -> str:
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
