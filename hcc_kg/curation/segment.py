"""Segmentation of a source document into the units the coverage audit checks.

A *unit* is a sentence of running text or a row of a table. The audit (``coverage.py``) asks of each
unit that prints a number whether a record's quote covers it; of each cited reference number whether
a record cites it. The rules below are deliberately few and written out, so a curator can predict
what the audit will ask about; whatever they get wrong is settled by an exclusion, never silently.

Where text is not audited at all
    - **The reference list**: everything from its heading (a line that is only ``References``,
      ``参考文献`` or ``[参考文献]``, optionally a Markdown heading) to the end of the file. Its entry
      numbers (``[12]``, ``- [12]``) give the largest valid reference number.
    - **Publication metadata and page furniture**: a line that is only a page number or a URL; a
      line starting with a metadata label (DOI, 中图分类号 / CLC number, 文献标志码, 文章编号,
      基金项目, 收稿日期, 修订日期, 作者简介, 通信作者 / Corresponding author, E-mail, 本文引用格式 /
      Cite this article, 作者贡献声明, 利益冲突, 志谢, 本文编辑); a running header (``第 7 期 ...``,
      ``... 第 33 卷``); a journal citation line (``year, volume(issue): pages`` with no sentence in
      it); an affiliation list (a line starting ``(1.`` or ``（1.``).

Units
    - **Table rows**: a line holding a tab between two cells, and every line of a table block; a
      line that prints two tables side by side (a tab table whose header repeats its cells, or a
      plain row with a run of three or more spaces between cells) is two rows. A
      table block starts at a caption line (``Table 1``, ``表 1``) and runs until a note (``Note``,
      ``注``), another caption, a line that opens a new text box (one leading space, as PDF
      extraction marks a column or page start), a line of prose (ending in ``.``/``。`` with six or
      more words), or, for tab tables, the first non-blank line without a tab.
    - **Captions and notes** (``Figure 2. ...``, ``图 1 ...``, ``Note: ...``) are paragraphs of their
      own, up to a blank line, a new text box or another caption, split into sentences.
    - **Headings**: a Markdown heading, or a short line (at most 40 characters, no sentence
      punctuation) that starts with a section number (``2.1 患者特征``) where no sentence is open; a
      unit of its own.
    - **Sentences** of the remaining running text. The text is joined across line breaks, tables and
      captions (a two-column PDF puts a table in the middle of a sentence). A sentence ends after
      ``。！？`` (with any closing brackets or quotes right after), and after ``.``, ``?`` or ``!``
      followed by whitespace, unless the word before the full stop is an abbreviation (``vs``, ``al``,
      ``Fig``, ``No``, ``e.g``, ...) or the next character is a lowercase letter or a digit (so
      ``P<0.05. The`` splits, ``et al. reported`` and ``vs. 8.5`` do not, and ``13.37`` never does:
      there is no space after its point). A paragraph break also ends a sentence: in a document
      written one paragraph per line (most non-blank lines end a sentence), every line end except a
      long line (50 characters or more) cut mid-sentence whose next line goes on in the same script
      (a page-break wrap); in a wrapped document, a blank line followed by
      a capital letter when the line before ends without punctuation (an English heading).

What counts as printing a number
    A unit needs auditing when, after removing the following, an ASCII or full-width digit is left:
    citation markers (``[12]``, ``[12, 13]``, ``[12-14]``, ``^[1-2]``, ``<sup>[13]</sup>``: these are
    audited as reference numbers instead); other superscript markup (``<sup>1</sup>``, an affiliation
    or footnote marker) and other markup tags; figure and table numbering (``Table 2``, ``(Figure
    1)``, ``图 2A``); a section number at the start of a heading; list enumerators (``(1)``, ``（2）``
    with no digit or point before them); and identifiers, where digits follow letters (``PD-1``,
    ``CTLA-4``, ``FOLFOX6``, ``NCT03009461``, ``RECIST1.1``), and versions and editions (``RECIST 1.1``,
    ``SPSS 19.0``, ``5.0 版``, ``2021 年版``); the level of a confidence interval (``95% CI``) names
    the statistic and is not a result. Years in running text are numbers:
    "2016年欧洲肿瘤内科学会指南" is a claim about a guideline, to be curated or excluded. Unicode
    superscript digits (``¹²⁵I``) are not digits here, and numbers written as words ("Six patients")
    do not make a unit audited: the rule is about printed digits.

Positions
    Units carry their extent as intervals of the *squeezed* source (all whitespace removed, as
    :func:`hcc_kg.curation.provenance.squeeze` does for quotes), so the audit compares them with
    quote occurrences exactly as the validator matches quotes. Identical units (PDF extraction
    sometimes repeats a page) are reported once, at the first line, with every occurrence kept.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Literal

from hcc_kg.curation.provenance import squeeze

UnitKind = Literal["sentence", "row", "caption", "heading"]

_REF_HEADING = re.compile(r"^\s*(?:#+\s*)?[\[【]?\s*(?:references?|参\s*考\s*文\s*献)\s*[\]】]?\s*:?\s*$",
                          re.IGNORECASE)
_REF_ENTRY = re.compile(r"^\s*(?:-\s*)?\[(\d+)\]")
_METADATA = re.compile(
    r"^\s*[\[(（*]*\s*(?:doi\b|DOI|中图分类号|CLC\s+number|文献标志码|文章编号|基金项目|收稿日期|修订日期|作者简介|通信作者"
    r"|Corresponding\s+author|E-?mail|本文引用格式|Cite\s+this\s+article|作者贡献声明|利益冲突|志谢|本文编辑)",
    re.IGNORECASE)
_PAGE_FURNITURE = re.compile(
    r"^\s*(?:\d{1,4}|(?:https?://|www\.)\S*|第\s*\d+\s*期.*|.*第\s*\d+\s*卷\s*|[(（]1\.\s.*)\s*$")
_JOURNAL_LINE = re.compile(r"^[^。]*\b(?:19|20)\d\d\s*,\s*\d+\s*\(\s*\d+\s*\)\s*:\s*\d+[^。]*$")
_CAPTION = re.compile(r"^\s*(?:Table|Figure|Fig\.|表|图)\s*\d+", re.IGNORECASE)
_TABLE_CAPTION = re.compile(r"^\s*(?:Table|表)\s*\d+", re.IGNORECASE)
_NOTE = re.compile(r"^\s*(?:Note|Notes|Abbreviations|注)\s*[:：]", re.IGNORECASE)
_MD_HEADING = re.compile(r"^\s*#+\s+\S")
_HEADING = re.compile(r"^\s*\d+(?:\.\d+)*\s+(?=.*[A-Za-z\u4e00-\u9fff])[^。，,；;：:（）()]{1,40}$")
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_SECTION_NUMBER = re.compile(r"^\s*#*\s*\d+(?:\.\d+)*\s+")
_NEW_BOX = re.compile(r"^ \S")
_CJK_END = "。！？"
_CLOSERS = "）)」』”’】]"
_ENDS = (*_CJK_END, ".", "?", "!")
_CJK_CUT = re.compile(f"[{_CJK_END}][{re.escape(_CLOSERS)}]*")
_DOT_CUT = re.compile(r"[.?!](?=\s|$)")
_NON_SPACE = re.compile(r"\S+")
_ABBREVIATIONS = frozenset(
    "vs al fig figs no nos e.g i.e eg ie etc approx cf dr mr mrs ms ref refs vol pp ca resp "
    "et ed eds st jr sr inc ltd co dept univ".split())

CITATION = re.compile(r"\^?(?:<sup>\s*)?\[\s*(\d+(?:\s*[-–~,，]\s*\d+)*)\s*\](?:\s*</sup>)?")
"""A citation marker as printed: ``[12]``, ``[12, 13]``, ``[12-14]``, ``^[1-2]``, ``<sup>[3]</sup>``."""
_SUP = re.compile(r"<sup>[^<]*</sup>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_FIGURE_REF = re.compile(r"(?:Tables?|Figures?|Figs?\.|表|图)\s*\d+[A-Za-z]?(?:\s*[-–~,、]\s*\d+[A-Za-z]?)*",
                         re.IGNORECASE)
_ENUMERATOR = re.compile(r"[(（]\d{1,2}[)）]")
_IDENTIFIER = re.compile(r"[A-Za-z]+-?[0-9０-９]+(?:\.[0-9]+)*")
_VERSION = re.compile(r"\b(?:[mi]?RECIST|SPSS|CTCAE|version|v)\s*\d+(?:\.\d+)*", re.IGNORECASE)
_CI_LABEL = re.compile(r"\d{2}(?:\.\d)?\s*%\s*(?:CI|置信区间)", re.IGNORECASE)
_EDITION = re.compile(r"\d+(?:\.\d+)*\s*年?\s*版")
_ANY_DIGIT = re.compile(r"[0-9０-９]")
_NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")


@dataclass(frozen=True)
class Occurrence:
    """Where a unit's text stands in the source: its first line and its squeezed-source intervals."""

    line: int
    spans: tuple[tuple[int, int], ...]

    @property
    def length(self) -> int:
        """Squeezed characters in the unit."""
        return sum(end - start for start, end in self.spans)


@dataclass
class Unit:
    """A sentence, caption sentence, heading or table row of one source document."""

    kind: UnitKind
    text: str
    """The unit's text with whitespace runs collapsed to one space (for display)."""
    squeezed: str
    numbers: tuple[str, ...]
    """The audited numbers it prints, in order (empty: the unit needs no audit for numbers)."""
    references: tuple[int, ...]
    """The reference numbers its citation markers cite, ranges expanded."""
    occurrences: list[Occurrence] = field(default_factory=list)

    @property
    def line(self) -> int:
        """The first line (1-based) of its first occurrence."""
        return self.occurrences[0].line


@dataclass
class Segmented:
    """A source document cut into units."""

    text: str
    squeezed: str
    units: list[Unit]
    reference_list_line: int | None
    """The line of the reference list's heading, if the document has one."""
    listed_references: frozenset[int]
    """The entry numbers of the reference list (empty without one)."""
    citation_lines: dict[int, list[int]]
    """For each cited reference number, the lines whose citation markers cite it."""


def _enumerator(match: re.Match[str]) -> str:
    """A list enumerator ``(1)`` is blanked unless a digit or point stands before it (``5(7.1)``)."""
    before = match.string[match.start() - 1:match.start()]
    return match.group() if before.isdigit() or before == "." else " "


def audited_numbers(text: str, heading: bool = False) -> tuple[str, ...]:
    """The numbers ``text`` prints once markers, numbering and identifiers are set aside (see module doc)."""
    if not _ANY_DIGIT.search(text):
        return ()
    if heading:
        text = _SECTION_NUMBER.sub(" ", text, count=1)
    if "[" in text:
        text = CITATION.sub(" ", text)
    if "<" in text:
        text = _TAG.sub(" ", _SUP.sub(" ", text))
    text = _FIGURE_REF.sub(" ", text)
    text = _CI_LABEL.sub(" ", text)
    text = _ENUMERATOR.sub(_enumerator, text)
    if "版" in text:
        text = _EDITION.sub(" ", text)
    text = _VERSION.sub(" ", text)
    text = _IDENTIFIER.sub(" ", text)
    return tuple(_NUMBER.findall(text))


def cited_references(text: str, highest: int | None = None) -> tuple[int, ...]:
    """Reference numbers cited in ``text``: every marker, ranges expanded, in order of first citation.

    A bracket counts as a citation only when its numbers are whole, ascending within a range, and
    (when the document has a reference list) no larger than its last entry.
    """
    found: dict[int, None] = {}
    if "[" not in text:
        return ()
    for match in CITATION.finditer(text):
        numbers: list[int] = []
        for part in re.split(r"\s*[,，]\s*", match.group(1)):
            bounds = [int(b) for b in re.split(r"\s*[-–~]\s*", part)]
            if len(bounds) == 2 and bounds[0] < bounds[1] and bounds[1] - bounds[0] <= 50:
                numbers.extend(range(bounds[0], bounds[1] + 1))
            elif len(bounds) == 1:
                numbers.append(bounds[0])
            else:
                numbers = []
                break
        if numbers and all(1 <= n and (highest is None or n <= highest) for n in numbers):
            found.update(dict.fromkeys(numbers))
    return tuple(found)


def _joins(before: str, after: str) -> bool:
    """Whether a line cut mid-sentence (``before``) runs on into ``after``: same script across the cut."""
    last, first = before.rstrip()[-1:], after.lstrip()[:1]
    if not last or not first:
        return False
    if _CJK.match(last) or _CJK.match(first):
        return bool(_CJK.match(last) and _CJK.match(first))
    return first.islower() or first.isdigit()


def _period(header: str) -> int | None:
    """Cells per logical row of a tab table whose header repeats (two tables printed side by side)."""
    cells = [" ".join(c.split()) for c in header.strip("\n").split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    half = len(cells) // 2
    if half >= 2 and len(cells) == 2 * half and cells[:half] == cells[half:]:
        return half
    return None


def _row_halves(line: str, period: int | None) -> list[tuple[int, int]]:
    """Offsets within ``line`` of the logical rows it prints: two when the table is printed side by side.

    A tab table whose header repeats splits every line after each ``period`` cells; a plain table row
    splits at a run of three or more spaces between cells (how the extraction lays out two columns).
    """
    if "\t" in line:
        if period is None:
            return [(0, len(line))]
        bounds = [0] + [m.end() for m in re.finditer("\t", line)]
        starts = bounds[::period]
        return [(a, (starts[i + 1] - 1) if i + 1 < len(starts) else len(line)) for i, a in enumerate(starts)]
    indent = len(line) - len(line.lstrip())
    cuts = [m for m in re.finditer(r"(?<=\S)\s{3,}(?=\S)", line) if m.start() > indent]
    edges = [indent] + [x for m in cuts for x in (m.start(), m.end())] + [len(line)]
    return list(zip(edges[::2], edges[1::2], strict=True))


def _is_boundary_dot(stream: str, i: int) -> bool:
    """Whether the full stop (or ?/!) at ``i`` ends an English sentence."""
    j = i + 1
    if j < len(stream) and not stream[j].isspace():
        return False
    while j < len(stream) and stream[j].isspace():
        j += 1
    if j >= len(stream):
        return True
    following = stream[j]
    if following.islower() or following.isdigit():
        return False
    if stream[i] != ".":
        return True
    k = i
    while k > 0 and (stream[k - 1].isalpha() or stream[k - 1] == "."):
        k -= 1
    word = stream[k:i].lower()
    return word not in _ABBREVIATIONS


class _Stream:
    """Running text joined from source lines, remembering where each line stands in the raw text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []  # stream offset of each part
        self.raw: list[int] = []  # raw offset of each part
        self.length = 0
        self.breaks: set[int] = set()

    def add(self, line: str, raw_start: int) -> None:
        self.parts.append(line + "\n")
        self.starts.append(self.length)
        self.raw.append(raw_start)
        self.length += len(line) + 1

    def hard_break(self) -> None:
        """End the current sentence at the stream's current end."""
        self.breaks.add(self.length)

    def raw_intervals(self, start: int, end: int) -> list[tuple[int, int]]:
        """The raw-text intervals of the stream interval [start, end), adjacent ones merged."""
        out: list[tuple[int, int]] = []
        i = max(bisect_right(self.starts, start) - 1, 0)
        while i < len(self.starts) and self.starts[i] < end:
            s0 = self.starts[i]
            a, b = max(start, s0), min(end, s0 + len(self.parts[i]))
            ra, rb = self.raw[i] + a - s0, self.raw[i] + b - s0
            if out and out[-1][1] == ra:
                out[-1] = (out[-1][0], rb)
            elif rb > ra:
                out.append((ra, rb))
            i += 1
        return out

    def sentences(self) -> list[tuple[int, int]]:
        """Stream intervals of the sentences."""
        stream = "".join(self.parts)
        cuts = set(self.breaks)
        cuts.update(m.end() for m in _CJK_CUT.finditer(stream))
        cuts.update(m.end() for m in _DOT_CUT.finditer(stream) if _is_boundary_dot(stream, m.start()))
        out, start = [], 0
        for cut in sorted(cuts | {len(stream)}):
            if stream[start:cut].strip():
                out.append((start, cut))
            start = cut
        return out


class _Segmenter:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.line_starts: list[int] = []
        pos = 0
        for line in self.lines:
            self.line_starts.append(pos)
            pos += len(line) + 1
        self.runs = [(m.start(), m.end()) for m in _NON_SPACE.finditer(text)]
        self.run_starts = [a for a, _ in self.runs]
        self.run_before = list(accumulate((b - a for a, b in self.runs), initial=0))
        self.pieces: list[tuple[UnitKind, int, list[tuple[int, int]]]] = []  # kind, line, raw intervals
        self.period: int | None = None  # cells per logical row when a tab table prints two side by side

    def squeezed_at(self, raw: int) -> int:
        """The squeezed offset of raw offset ``raw``: the non-space characters before it."""
        i = bisect_right(self.run_starts, raw) - 1
        if i < 0:
            return 0
        a, b = self.runs[i]
        return self.run_before[i] + min(raw, b) - a

    def line_of(self, raw: int) -> int:
        return bisect_right(self.line_starts, raw)

    def add_stream(self, stream: _Stream, kind: UnitKind) -> None:
        for start, end in stream.sentences():
            intervals = [(a, min(b, len(self.text))) for a, b in stream.raw_intervals(start, end)]
            first = intervals[0][0]
            for a, b in intervals:
                found = _NON_SPACE.search(self.text, a, b)
                if found:
                    first = found.start()
                    break
            self.pieces.append((kind, self.line_of(first), intervals))

    def run(self) -> Segmented:
        lines = self.lines
        ref_line = next((i for i in range(len(lines) - 1, -1, -1) if _REF_HEADING.match(lines[i])), None)
        listed = frozenset(int(m.group(1)) for line in lines[ref_line or len(lines):]
                           if (m := _REF_ENTRY.match(line)))
        body_end = ref_line if ref_line is not None else len(lines)
        body = [ln for ln in lines[:body_end] if ln.strip() and not self._furniture(ln)]
        ended = sum(1 for ln in body if ln.rstrip().endswith(_ENDS))
        line_mode = bool(body) and ended * 2 >= len(body)

        prose = _Stream()
        block: _Stream | None = None
        table: Literal["tab", "plain"] | None = None
        previous = ""
        saw_blank = wrapped = False
        for index in range(body_end):
            line = lines[index]
            start = self.line_starts[index]
            if not line.strip():
                saw_blank = True
                if block is not None:
                    self.add_stream(block, "caption")
                    block = None
                continue
            blank_before, saw_blank = saw_blank, False
            if self._furniture(line):
                continue
            if table is not None and not self._table_continues(line, table):
                table = None
            if table == "plain" and "\t" in line.strip():
                table = "tab"
                self.period = _period(line)
            if table is not None:
                self._row(index)
                continue
            if "\t" in line.strip():
                self._flush(block)
                block = None
                table = "tab"
                self.period = _period(line)
                self._row(index)
                continue
            if _CAPTION.match(line) or _NOTE.match(line):
                self._flush(block)
                block = None
                if _TABLE_CAPTION.match(line):
                    table, self.period = "plain", None
                    self._row(index)
                else:
                    block = _Stream()
                    block.add(line, start)
                continue
            if block is not None:
                if _NEW_BOX.match(line):
                    self._flush(block)
                    block = None
                else:
                    block.add(line, start)
                    continue
            if _MD_HEADING.match(line) or (_HEADING.match(line) and (
                    not previous or previous.rstrip().rstrip(_CLOSERS).endswith(_ENDS))):
                prose.hard_break()
                heading = _Stream()
                heading.add(line, start)
                self.add_stream(heading, "heading")
                continue
            if line_mode:
                if not (wrapped and _joins(previous, line)):
                    prose.hard_break()
            elif (blank_before and line.lstrip()[:1].isascii() and line.lstrip()[:1].isupper()
                  and previous.rstrip()[-1:].isascii() and previous.rstrip()[-1:].isalnum()):
                prose.hard_break()
            prose.add(line, start)
            wrapped = len(line.strip()) >= 50 and not line.rstrip().endswith(_ENDS)
            previous = line
        self._flush(block)
        self.add_stream(prose, "sentence")
        return self._units(ref_line, listed)

    def _flush(self, block: _Stream | None) -> None:
        if block is not None:
            self.add_stream(block, "caption")

    def _row(self, index: int) -> None:
        start = self.line_starts[index]
        line = self.lines[index]
        for a, b in _row_halves(line, self.period):
            if line[a:b].strip():
                self.pieces.append(("row", index + 1, [(start + a, start + b)]))

    def _table_continues(self, line: str, table: str) -> bool:
        if table == "tab":
            return "\t" in line.strip()
        if _NOTE.match(line) or _CAPTION.match(line) or _NEW_BOX.match(line):
            return False
        stripped = line.strip()
        return not (stripped.endswith((".", "。")) and len(stripped.split()) >= 6)

    @staticmethod
    def _furniture(line: str) -> bool:
        return bool(_METADATA.match(line) or _PAGE_FURNITURE.match(line) or _JOURNAL_LINE.match(line))

    def _units(self, ref_line: int | None, listed: frozenset[int]) -> Segmented:
        highest = max(listed) if listed else None
        by_text: dict[str, Unit] = {}
        ordered: list[Unit] = []
        for kind, line, intervals in sorted(self.pieces, key=lambda p: (p[1], p[2][0][0])):
            raw = "".join(self.text[a:b] for a, b in intervals)
            squeezed = squeeze(raw)
            if not squeezed:
                continue
            spans: list[tuple[int, int]] = []
            for a, b in intervals:
                sa, sb = self.squeezed_at(a), self.squeezed_at(b)
                if sb > sa:
                    if spans and spans[-1][1] == sa:
                        spans[-1] = (spans[-1][0], sb)
                    else:
                        spans.append((sa, sb))
            occurrence = Occurrence(line, tuple(spans))
            unit = by_text.get(squeezed)
            if unit is None:
                unit = Unit(kind, " ".join(raw.split()), squeezed,
                            audited_numbers(raw, heading=kind == "heading"), cited_references(raw, highest))
                by_text[squeezed] = unit
                ordered.append(unit)
            unit.occurrences.append(occurrence)
        body_end = len(self.lines) if ref_line is None else ref_line
        citations: dict[int, list[int]] = {}
        for index in range(body_end):
            if not self._furniture(self.lines[index]):
                for number in cited_references(self.lines[index], highest):
                    citations.setdefault(number, []).append(index + 1)
        return Segmented(self.text, squeeze(self.text), ordered, None if ref_line is None else ref_line + 1,
                         listed, citations)


def segment(text: str) -> Segmented:
    """Cut a source document's text into units (see the module docstring for the rules)."""
    return _Segmenter(text.replace("\r\n", "\n").replace("\r", "\n")).run()
