"""The flag a rule raises, and its RDF: an hcc:PlausibilityFlag node linked to every record involved.

A flag's IRI is made from its content (rule, members, compared numbers), never from the order the
rules ran in, so the same sources always give the same flags and a changed number a new one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal as Kind

from pyoxigraph import Literal, NamedNode, Quad

from hcc_kg.curation.kinds import KIND_OF_SECTION
from hcc_kg.curation.records import LoadedFile
from hcc_kg.namespaces import DCTERMS, HCC, RDF, RDFS, iri

Severity = Kind["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Flag:
    """One implausibility: which rule, how bad, which records, what was compared, what was expected."""

    rule: str
    severity: Severity
    source: str
    """The source document id (``src002``) whose records disagree."""
    members: tuple[str, ...]
    """Record ids involved, in the order the message names them."""
    compared: tuple[str, ...]
    """The printed numbers compared, as text (``f002-os-3y value = 35.3``); never evidence."""
    expected: str
    """What the rule expected instead, as text (``a rate of at least 50%``)."""
    message: str

    @property
    def id(self) -> str:
        """``<rule>-<hash of members and compared numbers>``: stable, independent of run order."""
        content = "\n".join((self.rule, *sorted(self.members), *self.compared))
        return f"{self.rule}-{hashlib.sha256(content.encode()).hexdigest()[:12]}"

    def as_dict(self) -> dict[str, object]:
        """The flag as data, for ``check --format json``."""
        return {"id": self.id, "rule": self.rule, "severity": self.severity, "source": self.source,
                "members": list(self.members), "compared": list(self.compared), "expected": self.expected,
                "message": self.message}


def _record_iris(files: Iterable[LoadedFile]) -> dict[str, NamedNode]:
    index: dict[str, NamedNode] = {}
    for file in files:
        for section, kind in KIND_OF_SECTION.items():
            for record in getattr(file.data, section):
                index[record.id] = iri(kind, record.id)
        for study in file.data.studies:
            for arm in study.arms:
                index[arm.id] = iri("arm", arm.id)
    return index


def flag_quads(flags: Iterable[Flag], files: list[LoadedFile]) -> Iterator[Quad]:
    """Every flag as an hcc:PlausibilityFlag with its rule, severity, numbers, message and members."""
    records = _record_iris(files)
    sources = {f.data.source.id for f in files}
    for flag in flags:
        node = iri("flag", flag.id)
        yield Quad(node, NamedNode(RDF + "type"), NamedNode(HCC + "PlausibilityFlag"))
        yield Quad(node, NamedNode(HCC + "rule"), Literal(flag.rule))
        yield Quad(node, NamedNode(HCC + "severity"), Literal(flag.severity))
        yield Quad(node, NamedNode(RDFS + "comment"), Literal(flag.message, language="en"))
        yield Quad(node, NamedNode(RDFS + "label"), Literal(f"{flag.rule}: {', '.join(flag.members)}",
                                                            language="en"))
        yield Quad(node, NamedNode(HCC + "expectedValue"), Literal(flag.expected))
        for compared in flag.compared:
            yield Quad(node, NamedNode(HCC + "comparedValue"), Literal(compared))
        if flag.source in sources:
            yield Quad(node, NamedNode(DCTERMS + "source"), iri("source", flag.source))
        for member in flag.members:
            if member in records:
                yield Quad(node, NamedNode(HCC + "conflictMember"), records[member])
