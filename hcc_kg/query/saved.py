"""Saved queries: header parsing and parameter binding (running them is the backends' job).

A saved query is a plain ``.rq`` file whose leading ``#+`` comment lines are a YAML header (grlc
style): summary, description, params, tags. Parameter values are resolved to RDF terms and bound
with a ``VALUES`` block inserted at the start of the outermost WHERE group; user text is never
spliced into the query, only the N-Triples form of a validated term.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hcc_kg.curation.kinds import RECORD_KINDS
from hcc_kg.errors import Issue, QueryError
from hcc_kg.namespaces import HCC, OWL
from hcc_kg.terms import BRANCHES, TermIndex

if TYPE_CHECKING:
    from hcc_kg.query.results import Rows

PARAM_TYPES = ("term", "string", "integer", "decimal", "boolean", "iri", "record")
HEADER_KEYS = {"summary", "description", "params", "tags"}
PARAM_KEYS = {"name", "type", "branch", "kind", "default", "description", "required", "property", "choices"}
MAX_VALUE_CHARS = 10_000
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_RECORD_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")


@dataclass(frozen=True)
class Param:
    """One declared parameter of a saved query."""

    name: str
    type: str
    description: str
    default: str | None = None
    branch: str | None = None
    kind: str | None = None
    required: bool = False
    property: str | None = None
    """For a string parameter: the hcc: property whose values in the graph it must match (see
    :func:`resolve_params`)."""
    choices: tuple[str, ...] | None = None
    """For a string parameter: the fixed values it may take."""


@dataclass(frozen=True)
class SavedQuery:
    """A parsed .rq file: its header and its SPARQL text."""

    path: Path
    summary: str
    description: str
    params: tuple[Param, ...]
    tags: tuple[str, ...]
    text: str

    @property
    def name(self) -> str:
        """The query's name: its file stem, as `query run NAME` takes it."""
        return self.path.stem

    def as_dict(self) -> dict[str, Any]:
        """The header as data (for `query list --format json` and the web catalog)."""
        return {"name": self.name, "form": self.form, "summary": self.summary,
                "description": self.description, "tags": list(self.tags),
                "params": [vars(p) for p in self.params]}

    @property
    def form(self) -> str:
        """SELECT, CONSTRUCT, ASK or DESCRIBE, from the text after the prologue."""
        body = "\n".join(line for line in self.text.splitlines() if not line.lstrip().startswith("#"))
        match = re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", body, re.IGNORECASE)
        return match.group(1).upper() if match else "SELECT"


def header_key(text: str) -> str:
    """The key of a query file's parsed header in a header cache: the hash of the file's text."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_header(path: Path, text: str) -> Any:
    """The ``#+`` lines of a query file parsed as YAML (None when it has none)."""
    import yaml

    header_lines = [line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")]
    if not header_lines:
        return None
    try:
        return yaml.safe_load("\n".join(header_lines))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (header line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise QueryError(f"{path}: malformed '#+' header{where}: {problem}") from exc


def parse_query_file(path: Path, headers: Mapping[str, Any] | None = None) -> SavedQuery:
    """Parse a .rq file; a malformed header is a QueryError naming the file (never a warning).

    ``headers`` maps :func:`header_key` of a file's text to its header as already parsed (a release
    keeps those of the queries it was built with): a cold `query run` then skips importing PyYAML. The
    header is checked the same way either way, and a file whose text changed is parsed again.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read query file: {exc}") from exc
    key = header_key(text) if headers else ""
    header = headers[key] if headers and key in headers else read_header(path, text)
    if header is None:
        return SavedQuery(path, path.stem, "", (), (), text)
    if not isinstance(header, dict):
        raise QueryError(f"{path}: the '#+' header must be a YAML mapping")
    unknown = set(header) - HEADER_KEYS
    if unknown:
        raise QueryError(f"{path}: unknown header key(s): {', '.join(sorted(unknown))}")
    for key in ("summary", "description"):
        if not isinstance(header.get(key), str) or not header[key].strip():
            raise QueryError(f"{path}: header needs a non-empty '{key}'")
    tags = header.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise QueryError(f"{path}: 'tags' must be a list of strings")
    params = []
    for i, raw in enumerate(header.get("params") or []):
        if not isinstance(raw, dict):
            raise QueryError(f"{path}: params[{i}] must be a mapping")
        unknown = set(raw) - PARAM_KEYS
        if unknown:
            raise QueryError(f"{path}: params[{i}] has unknown key(s): {', '.join(sorted(unknown))}")
        name, ptype = raw.get("name"), raw.get("type")
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"{path}: params[{i}] needs a 'name' that is a SPARQL variable name")
        if ptype not in PARAM_TYPES:
            raise QueryError(f"{path}: param {name!r} has type {ptype!r}; "
                             f"expected one of {', '.join(PARAM_TYPES)}")
        if ptype == "term" and raw.get("branch") not in BRANCHES:
            raise QueryError(f"{path}: term param {name!r} needs a 'branch' in {', '.join(BRANCHES)}")
        if ptype == "record" and raw.get("kind") not in RECORD_KINDS:
            raise QueryError(f"{path}: record param {name!r} needs a 'kind' "
                             f"in {', '.join(RECORD_KINDS.names())}")
        if not isinstance(raw.get("description"), str):
            raise QueryError(f"{path}: param {name!r} needs a 'description'")
        if not re.search(r"[?$]" + re.escape(name) + r"\b", _body(text)):
            raise QueryError(f"{path}: param {name!r} is not used as ?{name} in the query")
        prop, choices = raw.get("property"), raw.get("choices")
        if (prop is not None or choices is not None) and ptype != "string":
            raise QueryError(f"{path}: param {name!r}: 'property' and 'choices' are for string params")
        if prop is not None and not (isinstance(prop, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", prop)):
            raise QueryError(f"{path}: param {name!r}: 'property' must be the local name of an hcc: property")
        if choices is not None and not (isinstance(choices, list) and choices
                                        and all(isinstance(c, str) for c in choices)):
            raise QueryError(f"{path}: param {name!r}: 'choices' must be a non-empty list of strings")
        default = raw.get("default")
        params.append(Param(name, ptype, raw["description"], None if default is None else str(default),
                            raw.get("branch"), raw.get("kind"), bool(raw.get("required", False)), prop,
                            tuple(choices) if choices is not None else None))
    if params and not _WHERE.search(_body(text)):
        raise QueryError(f"{path}: a query with params needs a 'WHERE {{' group to bind them in")
    return SavedQuery(path, header["summary"].strip(), header["description"].strip(), tuple(params),
                      tuple(tags), text)


def _body(text: str) -> str:
    """The query with comments, string literals and IRIs blanked out, keeping every offset.

    So a ``WHERE {`` or a ``?param`` inside a string is not taken for syntax.
    """
    from hcc_kg.query.safety import blank_lexical

    return blank_lexical(text)


def catalog(queries_dir: Path, headers: Mapping[str, Any] | None = None,
            problems: list[QueryError] | None = None) -> list[SavedQuery]:
    """Every saved query in the folder (not the checks/ and api/ subfolders), sorted by name.

    A file that does not parse raises, unless ``problems`` is given: then it is left out and its
    error appended there, so one bad file does not hide the good ones.
    """
    queries = []
    for path in sorted(queries_dir.glob("*.rq")):
        try:
            queries.append(parse_query_file(path, headers))
        except QueryError as exc:
            if problems is None:
                raise
            problems.append(exc)
    return queries


def query_files(queries_dir: Path) -> list[Path]:
    """The saved queries, the check queries and the library's own queries."""
    return [p for folder in (queries_dir, queries_dir / "checks", queries_dir / "api")
            for p in sorted(folder.glob("*.rq"))]


def header_cache(queries_dir: Path) -> dict[str, Any]:
    """Every query file's parsed header by :func:`header_key` (the build stores it in the release)."""
    cache = {}
    for path in query_files(queries_dir):
        try:
            text = path.read_text(encoding="utf-8")
            cache[header_key(text)] = read_header(path, text)
        except (OSError, UnicodeDecodeError, QueryError):
            continue  # not cached: reading it at run time reports the problem
    return cache


def check_queries(queries_dir: Path, terms: TermIndex) -> list[Issue]:
    """Every saved query's header parses and its text, with default parameters bound, is valid SPARQL."""
    from pyoxigraph import Store

    issues = []
    empty = Store()
    for path in query_files(queries_dir):
        try:
            saved = parse_query_file(path)
            empty.query(bound_text(saved, {}, terms))
        except QueryError as exc:
            issues.append(Issue(str(path), None, path.stem, "header", str(exc).removeprefix(f"{path}: ")))
        except SyntaxError as exc:
            issues.append(Issue(str(path), None, path.stem, "query", f"query does not parse: {exc}"))
    return issues


def find_query(queries_dir: Path, name: str, headers: Mapping[str, Any] | None = None) -> SavedQuery:
    """A saved query by name (file stem), or an ad-hoc .rq file by path."""
    path = Path(name)
    if path.suffix == ".rq" and path.is_file():
        return parse_query_file(path)
    candidate = queries_dir / f"{name}.rq"
    if candidate.is_file():
        return parse_query_file(candidate, headers)
    matches = [p for p in sorted(queries_dir.glob("*.rq"))
               if p.stem.split("_", 1)[-1] == name or p.stem.startswith(name)]
    if len(matches) == 1:
        return parse_query_file(matches[0], headers)
    names = ", ".join(p.stem for p in sorted(queries_dir.glob("*.rq")))
    raise QueryError(f"no saved query {name!r}; known: {names}")


def bind_term(param: Param, value: str, terms: TermIndex | None) -> Any:
    """A parameter value as a validated RDF term (pyoxigraph), or QueryError saying why not."""
    from pyoxigraph import Literal, NamedNode

    if len(value) > MAX_VALUE_CHARS:
        raise QueryError(f"value of {param.name!r} is {len(value)} characters; "
                         f"the limit is {MAX_VALUE_CHARS}")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    if param.type == "term":
        if terms is None or param.branch is None:
            raise QueryError(f"parameter {param.name!r}: no term index to resolve {value!r} with")
        value = value.removeprefix("hcc:").removeprefix(HCC)
        try:
            return NamedNode(HCC + terms.resolve(value, param.branch))
        except LookupError as exc:
            raise QueryError(f"parameter {param.name!r}: {exc}") from exc
    if param.type == "record":
        from hcc_kg.namespaces import iri

        return iri(param.kind or "finding", record_id(param, value))
    if param.type == "iri":
        try:
            return NamedNode(value)
        except ValueError as exc:
            raise QueryError(f"parameter {param.name!r}: {value!r} is not a valid IRI ({exc})") from exc
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise QueryError(f"parameter {param.name!r}: {value!r} is not an integer")
        return Literal(str(int(value)), datatype=NamedNode(xsd + "integer"))
    if param.type == "decimal":
        from decimal import Decimal, InvalidOperation

        try:
            number = Decimal(value)
        except InvalidOperation as exc:
            raise QueryError(f"parameter {param.name!r}: {value!r} is not a number") from exc
        if not number.is_finite():
            raise QueryError(f"parameter {param.name!r}: {value!r} is not a finite number")
        return Literal(str(number), datatype=NamedNode(xsd + "decimal"))
    if param.type == "boolean":
        if value.lower() not in ("true", "false"):
            raise QueryError(f"parameter {param.name!r}: {value!r} is not true or false")
        return Literal(value.lower(), datatype=NamedNode(xsd + "boolean"))
    return Literal(value)


def with_values(query: SavedQuery, variable: str, iris: Iterable[str]) -> str:
    """The query text with ``?variable`` bound to each of ``iris`` (a one-column VALUES block).

    Each IRI is written by pyoxigraph (validated, escaped), never spliced in as text.
    """
    from pyoxigraph import NamedNode

    try:
        cells = " ".join(str(NamedNode(i)) for i in iris)
    except ValueError as exc:
        raise QueryError(f"{query.name}: not an IRI: {exc}") from exc
    return _insert_values(query, f"\n  VALUES ?{variable} {{ {cells} }}\n")


def _insert_values(query: SavedQuery, block: str) -> str:
    """Put ``block`` at the start of every WHERE group, sub-selects included.

    A sub-select does not see the outer group's bindings, so a parameter's variable means the
    parameter throughout the query only if every group binds it, as in grlc.
    """
    ends = [m.end() for m in _WHERE.finditer(_body(query.text))]
    if not ends:
        raise QueryError(f"{query.name}: a query with params needs a 'WHERE {{' group to bind them in")
    pieces, last = [], 0
    for end in ends:
        pieces += [query.text[last:end], block]
        last = end
    return "".join(pieces) + query.text[last:]


def record_id(param: Param, value: str) -> str:
    """The curated id a record parameter names, in any form the catalog prints.

    That is the id (``f004-he2019-os``), its CURIE (``finding:f004-he2019-os``, ``rec:r001-s4``) or its
    IRI, with or without angle brackets. Anything else, or a record of another kind, is a QueryError.
    """
    from urllib.parse import unquote

    from hcc_kg.namespaces import ID, PREFIXES

    kind = param.kind or "finding"
    base = f"{ID}{kind}/"
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    if text.startswith(base):
        text = unquote(text[len(base):])
    elif text.startswith(ID):
        other = text[len(ID):].split("/", 1)[0]
        raise QueryError(f"parameter {param.name!r}: {_shown(value)} is the IRI of a {other}, "
                         f"not of a {kind}")
    else:
        for prefix, namespace in PREFIXES.items():
            if text.startswith(prefix + ":") and namespace.startswith(ID):
                if namespace != base:
                    raise QueryError(f"parameter {param.name!r}: {_shown(value)} names a "
                                     f"{namespace[len(ID):].rstrip('/')}, not a {kind}")
                text = text[len(prefix) + 1:]
                break
    if not _RECORD_ID.fullmatch(text):
        raise QueryError(f"parameter {param.name!r}: {_shown(value)} is not a record id "
                         f"(give the {kind}'s id, CURIE or IRI)")
    return text


def _shown(value: str, limit: int = 80) -> str:
    """A user's value for a one-line message: quoted and escaped, long values cut."""
    return repr(value if len(value) <= limit else value[:limit] + "...")


Select = Callable[[str], "Rows"]
"""Runs a SELECT on the graph a query is about to run on (a backend's ``select``)."""


def resolve_params(query: SavedQuery, values: Mapping[str, str], select: Select,
                   terms: TermIndex | None = None) -> dict[str, str]:
    """The given parameter values checked against the graph, in the graph's own form.

    - A record parameter must name a record of its kind that the graph holds (by id, CURIE or IRI);
      it becomes the curated id.
    - A string parameter with a ``property`` must match a value the graph holds for that hcc:
      property, or with ``choices`` one of those; matching folds case, width, spaces and
      punctuation (``I b`` is the graph's ``Ib``) and the value becomes the graph's form. Where the
      property's values are terms (IRIs), any English or Chinese name of an ontology term matches
      and the value becomes the term's id (the query compares it with the held terms' ancestors; a
      term no record uses is a fair question, answered with no rows).
    Anything else is a one-line QueryError listing what the graph holds (or the closest ids).
    Only the values given are checked (defaults are the query's own); other parameters pass unchanged.
    """
    declared = {p.name: p for p in query.params}
    out = dict(values)
    for name, value in values.items():
        param = declared.get(name)
        if param is None:
            continue
        if len(value) > MAX_VALUE_CHARS:
            raise QueryError(f"value of {name!r} is {len(value)} characters; the limit is {MAX_VALUE_CHARS}")
        if param.type == "record":
            out[name] = _held_record(param, value, select)
        elif param.type == "string" and (param.property or param.choices):
            out[name] = _held_value(param, value, select, terms)
    return out


def _held_record(param: Param, value: str, select: Select) -> str:
    """The record's curated id if the graph holds it (one lookup); else an error naming close ids."""
    import difflib
    from urllib.parse import unquote

    from hcc_kg.namespaces import ID, iri

    ident = record_id(param, value)
    kind = RECORD_KINDS[param.kind or "finding"]
    classes = " ".join(f"<{c}>" for c in kind.class_iris)
    node = iri(kind.name, ident)
    if select(f"SELECT ?r WHERE {{ VALUES ?r {{ {node} }} VALUES ?class {{ {classes} }} ?r a ?class }}").rows:
        return ident
    base = f"{ID}{kind.name}/"
    held = sorted({unquote(r[len(base):]) for r in select(
        f"SELECT DISTINCT ?r WHERE {{ VALUES ?class {{ {classes} }} ?r a ?class }}").column("r")
        if r.startswith(base)})
    if len(held) <= 10:
        hint = f"the graph holds {', '.join(held) or 'none'}"
    else:
        close = difflib.get_close_matches(ident, held, n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(close)}?" if close else f"{len(held)} {kind.plural} in the graph"
    raise QueryError(f"parameter {param.name!r}: no {kind.noun} {ident!r} in this graph; {hint}")


def _held_value(param: Param, value: str, select: Select, terms: TermIndex | None) -> str:
    from hcc_kg.query.results import Rows
    from hcc_kg.terms import normalise

    if param.choices is not None:
        held, iris = list(param.choices), False
        what = "its values:"
    else:
        rows = select(f"SELECT DISTINCT ?v ?object WHERE {{ {{ ?s <{HCC}{param.property}> ?v }} UNION "
                      f"{{ BIND(true AS ?object) <{HCC}{param.property}> a <{OWL}ObjectProperty> }} }}")
        iris = "true" in rows.column("object")
        rows = Rows(["v"], [r for r in rows.rows if "v" in r])
        held = sorted({v.removeprefix(HCC) if iris else v for v in rows.column("v") if v})
        what = f"the values of hcc:{param.property} in this graph:"
    if value in held:
        return value
    matches = [h for h in held if normalise(h) == normalise(value)]
    if len(matches) == 1:
        return matches[0]
    if iris and terms is not None:
        # any ontology term is a fair question (a term no record uses answers with no rows)
        try:
            return terms.resolve(value.removeprefix("hcc:").removeprefix(HCC))
        except LookupError as exc:
            raise QueryError(f"parameter {param.name!r}: {exc}; {what} {', '.join(held) or 'none'}") from exc
    listed = ", ".join(held) if held else "none"
    raise QueryError(f"parameter {param.name!r}: {_shown(value)} matches none of {what} {listed}")


def bound_text(query: SavedQuery, values: dict[str, str], terms: TermIndex | None) -> str:
    """The query text with its parameters bound as a VALUES block; unknown parameters are errors."""
    declared = {p.name: p for p in query.params}
    unknown = set(values) - set(declared)
    if unknown:
        raise QueryError(f"{query.name}: unknown parameter(s) {', '.join(sorted(unknown))}; "
                         f"it takes {', '.join(declared) or 'none'}")
    names, cells = [], []
    for param in query.params:
        value = values.get(param.name, param.default)
        if value is None:
            if param.required:
                raise QueryError(f"{query.name}: parameter {param.name!r} is required")
            continue
        names.append(f"?{param.name}")
        cells.append(str(bind_term(param, value, terms)))
    if not names:
        return query.text
    return _insert_values(query, f"\n  VALUES ({' '.join(names)}) {{ ({' '.join(cells)}) }}\n")
