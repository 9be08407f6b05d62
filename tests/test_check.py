"""Plausibility rules: each with small records that must pass and must be flagged, the real cases in the
four sources (asserted by rule and record id, each verified by reading the source), and the guarantee
that checking never changes a curated value."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from click.testing import CliRunner

from hcc_kg.check.flags import SEVERITIES, Flag
from hcc_kg.check.report import run_checks
from hcc_kg.check.rules import RULES, SourceView
from hcc_kg.cli import cli
from hcc_kg.curation.records import FindingRecord, SourceDocument, SourceFile
from hcc_kg.curation.validate import Dataset

SOURCE = {"id": "src9", "file": "x.txt", "title": "t", "language": "en"}


def finding(id: str, **fields: Any) -> dict[str, Any]:
    """A finding dict with the fields every finding needs; ``fields`` override them."""
    return {"id": id, "study": "s9", "endpoint": "OverallSurvival", "statistic": "median",
            "direction": "not-stated", "quote": f"passage of {id}", "quote_lang": "en", **fields}


def study(sample_size: int | None = 26, arms: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Study s9 with arms s9-a and s9-b (sizes given by ``arms``)."""
    return {"id": "s9", "label": "s", "design": ["RetrospectiveStudy"], "sample_size": sample_size,
            "population": {"includes": ["PulmonaryMetastasis"]}, "quote": "q", "quote_lang": "en",
            "arms": arms if arms is not None else [
                {"id": "s9-a", "label": "a", "regimen": ["TACE"], "size": 14},
                {"id": "s9-b", "label": "b", "regimen": ["TACE"], "size": 12}]}


def data(*findings: dict[str, Any], conflicts: list[dict[str, Any]] | None = None,
         **study_fields: Any) -> SourceFile:
    """A validated source file (schema only: no source text, no terms) holding ``findings``."""
    return SourceFile.model_validate({"source": SOURCE, "studies": [study(**study_fields)],
                                      "findings": list(findings), "conflicts": conflicts or []})


def flags(rule: str, source: SourceFile, lines: list[str] | None = None) -> list[Flag]:
    """The flags one rule raises on one file (``lines``: its source text, for the rules that read it)."""
    return RULES[rule].run(SourceView(source, lines))


def flagged(rule: str, source: SourceFile, lines: list[str] | None = None) -> set[frozenset[str]]:
    """The member sets of one rule's flags."""
    return {frozenset(f.members) for f in flags(rule, source, lines)}


def test_every_rule_has_a_name_rationale_and_severity() -> None:
    assert {"ci-excludes-1-p-not-significant", "ci-includes-1-p-significant", "ci-reversed",
            "ci-misses-estimate", "significance-vs-p", "hazard-ratio-vs-direction", "count-vs-percentage",
            "arms-exceed-study", "count-exceeds-cohort", "median-not-reached-vs-rate", "median-vs-rate",
            "two-readings", "duplicate-record", "category-counts-vs-denominator", "direction-vs-numbers",
            "favours-vs-numbers", "proportion-ci-vs-count", "passage-printed-twice"} == set(RULES.names())
    for name, rule in RULES.items():
        assert rule.name == name and rule.rationale.endswith(".") and rule.severity in SEVERITIES


# --- estimate vs interval ---------------------------------------------------------------------------

def hr(id: str, value: str, low: str, high: str, p: str, **fields: Any) -> dict[str, Any]:
    return finding(id, **{"statistic": "hazard-ratio", "hr": Decimal(value), "ci_low": Decimal(low),
                          "ci_high": Decimal(high), "p": p, "direction": "association", **fields})


def test_ci_excluding_one_with_p_not_significant() -> None:
    source = data(hr("bad", "2.0", "1.2", "3.1", "P=0.20"), hr("good", "2.0", "1.2", "3.1", "P=0.03"),
                  hr("edge", "1.9", "1.00", "3.5", "P=0.06"), hr("rounded", "1.9", "1.02", "3.5", "P=0.05"))
    # 'edge': a lower bound printed 1.00 may be 0.996; 'rounded': P=0.05 may be 0.0496
    assert flagged("ci-excludes-1-p-not-significant", source) == {frozenset({"bad"})}


def test_ci_including_one_with_p_significant() -> None:
    source = data(hr("bad", "1.4", "0.8", "2.5", "P=0.01"), hr("good", "1.4", "0.8", "2.5", "P=0.30"),
                  hr("edge", "1.5", "1.0", "2.2", "P=0.04"), hr("below", "0.5", "0.3", "0.9", "P<0.05"))
    assert flagged("ci-includes-1-p-significant", source) == {frozenset({"bad"})}


def construct(*findings: FindingRecord) -> SourceFile:
    """A file made without validation: the curation schema refuses these CIs, other producers may not."""
    return SourceFile.model_construct(source=SourceDocument.model_validate(SOURCE), references=[], studies=[], findings=list(findings),
                                      recommendations=[], definitions=[], conflicts=[])


def raw_finding(id: str, **fields: Any) -> FindingRecord:
    return FindingRecord.model_construct(**{**finding(id), "statistic": "hazard-ratio", **fields})


def test_ci_reversed_and_ci_missing_its_estimate() -> None:
    source = construct(raw_finding("reversed", hr=Decimal("1.2"), ci_low=Decimal("2.0"), ci_high=Decimal("1.1")),
                       raw_finding("outside", hr=Decimal("3.5"), ci_low=Decimal("1.1"), ci_high=Decimal("2.9")),
                       raw_finding("rounded", hr=Decimal("2.9"), ci_low=Decimal("1.1"), ci_high=Decimal("2.9")),
                       raw_finding("fine", hr=Decimal("1.5"), ci_low=Decimal("1.1"), ci_high=Decimal("2.0")))
    assert flagged("ci-reversed", source) == {frozenset({"reversed"})}
    assert flagged("ci-misses-estimate", source) == {frozenset({"outside"}), frozenset({"reversed"})}


# --- stated vs printed ------------------------------------------------------------------------------

def test_stated_significance_against_printed_p() -> None:
    source = data(finding("said-yes", p="P=0.12", significant=True), finding("said-no", p="P=0.003", significant=False),
                  finding("ok-yes", p="P<0.001", significant=True), finding("ok-no", p="P=0.450", significant=False),
                  finding("rounded", p="P=0.05", significant=True), finding("vague", p="P<0.1", significant=True),
                  finding("unsaid", p="P=0.12"))
    assert flagged("significance-vs-p", source) == {frozenset({"said-yes"}), frozenset({"said-no"})}


def test_hazard_ratio_against_stated_benefit() -> None:
    arms = {"arm": "s9-a", "comparator_arm": "s9-b"}
    source = data(hr("wrong-way", "1.45", "1.10", "1.90", "P=0.01", **{**arms, "direction": "benefit"}),
                  hr("right-way", "0.70", "0.55", "0.90", "P=0.01", **{**arms, "direction": "benefit"}),
                  hr("harm-below", "0.70", "0.55", "0.90", "P=0.01", **{**arms, "direction": "harm"}),
                  # a prognostic factor's HR is oriented by the factor (present vs absent), not by an arm
                  hr("factor", "2.2", "1.1", "4.4", "P=0.02", direction="benefit", factor="Oligometastasis"),
                  hr("unity", "1.0", "0.8", "1.3", "P=0.9", **{**arms, "direction": "benefit"}))
    assert flagged("hazard-ratio-vs-direction", source) == {frozenset({"wrong-way"}), frozenset({"harm-below"})}


# --- counts vs percentages, parts vs whole ----------------------------------------------------------

def count(id: str, value: str, **fields: Any) -> dict[str, Any]:
    return finding(id, endpoint="BaselineCharacteristic", statistic="count", unit="patients",
                   value=Decimal(value), **fields)


def share(id: str, value: str, **fields: Any) -> dict[str, Any]:
    return finding(id, endpoint="BaselineCharacteristic", statistic="proportion", unit="%",
                   value=Decimal(value), **fields)


def test_count_against_printed_percentage() -> None:
    source = data(count("male-n", "21", outcome_detail="sex, male"), share("male-pct", "80.8", outcome_detail="sex, male"),
                  count("fem-n", "5", outcome_detail="sex, female"), share("fem-pct", "19.3", outcome_detail="sex, female"),
                  # the detail's parenthesis does not stop the pairing
                  count("no-n", "3", outcome_detail="prior therapy, no (at first visit)"),
                  share("no-pct", "11.5", outcome_detail="prior therapy, no"),
                  # n/N and (x%) inside the finding's own detail
                  share("ae-ok", "72.7", outcome_detail="grade 1-2 adverse events (96 of 132 patients)"),
                  share("ae-bad", "72.6", outcome_detail="grade 1-2 adverse events (96 of 132)"),
                  count("deaths-ok", "21", outcome_detail="died (80.8%)"),
                  count("deaths-bad", "21", outcome_detail="died (79.8%)"),
                  # a percentage with no denominator, or two fractions, is not read
                  share("vague", "72", outcome_detail="grade 3-4 adverse events (97 patients)"),
                  share("two", "50.0", outcome_detail="1/2 and 3/4"))
    assert flagged("count-vs-percentage", source) == {frozenset({"fem-n", "fem-pct"}), frozenset({"ae-bad"}),
                                                      frozenset({"deaths-bad"})}
    (flag,) = [f for f in flags("count-vs-percentage", source) if "fem-n" in f.members]
    assert flag.expected.startswith("19.2%") and "5/26" in flag.compared[0]


def test_comparison_counts_use_each_arms_size() -> None:
    arms = {"arm": "s9-a", "comparator_arm": "s9-b", "outcome_detail": "ECOG 0"}
    good = data(count("n", "7", comparator_value=Decimal("6"), **arms),
                share("pct", "50.0", comparator_value=Decimal("50.0"), **arms))
    bad = data(count("n", "7", comparator_value=Decimal("6"), **arms),
               share("pct", "50.0", comparator_value=Decimal("46.2"), **arms))
    assert flagged("count-vs-percentage", good) == set()
    assert flagged("count-vs-percentage", bad) == {frozenset({"n", "pct"})}


def test_arm_sizes_against_the_study() -> None:
    over = data(arms=[{"id": "s9-a", "label": "a", "regimen": ["TACE"], "size": 20},
                      {"id": "s9-b", "label": "b", "regimen": ["TACE"], "size": 10}])
    # doc 000's design: the whole cohort as one arm (26) beside its two parts (4 + 22)
    whole = data(arms=[{"id": "s9-all", "label": "all", "regimen": ["TACE"], "size": 26},
                       {"id": "s9-a", "label": "a", "regimen": ["TACE"], "size": 4},
                       {"id": "s9-b", "label": "b", "regimen": ["TACE"], "size": 22}])
    assert flagged("arms-exceed-study", over) == {frozenset({"s9", "s9-a", "s9-b"})}
    assert flagged("arms-exceed-study", whole) == set()
    assert flagged("arms-exceed-study", data()) == set()


def test_count_larger_than_its_group() -> None:
    source = data(count("too-many", "30"), count("fits", "26"), count("arm-too-many", "15", arm="s9-a"),
                  count("subgroup", "30", subgroup="another cohort"),
                  count("comparator", "5", arm="s9-a", comparator_arm="s9-b", comparator_value=Decimal("13")))
    assert flagged("count-exceeds-cohort", source) == {
        frozenset({"too-many", "s9"}), frozenset({"arm-too-many", "s9-a"}), frozenset({"comparator", "s9-b"})}


# --- median vs survival -----------------------------------------------------------------------------

def rate(id: str, timepoint: str, value: str, comparator: str | None = None, **fields: Any) -> dict[str, Any]:
    arms = {"arm": "s9-a", "comparator_arm": "s9-b"} if comparator is not None else {"arm": "s9-a"}
    return finding(id, statistic="rate", unit="%", timepoint=timepoint, value=Decimal(value),
                   comparator_value=Decimal(comparator) if comparator is not None else None, **{**arms, **fields})


def test_median_not_reached_against_survival_rates() -> None:
    nr = finding("nr", arm="s9-a", value_note="not reached", unit="months")
    assert flagged("median-not-reached-vs-rate", data(nr, rate("1y", "1 year", "89.0", "66.7"),
                                                      rate("3y", "3 years", "35.3", "8.7"))) == {
        frozenset({"nr", "3y"})}
    assert flagged("median-not-reached-vs-rate", data(nr, rate("3y", "3 years", "55.0", "8.7"))) == set()
    # a rate of another subgroup, or 50% exactly (49.95 to 50.05), is no contradiction
    assert flagged("median-not-reached-vs-rate", data(nr, rate("sub", "3 years", "20.0", subgroup="oligo"),
                                                      rate("half", "2 years", "50.0"))) == set()
    comparator_nr = finding("nr-b", arm="s9-b", value_note="Not reached", unit="months")
    assert flagged("median-not-reached-vs-rate", data(comparator_nr, rate("3y", "3 years", "60.0", "30.0"))) == {
        frozenset({"nr-b", "3y"})}


def test_printed_median_against_survival_rates() -> None:
    def median(value: str) -> dict[str, Any]:
        return finding("m", arm="s9-a", value=Decimal(value), unit="months")

    consistent = data(median("16.2"), rate("1y", "1 year", "66.7"), rate("2y", "2 years", "25.6"))
    borderline = data(median("23.0"), rate("2y", "2 years", "48.0"), rate("1y", "1 year", "78.3"))
    late = data(median("10.0"), rate("1y", "1 year", "60.0"))
    early = data(median("30"), rate("2y", "2 years", "40.0"))
    assert flagged("median-vs-rate", consistent) == flagged("median-vs-rate", borderline) == set()
    assert flagged("median-vs-rate", late) == {frozenset({"m", "1y"})}
    assert flagged("median-vs-rate", early) == {frozenset({"m", "2y"})}


# --- one comparison, two readings; duplicates -------------------------------------------------------

def test_one_comparison_two_readings() -> None:
    arms = {"arm": "s9-a", "comparator_arm": "s9-b", "unit": "months"}
    text = finding("text", value=Decimal("12.6"), comparator_value=Decimal("4.8"), **arms)
    table = finding("table", value=Decimal("8.0"), comparator_value=Decimal("22.0"), **arms)
    same = finding("same", value=Decimal("12.60"), comparator_value=Decimal("4.8"), **arms)
    other = finding("other", value=Decimal("8.0"), comparator_value=Decimal("22.0"), outcome_detail="PFS", **arms)
    assert flagged("two-readings", data(text, table, other)) == {frozenset({"text", "table"})}
    assert flagged("two-readings", data(text, same)) == set(), "12.6 and 12.60 are one number"
    recorded = data(text, table, conflicts=[{"id": "c9", "members": ["text", "table"], "note": "n",
                                             "quote": "q", "quote_lang": "en"}])
    assert flagged("two-readings", recorded) == set()
    flag = flags("two-readings", data(text, table))[0]
    assert "propose" in flag.message and flag.severity == "warning"


def test_duplicate_records() -> None:
    passage = {"quote": "Table 4: fever 3, nausea 3", "unit": "patients", "statistic": "count", "arm": "s9-a"}
    one = finding("one", value=Decimal("3"), outcome_detail="fever", **passage)
    twice = finding("twice", value=Decimal("3"), outcome_detail="fever", **passage)
    # a table quoted whole: equal counts in different rows are different results
    row = finding("row", value=Decimal("3"), outcome_detail="nausea", **passage)
    assert flagged("duplicate-record", data(one, twice, row)) == {frozenset({"one", "twice"})}
    assert {f.severity for f in flags("duplicate-record", data(one, twice))} == {"info"}


# --- counts and denominators in a finding's own fields --------------------------------------------

def test_count_and_denominator_fields_against_the_percentage() -> None:
    source = data(share("ok", "42.1", count=32, denominator=76), share("bad", "42.0", count=32, denominator=76),
                  # no denominator printed: the arm's size (14) or the study's (26) may be the one
                  share("arm", "50.0", count=7, arm="s9-a"), share("study", "26.9", count=7, arm="s9-a"),
                  share("two-sides", "50.0", count=7, arm="s9-a", comparator_arm="s9-b",
                        comparator_value=Decimal("40.0"), comparator_count=5, comparator_denominator=12))
    assert flagged("count-vs-percentage", source) == {frozenset({"bad"}), frozenset({"two-sides"})}
    (side,) = [f for f in flags("count-vs-percentage", source) if f.members == ("two-sides",)]
    assert "(comparator)" in side.message and "5 of 12" in side.message


def test_a_column_of_percentages_without_any_common_denominator() -> None:
    """Doc 002's Table 4 in small: n (%) with no denominator printed, where no N makes every cell round."""
    header = "Table 4 n (%)"
    rows = [("a", 5, "7.1"), ("b", 8, "11.4"), ("c", 6, "8.6"), ("d", 1, "1.4")]
    fits = data(*(share(i, pct, count=n, arm="s9-a", quote=[header, f"row {i}"]) for i, n, pct in rows))
    assert flagged("count-vs-percentage", fits) == set(), "all fit N = 70"
    broken = data(*(share(i, pct, count=n, arm="s9-a", quote=[header, f"row {i}"]) for i, n, pct in
                    [*rows, ("e", 2, "2.8")]))
    (flag,) = flags("count-vs-percentage", broken)
    assert set(flag.members) == {"a", "b", "c", "d", "e"} and "N = 70 fits 4 of 5 rows" in flag.message


def test_a_lone_cell_one_digit_off_its_columns_denominator() -> None:
    """Doc 002's Table 1 in small: each row its own passage, most cells fit the study's 26."""
    rows = [("a", 7, "26.9"), ("b", 13, "50.0"), ("c", 5, "19.2"), ("d", 3, "11.6"), ("e", 2, "12.5")]
    source = data(*(share(i, pct, count=n, arm="s9-a", quote=f"row {i}") for i, n, pct in rows))
    # d: 3/26 = 11.54%, one unit off 11.6: a slip; e: 2/26 = 7.7%, far from 12.5: a denominator of its own
    assert flagged("count-vs-percentage", source) == {frozenset({"d"})}
    few = data(*(share(i, pct, count=n, arm="s9-a", quote=f"row {i}") for i, n, pct in [rows[0], rows[3]]))
    assert flagged("count-vs-percentage", few) == set(), "one fitting cell is no column"


def test_category_counts_against_their_denominator() -> None:
    # doc 000's AFP rows: 16 + 12 patients of 26; the percentages (61.5 + 38.5) add up
    afp = data(share("afp-low", "61.5", count=16, outcome_detail="AFP < 100", quote="AFP < 100 16 61.5 >= 100 12 38.5"),
               share("afp-high", "38.5", count=12, outcome_detail="AFP >= 100", quote="AFP < 100 16 61.5 >= 100 12 38.5"))
    assert flagged("category-counts-vs-denominator", afp) == {frozenset({"afp-low", "afp-high"})}
    fine = data(count("m", "21", outcome_detail="sex, male"), count("f", "5", outcome_detail="sex, female"),
                share("m-pct", "80.8", outcome_detail="sex, male"), share("f-pct", "19.2", outcome_detail="sex, female"))
    assert flagged("category-counts-vs-denominator", fine) == set()
    over = data(share("x", "60.1", outcome_detail="ECOG, 0"), share("y", "40.1", outcome_detail="ECOG, 1"),
                share("z", "50.0", outcome_detail="ECOG, 2"))
    assert flagged("category-counts-vs-denominator", over) == {frozenset({"x", "y", "z"})}
    rounded = data(share("x", "33.4", outcome_detail="grade, 1"), share("y", "33.4", outcome_detail="grade, 2"),
                   share("z", "33.3", outcome_detail="grade, 3"))
    assert flagged("category-counts-vs-denominator", rounded) == set(), "100.1 is within the rounding of three"
    # one category read twice (two readings of a misaligned row) is no partition of the patients
    readings = data(share("b1", "73.1", outcome_detail="class B (reading 1)", quote="Child A 19 B 7 73.1"),
                    share("a2", "73.1", outcome_detail="class A (reading 2)", quote="Child A 19 B 7 73.1"),
                    share("b2", "26.7", outcome_detail="class B (reading 2)", quote="Child A 19 B 7 73.1"))
    assert flagged("category-counts-vs-denominator", readings) == set()
    arms = data(count("one", "9", arm="s9-a", comparator_arm="s9-b", comparator_value=Decimal("8"),
                      outcome_detail="lesions, single"),
                count("many", "5", arm="s9-a", comparator_arm="s9-b", comparator_value=Decimal("5"),
                      outcome_detail="lesions, multiple"))
    assert {f.message.split(":")[0] for f in flags("category-counts-vs-denominator", arms)} == {
        "one, many (comparator)"}, "8 + 5 is more than the comparator arm's 12; 9 + 5 fits the arm's 14"


# --- stated direction and curated favours vs the numbers -------------------------------------------

def compare(id: str, value: str, other: str, **fields: Any) -> dict[str, Any]:
    return finding(id, **{"arm": "s9-a", "comparator_arm": "s9-b", "value": Decimal(value),
                          "comparator_value": Decimal(other), "unit": "months", **fields})


def test_stated_direction_against_the_numbers() -> None:
    source = data(compare("os-wrong", "8.0", "12.5", direction="benefit"),
                  compare("os-right", "12.5", "8.0", direction="benefit"),
                  compare("os-rounded", "8.0", "8.04", direction="benefit"),
                  compare("ae-wrong", "10.0", "30.0", direction="harm", endpoint="AdverseEvent",
                          statistic="proportion", unit="%"),
                  compare("ae-right", "30.0", "10.0", direction="harm", endpoint="AdverseEvent",
                          statistic="proportion", unit="%"),
                  compare("orr-wrong", "20.0", "35.0", direction="benefit", endpoint="ObjectiveResponseRate",
                          statistic="proportion", unit="%"),
                  compare("baseline", "20", "35", direction="benefit", endpoint="BaselineCharacteristic",
                          statistic="mean", unit="years"),
                  hr("hr", "1.5", "1.1", "2.0", "P=0.01", arm="s9-a", comparator_arm="s9-b", direction="benefit"))
    assert flagged("direction-vs-numbers", source) == {frozenset({"os-wrong"}), frozenset({"ae-wrong"}),
                                                       frozenset({"orr-wrong"})}
    (ae,) = flags("direction-vs-numbers", data(source.findings[3].model_dump(exclude_none=True)))
    assert "lower is better" in ae.message


def test_curated_favours_against_the_numbers() -> None:
    source = data(compare("ok", "12.5", "8.0", favours="arm"), compare("wrong", "12.5", "8.0", favours="comparator"),
                  compare("equal", "8.0", "8.0", favours="neither"), compare("not-equal", "8.0", "9.5", favours="neither"),
                  compare("rounding", "8.0", "8.04", favours="comparator"),
                  compare("ae", "5.0", "9.0", favours="arm", endpoint="AdverseEvent", statistic="rate", unit="%"),
                  hr("hr-ok", "0.6", "0.4", "0.9", "P=0.01", arm="s9-a", comparator_arm="s9-b", favours="arm"),
                  hr("hr-wrong", "0.6", "0.4", "0.9", "P=0.01", arm="s9-a", comparator_arm="s9-b",
                     favours="comparator"))
    assert flagged("favours-vs-numbers", source) == {frozenset({"wrong"}), frozenset({"not-equal"}),
                                                     frozenset({"hr-wrong"})}
    assert {f.severity for f in flags("favours-vs-numbers", source)} == {"error"}


# --- a proportion's CI vs its count -----------------------------------------------------------------

def test_proportion_ci_against_the_binomial_intervals() -> None:
    def ci(id: str, low: str, high: str, **fields: Any) -> dict[str, Any]:
        return share(id, "50.0", count=10, denominator=20, ci_low=Decimal(low), ci_high=Decimal(high), **fields)

    source = data(ci("exact", "27.2", "72.8"), ci("wilson", "29.9", "70.1"), ci("wald", "28.1", "71.9"),
                  ci("whole", "27", "73"), ci("narrow", "40.0", "60.0"), ci("wide", "10.0", "90.0"),
                  ci("level-90", "31.3", "68.7", ci_level=90))
    assert flagged("proportion-ci-vs-count", source) == {frozenset({"narrow"}), frozenset({"wide"})}
    (narrow,) = [f for f in flags("proportion-ci-vs-count", source) if f.members == ("narrow",)]
    assert "Clopper-Pearson 27.2-72.8" in narrow.message and "Wilson 29.9-70.1" in narrow.message
    zero = data(share("none", "0.0", count=0, denominator=20, ci_low=Decimal("0.0"), ci_high=Decimal("16.8")))
    assert flagged("proportion-ci-vs-count", zero) == set(), "Clopper-Pearson 0-16.8 for 0/20"


# --- passages printed twice -------------------------------------------------------------------------

def test_passage_printed_twice() -> None:
    passage = [f"line {i}: a long sentence of the body text, printed once by the author." for i in range(6)]
    text = ["Title", *passage, "", "Page 2", *passage, "References"]
    (flag,) = flags("passage-printed-twice", data(), text)
    assert flag.members == ("src9",) and "lines 2-7 and 10-15" in flag.message and flag.severity == "info"
    short = ["Title", "Page header of the journal", "body", "Page header of the journal", "end"]
    assert flags("passage-printed-twice", data(), short) == [], "a repeated page header is no passage"
    assert flags("passage-printed-twice", data(), None) == [], "no text, nothing to compare"
    header = ["Journal of hepatology, volume 1, running header printed on every page " * 5] * 5000
    assert flags("passage-printed-twice", data(), header) == [], "boilerplate repeated on every page is no passage"


def test_value_status_not_reached_is_read() -> None:
    nr = finding("nr", arm="s9-a", value_status="not-reached", unit="months")
    assert flagged("median-not-reached-vs-rate", data(nr, rate("3y", "3 years", "35.3"))) == {frozenset({"nr", "3y"})}


# --- the real sources -------------------------------------------------------------------------------

TABLE4 = frozenset(f"f002-ae-{name}" for name in (
    "fever-g1", "fever-g2", "pain-g1", "pain-g2", "pneumothorax-g1", "effusion-g1", "nausea-g1", "nausea-g2",
    "vomiting-g2", "anaemia-g1", "anaemia-g2", "alt-g1", "alt-g2", "alt-g3", "ast-g1", "ast-g2", "ast-g3"))

REAL = {
    # doc 000, Table 1 (n = 26): percentages that do not round from their counts, verified against the
    # table in 000_a7ac623c546b824a.txt: Male 21 80.7 (80.8), Female 5 19.3 (19.2), ECOG 0 16 61.6 (61.5),
    # PVTT Absence 23 88.4 (88.5) / Presence 3 11.6 (11.5), metastasis < 2 cm 12 46.1 (46.2) / >= 2 cm
    # 14 53.9 (53.8): pairs made to add up to 100%; AFP >= 100 12 38.5 (38.5% is 10/26); Child class B 7
    # with 73.1 as printed (19/26, class A's count) and 26.7 read one row up (7/26 = 26.9)
    *(("count-vs-percentage", frozenset({f"f000-bl-{name}"})) for name in (
        "male", "female", "ecog0", "afp-high", "pvtt-absent", "pvtt-present", "pm-small", "pm-large",
        "childb-asprinted", "childb-shifted")),
    # doc 000, Table 1: AFP < 100 16 and >= 100 12 patients, 28 of 26
    ("category-counts-vs-denominator", frozenset({"f000-bl-afp-low", "f000-bl-afp-high"})),
    # doc 002, Table 4: n (%) with no denominator; 70 fits every cell but 2 (2.8) (2/70 = 2.857 -> 2.9)
    ("count-vs-percentage", TABLE4),
    # doc 002, Table 1: n (%) of all 76 patients (most cells of each arm's column fit 76); single cells
    # one unit off in the last digit: 5 (6.5) twice (5/76 = 6.58 -> 6.6), 23 (30.2) (30.26 -> 30.3),
    # 28 (36.9) twice (36.84 -> 36.8, printed 28 (36.8) in the cirrhosis row), 21 (27.7) (27.63 -> 27.6)
    *(("count-vs-percentage", frozenset({f"f002-base-{name}"})) for name in (
        "vascular-invasion", "intrahep-multiple", "regimen-combination", "ecog1", "male-table", "non-oligo")),
    # doc 002, section 2.3: the local-therapy group's median OS "未达到" beside its 3- and 5-year OS of
    # 35.3% and 8.3%; among oligometastatic patients, "未达到" beside 25.0% at 5 years
    ("median-not-reached-vs-rate", frozenset({"f002-os-median-local", "f002-os-3y", "f002-os-5y"})),
    ("median-not-reached-vs-rate", frozenset({"f002-oligo-os-median-local", "f002-oligo-os-5y"})),
    # doc 004's text (PDF extraction) prints lines 305-471 again at 472-638, 807-969 at 970-1132,
    # 1302-1483 at 1510-1691 (references) and 1916-2049 at 2086-2219 (references)
    ("passage-printed-twice", frozenset({"src004"})),
}
PASSAGES = {"lines 305-471 and 472-638", "lines 807-969 and 970-1132", "lines 1302-1483 and 1510-1691",
            "lines 1916-2049 and 2086-2219"}


def test_the_real_sources(dataset: Dataset, repo_paths: Any) -> None:
    """Exactly these flags on the four sources; every other rule finds nothing (after tuning: the whole
    cohort as an arm of doc 000, doc 002's adverse-event rows with equal counts, doc 002's Table 1 whose
    percentages are of all 76 patients, alternative readings of one row, and rounding everywhere)."""
    found = run_checks(dataset.files, repo_paths.seeds_dir)
    assert {(f.rule, frozenset(f.members)) for f in found} == REAL
    assert {f.source for f in found} == {"src000", "src002", "src004"}
    pvtt = next(f for f in found if f.members == ("f000-bl-pvtt-present",))
    assert pvtt.expected.startswith("11.5%") and "3/26" in pvtt.compared[0] and pvtt.severity == "warning"
    table4 = next(f for f in found if frozenset(f.members) == TABLE4)
    assert "N = 70 fits 15 of 17 rows" in table4.message and "2/70 = 2.857%" in table4.message
    twice = [f for f in found if f.rule == "passage-printed-twice"]
    assert len(twice) == 4 and {m for f in twice for m in PASSAGES if m in f.message} == PASSAGES
    assert not [f for f in run_checks(dataset.files) if f.rule == "passage-printed-twice"], "no text, no flag"


def test_checking_changes_no_curated_value(dataset: Dataset) -> None:
    before = [copy.deepcopy(f.data.model_dump()) for f in dataset.files]
    run_checks(dataset.files)
    assert [f.data.model_dump() for f in dataset.files] == before


def test_flag_ids_come_from_content_not_order(dataset: Dataset, repo_paths: Any) -> None:
    forward = {f.id for f in run_checks(dataset.files, repo_paths.seeds_dir)}
    backward = {f.id for f in run_checks(list(reversed(dataset.files)), repo_paths.seeds_dir)}
    assert forward == backward and all(i.split("-")[-1].isalnum() for i in forward)
    changed = data(count("n", "5"), share("pct", "19.3"))
    also = data(count("n", "5"), share("pct", "19.4"))
    assert flags("count-vs-percentage", changed)[0].id != flags("count-vs-percentage", also)[0].id


def test_flags_are_in_the_built_graph(store: Any, dataset: Dataset, repo_paths: Any) -> None:
    """Each flag is an hcc:PlausibilityFlag (an hcc:EvidenceIssue, like hcc:Conflict) linked to its records."""
    rows = store.query("""
        PREFIX hcc: <https://w3id.org/hcc-kg/ontology/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?f ?rule ?m WHERE { ?f a hcc:PlausibilityFlag ; hcc:rule ?rule ; hcc:conflictMember ?m .
                                   hcc:PlausibilityFlag rdfs:subClassOf hcc:EvidenceIssue .
                                   hcc:Conflict rdfs:subClassOf hcc:EvidenceIssue }""")
    graph: dict[str, set[str]] = {}
    for row in rows:
        graph.setdefault(row["f"].value.rsplit("/", 1)[-1], set()).add(row["m"].value.rsplit("/", 1)[-1])
    assert graph == {f.id: set(f.members) for f in run_checks(dataset.files, repo_paths.seeds_dir)}


def test_check_command_reports_by_source_and_severity() -> None:
    """Every real flag is reviewed, so the report lists them under "reviewed" and check exits 0."""
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.index("src000") < text.index("  reviewed\n    warning (11)") < text.index("src001") < text.index("src002")
    assert "f002-os-median-local: the median is reported as not reached, but f002-os-3y gives 35.3%" in text
    assert "0 unreviewed" in text and "every error/warning flag is reviewed" in text
    assert "confirmed: Table 1 (n = 26) prints 21 male patients as 80.7%" in text
    as_json = json.loads(CliRunner().invoke(cli, ["check", "--format", "json"]).output)
    assert len(as_json["flags"]) == len(REAL) + 3 and {r["name"] for r in as_json["rules"]} == set(RULES.names())
    assert as_json["unreviewed_blocking"] == [] and all(f["review"] for f in as_json["flags"])
    assert "not errors" in CliRunner().invoke(cli, ["check", "--help"]).output


@pytest.mark.parametrize("severity", SEVERITIES)
def test_severities_are_the_shapes(severity: str) -> None:
    from pathlib import Path

    shapes = (Path(__file__).resolve().parent.parent / "ontology" / "shapes.ttl").read_text(encoding="utf-8")
    assert f'"{severity}"' in shapes
