"""The build's last gate: the release must meet its contract before it becomes current.

Two kinds of check, both declared as data: the SHACL shapes (``ontology/shapes.ttl``, run with
pyshacl) and violation queries (``queries/checks/*.rq``, where any row returned is a failure, as in
the OBO ontology kit's SPARQL checks). A failure names the record, and the build stops before the
swap, so the previous release stays current.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hcc_kg.config import Paths
from hcc_kg.errors import HccKgError
from hcc_kg.namespaces import ID

SH = "http://www.w3.org/ns/shacl#"
MAX_SHOWN = 20


@dataclass(frozen=True, order=True)
class Violation:
    """One broken rule: which check, which record, what is wrong."""

    check: str
    record: str
    message: str

    def __str__(self) -> str:
        return f"record {self.record}: {self.message} [{self.check}]"


class GateFailed(HccKgError):
    """The built graph broke its contract; the release was not published."""

    def __init__(self, violations: list[Violation]):
        self.violations = sorted(set(violations))
        shown = "\n".join(f"  {v}" for v in self.violations[:MAX_SHOWN])
        more = (f"\n  ... and {len(self.violations) - MAX_SHOWN} more"
                if len(self.violations) > MAX_SHOWN else "")
        super().__init__(f"the built graph fails {len(self.violations)} check(s); the previous release "
                         f"stays current:\n{shown}{more}")


def record_name(iri: str) -> str:
    """A curated record's kind and id from its IRI (``finding/f004-x``), else the IRI itself."""
    return iri[len(ID):] if iri.startswith(ID) else iri


def shacl_violations(ntriples: bytes, shapes: Path) -> list[Violation]:
    """Run the SHACL shapes over the whole graph (data and ontology, for sh:class subclass checks)."""
    import rdflib
    from pyshacl import validate

    data = rdflib.Graph().parse(data=ntriples, format="nt")
    try:
        shapes_graph = rdflib.Graph().parse(shapes, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise HccKgError(f"{shapes}: cannot read the SHACL shapes: {exc}") from exc
    conforms, report, _ = validate(data, shacl_graph=shapes_graph, advanced=False, inference="none")
    if conforms:
        return []
    sh = rdflib.Namespace(SH)
    found = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        message = report.value(result, sh.resultMessage)
        where = f"{report.namespace_manager.normalizeUri(path)}: " if isinstance(path, rdflib.URIRef) else ""
        shape = report.value(result, sh.sourceShape)
        check = f"shape {report.namespace_manager.normalizeUri(shape)}" if isinstance(shape, rdflib.URIRef) \
            else f"shapes {shapes.name}"
        found.append(Violation(check, record_name(str(focus)), f"{where}{message}"))
    return found


def query_violations(store: Any, checks_dir: Path) -> list[Violation]:
    """Run every violation query; each row (``?record``, ``?problem``) is one violation."""
    from hcc_kg.query.saved import parse_query_file

    found = []
    for path in sorted(checks_dir.glob("*.rq")):
        saved = parse_query_file(path)
        try:
            rows = store.query(saved.text)
        except (SyntaxError, OSError) as exc:
            raise HccKgError(f"{path}: check query failed: {exc}") from exc
        for row in rows:
            record = row["record"]
            problem = row["problem"]
            found.append(Violation(f"check {saved.name}", record_name(record.value) if record else "?",
                                   problem.value if problem else saved.summary))
    return found


def check_release(staging: Path, quads: list[Any], paths: Paths) -> None:
    """Raise GateFailed if the staged release breaks a shape or a violation query."""
    from pyoxigraph import RdfFormat, Store, serialize

    from hcc_kg.release.layout import STORE_DIR

    store = Store.read_only(str(staging / STORE_DIR))
    violations = query_violations(store, paths.checks_dir)
    del store
    violations += shacl_violations(serialize(quads, format=RdfFormat.N_TRIPLES) or b"", paths.shapes)
    if violations:
        raise GateFailed(violations)
