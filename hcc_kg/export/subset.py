"""What an export holds: the whole graph, the ontology, the data, or a self-contained subset.

Output is stable byte for byte: quads are sorted, prefixes fixed, blank nodes never appear (the
ontology's anonymous class expressions are skolemised with content hashes at build time), and no
timestamp is written unless one is given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from hcc_kg.errors import HccKgError
from hcc_kg.export.selection import Selection
from hcc_kg.namespaces import DCTERMS, HCC, ID, RDF, RDFS, XSD, sort_key, value

_DATETIME = re.compile(r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
PARTS = ("all", "ontology", "data")
ONTOLOGY_IRI = "https://w3id.org/hcc-kg/ontology"


def is_ontology(quad: Quad) -> bool:
    """Ontology quads: about hcc: terms (and their skolemised class expressions) or the ontology itself."""
    subject = value(quad.subject)
    return subject.startswith(HCC) or subject == ONTOLOGY_IRI


def closure(quads: list[Quad], findings: Iterable[str]) -> list[Quad]:
    """Findings with everything needed to read them alone.

    That is their study, arms, regimens, population, provenance (source, cited reference, DOI,
    quote) and the ontology terms used, with labels.
    """
    by_subject: dict[str, list[Quad]] = {}
    for quad in quads:
        by_subject.setdefault(value(quad.subject), []).append(quad)
    keep: list[Quad] = []
    seen: set[str] = set()
    todo = list(findings)
    follow = {HCC + p for p in ("study", "exposure", "referenceExposure", "population", "hasArm", "regimen",
                                "hasComponent", "citedReference", "conflictsWith", "group",
                                "comparatorGroup")}
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
            if pred == HCC + "conflictsWith" and value(obj) not in chosen:
                continue  # a subset holds only its own findings
            keep.append(quad)
            if isinstance(obj, NamedNode):
                if value(obj).startswith(HCC):
                    used_terms.add(value(obj))
                elif pred in follow:
                    todo.append(value(obj))
    keep += _flag_quads(quads, by_subject, chosen)
    keep += _term_quads(by_subject, used_terms)
    keep += [q for q in by_subject.get(ID + "dataset", []) if q.predicate.value != DCTERMS + "source"]
    return sorted(set(keep), key=sort_key)


def _flag_quads(quads: list[Quad], by_subject: dict[str, list[Quad]], chosen: set[str]) -> list[Quad]:
    """The plausibility flags of the chosen findings, and the conflicts confirmed flags became.

    A reader of the subset sees which of its numbers not to trust; member links stay within the subset
    (the flag's compared values still name every record it compared).
    """
    member = HCC + "conflictMember"
    flags = {value(q.subject) for q in quads if q.predicate.value == member and value(q.object) in chosen
             and any(t.predicate.value == RDF + "type" and value(t.object) == HCC + "PlausibilityFlag"
                     for t in by_subject.get(value(q.subject), []))}
    recorded = {value(q.object) for f in flags for q in by_subject.get(f, [])
                if q.predicate.value == HCC + "recordedAs"}
    return [q for node in flags | recorded for q in by_subject.get(node, [])
            if q.predicate.value != member or value(q.object) in chosen]


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
                    not value(quad.object).startswith(HCC) or "/.well-known/" in value(quad.object)):
                continue  # named superclasses only, not anonymous class expressions
            out.append(quad)
            if quad.predicate.value == RDFS + "subClassOf":
                todo.append(value(quad.object))
    return out


def select(quads: list[Quad], selection: Selection, findings: Iterable[str] | None = None,
           construct: Iterable[Any] | None = None) -> list[Quad]:
    """The quads of one export, sorted: a CONSTRUCT answer, a subset's closure, or a part of the release."""
    if selection.part not in PARTS:
        raise HccKgError(f"unknown part {selection.part!r}; expected one of {', '.join(PARTS)}")
    if construct is not None:
        chosen = sorted({Quad(t.subject, t.predicate, t.object) for t in construct}, key=sort_key)
    elif findings is not None:
        chosen = closure(quads, findings)
    elif selection.part == "ontology":
        chosen = sorted((q for q in quads if is_ontology(q)), key=sort_key)
    elif selection.part == "data":
        chosen = sorted((q for q in quads if not is_ontology(q)), key=sort_key)
    else:
        chosen = sorted(quads, key=sort_key)
    return with_timestamp(chosen, selection.timestamp)


def with_timestamp(quads: list[Quad], timestamp: str | None) -> list[Quad]:
    """Add dcterms:issued to the release metadata, only when the user asks for one."""
    if not timestamp:
        return quads
    try:
        stamp = Literal(timestamp, datatype=NamedNode(XSD + "dateTime"))
        valid = stamp.value == timestamp and _DATETIME.fullmatch(timestamp) is not None
    except ValueError:
        valid = False
    if not valid:
        raise HccKgError(f"--timestamp {timestamp!r} is not an xsd:dateTime such as 2026-12-02T10:00:00Z")
    return sorted(set(quads) | {Quad(NamedNode(ID + "dataset"), NamedNode(DCTERMS + "issued"), stamp)},
                  key=sort_key)
