"""The Jinja2 templates of the human views (``templates/``), shipped as package data.

HTML templates autoescape; the Markdown template gets the ``md`` filter, which folds whitespace and
escapes the characters that would break a table cell. Jinja2 is imported only when a template renders.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment


def md_cell(text: object) -> str:
    """A Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("\\", "\\\\").replace("|", "\\|")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The one template environment (strict: an undefined name is an error, not an empty string)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("hcc_kg.render", "templates"),
                      autoescape=select_autoescape(["html"], default_for_string=True, default=False),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["md"] = md_cell
    return env


def render_template(name: str, **context: Any) -> str:
    """A template filled in; autoescaped unless it is the Markdown one (``*.md``)."""
    env = environment()
    template = env.get_template(name)
    return template.render(**context)
