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


def value(term: Any) -> str:
    """The IRI, blank node id or lexical form of a pyoxigraph term.

    pyoxigraph types a quad's subject and object as possibly an RDF 1.2 triple term; this graph never
    holds one, and this helper says so once instead of at every ``.value``.
    """
    text = term.value
    if not isinstance(text, str):
        raise TypeError(f"unexpected RDF term {term!r}")
    return text


def sort_key(quad: Any) -> str:
    """A quad's N-Triples line: the one order of every file the build and the exports write.

    One string per quad (a tuple of three took twice the time and memory); a subject's triples stay
    together, since no IRI contains a space.
    """
    return str(quad)


_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compress(value: str) -> str:
    """An IRI as a CURIE by the longest matching namespace of PREFIXES, else unchanged.

    The same answer as ``curies.Converter.from_prefix_map(PREFIXES).compress(value, passthrough=True)``
    (a test checks it on every IRI of the built graph); written here because importing ``curies``
    costs ~150 ms (it loads pydantic), twice the whole floor of a one-shot query.
    """
    for prefix, namespace in _BY_LENGTH:
        if value.startswith(namespace):
            return f"{prefix}:{value[len(namespace):]}"
    return value
