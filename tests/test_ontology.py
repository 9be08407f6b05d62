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
    # issue 13: the vocabulary holes
    ("Cadonilimab", "PD1Inhibitor"), ("Cadonilimab", "CTLA4Inhibitor"), ("Sorafenib", "AntiAngiogenicTherapy"),
    ("Apatinib", "AntiAngiogenicTherapy"), ("Bevacizumab", "AntiAngiogenicTherapy"),
    ("IBI305", "AntiAngiogenicTherapy"), ("MajorPVTT", "MajorVeinInvasion"), ("MainPVTT", "MajorVeinInvasion"),
    ("MajorVeinInvasion", "MacrovascularInvasion"), ("PotentiallyResectable", "PopulationCriterion"),
    ("ColorectalLiverMetastasis", "PopulationCriterion"), ("DigitalSubtractionAngiography", "ImagingModality"),
    ("ComputedTomography", "ImagingModality"), ("MagneticResonanceImaging", "ImagingModality"),
    ("ContrastEnhancedUltrasound", "ImagingModality"), ("PleuralEffusion", "AdverseEvent"),
    ("ALTIncreased", "AdverseEvent"), ("Pneumothorax", "AdverseEvent"), ("FemaleSex", "PopulationCriterion"),
    ("PulmonaryMetastasisUnder2cm", "PulmonaryMetastasis"),
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
    ("门静脉癌栓", "population", "PortalVeinTumourThrombus"), ("门脉癌栓", "population", "PortalVeinTumourThrombus"),
    ("门静脉侵犯", "population", "PortalVeinInvasion"),
    ("portal vein invasion", "population", "PortalVeinInvasion"),
    ("FOHAIC", "therapy", "FOLFOXHAIC"), ("HAIC-FO", "therapy", "FOLFOXHAIC"),
    ("Child-Pugh B级", "population", "ChildPughB"), ("Child－Pugh　B级", "population", "ChildPughB"),
    ("PVTT", "population", "PortalVeinTumourThrombus"), ("OS", "endpoint", "OverallSurvival"),
])
def test_names_resolve_to_one_term(terms: TermIndex, name: str, branch: str, expected: str) -> None:
    """English and Chinese names (full-width punctuation too) resolve to one ontology term."""
    assert terms.resolve(name, branch) == expected


@pytest.mark.parametrize("name,branch,expected", [
    # 002 Table 4 and 000 Table 3 name these; a group level or an event is a term, not free text
    ("胸腔积液", "endpoint", "PleuralEffusion"), ("气胸", "endpoint", "Pneumothorax"), ("ALT 升高", "endpoint", "ALTIncreased"),
    ("CR + PR", "population", "ObjectiveResponse"), ("SD + PD", "population", "NonResponse"),
    ("女性", "population", "FemaleSex"), ("male", "population", "MaleSex"),
    ("增强CT", "imaging", "ComputedTomography"), ("MRI", "imaging", "MagneticResonanceImaging"),
    ("数字减影血管造影", "imaging", "DigitalSubtractionAngiography"), ("DSA", "imaging", "DigitalSubtractionAngiography"),
    ("大静脉浸润", "population", "MajorVeinInvasion"), ("潜在可切除", "population", "PotentiallyResectable"),
    ("肿瘤标志物持续升高", "population", "TumourMarkerRise"), ("50%以上残存活性", "population", "ViableTumourOver50Percent"),
    ("抗血管生成治疗", "therapy", "AntiAngiogenicTherapy"), ("卡度尼利单抗", "therapy", "Cadonilimab"),
    ("结直肠癌肝转移", "population", "ColorectalLiverMetastasis"),
])
def test_issue13_terms_resolve(terms: TermIndex, name: str, branch: str, expected: str) -> None:
    assert terms.resolve(name, branch) == expected


def test_every_class_has_english_and_chinese_labels(terms: TermIndex) -> None:
    """Sites, imaging modalities, groups and the rest too, not only the record branches."""
    assert [t.id for t in terms.terms.values() if not {"en", "zh"} <= set(t.labels)] == []


def test_no_name_is_ambiguous(terms: TermIndex) -> None:
    """Labels of paired levels differ in words (symbols fold away: '< 2 cm' and '>= 2 cm' would collide)."""
    assert {k: sorted(v) for k, v in terms._by_name.items() if len(v) > 1} == {}


def test_cadonilimab_regimen_is_a_haic_immune_combination() -> None:
    inferred = {q.object.value[len(HCC):] for q in classify_regimens(
        ontology_quads(ONTOLOGY), _regimen("cado", "FOLFOXHAIC", "Cadonilimab"))}
    assert {"HAICCombination", "HAICImmuneCombination"} <= inferred


def test_every_new_property_is_declared_with_labels() -> None:
    """Each property the build writes for issue 13 is declared, labelled in English and Chinese, commented."""
    quads = ontology_quads(ONTOLOGY)
    props = ("site group comparatorGroup valueStatus comparatorStatus count denominator comparatorCount "
             "comparatorDenominator standardDeviation comparatorStandardDeviation rangeLow rangeHigh rangeKind "
             "comparatorRangeLow comparatorRangeHigh comparatorCiLower comparatorCiUpper favours tested "
             "timepointMonths correlatedWith anyOfCriterion disease subjects aboutDefinition sessions consecutive "
             "windowMonths imagingModality countsEvent conflictKind explanation explainedBy").split()
    for name in props:
        about = [q for q in quads if q.subject == NamedNode(HCC + name)]
        langs = {q.object.language for q in about if q.predicate.value.endswith("#label")}
        assert {"en", "zh"} <= langs, name
        assert any(q.predicate.value.endswith("#comment") for q in about), name
    printed = [q.subject.value for q in quads if q.predicate.value.endswith("#subPropertyOf")
               and q.object == NamedNode(HCC + "printedForm")]
    from hcc_kg.build.rdf import FINDING_DECIMALS

    # every decimal the build writes has its printed twin declared: the finding's and the definition window's
    written = {prop for _, prop in FINDING_DECIMALS} | {"windowFromMonths", "windowMonths"}
    assert set(printed) == {HCC + prop + "Printed" for prop in written}


def test_unknown_term_suggests_closest(terms: TermIndex) -> None:
    with pytest.raises(LookupError, match="did you mean.*Lenvatinib"):
        terms.resolve("lenvatinb", "therapy")


def test_label_terms_are_literals() -> None:
    """No label is an IRI by mistake (an ODK-style quality check)."""
    bad = [q for q in ontology_quads(ONTOLOGY) if q.predicate.value.endswith("#label")
           and (not isinstance(q.object, Literal) or q.object.value.startswith("http"))]
    assert bad == []
