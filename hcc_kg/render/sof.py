"""Summary-of-findings (SoF) tables of a query's findings, as HTML, Markdown or CSV.

The shape reviewers know from GRADEpro and MAGICapp: findings grouped by outcome (endpoint and
timepoint) and comparison; per row the participants, each arm's value, the relative effect with its
CI, p, design, certainty, the source and cited reference (DOI link), and a note with the verbatim
quote in its original language and any recorded conflict. Certainty shows a grade only where a
source states one ("not graded" otherwise): hcc-kg never assigns GRADE ratings itself.

The sub-format follows the output file (``.html``, ``.md``, ``.csv``); without a file, Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hcc_kg.query.flagged import LEGEND, marker
from hcc_kg.query.results import Rows
from hcc_kg.render import wording
from hcc_kg.render.findings import asked, findings_of, output_kind, parameters
from hcc_kg.render.templating import render_template

if TYPE_CHECKING:
    from hcc_kg.query.evidence import ArmView, Finding
    from hcc_kg.render.formats import View

KINDS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown", ".csv": "csv"}
CSV_COLUMNS = ("outcome", "comparison", "finding", "measure", "participants",
               "intervention", "intervention_zh", "intervention_n", "intervention_result",
               "comparator", "comparator_zh", "comparator_n", "comparator_result",
               "relative_effect", "statistic", "value", "comparator_value", "unit", "estimate", "ci_low",
               "ci_high", "ci_level", "p", "direction", "design", "certainty", "study", "reference", "doi",
               "source", "source_file", "quotes", "conflicts_with", "conflict_note", "value_note", "note",
               "value_status", "comparator_status", "count", "denominator", "comparator_count",
               "comparator_denominator", "sd", "comparator_sd", "range_low", "range_high", "range_kind",
               "comparator_range_low", "comparator_range_high", "comparator_ci_low", "comparator_ci_high",
               "favours", "tested", "timepoint_months", "site", "group", "comparator_group",
               "plausibility_flags")

# the CSV's numeric columns (name, Finding attribute), written as the graph gives them
_NUMBERS = (("value", "value"), ("comparator_value", "comparator_value"), ("estimate", "estimate"),
            ("ci_low", "ci_low"), ("ci_high", "ci_high"), ("ci_level", "ci_level"), ("sd", "sd"),
            ("comparator_sd", "comparator_sd"), ("range_low", "range_low"), ("range_high", "range_high"),
            ("comparator_range_low", "comparator_range_low"),
            ("comparator_range_high", "comparator_range_high"),
            ("comparator_ci_low", "comparator_ci_low"), ("comparator_ci_high", "comparator_ci_high"),
            ("timepoint_months", "timepoint_months"))


@dataclass(frozen=True)
class Arm:
    """One arm of a row: its regimen (English and Chinese), size and value, as printed."""

    regimen: str
    regimen_zh: str
    size: str
    value: str

    @property
    def text(self) -> str:
        """The arm on one line (Markdown): ``regimen (n = 36): 13.37 months``."""
        head = self.regimen + (f" (n = {self.size})" if self.size else "")
        return ": ".join(part for part in (head, self.value) if part)


@dataclass(frozen=True)
class SofRow:
    """One finding as a SoF row; ``number`` links it to its note."""

    number: int
    finding: Finding
    measure: str
    participants: str
    intervention: Arm
    comparator: Arm | None
    relative_effect: str
    p: str
    direction: str
    design: str
    certainty: str
    study: str
    reference: str
    doi: str

    @property
    def flag(self) -> str:
        """⚑ (a confirmed plausibility flag), ⚑? (an unreviewed one) or "" (none open on the finding)."""
        return marker(self.finding.flags)

    @property
    def flag_note(self) -> str:
        """The open flags on one line: ``confirmed count-vs-percentage (flag id); ...``."""
        return "; ".join(f"{m.status} {m.rule} ({m.flag})" for m in self.finding.flags)

    def csv_row(self, group: SofGroup) -> dict[str, str]:
        """The row for the CSV download: one column per field, arms split into their parts."""
        f, comp = self.finding, self.comparator or Arm("", "", "", "")
        return {
            "outcome": group.outcome, "comparison": group.comparison, "finding": f.id,
            "measure": self.measure, "participants": self.participants,
            "intervention": self.intervention.regimen, "intervention_zh": self.intervention.regimen_zh,
            "intervention_n": self.intervention.size, "intervention_result": self.intervention.value,
            "comparator": comp.regimen, "comparator_zh": comp.regimen_zh, "comparator_n": comp.size,
            "comparator_result": comp.value, "relative_effect": self.relative_effect,
            **{name: wording.number(getattr(f, attr)) for name, attr in _NUMBERS}, "statistic": f.statistic,
            "unit": f.unit or "", "p": self.p,
            "direction": self.direction, "design": self.design, "certainty": self.certainty,
            "study": self.study, "reference": self.reference, "doi": self.doi,
            "source": f.source_title or f.source_id, "source_file": f.source_file or "",
            "quotes": "\n".join(f"[{lang}] {text}" if lang else text for text, lang in f.quotes),
            "conflicts_with": " ".join(f.conflicts_with), "conflict_note": f.conflict_note or "",
            "value_note": f.value_note or "", "note": f.note or "",
            **{name: "" if getattr(f, name) is None else str(getattr(f, name))
               for name in ("value_status", "comparator_status", "count", "denominator", "comparator_count",
                            "comparator_denominator", "range_kind", "favours", "site")},
            "tested": "" if f.tested is None else str(f.tested).lower(),
            "group": f.group.label or "" if f.group else "",
            "comparator_group": f.comparator_group.label or "" if f.comparator_group else "",
            "plausibility_flags": self.flag_note,
        }


@dataclass(frozen=True)
class SofGroup:
    """The rows of one outcome and comparison."""

    outcome: str
    comparison: str
    rows: tuple[SofRow, ...]

    @property
    def studies(self) -> int:
        """How many studies the group's rows come from."""
        return len({r.finding.study_id for r in self.rows})


@dataclass(frozen=True)
class Summary:
    """Everything a SoF page shows: what was asked, and the grouped rows."""

    title: str
    query: str
    description: str
    params: list[tuple[str, str]]
    groups: list[SofGroup]

    @property
    def rows(self) -> list[SofRow]:
        """Every row, in page order."""
        return [row for group in self.groups for row in group.rows]

    @property
    def finding_ids(self) -> set[str]:
        """The findings on the page (a recorded conflict with one of them links to its row)."""
        return {r.finding.id for r in self.rows}

    @property
    def studies(self) -> int:
        """How many studies the whole table draws on."""
        return len({r.finding.study_id for r in self.rows})


def _arm(arm: ArmView | None, value: str) -> Arm:
    if arm is None:
        return Arm("", "", "", value)
    return Arm(wording.regimen(arm), arm.regimen_zh or "", "" if arm.size is None else str(arm.size), value)


def summarise(answer: Rows, view: View) -> Summary:
    """The answer's findings as SoF groups, in the order the query returned them."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings_of(answer, view, "sof"):
        groups.setdefault((wording.outcome(finding), wording.comparison(finding)), []).append(finding)
    number, built = 0, []
    for (outcome, comparison), members in groups.items():
        rows = []
        for f in members:
            number += 1
            has_comparator = (f.comparator is not None or f.comparator_value is not None
                              or f.comparator_status is not None or f.comparator_group is not None)
            ref = f.reference
            rows.append(SofRow(
                number=number, finding=f, measure=wording.measure(f), participants=wording.participants(f),
                intervention=_arm(f.arm, wording.arm_value(f)),
                comparator=_arm(f.comparator, wording.comparator_value(f)) if has_comparator else None,
                relative_effect=wording.relative_effect(f), p=f.p_text or "",
                direction=wording.direction(f), design=wording.design(f), certainty=wording.certainty(f),
                study=f.study_label or f.study_id, reference=(ref.label or "") if ref else "",
                doi=(ref.doi or "") if ref else ""))
        built.append(SofGroup(outcome, comparison, tuple(rows)))
    return Summary(view.title, asked(view), view.query.description if view.query else "", parameters(view),
                   built)


def html(summary: Summary) -> str:
    """One standalone, printable HTML page (no external assets)."""
    return render_template("sof.html", title=summary.title, s=summary, not_graded=wording.NOT_GRADED,
                           flag_legend=LEGEND)


def markdown(summary: Summary) -> str:
    """The same rows as Markdown tables, one per group, with the notes numbered below."""
    return render_template("sof.md", s=summary, not_graded=wording.NOT_GRADED, flag_legend=LEGEND)


def csv(summary: Summary) -> str:
    """The same rows as CSV, one line per finding, every field in its own column (UTF-8)."""
    import csv as csv_module
    import io

    buffer = io.StringIO()
    writer = csv_module.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(row.csv_row(group) for group in summary.groups for row in group.rows)
    return buffer.getvalue()


WRITERS = {"html": html, "markdown": markdown, "csv": csv}


def render(answer: Rows, view: View) -> str:
    """The registry's renderer: the SoF table in the kind the output file's suffix asks for."""
    kind = output_kind(view, "sof", KINDS, "markdown")
    return WRITERS[kind](summarise(answer, view))
