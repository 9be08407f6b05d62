"""The coverage audit: every numbered sentence, table row and cited reference of a source, curated.

Each source document is cut into units (``segment.py``: sentences, table rows, captions, headings).
A unit that prints a number must be **covered** by a record's quote or **excluded** by a reviewed
entry of ``data/exclusions/NNN.yaml``; every reference number the text cites must be **cited** by a
record (``reference:`` on a study, finding or definition, ``cites:`` on a recommendation) or
excluded. Anything else is **uncovered**, and ``hcc-kg coverage`` exits 1 listing it.

When a passage covers a unit
    Quotes and units are compared where they stand in the source, with all whitespace removed (the
    validator's quote rule), at every place the passage occurs. A passage covers a unit when

    - the passage lies within the unit (a clause or a cell run of a longer sentence or row), or
    - the unit lies within the passage (a quote spanning several sentences or rows), or
    - they share a long stretch of at least ``LONG_STRETCH`` (30) characters (a quote cut across a
      sentence boundary the segmenter drew differently from the curator). A short unit that a
      passage only grazes stays uncovered: the audit errs towards asking, never towards hiding.

    Exclusion passages match units by the same rule, and exclude the reference numbers cited in the
    units they match. An exclusion must identify its place: a short passage (under ``LONG_STRETCH``
    characters) that occurs at two places covering different units (``HCC患者``) is an error, not a
    blanket exclusion; a sentence the source prints twice (a methods sentence repeated in a figure
    caption) is excluded at both places by one entry. A unit both covered
    and excluded counts as covered; the exclusion is reported ("excluded but covered") so that it is
    reviewed and dropped. An exclusion whose passage is no
    longer in the source is an error (a stale exclusion), named by file and line.

Numbers of a covered unit that no overlapping quote prints are reported as "partly covered" (info):
a record may have taken one number of a sentence that prints five.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from hcc_kg.curation.exclusions import LoadedExclusions, exclusion_paths, load_exclusions
from hcc_kg.curation.kinds import SECTIONS
from hcc_kg.curation.provenance import SourceRefused, numbers_in, source_path, squeeze
from hcc_kg.curation.records import LoadedFile, load_file, quote_list
from hcc_kg.curation.segment import Segmented, Unit, segment
from hcc_kg.errors import Issue

LONG_STRETCH = 30
"""Characters (whitespace removed) a passage and a unit must share to count as a long common stretch."""
SHOWN = 80
"""Characters of an uncovered unit shown in the text report."""


@dataclass
class UnitResult:
    """The audit of one numbered unit."""

    unit: Unit
    status: str  # covered | excluded | uncovered
    records: list[str] = field(default_factory=list)
    exclusions: list[int] = field(default_factory=list)
    """Lines (in the exclusions file) of the exclusions matching it."""
    unquoted: list[str] = field(default_factory=list)
    """For a covered unit: its numbers that no covering quote prints."""

    def as_dict(self) -> dict[str, object]:
        """The result as data, for JSON output."""
        u = self.unit
        return {"line": u.line, "lines": [o.line for o in u.occurrences], "kind": u.kind,
                "status": self.status, "text": u.text, "numbers": list(u.numbers),
                "references": list(u.references), "records": self.records,
                "exclusion_lines": self.exclusions, "unquoted_numbers": self.unquoted}


@dataclass
class ReferenceResult:
    """The audit of one cited reference number."""

    number: int
    status: str  # cited | excluded | uncovered
    lines: list[int]
    """Lines of the seed where the text cites it."""
    records: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The result as data, for JSON output."""
        return {"number": self.number, "status": self.status, "lines": self.lines, "records": self.records}


@dataclass
class SourceCoverage:
    """The audit of one source document."""

    source: str
    file: str
    units: list[UnitResult]
    references: list[ReferenceResult]

    def counts(self) -> dict[str, dict[str, int]]:
        """Units with numbers and reference numbers, by status."""
        units = Counter(r.status for r in self.units)
        refs = Counter(r.status for r in self.references)
        return {
            "units": {"total": len(self.units),
                      **{k: units[k] for k in ("covered", "excluded", "uncovered")}},
            "references": {"total": len(self.references),
                           **{k: refs[k] for k in ("cited", "excluded", "uncovered")}},
        }

    @property
    def uncovered(self) -> int:
        """How many units and reference numbers are neither covered nor excluded."""
        return (sum(r.status == "uncovered" for r in self.units)
                + sum(r.status == "uncovered" for r in self.references))


@dataclass
class CoverageReport:
    """The audit of every source: results, errors (the audit fails) and notes for review (it does not)."""

    sources: list[SourceCoverage] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    info: list[Issue] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Whether ``hcc-kg coverage`` exits 1: an error, or anything uncovered."""
        return bool(self.errors) or any(s.uncovered for s in self.sources)

    def as_dict(self) -> dict[str, object]:
        """The report as data, for JSON output."""
        return {
            "sources": [{"source": s.source, "file": s.file, **s.counts(),
                         "uncovered_units": [r.as_dict() for r in s.units if r.status == "uncovered"],
                         "uncovered_references": [r.as_dict() for r in s.references
                                                  if r.status == "uncovered"],
                         "units_detail": [r.as_dict() for r in s.units],
                         "references_detail": [r.as_dict() for r in s.references]}
                        for s in self.sources],
            "errors": [i.as_dict() for i in self.errors],
            "info": [i.as_dict() for i in self.info],
            "failed": self.failed,
        }


class _Matcher:
    """Finds the units a passage covers, by position in the squeezed source."""

    def __init__(self, seg: Segmented) -> None:
        self.seg = seg
        self.owner = [-1] * len(seg.squeezed)
        self.occ_unit: list[int] = []
        self.occ_len: list[int] = []
        for index, unit in enumerate(seg.units):
            for occurrence in unit.occurrences:
                occ = len(self.occ_unit)
                self.occ_unit.append(index)
                self.occ_len.append(occurrence.length)
                for start, end in occurrence.spans:
                    self.owner[start:end] = [occ] * (end - start)

    def occurrences(self, passage: str) -> list[int]:
        """Start offsets of every place the squeezed passage occurs in the squeezed source."""
        found, start = [], self.seg.squeezed.find(passage)
        while passage and start >= 0:
            found.append(start)
            start = self.seg.squeezed.find(passage, start + 1)
        return found

    def units(self, passage: str) -> set[int]:
        """Indexes of the units ``passage`` covers (see the module docstring); empty if it is absent."""
        return set().union(*self.places(passage))

    def places(self, passage: str) -> list[frozenset[int]]:
        """The units ``passage`` covers at each place it occurs, one set per distinct place.

        A passage printed twice by a repeated page covers the same units at both places: one set.
        """
        squeezed = squeeze(passage)
        places: list[frozenset[int]] = []
        for start in self.occurrences(squeezed):
            shared = Counter(o for o in self.owner[start:start + len(squeezed)] if o >= 0)
            covered = frozenset(
                self.occ_unit[occ] for occ, count in shared.items()
                if count in (self.occ_len[occ], len(squeezed)) or count >= LONG_STRETCH)
            if covered not in places:
                places.append(covered)
        return places


def _display(path: Path, root: Path | None) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve())) if root else str(path)
    except ValueError:
        return str(path)


def _records(file: LoadedFile) -> list[tuple[str, list[str], set[int]]]:
    """(id, quote passages, reference numbers cited) of every quoted record of a data file."""
    out = []
    for section in SECTIONS:
        for record in getattr(file.data, section):
            cited: set[int] = set(getattr(record, "cites", []) or [])
            if getattr(record, "reference", None) is not None:
                cited.add(record.reference)
            out.append((record.id, quote_list(record.quote), cited))
    return out


def audit_source(file: LoadedFile, text: str, exclusions: LoadedExclusions | None,
                 report: CoverageReport) -> SourceCoverage:
    """Audit one source document against its records and its exclusions; errors and notes go to ``report``."""
    seg = segment(text)
    matcher = _Matcher(seg)
    by_records: dict[int, list[str]] = {}
    quoted_numbers: dict[int, set[Decimal]] = {}
    cited: dict[int, list[str]] = {}
    for record_id, passages, numbers in _records(file):
        for number in numbers:
            cited.setdefault(number, []).append(record_id)
        for passage in passages:
            for index in matcher.units(passage):
                by_records.setdefault(index, [])
                if record_id not in by_records[index]:
                    by_records[index].append(record_id)
                quoted_numbers.setdefault(index, set()).update(numbers_in(passage))
    by_exclusions: dict[int, list[int]] = {}
    if exclusions is not None:
        for position, entry in enumerate(exclusions.data.exclusions):
            line = exclusions.line_of(position) or 0
            if not matcher.occurrences(squeeze(entry.passage)):
                report.errors.append(Issue(
                    exclusions.display, line or None, None, "passage",
                    f"stale exclusion: passage not found in source document {file.data.source.file} "
                    "(the source changed or the passage was mistyped)"))
                continue
            places = [p for p in matcher.places(entry.passage) if p]
            if len(places) > 1 and len(squeeze(entry.passage)) < LONG_STRETCH:
                lines = sorted(min(seg.units[i].line for i in p) for p in places)
                report.errors.append(Issue(
                    exclusions.display, line or None, None, "passage",
                    f"ambiguous exclusion: the passage occurs at {len(places)} places in "
                    f"{file.data.source.file} (lines {', '.join(map(str, lines))}); quote enough of the "
                    "sentence or row to identify one"))
                continue
            matched = [i for i in matcher.units(entry.passage)
                       if seg.units[i].numbers or seg.units[i].references]
            if not matched:
                report.info.append(Issue(
                    exclusions.display, line or None, None, "passage",
                    "exclusion matches no unit that prints a number or cites a reference"))
            for index in matched:
                by_exclusions.setdefault(index, []).append(line)
                if index in by_records:
                    report.info.append(Issue(
                        exclusions.display, line or None, None, "passage",
                        f"excluded but covered by {', '.join(by_records[index])} (line "
                        f"{seg.units[index].line} of the source): review the exclusion"))
    units: list[UnitResult] = []
    for index, unit in enumerate(seg.units):
        if not unit.numbers:
            continue
        if index in by_records:
            printed = {n for n in unit.numbers if Decimal(n.replace("．", ".")) not in quoted_numbers[index]}
            units.append(UnitResult(unit, "covered", by_records[index], by_exclusions.get(index, []),
                                    sorted(printed, key=unit.numbers.index)))
        elif index in by_exclusions:
            units.append(UnitResult(unit, "excluded", [], by_exclusions[index]))
        else:
            units.append(UnitResult(unit, "uncovered"))
    where: dict[int, list[int]] = {}
    excluded_refs: set[int] = set()
    for index, unit in enumerate(seg.units):
        for number in unit.references:
            where.setdefault(number, []).extend(o.line for o in unit.occurrences)
            if index in by_exclusions:
                excluded_refs.add(number)
    references = []
    for number in sorted(where):
        status = "cited" if number in cited else "excluded" if number in excluded_refs else "uncovered"
        lines = seg.citation_lines.get(number) or sorted(set(where[number]))
        references.append(ReferenceResult(number, status, lines, cited.get(number, [])))
    return SourceCoverage(file.data.source.id, file.data.source.file, units, references)


def audit(data_dir: Path, seeds_dir: Path, root: Path | None = None,
          source: str | None = None) -> CoverageReport:
    """Audit every source document with curated records (or only ``source``, a source id).

    With ``source``, problems in other sources' data or exclusions files are left to their own run
    (several curators work on different sources at once).
    """
    report = CoverageReport()
    problems: list[tuple[str, Issue]] = []  # (the number of the source the file belongs to, issue)
    loaded: list[LoadedFile] = []
    data_files = sorted(p for p in data_dir.glob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    for path in data_files:  # as validate.data_files, without importing the term index
        file, issues = load_file(path, _display(path, root))
        problems.extend((path.name[:3], i) for i in issues)
        if file is not None:
            loaded.append(file)
    by_number = {f.data.source.file[:3]: f for f in loaded}
    exclusions: dict[str, LoadedExclusions] = {}
    for path in exclusion_paths(data_dir / "exclusions"):
        entry, issues = load_exclusions(path, _display(path, root))
        problems.extend((path.stem, i) for i in issues)
        if entry is None:
            continue
        owner = by_number.get(entry.number)
        if owner is None:
            problems.append((entry.number, Issue(
                entry.display, None, None, None,
                f"no data file is curated from a source document numbered {entry.number}")))
        elif owner.data.source.id != entry.data.source:
            problems.append((entry.number, Issue(
                entry.display, entry.raw.get("__lines__", {}).get("source"), None, "source",
                f"source {entry.data.source!r} does not match {owner.display}, "
                f"which is {owner.data.source.id}")))
        else:
            exclusions[owner.data.source.id] = entry
    known = {f.data.source.id: f.data.source.file[:3] for f in loaded}
    if source is not None and source not in known:
        report.errors.extend(i for _, i in problems)
        report.errors.append(Issue(str(data_dir), None, None, None,
                                   f"no source {source!r}; the sources are {', '.join(sorted(known))}"))
        return report
    report.errors.extend(i for n, i in problems if source is None or n == known[source])
    for file in sorted(loaded, key=lambda f: f.data.source.id):
        if source is not None and file.data.source.id != source:
            continue
        try:
            path = source_path(seeds_dir, file.data.source.file)
            text = path.read_bytes().decode("utf-8")
        except SourceRefused as exc:
            report.errors.append(Issue(file.display, None, None, "source.file", str(exc)))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            report.errors.append(Issue(file.display, None, None, "source.file",
                                       f"source document {file.data.source.file!r} cannot be read: {exc}"))
            continue
        report.sources.append(audit_source(file, text, exclusions.get(file.data.source.id), report))
    return report


def _short(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


def render_text(report: CoverageReport, partial: bool = False) -> str:
    """The report for a terminal: figures per source, then every uncovered unit and reference number."""
    out: list[str] = []
    for s in report.sources:
        c = s.counts()
        u, r = c["units"], c["references"]
        out.append(f"{s.source} {s.file}: units with numbers {u['total']}: {u['covered']} covered, "
                   f"{u['excluded']} excluded, {u['uncovered']} uncovered; reference numbers {r['total']}: "
                   f"{r['cited']} cited, {r['excluded']} excluded, {r['uncovered']} uncovered")
    for s in report.sources:
        rows: list[tuple[int, str]] = []
        for unit in s.units:
            if unit.status == "uncovered":
                rows.append((unit.unit.line, f"{s.file}:{unit.unit.line}: {_short(unit.unit.text)}"))
        for ref in s.references:
            if ref.status == "uncovered":
                lines = ", ".join(map(str, ref.lines))
                plural = "s" if len(ref.lines) > 1 else ""
                rows.append((ref.lines[0], f"{s.file}:{ref.lines[0]}: reference [{ref.number}] cited by no "
                                           f"record (cited at line{plural} {lines})"))
        if rows:
            out.append(f"uncovered in {s.source}:")
            out.extend(f"  {text}" for _, text in sorted(rows))
        if partial:
            for unit in s.units:
                if unit.status == "covered" and unit.unquoted:
                    out.append(f"  partly covered: {s.file}:{unit.unit.line}: numbers "
                               f"{', '.join(unit.unquoted)} in no quote of {', '.join(unit.records)}: "
                               f"{_short(unit.unit.text)}")
    return "\n".join(out) + "\n"


def render_json(report: CoverageReport) -> str:
    """The report as JSON."""
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"
