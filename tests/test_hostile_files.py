"""Hostile files (issue 12, the files half): each case a named test, run as a user would run it.

Source documents stay inside the seeds folder; hostile data files (alias bombs, entity bombs) are
refused fast under a memory cap; every mistake is one line on stderr with exit 1 (2 for usage) and
leaves the previous release as it was; ``lint --fix`` never deletes a curator's comment; ``diff``
sees every change a guideline writer cites. Nothing here reaches any network.
"""

from __future__ import annotations

import dataclasses
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hcc_kg.build.pipeline import build
from hcc_kg.config import Paths
from hcc_kg.curation.lint import first_comment
from hcc_kg.curation.records import load_file
from hcc_kg.curation.validate import validate
from hcc_kg.errors import HccKgError
from hcc_kg.release.diff import Change, diff, refuse_dtd, render_text
from hcc_kg.release.layout import Release

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INVALID = HERE / "invalid"
SOURCE_004 = "004_b13ee0292349ace4.txt"
DATA_004 = "004_haic_systemic_review.yaml"
MEMORY_CAP = 2 * 1024**3
TIMEOUT = 20
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# --- helpers -------------------------------------------------------------------------------------

def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HCC_KG_")}
    env.update(extra)
    return env


def _limits(memory: int | None, fsize: int | None) -> Callable[[], None] | None:
    """A preexec_fn that caps the child's address space and/or file size (a full disk, for root too)."""
    if memory is None and fsize is None:
        return None

    def apply() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap fails with EFBIG instead
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return apply


def hcc_kg(*args: str, cwd: Path, env: dict[str, str] | None = None, prelude: str | None = None,
           memory: int | None = None, fsize: int | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real entry point (``main``) in a subprocess; ``prelude`` is Python run before it."""
    command = ([sys.executable, "-c", f"{prelude}\nfrom hcc_kg.cli import main\nmain()", *args] if prelude
               else [sys.executable, "-m", "hcc_kg", *args])
    return subprocess.run(command, cwd=cwd, env=env or _env(), capture_output=True, text=True,
                          timeout=timeout, preexec_fn=_limits(memory, fsize))


def one_line_error(proc: subprocess.CompletedProcess[str], pattern: str, code: int = 1) -> str:
    """The run failed with ``code`` and exactly one line on stderr matching ``pattern``, no traceback."""
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert re.search(pattern, lines[0]), lines[0]
    return lines[0]


def copy_data(repo: Paths, tmp: Path, edits: dict[str, list[tuple[str, str]]] | None = None) -> Path:
    """A copy of the real data folder with exact, checked text replacements per file."""
    data = tmp / "data"
    shutil.copytree(repo.data_dir, data, ignore=shutil.ignore_patterns("README.md"))
    for name, replacements in (edits or {}).items():
        path = data / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert text.count(old) == 1, (name, old)
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    return data


def copy_seeds(repo: Paths, tmp: Path) -> Path:
    seeds = tmp / "seeds"
    shutil.copytree(repo.seeds_dir, seeds)
    return seeds


def source_issues(repo: Paths, tmp: Path, seeds: Path) -> list[str]:
    """The issues of validating the real data against ``seeds``, as text."""
    _, issues = validate(repo.data_dir, repo.ontology, seeds, root=repo.data_dir.parent)
    return [str(i) for i in issues]


@pytest.fixture(scope="module")
def previous(repo_paths: Paths, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One good build of the real data (no reasoner: Java is not the point here); copied per test."""
    build_dir = tmp_path_factory.mktemp("previous") / "build"
    build(dataclasses.replace(repo_paths, build_dir=build_dir), reason=False)
    return build_dir


def previous_copy(previous: Path, tmp: Path) -> tuple[Path, Path, bytes]:
    """A private copy of the good build: its folder, current release folder and Turtle bytes."""
    build_dir = tmp / "build"
    shutil.copytree(previous, build_dir, symlinks=True)
    release = Release.current(build_dir)
    return build_dir, release.folder, release.graph_file.read_bytes()


def assert_intact(build_dir: Path, folder: Path, graph: bytes) -> None:
    """The previous release is still current, whole, and no staging folder was left behind."""
    release = Release.current(build_dir)
    assert release.folder == folder
    assert release.graph_file.read_bytes() == graph
    assert not list((build_dir / "releases").glob("*.partial"))


# --- 1. source documents stay inside the seeds folder --------------------------------------------

def test_build_refuses_source_file_outside_seeds_and_keeps_previous_release(
        repo_paths: Paths, previous: Path, tmp_path: Path) -> None:
    build_dir, folder, graph = previous_copy(previous, tmp_path)
    data = copy_data(repo_paths, tmp_path, {DATA_004: [(f"file: {SOURCE_004}", "file: ../../../../etc/passwd")]})
    proc = hcc_kg("build", "--no-reason", "--data", str(data), "--build-dir", str(build_dir), cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert re.search(r"004_haic_systemic_review.yaml:\d+: record src004, field source.file: source document "
                     r"'../../../../etc/passwd' is outside the seeds folder", proc.stderr), proc.stderr
    assert "root:" not in proc.stderr + proc.stdout
    assert_intact(build_dir, folder, graph)


def test_symlink_out_of_seeds_folder_is_refused(repo_paths: Paths, tmp_path: Path) -> None:
    """A symlink to a file outside the seeds folder is refused even when its content is the real text."""
    seeds = copy_seeds(repo_paths, tmp_path)
    outside = tmp_path / "elsewhere.txt"
    shutil.move(seeds / SOURCE_004, outside)
    (seeds / SOURCE_004).symlink_to(outside)
    issues = source_issues(repo_paths, tmp_path, seeds)
    assert len(issues) == 1
    assert re.fullmatch(rf"data/{DATA_004}:\d+: record src004, field source.file: source document "
                        rf"'{SOURCE_004}' is outside the seeds folder .*", issues[0]), issues


def test_symlink_to_etc_passwd_is_refused(repo_paths: Paths, tmp_path: Path) -> None:
    seeds = copy_seeds(repo_paths, tmp_path)
    (seeds / SOURCE_004).unlink()
    (seeds / SOURCE_004).symlink_to("/etc/passwd")
    issues = source_issues(repo_paths, tmp_path, seeds)
    assert len(issues) == 1 and "field source.file" in issues[0] and "outside the seeds folder" in issues[0]


def test_symlink_within_seeds_folder_is_allowed(repo_paths: Paths, tmp_path: Path) -> None:
    seeds = copy_seeds(repo_paths, tmp_path)
    (seeds / "renamed.txt").write_bytes((seeds / SOURCE_004).read_bytes())
    (seeds / SOURCE_004).unlink()
    (seeds / SOURCE_004).symlink_to("renamed.txt")
    assert source_issues(repo_paths, tmp_path, seeds) == []


def test_seeds_folder_reached_through_a_symlink_is_allowed(repo_paths: Paths, tmp_path: Path) -> None:
    (tmp_path / "seeds-link").symlink_to(repo_paths.seeds_dir.resolve())
    assert source_issues(repo_paths, tmp_path, tmp_path / "seeds-link") == []


def test_source_symlink_loop_is_an_issue(repo_paths: Paths, tmp_path: Path) -> None:
    seeds = copy_seeds(repo_paths, tmp_path)
    (seeds / SOURCE_004).unlink()
    (seeds / SOURCE_004).symlink_to(SOURCE_004)
    issues = source_issues(repo_paths, tmp_path, seeds)
    assert len(issues) == 1 and "field source.file" in issues[0], issues
    assert "cannot be resolved" in issues[0] or "not found" in issues[0], issues


def test_source_over_50_mb_is_refused_without_being_read(repo_paths: Paths, tmp_path: Path) -> None:
    """A 3 GB (sparse) source document, validated under a 2 GB memory cap: refused by its size."""
    seeds = copy_seeds(repo_paths, tmp_path)
    with (seeds / SOURCE_004).open("r+b") as handle:
        handle.truncate(3 * 1024**3)
    proc = hcc_kg("validate", "--seeds", str(seeds), cwd=tmp_path, memory=MEMORY_CAP, timeout=TIMEOUT)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert re.search(rf"{DATA_004}:\d+: record src004, field source.file: source document '{SOURCE_004}' is "
                     r"3221225472 bytes, over the 52428800-byte limit", proc.stderr), proc.stderr


def test_source_not_utf8_is_an_issue_not_a_traceback(repo_paths: Paths, tmp_path: Path) -> None:
    seeds = copy_seeds(repo_paths, tmp_path)
    path = seeds / SOURCE_004
    path.write_bytes(path.read_bytes() + "Montréal".encode("latin-1"))
    proc = hcc_kg("validate", "--seeds", str(seeds), cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert re.search(rf"record src004, field source.file: source document '{SOURCE_004}' is not UTF-8 "
                     r"\(byte \d+: invalid continuation byte\)", proc.stderr), proc.stderr


def test_source_fifo_does_not_hang(repo_paths: Paths, tmp_path: Path) -> None:
    """A named pipe in place of a source document would block a reader forever; it is refused unread."""
    seeds = copy_seeds(repo_paths, tmp_path)
    (seeds / SOURCE_004).unlink()
    os.mkfifo(seeds / SOURCE_004)
    proc = hcc_kg("validate", "--seeds", str(seeds), cwd=tmp_path, timeout=TIMEOUT)
    assert proc.returncode == 1
    assert f"source document '{SOURCE_004}' is not a regular file" in proc.stderr, proc.stderr


# --- 2. hostile data files are refused fast --------------------------------------------------------

def test_yaml_alias_bomb_is_refused_under_memory_cap(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(INVALID / "YAML-alias-bomb.yaml", data / "bomb.yaml")
    proc = hcc_kg("validate", "--data", str(data), cwd=tmp_path, memory=MEMORY_CAP, timeout=TIMEOUT)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert re.search(r"bomb.yaml:7: YAML anchors and aliases are not allowed in curated files \(anchor &a1\)",
                     proc.stderr), proc.stderr


def test_yaml_alias_without_anchor_line_is_refused(tmp_path: Path) -> None:
    """An alias to an undefined anchor is still refused as an alias-bearing file, never constructed."""
    path = tmp_path / "x.yaml"
    path.write_text("source: {id: s, file: f.txt, title: t, language: en}\nstudies: [*nowhere]\n", encoding="utf-8")
    loaded, issues = load_file(path)
    assert loaded is None and len(issues) == 1
    assert issues[0].line == 2 and "alias *nowhere" in issues[0].message


def test_files_without_anchor_characters_skip_the_event_scan(repo_paths: Paths,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Normal files pay nothing: without '&' or '*' the event stream is never read."""
    import yaml

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("yaml.parse was called")

    monkeypatch.setattr(yaml, "parse", refuse)
    path = repo_paths.data_dir / DATA_004
    text = path.read_text(encoding="utf-8")
    assert "&" not in text and "*" not in text
    loaded, issues = load_file(path)
    assert loaded is not None and issues == []


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY lol "lol">
""" + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10)) + """]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
 <rdf:Description rdf:about="http://example.org/s"><ex:p>&lol9;</ex:p></rdf:Description>
</rdf:RDF>
"""


def test_rdfxml_entity_bomb_is_refused_under_memory_cap(graph_ttl: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_text(BILLION_LAUGHS, encoding="utf-8")
    assert len(BILLION_LAUGHS) < 2048
    proc = hcc_kg("diff", str(bomb), str(graph_ttl), cwd=tmp_path, memory=MEMORY_CAP, timeout=TIMEOUT)
    one_line_error(proc, r"^error: .*bomb.rdf: RDF/XML with a DTD \(<!DOCTYPE declaration\) is refused")


def test_rdfxml_external_entity_is_refused(graph_ttl: Path, tmp_path: Path) -> None:
    """XXE: an external entity naming a local file is refused before any parser could read it."""
    xxe = tmp_path / "xxe.rdf"
    xxe.write_text('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY pw SYSTEM "file:///etc/passwd">]>\n'
                   '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                   'xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/s">'
                   "<ex:p>&pw;</ex:p></rdf:Description></rdf:RDF>\n", encoding="utf-8")
    proc = hcc_kg("diff", str(graph_ttl), str(xxe), cwd=tmp_path, timeout=TIMEOUT)
    one_line_error(proc, r"xxe.rdf: RDF/XML with a DTD")
    assert "root:" not in proc.stdout + proc.stderr


def test_entity_declaration_across_a_chunk_seam_is_found(tmp_path: Path) -> None:
    """The DTD scan reads 1 MB chunks; a marker split across two chunks is still found."""
    path = tmp_path / "padded.rdf"
    head = b'<?xml version="1.0"?>\n<!--'
    padding = b"x" * ((1 << 20) - len(head) - 3 - 4)  # '<!ENTITY' starts 4 bytes before the seam
    path.write_bytes(head + padding + b"-->" + b'<!ENTITY a "b">\n<rdf:RDF/>\n')
    with pytest.raises(HccKgError, match="RDF/XML with a DTD"):
        refuse_dtd(path)


def test_rdfxml_without_dtd_still_diffs(kg, graph_ttl: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The guard has no false positive on a real RDF/XML export: it diffs against the Turtle as equal."""
    rdf = tmp_path / "release.rdf"
    rdf.write_bytes(kg.export("rdfxml"))
    assert diff(rdf, graph_ttl) == []


# --- 3. one-line errors, never tracebacks ---------------------------------------------------------

def test_build_dir_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "build"
    target.write_text("not a folder", encoding="utf-8")
    proc = hcc_kg("build", "--no-reason", "--build-dir", str(target), cwd=tmp_path)
    one_line_error(proc, r"^error: .*build: cannot use as a build folder: Not a directory")
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_build_dir_where_nothing_can_be_created(tmp_path: Path) -> None:
    """A folder under /proc cannot be made, even by root (CI runs as root, so chmod is no test there)."""
    proc = hcc_kg("build", "--no-reason", "--build-dir", "/proc/hcc-kg-no-such-build", cwd=tmp_path)
    one_line_error(proc, r"^error: /proc/hcc-kg-no-such-build: cannot use as a build folder: ")


@pytest.mark.skipif(IS_ROOT, reason="root ignores file permissions")
def test_read_only_build_folder_keeps_previous_release(previous: Path, tmp_path: Path) -> None:
    build_dir, folder, graph = previous_copy(previous, tmp_path)
    for path in (build_dir / "releases", build_dir):
        path.chmod(0o555)
    try:
        proc = hcc_kg("build", "--no-reason", "--build-dir", str(build_dir), cwd=tmp_path)
    finally:
        for path in (build_dir, build_dir / "releases"):
            path.chmod(0o755)
    one_line_error(proc, r"^error: .*Permission denied")
    assert_intact(build_dir, folder, graph)


def test_full_disk_keeps_previous_release(previous: Path, tmp_path: Path) -> None:
    """A file-size cap (as root too) makes every write past 200 kB fail, as on a full disk."""
    build_dir, folder, graph = previous_copy(previous, tmp_path)
    proc = hcc_kg("build", "--no-reason", "--build-dir", str(build_dir), cwd=tmp_path, fsize=200_000)
    one_line_error(proc, r"^error: .*(File too large|over the)")
    assert_intact(build_dir, folder, graph)


def _broken_ontology(repo: Paths, tmp: Path) -> str:
    """A prelude pointing the shipped ontology folder at a copy with a Turtle syntax error."""
    folder = tmp / "ontology"
    shutil.copytree(repo.ontology_dir, folder)
    with (folder / "hcc.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\nhcc:Broken a owl:Class ;; rdfs:label \n")
    return ("import hcc_kg.config as c\nfrom pathlib import Path\n"
            f"c._resource = lambda name, repo: Path({str(folder)!r}) if name == '_ontology' else c.REPO / repo")


def test_ontology_syntax_error_in_build(repo_paths: Paths, previous: Path, tmp_path: Path) -> None:
    build_dir, folder, graph = previous_copy(previous, tmp_path)
    proc = hcc_kg("build", "--no-reason", "--build-dir", str(build_dir), cwd=tmp_path,
                  prelude=_broken_ontology(repo_paths, tmp_path))
    one_line_error(proc, r"^error: .*ontology/hcc.ttl: cannot read the ontology: .*line \d+")
    assert_intact(build_dir, folder, graph)


def test_ontology_syntax_error_in_validate(repo_paths: Paths, tmp_path: Path) -> None:
    proc = hcc_kg("validate", cwd=tmp_path, prelude=_broken_ontology(repo_paths, tmp_path))
    one_line_error(proc, r"^error: .*ontology/hcc.ttl: cannot read the ontology: ")


def test_java_missing_says_install_java(previous: Path, tmp_path: Path) -> None:
    build_dir, folder, graph = previous_copy(previous, tmp_path)
    empty = tmp_path / "bin"
    empty.mkdir()
    proc = hcc_kg("build", "--build-dir", str(build_dir), cwd=tmp_path, env=_env(PATH=str(empty)))
    one_line_error(proc, r"^error: Java \('java'\) is not on PATH.*: install Java 17 or use --no-reason$")
    assert_intact(build_dir, folder, graph)


def test_no_reason_builds_without_java(previous: Path, tmp_path: Path) -> None:
    build_dir, folder, _ = previous_copy(previous, tmp_path)
    empty = tmp_path / "bin"
    empty.mkdir()
    proc = hcc_kg("build", "--no-reason", "--build-dir", str(build_dir), cwd=tmp_path, env=_env(PATH=str(empty)))
    assert proc.returncode == 0, proc.stderr
    assert Release.current(build_dir).folder != folder


@pytest.mark.parametrize("command", [["export"], ["stats"], ["query", "run", "01_haic_combinations_os_pvi"]])
def test_current_symlink_loop(command: list[str], tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    (build_dir / "releases").mkdir(parents=True)
    (build_dir / "current").symlink_to("current")
    proc = hcc_kg(*command, "--build-dir", str(build_dir), cwd=tmp_path)
    one_line_error(proc, r"^error: .*build/current does not lead to a release \(.*\): run `hcc-kg build`$")


def test_current_symlink_dangling(tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    (build_dir / "releases").mkdir(parents=True)
    (build_dir / "current").symlink_to("releases/gone")
    proc = hcc_kg("export", "--build-dir", str(build_dir), cwd=tmp_path)
    one_line_error(proc, r"^error: .*run `hcc-kg build`$")


@pytest.mark.parametrize("cut", ["half", "mid-character", "empty"])
def test_truncated_release_turtle_under_export(cut: str, previous: Path, tmp_path: Path) -> None:
    build_dir, folder, graph = previous_copy(previous, tmp_path)
    if cut == "half":
        truncated = graph[: len(graph) // 2]
    elif cut == "mid-character":
        truncated = graph[: graph.index("门".encode()) + 1]
    else:
        truncated = b""
    (folder / "hcc-kg.ttl").write_bytes(truncated)
    out = tmp_path / "out.ttl"
    proc = hcc_kg("export", "--build-dir", str(build_dir), "-o", str(out), cwd=tmp_path)
    one_line_error(proc, r"^error: the graph file in .* is (unreadable \(.*\)|empty): run `hcc-kg build` again$")
    assert not out.exists()


def test_unexpected_error_is_one_line_and_debug_shows_traceback(tmp_path: Path) -> None:
    prelude = ("import hcc_kg.curation.validate as v\n"
               "def boom(*a, **k):\n    raise ZeroDivisionError('division by zero\\nsecond line')\n"
               "v.check_all = boom")
    proc = hcc_kg("validate", cwd=tmp_path, prelude=prelude)
    one_line_error(proc, r"^error: internal error: ZeroDivisionError: division by zero second line "
                         r"\(set HCC_KG_DEBUG=1 for the traceback\)$")
    debug = hcc_kg("validate", cwd=tmp_path, prelude=prelude, env=_env(HCC_KG_DEBUG="1"))
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_os_error_names_the_file(tmp_path: Path) -> None:
    prelude = ("import hcc_kg.curation.validate as v\n"
               "def denied(*a, **k):\n    raise PermissionError(13, 'Permission denied', 'data/secret.yaml')\n"
               "v.data_files = denied")
    proc = hcc_kg("lint", cwd=tmp_path, prelude=prelude)
    one_line_error(proc, r"^error: data/secret.yaml: Permission denied$")


def test_usage_error_stays_exit_2(tmp_path: Path) -> None:
    proc = hcc_kg("build", "--no-such-option", cwd=tmp_path)
    assert proc.returncode == 2 and "No such option" in proc.stderr and "Traceback" not in proc.stderr


def test_export_of_unknown_source_is_an_error(previous: Path, tmp_path: Path) -> None:
    build_dir, _, _ = previous_copy(previous, tmp_path)
    out = tmp_path / "src999.ttl"
    proc = hcc_kg("export", "--source", "src999", "-o", str(out), "--build-dir", str(build_dir), cwd=tmp_path)
    one_line_error(proc, r"^error: no source document src999 in this graph$")
    assert not out.exists()
    ok = hcc_kg("export", "--source", "src004", "--build-dir", str(build_dir), cwd=tmp_path)
    assert ok.returncode == 0 and "f004-he2019-os" in ok.stdout


# --- 4. curator work is never lost ------------------------------------------------------------------

def _lint_copy(repo: Paths, tmp: Path, old: str, new: str, name: str = DATA_004) -> tuple[Path, Path]:
    data = tmp / "lint"
    data.mkdir()
    text = (repo.data_dir / DATA_004).read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = data / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return data, path


def test_lint_fix_refuses_file_with_full_line_comment(repo_paths: Paths, tmp_path: Path) -> None:
    data, path = _lint_copy(repo_paths, tmp_path, "findings:\n",
                            "findings:\n# curator: check Table 2 against the erratum\n")
    line = path.read_text(encoding="utf-8").splitlines().index("# curator: check Table 2 against the erratum") + 1
    before = path.read_bytes()
    proc = hcc_kg("lint", "--fix", "--data", str(data), cwd=tmp_path)
    one_line_error(proc, rf"^error: .*{DATA_004}:{line}: has a YAML comment, which lint --fix would delete")
    assert path.read_bytes() == before


def test_lint_fix_refuses_file_with_trailing_comment(repo_paths: Paths, tmp_path: Path) -> None:
    data, path = _lint_copy(repo_paths, tmp_path, "  doi: 10.1001/jamaoncol.2019.0250\n",
                            "  doi: 10.1001/jamaoncol.2019.0250  # checked on the publisher's page\n")
    line = next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "# checked" in t)
    before = path.read_bytes()
    proc = hcc_kg("lint", "--fix", "--data", str(data), cwd=tmp_path)
    one_line_error(proc, rf"{DATA_004}:{line}: has a YAML comment")
    assert path.read_bytes() == before


def test_lint_check_names_the_comment_too(repo_paths: Paths, tmp_path: Path) -> None:
    data, _ = _lint_copy(repo_paths, tmp_path, "findings:\n", "findings:  # the review's Table 2\n")
    proc = hcc_kg("lint", "--data", str(data), cwd=tmp_path)
    assert proc.returncode == 1
    assert re.search(rf"not canonical: .*{DATA_004}:\d+: has a YAML comment", proc.stderr), proc.stderr


def test_hash_inside_strings_is_not_a_comment(repo_paths: Paths, tmp_path: Path) -> None:
    """'#' in a quoted string, a plain scalar and a block string is text: --fix rewrites and keeps it."""
    data, path = _lint_copy(repo_paths, tmp_path, "  doi: 10.1001/jamaoncol.2019.0250\n",
                            "  doi: 10.1001/jamaoncol.2019.0250\n  text: 'He M #12 # listed as [12]'\n"
                            "  journal: JAMA#Oncol\n", name="x.yaml")
    text = path.read_text(encoding="utf-8").replace("  journal: JAMA Oncol\n  year: 2019\n  doi: 10.1001/jam",
                                                    "  year: 2019\n  doi: 10.1001/jam", 1)
    path.write_text(text.replace("  quote_lang: zh\n", "  quote_lang:   zh\n", 1), encoding="utf-8")
    assert first_comment(path.read_text(encoding="utf-8")) is None
    assert first_comment("a: |\n  # inside a block\n  text\nb: 'x # y'\n") is None
    assert first_comment("a: |\n  text\n# after the block\n") == 3
    proc = hcc_kg("lint", "--fix", "--data", str(data), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    fixed = path.read_text(encoding="utf-8")
    assert "He M #12 # listed as [12]" in fixed and "JAMA#Oncol" in fixed


def test_lint_fix_rewrites_other_files_but_keeps_the_commented_one(repo_paths: Paths, tmp_path: Path) -> None:
    data, commented = _lint_copy(repo_paths, tmp_path, "findings:\n", "findings:\n# keep me\n")
    messy = data / "000.yaml"
    messy.write_text((repo_paths.data_dir / "000_tace_pulmonary_metastasis.yaml").read_text(encoding="utf-8")
                     .replace("\n  quote_lang: en", "\n  quote_lang:   en", 1), encoding="utf-8")
    proc = hcc_kg("lint", "--fix", "--data", str(data), cwd=tmp_path)
    assert proc.returncode == 1
    assert f"rewrote: {messy}" in proc.stderr and "# keep me" in commented.read_text(encoding="utf-8")
    assert hcc_kg("lint", "--data", str(data), cwd=tmp_path).stderr.count("not canonical") == 1


@pytest.mark.parametrize("encoding", ["bom", "crlf"])
def test_lint_flags_and_fixes_bom_and_crlf_alike(encoding: str, repo_paths: Paths, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    raw = (repo_paths.data_dir / DATA_004).read_bytes()
    path = data / DATA_004
    path.write_bytes(b"\xef\xbb\xbf" + raw if encoding == "bom" else raw.replace(b"\n", b"\r\n"))
    _, issues = validate(data, repo_paths.ontology, repo_paths.seeds_dir, root=data)
    assert issues == [], "the build accepts it"
    proc = hcc_kg("lint", "--data", str(data), cwd=tmp_path)
    assert proc.returncode == 1 and f"not canonical: {path}" in proc.stderr
    assert hcc_kg("lint", "--fix", "--data", str(data), cwd=tmp_path).returncode == 0
    assert path.read_bytes() == raw


def test_yml_data_files_are_read(repo_paths: Paths, tmp_path: Path) -> None:
    """A .yml file is validated like a .yaml one (a bad one fails; a good one's records are loaded)."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(repo_paths.data_dir / DATA_004, data / "004.yml")
    shutil.copy(INVALID / "Finding-p-unparseable.yaml", data / "bad.yml")
    dataset, issues = validate(data, repo_paths.ontology, repo_paths.seeds_dir, root=data)
    assert [(i.file, i.record, i.field) for i in issues] == [("bad.yml", "fx-os", "p")]
    assert "f004-he2019-os" in dataset.records()


# --- 5. diff sees every change a guideline writer cites -------------------------------------------

def test_diff_reports_a_changed_doi_alone(graph_ttl: Path, tmp_path: Path) -> None:
    """Only the DOI of cited reference [12] changes; before, diff said "no changes"."""
    text = graph_ttl.read_text(encoding="utf-8")
    assert text.count('"10.1001/jamaoncol.2019.0250"') == 1
    new = tmp_path / "new.ttl"
    new.write_text(text.replace('"10.1001/jamaoncol.2019.0250"', '"10.1001/jamaoncol.2019.0251"'), encoding="utf-8")
    changes = diff(graph_ttl, new)
    assert [c.as_dict() for c in changes] == [{"kind": "ref", "id": "src004-12", "status": "changed", "fields": {
        "bibo:doi": {"old": ["10.1001/jamaoncol.2019.0250"], "new": ["10.1001/jamaoncol.2019.0251"]}}}]
    assert "changed  reference src004-12" in render_text(changes)


EDITS = {
    DATA_004: [("doi: 10.1001/jamaoncol.2019.0250", "doi: 10.1001/jamaoncol.2019.0251"),
               ("authors: Li QJ, He MK, Chen HW, et al.", "authors: Li Q, He M, Chen H, et al."),
               ("title: 'BCLC strategy for prognosis prediction and treatment recommendation: the 2022 update'",
                "title: 'BCLC strategy for prognosis prediction: the 2022 update'"),
               ("Both readings are curated", "Both readings are kept")],
    "000_tace_pulmonary_metastasis.yaml": [("    - TACE\n    size: 22\n", "    - TACE\n"),
                                           ("    regimen:\n    - TACE\n    size: 26\n",
                                            "    regimen:\n    - TACE\n    - ShuntEmbolization\n    size: 26\n"),
                                           ("    - AdvancedHCC\n    any_of:\n", "    any_of:\n")],
    "001_tace_refractoriness_consensus.yaml": [("  - aspect: imaging\n    value: CT/MRI\n",
                                                "  - aspect: imaging\n    value: CT or MRI\n")],
}


@pytest.fixture(scope="module")
def changes(repo_paths: Paths, previous: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Change]:
    """The diff from the real data's release to one with every EDITS change, built from YAML."""
    tmp = tmp_path_factory.mktemp("edited")
    paths = dataclasses.replace(repo_paths, data_dir=copy_data(repo_paths, tmp, EDITS), build_dir=tmp / "build")
    build(paths, reason=False)
    return diff(Release.current(previous).graph_file, Release.current(paths.build_dir).graph_file)


def _change(changes: list[Change], kind: str, record: str) -> dict[str, dict[str, list[str]]]:
    found = [c for c in changes if (c.kind, c.id) == (kind, record)]
    assert len(found) == 1 and found[0].status == "changed", [(c.kind, c.id) for c in changes]
    return found[0].fields


def test_diff_reference_doi(changes: list[Change]) -> None:
    assert _change(changes, "ref", "src004-12") == {
        "bibo:doi": {"old": ["10.1001/jamaoncol.2019.0250"], "new": ["10.1001/jamaoncol.2019.0251"]}}


def test_diff_reference_authors(changes: list[Change]) -> None:
    fields = _change(changes, "ref", "src004-5")
    assert fields["hcc:authors"] == {"old": ["Li QJ, He MK, Chen HW, et al."], "new": ["Li Q, He M, Chen H, et al."]}


def test_diff_reference_title(changes: list[Change]) -> None:
    fields = _change(changes, "ref", "src004-8")
    assert fields["dcterms:title"]["new"] == ["BCLC strategy for prognosis prediction: the 2022 update"]


def test_diff_arm_size(changes: list[Change]) -> None:
    assert _change(changes, "arm", "s000-tace-pm-other") == {"hcc:sampleSize": {"old": ["22"], "new": []}}


def test_diff_arm_regimen(changes: list[Change]) -> None:
    assert _change(changes, "arm", "s000-tace-pm-all")["hcc:regimen"] == {
        "old": ["regimen:TACE"], "new": ["regimen:ShuntEmbolization+TACE"]}


def test_diff_conflict(changes: list[Change]) -> None:
    fields = _change(changes, "conflict", "c004-fohaic1-regimen")
    assert any("Both readings are kept" in v for v in fields["rdfs:comment"]["new"])


def test_diff_population_criteria_fold_into_the_study(changes: list[Change]) -> None:
    fields = _change(changes, "study", "s000-tace-pm")
    assert fields["population/hcc:includesCriterion"] == {
        "old": ["hcc:AdvancedHCC", "hcc:HepatocellularCarcinoma", "hcc:PulmonaryMetastasis"],
        "new": ["hcc:HepatocellularCarcinoma", "hcc:PulmonaryMetastasis"]}
    assert not any(c.id.endswith("population") for c in changes), "sub-nodes are not records of their own"


def test_diff_definition_criterion_folds_into_the_definition(changes: list[Change]) -> None:
    assert _change(changes, "definition", "d001-jsh2014") == {
        "criterion/imaging/hcc:criterionValue": {"old": ["CT/MRI"], "new": ["CT or MRI"]}}


def test_diff_text_uses_registry_plurals(changes: list[Change]) -> None:
    text = render_text(changes)
    assert "studys" not in text and re.search(r"\d+ studies changed", text) and "references changed" in text
    assert render_text([]) == ("no changes to studies, findings, recommendations, definitions, conflicts, arms, "
                               "sources or references\n")
