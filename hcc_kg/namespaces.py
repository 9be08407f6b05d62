"""IRIs and prefixes, with no heavy imports: the query path needs these and must start fast."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote as url_quote

HCC = "https://w3id.org/hcc-kg/ontology/"
ID = "https://w3id.org/hcc-kg/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
BIBO = "http://purl.org/ontology/bibo/"
OWL = "http://www.w3.org/2002/07/owl#"
VOID = "http://rdfs.org/ns/void#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

PREFIXES = {
    "hcc": HCC, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "dcterms": DCTERMS, "prov": PROV,
    "bibo": BIBO, "skos": SKOS, "void": VOID,
    "source": ID + "source/", "ref": ID + "ref/", "study": ID + "study/", "arm": ID + "arm/",
    "finding": ID + "finding/", "regimen": ID + "regimen/", "rec": ID + "recommendation/",
    "definition": ID + "definition/", "conflict": ID + "conflict/",
}


def iri(kind: str, record_id: str) -> Any:
    """The IRI of a curated record: namespace + kind + curated id (a pyoxigraph NamedNode)."""
    from pyoxigraph import NamedNode

    return NamedNode(f"{ID}{kind}/{url_quote(record_id, safe='-._~+')}")
