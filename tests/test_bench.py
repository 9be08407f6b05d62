"""The benchmark's smoke run: its answers are right (timings are reported, never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_smoke_answers_agree(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--json", str(out),
                           "--workdir", str(tmp_path / "work")], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    row = json.loads(out.read_text())["rows"][0]
    assert row["triples"] >= 9_000 and row["findings"] > 200
    # the flagship on synthetic data returns exactly the findings computed from the YAML records
    assert row["flagship_matches_records"] is True and row["flagship_rows"] == row["flagship_expected_rows"] > 0
    # the same answers on the embedded store, in memory, the local Oxigraph server and rdflib (where it finished)
    assert row["server_answers_agree"] is True and row["rdflib_answers_agree"] is True
    assert row["memory_answers_agree"] is True and set(row["memory_ms"]) == set(row["embedded_ms"])
    assert row["rdflib_errors"] == {}
    saved = {p.stem for p in (ROOT / "queries").glob("*.rq")}
    assert set(row["embedded_ms"]) == saved
    # the synthetic corpus passes the build's SHACL and violation-query gates
    assert row["gates"] is True
    assert set(row["timings"]) == {"parse", "validate", "rdf", "reason", "sort", "load", "write", "gates"}
    assert "| query |" in proc.stdout and "smoke embedded" in proc.stdout
