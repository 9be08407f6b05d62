"""The hcc-kg command line: a thin click layer over the library API."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from hcc_kg.config import Paths
from hcc_kg.errors import HccKgError, ValidationFailed

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


def main() -> None:
    """Entry point: library errors become one clear message and exit code 1."""
    try:
        cli(standalone_mode=True)
    except HccKgError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
