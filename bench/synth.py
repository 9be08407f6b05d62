"""A synthetic corpus in the curated format, for benchmarks: deterministic for a seed, real ontology terms.

It writes its own source documents (so every quote and number check runs for real) and its own data
files, always into a folder of its own: synthetic data never mixes with the curated data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import yaml

LOCOREGIONAL = ["FOLFOXHAIC", "MFOLFOX6HAIC", "CisplatinHAIC", "LowDoseCisplatinFluorouracilHAIC", "TACE",
                "DEBTACE", "ConventionalTACE", "RadiofrequencyAblation", "StereotacticRadiotherapy", "TARE"]
TARGETED = ["Sorafenib", "Lenvatinib", "Donafenib", "Apatinib", "Bevacizumab", "IBI305"]
IMMUNE = ["Camrelizumab", "Sintilimab", "Toripalimab", "Tislelizumab", "Atezolizumab", "Durvalumab",
          "Tremelimumab", "Cadonilimab"]
POPULATIONS = ["PortalVeinInvasion", "MainPVTT", "MajorPVTT", "PVTTVp3", "HepaticVeinTumourThrombus",
               "ExtrahepaticMetastasis", "PulmonaryMetastasis", "Oligometastasis", "BCLCB", "BCLCC", "CNLCIIIa",
               "CNLCIIIb", "ChildPughA", "LargeTumour", "Unresectable", "InitiallyUnresectable"]
DESIGNS = ["RandomisedPhase3Trial", "RandomisedPhase2Trial", "SingleArmTrial", "RetrospectiveCohortStudy",
           "PropensityMatchedStudy", "RealWorldStudy", "MetaAnalysis"]
ENDPOINTS = [("OverallSurvival", "median", "months"), ("ProgressionFreeSurvival", "median", "months"),
             ("ObjectiveResponseRate", "proportion", "%"), ("DiseaseControlRate", "proportion", "%"),
             ("Grade3to4AdverseEvent", "proportion", "%"), ("ConversionResectionRate", "proportion", "%")]
STUDIES_PER_FILE = 500


@dataclass(frozen=True)
class Corpus:
    """Where a synthetic corpus went."""

    data_dir: Path
    seeds_dir: Path
    studies: int
    findings: int


def _number(rng: random.Random, low: float, high: float, places: int) -> str:
    return f"{rng.uniform(low, high):.{places}f}"


def _regimen(rng: random.Random) -> list[str]:
    shape = rng.random()
    regimen = [rng.choice(LOCOREGIONAL)]
    if shape > 0.2:
        regimen.append(rng.choice(TARGETED))
    if shape > 0.55:
        regimen.append(rng.choice(IMMUNE))
    return regimen


def _study(rng: random.Random, n: int, file_no: int) -> tuple[dict, list[dict], list[str], dict]:
    sid = f"s-syn{n}"
    design = rng.choice(DESIGNS)
    size = rng.randint(20, 800)
    single = design == "SingleArmTrial"
    combo = _regimen(rng)
    arms = [{"id": f"{sid}-a", "label": "experimental arm", "regimen": combo}]
    if not single:
        arms.append({"id": f"{sid}-b", "label": "control arm", "regimen": combo[1:] or ["Sorafenib"]})
    population = rng.sample(POPULATIONS, rng.randint(1, 2))
    if rng.random() < 0.4:  # portal vein invasion is common in this literature; the flagship needs it
        population = list(dict.fromkeys([rng.choice(POPULATIONS[:4]), *population]))
    study_quote = f"Synthetic study {n} ({design}) enrolled {size} patients."
    study = {"id": sid, "label": f"synthetic study {n}", "design": [design], "sample_size": size,
             "trial_name": f"SYN-{n}", "reference": n, "population": {"includes": population},
             "arms": arms, "quote": study_quote, "quote_lang": "en"}
    findings, quotes = [], [study_quote]
    for k, (endpoint, statistic, unit) in enumerate(rng.sample(ENDPOINTS, rng.randint(3, 5))):
        value = _number(rng, 1, 60, 2) if unit == "months" else _number(rng, 1, 95, 1)
        finding = {"id": f"f-syn{n}-{k}", "study": sid, "arm": f"{sid}-a", "endpoint": endpoint,
                   "statistic": statistic, "value": value, "unit": unit}
        text = f"In synthetic study {n}, {endpoint} was {value} {unit}"
        if not single:
            comparator = _number(rng, 1, 60, 2) if unit == "months" else _number(rng, 1, 95, 1)
            p = rng.choice(["P<0.001", f"P={_number(rng, 0.001, 0.9, 3)}", "P>0.05"])
            finding.update(comparator_arm=f"{sid}-b", comparator_value=comparator, p=p)
            text += f" vs {comparator} {unit} ({p})"
            significant = p == "P<0.001" or (p.startswith("P=") and float(p[2:]) < 0.05)
            finding["direction"] = "benefit" if significant and endpoint != "Grade3to4AdverseEvent" else (
                "harm" if significant else "no-difference")
            finding["significant"] = significant
            if unit == "months" and rng.random() < 0.6:
                hr = _number(rng, 0.3, 0.95, 2)
                low = f"{float(hr) * 0.7:.2f}"
                high = f"{min(float(hr) * 1.3, 1.5):.2f}"
                finding.update(hr=hr, ci_low=low, ci_high=high, ci_level=95)
                text += f", HR={hr}, 95% CI {low}-{high}"
        else:
            finding["direction"] = "not-stated"
        text += "."
        finding.update(quote=text, quote_lang="en")
        findings.append(finding)
        quotes.append(text)
    reference = {"number": n, "authors": f"Synth A{n}, et al.", "title": f"Synthetic trial {n}",
                 "journal": "J Synth Oncol", "year": 2000 + n % 25, "doi": f"10.5555/synth.{file_no}.{n}"}
    return study, findings, quotes, reference


def _decimal_scalars(record: object) -> object:
    """Numbers the generator formatted as text become YAML numbers, written exactly as formatted."""
    if isinstance(record, dict):
        return {k: (_Num(v) if k in ("value", "comparator_value", "hr", "ci_low", "ci_high") else _decimal_scalars(v))
                for k, v in record.items()}
    if isinstance(record, list):
        return [_decimal_scalars(v) for v in record]
    return record


class _Num(str):
    """A number kept as its formatted text."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Num, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", str(v)))


def generate(out: Path, studies: int, seed: int = 1) -> Corpus:
    """Write ``studies`` synthetic studies as data files plus their source documents under ``out``."""
    rng = random.Random(seed)
    data_dir, seeds_dir = out / "data", out / "seeds"
    data_dir.mkdir(parents=True, exist_ok=True)
    seeds_dir.mkdir(parents=True, exist_ok=True)
    total_findings = 0
    for file_no, start in enumerate(range(0, studies, STUDIES_PER_FILE)):
        doc = {"source": {"id": f"synth{file_no:04d}", "file": f"synth{file_no:04d}.txt",
                          "title": f"Synthetic review {file_no}", "language": "en", "kind": "synthetic"},
               "references": [], "studies": [], "findings": []}
        text: list[str] = []
        for n in range(start + 1, min(start + STUDIES_PER_FILE, studies) + 1):
            study, findings, quotes, reference = _study(rng, n, file_no)
            doc["references"].append(reference)
            doc["studies"].append(study)
            doc["findings"].extend(findings)
            text.extend(quotes)
            total_findings += len(findings)
        (seeds_dir / f"synth{file_no:04d}.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
        (data_dir / f"synth{file_no:04d}.yaml").write_text(
            yaml.dump(_decimal_scalars(doc), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000),
            encoding="utf-8")
    return Corpus(data_dir, seeds_dir, studies, total_findings)
