"""The FHIR R5 code systems, codes and small element builders the FHIR export uses, and its ids.

Codes are taken from the R5 code systems as published (hl7.fhir.r5.core 5.0.0 and hl7.terminology.r5),
never made up: a statistic with no exact code (rate, a correlation of unnamed type, range,
qualitative) is typed by text only. Elements are plain dicts; the export validates each finished
resource with the ``fhir.resources`` R5 models.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from decimal import Decimal
from typing import Any

BASE = "https://w3id.org/hcc-kg/fhir/"
"""Base of the entries' fullUrl (``BASE + "Evidence/" + id``) and of our extensions."""
EXT = BASE + "StructureDefinition/"
"""Our extensions, for what FHIR has no element for (listed in the README)."""

STATISTIC_TYPE = "http://terminology.hl7.org/CodeSystem/statistic-type"
ATTRIBUTE_TYPE = "http://terminology.hl7.org/CodeSystem/attribute-estimate-type"
VARIABLE_ROLE = "http://terminology.hl7.org/CodeSystem/variable-role"
SECTION = "http://hl7.org/fhir/evidence-report-section"
STUDY_DESIGN = "http://hl7.org/fhir/study-design"
MODEL_CODE = "http://hl7.org/fhir/statistic-model-code"
TITLE_TYPE = "http://hl7.org/fhir/title-type"
CERTAINTY_TYPE = "http://hl7.org/fhir/certainty-type"
CLASSIFICATION_TYPE = "http://hl7.org/fhir/cited-artifact-classification-type"
UCUM = "http://unitsofmeasure.org"
DOI = "https://doi.org"
BCP47 = "urn:ietf:bcp:47"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

STATISTIC_CODES = {"median": ("C28007", "Median"), "hazard-ratio": ("C93150", "Hazard Ratio"),
                   "odds-ratio": ("C16932", "Odds Ratio"), "proportion": ("C44256", "Proportion"),
                   "mean": ("C53319", "Mean"), "count": ("C25463", "Count")}
CONFIDENCE_INTERVAL = ("C53324", "Confidence interval")
P_VALUE = ("C44185", "P-value")
RANGE_TYPES = {"range": ("C38013", "Range"), "span": ("C38013", "Range"),
               "iqr": ("C53245", "Interquartile range")}
STANDARD_DEVIATION = ("C53322", "Standard deviation")
UCUM_UNITS = {"months": "mo", "years": "a", "%": "%", "cm": "cm"}
SEVCO = {"MultiCentreStudy": ("SEVCO:01043", "Multicentric"),
         "Phase2Trial": ("SEVCO:01033", "Phase 2 trial"),
         "ObservationalStudy": ("SEVCO:01002", "Observational research")}
"""Design terms with an exact SEVCO equivalent in R5's study-design code system (the rest: our code only)."""
ROLE_DISPLAY = {"population": "population", "exposure": "exposure", "referenceExposure": "reference exposure",
                "measuredVariable": "measured variable"}
COMPARATORS = ("<", "<=", ">", ">=")

_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def fhir_id(text: str) -> str:
    """A FHIR id for a curated id: itself when it is one, else a readable form with a hash appended.

    FHIR ids match ``[A-Za-z0-9-.]{1,64}``; the hash of the original keeps two mapped ids apart
    (``a_b`` and ``a+b``), and the same text always gives the same id.
    """
    if _ID.fullmatch(text):
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    readable = re.sub(r"[^A-Za-z0-9\-.]+", "-", text).strip("-")[:64 - len(digest) - 1]
    return f"{readable}-{digest}" if readable else digest


_PRINTED = re.compile(r'"\\u0000(\d+)\\u0000"')


def printed_json(dumped: Any, source: Any) -> str:
    """JSON of a validated resource, each decimal written as the source dict printed it ("0.360").

    The R5 models hold decimals as floats (0.360 -> 0.36); walking the dumped data beside the dict
    it was validated from puts each curated Decimal's digits back.
    """
    printed: list[str] = []

    def merge(done: Any, given: Any) -> Any:
        if isinstance(done, dict):
            return {k: merge(v, given.get(k) if isinstance(given, dict) else None) for k, v in done.items()}
        if isinstance(done, list):
            same = isinstance(given, list) and len(given) == len(done)
            return [merge(v, given[i] if same else None) for i, v in enumerate(done)]
        if isinstance(done, float) and isinstance(given, Decimal) and Decimal(repr(done)) == given:
            printed.append(format(given, "f"))
            return f"\u0000{len(printed) - 1}\u0000"
        return done

    text = json.dumps(merge(dumped, source), indent=1, ensure_ascii=False)
    return _PRINTED.sub(lambda m: printed[int(m.group(1))], text)


def clean(data: Any) -> Any:
    """Drop None, empty lists and empty dicts, recursively (FHIR forbids empty elements)."""
    if isinstance(data, dict):
        cleaned = {k: clean(v) for k, v in data.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, [], {})}
    if isinstance(data, list):
        return [v for v in (clean(v) for v in data) if v not in (None, [], {})]
    return data


def concept(system: str, code: str, display: str, text: str | None = None) -> dict[str, Any]:
    """A CodeableConcept with one coding."""
    return {"coding": [{"system": system, "code": code, "display": display}], "text": text}


def extension(name: str, **value_x: Any) -> dict[str, Any]:
    """One of our extensions, e.g. ``extension("direction", valueCode="benefit")``."""
    return {"url": EXT + name, **value_x}


def reference(resource_type: str, resource_id: str, display: str | None = None) -> dict[str, Any]:
    """A literal reference to a resource in the bundle."""
    return {"reference": f"{resource_type}/{resource_id}", "display": display}


def translated(text: str | None) -> dict[str, Any] | None:
    """The standard translation extension carrying a Chinese label, for an ``_element``."""
    if not text:
        return None
    parts = [{"url": "lang", "valueCode": "zh"}, {"url": "content", "valueString": text}]
    return {"extension": [{"url": TRANSLATION, "extension": parts}]}


def quantity(number: Decimal, unit: str | None, relation: str | None = None) -> dict[str, Any]:
    """A Quantity: the number as the graph gives it, the unit as curated (with UCUM where it has one)."""
    code = UCUM_UNITS.get(unit or "")
    return {"value": number, "comparator": relation if relation in COMPARATORS else None, "unit": unit,
            "system": UCUM if code else None, "code": code}


def language(tag: str | None) -> dict[str, Any] | None:
    """A language as a CodeableConcept (BCP 47)."""
    return {"coding": [{"system": BCP47, "code": tag}]} if tag else None


def narrative(text: str) -> dict[str, str]:
    """Generated XHTML narrative holding ``text``."""
    return {"status": "generated",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{html.escape(text)}</div>'}


def statistic_type(statistic: str) -> dict[str, Any]:
    """The statistic's NCIt code where R5's statistic-type has an exact one, else text only."""
    if statistic in STATISTIC_CODES:
        code, display = STATISTIC_CODES[statistic]
        return concept(STATISTIC_TYPE, code, display, statistic)
    return {"text": statistic}
