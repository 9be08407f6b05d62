"""Provenance checks: every quote occurs in its source text, every number occurs in its quote.

A quote may differ from the source only in whitespace (the sources are PDF extractions, with line
breaks mid-sentence and, in some Chinese lines, a space between every character).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

_WS = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Counts the English sources write as words ("Six patients suffered ..."); whole words only.
_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.IGNORECASE)


def squeeze(text: str) -> str:
    """Text with all whitespace (including ideographic spaces) removed."""
    return _WS.sub("", text)


@lru_cache(maxsize=32)
def source_text(path: Path) -> str:
    """The whitespace-squeezed text of a source document (cached: many quotes, few documents)."""
    return squeeze(path.read_text(encoding="utf-8"))


def quote_in_source(quote: str, source: str) -> bool:
    """Whether ``quote`` occurs in the squeezed ``source`` up to whitespace."""
    return squeeze(quote) in source


def numbers_in(text: str) -> set[Decimal]:
    """Every number written in ``text``, compared by value: 3.0 == 3.

    Full-width digits are folded, and English number words up to twenty count as numbers.
    """
    folded = unicodedata.normalize("NFKC", text)
    found = {Decimal(m) for m in _NUMBER.findall(folded)}
    return found | {Decimal(_WORDS[w.lower()]) for w in _WORD.findall(folded)}


def missing_numbers(numbers: dict[str, Decimal | int], quotes: list[str]) -> list[str]:
    """Names of the fields whose number is written in none of the quotes."""
    available: set[Decimal] = set()
    for quote in quotes:
        available |= numbers_in(quote)
    return [name for name, number in numbers.items() if Decimal(number) not in available]
