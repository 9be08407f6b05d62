"""One canonical form for every data file, so that diffs stay reviewable (`hcc-kg lint --fix`).

The canonical form is compared byte for byte: a UTF-8 byte-order mark and CRLF line endings are both
"not canonical" (the build accepts both), and ``--fix`` rewrites both away. A file with a YAML comment
is never rewritten: the canonical form has no comments, and a curator's note must not be lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from hcc_kg.curation.records import SourceFile, load_file

_LAST = ("quote", "quote_lang")


class _Dumper(yaml.SafeDumper):
    """Block style, no aliases, Decimal written exactly as curated."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _decimal(dumper: _Dumper, value: Decimal) -> yaml.ScalarNode:
    text = str(value)
    tag = "float" if "." in text else "int"
    return dumper.represent_scalar(f"tag:yaml.org,2002:{tag}", text)


_Dumper.add_representer(Decimal, _decimal)


def _ordered(value: Any) -> Any:
    """Model fields in declaration order, with the quote last (it is the longest field)."""
    if isinstance(value, dict):
        keys = [k for k in value if k not in _LAST] + [k for k in _LAST if k in value]
        return {k: _ordered(value[k]) for k in keys}
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    return value


def canonical(data: SourceFile) -> str:
    """The canonical YAML text of a parsed data file."""
    plain = data.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    return yaml.dump(_ordered(plain), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000,
                     default_flow_style=False, indent=2)


def first_comment(text: str) -> int | None:
    """The line of the first YAML comment in ``text``, full-line or trailing; None if it has none.

    A '#' is a comment unless it lies inside a scalar token (a quoted or block string, or a plain
    one like ``trial#3``); the scanner gives each scalar's span, so '#' in a quote is not a comment.
    """
    if "#" not in text:
        return None
    text = text.removeprefix("\ufeff")
    try:
        spans = [(t.start_mark.index, t.end_mark.index) for t in yaml.scan(text, Loader=yaml.CSafeLoader)
                 if isinstance(t, yaml.ScalarToken)]
    except yaml.YAMLError:
        return None  # not YAML: load_file reports it, and lint leaves the file alone
    for match in re.finditer("#", text):
        if not any(start <= match.start() < end for start, end in spans):
            return text.count("\n", 0, match.start()) + 1
    return None


@dataclass(frozen=True)
class NotCanonical:
    """A data file not in canonical form, and what ``lint --fix`` did with it."""

    path: Path
    fixed: bool = False
    comment_line: int | None = None
    """The first comment's line, when the file has one: ``--fix`` leaves such a file as it is."""


def lint(paths: list[Path], fix: bool = False) -> list[NotCanonical]:
    """The files not in canonical form; rewritten in place when ``fix`` (only files that parse).

    A file with a comment is reported and never rewritten, so no curator's note is deleted.
    """
    wrong = []
    for path in paths:
        loaded, _ = load_file(path)
        if loaded is None:
            continue
        text = canonical(loaded.data).encode("utf-8")
        current = path.read_bytes()
        if current == text:
            continue
        comment = first_comment(current.decode("utf-8"))
        if fix and comment is None:
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(text)
            tmp.replace(path)
        wrong.append(NotCanonical(path, fix and comment is None, comment))
    return wrong
