"""CURIEs: one prefix map, one compress function, checked against the curies library's Converter."""

from __future__ import annotations

from hcc_kg import KnowledgeGraph
from hcc_kg.namespaces import PREFIXES, compress


def test_compress_agrees_with_curies_on_every_iri_of_the_graph(kg: KnowledgeGraph) -> None:
    import curies
    from pyoxigraph import NamedNode

    converter = curies.Converter.from_prefix_map(PREFIXES)
    iris = {term.value for quad in kg.quads() for term in (quad.subject, quad.predicate, quad.object)
            if isinstance(term, NamedNode)}
    iris |= set(PREFIXES.values()) | {"http://example.org/not-ours"}
    assert len(iris) > 1000
    disagree = {iri: (compress(iri), converter.compress(iri, passthrough=True)) for iri in sorted(iris)
                if compress(iri) != converter.compress(iri, passthrough=True)}
    assert disagree == {}
    assert compress("https://w3id.org/hcc-kg/id/finding/f004-he2019-os") == "finding:f004-he2019-os"
    assert compress("https://w3id.org/hcc-kg/ontology/OverallSurvival") == "hcc:OverallSurvival"
    assert compress("https://w3id.org/hcc-kg/id/finding/f004-he2019-os/population") == \
        "finding:f004-he2019-os/population"
