"""The rule registry and what a rule sees: one source document's validated records, read-only.

A rule is a name, a one-line rationale, a severity and a function from a ``SourceView`` to flags.
Families of rules live in their own modules (``estimates``, ``counts``, ``survival``, ``readings``)
and register here; ``report.run_checks`` runs every registered rule over every file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from hcc_kg.check.flags import Flag, Severity
from hcc_kg.curation.records import ArmRecord, FindingRecord, SourceFile, StudyRecord
from hcc_kg.registry import Registry


class SourceView:
    """One source file's records with the lookups rules need (arms, studies, recorded conflicts)."""

    def __init__(self, data: SourceFile, lines: list[str] | None = None) -> None:
        self.data = data
        self.lines = lines
        """The source document's text, line by line, when the run was given the seeds folder."""

    @property
    def source(self) -> str:
        """The source document id."""
        return self.data.source.id

    @cached_property
    def studies(self) -> dict[str, StudyRecord]:
        """Studies by id."""
        return {s.id: s for s in self.data.studies}

    @cached_property
    def arms(self) -> dict[str, ArmRecord]:
        """Arms by id, over every study."""
        return {a.id: a for s in self.data.studies for a in s.arms}

    @cached_property
    def conflicting(self) -> set[frozenset[str]]:
        """Pairs of records a curator already recorded as conflicting (conflicts_with or a conflict)."""
        pairs: set[frozenset[str]] = set()
        for f in self.data.findings:
            pairs.update(frozenset((f.id, other)) for other in f.conflicts_with)
        for c in self.data.conflicts:
            pairs.update(frozenset((a, b)) for a in c.members for b in c.members if a != b)
        return pairs

    def recorded(self, a: str, b: str) -> bool:
        """Whether records ``a`` and ``b`` are already in a recorded conflict."""
        return frozenset((a, b)) in self.conflicting

    def cohort(self, finding: FindingRecord) -> int | None:
        """The size of the group a single-arm or whole-cohort finding is about, when it is printed.

        A subgroup or a finding-level population is a different group: no size is known for it.
        """
        if finding.subgroup is not None or finding.population is not None:
            return None
        if finding.arm is not None:
            return self.arms[finding.arm].size if finding.arm in self.arms else None
        study = self.studies.get(finding.study)
        return study.sample_size if study is not None else None

    def arm_size(self, arm_id: str | None, finding: FindingRecord) -> int | None:
        """An arm's printed size, unless the finding is about a subgroup of it."""
        if arm_id is None or finding.subgroup is not None or finding.population is not None:
            return None
        arm = self.arms.get(arm_id)
        return arm.size if arm is not None else None


Check = Callable[[SourceView], Iterable[Flag]]


@dataclass(frozen=True)
class Rule:
    """A plausibility rule: its name (the flag's ``hcc:rule``), why it exists, how bad a hit is."""

    name: str
    rationale: str
    severity: Severity
    check: Check

    def run(self, view: SourceView) -> list[Flag]:
        """The rule's flags on one source."""
        return list(self.check(view))

    def flag(self, view: SourceView, members: Iterable[str], compared: Iterable[str], expected: str,
             message: str) -> Flag:
        """A flag of this rule about ``view``'s source."""
        return Flag(self.name, self.severity, view.source, tuple(members), tuple(compared), expected, message)


RULES: Registry[Rule] = Registry("plausibility rule")


def rule(name: str, rationale: str, severity: Severity) -> Callable[[Callable[[Rule, SourceView],
                                                                            Iterable[Flag]]], Rule]:
    """Register a rule function; it receives its own ``Rule`` (to make flags) and the source view."""
    def register(function: Callable[[Rule, SourceView], Iterable[Flag]]) -> Rule:
        holder: list[Rule] = []
        made = Rule(name, rationale, severity, lambda view: function(holder[0], view))
        holder.append(made)
        return RULES.add(name, made)
    return register


def show(number: Decimal | int | None) -> str:
    """A number as printed (``35.3``, ``0.0``), for messages and compared values."""
    return "?" if number is None else str(number)
