"""Curated records -> RDF quads, with IRIs made only from curated ids (never row order, never blank nodes)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Quad

from hcc_kg.curation.kinds import KIND_OF_SECTION
from hcc_kg.curation.records import (
    CriterionRecord,
    DefinitionRecord,
    FindingRecord,
    GroupSpec,
    LoadedFile,
    PopulationSpec,
    StudyRecord,
    quote_list,
)
from hcc_kg.namespaces import BIBO, DCTERMS, HCC, ID, OWL, PREFIXES, PROV, RDF, RDFS, VOID, XSD, iri
from hcc_kg.terms import TermIndex

__all__ = ["BIBO", "ID", "PREFIXES", "GraphWriter", "criterion_iri", "dataset_quads", "iri",
           "timepoint_months"]

TYPE = NamedNode(RDF + "type")
LABEL = NamedNode(RDFS + "label")
COMMENT = NamedNode(RDFS + "comment")

# Order of components in a regimen's label: locoregional first, then chemo, targeted, immune.
_COMPONENT_RANK = ("LocoregionalTherapy", "ChemotherapyAgent", "SystemicChemotherapy",
                   "MolecularTargetedTherapy", "Immunotherapy", "SystemicTherapy", "Therapy")

# Decimal fields of a finding -> RDF property; each is also written as hcc:<property>Printed (the
# curated lexical form: the store canonicalises xsd:decimal, "3.0" -> "3", "0.360" -> "0.36").
FINDING_DECIMALS = (
    ("value", "value"), ("comparator_value", "comparatorValue"), ("hr", "hazardRatio"),
    ("ci_low", "ciLower"), ("ci_high", "ciUpper"), ("comparator_ci_low", "comparatorCiLower"),
    ("comparator_ci_high", "comparatorCiUpper"), ("range_low", "rangeLow"), ("range_high", "rangeHigh"),
    ("comparator_range_low", "comparatorRangeLow"), ("comparator_range_high", "comparatorRangeHigh"),
    ("sd", "standardDeviation"), ("comparator_sd", "comparatorStandardDeviation"),
)
FINDING_INTEGERS = (("ci_level", "ciLevel"), ("count", "count"), ("denominator", "denominator"),
                    ("comparator_count", "comparatorCount"),
                    ("comparator_denominator", "comparatorDenominator"))
MONTHS_PER = {"month": Decimal(1), "year": Decimal(12)}  # weeks are not converted: 52 weeks is not 12 months
DEFAULT_DISEASE = "HepatocellularCarcinoma"


@lru_cache(maxsize=4096)
def hcc(name: str) -> NamedNode:
    return NamedNode(HCC + name)


def decimal(value: Decimal | int) -> Literal:
    if isinstance(value, int):
        return Literal(str(value), datatype=NamedNode(XSD + "integer"))
    return Literal(str(value), datatype=NamedNode(XSD + "decimal"))


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=NamedNode(XSD + "boolean"))


def timepoint_months(timepoint: str | None) -> Decimal | None:
    """A curated time point in months: '3 years' -> 36, '6 months' -> 6; weeks (and None) -> None."""
    if not timepoint:
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?) (month|year|week)s?", timepoint.strip())
    if match is None or match.group(2) not in MONTHS_PER:
        return None
    return Decimal(match.group(1)) * MONTHS_PER[match.group(2)]


def criterion_iri(definition: NamedNode, criterion: CriterionRecord) -> NamedNode:
    """A criterion's IRI from its content: the aspect and 8 hex digits of the SHA-256 of its value text."""
    digest = hashlib.sha256(criterion.value.encode("utf-8")).hexdigest()[:8]
    return NamedNode(f"{definition.value}/criterion/{criterion.aspect}-{digest}")


class GraphWriter:
    """Turns validated data files into quads; terms are resolved through the ontology index."""

    def __init__(self, terms: TermIndex):
        self.terms = terms
        self.quads: list[Quad] = []
        self._regimens: dict[str, list[str]] = {}
        self._criteria: dict[str, list[str]] = {}  # population IRI -> included criterion ids
        self._arm_regimen: dict[str, NamedNode] = {}  # arm id -> regimen IRI

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal | None) -> None:
        """One quad; an absent (None) object adds nothing, so optional fields need no check."""
        if o is not None:
            self.quads.append(Quad(s, p, o))

    def number(self, s: NamedNode, prop: str, value: Decimal | int | None) -> None:
        """A number; a Decimal also gets hcc:<prop>Printed, its curated lexical form ("3.0" stays "3.0")."""
        if value is None:
            return
        self.add(s, hcc(prop), decimal(value))
        if isinstance(value, Decimal):
            self.add(s, hcc(prop + "Printed"), Literal(str(value)))

    def text(self, s: NamedNode, p: NamedNode, value: str | None, lang: str | None = None) -> None:
        """A literal (language-tagged when ``lang`` is given); None and empty strings add nothing."""
        if value is not None and value != "":
            self.add(s, p, Literal(value, language=lang) if lang else Literal(value))

    def term(self, name: str, branch: str) -> NamedNode:
        """The hcc: class a curated name stands for within ``branch``; LookupError if none."""
        return hcc(self.terms.resolve(name, branch))

    def any_term(self, name: str, *branches: str) -> NamedNode:
        """The hcc: class for ``name`` in the first of ``branches`` that has it (prognostic factors)."""
        for branch in branches:
            try:
                return self.term(name, branch)
            except LookupError:
                continue
        raise LookupError(name)

    # --- regimens -----------------------------------------------------------------------------
    def regimen(self, components: list[str]) -> NamedNode:
        """The regimen IRI for a set of therapies: the same set gives the same IRI in every file."""
        ids = sorted({self.terms.resolve(c, "therapy") for c in components}, key=self._rank)
        slug = "+".join(ids)
        self._regimens[slug] = ids
        return iri("regimen", slug)

    def _rank(self, term_id: str) -> tuple[int, str]:
        ancestors = self.terms.ancestors(term_id)
        rank = next((i for i, root in enumerate(_COMPONENT_RANK) if root in ancestors), len(_COMPONENT_RANK))
        return rank, term_id

    def regimen_quads(self) -> list[Quad]:
        """Regimens and their components: the part of the graph the reasoner classifies."""
        out = []
        for slug, ids in sorted(self._regimens.items()):
            node = iri("regimen", slug)
            label = " + ".join(self.terms.terms[i].label for i in ids)
            label_zh = " + ".join(self.terms.terms[i].labels.get("zh", i) for i in ids)
            out += [Quad(node, TYPE, hcc("Regimen")), Quad(node, LABEL, Literal(label, language="en")),
                    Quad(node, LABEL, Literal(label_zh, language="zh"))]
            if len(ids) > 1:
                out.append(Quad(node, TYPE, hcc("CombinationRegimen")))
            for term_id in ids:
                component = NamedNode(f"{node.value}/{term_id}")
                out += [Quad(node, hcc("hasComponent"), component), Quad(component, TYPE, hcc(term_id)),
                        Quad(component, LABEL, Literal(self.terms.terms[term_id].label, language="en"))]
        return out

    # --- records ------------------------------------------------------------------------------
    def add_file(self, file: LoadedFile) -> None:
        """Every record of one curated file: its source, references, studies, findings and the rest."""
        data = file.data
        src = iri("source", data.source.id)
        s = data.source
        self.add(src, TYPE, hcc("SourceDocument"))
        self.text(src, NamedNode(DCTERMS + "title"), s.title, s.language)
        self.text(src, LABEL, s.title, s.language)
        self.text(src, NamedNode(DCTERMS + "alternative"), s.title_en, "en")
        self.text(src, hcc("authors"), s.authors)
        self.text(src, hcc("journal"), s.journal)
        self.add(src, hcc("year"), decimal(s.year) if s.year else None)
        self.text(src, NamedNode(BIBO + "doi"), s.doi)
        self.text(src, hcc("sourceFile"), s.file)
        self.text(src, NamedNode(DCTERMS + "language"), s.language)
        self.text(src, NamedNode(DCTERMS + "type"), s.kind)
        refs = {}
        for ref in data.references:
            node = iri("ref", f"{s.id}-{ref.number}")
            refs[ref.number] = node
            self.add(src, hcc("hasReference"), node)
            self.add(node, TYPE, hcc("CitedPublication"))
            self.add(node, hcc("referenceNumber"), decimal(ref.number))
            self.add(node, NamedNode(DCTERMS + "isReferencedBy"), src)
            self.text(node, hcc("authors"), ref.authors)
            self.text(node, NamedNode(DCTERMS + "title"), ref.title)
            self.text(node, LABEL,
                      f"[{ref.number}] {ref.authors or ''} {ref.journal or ''} {ref.year or ''}".strip())
            self.text(node, hcc("journal"), ref.journal)
            self.add(node, hcc("year"), decimal(ref.year) if ref.year else None)
            self.text(node, NamedNode(BIBO + "doi"), ref.doi)
            self.text(node, NamedNode(DCTERMS + "bibliographicCitation"), ref.text)
        ctx = _Context(src, refs, data.source.id)
        studies = {study.id: study for study in data.studies}
        for study in data.studies:
            self.add_study(study, ctx)
        for finding in data.findings:
            self.add_finding(finding, studies[finding.study], ctx)
        for rec in data.recommendations:
            node = iri("recommendation", rec.id)
            kind = "ConsensusStatement" if rec.kind == "consensus-statement" else "TreatmentStrategy"
            self.add(node, TYPE, hcc(kind))
            self.add(node, TYPE, hcc("Recommendation"))
            self.provenance(node, ctx, rec.quote, rec.quote_lang)
            self.text(node, LABEL, rec.label, "en")
            self.add(node, hcc("statementNumber"), decimal(rec.number) if rec.number is not None else None)
            self.text(node, hcc("evidenceQuality"), rec.evidence_quality)
            self.text(node, hcc("recommendationStrength"), rec.strength)
            self.text(node, hcc("gradingSystem"), rec.grading_system)
            self.text(node, hcc("recommendationKind"), rec.kind)
            self.text(node, COMMENT, rec.note)
            for number in rec.cites:
                self.add(node, hcc("citedReference"), refs[number])
            for name in rec.therapies:
                self.add(node, hcc("aboutTherapy"), self.term(name, "therapy"))
            for name in rec.populations:
                self.add(node, hcc("aboutPopulation"), self.term(name, "population"))
            for definition_id in rec.definitions:
                self.add(node, hcc("aboutDefinition"), iri("definition", definition_id))
        for definition in data.definitions:
            node = iri("definition", definition.id)
            self.add(node, TYPE, hcc("RefractorinessDefinition"))
            self.provenance(node, ctx, definition.quote, definition.quote_lang)
            self.text(node, LABEL, definition.label, "en")
            self.text(node, hcc("definitionName"), definition.name)
            self.text(node, COMMENT, definition.note)
            if definition.reference is not None:
                self.add(node, hcc("citedReference"), refs[definition.reference])
            self.add_criteria(node, definition)
        for conflict in data.conflicts:
            node = iri("conflict", conflict.id)
            self.add(node, TYPE, hcc("Conflict"))
            self.provenance(node, ctx, conflict.quote, conflict.quote_lang)
            self.text(node, COMMENT, conflict.note, "en")
            self.text(node, LABEL, conflict.note, "en")
            self.text(node, hcc("conflictKind"), conflict.kind)
            self.text(node, hcc("explanation"), conflict.explanation, "en")
            for name in conflict.explained_by:
                self.add(node, hcc("explainedBy"), hcc(self.terms.resolve(name)))
            for member in conflict.members:
                self.add(node, hcc("conflictMember"), self.record_iri(file, member))

    def add_criteria(self, node: NamedNode, definition: DefinitionRecord) -> None:
        """A definition's criteria, each at an IRI made from its content (reordering changes no IRI)."""
        used: set[str] = set()
        for criterion in definition.criteria:
            cnode = criterion_iri(node, criterion)
            if cnode.value in used:  # the same aspect and text twice: number the repeats
                cnode = next(NamedNode(f"{cnode.value}-{n}") for n in range(2, len(used) + 3)
                             if f"{cnode.value}-{n}" not in used)
            used.add(cnode.value)
            self.add(node, hcc("hasCriterion"), cnode)
            self.add(cnode, TYPE, hcc("DefinitionCriterion"))
            self.text(cnode, hcc("criterionAspect"), criterion.aspect)
            self.text(cnode, hcc("criterionValue"), criterion.value)
            if criterion.response_criteria:
                self.add(cnode, hcc("responseCriteria"), self.term(criterion.response_criteria, "criteria"))
            self.number(cnode, "sessions", criterion.sessions)
            self.add(cnode, hcc("consecutive"),
                     boolean(criterion.consecutive) if criterion.consecutive is not None else None)
            self.number(cnode, "windowFromMonths", criterion.window_from_months)
            self.number(cnode, "windowMonths", criterion.window_months)
            for name in criterion.imaging:
                self.add(cnode, hcc("imagingModality"), self.term(name, "imaging"))
            for name in criterion.events:
                self.add(cnode, hcc("countsEvent"), hcc(self.terms.resolve(name)))

    def record_iri(self, file: LoadedFile, record_id: str) -> NamedNode:
        """The IRI of a record in ``file`` by id, whatever its section (ids not in a section are arms)."""
        data = file.data
        for section, kind in KIND_OF_SECTION.items():
            if any(r.id == record_id for r in getattr(data, section)):
                return iri(kind, record_id)
        return iri("arm", record_id)

    def provenance(self, node: NamedNode, ctx: _Context, quote: str | list[str], lang: str) -> None:
        """Where a record comes from: its source document and its quoted passages, whitespace folded."""
        self.add(node, NamedNode(DCTERMS + "source"), ctx.source)
        self.add(node, NamedNode(PROV + "wasDerivedFrom"), ctx.source)
        for passage in quote_list(quote):
            self.text(node, hcc("quote"), re.sub(r"\s+", " ", passage).strip(), lang)

    def population(self, owner: NamedNode, spec: PopulationSpec) -> NamedNode:
        """A study's population node, its criteria as hcc: classes and a label made from them."""
        node = NamedNode(owner.value + "/population")
        self.add(node, TYPE, hcc("Population"))
        include_ids = [self.terms.resolve(n, "population") for n in spec.includes]
        any_ids = [self.terms.resolve(n, "population") for n in spec.any_of]
        exclude_ids = [self.terms.resolve(n, "population") for n in spec.excludes]
        parts = [self.terms.terms[i].label for i in include_ids]
        if any_ids:
            parts.append(" or ".join(self.terms.terms[i].label for i in any_ids))
        label = "; ".join(parts)
        if exclude_ids:
            label += "; without " + ", ".join(self.terms.terms[i].label for i in exclude_ids)
        if spec.subjects != "patients":
            label += f" ({spec.subjects})"
        self.text(node, LABEL, label, "en")
        self.text(node, COMMENT, spec.description)
        self._criteria[node.value] = include_ids
        for term_id in include_ids:
            self.add(node, hcc("includesCriterion"), hcc(term_id))
        for term_id in any_ids:
            self.add(node, hcc("anyOfCriterion"), hcc(term_id))
        for term_id in exclude_ids:
            self.add(node, hcc("excludesCriterion"), hcc(term_id))
        self.add(node, hcc("disease"), self.term(spec.disease or DEFAULT_DISEASE, "population"))
        self.text(node, hcc("subjects"), spec.subjects)
        return node

    def group(self, node: NamedNode, spec: GroupSpec) -> NamedNode:
        """A level of a grouping factor (``node`` is its IRI): criteria present, criteria absent, a label."""
        self.add(node, TYPE, hcc("Group"))
        names = []
        for prop, members, prefix in (("includesCriterion", spec.includes, ""),
                                      ("excludesCriterion", spec.excludes, "without ")):
            for name in members:
                term = self.any_term(name, "population", "therapy", "endpoint")
                self.add(node, hcc(prop), term)
                names.append(prefix + self.terms.terms[term.value[len(HCC):]].label)
        self.text(node, LABEL, spec.description or "; ".join(names), "en")
        return node

    def add_study(self, study: StudyRecord, ctx: _Context) -> None:
        """A study with its design, population and arms (each arm's regimen remembered for findings)."""
        node = iri("study", study.id)
        self.add(node, TYPE, hcc("Study"))
        self.provenance(node, ctx, study.quote, study.quote_lang)
        self.text(node, LABEL, study.label, "en")
        for name in study.design:
            self.add(node, hcc("design"), self.term(name, "design"))
        self.text(node, hcc("trialName"), study.trial_name)
        self.text(node, hcc("registryId"), study.registry_id)
        self.text(node, hcc("phase"), study.phase)
        self.add(node, hcc("sampleSize"),
                 decimal(study.sample_size) if study.sample_size is not None else None)
        self.add(node, hcc("centres"), decimal(study.centres) if study.centres is not None else None)
        self.text(node, hcc("period"), study.period)
        self.text(node, COMMENT, study.note)
        if study.reference is not None:
            self.add(node, hcc("citedReference"), ctx.refs[study.reference])
        if study.population is not None:
            self.add(node, hcc("population"), self.population(node, study.population))
        for arm in study.arms:
            anode = iri("arm", arm.id)
            self.add(node, hcc("hasArm"), anode)
            self.add(anode, TYPE, hcc("Arm"))
            self.text(anode, LABEL, arm.label)
            self._arm_regimen[arm.id] = self.regimen(arm.regimen)
            self.add(anode, hcc("regimen"), self._arm_regimen[arm.id])
            for agent in arm.agents_used:
                self.add(anode, hcc("agentUsed"), self.term(agent, "therapy"))
            self.add(anode, hcc("sampleSize"), decimal(arm.size) if arm.size is not None else None)

    def add_finding(self, f: FindingRecord, study: StudyRecord, ctx: _Context) -> None:
        """A finding: its study, arms and regimens, population, endpoint, numbers and p-value."""
        node = iri("finding", f.id)
        snode = iri("study", study.id)
        self.add(node, TYPE, hcc("Finding"))
        self.provenance(node, ctx, f.quote, f.quote_lang)
        self.add(node, hcc("study"), snode)
        self.add(node, hcc("exposure"), iri("arm", f.arm) if f.arm else None)
        self.add(node, hcc("referenceExposure"), iri("arm", f.comparator_arm) if f.comparator_arm else None)
        # the ontology's property chains, materialised (see hcc:interventionRegimen)
        if f.arm:
            self.add(node, hcc("interventionRegimen"), self._arm_regimen[f.arm])
        if f.comparator_arm:
            self.add(node, hcc("comparatorRegimen"), self._arm_regimen[f.comparator_arm])
        population = None
        if f.population is not None:
            population = self.population(node, f.population)
        elif study.population is not None:
            population = NamedNode(snode.value + "/population")
        if population is not None:
            self.add(node, hcc("population"), population)
            for term_id in self._criteria[population.value]:
                self.add(node, hcc("populationCriterion"), hcc(term_id))
        endpoint = self.term(f.endpoint, "endpoint")
        self.add(node, hcc("measuredVariable"), endpoint)
        ep_label = self.terms.terms[endpoint.value[len(HCC):]].label
        arm_label = next((a.label for a in study.arms if a.id == f.arm), None)
        self.text(node, LABEL, " - ".join(x for x in (arm_label, ep_label, f.statistic, f.timepoint,
                                                        f.outcome_detail, f.subgroup) if x), "en")
        self.text(node, hcc("statisticType"), f.statistic)
        self.text(node, hcc("timepoint"), f.timepoint)
        months = timepoint_months(f.timepoint)
        self.add(node, hcc("timepointMonths"), decimal(months) if months is not None else None)
        if f.site:
            self.add(node, hcc("site"), self.term(f.site, "site"))
        if f.group is not None:
            self.add(node, hcc("group"), self.group(NamedNode(node.value + "/group"), f.group))
        if f.comparator_group is not None:
            self.add(node, hcc("comparatorGroup"),
                     self.group(NamedNode(node.value + "/comparator-group"), f.comparator_group))
        self.text(node, hcc("outcomeDetail"), f.outcome_detail)
        self.text(node, hcc("subgroup"), f.subgroup)
        if f.criteria:
            self.add(node, hcc("responseCriteria"), self.term(f.criteria, "criteria"))
        for name, prop in (*FINDING_DECIMALS, *FINDING_INTEGERS):
            self.number(node, prop, getattr(f, name))
        self.text(node, hcc("valueStatus"), f.value_status)
        self.text(node, hcc("comparatorStatus"), f.comparator_status)
        self.text(node, hcc("rangeKind"), f.range_kind)
        self.text(node, hcc("valueNote"), f.value_note)
        self.text(node, hcc("valueRelation"), f.value_relation)
        self.text(node, hcc("unit"), f.unit)
        p_bound = f.p_bound()
        if f.p is not None and p_bound is not None:
            relation, bound = p_bound
            self.text(node, hcc("pValueText"), f.p)
            self.text(node, hcc("pRelation"), relation)
            self.add(node, hcc("pValue"), decimal(bound))
        self.add(node, hcc("significant"), boolean(f.significant) if f.significant is not None else None)
        self.text(node, hcc("direction"), f.direction)
        self.text(node, hcc("favours"), f.favours)
        if f.comparator_arm or f.comparator_group is not None:
            self.add(node, hcc("tested"), boolean(f.p is not None or f.significant is not None))
        self.text(node, hcc("analysis"), f.analysis)
        if f.factor:
            factor = self.any_term(f.factor, "population", "therapy", "endpoint")
            self.add(node, hcc("prognosticFactor"), factor)
            if f.statistic == "correlation":
                self.add(node, hcc("correlatedWith"), factor)
        reference = f.reference if f.reference is not None else study.reference
        if reference is not None:
            self.add(node, hcc("citedReference"), ctx.refs[reference])
        for other in f.conflicts_with:
            self.add(node, hcc("conflictsWith"), iri("finding", other))
        self.text(node, hcc("conflictNote"), f.conflict_note, "en")
        self.text(node, COMMENT, f.note)


class _Context:
    """Per-file values every record's provenance needs."""

    def __init__(self, source: NamedNode, refs: dict[int, NamedNode], source_id: str):
        self.source, self.refs, self.source_id = source, refs, source_id


def dataset_quads(version: str, files: list[LoadedFile], ontology_version: str | None) -> Iterator[Quad]:
    """Release metadata: version and the source documents the graph was built from."""
    node = NamedNode(ID + "dataset")
    yield Quad(node, TYPE, NamedNode(VOID + "Dataset"))
    yield Quad(node, LABEL, Literal("hcc-kg evidence graph", language="en"))
    yield Quad(node, NamedNode(OWL + "versionInfo"), Literal(version))
    if ontology_version:
        yield Quad(node, NamedNode(DCTERMS + "conformsTo"), NamedNode("https://w3id.org/hcc-kg/ontology"))
    for file in files:
        yield Quad(node, NamedNode(DCTERMS + "source"), iri("source", file.data.source.id))
        yield Quad(node, NamedNode(PROV + "wasDerivedFrom"), Literal(file.data.source.file))
