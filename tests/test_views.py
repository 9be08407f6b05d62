"""Evidence views: summary-of-findings tables (HTML, Markdown, CSV) and forest plots (SVG, PNG, PDF).

Values are compared with what the graph holds for the findings, as the sources print them: He 2019
(13.37 vs 7.13 months, P<0.001, DOI 10.1001/jamaoncol.2019.0250) and the multivariate oligometastasis
hazard ratio of Yang 2025 (HR 2.213, 95% CI 1.017 to 4.816, P=0.045).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from hcc_kg import KnowledgeGraph
from hcc_kg.cli import cli
from hcc_kg.errors import HccKgError
from hcc_kg.render import fonts, wording
from hcc_kg.render.formats import View, render

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
HE_DOI_LINK = '<a href="https://doi.org/10.1001/jamaoncol.2019.0250">'


def view(kg: KnowledgeGraph, name: str, output: str | None = None, **params: str) -> View:
    saved = kg.saved(name)
    return View(saved.summary, saved, kg, Path(output) if output else None, params)


def run(kg: KnowledgeGraph, name: str, fmt: str, output: str | None = None, **params: str) -> str | bytes:
    return render(kg.query(name, **params), fmt, view(kg, name, output, **params))


def invoke(built, *args: str) -> tuple[int, str, BaseException | None]:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, [*args, "--build-dir", str(built[0].build_dir)])
    return result.exit_code, result.output, result.exception


class RowCells(HTMLParser):
    """The text of each table cell, per row id (``<tr id=...>``), from an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self._row: str | None = None
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._row = dict(attrs).get("id")
            if self._row:
                self.rows[self._row] = []
        elif tag == "td" and self._row:
            self.rows[self._row].append("")
            self._in_cell = True
        elif tag == "br" and self._in_cell and self._row:
            self.rows[self._row][-1] += " "

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row:
            self._in_cell = False
            self.rows[self._row][-1] = " ".join(self.rows[self._row][-1].split())

    def handle_data(self, data: str) -> None:
        if self._in_cell and self._row:
            self.rows[self._row][-1] += data


def svg_groups(svg: str) -> dict[str, ET.Element]:
    return {g.get("id") or "": g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("id")}


def title_desc(group: ET.Element) -> tuple[str, str]:
    return group.findtext(f"{SVG}title") or "", group.findtext(f"{SVG}desc") or ""


# -- summary of findings ------------------------------------------------------------------------------

def test_sof_html_page_has_he_2019_values_doi_quote_and_no_invented_grade(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "sof.html"
    code, _, exc = invoke(built, "query", "run", "01", "--format", "sof", "-o", str(out))
    assert code == 0, exc
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "<link" not in page
    parser = RowCells()
    parser.feed(page)
    he = parser.rows["row-f004-he2019-os"]
    number, measure, participants, intervention, comparator, relative, p, direction, design, certainty, source = he
    assert measure == "median" and participants == "not printed (1 study)"
    assert intervention.split() == ["FOLFOX-HAIC", "+", "sorafenib", "FOLFOX方案肝动脉灌注化疗", "+", "索拉非尼",
                                    "13.37", "months"]
    assert comparator.split() == ["sorafenib", "索拉非尼", "7.13", "months"]
    assert (relative, p, direction, certainty) == ("—", "P<0.001", "benefit", "not graded")
    assert "randomised controlled trial" in design and "[12] He M, Li Q, Zou R, et al. JAMA Oncol 2019" in source
    assert HE_DOI_LINK in page
    assert ('<blockquote lang="zh">相较于索拉非尼，FOLFOX-HAIC联合索拉非尼能显著改善伴门静脉浸润HCC患者的中位OS'
            '（13.37个月vs.7.13个月，P&lt;0.001）</blockquote>') in page
    assert {cells[9] for cells in parser.rows.values()} == {"not graded"}, "no finding states a grade"
    assert "overall survival — FOLFOX-HAIC + sorafenib vs sorafenib" in page
    assert "<dt>population</dt><dd>PortalVeinInvasion (default)</dd>" in page


def test_sof_markdown_is_the_default_on_stdout_and_shows_the_parameters(built) -> None:  # type: ignore[no-untyped-def]
    code, out, exc = invoke(built, "query", "run", "01", "-p", "population=门静脉侵犯", "--format", "sof")
    assert code == 0, exc
    assert out.startswith("# Which HAIC combinations improved OS in portal vein invasion?\n")
    assert "Parameters: population = 门静脉侵犯; endpoint = OverallSurvival (default)." in out
    he = next(line for line in out.splitlines() if "| median |" in line and "13.37" in line)
    assert "| FOLFOX-HAIC + sorafenib: 13.37 months | sorafenib: 7.13 months | — | P<0.001 | benefit |" in he
    assert "[doi:10.1001/jamaoncol.2019.0250](https://doi.org/10.1001/jamaoncol.2019.0250)" in he
    assert "（13.37个月vs.7.13个月，P<0.001）” (zh)" in out


def test_sof_csv_carries_the_same_rows_with_numbers_as_the_graph_gives_them(kg: KnowledgeGraph) -> None:
    rows = {r["finding"]: r for r in csv.DictReader(io.StringIO(str(run(kg, "01", "sof", "x.csv"))))}
    assert list(rows) == kg.select("01").column("finding")
    he = rows["f004-he2019-os"]
    assert (he["intervention_result"], he["comparator_result"], he["value"], he["comparator_value"], he["unit"]) \
        == ("13.37 months", "7.13 months", "13.37", "7.13", "months")
    assert (he["p"], he["doi"], he["certainty"], he["estimate"]) == (
        "P<0.001", "10.1001/jamaoncol.2019.0250", "not graded", "")
    oligo = {r["finding"]: r for r in csv.DictReader(io.StringIO(str(run(kg, "09", "sof", "x.csv"))))}[
        "f002-hr-mv-oligo"]
    assert (oligo["relative_effect"], oligo["estimate"], oligo["ci_low"], oligo["ci_high"], oligo["p"]) == (
        "HR 2.213 (95% CI 1.017 to 4.816)", "2.213", "1.017", "4.816", "P=0.045")
    assert oligo["measure"].startswith("hazard ratio, multivariate analysis; 寡转移(是 vs. 否)")


def test_sof_shows_decimals_as_printed(kg: KnowledgeGraph) -> None:
    """The store canonicalises 0.360 to 0.36; the table shows the printed form (hcc:ciLowerPrinted)."""
    rows = {r["finding"]: r for r in csv.DictReader(io.StringIO(str(run(kg, "09", "sof", "x.csv"))))}
    diameter = rows["f002-hr-uni-ehdiameter"]
    assert diameter["relative_effect"] == "HR 0.779 (95% CI 0.360 to 1.685)"
    assert diameter["ci_low"] == "0.360" and "0.360" in diameter["quotes"]


def test_sof_groups_by_outcome_and_comparison_and_notes_conflicts(kg: KnowledgeGraph) -> None:
    page = str(run(kg, "09", "sof", "x.md"))
    headings = [line for line in page.splitlines() if line.startswith("## overall survival")]
    assert "## overall survival — prognostic factor: oligometastasis (2 findings, 1 study)" in headings
    note = next(line for line in page.splitlines() if line.startswith(tuple(f"{n}. `f002-hr-uni-ecog-text`"
                                                                        for n in range(1, 30))))
    assert "**Recorded conflict** with f002-hr-uni-ecog-table: The text gives this HR for ECOG PS 1" in note


def test_certainty_shows_a_grade_only_where_the_source_states_one(kg: KnowledgeGraph) -> None:
    finding = kg.findings(["f004-he2019-os"])[0]
    assert finding.certainty is None and wording.certainty(finding) == "not graded"
    stated = dataclasses.replace(finding, certainty="moderate", certainty_system="GRADE")
    assert wording.certainty(stated) == "moderate (GRADE)"


def test_sof_of_a_query_without_a_finding_column_is_one_clear_error(built) -> None:  # type: ignore[no-untyped-def]
    code, _, exc = invoke(built, "query", "run", "03", "--format", "sof")
    assert code == 1 and isinstance(exc, HccKgError)
    message = str(exc)
    assert "\n" not in message and "needs a 'finding' column" in message
    assert "saved queries with one: 01_haic_combinations_os_pvi, 02_evidence_table" in message
    assert "03_inhibitors" not in message.split("saved queries with one:")[1]


def test_sof_file_suffix_chooses_the_kind_and_an_unknown_one_is_refused(kg: KnowledgeGraph) -> None:
    with pytest.raises(HccKgError, match=r"writes \.csv, \.htm, \.html, \.markdown, \.md files .*not '\.txt'"):
        run(kg, "01", "sof", "table.txt")


# -- forest plots -------------------------------------------------------------------------------------

def test_forest_svg_carries_each_rows_label_estimate_ci_and_p(kg: KnowledgeGraph) -> None:
    svg = str(run(kg, "09", "forest"))
    groups = svg_groups(svg)
    rows = {gid: title_desc(g) for gid, g in groups.items() if gid.startswith("row-")}
    left_out = {gid for gid in groups if gid.startswith("left-out-")}
    answer = kg.select("09").column("finding")
    assert {r[len("row-"):] for r in rows} | {r[len("left-out-"):] for r in left_out} == set(answer)
    assert all(f"row-{f.id}" in rows for f in kg.findings(answer) if f.is_ratio and f.estimate is not None)
    title, desc = rows["row-f002-hr-mv-oligo"]
    assert title == "oligometastasis (multivariate, Xiangya Hospital, 2017-2023)"
    assert desc.startswith("HR 2.213 (95% CI 1.017 to 4.816); P=0.045; multivariate analysis; n = 76;")
    assert "finding f002-hr-mv-oligo" in desc
    root = ET.fromstring(svg)
    assert root.findtext(f"{SVG}title") == kg.saved("09").summary
    assert f"{len(rows)} plotted finding(s), {len(left_out)} not plottable" in (root.findtext(f"{SVG}desc") or "")


def test_forest_of_medians_says_there_is_no_ratio_and_draws_the_arms_values(kg: KnowledgeGraph) -> None:
    groups = svg_groups(str(run(kg, "01", "forest", "plot.svg")))
    assert title_desc(groups["no-ratio-note"])[1].startswith(
        "No hazard or odds ratio in this answer: there is no forest plot to draw.")
    he = title_desc(groups["row-f004-he2019-os"])[1]
    assert he.startswith("median: 13.37 vs 7.13 months (first-named arm vs comparator, as printed; not a ratio)")
    assert "; P<0.001;" in he
    assert "no number printed" in title_desc(groups["left-out-f004-he2019-os-with-ehs"])[1]


def test_forest_with_nothing_plottable_is_a_clear_error(kg: KnowledgeGraph, tmp_path: Path) -> None:
    query = tmp_path / "qualitative.rq"
    query.write_text('SELECT ?finding WHERE { VALUES ?finding { "f004-he2019-os-with-ehs" "f004-mei2021-os-ehs" } }\n')
    with pytest.raises(HccKgError, match=r"^nothing to plot: none of the 2 finding\(s\) of this answer has a "
                                         r"ratio estimate \(HR/OR\) or two arms' values; use --format sof"):
        render(kg.query(query), "forest", View("qualitative", kg.saved(query), kg))


def test_forest_chinese_labels_are_drawn_with_the_cjk_font(kg: KnowledgeGraph) -> None:
    """The oligometastasis row's label 寡转移(是 vs. 否) is drawn with glyphs of the CJK font found."""
    from matplotlib.ft2font import FT2Font

    path = fonts.cjk_font()
    assert path is not None, f"no CJK font on this machine: {fonts.INSTALL_HINT}"
    assert fonts.covers_cjk(path)
    prefix = "#" + quote(FT2Font(str(path)).postscript_name) + "-"
    row = svg_groups(str(run(kg, "09", "forest")))["row-f002-hr-mv-oligo"]
    cjk_glyphs = [u for u in row.iter(f"{SVG}use") if (u.get(XLINK_HREF) or "").startswith(prefix)]
    assert len(cjk_glyphs) >= len("寡转移是否")


def test_forest_without_a_cjk_font_fails_with_an_install_hint(kg: KnowledgeGraph,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    with pytest.raises(HccKgError) as caught:
        run(kg, "09", "forest", "plot.png")
    assert "\n" not in str(caught.value)
    assert "no CJK font was found" in str(caught.value) and "apt-get install fonts-wqy-zenhei" in str(caught.value)


@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf"])
def test_forest_same_run_twice_gives_identical_bytes(kg: KnowledgeGraph, suffix: str) -> None:
    first, second = (run(kg, "09", "forest", f"plot{suffix}") for _ in range(2))
    assert first == second
    magic = {".svg": "<?xml", ".png": b"\x89PNG", ".pdf": b"%PDF"}[suffix]
    assert first[:len(magic)] == magic  # type: ignore[index]


def test_forest_cli_writes_svg_to_stdout_and_png_by_suffix(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, exc = invoke(built, "query", "run", "09", "--format", "forest")
    assert code == 0 and out.startswith("<?xml"), exc
    png = tmp_path / "forest.png"
    code, _, exc = invoke(built, "query", "run", "09", "--format", "forest", "-o", str(png))
    assert code == 0 and png.read_bytes().startswith(b"\x89PNG"), exc
    code, _, exc = invoke(built, "query", "run", "09", "--format", "forest", "-o", str(tmp_path / "f.jpg"))
    assert code == 1 and "writes .pdf, .png, .svg files (or svg to stdout), not '.jpg'" in str(exc)


# -- every saved query ----------------------------------------------------------------------------------

def _select_queries() -> list[str]:
    from hcc_kg.config import Paths
    from hcc_kg.query.saved import catalog

    return [q.name for q in catalog(Paths().queries_dir) if q.form == "SELECT"]


@pytest.mark.parametrize("name", _select_queries())
def test_every_saved_query_gets_a_view_or_a_clear_message(kg: KnowledgeGraph, name: str) -> None:
    answer = kg.query(name)
    if "finding" not in answer.variables:  # type: ignore[union-attr]
        for fmt in ("sof", "forest"):
            with pytest.raises(HccKgError, match="needs a 'finding' column"):
                render(answer, fmt, view(kg, name))
        return
    ids = kg.select(name).column("finding")
    if not ids:  # a query whose answer is empty on this data says so
        with pytest.raises(HccKgError, match=r"returned no findings \(0 rows\)"):
            render(answer, "sof", view(kg, name))
        return
    page = str(render(answer, "sof", view(kg, name)))
    assert all(f"`{i}`" in page for i in ids), "every finding of the answer has its row and note"
    try:
        svg = str(render(answer, "forest", view(kg, name)))
    except HccKgError as exc:
        assert str(exc).startswith("nothing to plot")
        return
    drawn = {gid.removeprefix("row-").removeprefix("left-out-") for gid in svg_groups(svg)
             if gid.startswith(("row-", "left-out-"))}
    assert drawn == set(ids), "every finding is drawn or listed as not plottable"


# -- the HTML table and the packaging of the templates ---------------------------------------------------

def test_html_table_uses_the_shared_template(kg: KnowledgeGraph) -> None:
    page = str(run(kg, "01", "html"))
    rows = len(kg.select("01"))
    assert page.startswith("<!DOCTYPE html>") and HE_DOI_LINK in page and f"<p>{rows} rows. Generated by hcc-kg.</p>" in page
    assert '<meta name="generator" content="hcc-kg">' in page


def test_templates_ship_in_the_wheel(tmp_path: Path) -> None:
    """A non-editable install gets the templates (package data), so sof and html work installed."""
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("hcc_kg-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {f"hcc_kg/render/templates/{p.name}" for p in (ROOT / "hcc_kg/render/templates").iterdir()}
    assert templates and templates <= names


def test_readme_picture_is_the_forest_plot_of_query_09(kg: KnowledgeGraph) -> None:
    """docs/images/forest-09.png is generated: regenerated here and compared by its pixel size (rows).

    Bytes differ with the CJK font a machine has; the size changes when the answer's rows do.
    """
    from PIL import Image

    picture = ROOT / "docs" / "images" / "forest-09.png"
    fresh = run(kg, "09_prognostic_factors", "forest", "forest.png")
    assert isinstance(fresh, bytes)
    assert Image.open(picture).size == Image.open(io.BytesIO(fresh)).size, (
        "regenerate it: hcc-kg query run 09_prognostic_factors --format forest -o docs/images/forest-09.png")


def test_sof_reads_the_findings_on_every_backend(any_kg: KnowledgeGraph) -> None:
    rows = {r["finding"]: r for r in csv.DictReader(io.StringIO(str(run(any_kg, "01", "sof", "x.csv"))))}
    he = rows["f004-he2019-os"]
    assert (he["intervention_result"], he["comparator_result"], he["p"], he["doi"]) == (
        "13.37 months", "7.13 months", "P<0.001", "10.1001/jamaoncol.2019.0250")


# --- issue 13: the views show what the sources print (tests/model: real quotes, every new field) ---------

MODEL = Path(__file__).resolve().parent / "model"


@pytest.fixture(scope="module")
def model_rows(repo_paths, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    from hcc_kg.build.pipeline import build

    paths = dataclasses.replace(repo_paths, build_dir=tmp_path_factory.mktemp("model-views"), data_dir=MODEL)
    build(paths)
    model = KnowledgeGraph.open(paths.build_dir, paths=paths)
    query = tmp_path_factory.mktemp("q") / "model.rq"
    query.write_text('SELECT ?finding WHERE { VALUES ?finding { "fm0-os-pvtt" "fm0-os-response" "fm2-os-nr" '
                     '"fm2-os-3y" "fm2-deaths" "fm2-followup" "fm2-age" } }\n')
    text = str(render(model.query(query), "sof", View("model", model.saved(query), model, Path("x.csv"))))
    return {r["finding"]: r for r in csv.DictReader(io.StringIO(text))}


def test_sof_shows_not_reached_counts_sd_ranges_and_comparator_ci(model_rows: dict[str, dict[str, str]]) -> None:
    nr = model_rows["fm2-os-nr"]
    assert nr["intervention_result"] == "not reached" and nr["value_status"] == "not-reached"
    assert nr["comparator_result"] == "16.2 months (95% CI 13.3 to 19.1)"
    assert model_rows["fm2-deaths"]["intervention_result"] == "42.1% (32/76)"
    assert model_rows["fm2-age"]["intervention_result"] == "52 ± 12.3 years"
    assert model_rows["fm2-followup"]["intervention_result"] == "15 months (range 2.5 to 72.0)"
    pvtt = model_rows["fm0-os-pvtt"]
    assert pvtt["intervention_result"] == "8.0 months (95% CI 6.0 to 10.0)"
    assert pvtt["comparator_result"] == "22.0 months (95% CI 9.0 to 38.0)"
    assert (pvtt["value"], pvtt["comparator_ci_high"]) == ("8.0", "38.0"), "printed, not the store's 8 and 38"
    assert pvtt["comparison"] == "prognostic factor: portal vein tumour thrombus"
    assert "levels: portal vein tumour thrombi present vs without portal vein tumour thrombus" in pvtt["measure"]
    assert model_rows["fm0-os-response"]["comparison"] == \
        "objective response (CR or PR) vs no objective response (SD or PD)"


def test_sof_marks_untested_differences(model_rows: dict[str, dict[str, str]]) -> None:
    """002: the 3-year OS rates 35.3% vs 8.7% favour local therapy; that sentence's P is not curated here."""
    three = model_rows["fm2-os-3y"]
    assert three["direction"] == "not stated; printed numbers favour the intervention (untested)"
    assert (three["favours"], three["tested"], three["timepoint_months"]) == ("arm", "false", "36")
    assert model_rows["fm0-os-pvtt"]["direction"] == "association", "a tested difference needs no marker"


def test_side_text_of_a_span() -> None:
    from decimal import Decimal

    assert wording.side_text(None, "months", range_low=Decimal("36"), range_high=Decimal("57"),
                             range_kind="span") == "36 to 57 months"
    assert wording.side_text(Decimal("3.0"), "cm") == "3.0 cm"
