"""One canonical form for every data file, so that diffs stay reviewable (`hcc-kg lint --fix`)."""

from __future__ import annotations

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


def lint(paths: list[Path], fix: bool = False) -> list[Path]:
    """The files not in canonical form; rewritten in place when ``fix`` (only files that parse)."""
    wrong = []
    for path in paths:
        loaded, _ = load_file(path)
        if loaded is None:
            continue
        text = canonical(loaded.data)
        if path.read_text(encoding="utf-8") != text:
            wrong.append(path)
            if fix:
                tmp = path.with_name(f".{path.name}.tmp")
                tmp.write_text(text, encoding="utf-8")
                tmp.replace(path)
    return wrong
