"""Provenance checks: every quote occurs in its source text, every number occurs in its quote.

A quote may differ from the source only in whitespace (the sources are PDF extractions, with line
breaks mid-sentence and, in some Chinese lines, a space between every character).
"""

from __future__ import annotations

import re
import stat
import unicodedata
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

MAX_SOURCE_BYTES = 50 * 1024 * 1024
"""A source document larger than this is refused before it is read (the real ones are < 1 MB)."""

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


class SourceRefused(ValueError):
    """A data file's ``source.file`` cannot be used; the message says why, for a validation Issue."""


def source_path(seeds_dir: Path, name: str) -> Path:
    """The source document ``name`` inside ``seeds_dir``, or SourceRefused.

    Only a path that stays inside the seeds folder once resolved is read: no absolute path, no
    ``..`` out of it, no symlink pointing out of it; otherwise any file the build can read (say
    /etc/passwd) would be a "source" whose lines could be quoted into the release. The size is
    checked before anything is read.
    """
    if Path(name).is_absolute():
        raise SourceRefused(f"source document {name!r} is an absolute path; "
                            "give a file name inside the seeds folder")
    root = seeds_dir.resolve()
    try:
        path = (root / name).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a NUL byte
        raise SourceRefused(f"source document {name!r} cannot be resolved: {exc}") from None
    if not path.is_relative_to(root):
        raise SourceRefused(f"source document {name!r} is outside the seeds folder {seeds_dir}")
    try:
        info = path.stat()
    except (OSError, ValueError):
        raise SourceRefused(f"source document {name!r} not found in {seeds_dir}") from None
    if not stat.S_ISREG(info.st_mode):
        raise SourceRefused(f"source document {name!r} is not a regular file")
    if info.st_size > MAX_SOURCE_BYTES:
        raise SourceRefused(f"source document {name!r} is {info.st_size} bytes, "
                            f"over the {MAX_SOURCE_BYTES}-byte limit for a source document")
    return path


def read_source(seeds_dir: Path, name: str) -> str:
    """The squeezed text of a checked source document, or SourceRefused (not UTF-8, unreadable)."""
    path = source_path(seeds_dir, name)
    try:
        return source_text(path)
    except UnicodeDecodeError as exc:
        raise SourceRefused(f"source document {name!r} is not UTF-8 "
                            f"(byte {exc.start}: {exc.reason})") from None
    except OSError as exc:
        raise SourceRefused(f"source document {name!r} cannot be read: {exc.strerror or exc}") from None


@lru_cache(maxsize=32)
def source_text(path: Path) -> str:
    """The whitespace-squeezed text of a source document (cached: many quotes, few documents).

    Read with a bound, even after :func:`source_path` checked the size: the file may grow meanwhile.
    """
    with path.open("rb") as handle:
        raw = handle.read(MAX_SOURCE_BYTES + 1)
    if len(raw) > MAX_SOURCE_BYTES:
        raise OSError(f"over the {MAX_SOURCE_BYTES}-byte limit for a source document")
    return squeeze(raw.decode("utf-8"))


def quote_in_source(quote: str, source: str) -> bool:
    """Whether ``quote`` occurs in the squeezed ``source`` up to whitespace."""
    return squeeze(quote) in source


MIN_CONTEXT = 4
"""Characters a quoted passage must hold besides numbers and whitespace (see ``context_length``)."""


def context_length(passage: str) -> int:
    """How many characters of ``passage`` are neither whitespace nor part of a number.

    A quote must identify the sentence it came from; '13.37' alone occurs anywhere a number does
    and proves nothing. The shortest real passages are table rows such as '是 28(36.8) 30(39.5)
    0.190' (5) and 'AFP < 100 16 61.5' (4), so MIN_CONTEXT is 4; number words ("six") count as
    context, full-width digits as digits.
    """
    return len(_NUMBER.sub("", squeeze(unicodedata.normalize("NFKC", passage))))


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
