"""Saved queries: header parsing, parameter binding, and running on the embedded store or an endpoint.

A saved query is a plain ``.rq`` file whose leading ``#+`` comment lines are a YAML header (grlc
style): summary, description, params, tags. Parameter values are resolved to RDF terms and bound
with a ``VALUES`` block inserted at the start of the outermost WHERE group; user text is never
spliced into the query, only the N-Triples form of a validated term.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from hcc_kg.errors import EndpointError, Issue, QueryError
from hcc_kg.terms import HCC, BRANCHES, TermIndex

PARAM_TYPES = ("term", "string", "integer", "decimal", "boolean", "iri", "record")
RECORD_KINDS = ("finding", "study", "arm", "recommendation", "definition", "source", "conflict")
HEADER_KEYS = {"summary", "description", "params", "tags"}
PARAM_KEYS = {"name", "type", "branch", "kind", "default", "description", "required"}
MAX_VALUE_CHARS = 10_000
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


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
        return self.path.stem

    @property
    def form(self) -> str:
        """SELECT, CONSTRUCT, ASK or DESCRIBE, from the text after the prologue."""
        body = "\n".join(line for line in self.text.splitlines() if not line.lstrip().startswith("#"))
        match = re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", body, re.IGNORECASE)
        return match.group(1).upper() if match else "SELECT"


def parse_query_file(path: Path) -> SavedQuery:
    """Parse a .rq file; a malformed header is a QueryError naming the file (never a warning)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"{path}: cannot read query file: {exc}") from exc
    header_lines = [line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")]
    if not header_lines:
        return SavedQuery(path, path.stem, "", (), (), text)
    try:
        header = yaml.safe_load("\n".join(header_lines))
    except yaml.YAMLError as exc:
        raise QueryError(f"{path}: malformed '#+' header: {exc}") from exc
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
            raise QueryError(f"{path}: param {name!r} has type {ptype!r}; expected one of {', '.join(PARAM_TYPES)}")
        if ptype == "term" and raw.get("branch") not in BRANCHES:
            raise QueryError(f"{path}: term param {name!r} needs a 'branch' in {', '.join(BRANCHES)}")
        if ptype == "record" and raw.get("kind") not in RECORD_KINDS:
            raise QueryError(f"{path}: record param {name!r} needs a 'kind' in {', '.join(RECORD_KINDS)}")
        if not isinstance(raw.get("description"), str):
            raise QueryError(f"{path}: param {name!r} needs a 'description'")
        if not re.search(r"[?$]" + re.escape(name) + r"\b", _body(text)):
            raise QueryError(f"{path}: param {name!r} is not used as ?{name} in the query")
        default = raw.get("default")
        params.append(Param(name, ptype, raw["description"], None if default is None else str(default),
                            raw.get("branch"), raw.get("kind"), bool(raw.get("required", False))))
    if params and not _WHERE.search(_body(text)):
        raise QueryError(f"{path}: a query with params needs a 'WHERE {{' group to bind them in")
    return SavedQuery(path, header["summary"].strip(), header["description"].strip(), tuple(params),
                      tuple(tags), text)


def _body(text: str) -> str:
    """The query with its full-line comments blanked out, keeping every character's offset."""
    return "\n".join(" " * len(line) if line.lstrip().startswith("#") else line for line in text.split("\n"))


def catalog(queries_dir: Path) -> list[SavedQuery]:
    """Every saved query in the folder (not the checks/ subfolder), sorted by name."""
    return [parse_query_file(p) for p in sorted(queries_dir.glob("*.rq"))]


def check_queries(queries_dir: Path, terms: TermIndex) -> list[Issue]:
    """Every saved query's header parses and its text, with default parameters bound, is valid SPARQL."""
    from pyoxigraph import Store

    issues = []
    empty = Store()
    for path in sorted(queries_dir.glob("*.rq")) + sorted((queries_dir / "checks").glob("*.rq")):
        try:
            saved = parse_query_file(path)
            empty.query(bound_text(saved, {}, terms))
        except QueryError as exc:
            issues.append(Issue(str(path), None, path.stem, "header", str(exc).removeprefix(f"{path}: ")))
        except SyntaxError as exc:
            issues.append(Issue(str(path), None, path.stem, "query", f"query does not parse: {exc}"))
    return issues


def find_query(queries_dir: Path, name: str) -> SavedQuery:
    """A saved query by name (file stem), or an ad-hoc .rq file by path."""
    path = Path(name)
    if path.suffix == ".rq" and path.is_file():
        return parse_query_file(path)
    candidate = queries_dir / f"{name}.rq"
    if candidate.is_file():
        return parse_query_file(candidate)
    matches = [p for p in sorted(queries_dir.glob("*.rq")) if p.stem.split("_", 1)[-1] == name or p.stem.startswith(name)]
    if len(matches) == 1:
        return parse_query_file(matches[0])
    names = ", ".join(p.stem for p in sorted(queries_dir.glob("*.rq")))
    raise QueryError(f"no saved query {name!r}; known: {names}")


def bind_term(param: Param, value: str, terms: TermIndex | None) -> Any:
    """A parameter value as a validated RDF term (pyoxigraph), or QueryError saying why not."""
    from pyoxigraph import Literal, NamedNode

    if len(value) > MAX_VALUE_CHARS:
        raise QueryError(f"value of {param.name!r} is {len(value)} characters; the limit is {MAX_VALUE_CHARS}")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    if param.type == "term":
        assert terms is not None and param.branch is not None
        value = value.removeprefix("hcc:").removeprefix(HCC)
        try:
            return NamedNode(HCC + terms.resolve(value, param.branch))
        except LookupError as exc:
            raise QueryError(f"parameter {param.name!r}: {exc}") from exc
    if param.type == "record":
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", value):
            raise QueryError(f"parameter {param.name!r}: {value!r} is not a record id")
        from hcc_kg.namespaces import iri

        return iri(param.kind or "finding", value)
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
    block = f"\n  VALUES ({' '.join(names)}) {{ ({' '.join(cells)}) }}\n"
    # Bound in every WHERE group, sub-selects included (a sub-select does not see the outer group's
    # bindings): a parameter's variable means the parameter throughout the query, as in grlc.
    ends = [m.end() for m in _WHERE.finditer(_body(query.text))]
    assert ends
    pieces, last = [], 0
    for end in ends:
        pieces += [query.text[last:end], block]
        last = end
    return "".join(pieces) + query.text[last:]


@dataclass
class Results:
    """SELECT results in the SPARQL 1.1 JSON results shape, whichever engine answered."""

    variables: list[str]
    rows: list[dict[str, dict[str, str]]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"head": {"vars": self.variables}, "results": {"bindings": self.rows}}

    def values(self) -> list[dict[str, str]]:
        """Rows as plain strings (IRIs and literal lexical forms; "" where unbound)."""
        return [{v: row[v]["value"] if v in row else "" for v in self.variables} for row in self.rows]


def run_embedded(store: Any, text: str) -> Results | list[Any] | bool:
    """Run on a pyoxigraph store: Results for SELECT, a list of triples for CONSTRUCT, bool for ASK."""
    from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions

    try:
        answer = store.query(text)
    except SyntaxError as exc:
        raise QueryError(f"query does not parse: {exc}") from exc
    except OSError as exc:
        raise QueryError(f"query failed: {exc}") from exc
    if isinstance(answer, QueryBoolean):
        return bool(answer)
    if isinstance(answer, QuerySolutions):
        data = json.loads(answer.serialize(format=QueryResultsFormat.JSON))
        return Results(data["head"]["vars"], data["results"]["bindings"])
    return list(answer)


def run_remote(endpoint: str, text: str, timeout: float = 30.0) -> Results | bool:
    """Run a SELECT or ASK query on any SPARQL 1.1 endpoint through SPARQLWrapper."""
    import socket
    import urllib.error

    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(int(max(1, timeout)))
    try:
        response = client.query()
        data = response.convert()
    except SPARQLWrapperException as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EndpointError(f"endpoint {endpoint} answered with an error: {first}") from exc
    except urllib.error.HTTPError as exc:
        raise EndpointError(f"endpoint {endpoint} answered HTTP {exc.code} {exc.reason}") from exc
    except (TimeoutError, socket.timeout) as exc:
        raise EndpointError(f"endpoint {endpoint} did not answer within {timeout:g} s") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise EndpointError(f"endpoint {endpoint} did not answer within {timeout:g} s") from exc
        raise EndpointError(f"endpoint {endpoint} is unreachable: {reason}") from exc
    except (ValueError, json.JSONDecodeError) as exc:
        raise EndpointError(f"endpoint {endpoint} answered with malformed JSON: {exc}") from exc
    except (ConnectionError, OSError) as exc:
        raise EndpointError(f"endpoint {endpoint} connection failed: {exc}") from exc
    if not isinstance(data, dict):
        raise EndpointError(f"endpoint {endpoint} did not answer with SPARQL JSON results")
    if "boolean" in data:
        return bool(data["boolean"])
    try:
        return Results(list(data["head"]["vars"]), list(data["results"]["bindings"]))
    except (KeyError, TypeError) as exc:
        raise EndpointError(f"endpoint {endpoint} answered JSON that is not SPARQL results ({exc})") from exc


def run(query: SavedQuery, values: dict[str, str], *, build_dir: Path, ontology: Path,
        endpoint: str | None = None, timeout: float = 30.0) -> Results | list[Any] | bool:
    """Bind and run a saved query on the current build, or on ``endpoint`` when one is given."""
    needs_terms = any(p.type == "term" for p in query.params)
    terms = TermIndex.from_ontology(ontology) if needs_terms else None
    text = bound_text(query, values, terms)
    if endpoint:
        if query.form in ("CONSTRUCT", "DESCRIBE"):
            raise QueryError(f"{query.name}: {query.form} queries run on the embedded store only")
        return run_remote(endpoint, text, timeout)
    from hcc_kg.store import open_store

    return run_embedded(open_store(build_dir), text)
