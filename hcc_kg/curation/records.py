"""The curation model: one YAML file per source document, parsed into typed records.

The pydantic models are the documented schema (see data/README.md); ``load_file`` keeps YAML line
numbers so that every error can point a curator at the exact line.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from hcc_kg.curation.kinds import SECTIONS
from hcc_kg.errors import Issue

MAX_FILE_BYTES = 5 * 1024 * 1024
ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
P_PATTERN = re.compile(r"^\s*[Pp]\s*(=|<|>|≤|≥|<=|>=)\s*(\d*\.?\d+)\s*$")

Direction = Literal["benefit", "harm", "no-difference", "association", "not-stated"]
Statistic = Literal[
    "median", "mean", "rate", "proportion", "count", "hazard-ratio", "odds-ratio", "correlation", "range",
    "qualitative",
]
Language = Literal["en", "zh"]
ValueStatus = Literal["not-reached", "not-estimable"]


class Model(BaseModel):
    """Strict base: unknown fields are errors, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


Quote = str | list[str]


def quote_list(quote: Quote) -> list[str]:
    """A record's quote as a list of passages (one passage is the common case)."""
    return [quote] if isinstance(quote, str) else list(quote)


class Quoted(Model):
    """A record carrying the verbatim source text it was curated from."""

    quote: Quote
    quote_lang: Language

    @field_validator("quote")
    @classmethod
    def _quote_not_empty(cls, value: Quote) -> Quote:
        passages = quote_list(value)
        if not passages or any(not p.strip() for p in passages):
            raise ValueError("quote is empty")
        return value


class SourceDocument(Model):
    """The document in ../shared/seeds that the file's records were curated from."""

    id: str = Field(pattern=ID_PATTERN)
    file: str
    title: str
    title_en: str | None = None
    authors: str | None = None
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    language: Language
    kind: str | None = None


class Reference(Model):
    """An entry of the source document's reference list, exactly as the list gives it."""

    number: int = Field(ge=1)
    authors: str | None = None
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    text: str | None = None


class PopulationSpec(Model):
    """Criteria (ontology ids or labels) every member meets / no member meets / meets at least one of.

    ``any_of`` is a union ("major vein invasion or distant metastasis", "Child-Pugh A or B7");
    ``disease`` is the disease axis (default: HCC), so that evidence cited from other diseases
    (colorectal liver metastases) stays apart; ``subjects`` says whether the population is patients
    or survey respondents (clinicians), which never count as a patient population.
    """

    includes: list[str] = []
    any_of: list[str] = []
    excludes: list[str] = []
    disease: str | None = None
    subjects: Literal["patients", "clinicians"] = "patients"
    description: str | None = None

    @model_validator(mode="after")
    def _some_criterion(self) -> PopulationSpec:
        if not self.includes and not self.any_of:
            raise ValueError("[includes] a population needs includes or any_of")
        if len(self.any_of) == 1:
            raise ValueError("[any_of] any_of is a union of at least two criteria; use includes for one")
        return self


class GroupSpec(Model):
    """The level of a grouping factor a value belongs to: criteria present (includes) or absent (excludes).

    For within-cohort comparisons ("PVTT yes vs no", "CR+PR vs SD+PD", "< 2 cm vs >= 2 cm"), ``group``
    and ``comparator_group`` say which level ``value`` and ``comparator_value`` describe.
    """

    includes: list[str] = []
    excludes: list[str] = []
    description: str | None = None

    @model_validator(mode="after")
    def _some_criterion(self) -> GroupSpec:
        if not self.includes and not self.excludes:
            raise ValueError("[includes] a group needs includes or excludes")
        return self


class ArmRecord(Model):
    """One arm of a study: a regimen (its components) and a size."""

    id: str = Field(pattern=ID_PATTERN)
    label: str
    regimen: list[str] = Field(min_length=1)
    agents_used: list[str] = []
    size: int | None = Field(default=None, ge=0)


class StudyRecord(Quoted):
    """A study or trial: the source document itself or one it cites."""

    id: str = Field(pattern=ID_PATTERN)
    label: str
    design: list[str] = Field(min_length=1)
    trial_name: str | None = None
    registry_id: str | None = None
    phase: str | None = None
    sample_size: int | None = Field(default=None, ge=0)
    centres: int | None = Field(default=None, ge=1)
    period: str | None = None
    reference: int | None = None
    population: PopulationSpec | None = None
    arms: list[ArmRecord] = []
    note: str | None = None


class FindingRecord(Quoted):
    """One effect estimate or result exactly as the source states it (FHIR Evidence)."""

    id: str = Field(pattern=ID_PATTERN)
    study: str
    arm: str | None = None
    comparator_arm: str | None = None
    population: PopulationSpec | None = None
    subgroup: str | None = None
    endpoint: str
    outcome_detail: str | None = None
    statistic: Statistic
    timepoint: str | None = None
    criteria: str | None = None
    site: str | None = None
    group: GroupSpec | None = None
    comparator_group: GroupSpec | None = None
    value: Decimal | None = None
    value_relation: Literal["=", "<", ">", "<=", ">=", "~"] | None = None
    value_status: ValueStatus | None = None
    value_note: str | None = None
    count: int | None = Field(default=None, ge=0)
    denominator: int | None = Field(default=None, ge=1)
    sd: Decimal | None = Field(default=None, ge=0)
    range_low: Decimal | None = None
    range_high: Decimal | None = None
    range_kind: Literal["span", "range", "iqr"] | None = None
    comparator_value: Decimal | None = None
    comparator_status: ValueStatus | None = None
    comparator_count: int | None = Field(default=None, ge=0)
    comparator_denominator: int | None = Field(default=None, ge=1)
    comparator_sd: Decimal | None = Field(default=None, ge=0)
    comparator_ci_low: Decimal | None = None
    comparator_ci_high: Decimal | None = None
    comparator_range_low: Decimal | None = None
    comparator_range_high: Decimal | None = None
    unit: str | None = None
    hr: Decimal | None = Field(default=None, gt=0)
    ci_low: Decimal | None = None
    ci_high: Decimal | None = None
    ci_level: int | None = Field(default=None, ge=1, le=99)
    p: str | None = None
    significant: bool | None = None
    direction: Direction
    favours: Literal["arm", "comparator", "neither"] | None = None
    analysis: Literal["univariate", "multivariate"] | None = None
    factor: str | None = None
    reference: int | None = None
    conflicts_with: list[str] = []
    conflict_note: str | None = None
    note: str | None = None

    @field_validator("p")
    @classmethod
    def _p_parses(cls, value: str | None) -> str | None:
        if value is None:
            return value
        match = P_PATTERN.match(value)
        if not match:
            raise ValueError(f"cannot parse p-value {value!r} (expected e.g. 'P<0.001' or 'P=0.031')")
        if not Decimal(0) <= Decimal(match.group(2)) <= Decimal(1):
            raise ValueError(f"p-value {value!r} is outside [0, 1]")
        return value

    @field_validator("timepoint")
    @classmethod
    def _timepoint_parses(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d+(\.\d+)? (month|year|week)s?", value):
            raise ValueError(f"timepoint {value!r} must look like '1 year' or '6 months'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> FindingRecord:
        # "[field] message": load_file reports the error on that field and its line
        if self.unit == "%":
            for name in ("value", "comparator_value"):
                number = getattr(self, name)
                if number is not None and not Decimal(0) <= number <= Decimal(100):
                    raise ValueError(f"[{name}] {name} {number} is a percentage outside [0, 100]")
        if (self.comparator_value is not None and self.arm is not None and self.comparator_arm is None
                and self.comparator_group is None):
            raise ValueError("[comparator_value] a single-arm finding (arm without comparator_arm) "
                             "cannot have a comparator_value")
        for low, high in (("comparator_ci_low", "comparator_ci_high"),
                          ("range_low", "range_high"), ("comparator_range_low", "comparator_range_high")):
            a, b = getattr(self, low), getattr(self, high)
            if (a is None) != (b is None):
                raise ValueError(f"[{low if a is not None else high}] {low} and {high} go together")
            if a is not None and b is not None and a > b:
                raise ValueError(f"[{low}] {low} {a} is greater than {high} {b}")
        if self.comparator_ci_low is not None and self.comparator_value is not None and not (
                self.comparator_ci_low <= self.comparator_value <= self.comparator_ci_high):  # type: ignore[operator]
            raise ValueError(f"[comparator_ci_low] comparator CI [{self.comparator_ci_low}, "
                             f"{self.comparator_ci_high}] does not contain {self.comparator_value}")
        if (self.range_low is None) != (self.range_kind is None):
            raise ValueError("[range_kind] range_low/range_high and range_kind go together")
        for count, total in (("count", "denominator"), ("comparator_count", "comparator_denominator")):
            n, d = getattr(self, count), getattr(self, total)
            if n is not None and d is not None and n > d:
                raise ValueError(f"[{count}] {count} {n} is greater than its {total} {d}")
        if self.value_status is not None and self.value is not None:
            raise ValueError(f"[value_status] a {self.value_status} value has no number in value")
        if self.comparator_status is not None and self.comparator_value is not None:
            raise ValueError(f"[comparator_status] a {self.comparator_status} comparator "
                             "has no comparator_value")
        if self.comparator_group is not None and self.group is None:
            raise ValueError("[comparator_group] a comparator_group needs a group")
        if self.favours is not None and self.comparator_arm is None and self.comparator_group is None:
            raise ValueError("[favours] favours compares two arms or groups: "
                             "give comparator_arm or comparator_group")
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValueError(f"[{'ci_low' if self.ci_low is not None else 'ci_high'}] "
                             "ci_low and ci_high go together")
        if self.ci_low is not None and self.ci_high is not None:
            if self.ci_low > self.ci_high:
                raise ValueError(f"[ci_low] CI low {self.ci_low} is greater than CI high {self.ci_high}")
            estimate = self.hr if self.hr is not None else self.value
            if estimate is not None and not self.ci_low <= estimate <= self.ci_high:
                raise ValueError(f"[ci_low] CI [{self.ci_low}, {self.ci_high}] "
                                 f"does not contain its estimate {estimate}")
        return self

    def p_bound(self) -> tuple[str, Decimal] | None:
        """The p-value's relation and numeric bound, e.g. ('<', 0.001)."""
        if self.p is None:
            return None
        match = P_PATTERN.match(self.p)
        if match is None:  # _p_parses rejects these; only a record built without validation has one
            raise ValueError(f"cannot parse p-value {self.p!r} (expected e.g. 'P<0.001' or 'P=0.031')")
        relation = {"≤": "<=", "≥": ">="}.get(match.group(1), match.group(1))
        return relation, Decimal(match.group(2))


class RecommendationRecord(Quoted):
    """A consensus statement (or a branch of a treatment strategy) with its grades."""

    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["consensus-statement", "treatment-strategy"]
    number: int | None = None
    label: str
    evidence_quality: str | None = None
    strength: str | None = None
    grading_system: str | None = None
    cites: list[int] = []
    therapies: list[str] = []
    populations: list[str] = []
    definitions: list[str] = []
    note: str | None = None


class CriterionRecord(Model):
    """One criterion of a definition, e.g. the number of TACE sessions."""

    aspect: Literal[
        "sessions", "assessment-window", "imaging", "response-criteria", "refractory-condition",
        "tumour-marker", "other",
    ]
    value: str
    response_criteria: str | None = None
    sessions: int | None = Field(default=None, ge=1)
    consecutive: bool | None = None
    window_from_months: Decimal | None = Field(default=None, ge=0)
    window_months: Decimal | None = Field(default=None, gt=0)
    imaging: list[str] = []
    events: list[str] = []


class DefinitionRecord(Quoted):
    """A definition of TACE refractoriness as structured criteria."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    label: str
    reference: int | None = None
    criteria: list[CriterionRecord] = Field(min_length=1)
    note: str | None = None


class ConflictRecord(Quoted):
    """Records that disagree: a source contradicting itself, or studies a review sets against each other.

    ``kind: between-studies`` carries the source's own ``explanation`` (its passage is in the quote) and
    the terms it names as the reason (``explained_by``: Child-Pugh class, regimen, aetiology, ...).
    """

    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["internal", "between-studies"] = "internal"
    members: list[str] = Field(min_length=1)
    note: str
    explanation: str | None = None
    explained_by: list[str] = []


class SourceFile(Model):
    """Everything curated from one source document."""

    source: SourceDocument
    references: list[Reference] = []
    studies: list[StudyRecord] = []
    findings: list[FindingRecord] = []
    recommendations: list[RecommendationRecord] = []
    definitions: list[DefinitionRecord] = []
    conflicts: list[ConflictRecord] = []




class _LineLoader(yaml.CSafeLoader):  # libyaml's parser (in PyYAML's wheels): ~20x faster, same marks
    """Safe loader that remembers the line of every mapping and of each of its keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    lines: dict[str, int] = {}
    for key_node, _ in node.value:
        if str(key_node.value) in lines:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
            )
        lines[str(key_node.value)] = key_node.start_mark.line + 1
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = lines
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Decimal, not float: "13.37" must stay 13.37 and "3.0" must stay 3.0 for the quote check.
def _construct_decimal(loader: _LineLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(str(loader.construct_scalar(node)))


_LineLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _strip_lines(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _strip_lines(v) for k, v in data.items() if k not in ("__line__", "__lines__")}
    if isinstance(data, list):
        return [_strip_lines(v) for v in data]
    return data


def _line_at(raw: Any, loc: tuple[Any, ...]) -> tuple[int | None, str | None]:
    """The line of the deepest located node and the record id that encloses it."""
    node, line, record = raw, None, None
    for part in loc:
        if isinstance(node, dict):
            line = node.get("__lines__", {}).get(str(part), node.get("__line__", line))
            if isinstance(node.get("id"), str):
                record = node["id"]
            node = node.get(part) if part in node else None
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            if isinstance(node, dict):
                line = node.get("__line__", line)
                if isinstance(node.get("id"), str):
                    record = node["id"]
        else:
            break
    return line, record


class LoadedFile(BaseModel):
    """A parsed data file with its path and the raw line map for later checks."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    path: Path
    display: str
    data: SourceFile
    raw: dict[str, Any]

    def line_of(self, section: str, record_id: str, field: str | None = None) -> int | None:
        """Line of a record (or one of its fields) by section and id."""
        for item in self.raw.get(section, []) or []:
            if isinstance(item, dict) and item.get("id") == record_id:
                if field:
                    return item.get("__lines__", {}).get(field, item.get("__line__"))
                return item.get("__line__")
        return None


class _Anchor:
    """Where a YAML anchor or alias was found, for the one-line refusal."""

    def __init__(self, what: str, line: int) -> None:
        self.what, self.line = what, line

    def at(self, shown: str) -> Issue:
        """The refusal, as an issue of the file shown as ``shown``."""
        return Issue(shown, self.line, None, None,
                     f"YAML anchors and aliases are not allowed in curated files ({self.what}); "
                     "write the value out in full")


def _first_anchor(text: str) -> _Anchor | None:
    """The first anchor (``&a``) or alias (``*a``) in ``text``, found from libyaml's event stream.

    Aliases are refused outright: a curated file has no need for them, and nested aliases expand
    exponentially when the document is constructed (1 KB of nine levels of nine aliases makes
    9**9 nodes). The events are read before anything is constructed, so a bomb costs microseconds;
    files without '&' or '*' (nearly all) skip this pass. A syntax error stops the scan: the
    loader then reports it.
    """
    if "&" not in text and "*" not in text:
        return None
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            line = event.start_mark.line + 1 if event.start_mark is not None else 1
            if isinstance(event, yaml.AliasEvent):
                return _Anchor(f"alias *{event.anchor}", line)
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                return _Anchor(f"anchor &{anchor}", line)
    except yaml.YAMLError:
        return None
    return None


def read_yaml(path: Path, shown: str, top_level: str) -> tuple[dict[str, Any] | None, list[Issue]]:
    """Read one curated YAML file safely (data, exclusions, reviews) into a mapping with line marks.

    Size-capped (also if it grows while read), UTF-8, no anchors or aliases, libyaml's safe loader;
    every problem is one issue naming the file and, where known, the line. ``top_level`` names the
    keys the mapping must have, for the message when the top level is not a mapping.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Issue(shown, None, None, None, f"file is {size} bytes, over the "
                                f"{MAX_FILE_BYTES}-byte limit for one data file")]
        with path.open("rb") as handle:
            raw_bytes = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [Issue(shown, None, None, None, f"cannot read file: {exc.strerror or exc}")]
    if len(raw_bytes) > MAX_FILE_BYTES:  # it grew after stat
        return None, [Issue(shown, None, None, None,
                            f"file is over the {MAX_FILE_BYTES}-byte limit for one data file")]
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Issue(shown, raw_bytes[: exc.start].count(b"\n") + 1, None, None,
                            f"file is not UTF-8 (byte {exc.start}: {exc.reason})")]
    if not text.strip():
        return None, [Issue(shown, None, None, None, "file is empty")]
    alias = _first_anchor(text)
    if alias is not None:
        return None, [alias.at(shown)]
    try:
        raw = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        return None, [Issue(shown, mark.line + 1 if mark else None, None, None, f"malformed YAML: {problem}")]
    except (ValueError, InvalidOperation, RecursionError) as exc:
        return None, [Issue(shown, None, None, None, f"malformed YAML: {' '.join(str(exc).split())}")]
    if not isinstance(raw, dict):
        return None, [Issue(shown, 1, None, None, f"top level must be a mapping with {top_level}")]
    return raw, []


def load_file(path: Path, display: str | None = None) -> tuple[LoadedFile | None, list[Issue]]:
    """Parse and schema-check one data file; never raises on bad content, returns issues instead."""
    shown = display or str(path)
    raw, problems = read_yaml(path, shown, "a 'source' key")
    if raw is None:
        return None, problems
    try:
        data = SourceFile.model_validate(_strip_lines(raw))
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line, record = _line_at(raw, loc)
            message = err["msg"].removeprefix("Value error, ")
            marker = re.match(r"\[(\w+)\] ", message)
            if marker:
                message = message[marker.end():]
                loc = (*loc, marker.group(1))
                line, record = _line_at(raw, loc)
            names = [str(p) for p in loc if not isinstance(p, int)]
            if record is not None and len(names) > 1 and names[0] in SECTIONS:
                names = names[1:]  # the record id already says which section
            field = ".".join(names) or None
            if err["type"] == "extra_forbidden":
                message = f"unknown field {loc[-1]!r}"
            elif err["type"] == "missing":
                message = f"missing required field {loc[-1]!r}"
            issues.append(Issue(shown, line, record, field, message))
        return None, issues
    return LoadedFile(path=path, display=shown, data=data, raw=raw), []
