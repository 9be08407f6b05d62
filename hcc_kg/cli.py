"""The hcc-kg command line: a thin click layer over the library API."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from hcc_kg.config import Paths
from hcc_kg.errors import HccKgError

DATA_OPTION = click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
                           help="Folder of curated YAML files (default: data/).")
SEEDS_OPTION = click.option("--seeds", "seeds_dir", type=click.Path(path_type=Path), default=None,
                            help="Folder of source documents (default: ../shared/seeds).")
BUILD_OPTION = click.option("--build-dir", type=click.Path(path_type=Path), default=None,
                            help="Build folder (default: build/).")


def _paths(data_dir: Path | None = None, seeds_dir: Path | None = None,
           build_dir: Path | None = None) -> Paths:
    base = Paths()
    return Paths(
        ontology_dir=base.ontology_dir, queries_dir=base.queries_dir,
        data_dir=data_dir or base.data_dir, seeds_dir=seeds_dir or base.seeds_dir,
        build_dir=build_dir or base.build_dir,
    )


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
    from hcc_kg.validate import validate as run

    paths = _paths(data_dir, seeds_dir)
    dataset, issues = run(paths.data_dir, paths.ontology, paths.seeds_dir, root=Path.cwd())
    from hcc_kg.queries import check_queries

    issues += check_queries(paths.queries_dir, dataset.terms)
    issues = sorted(set(issues), key=lambda i: (i.file, i.line or 0, str(i)))
    if fmt == "json":
        click.echo(json.dumps({"valid": not issues, "errors": [i.as_dict() for i in issues]},
                              ensure_ascii=False, indent=2))
    else:
        for issue in issues:
            click.echo(str(issue), err=True)
        records = sum(len(getattr(f.data, s)) for f in dataset.files
                      for s in ("studies", "findings", "recommendations", "definitions", "conflicts"))
        click.echo(f"{len(dataset.files)} file(s), {records} record(s), {len(issues)} error(s)",
                   err=bool(issues))
    if issues:
        sys.exit(1)


@cli.command()
@DATA_OPTION
@SEEDS_OPTION
@BUILD_OPTION
@click.option("--no-reason", is_flag=True, help="Skip the OWL reasoner (regimen classes will be missing).")
def build(data_dir: Path | None, seeds_dir: Path | None, build_dir: Path | None, no_reason: bool) -> None:
    """Validate the records and build the graph: embedded store + deterministic Turtle.

    A failed build leaves the previous good build current and untouched.

    \b
    Example:
      hcc-kg build
    """
    from hcc_kg.build import build as run

    result = run(_paths(data_dir, seeds_dir, build_dir), reason=not no_reason)
    counts = ", ".join(f"{v} {k}" for k, v in result.counts.items())
    stages = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    click.echo(f"built {result.triples} triples into {result.release}", err=True)
    click.echo(f"  {counts}", err=True)
    click.echo(f"  {stages}", err=True)


@cli.group()
def query() -> None:
    """Saved queries: list, show, run."""


QUERY_FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "markdown", "html"]),
                            default="table", show_default=True, help="Output format.")


@query.command("list")
def query_list() -> None:
    """List the saved queries with their summaries and parameters.

    \b
    Example:
      hcc-kg query list
    """
    from hcc_kg.queries import catalog

    for q in catalog(Paths().queries_dir):
        params = " ".join(f"{p.name}={p.default or '?'}" for p in q.params)
        click.echo(f"{q.name}\n    {q.summary}" + (f"\n    params: {params}" if params else ""))


@query.command("show")
@click.argument("name")
def query_show(name: str) -> None:
    """Print a saved query's header and SPARQL text.

    \b
    Example:
      hcc-kg query show 01_haic_combinations_os_pvi
    """
    from hcc_kg.queries import find_query

    click.echo(find_query(Paths().queries_dir, name).text, nl=False)


@query.command("run")
@click.argument("name")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="Bind a parameter.")
@QUERY_FORMAT
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Write to a file.")
@click.option("--endpoint", default=None, help="Run on this SPARQL 1.1 endpoint instead of the embedded store.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Endpoint timeout in seconds.")
@BUILD_OPTION
def query_run(name: str, params: tuple[str, ...], fmt: str, output: Path | None, endpoint: str | None,
              timeout: float, build_dir: Path | None) -> None:
    """Run a saved query by name, or an ad-hoc .rq file.

    \b
    Examples:
      hcc-kg query run 01_haic_combinations_os_pvi -p population=门静脉癌栓
      hcc-kg query run my.rq --format csv -o out.csv
      hcc-kg query run 01_haic_combinations_os_pvi --endpoint http://127.0.0.1:7878/query
    """
    from hcc_kg.queries import find_query, run

    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="-p")
        values[key.strip()] = value
    paths = _paths(build_dir=build_dir)
    saved = find_query(paths.queries_dir, name)
    answer = run(saved, values, build_dir=paths.build_dir, ontology=paths.ontology, endpoint=endpoint,
                 timeout=timeout)
    text = _render_answer(answer, fmt, saved.summary)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _render_answer(answer: object, fmt: str, title: str) -> str:
    from hcc_kg.queries import Results

    if isinstance(answer, Results):
        from hcc_kg.output import render

        return render(answer, fmt, title)
    if isinstance(answer, bool):
        return ("true" if answer else "false") + "\n"
    from pyoxigraph import RdfFormat, serialize

    from hcc_kg.namespaces import PREFIXES

    return (serialize(answer, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b"").decode()


@cli.command()
@BUILD_OPTION
def stats(build_dir: Path | None) -> None:
    """Per source document: studies, findings, share with a DOI, recommendations, definitions.

    \b
    Example:
      hcc-kg stats
    """
    from hcc_kg.stats import render, source_stats
    from hcc_kg.store import open_store

    click.echo(render(source_stats(open_store(_paths(build_dir=build_dir).build_dir))), nl=False)


@cli.command()
@DATA_OPTION
@click.option("--fix", is_flag=True, help="Rewrite files in the canonical form.")
def lint(data_dir: Path | None, fix: bool) -> None:
    """Check (or --fix) that every data file is in its one canonical form.

    \b
    Example:
      hcc-kg lint --fix
    """
    from hcc_kg.lint import lint as run
    from hcc_kg.validate import data_files

    wrong = run(data_files(_paths(data_dir).data_dir), fix=fix)
    for path in wrong:
        click.echo(f"{'rewrote' if fix else 'not canonical'}: {path}", err=True)
    if wrong and not fix:
        click.echo("run `hcc-kg lint --fix` to rewrite them", err=True)
        sys.exit(1)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["turtle", "ntriples", "jsonld", "rdfxml"]), default="turtle",
              show_default=True)
@click.option("--part", type=click.Choice(["all", "ontology", "data"]), default="all", show_default=True)
@click.option("--therapy", default=None, help="Subset: findings whose regimen has this therapy class (with subclasses).")
@click.option("--population", default=None, help="Subset: findings in this population criterion (with subclasses).")
@click.option("--endpoint", default=None, help="Subset: findings on this endpoint (with subclasses).")
@click.option("--source", default=None, help="Subset: findings from this source document id (e.g. src004).")
@click.option("--construct", default=None, help="Subset: the result of a saved CONSTRUCT query.")
@click.option("--timestamp", default=None, help="Stamp the release (xsd:dateTime); none by default, for stable bytes.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="File to write (default stdout).")
@BUILD_OPTION
def export(fmt: str, part: str, therapy: str | None, population: str | None, endpoint: str | None,
           source: str | None, construct: str | None, timestamp: str | None, output: Path | None,
           build_dir: Path | None) -> None:
    """Export the graph, the ontology, the data, or a self-contained subset, with stable bytes.

    \b
    Examples:
      hcc-kg export -o hcc-kg.ttl
      hcc-kg export --therapy HAIC --format jsonld -o haic.jsonld
      hcc-kg export --population 门静脉癌栓 --endpoint OS -o pvi-os.ttl
    """
    from hcc_kg import export as ex
    from hcc_kg.store import graph_file, open_store
    from hcc_kg.terms import TermIndex

    paths = _paths(build_dir=build_dir)
    store = open_store(paths.build_dir)
    subset = ex.Subset(therapy, population, endpoint, source)
    triples = None
    if construct:
        from hcc_kg.queries import find_query, run

        saved = find_query(paths.queries_dir, construct)
        if saved.form != "CONSTRUCT":
            raise click.BadParameter(f"{saved.name} is a {saved.form} query", param_hint="--construct")
        triples = run(saved, {}, build_dir=paths.build_dir, ontology=paths.ontology)
    terms = None if subset.is_empty() else TermIndex.from_ontology(paths.ontology)
    try:
        quads = ex.select(store, ex.release_quads(graph_file(paths.build_dir)), part, subset, terms,
                          construct=triples)
    except LookupError as exc:
        raise click.BadParameter(str(exc)) from exc
    data = ex.write(ex.with_timestamp(quads, timestamp), fmt, output)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        click.echo(f"wrote {len(quads)} triples to {output}", err=True)


@cli.command()
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def diff(old: Path, new: Path, fmt: str) -> None:
    """What changed between two releases: findings added, removed, changed (field, old, new).

    \b
    Example:
      hcc-kg diff release-0.1.ttl build/current/hcc-kg.ttl --format json
    """
    from hcc_kg.diff import diff as run, render_text

    changes = run(old, new)
    if fmt == "json":
        click.echo(json.dumps([c.as_dict() for c in changes], ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(changes), nl=False)


@cli.command()
@click.option("--endpoint", required=True, help="SPARQL service base or query URL (Oxigraph layout by default).")
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
    from hcc_kg.remote import Endpoints, publish as run
    from hcc_kg.store import graph_file

    from pyoxigraph import RdfFormat, parse, serialize

    path = graph_file(_paths(build_dir=build_dir).build_dir)
    with path.open("rb") as handle:
        data = serialize(parse(handle, format=RdfFormat.TURTLE), format=RdfFormat.N_TRIPLES) or b""
    run(data, Endpoints.from_base(endpoint, update_url, store_url), graph, timeout)
    triples = data.count(b"\n")
    click.echo(f"published {triples} triples to {endpoint}", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=int, default=7878, show_default=True)
@click.option("--allow-update", is_flag=True, help="Accept SPARQL Update (refused by default).")
@BUILD_OPTION
def serve(host: str, port: int, allow_update: bool, build_dir: Path | None) -> None:
    """Serve a copy of the current build over SPARQL 1.1 with Oxigraph's server (read-only by default).

    \b
    Example:
      hcc-kg serve --port 7878   # then: hcc-kg query run 01 --endpoint http://127.0.0.1:7878/query
    """
    import shutil
    import tempfile

    from hcc_kg.remote import serve as run
    from hcc_kg.store import current_release

    release = current_release(_paths(build_dir=build_dir).build_dir)
    with tempfile.TemporaryDirectory(prefix="hcc-kg-serve-") as tmp:
        location = Path(tmp) / "store"
        shutil.copytree(release / "store", location)
        click.echo(f"serving {release.name} on http://{host}:{port}/query "
                   f"({'read-write' if allow_update else 'read-only'})", err=True)
        sys.exit(run(location, host, port, allow_update))


def main() -> None:
    """Entry point: library errors become one clear message and exit code 1."""
    try:
        cli(standalone_mode=True)
    except HccKgError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
