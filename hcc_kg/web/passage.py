"""A finding's verbatim quote shown inside its surrounding passage of the source document.

The sources are PDF extractions (line breaks mid-sentence, spaces between Chinese characters), so the
quote is found by a search that ignores whitespace, as the build's provenance check matches it. Only
files inside the seeds folder are read (``provenance.source_path`` resolves and checks the path).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hcc_kg.curation.provenance import MAX_SOURCE_BYTES, SourceRefused, source_path

CONTEXT_CHARS = 300
"""At most this many characters of the source are shown on each side of the quote."""

_SENTENCE_END = re.compile(r"[。！？；.!?;](?=\s|$)|[。！？；]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Passage:
    """The quote in context: text before, the quote as the source prints it, text after.

    ``found`` is False when the quote could not be located (then ``before`` and ``after`` are empty
    and ``problem`` says why).
    """

    before: str
    quote: str
    after: str
    found: bool
    problem: str = ""


def _squeezed(text: str) -> tuple[str, list[int]]:
    """The text without whitespace, and each kept character's offset in the original."""
    kept = [(i, ch) for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]


def read_document(seeds_dir: Path, name: str) -> str:
    """A source document's text, or SourceRefused if it is outside the seeds folder or unreadable."""
    path = source_path(seeds_dir, name)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_SOURCE_BYTES + 1)
        return raw[:MAX_SOURCE_BYTES].decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceRefused(f"source document {name!r} cannot be read: {exc}") from None


def fold(text: str) -> str:
    """Whitespace runs as one space: PDF extractions break lines (and blank lines) mid-sentence."""
    return _SPACES.sub(" ", text)


def locate(quote: str, document: str) -> Passage:
    """The quote with up to ``CONTEXT_CHARS`` of the source each side, cut at sentence ends.

    The passage starts after the first sentence end in the window before the quote and stops at the
    last one in the window after it (else at the window's edge, marked with an ellipsis), so it reads
    as whole sentences. Whitespace is folded for display; the characters are the source's own.
    """
    squeezed, offsets = _squeezed(document)
    needle = "".join(quote.split())
    at = squeezed.find(needle) if needle else -1
    if at < 0:
        return Passage("", quote, "", False, "the quote was not found in the source text")
    start, end = offsets[at], offsets[at + len(needle) - 1] + 1
    window_start, window_end = max(0, start - CONTEXT_CHARS), min(len(document), end + CONTEXT_CHARS)
    before, after = document[window_start:start], document[end:window_end]
    first_end = _SENTENCE_END.search(before)
    if first_end:
        before = before[first_end.end():]
    elif window_start > 0:
        before = "…" + before
    ends = [m.end() for m in _SENTENCE_END.finditer(after)]
    if ends:
        after = after[:ends[-1]]
    elif window_end < len(document):
        after += "…"
    return Passage(fold(before).lstrip(), fold(document[start:end]), fold(after).rstrip(), True)


def passage(seeds_dir: Path, source_file: str | None, quote: str) -> Passage:
    """The quote in its passage of ``source_file``; the quote alone, saying why, if that fails."""
    if not source_file:
        return Passage("", quote, "", False, "the finding names no source file")
    try:
        document = read_document(seeds_dir, source_file)
    except SourceRefused as exc:
        return Passage("", quote, "", False, str(exc))
    return locate(quote, document)
