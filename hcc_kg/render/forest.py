"""Forest plots of a query's ratio estimates, as SVG (default), PNG or PDF, with stable bytes.

The layout is a table with a plot in it, as reviewers read forest plots: per row the label, study,
n, the estimate with its CI and p printed beside the axis (log scale, reference line at 1). Findings
with two arms' values get a paired-dot panel per unit; the rest are listed with the reason they cannot
be plotted (``forest_plan`` decides; this module draws). Each row is drawn inside one group, which in
the SVG gets a ``<title>`` and ``<desc>`` (label, estimate, CI, p): glyphs are drawn as paths, so
those are the figure's searchable, accessible text.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from hcc_kg.errors import HccKgError
from hcc_kg.query.results import Rows
from hcc_kg.render import wording
from hcc_kg.render.findings import asked, findings_of, output_kind, parameters
from hcc_kg.render.fonts import plot_settings
from hcc_kg.render.forest_plan import Line, Panel, Plan, PlotRow, plan
from hcc_kg.render.formats import clip, display_width

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from hcc_kg.render.formats import View

KINDS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
METADATA = {"svg": {"Date": None}, "png": {"Software": None}, "pdf": {"CreationDate": None, "Producer": None}}
DPI = 150
SVG_NS = "http://www.w3.org/2000/svg"

# layout: heights in inches, x positions as fractions of the figure's width
WIDTH = 12.5
LINE_HEIGHTS = {1: 0.34, 2: 0.42, 3: 0.56}  # a row of 1, 2 or 3 text lines
HEAD, BELOW_AXIS, GAP, NOTE_LINE = 0.30, 0.62, 0.22, 0.22
X_LABEL, X_STUDY, X_N, X_VALUE, X_P = 0.010, 0.340, 0.522, 0.792, 0.935
AXES_LEFT, AXES_RIGHT = 0.535, 0.780
CLIP_LABEL, CLIP_DETAIL, CLIP_STUDY, CLIP_NOTE = 56, 74, 28, 175
INK, GREY, BLUE, ORANGE = "#111111", "#5a5a5a", "#1f4e9a", "#c0541b"
FOOTER = ("Estimates as printed by the sources; hcc-kg computes none (equal-size marks: no weights). "
          "–: not printed. † a conflicting reading of this result is recorded (see --format sof).")


def _group_artist() -> type:
    from matplotlib.artist import Artist

    class RowGroup(Artist):
        """Draws its children inside one group (an SVG ``<g id=...>``), so a row's marks stay together."""

        def __init__(self, gid: str, children: list[Artist]) -> None:
            super().__init__()
            self.set_gid(gid)
            self.set_zorder(3)  # over the axes (and its reference line) the marks sit on
            self.children = children

        def draw(self, renderer: Any) -> None:
            renderer.open_group("row", gid=self.get_gid())
            for child in self.children:
                child.draw(renderer)
            renderer.close_group("row")

    return RowGroup


class Canvas:
    """A figure laid out top-down in inches, with text columns aligned across panels."""

    def __init__(self, height: float) -> None:
        from matplotlib.figure import Figure

        self.height = height
        self.figure: Figure = Figure(figsize=(WIDTH, height), dpi=DPI)
        self.top = 0.0
        self.groups: dict[str, tuple[str, str]] = {}
        self._group = _group_artist()

    def y(self, inches_from_top: float) -> float:
        """Figure fraction of a height measured from the top."""
        return 1 - inches_from_top / self.height

    def text(self, x: float, top: float, text: str, **style: Any) -> Any:
        """A text at figure fraction x, ``top`` inches down (not yet added: the caller groups it)."""
        from matplotlib.text import Text

        artist = Text(x, self.y(top), text, transform=self.figure.transFigure, va="center",
                      color=style.pop("color", INK), **style)
        artist.set_figure(self.figure)
        return artist

    def add(self, gid: str | None, artists: list[Any], title: str = "", desc: str = "") -> None:
        """Add artists to the figure, as one titled group when ``gid`` is given."""
        if gid is None:
            for artist in artists:
                self.figure.add_artist(artist)
            return
        self.figure.add_artist(self._group(gid, artists))
        self.groups[gid] = (title, desc)


def _wrap(text: str, limit: int, lines: int = 2) -> list[str]:
    """At most ``lines`` lines of ``limit`` display columns, broken at spaces; the last one clipped."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines - 1:
        line = words.pop(0)
        while words and display_width(line + " " + words[0]) <= limit:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        out.append(" ".join(words))
    return [clip(line, limit) for line in out] or [""]


def _row_lines(row: PlotRow) -> tuple[list[str], str]:
    """A row's label (up to two lines) and its detail line."""
    label = _wrap(row.label + (" †" if row.conflict else ""), CLIP_LABEL)
    return label, clip(row.detail, CLIP_DETAIL) if row.detail else ""


def _line_height(line: Line) -> float:
    if line.row is None:
        return HEAD
    label, detail = _row_lines(line.row)
    return LINE_HEIGHTS[min(len(label) + bool(detail), 3)]


def _height(p: Plan) -> float:
    panels = sum(2 * HEAD + sum(map(_line_height, panel.lines)) + BELOW_AXIS + GAP for panel in p.panels)
    left_out = HEAD + NOTE_LINE * len(p.left_out) + GAP if p.left_out else 0.0
    return 0.95 + (0.28 if p.note else 0.0) + panels + left_out + 0.55


def _panel_header(canvas: Canvas, panel: Panel) -> None:
    """The panel's title (with the legend of a paired panel) and its column headings."""
    title_y = canvas.top + HEAD / 2
    canvas.add(None, [canvas.text(X_LABEL, title_y, panel.title[:1].upper() + panel.title[1:],
                                  fontsize=10.5, fontweight="bold")])
    if panel.kind == "paired":
        canvas.add(None, [canvas.text(AXES_LEFT, title_y, "●", color=BLUE),
                          canvas.text(AXES_LEFT + 0.012, title_y, "first-named arm (or group)", color=GREY),
                          canvas.text(AXES_LEFT + 0.172, title_y, "○", color=ORANGE),
                          canvas.text(AXES_LEFT + 0.184, title_y, "comparator", color=GREY)])
    header_y = title_y + HEAD
    canvas.add(None, [canvas.text(x, header_y, t, fontweight="bold", ha=ha, color=GREY) for x, t, ha in (
        (X_LABEL, "Comparison / factor" if panel.kind == "ratio" else "Comparison", "left"),
        (X_STUDY, "Study", "left"), (X_N, "n", "right"), (X_VALUE, panel.value_header, "left"),
        (X_P, "P", "left"))])
    canvas.top += 2 * HEAD


def _axes(canvas: Canvas, panel: Panel, height: float) -> Axes:
    """The panel's axes: y in inches down from its top; x log (ratios, line at 1) or linear (values)."""
    from matplotlib.ticker import FixedLocator, NullLocator

    ax: Axes = canvas.figure.add_axes((AXES_LEFT, canvas.y(canvas.top + height), AXES_RIGHT - AXES_LEFT,
                                       height / canvas.height))
    ax.set_ylim(height, 0)
    ax.yaxis.set_major_locator(NullLocator())
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_facecolor("none")
    values = [v for row in panel.rows for v in row.points]
    if panel.kind == "ratio":
        ax.set_xscale("log")
        low, high = min(values + [1.0]) / 1.35, max(values + [1.0]) * 1.35
        ax.set_xlim(low, high)
        ticks = [t for t in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100) if low <= t <= high]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xticklabels([f"{t:g}" for t in ticks])
        ax.axvline(1, color=GREY, linewidth=0.9, zorder=1)
        for dx, text, ha in ((-5, f"← {panel.sides[0]}", "right"), (5, f"{panel.sides[1]} →", "left")):
            ax.annotate(text, xy=(1, 0), xycoords=("data", "axes fraction"), xytext=(dx, -22),
                        textcoords="offset points", ha=ha, va="top", fontsize=7.5, color=GREY)
        ax.set_xlabel(panel.axis_label, labelpad=16, color=GREY)
    else:
        low, high = min(values + [0.0]), max(values)
        ax.set_xlim(low, high * 1.08 if high > 0 else 1)
        ax.set_xlabel(panel.axis_label, color=GREY)
    return ax


def _marks(panel: Panel, row: PlotRow, ax: Axes, y: float) -> list[Any]:
    """A row's marks: square and CI whisker (ratio), or two dots joined by a line (paired values)."""
    from matplotlib.lines import Line2D

    on: dict[str, Any] = {"transform": ax.transData}
    dot: dict[str, Any] = {"marker": "o", "markersize": 6.5, "linestyle": "none", **on}
    if panel.kind == "ratio":
        whisker = [Line2D(row.points[1:], [y, y], color=INK, linewidth=1.2, **on)] \
            if len(row.points) == 3 else []
        return whisker + [Line2D([row.points[0]], [y], **{**dot, "marker": "s"}, color=BLUE)]
    return [Line2D(list(row.points), [y, y], color="#9a9a9a", linewidth=1.2, **on),
            Line2D([row.points[0]], [y], color=BLUE, **dot),
            Line2D([row.points[1]], [y], markerfacecolor="white", markeredgecolor=ORANGE, markeredgewidth=1.5,
                   **dot)]


def _draw_panel(canvas: Canvas, panel: Panel) -> None:
    _panel_header(canvas, panel)
    heights = [_line_height(line) for line in panel.lines]
    ax = _axes(canvas, panel, sum(heights))
    offset = 0.0
    for line, height in zip(panel.lines, heights, strict=True):
        middle = offset + height / 2
        y = canvas.top + middle
        offset += height
        if line.row is None:
            canvas.add(None, [canvas.text(X_LABEL, y, line.heading or "", fontweight="bold", fontsize=9.5)])
            continue
        row = line.row
        label, detail = _row_lines(row)
        first = y - 0.075 * (len(label) + bool(detail) - 1)
        texts = [canvas.text(X_LABEL + 0.008, first + 0.15 * k, text) for k, text in enumerate(label)]
        if detail:
            texts.append(canvas.text(X_LABEL + 0.008, first + 0.15 * len(label), detail, fontsize=7.5,
                                     color=GREY))
        texts += [canvas.text(X_STUDY, y, clip(row.study, CLIP_STUDY)),
                  canvas.text(X_N, y, row.n, ha="right"),
                  canvas.text(X_VALUE, y, row.text), canvas.text(X_P, y, row.p)]
        marks = _marks(panel, row, ax, middle)
        for mark in marks:
            mark.set_figure(canvas.figure)
        canvas.add("row-" + row.finding.id, texts + marks, row.title, row.desc)
    canvas.top += offset + BELOW_AXIS + GAP


def draw(p: Plan) -> Canvas:
    """The figure of a plan (inside ``plot_settings``)."""
    canvas = Canvas(_height(p))
    canvas.add(None, [canvas.text(X_LABEL, 0.28, p.title, fontsize=13, fontweight="bold"),
                      canvas.text(X_LABEL, 0.58, p.subtitle, color=GREY)])
    canvas.top = 0.95
    if p.note:
        note = canvas.text(X_LABEL, canvas.top, p.note, fontweight="bold", color=ORANGE)
        canvas.add("no-ratio-note", [note], "No ratio estimates", p.note)
        canvas.top += 0.28
    for panel in p.panels:
        _draw_panel(canvas, panel)
    if p.left_out:
        canvas.add(None, [canvas.text(X_LABEL, canvas.top + HEAD / 2, f"Not plottable ({len(p.left_out)})",
                                      fontsize=10.5, fontweight="bold")])
        canvas.top += HEAD
        for i, item in enumerate(p.left_out):
            canvas.add(f"left-out-{item.finding.id}",
                       [canvas.text(X_LABEL + 0.008, canvas.top + NOTE_LINE * (i + 0.5),
                                    clip(item.text, CLIP_NOTE), fontsize=8, color=GREY)],
                       f"Not plottable: {item.finding.id}", item.text)
        canvas.top += NOTE_LINE * len(p.left_out) + GAP
    canvas.add(None, [canvas.text(X_LABEL, canvas.top + 0.2, FOOTER, fontsize=7.5, color=GREY)])
    return canvas


def accessible_svg(svg: str, canvas: Canvas, p: Plan) -> str:
    """Each row group gets its ``<title>``/``<desc>``, the figure its own; edited as XML, not as text."""
    import xml.etree.ElementTree as ET

    for prefix, uri in (("", SVG_NS), ("xlink", "http://www.w3.org/1999/xlink"),
                        ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
                        ("cc", "http://creativecommons.org/ns#"), ("dc", "http://purl.org/dc/elements/1.1/")):
        ET.register_namespace(prefix, uri)
    root = ET.fromstring(svg)

    def titled(element: ET.Element, title: str, desc: str) -> None:
        for index, (tag, text) in enumerate((("title", title), ("desc", desc))):
            child = ET.Element(f"{{{SVG_NS}}}{tag}")
            child.text = text
            element.insert(index, child)

    plotted = sum(len(panel.rows) for panel in p.panels)
    titled(root, p.title, f"{p.subtitle}. {plotted} plotted finding(s), {len(p.left_out)} not plottable."
                          + (f" {p.note}" if p.note else ""))
    root.set("role", "img")
    for group in root.iter(f"{{{SVG_NS}}}g"):
        gid = group.get("id")
        if gid in canvas.groups:
            group.set("role", "listitem")
            titled(group, *canvas.groups[gid])
    declaration = '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
    return declaration + ET.tostring(root, encoding="unicode") + "\n"


def figure_bytes(p: Plan, kind: str) -> str | bytes:
    """The plan drawn as SVG text, or PNG or PDF bytes; the same plan gives the same bytes."""
    with plot_settings(needs_cjk=any(wording.has_cjk(t) for t in p.texts())):
        canvas = draw(p)
        buffer = io.BytesIO()
        canvas.figure.savefig(buffer, format=kind, metadata=METADATA[kind], dpi=DPI)
    if kind == "svg":
        return accessible_svg(buffer.getvalue().decode("utf-8"), canvas, p)
    return buffer.getvalue()


def build_plan(answer: Rows, view: View) -> Plan:
    """The plan for an answer; a clear error when nothing in it can be plotted."""
    findings = findings_of(answer, view, "forest")
    given = [f"{name} = {value}" for name, value in parameters(view)]
    result = plan(findings, view.title, "; ".join([asked(view)] + given))
    if not result.panels:
        raise HccKgError(f"nothing to plot: none of the {len(findings)} finding(s) of this answer has a "
                         "ratio estimate (HR/OR) or two arms' values; use --format sof for the table")
    return result


def render(answer: Rows, view: View) -> str | bytes:
    """The registry's renderer: SVG on stdout, or the kind the output file's suffix asks for."""
    return figure_bytes(build_plan(answer, view), output_kind(view, "forest", KINDS, "svg"))

