"""OWL reasoning with owlready2 (HermiT) over the ontology and the regimens only.

Findings, studies and provenance never go to the reasoner: they do not change any classification,
and at a whole field's scale they would make reasoning the bottleneck. What comes back is the
inferred types of each regimen (e.g. HAICCombination), which the build materialises.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, serialize

from hcc_kg.errors import HccKgError
from hcc_kg.namespaces import HCC, value

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class InconsistentOntology(HccKgError):
    """The reasoner found the ontology (with the regimens) inconsistent."""


def classify_regimens(ontology_quads: list[Quad], regimen_quads: list[Quad]) -> list[Quad]:
    """Run HermiT and return rdf:type quads for every regimen's inferred hcc: classes."""
    import owlready2

    java = shutil.which(owlready2.JAVA_EXE)
    if java is None:
        raise HccKgError(f"Java ({owlready2.JAVA_EXE!r}) is not on PATH, and the OWL reasoner (HermiT) runs "
                         "on it: install Java 17 or use --no-reason")
    logging.getLogger("owlready2").setLevel(logging.ERROR)
    world = owlready2.World()
    with tempfile.TemporaryDirectory(prefix="hcc-kg-reason-") as tmp:
        path = Path(tmp) / "input.nt"
        path.write_bytes(serialize(ontology_quads + regimen_quads, format=RdfFormat.N_TRIPLES) or b"")
        onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise InconsistentOntology(f"the ontology is inconsistent under HermiT: {exc}") from exc
        except (owlready2.OwlReadyJavaError, OSError) as exc:  # Java too old, killed, or unrunnable
            detail = " ".join(str(exc).split())[:300]
            raise HccKgError(f"the OWL reasoner (HermiT, on Java {java}) failed: {detail}; "
                             "install Java 17 or use --no-reason") from exc
        regimens = {value(q.subject) for q in regimen_quads
                    if q.predicate.value == RDF_TYPE and value(q.object) == HCC + "Regimen"}
        inferred: list[Quad] = []
        for iri in sorted(regimens):
            individual = world[iri]
            if individual is None:
                continue
            for cls in individual.INDIRECT_is_a:
                cls_iri = getattr(cls, "iri", None)
                if isinstance(cls_iri, str) and cls_iri.startswith(HCC):
                    inferred.append(Quad(NamedNode(iri), NamedNode(RDF_TYPE), NamedNode(cls_iri)))
        world.close()
    return inferred


def check_consistency(ontology_quads: list[Quad]) -> None:
    """Raise InconsistentOntology unless HermiT finds the ontology consistent."""
    classify_regimens(ontology_quads, [])
