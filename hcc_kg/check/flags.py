"""The flag a rule raises, and its RDF: an hcc:PlausibilityFlag node linked to every record involved.

A flag's IRI is made from its content (rule, members, compared numbers), never from the order the
rules ran in, so the same sources always give the same flags and a changed number a new one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from typing import Literal as Kind

from pyoxigraph import Literal, NamedNode, Quad

from hcc_kg.curation.kinds import KIND_OF_SECTION, RecordKind
from hcc_kg.curation.records import LoadedFile, quote_list
from hcc_kg.namespaces import DCTERMS, HCC, PROV, RDF, RDFS, iri

if TYPE_CHECKING:
    from hcc_kg.check.reviews import Review

FLAG_KIND = RecordKind("flag", None, ("PlausibilityFlag",), noun="plausibility flag")
"""Flags as ``hcc-kg diff`` reports them (not a curated kind: not in ``RECORD_KINDS``, never validated)."""

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
    review: Review | None = field(default=None, compare=False)
    """The curator's review (``data/reviews``), None while unreviewed; never part of the id."""

    @property
    def status(self) -> str:
        """``confirmed``, ``not-an-error`` or ``unreviewed``."""
        return self.review.status if self.review is not None else "unreviewed"

    @property
    def open(self) -> bool:
        """Whether a reader should still distrust the numbers: unreviewed, or confirmed as wrong."""
        return self.review is None or self.review.status == "confirmed"

    @property
    def id(self) -> str:
        """``<rule>-<hash of members and compared numbers>``: stable, independent of run order."""
        content = "\n".join((self.rule, *sorted(self.members), *self.compared))
        return f"{self.rule}-{hashlib.sha256(content.encode()).hexdigest()[:12]}"

    def as_dict(self) -> dict[str, object]:
        """The flag as data, for ``check --format json``."""
        return {"id": self.id, "rule": self.rule, "severity": self.severity, "source": self.source,
                "members": list(self.members), "compared": list(self.compared), "expected": self.expected,
                "message": self.message,
                "review": self.review.model_dump(exclude_none=True) if self.review else None}


def _record_iris(files: Iterable[LoadedFile]) -> dict[str, NamedNode]:
    index: dict[str, NamedNode] = {}
    for file in files:
        for section, kind in KIND_OF_SECTION.items():
            for record in getattr(file.data, section):
                index[record.id] = iri(kind, record.id)
        for study in file.data.studies:
            for arm in study.arms:
                index[arm.id] = iri("arm", arm.id)
        index[file.data.source.id] = iri("source", file.data.source.id)
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
        if flag.review is not None:
            yield from review_quads(node, flag, records)


def review_quads(node: NamedNode, flag: Flag, records: dict[str, NamedNode]) -> Iterator[Quad]:
    """A reviewed flag's status and reason; a confirmed one also as a recorded conflict of its source.

    The conflict (``id/conflict/<flag id>``) is an internal contradiction like a curated one: the flag's
    records as members, the reviewer's reason as its note and the passages that show the error.
    """
    review = flag.review
    if review is None:
        return
    yield Quad(node, NamedNode(HCC + "reviewStatus"), Literal(review.status))
    yield Quad(node, NamedNode(HCC + "reviewReason"), Literal(review.reason, language="en"))
    if review.status != "confirmed":
        return
    conflict = iri("conflict", flag.id)
    source = iri("source", flag.source)
    yield Quad(node, NamedNode(HCC + "recordedAs"), conflict)
    yield Quad(conflict, NamedNode(RDF + "type"), NamedNode(HCC + "Conflict"))
    yield Quad(conflict, NamedNode(DCTERMS + "source"), source)
    yield Quad(conflict, NamedNode(PROV + "wasDerivedFrom"), source)
    yield Quad(conflict, NamedNode(HCC + "conflictKind"), Literal("internal"))
    yield Quad(conflict, NamedNode(RDFS + "comment"), Literal(review.reason, language="en"))
    yield Quad(conflict, NamedNode(RDFS + "label"), Literal(review.reason, language="en"))
    for passage in quote_list(review.quote or []):
        yield Quad(conflict, NamedNode(HCC + "quote"),
                   Literal(re.sub(r"\s+", " ", passage).strip(), language=review.quote_lang))
    for member in flag.members:
        if member in records:
            yield Quad(conflict, NamedNode(HCC + "conflictMember"), records[member])
