"""The ontology: consistent under HermiT, bilingual, with hierarchies and defined classes that work."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from hcc_kg.build.pipeline import ontology_quads
from hcc_kg.build.reason import InconsistentOntology, check_consistency, classify_regimens
from hcc_kg.terms import HCC, TermIndex

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology" / "hcc.ttl"
TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def terms() -> TermIndex:
    return TermIndex.from_ontology(ONTOLOGY)


def test_consistent_under_hermit() -> None:
    check_consistency(ontology_quads(ONTOLOGY))


def test_inconsistency_is_reported() -> None:
    """The check can fail: an individual in two disjoint classes makes HermiT say so."""
    quads = ontology_quads(ONTOLOGY)
    disjoint = NamedNode("http://www.w3.org/2002/07/owl#disjointWith")
    thing = NamedNode("https://w3id.org/hcc-kg/id/test/x")
    quads += [Quad(NamedNode(HCC + "Sorafenib"), disjoint, NamedNode(HCC + "Lenvatinib")),
              Quad(thing, TYPE, NamedNode(HCC + "Sorafenib")), Quad(thing, TYPE, NamedNode(HCC + "Lenvatinib"))]
    with pytest.raises(InconsistentOntology):
        check_consistency(quads)


def _regimen(name: str, *components: str) -> list[Quad]:
    node = NamedNode(f"https://w3id.org/hcc-kg/id/regimen/{name}")
    quads = [Quad(node, TYPE, NamedNode(HCC + "Regimen"))]
    for c in components:
        comp = NamedNode(f"{node.value}/{c}")
        quads += [Quad(node, NamedNode(HCC + "hasComponent"), comp), Quad(comp, TYPE, NamedNode(HCC + c))]
    return quads


def test_reasoner_classifies_regimens() -> None:
    regimens = (_regimen("triple", "FOLFOXHAIC", "Lenvatinib", "Camrelizumab")
                + _regimen("tace", "TACE") + _regimen("haic-pd1", "MFOLFOX6HAIC", "Toripalimab"))
    inferred: dict[str, set[str]] = {}
    for q in classify_regimens(ontology_quads(ONTOLOGY), regimens):
        inferred.setdefault(q.subject.value.rsplit("/", 1)[-1], set()).add(q.object.value[len(HCC):])
    assert {"HAICCombination", "TargetedImmuneCombination", "HAICTargetedImmuneCombination",
            "HAICImmuneCombination", "HAICTargetedCombination"} <= inferred["triple"]
    assert "HAICCombination" not in inferred["tace"] and "HAICContainingRegimen" not in inferred["tace"]
    assert {"HAICCombination", "HAICImmuneCombination"} <= inferred["haic-pd1"]
    assert "TargetedImmuneCombination" not in inferred["haic-pd1"]


@pytest.mark.parametrize("child,ancestor", [
    ("MainPVTT", "PortalVeinInvasion"), ("MajorPVTT", "MacrovascularInvasion"),
    ("PulmonaryMetastasis", "ExtrahepaticMetastasis"), ("MFOLFOX6HAIC", "HAIC"),
    ("Camrelizumab", "PD1Inhibitor"), ("Cadonilimab", "ImmuneCheckpointInhibitor"),
    ("IBI305", "AntiVEGFAntibody"), ("Donafenib", "TyrosineKinaseInhibitor"),
    ("RandomisedPhase3Trial", "RandomisedControlledTrial"), ("I125SeedStent", "Radiotherapy"),
])
def test_hierarchy(terms: TermIndex, child: str, ancestor: str) -> None:
    assert ancestor in terms.ancestors(child)


def test_bilingual_labels(terms: TermIndex) -> None:
    """Every therapy, criterion, endpoint and design has an English and a Chinese label."""
    missing = [t.id for t in terms.terms.values()
               if any(terms.in_branch(t.id, b) for b in ("therapy", "population", "endpoint", "design", "criteria"))
               and not {"en", "zh"} <= set(t.labels)]
    assert missing == []


@pytest.mark.parametrize("name,branch,expected", [
    ("仑伐替尼", "therapy", "Lenvatinib"), ("lenvatinib", "therapy", "Lenvatinib"),
    ("门静脉癌栓", "population", "PortalVeinInvasion"), ("portal vein invasion", "population", "PortalVeinInvasion"),
    ("FOHAIC", "therapy", "FOLFOXHAIC"), ("HAIC-FO", "therapy", "FOLFOXHAIC"),
    ("Child-Pugh B级", "population", "ChildPughB"), ("Child－Pugh　B级", "population", "ChildPughB"),
    ("PVTT", "population", "PortalVeinTumourThrombus"), ("OS", "endpoint", "OverallSurvival"),
])
def test_names_resolve_to_one_term(terms: TermIndex, name: str, branch: str, expected: str) -> None:
    """English and Chinese names (full-width punctuation too) resolve to one ontology term."""
    assert terms.resolve(name, branch) == expected


def test_unknown_term_suggests_closest(terms: TermIndex) -> None:
    with pytest.raises(LookupError, match="did you mean.*Lenvatinib"):
        terms.resolve("lenvatinb", "therapy")


def test_label_terms_are_literals() -> None:
    """No label is an IRI by mistake (an ODK-style quality check)."""
    bad = [q for q in ontology_quads(ONTOLOGY) if q.predicate.value.endswith("#label")
           and (not isinstance(q.object, Literal) or q.object.value.startswith("http"))]
    assert bad == []
