"""Ontology term index: resolve ids, English and Chinese labels and synonyms to one term.

Read with pyoxigraph (not rdflib) so that validation and the query path start fast.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from hcc_kg.errors import HccKgError
from hcc_kg.namespaces import HCC, OWL, RDF, RDFS, SKOS

GENID = "/.well-known/genid/"
"""Skolemised anonymous class expressions: hcc: IRIs that are not terms."""

# The root classes a record field may name, with the branch each field must come from.
BRANCHES = {
    "therapy": "Therapy",
    "population": "PopulationCriterion",
    "endpoint": "Endpoint",
    "design": "StudyDesign",
    "criteria": "ResponseCriteria",
    "site": "AnatomicalSite",
    "imaging": "ImagingModality",
}


def normalise(text: str) -> str:
    """Fold case, full-width forms and punctuation/spaces so '门静脉癌栓（PVTT）' ~ '门静脉癌栓 (pvtt)'."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


@dataclass
class Term:
    """One ontology class with its labels."""

    id: str
    labels: dict[str, str] = field(default_factory=dict)
    synonyms: list[str] = field(default_factory=list)
    parents: set[str] = field(default_factory=set)

    @property
    def iri(self) -> str:
        """The class's full hcc: IRI."""
        return HCC + self.id

    @property
    def label(self) -> str:
        """The English label, else the id."""
        return self.labels.get("en") or self.id


class TermIndex:
    """All hcc: classes of the ontology, their hierarchy and a lookup by any of their names."""

    def __init__(self, terms: dict[str, Term]):
        self.terms = terms
        self._by_name: dict[str, set[str]] = {}
        for term in terms.values():
            for name in (term.id, *term.labels.values(), *term.synonyms):
                self._by_name.setdefault(normalise(name), set()).add(term.id)

    @classmethod
    def from_ontology(cls, path: Path) -> TermIndex:
        """Parse the ontology Turtle file and index its classes; HccKgError if it cannot be read."""
        import pyoxigraph

        try:
            with path.open("rb") as handle:
                quads = list(pyoxigraph.parse(handle, format=pyoxigraph.RdfFormat.TURTLE))
        except (OSError, SyntaxError, ValueError) as exc:
            raise HccKgError(f"{path}: cannot read the ontology: {exc}") from exc
        return cls.from_quads(quads)

    def to_json(self) -> str:
        """The index as JSON (sorted, stable bytes): the build writes it into each release."""
        import json

        return json.dumps({t.id: {"labels": dict(sorted(t.labels.items())), "synonyms": sorted(t.synonyms),
                                  "parents": sorted(t.parents)}
                           for t in sorted(self.terms.values(), key=lambda t: t.id)},
                          ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> TermIndex:
        """Read what :meth:`to_json` wrote."""
        import json

        return cls({name: Term(name, dict(v["labels"]), list(v["synonyms"]), set(v["parents"]))
                    for name, v in json.loads(text).items()})

    @classmethod
    def from_bindings(cls, rows: Iterable[dict[str, dict[str, str]]]) -> TermIndex:
        """Index the rows of ``queries/api/ontology_terms.rq`` (class, property, value) from any backend."""
        terms: dict[str, Term] = {}
        for row in rows:
            name = row["class"]["value"][len(HCC):]
            term = terms.setdefault(name, Term(name))
            prop, value = row["property"]["value"], row["value"]
            if prop == RDFS + "label" and value["type"] == "literal":
                term.labels[value.get("xml:lang") or "en"] = value["value"]
            elif prop == SKOS + "altLabel" and value["type"] == "literal":
                term.synonyms.append(value["value"])
            elif (prop == RDFS + "subClassOf" and value["type"] == "uri" and value["value"].startswith(HCC)
                  and GENID not in value["value"]):
                term.parents.add(value["value"][len(HCC):])
        for term in terms.values():
            term.synonyms.sort()
        return cls(terms)

    @classmethod
    def from_quads(cls, quads: Iterable[Any]) -> TermIndex:
        """Index the hcc: classes of already-parsed ontology quads (the build parses the file once)."""
        import pyoxigraph

        terms: dict[str, Term] = {}

        def local(node: object) -> str | None:
            if (isinstance(node, pyoxigraph.NamedNode) and node.value.startswith(HCC)
                    and GENID not in node.value):
                return node.value[len(HCC):]
            return None

        for quad in quads:
            if quad.predicate.value == RDF + "type" and quad.object.value == OWL + "Class":
                name = local(quad.subject)
                if name:
                    terms.setdefault(name, Term(name))
        for quad in quads:
            name = local(quad.subject)
            if name not in terms:
                continue
            term = terms[name]
            pred = quad.predicate.value
            if pred == RDFS + "label" and isinstance(quad.object, pyoxigraph.Literal):
                term.labels[quad.object.language or "en"] = quad.object.value
            elif pred == SKOS + "altLabel" and isinstance(quad.object, pyoxigraph.Literal):
                term.synonyms.append(quad.object.value)
            elif pred == RDFS + "subClassOf":
                parent = local(quad.object)
                if parent:
                    term.parents.add(parent)
        for term in terms.values():
            term.synonyms.sort()
        return cls(terms)

    def ancestors(self, term_id: str) -> set[str]:
        """The term and every class above it."""
        seen, todo = set(), [term_id]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(self.terms[current].parents if current in self.terms else ())
        return seen

    def in_branch(self, term_id: str, branch: str) -> bool:
        """Whether the term sits under ``branch``'s root class (therapy, population, ...)."""
        return BRANCHES[branch] in self.ancestors(term_id)

    @cached_property
    def _names(self) -> list[str]:
        return sorted(self._by_name)

    def resolve(self, name: str, branch: str | None = None) -> str:
        """The id of the one term called ``name`` (within ``branch``), or a LookupError with suggestions."""
        candidates = self._by_name.get(normalise(name), set())
        if branch:
            candidates = {c for c in candidates if self.in_branch(c, branch)}
        if len(candidates) == 1:
            return next(iter(candidates))
        if len(candidates) > 1:
            raise LookupError(f"{name!r} is ambiguous: it names {', '.join(sorted(candidates))}")
        raise LookupError(f"unknown {branch or 'ontology'} term {name!r}; {self.suggest(name, branch)}")

    def suggest(self, name: str, branch: str | None = None, n: int = 3) -> str:
        """A 'did you mean' phrase naming the closest known terms."""
        pool: dict[str, str] = {}
        for key, ids in self._by_name.items():
            for term_id in ids:
                if branch is None or self.in_branch(term_id, branch):
                    pool.setdefault(key, term_id)
        import difflib

        close = difflib.get_close_matches(normalise(name), list(pool), n=n * 3, cutoff=0.5)
        nearest = list(dict.fromkeys(pool[c] for c in close))[:n]
        if not nearest:
            return "no close match; see ontology/hcc.ttl"
        return "did you mean " + ", ".join(f"{i} ({self.terms[i].label})" for i in nearest) + "?"

