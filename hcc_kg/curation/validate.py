"""Validation of the whole curated data set: schema, cross-record integrity, terms and provenance.

Returns every issue found in one pass (not only the first), each naming file, line, record and field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from hcc_kg.curation.kinds import SECTIONS
from hcc_kg.curation.provenance import (
    MIN_CONTEXT,
    SourceRefused,
    context_length,
    missing_numbers,
    numbers_in,
    quote_in_source,
    read_source,
)
from hcc_kg.curation.records import (
    ArmRecord,
    FindingRecord,
    LoadedFile,
    PopulationSpec,
    Quote,
    StudyRecord,
    load_file,
    quote_list,
)
from hcc_kg.errors import Issue
from hcc_kg.terms import TermIndex


@dataclass
class Dataset:
    """The validated data files and the term index they were checked against."""

    files: list[LoadedFile]
    terms: TermIndex

    def records(self) -> dict[str, object]:
        """Every record (studies, arms, findings, ...) by id, for lookups in tests and the build."""
        index: dict[str, object] = {}
        for file in self.files:
            data = file.data
            index[data.source.id] = data.source
            for section in SECTIONS:
                for record in getattr(data, section):
                    index[record.id] = record
            for study in data.studies:
                for arm in study.arms:
                    index[arm.id] = arm
        return index

    def source_of(self, record_id: str) -> LoadedFile:
        """The data file holding a record."""
        for file in self.files:
            if record_id in {i for _, i, _ in _record_ids(file)}:
                return file
        raise KeyError(record_id)


DATA_SUFFIXES = (".yaml", ".yml")


def data_files(data_dir: Path) -> list[Path]:
    """The curated data files, ``*.yaml`` and ``*.yml`` alike (a ``.yml`` file is never silently skipped)."""
    return sorted(p for p in data_dir.glob("*") if p.suffix in DATA_SUFFIXES and p.is_file())


def _display(path: Path, root: Path | None) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve())) if root else str(path)
    except ValueError:
        return str(path)


def validate(
    data_dir: Path, ontology: Path, seeds_dir: Path, root: Path | None = None,
    terms: TermIndex | None = None,
) -> tuple[Dataset, list[Issue]]:
    """Load and check every data file; the dataset holds only the files that parsed."""
    terms = terms or TermIndex.from_ontology(ontology)
    paths = data_files(data_dir)
    issues: list[Issue] = []
    if not paths:
        issues.append(Issue(_display(data_dir, root), None, None, None,
                            "no *.yaml or *.yml data files found"))
    loaded: list[LoadedFile] = []
    for path in paths:
        file, file_issues = load_file(path, _display(path, root))
        issues.extend(file_issues)
        if file is not None:
            loaded.append(file)
    issues.extend(_check_unique_ids(loaded))
    for file in loaded:
        issues.extend(_FileChecker(file, terms, seeds_dir).run())
    return Dataset(loaded, terms), issues


def _record_ids(file: LoadedFile) -> Iterable[tuple[str, str, str]]:
    data = file.data
    yield "source", data.source.id, "source"
    for section in SECTIONS:
        for record in getattr(data, section):
            yield section, record.id, section
    for study in data.studies:
        for arm in study.arms:
            yield "studies", arm.id, f"studies arm of {study.id}"


def _check_unique_ids(files: list[LoadedFile]) -> list[Issue]:
    seen: dict[str, str] = {}
    issues = []
    for file in files:
        for section, record_id, _ in _record_ids(file):
            if record_id in seen:
                issues.append(Issue(file.display, file.line_of(section, record_id), record_id, "id",
                                    f"duplicate record id (also in {seen[record_id]})"))
            else:
                seen[record_id] = file.display
    return issues


class _FileChecker:
    """Cross-record checks within one data file."""

    def __init__(self, file: LoadedFile, terms: TermIndex, seeds_dir: Path):
        self.file, self.terms, self.seeds_dir = file, terms, seeds_dir
        self.issues: list[Issue] = []
        data = file.data
        self.references = {r.number for r in data.references}
        self.studies = {s.id: s for s in data.studies}
        self.arms = {a.id: (s.id, a) for s in data.studies for a in s.arms}
        self.all_ids = {i for _, i, _ in _record_ids(file)}
        self.definitions = {d.id for d in data.definitions}
        self.text: str | None = None

    def issue(self, section: str, record: str | None, field: str | None, message: str) -> None:
        line = self.file.line_of(section, record, field) if record else None
        self.issues.append(Issue(self.file.display, line, record, field, message))

    def run(self) -> list[Issue]:
        data = self.file.data
        try:
            self.text = read_source(self.seeds_dir, data.source.file)
        except SourceRefused as exc:
            raw_source = self.file.raw.get("source")
            line = raw_source.get("__lines__", {}).get("file") if isinstance(raw_source, dict) else None
            line = line or self.file.raw.get("__lines__", {}).get("source")
            self.issues.append(Issue(self.file.display, line, data.source.id, "source.file", str(exc)))
        seen_refs: set[int] = set()
        for i, ref in enumerate(data.references):
            if ref.number in seen_refs:
                raw = self.file.raw.get("references", [])
                line = raw[i].get("__line__") if i < len(raw) and isinstance(raw[i], dict) else None
                self.issues.append(Issue(self.file.display, line, None, "references.number",
                                         f"reference number {ref.number} is listed twice"))
            seen_refs.add(ref.number)
        for study in data.studies:
            self.check_study(study)
        for finding in data.findings:
            self.check_finding(finding)
        for rec in data.recommendations:
            self.check_ref("recommendations", rec.id, "cites", *rec.cites)
            for name in rec.therapies:
                self.term("recommendations", rec.id, "therapies", name, "therapy")
            for name in rec.populations:
                self.term("recommendations", rec.id, "populations", name, "population")
            for definition_id in rec.definitions:
                if definition_id not in self.definitions:
                    self.issue("recommendations", rec.id, "definitions",
                               f"no definition {definition_id!r} in this file")
            statement: dict[str, Decimal | int] = {"number": rec.number} if rec.number is not None else {}
            self.check_quote("recommendations", rec.id, rec.quote, statement)
        for definition in data.definitions:
            self.check_ref("definitions", definition.id, "reference", definition.reference)
            numbers: dict[str, Decimal | int] = {}
            for i, criterion in enumerate(definition.criteria):
                if criterion.response_criteria:
                    self.term("definitions", definition.id, f"criteria[{i}].response_criteria",
                              criterion.response_criteria, "criteria")
                for name in criterion.imaging:
                    self.term("definitions", definition.id, f"criteria[{i}].imaging", name, "imaging")
                for name in criterion.events:
                    self.term("definitions", definition.id, f"criteria[{i}].events", name)
                for n in numbers_in(criterion.value):
                    numbers[f"criteria[{i}].value ({n})"] = n
                if criterion.sessions is not None:
                    numbers[f"criteria[{i}].sessions"] = criterion.sessions
                if criterion.window_months is not None:
                    numbers[f"criteria[{i}].window_months"] = criterion.window_months
                if criterion.window_from_months is not None:
                    numbers[f"criteria[{i}].window_from_months"] = criterion.window_from_months
                    end = criterion.window_months
                    if end is None or criterion.window_from_months > end:
                        self.issue("definitions", definition.id, f"criteria[{i}].window_from_months",
                                   "window_from_months is the start of a window that ends at window_months")
            self.check_quote("definitions", definition.id, definition.quote, numbers)
        for conflict in data.conflicts:
            for member in conflict.members:
                if member not in self.all_ids:
                    self.issue("conflicts", conflict.id, "members", f"no record {member!r} in this file")
            for name in conflict.explained_by:
                self.term("conflicts", conflict.id, "explained_by", name)
            if conflict.kind == "between-studies" and not conflict.explanation:
                self.issue("conflicts", conflict.id, "explanation",
                           "a between-studies conflict needs the source's explanation")
            self.check_quote("conflicts", conflict.id, conflict.quote, {})
        return self.issues

    def term(self, section: str, record: str, field: str, name: str, *branches: str) -> None:
        errors = []
        for branch in branches or (None,):
            try:
                self.terms.resolve(name, branch)
                return
            except LookupError as exc:
                errors.append(str(exc))
        self.issue(section, record, field, errors[0])

    def check_ref(self, section: str, record: str, field: str, *numbers: int | None) -> None:
        for number in numbers:
            if number is not None and number not in self.references:
                self.issue(section, record, field, f"reference [{number}] is not in this file's references")

    def check_population(self, section: str, record: str, population: PopulationSpec | None) -> None:
        if population is None:
            return
        for name in population.includes:
            self.term(section, record, "population.includes", name, "population")
        for name in population.excludes:
            self.term(section, record, "population.excludes", name, "population")
        for name in population.any_of:
            self.term(section, record, "population.any_of", name, "population")
        if population.disease is not None:
            self.term(section, record, "population.disease", population.disease, "population")

    def check_study(self, study: StudyRecord) -> None:
        for name in study.design:
            self.term("studies", study.id, "design", name, "design")
        self.check_ref("studies", study.id, "reference", study.reference)
        self.check_population("studies", study.id, study.population)
        numbers: dict[str, Decimal | int] = {}
        if study.sample_size is not None:
            numbers["sample_size"] = study.sample_size
        if study.centres is not None:
            numbers["centres"] = study.centres
        for arm in study.arms:
            for name in arm.regimen:
                self.term("studies", study.id, f"arms.{arm.id}.regimen", name, "therapy")
            self.check_agents(study.id, arm)
            if arm.size is not None:
                numbers[f"arms.{arm.id}.size"] = arm.size
                if study.sample_size is not None and arm.size > study.sample_size:
                    self.issue("studies", study.id, "arms",
                               f"arm {arm.id} has {arm.size} patients, "
                               f"more than the study's {study.sample_size}")
        self.check_quote("studies", study.id, study.quote, numbers)

    def check_agents(self, study_id: str, arm: ArmRecord) -> None:
        """Each agent used must be a narrower term of one of the arm's regimen components."""
        try:
            components = [self.terms.resolve(c, "therapy") for c in arm.regimen]
        except LookupError:
            return
        for name in arm.agents_used:
            try:
                agent = self.terms.resolve(name, "therapy")
            except LookupError as exc:
                self.issue("studies", study_id, f"arms.{arm.id}.agents_used", str(exc))
                continue
            if not any(c in self.terms.ancestors(agent) for c in components):
                self.issue("studies", study_id, f"arms.{arm.id}.agents_used",
                           f"{agent} is not a kind of any regimen component ({', '.join(components)})")

    def check_finding(self, f: FindingRecord) -> None:
        study = self.studies.get(f.study)
        if study is None:
            self.issue("findings", f.id, "study", f"no study {f.study!r} in this file")
        for field in ("arm", "comparator_arm"):
            arm_id = getattr(f, field)
            if arm_id is None:
                continue
            owner = self.arms.get(arm_id)
            if owner is None:
                self.issue("findings", f.id, field, f"no arm {arm_id!r} in this file")
            elif study is not None and owner[0] != study.id:
                self.issue("findings", f.id, field,
                           f"arm {arm_id!r} belongs to study {owner[0]!r}, not {f.study!r}")
        if f.comparator_arm and not f.arm:
            self.issue("findings", f.id, "comparator_arm", "a comparator_arm needs an arm")
        self.term("findings", f.id, "endpoint", f.endpoint, "endpoint")
        if f.criteria:
            self.term("findings", f.id, "criteria", f.criteria, "criteria")
        if f.factor:
            self.term("findings", f.id, "factor", f.factor, "population", "therapy", "endpoint")
        if f.site:
            self.term("findings", f.id, "site", f.site, "site")
        for field_name in ("group", "comparator_group"):
            group = getattr(f, field_name)
            if group is not None:
                for name in (*group.includes, *group.excludes):
                    self.term("findings", f.id, field_name, name, "population", "therapy", "endpoint")
        self.check_population("findings", f.id, f.population)
        if f.population is None and (study is None or study.population is None):
            self.issue("findings", f.id, "population", "no population here or on its study")
        self.check_ref("findings", f.id, "reference", f.reference)
        for other in f.conflicts_with:
            if other not in self.all_ids:
                self.issue("findings", f.id, "conflicts_with", f"no record {other!r} in this file")
        numbers: dict[str, Decimal | int] = {
            name: getattr(f, name)
            for name in ("value", "comparator_value", "hr", "ci_low", "ci_high", "ci_level", "count",
                         "denominator", "sd", "range_low", "range_high", "comparator_count",
                         "comparator_denominator", "comparator_sd", "comparator_ci_low", "comparator_ci_high",
                         "comparator_range_low", "comparator_range_high")
            if getattr(f, name) is not None
        }
        bound = f.p_bound()
        if bound:
            numbers["p"] = bound[1]
        if f.timepoint:
            numbers["timepoint"] = Decimal(f.timepoint.split()[0])
        self.check_quote("findings", f.id, f.quote, numbers)

    def check_quote(self, section: str, record: str, quote: Quote, numbers: dict[str, Decimal | int]) -> None:
        passages = quote_list(quote)
        for passage in passages:
            if passage.strip() and context_length(passage) < MIN_CONTEXT:
                self.issue(section, record, "quote",
                           f"quote {passage.strip()[:60]!r} is too short to identify its sentence: "
                           f"give at least {MIN_CONTEXT} characters besides the numbers")
        if self.text is not None:
            for passage in passages:
                if not quote_in_source(passage, self.text):
                    self.issue(section, record, "quote",
                               f"quote not found in {self.file.data.source.file}: {passage[:60]!r}")
        for name in missing_numbers(numbers, passages):
            self.issue(section, record, name.split(" ")[0],
                       f"number {numbers[name]} ({name}) does not occur in the record's quote")


@dataclass
class Report:
    """Everything `hcc-kg validate` checks: the records and the saved queries, issues sorted once."""

    dataset: Dataset
    issues: list[Issue]

    @property
    def record_count(self) -> int:
        """How many records were checked, over every file and section."""
        return sum(len(getattr(f.data, s)) for f in self.dataset.files for s in SECTIONS)

    def as_dict(self) -> dict[str, object]:
        """The report as data, for `validate --format json`."""
        return {"valid": not self.issues, "errors": [i.as_dict() for i in self.issues]}


def check_all(data_dir: Path, ontology: Path, seeds_dir: Path, queries_dir: Path,
              root: Path | None = None) -> Report:
    """Validate the curated records and every saved query (headers, SPARQL with defaults bound)."""
    from hcc_kg.query.saved import check_queries

    dataset, issues = validate(data_dir, ontology, seeds_dir, root=root)
    issues += check_queries(queries_dir, dataset.terms)
    return Report(dataset, sorted(set(issues), key=lambda i: (i.file, i.line or 0, str(i))))
