"""The CLI is a thin layer: each command over its library function, with clear errors and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from hcc_kg.cli import cli
from hcc_kg.config import Paths
from hcc_kg.curation.lint import lint
from hcc_kg.curation.validate import data_files

HCC_KG = str(Path(sys.executable).with_name("hcc-kg"))


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_data_files_are_in_canonical_form(repo_paths: Paths) -> None:
    wrong = lint(data_files(repo_paths.data_dir))
    assert wrong == [], f"not canonical: {[p.path.name for p in wrong]}; run `hcc-kg lint --fix`"


def test_lint_fix_rewrites_and_keeps_the_records(tmp_path: Path, repo_paths: Paths) -> None:
    from hcc_kg.curation.records import load_file

    source = repo_paths.data_dir / "004_haic_systemic_review.yaml"
    messy = tmp_path / "004.yaml"
    messy.write_text(source.read_text(encoding="utf-8").replace("\n  quote_lang: zh", "\n  quote_lang:   zh   "),
                     encoding="utf-8")
    code, out = invoke("lint", "--data", str(tmp_path))
    assert code == 1 and "hcc-kg lint --fix" in out
    assert invoke("lint", "--data", str(tmp_path), "--fix")[0] == 0
    assert invoke("lint", "--data", str(tmp_path))[0] == 0
    assert load_file(messy)[0].data == load_file(source)[0].data


def test_stats_per_source_document(built) -> None:  # type: ignore[no-untyped-def]
    code, out = invoke("stats", "--build-dir", str(built[0].build_dir))
    assert code == 0
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:]}
    assert set(rows) == {"000_a7ac623c546b824a.txt", "001_e3fe8ab5a02a181e.txt", "002_dee160c2392e6517.txt",
                         "004_b13ee0292349ace4.txt", "total"}
    # every doc-004 finding cites a DOI-identified paper but the three ongoing trials, known by registry id only
    # (NCT03993743, NCT04952272, NCT03941626)
    assert rows["004_b13ee0292349ace4.txt"][2:5] == ["105", "102", "97%"]
    # doc 001: nine consensus statements + ten strategy branches, four definitions + the English reading
    assert rows["001_e3fe8ab5a02a181e.txt"][5:7] == ["19", "5"]


def test_query_list_show_and_formats(built) -> None:  # type: ignore[no-untyped-def]
    build_dir = str(built[0].build_dir)
    code, out = invoke("query", "list")
    assert code == 0 and "01_haic_combinations_os_pvi" in out and "population=PortalVeinInvasion" in out
    code, out = invoke("query", "show", "01")
    assert code == 0 and out.startswith("#+ summary: Which HAIC combinations improved OS")
    code, out = invoke("query", "run", "01", "--build-dir", build_dir, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["finding"] for r in rows} >= {"f004-he2019-os", "f004-zheng2022-os"}
    assert {r["findingIri"] for r in rows} >= {"https://w3id.org/hcc-kg/id/finding/f004-he2019-os"}
    code, out = invoke("query", "run", "01", "--build-dir", build_dir, "--format", "json")
    assert json.loads(out)["head"]["vars"][:3] == ["finding", "findingIri", "evidence"]
    code, out = invoke("query", "run", "01", "--build-dir", build_dir, "--format", "markdown")
    assert out.splitlines()[0].startswith("| finding | findingIri | evidence | regimen |") and "| 13.37 |" in out
    code, out = invoke("query", "run", "01", "--build-dir", build_dir, "--format", "tsv")
    assert out.splitlines()[0].split("\t")[:2] == ["finding", "findingIri"]
    code, out = invoke("query", "run", "01", "--build-dir", build_dir)
    assert "f004-he2019-os" in out and "finding:f004-he2019-os" in out and f"({len(rows)} rows)" in out


def test_evidence_table_html_page(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "table.html"
    code, _ = invoke("query", "run", "01", "--build-dir", str(built[0].build_dir), "--format", "html", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert code == 0 and page.startswith("<!DOCTYPE html>")
    rows = len(invoke("query", "run", "01", "--build-dir", str(built[0].build_dir), "--format", "csv")[1].splitlines())
    assert '<a href="https://doi.org/10.1001/jamaoncol.2019.0250">' in page and f"{rows - 1} rows" in page


def test_no_build_gives_an_error_saying_what_to_run(tmp_path: Path) -> None:
    proc = subprocess.run([HCC_KG, "query", "run", "01", "--build-dir", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "run `hcc-kg build`" in proc.stderr and proc.stdout == ""


def test_unknown_parameter_value_is_a_clear_error(built) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.run([HCC_KG, "query", "run", "01", "-p", "population=portal vein invasoin",
                           "--build-dir", str(built[0].build_dir)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "did you mean PortalVeinInvasion" in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([HCC_KG, *args], capture_output=True, text=True, timeout=60)


def test_record_parameters_are_checked(built) -> None:  # type: ignore[no-untyped-def]
    """An id the graph does not hold is a one-line error and exit 1, not an empty table; the catalog's
    forms (id, CURIE, IRI) all work."""
    build_dir = str(built[0].build_dir)
    proc = run_cli("query", "run", "05", "-p", "finding=nonexistent", "--build-dir", build_dir)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("error: parameter 'finding': no finding 'nonexistent' in this graph")
    assert proc.stderr.count("\n") == 1
    proc = run_cli("query", "run", "12", "-p", "source=src009", "--build-dir", build_dir)
    assert (proc.returncode, proc.stderr) == (1, "error: parameter 'source': no source 'src009' in this graph; "
                                                 "the graph holds src000, src001, src002, src004\n")
    for form in ("src002", "source:src002", "https://w3id.org/hcc-kg/id/source/src002"):
        code, out = invoke("query", "run", "12", "-p", f"source={form}", "--build-dir", build_dir, "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(out)))
        assert code == 0 and rows and {r["sourceFile"] for r in rows} == {"002_dee160c2392e6517.txt"}


def test_string_parameters_match_the_graphs_form(built) -> None:  # type: ignore[no-untyped-def]
    build_dir = str(built[0].build_dir)
    code, out = invoke("query", "run", "06", "-p", "quality=I b", "--build-dir", build_dir, "--format", "csv")
    assert code == 0 and [r["statement"] for r in csv.DictReader(io.StringIO(out))] == ["r001-cs4"]
    proc = run_cli("query", "run", "06", "-p", "quality=I c", "--build-dir", build_dir)
    assert (proc.returncode, proc.stderr) == (1, "error: parameter 'quality': 'I c' matches none of the values of "
                                                 "hcc:evidenceQuality in this graph: A, IIb, Ib\n")


def test_a_parameter_given_twice_is_a_usage_error(built) -> None:  # type: ignore[no-untyped-def]
    code, out = invoke("query", "run", "06", "-p", "quality=IIb", "-p", "quality=Ib", "--build-dir",
                       str(built[0].build_dir))
    assert code == 2 and "'quality' is given twice" in out


def test_format_choices_come_from_the_registries() -> None:
    from hcc_kg.export.formats import EXPORT_FORMATS
    from hcc_kg.render.formats import OUTPUT_FORMATS

    run_format = next(p for p in cli.commands["query"].commands["run"].params if p.name == "fmt")  # type: ignore[attr-defined]
    export_format = next(p for p in cli.commands["export"].params if p.name == "fmt")
    assert list(run_format.type.choices) == OUTPUT_FORMATS.names()  # type: ignore[attr-defined]
    assert list(export_format.type.choices) == EXPORT_FORMATS.names()  # type: ignore[attr-defined]


def test_csv_keeps_full_iris_and_the_table_shortens_them(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """SPARQL 1.1 CSV/TSV results carry full IRIs; only the human views write CURIEs."""
    query = tmp_path / "iris.rq"
    query.write_text("PREFIX hcc: <https://w3id.org/hcc-kg/ontology/>\n"
                     "SELECT ?finding ?endpoint WHERE { ?finding hcc:measuredVariable ?endpoint "
                     "FILTER(?finding = <https://w3id.org/hcc-kg/id/finding/f004-he2019-os>) }\n")
    build_dir = str(built[0].build_dir)
    code, out = invoke("query", "run", str(query), "--build-dir", build_dir, "--format", "csv")
    assert code == 0 and out.splitlines() == [
        "finding,endpoint",
        "https://w3id.org/hcc-kg/id/finding/f004-he2019-os,https://w3id.org/hcc-kg/ontology/OverallSurvival"]
    code, out = invoke("query", "run", str(query), "--build-dir", build_dir, "--format", "tsv")
    assert out.splitlines()[1] == ("https://w3id.org/hcc-kg/id/finding/f004-he2019-os\t"
                                   "https://w3id.org/hcc-kg/ontology/OverallSurvival")
    code, out = invoke("query", "run", str(query), "--build-dir", build_dir)
    assert out.splitlines()[2].split() == ["finding:f004-he2019-os", "hcc:OverallSurvival"]
    code, out = invoke("query", "run", str(query), "--build-dir", build_dir, "--format", "markdown")
    assert out.splitlines()[2] == "| finding:f004-he2019-os | hcc:OverallSurvival |"


def test_construct_and_ask_answers_render(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build_dir = str(built[0].build_dir)
    code, out = invoke("query", "run", "11", "-p", "population=MainPVTT", "--build-dir", build_dir,
                       "--format", "ntriples")
    assert code == 0
    assert ("<https://w3id.org/hcc-kg/id/finding/f004-mei2021-os-main-pvtt> "
            "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/hcc-kg/ontology/Finding> .") \
        in out.splitlines()
    ask = tmp_path / "ask.rq"
    ask.write_text("ASK { <https://w3id.org/hcc-kg/id/finding/f004-he2019-os> ?p ?o }\n")
    assert invoke("query", "run", str(ask), "--build-dir", build_dir) == (0, "true\n")
    assert json.loads(invoke("query", "run", str(ask), "--build-dir", build_dir, "--format", "json")[1]) == {
        "head": {}, "boolean": True}
    proc = subprocess.run([HCC_KG, "query", "run", "01", "--build-dir", build_dir, "--format", "turtle"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and proc.stderr == (
        "error: format 'turtle' cannot write a SELECT answer; use one of table, csv, tsv, json, markdown, html, "
        "sof, forest\n")


def test_query_list_as_json() -> None:
    code, out = invoke("query", "list", "--format", "json")
    listed = {q["name"]: q for q in json.loads(out)}
    assert code == 0 and listed["11_construct_findings_for_population"]["form"] == "CONSTRUCT"
    assert listed["01_haic_combinations_os_pvi"]["params"][0] == {
        "name": "population", "type": "term", "branch": "population", "kind": None, "default": "PortalVeinInvasion",
        "required": False, "property": None, "choices": None,
        "description": "Population criterion (subclasses included), as an id or an English/Chinese label."}


def test_build_failure_exits_non_zero_naming_file_and_field(tmp_path: Path, repo_paths: Paths) -> None:
    import shutil

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(Path(__file__).parent / "invalid" / "Finding-p-unparseable.yaml", data / "x.yaml")
    proc = subprocess.run([HCC_KG, "build", "--data", str(data), "--build-dir", str(tmp_path / "b")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "x.yaml:43: record fx-os, field p: cannot parse p-value 'P<'" in proc.stderr
    assert not (tmp_path / "b" / "current").exists()


def test_python_m_and_help() -> None:
    proc = subprocess.run([sys.executable, "-m", "hcc_kg", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "query" in proc.stdout and "export" in proc.stdout
