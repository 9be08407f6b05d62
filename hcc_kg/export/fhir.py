"""FHIR R5 export: a Bundle (type collection) of Evidence, EvidenceVariable, Citation and Composition.

Guideline platforms and EBM tools read HL7 FHIR's Evidence-Based Medicine resources, not Turtle. Each
finding becomes one ``Evidence`` whose variable definitions (population, exposure, reference exposure,
measured variable) point at ``EvidenceVariable`` resources; each source document and each cited
publication the findings use becomes a ``Citation``; saved questions that read as a summary of
findings become Compositions (``fhir_sof``). Every resource is validated by the ``fhir.resources`` R5
models as the bundle is built.

Numbers are the graph's own (Decimal, written as JSON numbers digit for digit); none is computed.
What FHIR has no element for goes in our extensions (``fhir_elements.EXT``, listed in the README) or
in notes. Ids come from curated ids (``Evidence/f004-he2019-os``; ``fhir_id`` maps other characters).
Bytes are stable: fixed resource order, the models' fixed key order, and no timestamp unless one is
given (then it is ``Bundle.timestamp`` and the Compositions' date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from hcc_kg.errors import HccKgError
from hcc_kg.export.fhir_elements import (
    ATTRIBUTE_TYPE,
    BASE,
    CERTAINTY_TYPE,
    CLASSIFICATION_TYPE,
    COMPARATORS,
    CONFIDENCE_INTERVAL,
    DOI,
    MODEL_CODE,
    P_VALUE,
    RANGE_TYPES,
    ROLE_DISPLAY,
    SEVCO,
    STANDARD_DEVIATION,
    STUDY_DESIGN,
    TITLE_TYPE,
    VARIABLE_ROLE,
    clean,
    concept,
    extension,
    fhir_id,
    language,
    printed_json,
    quantity,
    reference,
    statistic_type,
    translated,
)
from hcc_kg.export.selection import Selection
from hcc_kg.namespaces import HCC, ID, RDF, iri, value

if TYPE_CHECKING:
    from hcc_kg.api import KnowledgeGraph
    from hcc_kg.query.evidence import ArmView, Finding, Reference, SourceDocument
    from hcc_kg.terms import TermIndex

__all__ = ["fhir_id", "write"]

_INSTANT_ZONE = re.compile(r".*T.*(Z|[+-]\d\d:\d\d)")


def write(kg: KnowledgeGraph, selection: Selection) -> bytes:
    """The selection's findings as a FHIR R5 JSON Bundle (stable bytes)."""
    from pydantic import ValidationError

    if selection.part != "all":
        raise HccKgError("--part is for the RDF formats; a FHIR bundle holds findings "
                         "(choose them with --therapy, --population, --endpoint, --source or --construct)")
    stamp = _timestamp(selection.timestamp)
    try:
        return _bundle_json(kg, _finding_iris(kg, selection), stamp)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise HccKgError(f"FHIR export: {exc.title} {where}: {first.get('msg')}") from None


def _timestamp(timestamp: str | None) -> str | None:
    if not timestamp:
        return None
    from hcc_kg.export.subset import with_timestamp

    with_timestamp([], timestamp)  # the RDF formats' check: an xsd:dateTime
    if not _INSTANT_ZONE.fullmatch(timestamp):
        raise HccKgError(f"--timestamp {timestamp!r} needs a time zone for FHIR (an instant), "
                         "e.g. 2026-12-02T10:00:00Z")
    return timestamp


def _finding_iris(kg: KnowledgeGraph, selection: Selection) -> list[str]:
    if selection.construct:
        triples = kg.construct(selection.construct).triples
        return sorted({value(t.subject) for t in triples
                       if t.predicate.value == RDF + "type" and value(t.object) == HCC + "Finding"})
    return kg.subset_findings(selection)


def _bundle_json(kg: KnowledgeGraph, finding_iris: list[str], stamp: str | None) -> bytes:
    from fhir.resources import get_fhir_model_class
    from fhir.resources.bundle import Bundle

    from hcc_kg.export.fhir_sof import summaries

    findings = kg.findings(finding_iris)
    resources = _Resources(kg.terms, {f.id for f in findings})
    evidence = [resources.evidence(f) for f in findings]
    ordered = summaries(kg, findings, stamp) + evidence \
        + sorted(resources.variables.values(), key=lambda r: r["id"]) \
        + sorted(resources.citations.values(), key=lambda r: r["id"])
    entries = [{"fullUrl": f"{BASE}{r['resourceType']}/{r['id']}",
                "resource": get_fhir_model_class(r["resourceType"]).model_validate(r)} for r in ordered]
    bundle = Bundle.model_validate({"resourceType": "Bundle", "type": "collection", "timestamp": stamp,
                                    "entry": entries or None})
    given = {"entry": [{"resource": r} for r in ordered]}  # the printed decimals, before the models' floats
    dumped = bundle.model_dump(mode="json", exclude_none=True)
    return printed_json(dumped, given).encode("utf-8") + b"\n"


@dataclass
class _Resources:
    """The resources a bundle's findings point at, each gathered once by id."""

    terms: TermIndex
    finding_ids: set[str]
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    citations: dict[str, dict[str, Any]] = field(default_factory=dict)

    def evidence(self, f: Finding) -> dict[str, Any]:
        """One finding as an Evidence resource."""
        extensions = [extension("direction", valueCode=f.direction) if f.direction else None]
        if f.significant is not None:
            extensions.append(extension("significant", valueBoolean=f.significant))
        if f.favours is not None:
            extensions.append(extension("favours", valueCode=f.favours))
        if f.tested is not None:
            extensions.append(extension("tested", valueBoolean=f.tested))
        extensions += [extension("conflicts-with", valueReference=reference("Evidence", fhir_id(other)))
                       for other in f.conflicts_with if other in self.finding_ids]
        certainty = None
        if f.certainty:  # only a grade the source states for this finding
            system = f" ({f.certainty_system})" if f.certainty_system else ""
            certainty = [{"description": f"As stated by the source{system}",
                          "type": concept(CERTAINTY_TYPE, "Overall", "Overall certainty"),
                          "rating": {"text": f.certainty}}]
        return clean({
            "resourceType": "Evidence", "id": fhir_id(f.id), "extension": extensions, "url": f.iri,
            "identifier": [{"system": ID + "finding/", "value": f.id}], "title": f.label, "status": "active",
            "relatedArtifact": self._related(f), "note": _notes(f),
            "variableDefinition": self._variable_definitions(f),
            "studyDesign": [self._design(term) for term, _ in f.designs],
            "statistic": statistics(f), "certainty": certainty,
        })

    # -- variables --------------------------------------------------------------------------------

    def _variable_definitions(self, f: Finding) -> list[dict[str, Any]]:
        out = []
        if f.population_iri:
            out.append(_definition("population", self._population(f), f.subgroup))
        if f.arm is not None:
            out.append(_definition("exposure", self._arm(f.arm)))
        elif f.factor:
            out.append(_definition("exposure", self._term_variable("factor", f.factor), "prognostic factor"))
        if f.comparator is not None:
            out.append(_definition("referenceExposure", self._arm(f.comparator)))
        detail = [f.outcome_detail, f"at {f.timepoint}" if f.timepoint else None,
                  f"assessed by {self._label(f.response_criteria)}" if f.response_criteria else None]
        out.append(_definition("measuredVariable", self._term_variable("endpoint", f.endpoint),
                               "; ".join(d for d in detail if d) or None))
        return out

    def _add_variable(self, resource: dict[str, Any]) -> str:
        self.variables.setdefault(resource["id"], clean(resource))
        return str(resource["id"])

    def _population(self, f: Finding) -> str:
        owner = (f.population_iri or "")[len(ID):].rsplit("/population", 1)[0].replace("/", "-")
        characteristic: list[dict[str, Any]] = [
            {"description": self._label(t), "definitionCodeableConcept": self._term_concept(t)}
            for t in f.criteria]
        characteristic += [{"description": self._label(t), "definitionCodeableConcept": self._term_concept(t),
                            "exclude": True} for t in f.excluded]
        if f.any_of:
            members = [{"description": self._label(t), "definitionCodeableConcept": self._term_concept(t)}
                       for t in f.any_of]
            characteristic.append({"description": " or ".join(self._label(t) for t in f.any_of),
                                   "definitionByCombination": {"code": "any-of", "characteristic": members}})
        if f.disease and f.disease not in f.criteria:
            characteristic.append({"description": f"disease: {self._label(f.disease)}",
                                   "definitionCodeableConcept": self._term_concept(f.disease)})
        who = "survey respondents (clinicians), not patients" if f.subjects == "clinicians" else None
        return self._add_variable({"resourceType": "EvidenceVariable", "id": fhir_id(f"population-{owner}"),
                                   "url": f.population_iri, "title": f.population, "status": "active",
                                   "description": who, "characteristic": characteristic})

    def _arm(self, arm: ArmView) -> str:
        regimen = None
        if arm.regimen_iri and arm.regimen:
            slug = arm.regimen_iri[len(ID + "regimen/"):]
            regimen = {"description": arm.regimen, "_description": translated(arm.regimen_zh),
                       "definitionCodeableConcept": concept(ID + "regimen/", slug, arm.regimen, arm.regimen)}
        return self._add_variable({"resourceType": "EvidenceVariable", "id": fhir_id(f"arm-{arm.id}"),
                                   "url": iri("arm", arm.id).value,
                                   "identifier": [{"system": ID + "arm/", "value": arm.id}],
                                   "title": arm.label, "status": "active", "characteristic": [regimen]})

    def _term_variable(self, kind: str, term: str) -> str:
        return self._add_variable({"resourceType": "EvidenceVariable", "id": fhir_id(f"{kind}-{term}"),
                                   "url": HCC + term, "title": self._label(term),
                                   "_title": translated(self._label(term, "zh")), "status": "active",
                                   "characteristic": [
                                       {"definitionCodeableConcept": self._term_concept(term)}]})

    def _label(self, term: str | None, lang: str = "en") -> str:
        found = self.terms.terms.get(term or "")
        if found is None:
            return term or ""
        return found.labels.get(lang) or (found.label if lang == "en" else "")

    def _term_concept(self, term: str) -> dict[str, Any]:
        return concept(HCC, term, self._label(term), self._label(term))

    def _design(self, term: str) -> dict[str, Any]:
        design = self._term_concept(term)
        if term in SEVCO:
            code, display = SEVCO[term]
            design["coding"].append({"system": STUDY_DESIGN, "code": code, "display": display})
        return design

    # -- provenance -------------------------------------------------------------------------------

    def _related(self, f: Finding) -> list[dict[str, Any]]:
        """The study (a logical ResearchStudy reference), the source document and the cited publication."""
        registry = f" ({f.registry_id})" if f.registry_id else ""
        study = {"type": "ResearchStudy", "display": f.study_label,
                 "identifier": {"system": ID + "study/", "value": f.study_id}}
        out: list[dict[str, Any]] = [{"type": "derived-from", "label": "study",
                                      "display": f"{f.study_label or f.study_id}{registry}",
                                      "resourceReference": study}]
        if f.source_document is not None:
            out.append({"type": "derived-from", "label": "source document", "display": f.source_title,
                        "resourceReference": reference("Citation", self._source(f.source_document),
                                                       f.source_title)})
        if f.reference is not None:
            number = f.reference.number
            cited = self._reference(f.reference, f.source_document)
            out.append({"type": "cites", "label": f"reference [{number}]" if number else "reference",
                        "display": f.reference.label,
                        "resourceReference": reference("Citation", cited, f.reference.label)})
        return out

    def _source(self, doc: SourceDocument) -> str:
        resource_id = fhir_id(f"source-{doc.id}")
        if resource_id in self.citations:
            return resource_id
        primary = concept(TITLE_TYPE, "primary", "Primary title")
        titles = [{"type": [primary], "language": language(doc.language), "text": doc.title}] \
            if doc.title else []
        if doc.title_en and doc.title_en != doc.title:
            titles.append({"type": [concept(TITLE_TYPE, "language", "Different language")],
                           "language": language("en"), "text": doc.title_en})
        artifact = _artifact(doc.doi, titles, doc.journal, doc.year, doc.authors)
        if doc.kind:
            kind = concept(CLASSIFICATION_TYPE, "publication-type", "Publication type")
            artifact["classification"] = [{"type": kind, "classifier": [{"text": doc.kind}]}]
        if doc.file:
            artifact["note"] = [{"text": f"Curated from the text file {doc.file}"}]
        self.citations[resource_id] = clean({
            "resourceType": "Citation", "id": resource_id, "url": doc.iri,
            "identifier": [{"system": ID + "source/", "value": doc.id}], "title": doc.title,
            "status": "active", "citedArtifact": artifact})
        return resource_id

    def _reference(self, ref: Reference, source: SourceDocument | None) -> str:
        local = ref.iri[len(ID + "ref/"):] if ref.iri.startswith(ID + "ref/") else ref.iri
        resource_id = fhir_id(f"ref-{local}")
        if resource_id in self.citations:
            return resource_id
        titles = [{"type": [concept(TITLE_TYPE, "primary", "Primary title")], "text": ref.title}] \
            if ref.title else []
        artifact = _artifact(ref.doi, titles, ref.journal, ref.year, ref.authors)
        if source is not None:
            citing = reference("Citation", fhir_id(f"source-{source.id}"))
            artifact["relatesTo"] = [{"type": "cited-by", "resourceReference": citing,
                                      "label": f"reference [{ref.number}]" if ref.number else None}]
        self.citations[resource_id] = clean({
            "resourceType": "Citation", "id": resource_id, "url": ref.iri,
            "identifier": [{"system": ID + "ref/", "value": local}], "title": ref.title or ref.label,
            "status": "active", "summary": [{"text": ref.text}] if ref.text else None,
            "citedArtifact": artifact})
        return resource_id


def _definition(role: str, variable_id: str, description: str | None = None) -> dict[str, Any]:
    return {"description": description, "variableRole": concept(VARIABLE_ROLE, role, ROLE_DISPLAY[role]),
            "observed": reference("EvidenceVariable", variable_id)}


def _artifact(doi: str | None, titles: list[dict[str, Any]], journal: str | None, year: int | None,
              authors: str | None) -> dict[str, Any]:
    """A Citation's cited artifact: DOI, titles, where and when published, the authors as printed."""
    published = {"publishedIn": {"title": journal} if journal else None,
                 "publicationDateText": str(year) if year else None}
    return {"identifier": [{"system": DOI, "value": doi}] if doi else None, "title": titles,
            "webLocation": [{"url": f"https://doi.org/{doi}"}] if doi else None,
            "publicationForm": [published] if journal or year else None,
            "contributorship": {"summary": [{"value": authors}]} if authors else None}


def _notes(f: Finding) -> list[dict[str, Any]]:
    """Verbatim quotes (marked, with their language), the curator's note, the conflict note, open flags."""
    notes = [{"extension": [extension("verbatim-quote", valueCode=lang or "und")], "text": text}
             for text, lang in f.quotes]
    if f.note:
        notes.append({"text": f.note})
    if f.conflict_note:
        notes.append({"extension": [extension("conflict-note", valueBoolean=True)], "text": f.conflict_note})
    for mark in f.flags:  # open plausibility flags: confirmed (the source is wrong) or unreviewed
        confirmed = mark.status == "confirmed"
        what = "confirmed: the source's numbers are inconsistent" if confirmed else "unreviewed"
        notes.append({"extension": [extension("plausibility-flag", valueCode=mark.status)],
                      "text": f"Plausibility flag {mark.rule} ({mark.flag}), {what}; see hcc-kg check"})
    return notes


# -- statistics -----------------------------------------------------------------------------------

def statistics(f: Finding) -> list[dict[str, Any]]:
    """The finding's numbers as Evidence statistics, each as stated.

    The arm's value and the comparator's value (each marked with its group), then the hazard ratio.
    The CI goes with its estimate (the HR when there is one, else the value); the p-value and the
    analysis go with the ratio estimate, else with a comparison statistic when the finding compares
    two groups, else with the value.
    """
    comparative = (f.comparator_value is not None or f.comparator is not None
                   or f.comparator_status is not None or f.comparator_group is not None)
    cohort = _cohort_size(f)
    stats: list[dict[str, Any]] = []

    def add(statistic: dict[str, Any]) -> dict[str, Any]:
        stats.append(statistic)
        return statistic

    main = None
    if (f.value is not None or f.value_note or f.value_status or f.count is not None
            or f.range_low is not None):
        size = f.arm.size if f.arm is not None else (None if comparative else cohort)
        main = add(_group_statistic(f.statistic, f.value, f.unit, f.value_relation, f.value_note,
                                    "exposure" if comparative else None, f.arm, size,
                                    _Side(f.value_status, f.count, f.denominator, f.sd, f.range_low,
                                          f.range_high, f.range_kind, None, None, None,
                                          f.group.label if f.group else None)))
    if f.comparator_value is not None or f.comparator_status or f.comparator_count is not None \
            or f.comparator_range_low is not None:
        add(_group_statistic(f.statistic, f.comparator_value, f.unit, None, None, "referenceExposure",
                             f.comparator, f.comparator.size if f.comparator else None,
                             _Side(f.comparator_status, f.comparator_count, f.comparator_denominator,
                                   f.comparator_sd, f.comparator_range_low, f.comparator_range_high,
                                   f.range_kind, f.comparator_ci_low, f.comparator_ci_high, f.ci_level,
                                   f.comparator_group.label if f.comparator_group else None)))
    ratio = main if f.is_ratio and f.hazard_ratio is None else None
    if f.hazard_ratio is not None:
        ratio = add({"statisticType": statistic_type("hazard-ratio"),
                     "quantity": quantity(f.hazard_ratio, None),
                     "sampleSize": _size(None if f.arm or f.comparator else cohort)})
    if f.ci_low is not None and f.ci_high is not None:
        target = (ratio if f.hazard_ratio is not None else main) \
            or add({"statisticType": statistic_type(f.statistic)})
        unit = None if f.hazard_ratio is not None else f.unit
        level = f"{f.ci_level}% " if f.ci_level is not None else ""
        target.setdefault("attributeEstimate", []).append({
            "description": f"{level}confidence interval",
            "type": concept(ATTRIBUTE_TYPE, *CONFIDENCE_INTERVAL), "level": f.ci_level,
            "range": {"low": quantity(f.ci_low, unit), "high": quantity(f.ci_high, unit)}})
    if f.p_text or f.analysis:
        if ratio is not None:
            test = ratio
        elif comparative:
            arms = " vs ".join(a.label for a in (f.arm, f.comparator) if a is not None and a.label)
            test = add({"description": f"comparison of {arms or f.subgroup or 'the two groups'}"})
        else:
            test = main or add({"statisticType": statistic_type(f.statistic)})
        if f.p_text and f.p_value is not None:
            test.setdefault("attributeEstimate", []).append({
                "description": f.p_text, "type": concept(ATTRIBUTE_TYPE, *P_VALUE),
                "quantity": quantity(f.p_value, None, f.p_relation)})
        if f.analysis == "multivariate":
            test["modelCharacteristic"] = [{"code": concept(MODEL_CODE, "adjusted", "Adjusted analysis",
                                                            "multivariate analysis")}]
        elif f.analysis:
            test["modelCharacteristic"] = [{"code": {"text": f"{f.analysis} analysis"}}]
    return stats


@dataclass(frozen=True)
class _Side:
    """What one side of a finding prints besides its value: status, n/N, SD, range, its own CI, its group."""

    status: str | None = None
    count: int | None = None
    denominator: int | None = None
    sd: Decimal | None = None
    range_low: Decimal | None = None
    range_high: Decimal | None = None
    range_kind: str | None = None
    ci_low: Decimal | None = None
    ci_high: Decimal | None = None
    ci_level: int | Decimal | None = None
    group: str | None = None


def _group_statistic(statistic: str, number: Decimal | None, unit: str | None, relation: str | None,
                     note: str | None, group: str | None, arm: ArmView | None,
                     size: int | None, detail: _Side | None = None) -> dict[str, Any]:
    """One group's (or the whole cohort's) value; ``group`` says which side of a comparison it is.

    A status printed instead of a number ("not reached") is a note with no quantity; the printed n is
    ``numberOfEvents`` and the printed N ``sampleSize.numberOfParticipants``; SD, range or IQR and the
    side's own CI are attribute estimates.
    """
    d = detail or _Side()
    side = {"system": VARIABLE_ROLE, "code": group}
    marks = [extension("statistic-group", valueCoding=side)] if group else []
    notes = [{"text": note}] if note else []
    if d.status:
        notes.append({"text": d.status.replace("-", " ")})
    if relation and relation not in COMPARATORS and relation != "=":
        notes.append({"text": f"value relation as stated: {relation}"})
    estimates: list[dict[str, Any]] = []
    if d.sd is not None:
        estimates.append({"description": "standard deviation",
                          "type": concept(ATTRIBUTE_TYPE, *STANDARD_DEVIATION),
                          "quantity": quantity(d.sd, unit)})
    if d.range_low is not None and d.range_high is not None and d.range_kind in RANGE_TYPES:
        code, display = RANGE_TYPES[d.range_kind]
        estimates.append({"description": "span as printed (no single value)" if d.range_kind == "span"
                          else display.lower(), "type": concept(ATTRIBUTE_TYPE, code, display),
                          "range": {"low": quantity(d.range_low, unit),
                                    "high": quantity(d.range_high, unit)}})
    if d.ci_low is not None and d.ci_high is not None:
        level = f"{d.ci_level}% " if d.ci_level is not None else ""
        estimates.append({"description": f"{level}confidence interval",
                          "type": concept(ATTRIBUTE_TYPE, *CONFIDENCE_INTERVAL), "level": d.ci_level,
                          "range": {"low": quantity(d.ci_low, unit), "high": quantity(d.ci_high, unit)}})
    return {"extension": marks, "description": arm.label if arm else d.group, "note": notes,
            "statisticType": statistic_type(statistic),
            "quantity": quantity(number, unit, relation) if number is not None else None,
            "numberOfEvents": d.count,
            "sampleSize": _size(d.denominator if d.denominator is not None else size),
            "attributeEstimate": estimates}


def _size(participants: int | None) -> dict[str, Any] | None:
    return {"numberOfParticipants": participants} if participants is not None else None


def _cohort_size(f: Finding) -> int | None:
    """The study's size, when the finding is about the study's own population as a whole."""
    own = f.population_iri in (None, iri("study", f.study_id).value + "/population")
    return f.study_size if own and not f.subgroup else None
