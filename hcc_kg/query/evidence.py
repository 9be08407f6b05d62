"""Findings as typed records read back from the graph, for views and exports that need every detail.

A saved query answers a question with a few columns; a summary-of-findings table, a forest plot or a
FHIR Evidence resource needs the whole finding: its arms with their sizes, its study's design, the
cited publication, the verbatim quotes, the recorded conflicts. ``load_findings`` reads those with the
library's ``node_properties.rq`` (a few round trips, whichever backend), never from the YAML.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from hcc_kg.namespaces import BIBO, DCTERMS, HCC, ID, RDF, RDFS
from hcc_kg.query.flagged import FlagMark, open_flags

if TYPE_CHECKING:
    from hcc_kg.api import KnowledgeGraph

FINDING = ID + "finding/"
MAX_NODES_PER_QUERY = 2_000

# the properties followed from a finding to the nodes a reader needs, hop by hop
_FOLLOW = {HCC + p for p in ("study", "exposure", "referenceExposure", "population", "citedReference",
                             "measuredVariable", "prognosticFactor", "responseCriteria", "regimen", "design",
                             "includesCriterion", "excludesCriterion", "group", "comparatorGroup", "site",
                             "disease", "anyOfCriterion", "correlatedWith")} | {DCTERMS + "source"}


class Node:
    """One subject's properties as SPARQL JSON bindings, by property IRI."""

    def __init__(self, iri: str) -> None:
        self.iri = iri
        self.values: dict[str, list[dict[str, str]]] = {}

    def all(self, prop: str) -> list[str]:
        """Every value of a property (IRIs or lexical forms), sorted for stable output."""
        return sorted(v["value"] for v in self.values.get(prop, []))

    def first(self, prop: str) -> str | None:
        """The value of a single-valued property, or None."""
        values = self.all(prop)
        return values[0] if values else None

    def label(self, lang: str = "en") -> str | None:
        """The rdfs:label in ``lang`` (else any label)."""
        labels = self.values.get(RDFS + "label", [])
        chosen = ([v["value"] for v in labels if v.get("xml:lang") == lang]
                  or sorted(v["value"] for v in labels))
        return chosen[0] if chosen else None

    def tagged(self, prop: str) -> list[tuple[str, str]]:
        """Language-tagged values as (text, language)."""
        return sorted((v["value"], v.get("xml:lang", "")) for v in self.values.get(prop, []))


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None


def _local(iri: str | None, base: str) -> str | None:
    return iri[len(base):] if iri and iri.startswith(base) else iri


def _printed(node: Node, prop: str) -> Decimal | None:
    """A decimal in its printed form (``hcc:<prop>Printed``: "3.0" stays 3.0), else the graph's decimal."""
    return _decimal(node.first(HCC + prop + "Printed") or node.first(HCC + prop))


def _integer(node: Node, prop: str) -> int | None:
    text = node.first(HCC + prop)
    return int(Decimal(text)) if text not in (None, "") else None


@dataclass(frozen=True)
class GroupView:
    """The level of a grouping factor a value describes (criteria present, criteria absent)."""

    iri: str
    label: str | None
    includes: tuple[str, ...]
    excludes: tuple[str, ...]


def _group(nodes: dict[str, Node], iri: str | None) -> GroupView | None:
    if iri is None:
        return None
    group = nodes.get(iri, Node(iri))
    includes = tuple(_local(c, HCC) or c for c in group.all(HCC + "includesCriterion"))
    return GroupView(iri, group.label(), includes,
                     tuple(_local(c, HCC) or c for c in group.all(HCC + "excludesCriterion")))


@dataclass(frozen=True)
class ArmView:
    """An arm as a finding's reader sees it."""

    id: str
    label: str | None
    size: int | None
    regimen: str | None
    regimen_zh: str | None
    regimen_iri: str | None = None


@dataclass(frozen=True)
class Reference:
    """A cited publication as the source's reference list gives it."""

    iri: str
    number: int | None
    label: str | None
    authors: str | None
    title: str | None
    journal: str | None
    year: int | None
    doi: str | None
    text: str | None = None
    """The reference as the source's list prints it (dcterms:bibliographicCitation)."""


@dataclass(frozen=True)
class SourceDocument:
    """A curated source document with its bibliographic details, as the graph holds them."""

    iri: str
    id: str
    title: str | None
    title_en: str | None
    authors: str | None
    journal: str | None
    year: int | None
    doi: str | None
    file: str | None
    language: str | None
    kind: str | None


@dataclass(frozen=True)
class Finding:
    """Everything the graph says about one finding, with the records it points at resolved."""

    id: str
    iri: str
    label: str | None
    study_id: str
    study_label: str | None
    study_size: int | None
    designs: tuple[tuple[str, str], ...]
    """(term id, English label) of each design term of the study."""
    registry_id: str | None
    arm: ArmView | None
    comparator: ArmView | None
    population: str | None
    criteria: tuple[str, ...]
    endpoint: str
    endpoint_label: str | None
    statistic: str
    timepoint: str | None
    outcome_detail: str | None
    subgroup: str | None
    analysis: str | None
    value: Decimal | None
    comparator_value: Decimal | None
    unit: str | None
    value_relation: str | None
    value_note: str | None
    hazard_ratio: Decimal | None
    ci_low: Decimal | None
    ci_high: Decimal | None
    ci_level: Decimal | None
    ci_of: str | None
    p_text: str | None
    p_relation: str | None
    p_value: Decimal | None
    significant: bool | None
    direction: str
    factor: str | None
    factor_label: str | None
    reference: Reference | None
    source_id: str
    source_title: str | None
    source_file: str | None
    quotes: tuple[tuple[str, str], ...] = field(default=())
    """(verbatim passage, language) pairs, as curated."""
    conflicts_with: tuple[str, ...] = ()
    conflict_note: str | None = None
    note: str | None = None
    certainty: str | None = None
    """A certainty (evidence quality) grade the source states for this finding; None when none is stated."""
    certainty_system: str | None = None
    """The grading system of ``certainty`` (e.g. GRADE), as the source names it."""
    population_iri: str | None = None
    excluded: tuple[str, ...] = ()
    """Term ids of the population's exclusion criteria."""
    response_criteria: str | None = None
    """Term id of the response criteria the endpoint was assessed by (RECIST 1.1, mRECIST, ...)."""
    source_document: SourceDocument | None = None
    site: str | None = None
    """Term id of the anatomical site assessed (response organ: Liver, Lung)."""
    group: GroupView | None = None
    comparator_group: GroupView | None = None
    value_status: str | None = None
    """not-reached or not-estimable: printed instead of a value."""
    comparator_status: str | None = None
    count: int | None = None
    denominator: int | None = None
    comparator_count: int | None = None
    comparator_denominator: int | None = None
    sd: Decimal | None = None
    comparator_sd: Decimal | None = None
    range_low: Decimal | None = None
    range_high: Decimal | None = None
    range_kind: str | None = None
    """span (the value is the span), range or iqr (of a median)."""
    comparator_range_low: Decimal | None = None
    comparator_range_high: Decimal | None = None
    comparator_ci_low: Decimal | None = None
    comparator_ci_high: Decimal | None = None
    favours: str | None = None
    """arm, comparator or neither: which side the printed numbers favour."""
    tested: bool | None = None
    """For a comparison: whether a p-value or significance is printed (False: an untested difference)."""
    timepoint_months: Decimal | None = None
    correlated_with: str | None = None
    any_of: tuple[str, ...] = ()
    """Term ids of the population's union (every member meets at least one)."""
    disease: str | None = None
    subjects: str | None = None
    flags: tuple[FlagMark, ...] = ()
    """Open plausibility flags on the finding (unreviewed or confirmed), for its marker."""
    """patients or clinicians (survey respondents)."""

    @property
    def is_ratio(self) -> bool:
        """Whether the finding is a ratio estimate (hazard or odds ratio) a forest plot can draw."""
        return self.statistic in ("hazard-ratio", "odds-ratio") or self.hazard_ratio is not None

    @property
    def estimate(self) -> Decimal | None:
        """The ratio estimate: the hazard ratio field, else the value of a ratio statistic."""
        return self.hazard_ratio if self.hazard_ratio is not None else (self.value if self.is_ratio else None)


def finding_iri(id_or_iri: str) -> str:
    """A finding's IRI from its curated id or its IRI."""
    return id_or_iri if id_or_iri.startswith(("http://", "https://")) else FINDING + id_or_iri


def _describe(kg: KnowledgeGraph, iris: Iterable[str]) -> dict[str, Node]:
    from hcc_kg.query.saved import with_values

    query = kg.api_query("node_properties")
    todo = sorted(set(iris))
    nodes: dict[str, Node] = {}
    for start in range(0, len(todo), MAX_NODES_PER_QUERY):
        chunk = todo[start:start + MAX_NODES_PER_QUERY]
        for row in kg.backend.select(with_values(query, "node", chunk)):
            node = nodes.setdefault(row["node"]["value"], Node(row["node"]["value"]))
            node.values.setdefault(row["property"]["value"], []).append(row["value"])
    return nodes


def load_findings(kg: KnowledgeGraph, ids: Iterable[str]) -> list[Finding]:
    """The findings with these ids (or IRIs), in the order given; unknown ids are left out."""
    order = list(dict.fromkeys(finding_iri(i) for i in ids))
    nodes = _describe(kg, order)
    frontier = set(order)
    for _ in range(3):  # finding -> study, arms, population, reference, source -> regimens, designs, terms
        linked = {v["value"] for iri in frontier if iri in nodes for prop, values in nodes[iri].values.items()
                  if prop in _FOLLOW for v in values if v["type"] == "uri"} - set(nodes)
        if not linked:
            break
        nodes.update(_describe(kg, linked))
        frontier = linked
    found = [_finding(nodes, iri) for iri in order
             if iri in nodes and HCC + "Finding" in nodes[iri].all(RDF + "type")]
    marks = open_flags(kg, (f.iri for f in found))
    return [replace(f, flags=tuple(marks[f.iri])) if f.iri in marks else f for f in found]


def _arm(nodes: dict[str, Node], iri: str | None) -> ArmView | None:
    if iri is None or iri not in nodes:
        return None
    arm = nodes[iri]
    regimen = nodes.get(arm.first(HCC + "regimen") or "")
    size = arm.first(HCC + "sampleSize")
    return ArmView(_local(iri, ID + "arm/") or iri, arm.label(), int(Decimal(size)) if size else None,
                   regimen.label("en") if regimen else None, regimen.label("zh") if regimen else None,
                   regimen.iri if regimen else None)


def _reference(nodes: dict[str, Node], iri: str | None) -> Reference | None:
    if iri is None or iri not in nodes:
        return None
    ref = nodes[iri]
    number, year = ref.first(HCC + "referenceNumber"), ref.first(HCC + "year")
    return Reference(iri, int(Decimal(number)) if number else None, ref.label(), ref.first(HCC + "authors"),
                     ref.first(DCTERMS + "title"), ref.first(HCC + "journal"),
                     int(Decimal(year)) if year else None, ref.first(BIBO + "doi"),
                     ref.first(DCTERMS + "bibliographicCitation"))


def _source(node: Node) -> SourceDocument | None:
    if not node.iri:
        return None
    year = node.first(HCC + "year")
    return SourceDocument(node.iri, _local(node.iri, ID + "source/") or node.iri,
                          node.first(DCTERMS + "title"), node.first(DCTERMS + "alternative"),
                          node.first(HCC + "authors"),
                          node.first(HCC + "journal"), int(Decimal(year)) if year else None,
                          node.first(BIBO + "doi"), node.first(HCC + "sourceFile"),
                          node.first(DCTERMS + "language"), node.first(DCTERMS + "type"))


def _finding(nodes: dict[str, Node], iri: str) -> Finding:
    f = nodes[iri]
    h = HCC

    def node(prop: str) -> Node:
        return nodes.get(f.first(prop) or "", Node(""))

    study, population, endpoint, source = node(h + "study"), node(h + "population"), \
        node(h + "measuredVariable"), node(DCTERMS + "source")
    factor = f.first(h + "prognosticFactor")
    size = study.first(h + "sampleSize")
    significant = f.first(h + "significant")
    return Finding(
        id=_local(iri, FINDING) or iri, iri=iri, label=f.label(),
        study_id=_local(study.iri, ID + "study/") or "", study_label=study.label(),
        study_size=int(Decimal(size)) if size else None,
        designs=tuple((_local(d, HCC) or d, (nodes[d].label() if d in nodes else None) or d)
                      for d in study.all(h + "design")),
        registry_id=study.first(h + "registryId"),
        arm=_arm(nodes, f.first(h + "exposure")), comparator=_arm(nodes, f.first(h + "referenceExposure")),
        population=population.label(),
        criteria=tuple(_local(c, HCC) or c for c in population.all(h + "includesCriterion")),
        endpoint=_local(endpoint.iri, HCC) or "", endpoint_label=endpoint.label(),
        statistic=f.first(h + "statisticType") or "", timepoint=f.first(h + "timepoint"),
        outcome_detail=f.first(h + "outcomeDetail"), subgroup=f.first(h + "subgroup"),
        analysis=f.first(h + "analysis"),
        value=_printed(f, "value"), comparator_value=_printed(f, "comparatorValue"),
        unit=f.first(h + "unit"), value_relation=f.first(h + "valueRelation"),
        value_note=f.first(h + "valueNote"),
        hazard_ratio=_printed(f, "hazardRatio"), ci_low=_printed(f, "ciLower"),
        ci_high=_printed(f, "ciUpper"), ci_level=_decimal(f.first(h + "ciLevel")),
        ci_of=f.first(h + "ciOf"),
        p_text=f.first(h + "pValueText"), p_relation=f.first(h + "pRelation"),
        p_value=_decimal(f.first(h + "pValue")),
        significant=None if significant is None else significant in ("true", "1"),
        direction=f.first(h + "direction") or "",
        factor=_local(factor, HCC), factor_label=nodes[factor].label() if factor in nodes else None,
        reference=_reference(nodes, f.first(h + "citedReference")),
        source_id=_local(source.iri, ID + "source/") or "", source_title=source.first(DCTERMS + "title"),
        source_file=source.first(h + "sourceFile"),
        quotes=tuple(f.tagged(h + "quote")),
        conflicts_with=tuple(_local(c, FINDING) or c for c in f.all(h + "conflictsWith")),
        conflict_note=f.first(h + "conflictNote"), note=f.first(RDFS + "comment"),
        certainty=f.first(h + "evidenceQuality"), certainty_system=f.first(h + "gradingSystem"),
        population_iri=population.iri or None,
        excluded=tuple(_local(c, HCC) or c for c in population.all(h + "excludesCriterion")),
        response_criteria=_local(f.first(h + "responseCriteria"), HCC), source_document=_source(source),
        site=_local(f.first(h + "site"), HCC),
        group=_group(nodes, f.first(h + "group")),
        comparator_group=_group(nodes, f.first(h + "comparatorGroup")),
        value_status=f.first(h + "valueStatus"), comparator_status=f.first(h + "comparatorStatus"),
        count=_integer(f, "count"), denominator=_integer(f, "denominator"),
        comparator_count=_integer(f, "comparatorCount"),
        comparator_denominator=_integer(f, "comparatorDenominator"),
        sd=_printed(f, "standardDeviation"), comparator_sd=_printed(f, "comparatorStandardDeviation"),
        range_low=_printed(f, "rangeLow"), range_high=_printed(f, "rangeHigh"),
        range_kind=f.first(h + "rangeKind"),
        comparator_range_low=_printed(f, "comparatorRangeLow"),
        comparator_range_high=_printed(f, "comparatorRangeHigh"),
        comparator_ci_low=_printed(f, "comparatorCiLower"),
        comparator_ci_high=_printed(f, "comparatorCiUpper"),
        favours=f.first(h + "favours"),
        tested=None if f.first(h + "tested") is None else f.first(h + "tested") in ("true", "1"),
        timepoint_months=_decimal(f.first(h + "timepointMonths")),
        correlated_with=_local(f.first(h + "correlatedWith"), HCC),
        any_of=tuple(_local(c, HCC) or c for c in population.all(h + "anyOfCriterion")),
        disease=_local(population.first(h + "disease"), HCC), subjects=population.first(h + "subjects"),
    )
