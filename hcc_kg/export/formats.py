"""The export formats, one registry: each entry turns a KnowledgeGraph and a Selection into bytes.

RDF formats serialise the selected quads with fixed prefixes (stable bytes); a format that needs
more than quads (FHIR, plots) gets the whole KnowledgeGraph and may run saved queries on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hcc_kg.export.selection import Selection
from hcc_kg.namespaces import PREFIXES
from hcc_kg.registry import Registry

if TYPE_CHECKING:
    from hcc_kg.api import KnowledgeGraph


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its file extension, media type and writer."""

    name: str
    extension: str
    media_type: str
    write: Callable[[KnowledgeGraph, Selection], bytes]


def _rdf(fmt_name: str) -> Callable[[KnowledgeGraph, Selection], bytes]:
    def write(kg: KnowledgeGraph, selection: Selection) -> bytes:
        from pyoxigraph import RdfFormat, serialize

        fmt = {"turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES, "jsonld": RdfFormat.JSON_LD,
               "rdfxml": RdfFormat.RDF_XML}[fmt_name]
        prefixes = PREFIXES if fmt_name in ("turtle", "rdfxml") else None
        return serialize(kg.select_quads(selection), format=fmt, prefixes=prefixes) or b""
    return write


EXPORT_FORMATS: Registry[ExportFormat] = Registry("export format")
for _name, _ext, _media in (("turtle", "ttl", "text/turtle"), ("ntriples", "nt", "application/n-triples"),
                            ("jsonld", "jsonld", "application/ld+json"),
                            ("rdfxml", "rdf", "application/rdf+xml")):
    EXPORT_FORMATS.add(_name, ExportFormat(_name, _ext, _media, _rdf(_name)))


def _fhir(kg: KnowledgeGraph, selection: Selection) -> bytes:
    from hcc_kg.export.fhir import write

    return write(kg, selection)


EXPORT_FORMATS.add("fhir", ExportFormat("fhir", "json", "application/fhir+json", _fhir))
