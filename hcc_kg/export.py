"""Exports for guideline writers: the whole graph, the ontology, the data, or a self-contained subset.

Output is stable byte for byte: quads are sorted, prefixes fixed, blank nodes never appear (the
ontology's anonymous class expressions are skolemised with content hashes at build time), and no
timestamp is written unless one is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, serialize

from hcc_kg.build import sort_key
from hcc_kg.errors import HccKgError
from hcc_kg.namespaces import DCTERMS, HCC, ID, PREFIXES, RDF, RDFS

FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}
EXTENSIONS = {"turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld", "rdfxml": "rdf"}
PARTS = ("all", "ontology", "data")
ONTOLOGY_IRI = "https://w3id.org/hcc-kg/ontology"


@dataclass(frozen=True)
class Subset:
    """Filters for a subset of findings; each class filter includes its subclasses."""

    therapy: str | None = None
    population: str | None = None
    endpoint: str | None = None
    source: str | None = None

    def is_empty(self) -> bool:
        return not any((self.therapy, self.population, self.endpoint, self.source))


def is_ontology(quad: Quad) -> bool:
    """Ontology quads: about hcc: terms (and their skolemised class expressions) or the ontology itself."""
    subject = quad.subject.value
    return subject.startswith(HCC) or subject == ONTOLOGY_IRI


def release_quads(graph_file: Path) -> list[Quad]:
    """The release's quads as built, numbers in their curated lexical form ("0.360", "3.0").

    Read from the release's Turtle file, not the store: the store keeps xsd:decimal values in
    canonical form ("0.36", "3"), which is the same number but not the text a guideline cites.
    """
    from pyoxigraph import parse

    with graph_file.open("rb") as handle:
        return [Quad(q.subject, q.predicate, q.object) for q in parse(handle, format=RdfFormat.TURTLE)]


def select_findings(store: Any, subset: Subset, terms: Any) -> list[str]:
    """IRIs of the findings matching every given filter."""
    clauses = []
    if subset.therapy:
        cls = HCC + terms.resolve(subset.therapy, "therapy")
        clauses.append(f"?f hcc:exposure/hcc:regimen/hcc:hasComponent/a/rdfs:subClassOf* <{cls}> .")
    if subset.population:
        cls = HCC + terms.resolve(subset.population, "population")
        clauses.append(f"?f hcc:population/hcc:includesCriterion/rdfs:subClassOf* <{cls}> .")
    if subset.endpoint:
        cls = HCC + terms.resolve(subset.endpoint, "endpoint")
        clauses.append(f"?f hcc:measuredVariable/rdfs:subClassOf* <{cls}> .")
    if subset.source:
        source = str(NamedNode(ID + "source/" + subset.source))
        clauses.append(f"?f dcterms:source {source} .")
    text = (f"PREFIX hcc: <{HCC}> PREFIX rdfs: <{RDFS}> PREFIX dcterms: <{DCTERMS}> "
            "SELECT DISTINCT ?f WHERE { ?f a hcc:Finding . " + " ".join(clauses) + " }")
    return sorted(row["f"].value for row in store.query(text))


def closure(quads: list[Quad], findings: Iterable[str]) -> list[Quad]:
    """Findings with everything needed to read them alone: study, arms, regimens, population,
    provenance (source, cited reference, DOI, quote) and the ontology terms used, with labels."""
    by_subject: dict[str, list[Quad]] = {}
    for quad in quads:
        by_subject.setdefault(quad.subject.value, []).append(quad)
    keep: list[Quad] = []
    seen: set[str] = set()
    todo = list(findings)
    follow = {HCC + p for p in ("study", "exposure", "referenceExposure", "population", "hasArm", "regimen",
                                "hasComponent", "citedReference", "conflictsWith")}
    follow |= {DCTERMS + "source"}
    chosen = set(todo)
    used_terms: set[str] = set()
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for quad in by_subject.get(subject, []):
            obj = quad.object
            pred = quad.predicate.value
            if pred == HCC + "hasReference":
                continue  # only the references the subset cites
            if pred == HCC + "conflictsWith" and obj.value not in chosen:
                continue  # a subset holds only its own findings
            keep.append(quad)
            if isinstance(obj, NamedNode):
                if obj.value.startswith(HCC):
                    used_terms.add(obj.value)
                elif pred in follow:
                    todo.append(obj.value)
    keep += _term_quads(by_subject, used_terms)
    keep += [q for q in by_subject.get(ID + "dataset", []) if q.predicate.value != DCTERMS + "source"]
    return sorted(set(keep), key=sort_key)


def _term_quads(by_subject: dict[str, list[Quad]], used: set[str]) -> list[Quad]:
    """Labels, synonyms, definitions and superclasses of the terms a subset uses, up to the roots."""
    wanted = {RDF + "type", RDFS + "label", RDFS + "subClassOf", RDFS + "comment",
              "http://www.w3.org/2004/02/skos/core#altLabel", "http://www.w3.org/2004/02/skos/core#definition"}
    out: list[Quad] = []
    todo, seen = list(used), set()
    while todo:
        term = todo.pop()
        if term in seen:
            continue
        seen.add(term)
        for quad in by_subject.get(term, []):
            if quad.predicate.value not in wanted:
                continue
            if quad.predicate.value == RDFS + "subClassOf" and (
                    not quad.object.value.startswith(HCC) or "/.well-known/" in quad.object.value):
                continue  # named superclasses only, not anonymous class expressions
            out.append(quad)
            if quad.predicate.value == RDFS + "subClassOf":
                todo.append(quad.object.value)
    return out


def select(store: Any, quads: list[Quad], part: str = "all", subset: Subset | None = None, terms: Any = None,
           construct: list[Any] | None = None) -> list[Quad]:
    """The quads of one export, sorted: ``quads`` is the release, ``store`` answers the subset's filters."""
    if part not in PARTS:
        raise HccKgError(f"unknown part {part!r}; expected one of {', '.join(PARTS)}")
    if construct is not None:
        return sorted({Quad(t.subject, t.predicate, t.object) for t in construct}, key=sort_key)
    if subset is not None and not subset.is_empty():
        return closure(quads, select_findings(store, subset, terms))
    if part == "ontology":
        quads = [q for q in quads if is_ontology(q)]
    elif part == "data":
        quads = [q for q in quads if not is_ontology(q)]
    return sorted(quads, key=sort_key)


def with_timestamp(quads: list[Quad], timestamp: str | None) -> list[Quad]:
    """Add dcterms:issued to the release metadata, only when the user asks for one."""
    if not timestamp:
        return quads
    stamp = Quad(NamedNode(ID + "dataset"), NamedNode(DCTERMS + "issued"),
                 Literal(timestamp, datatype=NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")))
    return sorted(set(quads) | {stamp}, key=sort_key)


def write(quads: list[Quad], fmt: str, output: Path | None) -> bytes:
    """Serialise in one of FORMATS; to ``output`` atomically (temp file + rename) when given."""
    if fmt not in FORMATS:
        raise HccKgError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    prefixes = PREFIXES if fmt in ("turtle", "rdfxml") else None
    kwargs = {"prefixes": prefixes} if prefixes else {}
    data = serialize(quads, format=FORMATS[fmt], **kwargs) or b""
    if output is not None:
        tmp = output.with_name(f".{output.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(output)
    return data
