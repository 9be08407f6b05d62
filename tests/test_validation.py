"""Bad input: every invalid example fails for its named reason, naming file, record, field and line;
`validate` reports all errors in one run; the loader never crashes on generated garbage."""

from __future__ import annotations

import json
import re
import shutil
import string
import tracemalloc
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hcc_kg.cli import cli
from hcc_kg.config import Paths
from hcc_kg.curation.records import MAX_FILE_BYTES, load_file
from hcc_kg.curation.validate import validate
from hcc_kg.errors import Issue
from hcc_kg.terms import TermIndex

HERE = Path(__file__).resolve().parent
INVALID = HERE / "invalid"
VALID = HERE / "valid"
EXPECTED = yaml.safe_load((INVALID / "EXPECTED.yaml").read_text(encoding="utf-8"))
EXAMPLES = sorted(p for p in INVALID.iterdir() if p.name != "EXPECTED.yaml")


@pytest.fixture(scope="module")
def terms(repo_paths: Paths) -> TermIndex:
    return TermIndex.from_ontology(repo_paths.ontology)


def check_folder(example: Path, tmp_path: Path, repo_paths: Paths, terms: TermIndex) -> list[Issue]:
    data = tmp_path / "data"
    data.mkdir()
    for source in (sorted(example.iterdir()) if example.is_dir() else [example]):
        shutil.copy(source, data / source.name)
    _, issues = validate(data, repo_paths.ontology, repo_paths.seeds_dir, root=data, terms=terms)
    return issues


def test_invalid_examples_are_named_and_expected() -> None:
    """Every example has an expectation and every expectation an example; names are <Kind>-<problem>."""
    assert {p.name for p in EXAMPLES} == set(EXPECTED)
    assert len(EXAMPLES) >= 40
    for path in EXAMPLES:
        assert re.fullmatch(r"[A-Z][A-Za-z]+-[a-z0-9-]+(\.yaml)?", path.name), path.name


@pytest.mark.parametrize("example", [pytest.param(p, id=p.stem) for p in EXAMPLES])
def test_invalid_example_fails_for_its_reason(example: Path, tmp_path: Path, repo_paths: Paths,
                                              terms: TermIndex) -> None:
    expected = EXPECTED[example.name]
    issues = check_folder(example, tmp_path, repo_paths, terms)
    assert issues, f"{example.name} was accepted"
    matching = [i for i in issues if re.search(expected["message"], i.message)]
    assert matching, f"{example.name}: expected /{expected['message']}/, got {[str(i) for i in issues]}"
    issue = matching[0]
    assert issue.file == expected.get("file", example.name if example.is_file() else issue.file)
    assert issue.record == expected.get("record")
    assert issue.field == expected.get("field")
    assert (issue.line is not None) == bool(expected.get("line")), str(issue)


@pytest.mark.parametrize("example", [pytest.param(p, id=p.stem) for p in sorted(VALID.iterdir())])
def test_valid_example_passes(example: Path, tmp_path: Path, repo_paths: Paths, terms: TermIndex) -> None:
    """Including Chinese names with full-width punctuation (Child－Pugh　B级, 门静脉浸润, 总生存期)."""
    assert check_folder(example, tmp_path, repo_paths, terms) == []


def test_validate_reports_all_errors_in_one_run_as_json(tmp_path: Path, repo_paths: Paths) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("Finding-p-unparseable.yaml", "Study-unknown-design-term.yaml", "YAML-tab-indentation.yaml"):
        shutil.copy(INVALID / name, data / name)
    result = CliRunner().invoke(cli, ["validate", "--data", str(data), "--seeds", str(repo_paths.seeds_dir),
                                      "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["valid"] is False
    assert {(Path(e["file"]).name, e["record"], e["field"]) for e in report["errors"]} == {
        ("Finding-p-unparseable.yaml", "fx-os", "p"), ("Study-unknown-design-term.yaml", "sx-he2019", "design"),
        ("YAML-tab-indentation.yaml", None, None)}
    text = CliRunner().invoke(cli, ["validate", "--data", str(data), "--seeds", str(repo_paths.seeds_dir)])
    assert text.exit_code == 1 and "3 error(s)" in text.output


def test_50_mb_file_is_refused_quickly_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        line = b"- id: f-x\n  quote: " + b"x" * 1000 + b"\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            handle.write(line)
    assert path.stat().st_size >= 50 * 1024 * 1024
    tracemalloc.start()
    loaded, issues = load_file(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert loaded is None and f"over the {MAX_FILE_BYTES}-byte limit" in issues[0].message
    assert peak < 1024 * 1024, f"peak {peak} bytes: the file must not be read"


def test_number_check_catches_a_number_not_in_its_quote(repo_paths: Paths, tmp_path: Path, terms: TermIndex) -> None:
    """The curation check can fail: change one real record's value by one digit."""
    data = tmp_path / "data"
    shutil.copytree(repo_paths.data_dir, data)
    path = data / "002_cnlc_iiib_local_systemic.yaml"
    text = path.read_text(encoding="utf-8")
    assert "hr: 2.213" in text
    path.write_text(text.replace("hr: 2.213", "hr: 2.231", 1), encoding="utf-8")
    _, issues = validate(data, repo_paths.ontology, repo_paths.seeds_dir, root=tmp_path, terms=terms)
    assert [(i.file, i.record, i.field) for i in issues] == [
        ("data/002_cnlc_iiib_local_systemic.yaml", "f002-hr-mv-oligo", "hr")]
    assert "2.231" in issues[0].message


# --- property-based: generated records and garbage never crash the loader ------------------------

BASE = yaml.safe_load((VALID / "valid-base.yaml").read_text(encoding="utf-8"))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=40), st.lists(st.text(max_size=5), max_size=3))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(section=st.sampled_from(["studies", "findings"]), key=st.sampled_from(
    ["id", "study", "arm", "endpoint", "value", "p", "ci_low", "ci_high", "unit", "direction", "quote",
     "quote_lang", "statistic", "design", "sample_size", "population", "timepoint", "hr", "arms", "extra"]),
    value=scalars)
def test_generated_records_build_or_fail_cleanly(tmp_path_factory, repo_paths: Paths, terms: TermIndex,
                                                  section: str, key: str, value: object) -> None:
    record = dict(BASE[section][0])
    record[key] = value
    doc = dict(BASE, **{section: [record]})
    data = tmp_path_factory.mktemp("gen")
    (data / "gen.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    dataset, issues = validate(data, repo_paths.ontology, repo_paths.seeds_dir, root=data, terms=terms)
    assert all(isinstance(i, Issue) and i.file for i in issues)
    if not issues:
        from hcc_kg.build.pipeline import assemble, ontology_quads

        assemble(dataset, ontology_quads(repo_paths.ontology), {}, reason=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=300), st.text(alphabet=string.printable + "：，（）门静脉", max_size=300).map(
    str.encode)))
def test_garbage_never_crashes_the_loader(tmp_path_factory, payload: bytes) -> None:
    path = tmp_path_factory.mktemp("garbage") / "g.yaml"
    path.write_bytes(payload)
    loaded, issues = load_file(path)
    assert (loaded is None) == bool(issues)
    assert all(isinstance(i, Issue) for i in issues)


def test_numbers_in_quotes_include_english_number_words() -> None:
    from decimal import Decimal

    from hcc_kg.curation.provenance import numbers_in

    assert numbers_in("Six patients suffered; two died") == {Decimal(6), Decimal(2)}
    assert Decimal(6) not in numbers_in("sixty patients") and Decimal(1) not in numbers_in("someone")
    assert numbers_in("（13.37个月vs.7.13个月，P＜０.００１）") >= {Decimal("13.37"), Decimal("7.13"), Decimal("0.001")}
