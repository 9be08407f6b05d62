"""Passages the source prints twice: long runs of identical lines in one source text.

PDF extraction repeats whole columns and reference blocks (doc 004 prints several pages of its body
and reference list twice). A repeated passage is no error in a number, but a reviewer should know:
a quote found in it matches two places, and a result read from both copies would count twice (the
``duplicate-record`` rule). The flag is about the source document itself.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from hcc_kg.check.flags import Flag
from hcc_kg.check.rules import Rule, SourceView, rule

MIN_LINE = 10
"""Characters (whitespace removed) a line needs to start a repeated run: page headers are shorter."""
MIN_PASSAGE = 300
"""Characters (whitespace removed) a repeated run needs to be a passage, not a repeated header or DOI."""

MAX_REPEATS = 20
"""A line printed more often than this starts no run (a page header); a run can still pass through it."""

_WS = re.compile(r"\s+")


def repeated_runs(lines: list[str]) -> Iterator[tuple[int, int, int, int]]:
    """(first start, second start, line count, characters) of every maximal run of equal lines.

    Lines are compared without whitespace; a run starts where the lines before both copies differ,
    and the second copy starts after the first ends (a passage does not repeat into itself).
    """
    squeezed = [_WS.sub("", line) for line in lines]
    where: dict[str, list[int]] = defaultdict(list)
    for i, line in enumerate(squeezed):
        if len(line) >= MIN_LINE:
            where[line].append(i)
    for positions in where.values():
        if len(positions) > MAX_REPEATS:
            continue  # boilerplate (a running header); also keeps a hostile text from costing n² pairs
        for x, a in enumerate(positions):
            for b in positions[x + 1:]:
                if a > 0 and squeezed[a - 1] == squeezed[b - 1] and squeezed[a - 1]:
                    continue  # inside a longer run, reported from its start
                k = chars = 0
                while b + k < len(squeezed) and a + k < b and squeezed[a + k] == squeezed[b + k]:
                    chars += len(squeezed[a + k])
                    k += 1
                yield a, b, k, chars


@rule("passage-printed-twice",
      "A long passage the source text prints twice (a PDF-extraction duplicate) makes its quotes match two "
      "places and its results easy to curate twice.", "info")
def passage_printed_twice(self: Rule, view: SourceView) -> Iterator[Flag]:
    """Maximal runs of identical lines of at least MIN_PASSAGE characters; both line ranges reported."""
    if not view.lines:
        return
    runs = sorted((a, b, k, chars) for a, b, k, chars in repeated_runs(view.lines) if chars >= MIN_PASSAGE)
    covered: set[tuple[int, int]] = set()
    for a, b, k, chars in runs:
        if (a, b) in covered:
            continue
        covered.update((a + i, b + i) for i in range(k))
        first = next(line.strip() for line in view.lines[a:a + k] if line.strip())
        where = f"lines {a + 1}-{a + k} and {b + 1}-{b + k}"
        yield self.flag(view, [view.source], [f"{view.data.source.file} {where} ({chars} characters)"],
                        "each passage printed once",
                        f"{view.data.source.file} prints {where} twice ({k} lines, {chars} characters), "
                        f"starting {first[:60]!r}")
