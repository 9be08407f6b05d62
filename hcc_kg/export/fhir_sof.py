"""Saved questions as summary-of-findings Compositions, with the EBM implementation guide's codes.

The EBM IG's SummaryOfFindings profile (of Composition) has a category with the text "Summary of
Findings", a "Column-Headers" section, and one section per outcome entry whose focus is the outcome's
EvidenceVariable and whose sub-sections, coded from R5's evidence-report-section code system, point
at the Evidence. Our saved questions answer one row per finding (an intervention against a
comparator on one outcome), so each row becomes one outcome entry. The profile is followed, not
claimed: no ``meta.profile`` is set, since its OutcomeDefinition profile is not checked here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from hcc_kg.export.fhir_elements import (
    BASE,
    DATA_ABSENT,
    SECTION,
    clean,
    concept,
    fhir_id,
    narrative,
    reference,
)

if TYPE_CHECKING:
    from hcc_kg.api import KnowledgeGraph
    from hcc_kg.query.evidence import Finding

SOF_QUERIES = ("01_haic_combinations_os_pvi", "02_evidence_table", "08_randomised_evidence")
"""Saved questions whose rows (one per finding, intervention against comparator) read as a summary
of findings; each becomes a Composition when every finding it lists is in the bundle."""

CATEGORY = "Summary of Findings"
ENTRY = "Summary of findings entry for a single outcome"
COLUMNS = (("Outcome", "EvidenceVariable-outcome",
            "Evidence Variable in variable role Outcome (MeasuredVariable)"),
           ("Sample size", "SampleSize", "Sample Size"),
           ("Result with intervention alone", "Intervention-group-alone-Evidence",
            "Evidence Results for the intervention exposure only"),
           ("Intervention vs comparator", "Intervention-vs-Control-Evidence",
            "Evidence Results for comparison of Intervention and Control"))
_DISPLAY = {code: display for _, code, display in COLUMNS}


def summaries(kg: KnowledgeGraph, findings: list[Finding], stamp: str | None) -> list[dict[str, Any]]:
    """The Compositions of the saved questions whose every finding the bundle holds."""
    return [c for name in SOF_QUERIES if (c := summary_of_findings(kg, name, findings, stamp)) is not None]


def summary_of_findings(kg: KnowledgeGraph, name: str, findings: Iterable[Finding],
                        stamp: str | None) -> dict[str, Any] | None:
    """A saved question's answer as a Composition; None when it lists no finding or one not in the bundle.

    A subset bundle so never carries a partial answer. The date is the timestamp when one is given,
    else absent with the standard data-absent-reason (Composition.date is required; bytes stay stable).
    """
    query = kg.saved(name)
    by_id = {f.id: f for f in findings}
    ids = list(dict.fromkeys(i for i in kg.select(query).column("finding") if i))
    if not ids or any(i not in by_id for i in ids):
        return None
    defaults = ", ".join(f"{p.name} = {p.default}" for p in query.params if p.default)
    headers = {"title": "Column headers", "code": concept(SECTION, "Column-Headers", "Column Headers"),
               "section": [{"title": title, "code": concept(SECTION, code, display), "text": narrative(title)}
                           for title, code, display in COLUMNS]}
    absent = {"extension": [{"url": DATA_ABSENT, "valueCode": "unknown"}]}
    return clean({
        "resourceType": "Composition", "id": fhir_id(f"sof-{name}"),
        "identifier": [{"system": BASE + "saved-query/", "value": name}], "status": "final",
        "type": {"text": CATEGORY}, "category": [{"text": CATEGORY}],
        "date": stamp, "_date": None if stamp else absent,
        "author": [{"display": "hcc-kg"}], "title": query.summary,
        "note": [{"text": f"The answer of the saved query {name}" + (f" ({defaults})" if defaults else "")
                  + ", one entry per finding."}],
        "section": [headers] + [_outcome_entry(by_id[i]) for i in ids],
    })


def _section(code: str) -> dict[str, Any]:
    return concept(SECTION, code, _DISPLAY[code])


def _outcome_entry(f: Finding) -> dict[str, Any]:
    endpoint = fhir_id(f"endpoint-{f.endpoint}")
    arms = [a for a in (f.arm, f.comparator) if a is not None]
    sizes = "; ".join(f"{a.label}: {a.size}" for a in arms if a.size is not None)
    if not sizes and f.study_size is not None:
        sizes = f"study: {f.study_size}"
    comparative = f.comparator is not None or f.comparator_value is not None
    result = "Intervention-vs-Control-Evidence" if comparative else "Intervention-group-alone-Evidence"
    title = " - ".join(x for x in (" vs ".join(a.label for a in arms if a.label), f.study_label) if x)
    return {
        "title": title or f.id, "code": {"text": ENTRY},
        "focus": reference("EvidenceVariable", endpoint, f.endpoint_label),
        "section": [{"code": _section("EvidenceVariable-outcome"),
                     "entry": [reference("EvidenceVariable", endpoint, f.endpoint_label)]},
                    {"code": _section("SampleSize"), "text": narrative(sizes)} if sizes else None,
                    {"code": _section(result), "entry": [reference("Evidence", fhir_id(f.id), f.label)]}],
    }
