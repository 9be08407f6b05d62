"""The record kinds, defined once: YAML section, IRI segment, RDF classes.

Validation, RDF writing, the build's counts, diff and saved-query ``record`` parameters all read
this registry; a new kind of record is added here and in the schema (``records.SourceFile``).
"""

from __future__ import annotations

from dataclasses import dataclass

from hcc_kg.namespaces import HCC
from hcc_kg.registry import Registry


@dataclass(frozen=True)
class RecordKind:
    """One kind of curated record."""

    name: str
    """IRI segment (``id/finding/...``) and the ``kind`` of a saved query's record parameter."""
    section: str | None
    """The top-level YAML section holding these records (None: nested or per file)."""
    classes: tuple[str, ...]
    """The hcc: classes its records are typed with (local names)."""
    compared: bool = True
    """Whether ``hcc-kg diff`` reports changes to it field by field."""
    noun: str = ""
    """How reports name one record of the kind (default: ``name``)."""
    plural: str = ""
    """How reports name several (default: the noun + "s"; "studies" is given)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "noun", self.noun or self.name)
        object.__setattr__(self, "plural", self.plural or self.noun + "s")

    @property
    def class_iris(self) -> tuple[str, ...]:
        """The classes as full IRIs, for matching rdf:type objects."""
        return tuple(HCC + c for c in self.classes)


RECORD_KINDS: Registry[RecordKind] = Registry("record kind")
for _kind in (
    RecordKind("study", "studies", ("Study",), plural="studies"),
    RecordKind("finding", "findings", ("Finding",)),
    RecordKind("recommendation", "recommendations", ("ConsensusStatement", "TreatmentStrategy")),
    RecordKind("definition", "definitions", ("RefractorinessDefinition",)),
    RecordKind("conflict", "conflicts", ("Conflict",)),
    RecordKind("arm", None, ("Arm",)),
    RecordKind("source", None, ("SourceDocument",)),
    RecordKind("ref", None, ("CitedPublication",), noun="reference"),
):
    RECORD_KINDS.add(_kind.name, _kind)

SECTIONS: tuple[str, ...] = tuple(k.section for _, k in RECORD_KINDS.items() if k.section)
"""The YAML sections of records with ids, in file order."""

KIND_OF_SECTION = {k.section: k.name for _, k in RECORD_KINDS.items() if k.section}
KIND_OF_CLASS = {iri: k.name for _, k in RECORD_KINDS.items() for iri in k.class_iris}
COUNTED_CLASSES = tuple(dict.fromkeys((*(c for _, k in RECORD_KINDS.items() for c in k.classes), "Regimen")))
"""Classes whose instances the build counts into the manifest."""
