"""What a forest plot shows, decided before anything is drawn: panels, rows, and what cannot be plotted.

Ratio estimates (HR/OR) go to the forest panel, grouped by analysis (univariate / multivariate) or by
comparison. Findings that print two arms' values (medians, rates, proportions) go to a paired-dot
panel per unit; they are never turned into ratios. Everything else is listed as not plottable, with
the reason. Texts are written as the graph gives the numbers (``wording``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hcc_kg.render import wording

if TYPE_CHECKING:
    from hcc_kg.query.evidence import Finding


@dataclass(frozen=True)
class PlotRow:
    """One finding as a plot row: its texts, the numbers to draw, and its accessible description."""

    finding: Finding
    label: str
    detail: str
    study: str
    n: str
    text: str
    p: str
    points: tuple[float, ...]
    """Ratio rows: (estimate, low, high) or (estimate,); paired rows: (first arm, comparator)."""
    title: str
    desc: str

    @property
    def conflict(self) -> bool:
        """Whether a conflicting reading of this result is recorded."""
        return bool(self.finding.conflicts_with)


@dataclass(frozen=True)
class Line:
    """A line of a panel: a group heading, or a row."""

    heading: str | None = None
    row: PlotRow | None = None


@dataclass(frozen=True)
class Panel:
    """One x axis: the forest panel (log scale) or a paired-dot panel for one unit (linear)."""

    kind: str
    title: str
    axis_label: str
    value_header: str
    lines: list[Line] = field(default_factory=list)
    sides: tuple[str, str] = ("lower", "higher")
    """What lies left and right of 1 on a ratio axis (``lower hazard``, ``higher hazard``)."""

    @property
    def rows(self) -> list[PlotRow]:
        """The panel's rows, without the headings."""
        return [line.row for line in self.lines if line.row is not None]


@dataclass(frozen=True)
class NotPlottable:
    """A finding the plot cannot draw, and why."""

    finding: Finding
    text: str


@dataclass(frozen=True)
class Plan:
    """The whole figure: what was asked, the panels, and the findings left out (with reasons)."""

    title: str
    subtitle: str
    note: str
    panels: list[Panel]
    left_out: list[NotPlottable]

    def texts(self) -> list[str]:
        """Every text the figure draws (to know whether it needs a CJK font)."""
        out = [self.title, self.subtitle, self.note] + [n.text for n in self.left_out]
        for panel in self.panels:
            out += [panel.title] + [line.heading or "" for line in panel.lines]
            out += [t for r in panel.rows for t in (r.label, r.detail, r.study, r.n, r.text, r.p)]
        return out


def _n(finding: Finding) -> str:
    sizes = [a.size for a in (finding.arm, finding.comparator) if a is not None]
    if sizes and all(s is not None for s in sizes):
        return " vs ".join(str(s) for s in sizes)
    return str(finding.study_size) if finding.study_size is not None else "–"


def _ratio_row(f: Finding, by_analysis: bool, many_endpoints: bool) -> PlotRow:
    estimate = f.estimate
    if estimate is None:
        raise ValueError(f"{f.id} has no ratio estimate")
    has_ci = f.ci_low is not None and f.ci_high is not None
    shown = wording.number(estimate)
    text = shown + (f" [{wording.number(f.ci_low)}, {wording.number(f.ci_high)}]" if has_ci
                    else " [CI not printed]")
    if by_analysis:
        label = f.factor_label or f.subgroup or wording.comparison(f)
    else:
        label = f.factor_label or f.subgroup or wording.outcome(f)
    details = [f.outcome_detail or ""] + ([wording.outcome(f)] if many_endpoints and by_analysis else [])
    study = wording.study_short(f)
    abbrev = wording.ratio_name(f)[0]
    ci = wording.ci_text(f.ci_low, f.ci_high, f.ci_level)
    desc = "; ".join(part for part in (
        f"{abbrev} {shown}" + (f" ({ci})" if ci else " (no CI printed)"), f.p_text or "no P printed",
        f"{f.analysis} analysis" if f.analysis else "", f"n = {_n(f)}", wording.outcome(f),
        f"study: {f.study_label or f.study_id}", f"finding {f.id}",
        f"conflicting reading recorded: {', '.join(f.conflicts_with)}" if f.conflicts_with else "") if part)
    points: tuple[float, ...] = (float(estimate),)
    if f.ci_low is not None and f.ci_high is not None:
        points = (float(estimate), float(f.ci_low), float(f.ci_high))
    return PlotRow(f, label, "; ".join(d for d in details if d), study, _n(f), text, f.p_text or "–", points,
                   f"{label} ({f.analysis + ', ' if f.analysis else ''}{study})", desc)


def _paired_row(f: Finding) -> PlotRow:
    if f.value is None or f.comparator_value is None:
        raise ValueError(f"{f.id} has no pair of values")
    first, second = (f.value_relation or "") + wording.number(f.value), wording.number(f.comparator_value)
    if f.unit == "%":
        text = f"{first}% vs {second}%"
    else:
        text = f"{first} vs {second}" + (f" {f.unit}" if f.unit else "")
    detail = "; ".join(d for d in (f.subgroup if f.arm is not None else "", f.outcome_detail or "") if d)
    label, study = wording.comparison(f), wording.study_short(f)
    desc = "; ".join(part for part in (
        f"{wording.measure(f)}: {text} (first-named arm vs comparator, as printed; not a ratio)",
        f.p_text or "no P printed", f"n = {_n(f)}", wording.outcome(f),
        f"study: {f.study_label or f.study_id}", f"finding {f.id}",
        f"conflicting reading recorded: {', '.join(f.conflicts_with)}" if f.conflicts_with else "") if part)
    return PlotRow(f, label, detail, study, _n(f), text, f.p_text or "–",
                   (float(f.value), float(f.comparator_value)), f"{label} ({study})", desc)


def _reason(f: Finding) -> str:
    if f.is_ratio and f.estimate is None:
        why = f"{wording.ratio_name(f)[0]} stated without a number"
        return why + (f" ({f.value_note})" if f.value_note else "")
    if f.is_ratio:
        return f"{wording.ratio_name(f)[0]} {wording.number(f.estimate)} is not above 0: no log scale"
    if f.value is not None:
        return f"one value only ({wording.arm_value(f)}), nothing to pair it with"
    return "no number printed" + (f": {f.value_note}" if f.value_note else "")


def plan(findings: list[Finding], title: str, subtitle: str) -> Plan:
    """Sort the findings into the forest panel, paired-dot panels per unit, and the not plottable."""
    ratios = [f for f in findings if f.is_ratio and f.estimate is not None and f.estimate > 0]
    paired = [f for f in findings
              if not f.is_ratio and f.value is not None and f.comparator_value is not None]
    drawn = {f.id for f in ratios + paired}
    left_out = [NotPlottable(f, f"{f.id} ({wording.study_short(f)}, {wording.measure(f)}): {_reason(f)}")
                for f in findings if f.id not in drawn]
    panels = ([_ratio_panel(ratios)] if ratios else []) + _paired_panels(paired)
    note = "" if ratios else ("No hazard or odds ratio in this answer: there is no forest plot to draw."
                              + (" The arms' values are drawn as printed, below; they are not ratios."
                                 if paired else ""))
    return Plan(title, subtitle, note, panels, left_out)


def _headed(groups: dict[str, list[PlotRow]]) -> list[Line]:
    return [line for heading, rows in groups.items()
            for line in [Line(heading=heading[:1].upper() + heading[1:])] + [Line(row=row) for row in rows]]


def _ratio_panel(ratios: list[Finding]) -> Panel:
    """The forest panel: grouped by analysis where any finding names one, else by comparison."""
    by_analysis = any(f.analysis for f in ratios)
    many_endpoints = len({f.endpoint for f in ratios}) > 1
    groups: dict[str, list[PlotRow]] = {}
    for f in ratios:
        key = (f"{f.analysis} analysis" if f.analysis else "analysis not stated") if by_analysis \
            else wording.comparison(f)
        groups.setdefault(key, []).append(_ratio_row(f, by_analysis, many_endpoints))
    stats = _stats(ratios)
    name = " or ".join(wording.RATIO_NAMES[s][0] for s in stats)
    levels = {wording.number(f.ci_level) for f in ratios if f.ci_level is not None}
    ci = f"{levels.pop()}% CI" if len(levels) == 1 else "CI"
    endpoint = "" if many_endpoints else f" for {wording.outcome(ratios[0])}"
    what = {"hazard-ratio": " hazard", "odds-ratio": " odds"}[stats[0]] if len(stats) == 1 else ""
    return Panel("ratio", f"{' and '.join(wording.RATIO_NAMES[s][1] for s in stats)}s{endpoint}",
                 f"{name} ({ci}), log scale", f"{name} [{ci}]", _headed(groups),
                 (f"lower{what}", f"higher{what}"))


def _paired_panels(paired: list[Finding]) -> list[Panel]:
    """One panel per unit (months, %, patients...): values of different units never share an axis."""
    units: dict[str, dict[str, list[PlotRow]]] = {}
    for f in paired:
        heading = f"{wording.outcome(f)}, {f.statistic.replace('-', ' ')}"
        units.setdefault(f.unit or "", {}).setdefault(heading, []).append(_paired_row(f))
    return [Panel("paired", f"Arm values in {unit or 'no unit printed'}, as printed (not ratios)",
                  unit or "no unit printed", "first vs comparator", _headed(groups))
            for unit, groups in units.items()]


def _stats(ratios: list[Finding]) -> list[str]:
    found = {f.statistic if f.statistic in wording.RATIO_NAMES else "hazard-ratio" for f in ratios}
    return [s for s in wording.RATIO_NAMES if s in found]
