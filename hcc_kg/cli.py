"""The hcc-kg command line: options -> KnowledgeGraph (or the build) -> renderer -> stdout or a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from hcc_kg.errors import HccKgError


class RegistryChoice(click.Choice):
    """A ``--format`` choice read from a registry when click first needs it.

    That is a command's own help, or checking a value; so ``hcc-kg --help`` imports no renderer.
    """

    def __init__(self, module: str, name: str) -> None:
        self._module, self._name = module, name
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        """The registry's names, in registration order."""
        import importlib

        return tuple(getattr(importlib.import_module(self._module), self._name).names())


OUTPUT_FORMAT = RegistryChoice("hcc_kg.render.formats", "OUTPUT_FORMATS")
EXPORT_FORMAT = RegistryChoice("hcc_kg.export.formats", "EXPORT_FORMATS")

DATA_OPTION = click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
                           help="Folder of curated YAML files (default: data/).")
SEEDS_OPTION = click.option("--seeds", "seeds_dir", type=click.Path(path_type=Path), default=None,
                            help="Folder of source documents (default: ../shared/seeds, or $HCC_KG_SEEDS).")
BUILD_OPTION = click.option("--build-dir", type=click.Path(path_type=Path), default=None,
                            help="Build folder (default: build/, or $HCC_KG_BUILD).")


def _paths(data_dir: Path | None = None, seeds_dir: Path | None = None, build_dir: Path | None = None) -> Any:
    import dataclasses

    from hcc_kg.config import Paths

    base = Paths()
    given = {"data_dir": data_dir, "seeds_dir": seeds_dir, "build_dir": build_dir}
    return dataclasses.replace(base, **{k: v for k, v in given.items() if v is not None})


def _open(build_dir: Path | None, endpoint: str | None = None, timeout: float = 30.0,
          max_mb: float = 256.0) -> Any:
    from hcc_kg.api import KnowledgeGraph
    from hcc_kg.query.safety import Limits

    if timeout <= 0 or max_mb <= 0:
        raise click.BadParameter("must be a positive number", param_hint="--timeout/--max-mb")
    paths = _paths(build_dir=build_dir)
    limits = Limits(timeout_s=timeout, max_bytes=int(max_mb * 1e6))
    if endpoint:
        return KnowledgeGraph.connect(endpoint, timeout, paths=paths, limits=limits)
    return KnowledgeGraph.open(paths.build_dir, paths=paths, limits=limits)


def _emit(data: str | bytes, output: Path | None) -> None:
    """Write to ``output`` atomically (temp file + rename), or to stdout."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if output is None:
        sys.stdout.buffer.write(raw)
        sys.stdout.flush()
        return
    tmp = output.with_name(f".{output.name}.tmp")
    try:
        tmp.write_bytes(raw)
        tmp.replace(output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise HccKgError(f"{output}: cannot write: {exc.strerror or exc}") from exc


@click.group()
@click.version_option(package_name="hcc-kg")
def cli() -> None:
    """hcc-kg: evidence on the treatment of hepatocellular carcinoma, as a queryable graph.

    \b
    Example:
      hcc-kg build && hcc-kg query run 01_haic_combinations_os_pvi
    """


@cli.command()
@DATA_OPTION
@SEEDS_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def validate(data_dir: Path | None, seeds_dir: Path | None, fmt: str) -> None:
    """Check every curated record and every saved query; report all errors at once.

    \b
    Example:
      hcc-kg validate --format json
    """
    from hcc_kg.curation.validate import check_all

    paths = _paths(data_dir, seeds_dir)
    report = check_all(paths.data_dir, paths.ontology, paths.seeds_dir, paths.queries_dir, root=Path.cwd())
    if not report.issues:  # reviews name flags, which exist only once the records validate
        from hcc_kg.check.report import reviewed_checks

        report.issues.extend(reviewed_checks(report.dataset.files, paths.data_dir, paths.seeds_dir,
                                             root=Path.cwd())[1])
    if fmt == "json":
        import json

        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for issue in report.issues:
            click.echo(str(issue), err=True)
        click.echo(f"{len(report.dataset.files)} file(s), {report.record_count} record(s), "
                   f"{len(report.issues)} error(s)", err=bool(report.issues))
    if report.issues:
        sys.exit(1)


@cli.command()
@DATA_OPTION
@SEEDS_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check(data_dir: Path | None, seeds_dir: Path | None, fmt: str) -> None:
    """Plausibility flags on the curated numbers, by source and severity (no build needed).

    Each rule compares numbers a source prints (a percentage with its count, a CI with its p, a
    median with the survival rates) and flags what cannot all be right. Flags are findings about
    the sources, not errors in the records. Curators review them in data/reviews/NNN.yaml
    (confirmed: the source is wrong; not-an-error: with a reason); unreviewed flags are listed
    first. Exit status 1 while an error or warning flag is unreviewed (info flags never count),
    0 once every one is reviewed. Every build writes the same flags and reviews into the graph
    (saved query 13_plausibility_flags).

    \b
    Example:
      hcc-kg check --format json
    """
    from hcc_kg.check.report import blocking, render_json, render_text, reviewed_checks
    from hcc_kg.curation.validate import validate as run_validation
    from hcc_kg.errors import ValidationFailed

    paths = _paths(data_dir, seeds_dir)
    dataset, issues = run_validation(paths.data_dir, paths.ontology, paths.seeds_dir, root=Path.cwd())
    if issues:
        raise ValidationFailed(issues)
    flags, review_issues = reviewed_checks(dataset.files, paths.data_dir, paths.seeds_dir, root=Path.cwd())
    if review_issues:
        raise ValidationFailed(review_issues)
    click.echo(render_json(flags) if fmt == "json" else render_text(flags, dataset.files), nl=False)
    if blocking(flags):
        sys.exit(1)


@cli.command()
@DATA_OPTION
@SEEDS_OPTION
@BUILD_OPTION
@click.option("--no-reason", is_flag=True, help="Skip the OWL reasoner (regimen classes will be missing).")
def build(data_dir: Path | None, seeds_dir: Path | None, build_dir: Path | None, no_reason: bool) -> None:
    """Validate the records, build the graph (store + deterministic Turtle) and check its contract.

    SHACL shapes and the violation queries in queries/checks run as the last gate; a failed build
    leaves the previous good build current and untouched. Builds into one folder wait for each other.

    \b
    Example:
      hcc-kg build
    """
    from hcc_kg.build.pipeline import build as run

    result = run(_paths(data_dir, seeds_dir, build_dir), reason=not no_reason)
    click.echo(f"built {result.triples} triples into {result.release}", err=True)
    click.echo("  " + ", ".join(f"{v} {k}" for k, v in result.counts.items()), err=True)
    click.echo("  " + ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items()), err=True)


@cli.group()
def query() -> None:
    """Saved queries: list, show, run."""


@query.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def query_list(fmt: str) -> None:
    """List the saved queries with their summaries and parameters.

    \b
    Example:
      hcc-kg query list
    """
    from hcc_kg.errors import QueryError
    from hcc_kg.query.saved import catalog

    problems: list[QueryError] = []
    queries = catalog(_paths().queries_dir, problems=problems)
    if not queries and not problems:
        raise HccKgError(f"no saved queries found in {_paths().queries_dir}")
    if fmt == "json":
        import json

        click.echo(json.dumps([q.as_dict() for q in queries], ensure_ascii=False, indent=2))
    else:
        for q in queries:
            params = " ".join(f"{p.name}={p.default or '?'}" for p in q.params)
            click.echo(f"{q.name}\n    {q.summary}" + (f"\n    params: {params}" if params else ""))
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        sys.exit(1)


@query.command("show")
@click.argument("name")
def query_show(name: str) -> None:
    """Print a saved query's header and SPARQL text.

    \b
    Example:
      hcc-kg query show 01_haic_combinations_os_pvi
    """
    from hcc_kg.query.saved import find_query

    click.echo(find_query(_paths().queries_dir, name).text, nl=False)


def _params(items: tuple[str, ...]) -> dict[str, str]:
    """``-p KEY=VALUE`` options as a mapping; the library checks each value against the graph.

    A key given twice is an error (the second would silently win).
    """
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="-p")
        if key.strip() in values:
            raise click.BadParameter(f"{key.strip()!r} is given twice", param_hint="-p")
        values[key.strip()] = value
    return values


@query.command("run")
@click.argument("name")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="Bind a parameter.")
@click.option("--format", "fmt", type=OUTPUT_FORMAT, default=None,
              help="Output format (default: table for SELECT and ASK, turtle for CONSTRUCT). sof: a "
                   "summary-of-findings table, Markdown on stdout, or -o .html/.md/.csv; forest: a forest "
                   "plot, SVG on stdout, or -o .svg/.png/.pdf.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Write to a file.")
@click.option("--endpoint", default=None,
              help="Run on this SPARQL 1.1 endpoint instead of the embedded store.")
@click.option("--timeout", type=float, default=30.0, show_default=True,
              help="Deadline for the query in seconds (embedded store or endpoint).")
@click.option("--max-mb", type=float, default=256.0, show_default=True,
              help="Largest answer accepted, in MB.")
@BUILD_OPTION
def query_run(name: str, params: tuple[str, ...], fmt: str | None, output: Path | None, endpoint: str | None,
              timeout: float, max_mb: float, build_dir: Path | None) -> None:
    """Run a saved query by name, or an ad-hoc .rq file.

    \b
    Examples:
      hcc-kg query run 01_haic_combinations_os_pvi -p population=门静脉癌栓
      hcc-kg query run my.rq --format csv -o out.csv
      hcc-kg query run 01_haic_combinations_os_pvi --format sof -o sof.html
      hcc-kg query run 09_prognostic_factors --format forest -o forest.png
      hcc-kg query run 01_haic_combinations_os_pvi --endpoint http://127.0.0.1:7878/query
    """
    from hcc_kg.render.formats import View, render

    values = _params(params)
    kg = _open(build_dir, endpoint, timeout, max_mb)
    saved = kg.saved(name)
    _emit(render(kg.query(saved, **values), fmt, View(saved.summary, saved, kg, output, values)), output)


@cli.command()
@click.option("--endpoint", default=None,
              help="Count on this SPARQL 1.1 endpoint instead of the embedded store.")
@BUILD_OPTION
def stats(endpoint: str | None, build_dir: Path | None) -> None:
    """Per source document: studies, findings, share with a DOI, recommendations, definitions.

    \b
    Example:
      hcc-kg stats
    """
    from hcc_kg.query.stats import render

    click.echo(render(_open(build_dir, endpoint).stats()), nl=False)


@cli.command()
@DATA_OPTION
@SEEDS_OPTION
@click.option("--source", default=None, help="Audit only this source document id (e.g. src004).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--partial", is_flag=True,
              help="Also list covered units that print numbers no covering quote holds.")
def coverage(data_dir: Path | None, seeds_dir: Path | None, source: str | None, fmt: str,
             partial: bool) -> None:
    """Coverage audit: every numbered sentence, table row and cited reference is curated or excluded.

    Prints per source the units that print a number (covered by a record's quote / excluded in
    data/exclusions/NNN.yaml / uncovered) and the cited reference numbers (cited by a record /
    excluded / uncovered), then each uncovered one with its line in the source document. Exit 1
    when anything is uncovered or an exclusion is stale or malformed, 0 otherwise.

    \b
    Examples:
      hcc-kg coverage --source src004
      hcc-kg coverage --format json
    """
    from hcc_kg.curation.coverage import audit, render_json, render_text

    paths = _paths(data_dir, seeds_dir)
    report = audit(paths.data_dir, paths.seeds_dir, root=Path.cwd(), source=source)
    click.echo(render_json(report) if fmt == "json" else render_text(report, partial), nl=False)
    if fmt != "json":
        for issue in report.info:
            click.echo(f"info: {issue}", err=True)
        for issue in report.errors:
            click.echo(f"error: {issue}", err=True)
    if report.failed:
        sys.exit(1)


@cli.command()
@DATA_OPTION
@click.option("--fix", is_flag=True, help="Rewrite files in the canonical form.")
def lint(data_dir: Path | None, fix: bool) -> None:
    """Check (or --fix) that every data file is in its one canonical form.

    \b
    Example:
      hcc-kg lint --fix
    """
    from hcc_kg.curation.lint import lint as run
    from hcc_kg.curation.validate import data_files

    wrong = run(data_files(_paths(data_dir).data_dir), fix=fix)
    for item in wrong:
        if item.fixed:
            click.echo(f"rewrote: {item.path}", err=True)
        elif item.comment_line is not None:
            click.echo(f"{'error' if fix else 'not canonical'}: {item.path}:{item.comment_line}: has a "
                       "YAML comment, which lint --fix would delete; move it into a note: field or remove it "
                       f"({'left unchanged' if fix else 'lint --fix will not rewrite this file'})", err=True)
        else:
            click.echo(f"not canonical: {item.path}", err=True)
    if any(not item.fixed for item in wrong):
        if not fix:
            click.echo("run `hcc-kg lint --fix` to rewrite them", err=True)
        sys.exit(1)


@cli.command()
@click.option("--format", "fmt", type=EXPORT_FORMAT, default="turtle",
              show_default=True)
@click.option("--part", type=click.Choice(["all", "ontology", "data"]), default="all", show_default=True)
@click.option("--therapy", default=None,
              help="Subset: findings whose regimen has this therapy class (with subclasses).")
@click.option("--population", default=None,
              help="Subset: findings in this population criterion (with subclasses).")
@click.option("--endpoint", default=None, help="Subset: findings on this endpoint (with subclasses).")
@click.option("--source", default=None, help="Subset: findings from this source document id (e.g. src004).")
@click.option("--finding", "findings", multiple=True, metavar="ID",
              help="Subset: this finding (repeat for several), e.g. the findings of one answer.")
@click.option("--construct", default=None, help="Subset: the result of a saved CONSTRUCT query.")
@click.option("--timestamp", default=None,
              help="Stamp the release (xsd:dateTime); none by default, for stable bytes.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write (default stdout).")
@BUILD_OPTION
def export(fmt: str, part: str, therapy: str | None, population: str | None, endpoint: str | None,
           source: str | None, findings: tuple[str, ...], construct: str | None, timestamp: str | None,
           output: Path | None, build_dir: Path | None) -> None:
    """Export the graph, the ontology, the data, or a self-contained subset, with stable bytes.

    \b
    Examples:
      hcc-kg export -o hcc-kg.ttl
      hcc-kg export --therapy HAIC --format jsonld -o haic.jsonld
      hcc-kg export --population 门静脉癌栓 --endpoint OS -o pvi-os.ttl
      hcc-kg export --format fhir --therapy HAIC -o haic.fhir.json   # FHIR R5 Evidence bundle
    """
    from hcc_kg.export.selection import Selection

    selection = Selection(part, therapy, population, endpoint, source, construct, timestamp, findings)
    data = _open(build_dir).export(fmt, selection)
    _emit(data, output)
    if output is not None:
        click.echo(f"wrote {len(data)} bytes to {output}", err=True)


@cli.command()
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def diff(old: Path, new: Path, fmt: str) -> None:
    """What changed between two releases: findings added, removed, changed (field, old, new).

    Records of every kind are compared, and plausibility flags too: a flag that appears or
    disappears (its numbers changed), and a flag whose review status changed.

    \b
    Example:
      hcc-kg diff release-0.1.ttl build/current/hcc-kg.ttl --format json
    """
    from hcc_kg.release.diff import diff as run
    from hcc_kg.release.diff import render_text

    changes = run(old, new)
    if fmt == "json":
        import json

        click.echo(json.dumps([c.as_dict() for c in changes], ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(changes), nl=False)


@cli.command()
@click.option("--endpoint", required=True,
              help="SPARQL service base or query URL (Oxigraph layout by default).")
@click.option("--update-url", default=None, help="SPARQL Update URL (default: <base>/update).")
@click.option("--store-url", default=None, help="Graph Store Protocol URL (default: <base>/store).")
@click.option("--graph", default=None, help="Target named graph IRI (default: the default graph).")
@click.option("--timeout", type=float, default=120.0, show_default=True)
@BUILD_OPTION
def publish(endpoint: str, update_url: str | None, store_url: str | None, graph: str | None, timeout: float,
            build_dir: Path | None) -> None:
    """Load the built graph into a SPARQL store, replacing the previous version atomically for readers.

    \b
    Example:
      hcc-kg publish --endpoint http://127.0.0.1:7878
    """
    triples = _open(build_dir).publish(endpoint, update_url, store_url, graph, timeout)
    click.echo(f"published {triples} triples to {endpoint}", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=int, default=7878, show_default=True)
@click.option("--allow-update", is_flag=True,
              help="Run Oxigraph's own read-write server instead (no guard; for publishing tests).")
@click.option("--timeout", type=float, default=30.0, show_default=True,
              help="Deadline per query in seconds; the engine cancels the evaluation.")
@click.option("--memory-mb", type=click.IntRange(min=64), default=2048, show_default=True,
              help="Address-space cap of the engine process; a query that exceeds it restarts the engine.")
@click.option("--max-mb", type=float, default=256.0, show_default=True, help="Largest answer sent, in MB.")
@BUILD_OPTION
def serve(host: str, port: int, allow_update: bool, timeout: float, memory_mb: int, max_mb: float,
          build_dir: Path | None) -> None:
    """Serve a copy of the current build over SPARQL 1.1 (read-only, SERVICE refused, with limits).

    Oxigraph's server is the engine, on a private port behind a guard that refuses federated
    queries, caps answers and restarts the engine if a query takes all its memory.

    \b
    Example:
      hcc-kg serve --port 7878   # then: hcc-kg query run 01 --endpoint http://127.0.0.1:7878/query
    """
    from hcc_kg.endpoint.serve import serve_release
    from hcc_kg.release.layout import Release

    if timeout <= 0 or max_mb <= 0:
        raise click.BadParameter("must be a positive number", param_hint="--timeout/--max-mb")
    release = Release.current(_paths(build_dir=build_dir).build_dir)

    def ready(url: str) -> None:
        click.echo(f"serving {release.name} on {url} ({'read-write' if allow_update else 'read-only'}, "
                   f"timeout {timeout:g} s, engine memory {memory_mb} MB)", err=True)

    if allow_update:
        ready(f"http://{host}:{port}/query")
    sys.exit(serve_release(release, host, port, allow_update, timeout, memory_mb, int(max_mb * 1e6),
                           ready=ready))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--timeout", type=float, default=30.0, show_default=True,
              help="Deadline per query in seconds (pages and /sparql).")
@click.option("--memory-mb", type=click.IntRange(min=64), default=2048, show_default=True,
              help="Address-space cap of the /sparql engine process.")
@click.option("--max-mb", type=float, default=256.0, show_default=True, help="Largest answer, in MB.")
@BUILD_OPTION
def web(host: str, port: int, timeout: float, memory_mb: int, max_mb: float, build_dir: Path | None) -> None:
    """Serve the reviewers' web page: saved questions, evidence tables, findings, a SPARQL editor.

    The current build is loaded into memory once; pages are read-only and load nothing from outside.

    \b
    Example:
      hcc-kg web --port 8000   # then open http://127.0.0.1:8000/
    """
    from hcc_kg.query.safety import Limits
    from hcc_kg.web.server import serve as serve_web

    if timeout <= 0 or max_mb <= 0:
        raise click.BadParameter("must be a positive number", param_hint="--timeout/--max-mb")
    limits = Limits(timeout_s=timeout, max_bytes=int(max_mb * 1e6))

    def ready(url: str) -> None:
        click.echo(f"hcc-kg web on {url} (read-only, timeout {timeout:g} s)", err=True)

    serve_web(_paths(build_dir=build_dir), host, port, limits, memory_mb, ready)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def main() -> None:
    """Entry point: every error is one clear message and exit code 1, never a traceback.

    Usage errors keep click's exit code 2. An error no handler expected is reported as an internal
    error in one line; ``HCC_KG_DEBUG=1`` shows its traceback instead.
    """
    import os

    try:
        cli(standalone_mode=True)
    except HccKgError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:  # a file the user named or a folder the build writes: say which, and why
        if os.environ.get("HCC_KG_DEBUG"):
            raise
        names = [str(n) for n in (exc.filename, exc.filename2) if n is not None]
        where = f"{' -> '.join(names)}: " if names else ""
        click.echo(f"error: {where}{_one_line(exc.strerror or exc)}", err=True)
        sys.exit(1)
    except Exception as exc:
        if os.environ.get("HCC_KG_DEBUG"):
            raise
        click.echo(f"error: internal error: {type(exc).__name__}: {_one_line(exc)} "
                   "(set HCC_KG_DEBUG=1 for the traceback)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
