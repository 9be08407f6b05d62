"""hcc-kg diff: what changed between two releases, in a guideline writer's terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, RdfFormat, parse

from hcc_kg.curation.kinds import RECORD_KINDS
from hcc_kg.errors import HccKgError
from hcc_kg.namespaces import ID, RDF, compress

# Record kinds compared field by field, by their rdf:type (the record-kind registry says which).
KINDS = {iri: kind.name for _, kind in RECORD_KINDS.items() if kind.compared for iri in kind.class_iris}


def _load(path: Path) -> dict[str, tuple[str, dict[str, set[str]]]]:
    """Records of a release: IRI -> (kind, field -> values)."""
    fmt = {".nt": RdfFormat.N_TRIPLES, ".ttl": RdfFormat.TURTLE, ".jsonld": RdfFormat.JSON_LD,
           ".rdf": RdfFormat.RDF_XML}.get(path.suffix, RdfFormat.TURTLE)
    try:
        with path.open("rb") as handle:
            quads = list(parse(handle, format=fmt))
    except (OSError, SyntaxError, ValueError) as exc:
        raise HccKgError(f"{path}: cannot read release: {exc}") from exc
    fields: dict[str, dict[str, set[str]]] = {}
    kinds: dict[str, str] = {}
    for quad in quads:
        subject = quad.subject.value
        if not subject.startswith(ID):
            continue
        if quad.predicate.value == RDF + "type" and quad.object.value in KINDS:
            kinds[subject] = KINDS[quad.object.value]
        obj = quad.object
        text = obj.value if isinstance(obj, Literal) else compress(obj.value)
        if isinstance(obj, Literal) and obj.language:
            text = f"{text}@{obj.language}"
        fields.setdefault(subject, {}).setdefault(compress(quad.predicate.value), set()).add(text)
    return {iri: (kind, fields.get(iri, {})) for iri, kind in kinds.items()}


@dataclass
class Change:
    """One record added, removed, or changed (with the fields that changed)."""

    kind: str
    id: str
    status: str
    fields: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The change as data, for `diff --format json`."""
        return {"kind": self.kind, "id": self.id, "status": self.status, "fields": self.fields}


def diff(old: Path, new: Path) -> list[Change]:
    """Records added, removed and changed from ``old`` to ``new``, sorted by kind and id."""
    before, after = _load(old), _load(new)
    changes: list[Change] = []
    for iri in sorted(set(before) | set(after)):
        record_id = iri.rsplit("/", 1)[-1]
        if iri not in before:
            changes.append(Change(after[iri][0], record_id, "added"))
        elif iri not in after:
            changes.append(Change(before[iri][0], record_id, "removed"))
        else:
            old_fields, new_fields = before[iri][1], after[iri][1]
            changed = {
                name: {"old": sorted(old_fields.get(name, set())), "new": sorted(new_fields.get(name, set()))}
                for name in sorted(set(old_fields) | set(new_fields))
                if old_fields.get(name, set()) != new_fields.get(name, set())
            }
            if changed:
                changes.append(Change(after[iri][0], record_id, "changed", changed))
    return sorted(changes, key=lambda c: (c.kind, c.status, c.id))


def render_text(changes: list[Change]) -> str:
    """A summary a person reads: counts, then each change with old and new values."""
    if not changes:
        return "no changes to findings, studies, recommendations or definitions\n"
    counts: dict[str, int] = {}
    for change in changes:
        key = f"{change.kind}s {change.status}"
        counts[key] = counts.get(key, 0) + 1
    lines = ["; ".join(f"{v} {k}" for k, v in sorted(counts.items())), ""]
    for change in changes:
        lines.append(f"{change.status:8} {change.kind} {change.id}")
        for name, values in change.fields.items():
            old = ", ".join(values["old"]) or "(none)"
            new = ", ".join(values["new"]) or "(none)"
            lines.append(f"           {name}: {old} -> {new}")
    return "\n".join(lines) + "\n"
