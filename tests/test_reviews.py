"""Curator reviews of plausibility flags (data/reviews/NNN.yaml): the loader's safety and one-line errors,
what a review does to the graph (a confirmed flag becomes a recorded conflict), the order and exit status
of ``hcc-kg check``, and ``hcc-kg diff`` on flags."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from hcc_kg.check.report import reviewed_checks, run_checks
from hcc_kg.check.reviews import load_review_file
from hcc_kg.cli import cli
from hcc_kg.config import Paths
from hcc_kg.curation import records as records_module
from hcc_kg.curation.validate import Dataset
from hcc_kg.release.diff import diff, render_text

REVIEWS = Path(__file__).resolve().parent.parent / "data" / "reviews"


def issues_of(tmp_path: Path, text: str | bytes, name: str = "000.yaml") -> list[str]:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    loaded, issues = load_review_file(path, name)
    assert (loaded is None) == bool(issues)
    return [str(i) for i in issues]


# --- the loader: the data loader's safety, one-line errors ------------------------------------------

def test_a_valid_file_loads(tmp_path: Path) -> None:
    text = """source: src000
reviews:
- flag: count-vs-percentage-0123456789ab
  status: not-an-error
  reason: The table rounds half down.
"""
    path = tmp_path / "000.yaml"
    path.write_text(text, encoding="utf-8")
    loaded, issues = load_review_file(path)
    assert issues == [] and loaded is not None and loaded.data.reviews[0].status == "not-an-error"
    assert loaded.line_of(0, "reason") == 5


@pytest.mark.parametrize(("text", "expected"), [
    ("source: src000\nreviews:\n- &a\n  flag: x\n  status: confirmed\n  reason: r\n- *a\n",
     "000.yaml:3: YAML anchors and aliases are not allowed"),
    (b"source: src000\nreviews: \xff\n", "000.yaml:2: file is not UTF-8"),
    ("source: src000\nreviews: [\n", "000.yaml:3: malformed YAML"),
    ("- a list\n", "000.yaml:1: top level must be a mapping"),
    ("", "000.yaml: file is empty"),
    ("source: src000\nreviews:\n- flag: f-1\n  status: confirmed\n  reason: r\n",
     "000.yaml:3: record f-1, field quote: a confirmed flag becomes a recorded conflict"),
    ("source: src000\nreviews:\n- flag: f-1\n  status: wrong\n  reason: r\n",
     "000.yaml:4: record f-1, field status: Input should be 'confirmed' or 'not-an-error'"),
    ("source: src000\nreviews:\n- flag: f-1\n  status: not-an-error\n  reason: r\n  color: red\n",
     "000.yaml:6: record f-1, field color: unknown field 'color'"),
    ("source: src000\nreviews:\n- flag: f-1\n  status: not-an-error\n",
     "000.yaml:3: record f-1, field reason: missing required field 'reason'"),
    ("source: src000\nreviews:\n- flag: f-1\n  status: confirmed\n  reason: r\n  quote: q\n",
     "000.yaml:3: record f-1, field quote_lang: a quote needs its quote_lang"),
    ("source: doc000\nreviews: []\n", "000.yaml:1: field source: String should match pattern"),
])
def test_bad_files_are_one_line_errors(tmp_path: Path, text: str, expected: str) -> None:
    (issue, *_) = issues_of(tmp_path, text)
    assert issue.startswith(expected) and "\n" not in issue


def test_an_oversized_file_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records_module, "MAX_FILE_BYTES", 10)  # the shared reader's cap (records.read_yaml)
    assert issues_of(tmp_path, "source: src000\nreviews: []\n")[0].startswith("000.yaml: file is 27 bytes, over")


# --- reviews against the flags of the build ---------------------------------------------------------

def review_dir(repo_paths: Paths, tmp_path: Path, files: dict[str, str]) -> Path:
    """A data folder: the real records with ``files`` as its reviews (no real review files)."""
    data = tmp_path / "data"
    shutil.copytree(repo_paths.data_dir, data, ignore=shutil.ignore_patterns("reviews"))
    (data / "reviews").mkdir()
    for name, text in files.items():
        (data / "reviews" / name).write_text(text, encoding="utf-8")
    return data


def problems(dataset: Dataset, repo_paths: Paths, tmp_path: Path, files: dict[str, str]) -> list[str]:
    data = review_dir(repo_paths, tmp_path, files)
    _, issues = reviewed_checks(dataset.files, data, repo_paths.seeds_dir, root=tmp_path)
    return [str(i) for i in issues]


def flag_id(dataset: Dataset, repo_paths: Paths, rule: str, member: str) -> str:
    return next(f.id for f in run_checks(dataset.files, repo_paths.seeds_dir)
                if f.rule == rule and member in f.members)


def test_an_unknown_flag_names_the_closest_ids(dataset: Dataset, repo_paths: Paths, tmp_path: Path) -> None:
    real = flag_id(dataset, repo_paths, "count-vs-percentage", "f000-bl-male")
    stale = real[:-3] + "zzz"
    text = f"source: src000\nreviews:\n- flag: {stale}\n  status: not-an-error\n  reason: r\n"
    (issue,) = problems(dataset, repo_paths, tmp_path, {"000.yaml": text})
    assert issue.startswith(f"data/reviews/000.yaml:3: record {stale}, field flag: no flag")
    assert f"closest: {real}" in issue


def test_review_mistakes(dataset: Dataset, repo_paths: Paths, tmp_path: Path) -> None:
    male = flag_id(dataset, repo_paths, "count-vs-percentage", "f000-bl-male")
    oligo = flag_id(dataset, repo_paths, "median-not-reached-vs-rate", "f002-oligo-os-median-local")
    text = f"""source: src000
reviews:
- flag: {male}
  status: confirmed
  reason: r
  quote: Male 21 80.8
  quote_lang: en
- flag: {male}
  status: not-an-error
  reason: r
- flag: {oligo}
  status: not-an-error
  reason: r
"""
    found = problems(dataset, repo_paths, tmp_path, {"000.yaml": text, "002.yaml": "source: src001\nreviews: []\n",
                                                     "009.yaml": "source: src009\nreviews: []\n"})
    assert any(f":6: record {male}, field quote: quote not found in 000_a7ac623c546b824a.txt" in i for i in found)
    assert any(f":8: record {male}, field flag: flag {male!r} is reviewed twice" in i for i in found)
    assert any(f":11: record {oligo}, field flag: flag {oligo!r} is about src002, not src000" in i for i in found)
    assert any("002.yaml:1: field source: reviews of src001 go in 001.yaml, not 002.yaml" in i for i in found)
    assert any("009.yaml:1: field source: no source document 'src009'" in i for i in found)
    assert len(found) == 5


def test_no_reviews_folder_means_every_flag_is_unreviewed(dataset: Dataset, repo_paths: Paths,
                                                          tmp_path: Path) -> None:
    flags, issues = reviewed_checks(dataset.files, tmp_path, repo_paths.seeds_dir)
    assert issues == [] and flags and all(f.review is None and f.status == "unreviewed" for f in flags)


def test_every_real_flag_is_reviewed_and_every_review_is_used(dataset: Dataset, repo_paths: Paths) -> None:
    """The review files name exactly the flags of the four sources; each confirmed one quotes the source."""
    flags, issues = reviewed_checks(dataset.files, repo_paths.data_dir, repo_paths.seeds_dir)
    assert issues == []
    named = [r["flag"] for p in sorted(REVIEWS.glob("*.yaml"))
             for r in yaml.safe_load(p.read_text(encoding="utf-8"))["reviews"]]
    assert sorted(named) == sorted(f.id for f in flags)
    assert {f.status for f in flags if f.rule != "passage-printed-twice"} == {"confirmed"}
    assert {f.status for f in flags if f.rule == "passage-printed-twice"} == {"not-an-error"}


# --- what a review does to the graph ----------------------------------------------------------------

HCC = "PREFIX hcc: <https://w3id.org/hcc-kg/ontology/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "


def test_a_confirmed_flag_is_a_recorded_conflict(store: Any, dataset: Dataset, repo_paths: Paths) -> None:
    afp = flag_id(dataset, repo_paths, "category-counts-vs-denominator", "f000-bl-afp-high")
    rows = list(store.query(HCC + f"""
        SELECT ?status ?reason ?kind ?quote ?note ?m WHERE {{
          <https://w3id.org/hcc-kg/id/flag/{afp}> hcc:reviewStatus ?status ; hcc:reviewReason ?reason ;
              hcc:recordedAs ?c .
          ?c a hcc:Conflict ; hcc:conflictKind ?kind ; hcc:quote ?quote ; rdfs:comment ?note ;
             hcc:conflictMember ?m }}"""))
    assert {row["m"].value.rsplit("/", 1)[-1] for row in rows} == {"f000-bl-afp-low", "f000-bl-afp-high"}
    row = rows[0]
    assert (row["status"].value, row["kind"].value, row["quote"].value) == (
        "confirmed", "internal", "AFP < 100 16 61.5 ≥ 100 12 38.5")
    assert row["quote"].language == "en" and row["note"].value == row["reason"].value
    assert "28 patients out of 26" in row["reason"].value


def test_a_flag_that_is_not_an_error_keeps_its_reason_and_is_no_conflict(store: Any) -> None:
    rows = list(store.query(HCC + """
        SELECT ?f ?reason WHERE { ?f hcc:rule "passage-printed-twice" ; hcc:reviewStatus "not-an-error" ;
                                     hcc:reviewReason ?reason . FILTER NOT EXISTS { ?f hcc:recordedAs ?c } }"""))
    assert len(rows) == 4 and all("PDF-extraction duplicate" in r["reason"].value for r in rows)


# --- hcc-kg check: unreviewed first, exit status ---------------------------------------------------

def test_check_lists_unreviewed_flags_first_and_fails_on_them(dataset: Dataset, repo_paths: Paths,
                                                               tmp_path: Path) -> None:
    male = flag_id(dataset, repo_paths, "count-vs-percentage", "f000-bl-male")
    text = f"source: src000\nreviews:\n- flag: {male}\n  status: not-an-error\n  reason: Checked by hand.\n"
    data = review_dir(repo_paths, tmp_path, {"000.yaml": text})
    result = CliRunner().invoke(cli, ["check", "--data", str(data), "--seeds", str(repo_paths.seeds_dir)])
    assert result.exit_code == 1, result.output
    out = result.output
    src000 = out[out.index("src000"):out.index("src001")]
    assert src000.index("  unreviewed\n    warning (10)") < src000.index("  reviewed\n    warning (1)")
    assert src000.index(f"flag {male}") > src000.index("  reviewed")
    assert "not-an-error: Checked by hand." in src000
    blocking = sum(f.severity in ("error", "warning") for f in run_checks(dataset.files, repo_paths.seeds_dir))
    assert f"{blocking - 1} unreviewed error/warning flag(s) to review in data/reviews/" in out
    # info flags never fail the check: doc 004's duplicate passages are unreviewed here too
    assert "    info (4)" in out[out.index("src004"):]


def test_check_refuses_a_bad_review(dataset: Dataset, repo_paths: Paths, tmp_path: Path) -> None:
    data = review_dir(repo_paths, tmp_path, {"000.yaml": "source: src000\nreviews:\n- flag: nope\n  status: x\n"})
    result = CliRunner().invoke(cli, ["check", "--data", str(data), "--seeds", str(repo_paths.seeds_dir)])
    assert result.exit_code != 0 and "000.yaml:3: record nope, field reason: missing" in str(result.exception)


# --- hcc-kg diff: flags appear, disappear and change review status ----------------------------------

FLAG = "https://w3id.org/hcc-kg/id/flag/"
ONT = "https://w3id.org/hcc-kg/ontology/"


def flag_triples(flag: str, status: str | None = None) -> str:
    node = f"<{FLAG}{flag}>"
    lines = [f'{node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{ONT}PlausibilityFlag> .',
             f'{node} <http://www.w3.org/2000/01/rdf-schema#comment> "message of {flag}"@en .']
    if status:
        lines.append(f'{node} <{ONT}reviewStatus> "{status}" .')
    return "\n".join(lines) + "\n"


def test_diff_reports_flags_and_review_status(tmp_path: Path) -> None:
    old, new = tmp_path / "old.nt", tmp_path / "new.nt"
    old.write_text(flag_triples("rule-a-1") + flag_triples("rule-b-2") + flag_triples("rule-c-3"), encoding="utf-8")
    new.write_text(flag_triples("rule-a-1", "confirmed") + flag_triples("rule-c-3") + flag_triples("rule-d-4"),
                   encoding="utf-8")
    changes = {(c.kind, c.id, c.status): c.fields for c in diff(old, new)}
    assert set(changes) == {("flag", "rule-a-1", "changed"), ("flag", "rule-b-2", "removed"),
                            ("flag", "rule-d-4", "added")}
    assert changes[("flag", "rule-a-1", "changed")] == {"hcc:reviewStatus": {"old": [], "new": ["confirmed"]}}
    assert changes[("flag", "rule-d-4", "added")]["rdfs:comment"] == {"new": ["message of rule-d-4@en"], "old": []}
    text = render_text(diff(old, new))
    assert "1 plausibility flags added" in text and "removed  plausibility flag rule-b-2" in text
    assert "hcc:reviewStatus: (none) -> confirmed" in text


def test_diff_of_the_real_release_with_one_review_withdrawn(graph_ttl: Path, tmp_path: Path) -> None:
    """Withdrawing a confirmed review: the flag's status goes, and so does the conflict it became."""
    text = graph_ttl.read_text(encoding="utf-8")
    marker = 'hcc:reviewStatus "confirmed"'
    assert marker in text
    edited = tmp_path / "edited.ttl"
    edited.write_text(text.replace(marker, 'hcc:reviewStatus "not-an-error"', 1), encoding="utf-8")
    changed = [c for c in diff(graph_ttl, edited)]
    assert [(c.kind, c.status) for c in changed] == [("flag", "changed")]
    assert changed[0].fields["hcc:reviewStatus"] == {"old": ["confirmed"], "new": ["not-an-error"]}


def test_paths_are_the_repository_ones(repo_paths: Paths) -> None:
    assert dataclasses.is_dataclass(repo_paths) and (repo_paths.data_dir / "reviews").is_dir()


# --- markers: evidence tables, SoF, exports --------------------------------------------------------

def test_evidence_tables_mark_flagged_findings(kg: Any) -> None:
    from hcc_kg.render.formats import View, render

    answer = kg.query("17_medians_not_reached")
    view = View("medians", kg.saved("17_medians_not_reached"), kg)
    text = render(answer, "markdown", view)
    assert isinstance(text, str)
    assert "| f002-os-median-local ⚑ |" in text and "⚑ the source's numbers for this finding" in text
    assert "⚑" not in render(answer, "csv", view), "machine formats keep the cells as returned"
    table = render(answer, "table", view)
    assert isinstance(table, str) and "f002-oligo-os-median-local ⚑" in table
    page = render(answer, "html", view)
    assert isinstance(page, str) and "f002-os-median-local ⚑" in page and "<p>⚑ the source" in page
    plain = render(answer, "markdown", View("medians"))
    assert isinstance(plain, str) and "⚑" not in plain, "no graph given, nothing to look up"


def test_a_finding_whose_flag_is_not_an_error_has_no_marker(kg: Any) -> None:
    from hcc_kg.query.evidence import load_findings

    (male, he2019) = load_findings(kg, ["f000-bl-male", "f004-he2019-os"])
    assert [(m.rule, m.status) for m in male.flags] == [("count-vs-percentage", "confirmed")]
    assert he2019.flags == ()


def test_sof_table_marks_flagged_rows(kg: Any) -> None:
    from hcc_kg.render.formats import View, render

    text = render(kg.query("17_medians_not_reached"), "sof", View("medians", kg.saved("17_medians_not_reached"), kg))
    assert isinstance(text, str)
    assert "| 1 ⚑ |" in text and "**Plausibility flag ⚑**: confirmed median-not-reached-vs-rate" in text


def test_exports_keep_the_flags_of_exported_findings(kg: Any) -> None:
    import json

    from hcc_kg.export.selection import Selection

    turtle = kg.export("turtle", Selection(findings=("f002-os-median-local",))).decode()
    assert "flag/median-not-reached-vs-rate-" in turtle and 'hcc:reviewStatus "confirmed"' in turtle
    assert "finding:f002-os-3y" not in turtle, "member links stay inside the subset"
    bundle = json.loads(kg.export("fhir", Selection(findings=("f002-os-median-local",))))
    notes = [n for e in bundle["entry"] if e["resource"]["resourceType"] == "Evidence"
             for n in e["resource"].get("note", [])]
    flagged = [n for n in notes if n.get("extension", [{}])[0].get("url", "").endswith("/plausibility-flag")]
    assert len(flagged) == 1 and flagged[0]["extension"][0]["valueCode"] == "confirmed"
    assert "median-not-reached-vs-rate" in flagged[0]["text"]
