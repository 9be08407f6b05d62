"""The coverage audit: segmentation of the real sources, the overlap rule, exclusions and the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from hcc_kg.cli import cli
from hcc_kg.config import Paths
from hcc_kg.curation.coverage import LONG_STRETCH, audit
from hcc_kg.curation.exclusions import load_exclusions
from hcc_kg.curation.provenance import squeeze
from hcc_kg.curation.segment import Segmented, Unit, audited_numbers, cited_references, segment

SEEDS = {"000": "000_a7ac623c546b824a.txt", "001": "001_e3fe8ab5a02a181e.txt",
         "002": "002_dee160c2392e6517.txt", "004": "004_b13ee0292349ace4.txt"}


@pytest.fixture(scope="module")
def seeds(repo_paths: Paths) -> dict[str, Segmented]:
    """The four real sources, segmented once."""
    return {n: segment((repo_paths.seeds_dir / f).read_text(encoding="utf-8")) for n, f in SEEDS.items()}


def unit_with(seg: Segmented, text: str) -> Unit:
    """The one unit whose squeezed text contains ``text`` (whitespace-insensitive)."""
    found = [u for u in seg.units if squeeze(text) in u.squeezed]
    assert len(found) == 1, [u.text for u in found]
    return found[0]


# --- segmentation of the real sources -------------------------------------------------------------

def test_chinese_sentence_spaced_and_wrapped_is_one_unit(seeds: dict[str, Segmented]) -> None:
    unit = unit_with(seeds["004"], "FOLFOX-HAIC 联 合 索 拉 非 尼 能 显 著 改 善")
    assert unit.kind == "sentence"
    assert unit.squeezed.startswith("一项多中心随机临床试验[12]结果显示")
    assert unit.squeezed.endswith("40.8%vs.2.46%，P<0.001]。")
    assert unit.numbers[:2] == ("13.37", "7.13")  # decimals and "vs." never split a sentence
    assert "40.8" in unit.numbers and unit.references == (12,)
    assert unit.line == 221


def test_chinese_sentences_split_at_full_stop(seeds: dict[str, Segmented]) -> None:
    first = unit_with(seeds["002"], "2022年，HCC居我国恶性肿瘤发病率第4位")
    second = unit_with(seeds["002"], "由于HCC早期症状不明显，35.2%的患者")
    assert first is not second
    assert first.squeezed.endswith("仅次于肺癌<sup>[1]</sup>。")
    assert first.numbers == ("2022", "4", "2") and first.references == (1,)
    assert second.numbers == ("35.2",) and second.references == (2,)


def test_english_sentence_ends_after_p_value_and_bracket(seeds: dict[str, Segmented]) -> None:
    unit = unit_with(seeds["000"], "survival time than the other 22 patients (35.5")
    assert unit.squeezed.endswith("(35.5vs.10.3months,P=0.001).")
    assert unit.numbers == ("22", "35.5", "10.3", "0.001")
    following = unit_with(seeds["000"], "Six patients bear- ing intrahepatic tumors with CR")
    assert following.line == 333


def test_p_value_with_full_stop_ends_a_sentence() -> None:
    seg = segment("Median OS was longer (13.37 vs. 7.13 months, P<0.001. The next one\nhas 2 numbers, 3.5.\n")
    assert [u.text for u in seg.units] == ["Median OS was longer (13.37 vs. 7.13 months, P<0.001.",
                                          "The next one has 2 numbers, 3.5."]
    assert seg.units[0].numbers == ("13.37", "7.13", "0.001")


def test_abbreviations_do_not_end_a_sentence(seeds: dict[str, Segmented]) -> None:
    unit = unit_with(seeds["000"], "Hobo et al. and Mochizuki")
    assert unit.squeezed.startswith("Hoboetal.andMochizukiet al.".replace(" ", ""))
    assert unit.squeezed.endswith("becameregres-sive.")


def test_table_rows_are_units(seeds: dict[str, Segmented]) -> None:
    male = unit_with(seeds["000"], "Male 21 80.7")
    assert (male.kind, male.text, male.numbers, male.line) == ("row", "Male 21 80.7", ("21", "80.7"), 113)
    tab = unit_with(seeds["002"], "男\t38(50.0)\t28(36.9)\t0.060")
    assert tab.kind == "row" and tab.numbers == ("38", "50.0", "28", "36.9", "0.060")
    right = unit_with(seeds["002"], "无\t11(14.5)\t0(0.0)\t0.000")  # the same printed line, second table
    assert right is not tab and right.line == tab.line == 133
    assert unit_with(seeds["000"], "Presence vs. Absence 7.0 (3.0 ~ 13.0)").numbers[-1] == "0.078"
    table3 = unit_with(seeds["000"], "Yes vs. No 8.0 (6.0 ~ 10.0)")
    assert table3.kind == "row" and table3.numbers[-1] == "0.001"
    assert unit_with(seeds["000"], "Stratification Median survival time (95% CI) P Strat").numbers == ()
    prose_after_table = unit_with(seeds["002"], "76 例患者中，23 例（30.3%）在治疗期间达到")
    assert prose_after_table.kind == "sentence"  # the table ended at the heading "2.5 NED 情况"


def test_sentence_interrupted_by_a_table_is_joined(seeds: dict[str, Segmented]) -> None:
    unit = unit_with(seeds["000"], "none had pulmonary metas-")
    assert unit.squeezed.endswith("withwell-controlledintrahe-patictumors.")
    assert len(unit.occurrences[0].spans) == 2  # before and after Table 1 and its caption


def test_caption_and_heading_numbering_is_not_a_number(seeds: dict[str, Segmented]) -> None:
    assert unit_with(seeds["004"], "1.1 索拉非尼").numbers == ()
    assert unit_with(seeds["000"], "Table 2. Causes of death").numbers == ()
    assert unit_with(seeds["001"], "3 连续 3 次及以上 TACE 后疗效评估与治疗策略").numbers == ("3",)
    assert unit_with(seeds["000"], "Kaplan-Meier survival curve of the patients is shown in Figure 1").numbers == ()


def test_reference_list_metadata_and_furniture_are_not_units(seeds: dict[str, Segmented]) -> None:
    assert seeds["001"].reference_list_line == 118
    assert seeds["001"].listed_references == frozenset(range(1, 47))
    for seg in seeds.values():
        for unit in seg.units:
            assert "[J]" not in unit.text and "doi:" not in unit.text.lower(), unit.text
            assert not unit.text.startswith(("中图分类号", "DOI", "http", "基金项目"))
            assert seg.reference_list_line is None or unit.line < seg.reference_list_line


def test_repeated_page_is_one_unit_with_two_occurrences(seeds: dict[str, Segmented]) -> None:
    unit = unit_with(seeds["004"], "63.6%、12.1%、3.0% 与 47.2%")
    assert [o.line for o in unit.occurrences] == [321, 488]


def test_citations_every_form(seeds: dict[str, Segmented]) -> None:
    assert cited_references("第2位肿瘤致死病因^[1-2]。") == (1, 2)
    assert cited_references("Hellman等<sup>[13]</sup>首次") == (13,)
    assert cited_references("[12, 13] and [8-10] and [15,29-30]") == (12, 13, 8, 9, 10, 15, 29, 30)
    assert cited_references("[1.5] and [n(%)] and [J]") == ()
    assert cited_references("[58]", highest=57) == ()
    assert seeds["000"].citation_lines[14] == [294, 400]


def test_numbers_left_after_markers_identifiers_and_numbering() -> None:
    assert audited_numbers("PD-1 和 CTLA-4 （NCT03009461），FOLFOX6，RECIST 1.1，SPSS 19.0，5.0 版") == ()
    assert audited_numbers("威 胁[1]。（图 2A）(Table 3) (1)日本") == ()
    assert audited_numbers("2016年指南，转移灶≤5个") == ("2016", "5")
    assert audited_numbers("2.1 患者特征", heading=True) == ()
    assert audited_numbers("全角 １２ 例") == ("１２",)


# --- the audit on small synthetic sources ---------------------------------------------------------

SOURCE = """Background sentence where 45% of patients relapse [1].
The median OS was 13.37 months vs. 7.13 months (P<0.001). Adverse events occurred in 12 patients [2].
Table 1. Baseline
Male 21 80.7
Female 5 19.3

References
[1] A. Title[J]. J, 2020.
[2] B. Title[J]. J, 2021.
"""

DATA = """source:
  id: src900
  file: 900_test.txt
  title: Test
  language: en
studies:
- id: s900-test
  label: test study
  design: [RetrospectiveStudy]
  quote: Male 21 80.7 Female 5 19.3
  quote_lang: en
findings:
- id: f900-os
  study: s900-test
  endpoint: OverallSurvival
  statistic: median
  value: 13.37
  direction: benefit
  reference: 2
  quote: median OS was 13.37 months vs. 7.13 months
  quote_lang: en
"""


def make(tmp_path: Path, exclusions: str | None = None, data: str = DATA,
         source: str = SOURCE) -> tuple[Path, Path]:
    """A data folder and a seeds folder holding one synthetic source (and its exclusions file)."""
    seeds, data_dir = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir(parents=True)
    data_dir.mkdir()
    (seeds / "900_test.txt").write_text(source, encoding="utf-8")
    (data_dir / "900_test.yaml").write_text(data, encoding="utf-8")
    if exclusions is not None:
        (data_dir / "exclusions").mkdir()
        (data_dir / "exclusions" / "900.yaml").write_text(exclusions, encoding="utf-8")
    return data_dir, seeds


def statuses(data_dir: Path, seeds: Path) -> dict[str, str]:
    report = audit(data_dir, seeds)
    assert not report.errors, report.errors
    (source,) = report.sources
    out = {r.unit.text: r.status for r in source.units}
    out.update({f"[{r.number}]": r.status for r in source.references})
    return out


def test_covered_when_passage_within_unit_or_unit_within_passage(tmp_path: Path) -> None:
    assert statuses(*make(tmp_path)) == {
        "Background sentence where 45% of patients relapse [1].": "uncovered",
        "The median OS was 13.37 months vs. 7.13 months (P<0.001).": "covered",  # passage within the unit
        "Adverse events occurred in 12 patients [2].": "uncovered",
        "Male 21 80.7": "covered",  # the units lie within the study's passage
        "Female 5 19.3": "covered",
        "[1]": "uncovered",
        "[2]": "cited",  # by f900-os's reference, although cited next to an uncovered sentence
    }


def test_long_common_stretch_across_a_sentence_boundary(tmp_path: Path) -> None:
    quote = "(P<0.001). Adverse events occurred in 12 patients"
    got = statuses(*make(tmp_path, data=DATA.replace("median OS was 13.37 months vs. 7.13 months", quote)
                         .replace("value: 13.37", "value: 12")))
    assert got["Adverse events occurred in 12 patients [2]."] == "covered"  # shares 33 of its 37 characters
    assert got["The median OS was 13.37 months vs. 7.13 months (P<0.001)."] == "uncovered"  # only 9 shared
    assert LONG_STRETCH == 30
    short = statuses(*make(tmp_path / "short", data=DATA.replace(
        "median OS was 13.37 months vs. 7.13 months", "(P<0.001). Adverse events occurred in")
        .replace("value: 13.37", "value: 0.001")))
    assert short["Adverse events occurred in 12 patients [2]."] == "uncovered"  # 21 shared: grazed only


def test_exclusions_exclude_units_and_their_references(tmp_path: Path) -> None:
    data_dir, seeds = make(tmp_path, exclusions="""source: src900
exclusions:
- passage: Background sentence where 45% of patients relapse
  reason: background epidemiology
- passage: Adverse   events occurred
    in 12 patients [2].
  reason: not curated in this test
""")
    report = audit(data_dir, seeds)
    assert not report.errors and not report.failed
    (source,) = report.sources
    assert source.counts() == {"units": {"total": 5, "covered": 3, "excluded": 2, "uncovered": 0},
                               "references": {"total": 2, "cited": 1, "excluded": 1, "uncovered": 0}}
    result = CliRunner().invoke(cli, ["coverage", "--data", str(data_dir), "--seeds", str(seeds)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("src900 900_test.txt: units with numbers 5: 3 covered, 2 excluded, "
                                    "0 uncovered; reference numbers 2: 1 cited, 1 excluded, 0 uncovered")


def test_command_lists_uncovered_with_line_and_exits_1(tmp_path: Path) -> None:
    data_dir, seeds = make(tmp_path, source=SOURCE.replace("Background sentence", "Background sentence " * 10))
    result = CliRunner().invoke(cli, ["coverage", "--data", str(data_dir), "--seeds", str(seeds)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "  900_test.txt:1: " + ("Background sentence " * 10)[:79] + "…" in lines
    assert "  900_test.txt:2: Adverse events occurred in 12 patients [2]." in lines
    assert "  900_test.txt:1: reference [1] cited by no record (cited at line 1)" in lines
    data = json.loads(CliRunner().invoke(cli, ["coverage", "--data", str(data_dir), "--seeds", str(seeds),
                                               "--format", "json"]).output)
    assert data["failed"] is True
    assert [u["line"] for u in data["sources"][0]["uncovered_units"]] == [1, 2]
    assert CliRunner().invoke(cli, ["coverage", "--data", str(data_dir), "--seeds", str(seeds),
                                    "--source", "src999"]).exit_code == 1


def test_stale_exclusion_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    data_dir, seeds = make(tmp_path, exclusions="""source: src900
exclusions:
- passage: Background sentence where 45% of patients relapse [1].
  reason: background
- passage: A sentence the source no longer prints, 99 patients.
  reason: background
""")
    report = audit(data_dir, seeds, root=tmp_path)
    assert [str(i) for i in report.errors] == [
        "data/exclusions/900.yaml:5: field passage: stale exclusion: passage not found in source document "
        "900_test.txt (the source changed or the passage was mistyped)"]
    assert report.failed


def test_excluded_but_covered_is_reported_for_review(tmp_path: Path) -> None:
    data_dir, seeds = make(tmp_path, exclusions="""source: src900
exclusions:
- passage: Male 21 80.7
  reason: baseline table
""")
    report = audit(data_dir, seeds, root=tmp_path)
    assert [str(i) for i in report.info] == [
        "data/exclusions/900.yaml:3: field passage: excluded but covered by s900-test (line 4 of the source): "
        "review the exclusion"]
    (source,) = report.sources
    assert {r.unit.text: r.status for r in source.units}["Male 21 80.7"] == "covered"


def test_partly_covered_numbers_are_listed(tmp_path: Path) -> None:
    data_dir, seeds = make(tmp_path, data=DATA.replace("median OS was 13.37 months vs. 7.13 months",
                                                       "median OS was 13.37 months"))
    (source,) = audit(data_dir, seeds).sources
    unit = next(r for r in source.units if r.unit.text.startswith("The median OS"))
    assert (unit.status, unit.unquoted) == ("covered", ["7.13", "0.001"])
    result = CliRunner().invoke(cli, ["coverage", "--data", str(data_dir), "--seeds", str(seeds), "--partial"])
    assert "partly covered: 900_test.txt:2: numbers 7.13, 0.001 in no quote of f900-os" in result.output


# --- hostile exclusions files: one line each, naming file, line and field -------------------------

@pytest.mark.parametrize(("content", "expected"), [
    pytest.param(b"source: src900\nexclusions:\n- passage: a sentence\n  reason: y\n  pasage: z\n",
                 "900.yaml:5: field exclusions[0].pasage: unknown field 'pasage'", id="wrong-field"),
    pytest.param(b"source: src900\nexclusions:\n- passage: a sentence\n", "900.yaml:3: field exclusions[0].reason: "
                 "missing required field 'reason'", id="missing-reason"),
    pytest.param(b"source: src900\nexclusions:\n- passage: '  '\n  reason: y\n",
                 "900.yaml:3: field exclusions[0].passage: must not be empty", id="empty-passage"),
    pytest.param(b"source: src900\nexclusions:\n- passage: P<0.05\n  reason: y\n",
                 "900.yaml:3: field exclusions[0].passage: a passage identifies its sentence or row",
                 id="passage-too-short"),
    pytest.param(b"source: src900\nexclusions:\n- passage: \xff\xfe\n  reason: y\n",
                 "900.yaml:3: file is not UTF-8", id="not-utf8"),
    pytest.param(b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                 b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                 b"e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
                 "900.yaml:1: YAML anchors and aliases are not allowed", id="alias-bomb"),
    pytest.param(b"source: src900\nexclusions: [\n", "900.yaml:3: malformed YAML", id="malformed"),
    pytest.param(b"- just\n- a list\n", "900.yaml:1: top level must be a mapping", id="not-a-mapping"),
    pytest.param(b"", "900.yaml: file is empty", id="empty"),
    pytest.param(b"source: src900\n#" + b"x" * (5 * 1024 * 1024), "900.yaml: file is 5242896 bytes, over the",
                 id="too-large"),
])
def test_hostile_exclusions_file_gives_one_line_errors(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "900.yaml"
    path.write_bytes(content)
    loaded, issues = load_exclusions(path, "900.yaml")
    assert loaded is None and len(issues) == 1
    assert str(issues[0]).startswith(expected), str(issues[0])
    assert "\n" not in str(issues[0])


def test_exclusions_file_must_match_its_source(tmp_path: Path) -> None:
    data_dir, seeds = make(tmp_path, exclusions="source: src901\nexclusions: []\n")
    (data_dir / "exclusions" / "notes.yaml").write_text("source: src900\n", encoding="utf-8")
    (data_dir / "exclusions" / "905.yaml").write_text("source: src905\n", encoding="utf-8")
    errors = [str(i) for i in audit(data_dir, seeds, root=tmp_path).errors]
    assert errors == [
        "data/exclusions/900.yaml:1: field source: source 'src901' does not match data/900_test.yaml, "
        "which is src900",
        "data/exclusions/905.yaml: no data file is curated from a source document numbered 905",
        "data/exclusions/notes.yaml: an exclusions file is named after its source document's number, "
        "e.g. 004.yaml",
    ]


# --- the real data: every numbered passage and cited reference is curated or excluded ------------

def test_real_data_is_fully_covered(repo_paths: Paths) -> None:
    report = audit(repo_paths.data_dir, repo_paths.seeds_dir)
    assert not report.errors, "\n".join(map(str, report.errors))
    assert sorted(s.source for s in report.sources) == ["src000", "src001", "src002", "src004"]
    uncovered = [(s.source, r.as_dict()) for s in report.sources for r in (*s.units, *s.references)
                 if r.status == "uncovered"]
    assert uncovered == [], "run `hcc-kg coverage` to see what is left"


def test_one_source_ignores_other_sources_files(tmp_path: Path) -> None:
    data_dir, seeds = make(tmp_path, exclusions="source: src900\nexclusions: []\n")
    (data_dir / "exclusions" / "905.yaml").write_text("source: [\n", encoding="utf-8")
    assert audit(data_dir, seeds).errors  # the whole audit reports the broken file
    assert not audit(data_dir, seeds, source="src900").errors  # the audit of src900 leaves it alone


def test_ambiguous_exclusion_is_an_error(tmp_path: Path) -> None:
    data_dir, seeds = make(tmp_path, exclusions="""source: src900
exclusions:
- passage: 'patients '
  reason: too short to say which sentence
""")
    errors = [str(i) for i in audit(data_dir, seeds, root=tmp_path).errors]
    assert errors == ["data/exclusions/900.yaml:3: field passage: ambiguous exclusion: the passage occurs at "
                      "2 places in 900_test.txt (lines 1, 2); quote enough of the sentence or row to identify one"]


PIECES = [*"ab .。\n\t[]12,-(（）)", "Table 1", "表 2", "PD-1", "<sup>[3]</sup>", "P<0.05. ", "vs. ", " 13.37 ",
          "\n\n", "References\n", "注：", "Figure 2. ", "    ", "1.1 标题\n", "## "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=80).map("".join))
def test_segmentation_never_fails_and_spans_give_back_the_unit(text: str) -> None:
    seg = segment(text)
    for unit in seg.units:
        for occurrence in unit.occurrences:
            assert "".join(seg.squeezed[a:b] for a, b in occurrence.spans) == unit.squeezed
            assert 1 <= occurrence.line <= text.count("\n") + 1


def test_sentence_printed_twice_is_excluded_at_both_places_by_one_entry(tmp_path: Path) -> None:
    twice = "PR means a 30% decrease in the longest diameter of target lesions."
    data_dir, seeds = make(tmp_path, source=SOURCE.replace("Table 1.", f"{twice}\nFigure 1. {twice}\nTable 1."),
                           exclusions=f"source: src900\nexclusions:\n- passage: {twice}\n  reason: methods\n")
    report = audit(data_dir, seeds)
    assert not report.errors
    (source,) = report.sources
    (unit,) = [r for r in source.units if "30%" in r.unit.text]  # one text, two places
    assert unit.status == "excluded" and [o.line for o in unit.unit.occurrences] == [3, 4]
