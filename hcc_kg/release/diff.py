"""hcc-kg diff: what changed between two releases, in a guideline writer's terms.

What is compared: every record kind of the registry (``curation.kinds.RECORD_KINDS``) whose
``compared`` flag is set, found by its rdf:type: studies, findings, recommendations, definitions,
conflicts, arms, source documents and cited references. Arms and references have ids of their own
(findings point at them, guidelines cite them), so they are reported as records of their own kinds:
changing a reference's DOI reports ``changed reference src004-12`` with ``bibo:doi: old -> new``.

Nodes without an id of their own are folded into the record that owns them: a study's or finding's
``…/population`` node, a finding's ``…/group`` and ``…/comparator-group`` nodes and a definition's
criteria (``definition/<id>/criterion/<aspect>-<hash of its text>``) have IRIs under their owner's IRI,
and their fields are reported on the owner, prefixed with the sub-node's path
(``population/hcc:anyOfCriterion``, ``group/hcc:includesCriterion``). Criteria are grouped by aspect
(``criterion/imaging/hcc:criterionValue: CT/MRI -> CT or MRI``; the hash in their IRIs is left out). So
a population that loses a criterion is a change of its study; a criterion added to a definition is a
change of the definition (reordering criteria is none).

Every field is compared, the issue-13 ones too (counts, SD, ranges, comparator CIs, statuses, favours,
tested, time points in months, groups, unions, disease, subjects, criterion numbers and events, conflict
kinds and explanations). A decimal with a printed form is compared by that form (``hcc:valuePrinted``:
``3`` -> ``3.0`` is a change the canonical decimal would hide), and its canonical twin is not repeated.

Inputs are untrusted files: RDF/XML that declares a DTD (entity declarations, the "billion laughs"
expansion) is refused before it is parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, RdfFormat, parse

from hcc_kg.check.flags import FLAG_KIND
from hcc_kg.curation.kinds import RECORD_KINDS, RecordKind
from hcc_kg.errors import HccKgError
from hcc_kg.namespaces import ID, RDF, compress

# Record kinds compared field by field, by their rdf:type (the record-kind registry says which).
KINDS = {iri: kind.name for _, kind in RECORD_KINDS.items() if kind.compared for iri in kind.class_iris}
# Plausibility flags too: one appears or disappears when numbers change (its id is made from them), and a
# review changes its hcc:reviewStatus (a confirmed one also adds a conflict).
KINDS.update({iri: FLAG_KIND.name for iri in FLAG_KIND.class_iris})
FORMATS = {".nt": RdfFormat.N_TRIPLES, ".ttl": RdfFormat.TURTLE, ".jsonld": RdfFormat.JSON_LD,
           ".rdf": RdfFormat.RDF_XML, ".owl": RdfFormat.RDF_XML, ".xml": RdfFormat.RDF_XML}
_DTD_MARKERS = (b"<!doctype", b"<!entity")
# a criterion's IRI ends in its aspect and a hash of its text; the diff groups criteria by aspect
_CRITERION = re.compile(r"^criterion/([a-z-]+?)-[0-9a-f]{8}(?:-\d+)?(?=/|$)")
_CHUNK = 1 << 20


def refuse_dtd(path: Path) -> None:
    """Raise HccKgError if an RDF/XML file declares a DTD or an entity, before any parser sees it.

    RDF/XML never needs a DTD; an internal subset can nest entities that expand a 1 KB file to
    gigabytes. The file is scanned in chunks (case-insensitively, overlapping at the seams), so a
    large file is not read whole.
    """
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            window = (tail + chunk).lower()
            for marker in _DTD_MARKERS:
                if marker in window:
                    raise HccKgError(f"{path}: RDF/XML with a DTD ({marker.decode().upper()} declaration) "
                                     "is refused: entity declarations are not expanded")
            tail = window[-16:]


def _load(path: Path) -> dict[str, tuple[str, dict[str, set[str]]]]:
    """Records of a release: IRI -> (kind, field -> values), sub-nodes folded into their owners."""
    fmt = FORMATS.get(path.suffix, RdfFormat.TURTLE)
    try:
        if fmt == RdfFormat.RDF_XML:
            refuse_dtd(path)
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
        text = obj.value if isinstance(obj, Literal) else compress(_criterion_by_aspect(obj.value))
        if isinstance(obj, Literal) and obj.language:
            text = f"{text}@{obj.language}"
        fields.setdefault(subject, {}).setdefault(compress(quad.predicate.value), set()).add(text)
    records = {iri: (kind, dict(fields.get(iri, {}))) for iri, kind in kinds.items()}
    for subject, values in fields.items():
        owner, rest = _owner(subject)
        if subject not in records and owner in records:
            for name, found in values.items():
                records[owner][1][f"{rest}/{name}"] = found
    return records


def _criterion_by_aspect(iri: str) -> str:
    """A criterion IRI without its content hash (``…/criterion/imaging``); other IRIs unchanged."""
    owner, rest = _owner(iri)
    return f"{owner}/{rest}" if owner and rest.startswith("criterion/") else iri


def _owner(subject: str) -> tuple[str, str]:
    """A sub-node's owner IRI (``ID<kind>/<id>``) and its path below it; ("", "") for a record itself."""
    parts = subject[len(ID):].split("/", 2)
    if len(parts) < 3:
        return "", ""
    return f"{ID}{parts[0]}/{parts[1]}", _CRITERION.sub(r"criterion/\1", parts[2])


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
            changes.append(Change(after[iri][0], record_id, "added", _flag_summary(after[iri], "new")))
        elif iri not in after:
            changes.append(Change(before[iri][0], record_id, "removed", _flag_summary(before[iri], "old")))
        else:
            old_fields, new_fields = before[iri][1], after[iri][1]
            names = set(old_fields) | set(new_fields)
            shadowed = {name.removesuffix("Printed") for name in names if name.endswith("Printed")}
            changed = {
                name: {"old": sorted(old_fields.get(name, set())), "new": sorted(new_fields.get(name, set()))}
                for name in sorted(names - shadowed)
                if old_fields.get(name, set()) != new_fields.get(name, set())
            }
            if changed:
                changes.append(Change(after[iri][0], record_id, "changed", changed))
    return sorted(changes, key=lambda c: (c.kind, c.status, c.id))


def _flag_summary(record: tuple[str, dict[str, set[str]]], side: str) -> dict[str, dict[str, list[str]]]:
    """For a flag that appears or disappears: its message and review status, for the reader."""
    kind, fields = record
    if kind != FLAG_KIND.name:
        return {}
    other = "old" if side == "new" else "new"
    return {name: {side: sorted(fields[name]), other: []} for name in ("rdfs:comment", "hcc:reviewStatus")
            if name in fields}


def _kind(name: str) -> RecordKind:
    return RECORD_KINDS[name] if name in RECORD_KINDS else FLAG_KIND


def render_text(changes: list[Change]) -> str:
    """A summary a person reads: counts, then each change with old and new values."""
    if not changes:
        plurals = [kind.plural for _, kind in RECORD_KINDS.items() if kind.compared]
        return f"no changes to {', '.join(plurals[:-1])} or {plurals[-1]}\n"
    counts: dict[str, int] = {}
    for change in changes:
        key = f"{_kind(change.kind).plural} {change.status}"
        counts[key] = counts.get(key, 0) + 1
    lines = ["; ".join(f"{v} {k}" for k, v in sorted(counts.items())), ""]
    for change in changes:
        lines.append(f"{change.status:8} {_kind(change.kind).noun} {change.id}")
        for name, values in change.fields.items():
            old = ", ".join(values["old"]) or "(none)"
            new = ", ".join(values["new"]) or "(none)"
            lines.append(f"           {name}: {old} -> {new}")
    return "\n".join(lines) + "\n"
