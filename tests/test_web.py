"""The web page, route by route, through Starlette's test client over the real build (in memory).

Expected answers are written by hand from the sources: He 2019 (JAMA Oncol, doi 10.1001/jamaoncol.2019.0250)
reports median OS 13.37 vs 7.13 months, P<0.001, for FOLFOX-HAIC + sorafenib vs sorafenib in portal
vein invasion (门静脉癌栓 is a synonym of that criterion).
"""

from __future__ import annotations

import dataclasses
import html
import http.server
import json
import re
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from hcc_kg import KnowledgeGraph
from hcc_kg.build.pipeline import BuildResult
from hcc_kg.config import Paths
from hcc_kg.web.app import create_app
from hcc_kg.web.passage import locate, passage

FLAGSHIP = "/query/01_haic_combinations_os_pvi"
HE2019_DOI = "https://doi.org/10.1001/jamaoncol.2019.0250"
PVI_FINDINGS = ["f004-he2019-os", "f004-he2019-os-with-ehs", "f004-he2019-os-without-ehs", "f004-zheng2022-os",
                "f004-long2023-os-1y", "f004-long2023-os-2y", "f004-long2023-os-3y"]
"""Tested and stated benefit first, then Long 2023's 1/2/3-year OS rates: numbers favour the combination, untested."""
HOSTILE = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def client(built: tuple[Paths, BuildResult], tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app over the real release, with one extra saved query whose answer holds a <script> value."""
    paths = built[0]
    queries = tmp_path_factory.mktemp("web-queries") / "queries"
    shutil.copytree(paths.queries_dir, queries)
    (queries / "99_hostile_values.rq").write_text(
        "#+ summary: A value with markup <b>in it</b>\n"
        "#+ description: Its cells must render as text.\n"
        "SELECT ?finding ?note WHERE { BIND(\"f004-he2019-os\" AS ?finding) "
        f"BIND(\"{HOSTILE}\" AS ?note) }}\n", encoding="utf-8")
    kg = KnowledgeGraph.open(paths.build_dir, in_memory=True, paths=dataclasses.replace(paths, queries_dir=queries))
    with TestClient(create_app(kg), raise_server_exceptions=False) as test_client:
        yield test_client


def rows(page: str) -> list[list[str]]:
    """The evidence table's cells as text."""
    body = page.split('<table id="evidence"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)]


def header(page: str) -> list[str]:
    head = page.split('<table id="evidence"', 1)[1].split("</thead>", 1)[0]
    return [html.unescape(h) for h in re.findall(r'<button type="button" class="sort">(.*?)</button>', head)]


def column(page: str, name: str) -> list[str]:
    index = header(page).index(name)
    return [row[index] for row in rows(page)]


def error_message(page: str) -> str:
    return html.unescape(re.search(r'<p class="error" role="alert">(.*?)</p>', page, re.DOTALL).group(1))


# --- the catalog --------------------------------------------------------------------------------------

def test_catalog_lists_every_saved_question(client: TestClient, kg: KnowledgeGraph) -> None:
    response = client.get("/")
    assert response.status_code == 200
    for query in kg.catalog():
        assert f'href="/query/{query.name}"' in response.text
        assert html.escape(query.summary, quote=False) in response.text
    assert 'name="q"' in response.text


def test_catalog_search_filters_on_the_server(client: TestClient) -> None:
    page = client.get("/", params={"q": "prognostic"}).text
    assert 'href="/query/09_prognostic_factors"' in page
    assert 'href="/query/01_haic_combinations_os_pvi"' not in page


# --- the flagship page ----------------------------------------------------------------------------------

def test_flagship_holds_he_2019_with_its_doi_link(client: TestClient) -> None:
    response = client.get(FLAGSHIP)
    assert response.status_code == 200
    page = response.text
    assert column(page, "finding") == PVI_FINDINGS
    he = rows(page)[0]
    cells = dict(zip(header(page), he, strict=True))
    assert (cells["value"], cells["comparatorValue"], cells["unit"], cells["p"]) == ("13.37", "7.13", "months",
                                                                                    "P<0.001")
    assert f'<a href="{HE2019_DOI}">10.1001/jamaoncol.2019.0250</a>' in page
    assert '<a href="/finding/f004-he2019-os">f004-he2019-os</a>' in page
    assert column(page, "evidence") == ["tested benefit"] * 3 + ["stated benefit, no test reported"] + [
        "untested: numbers favour the combination"] * 3
    assert "Rows 1–7 of 7." in page


def test_flagship_form_offers_the_branch_terms_with_defaults(client: TestClient) -> None:
    page = client.get(FLAGSHIP).text
    assert 'name="population" type="text" value="PortalVeinInvasion"' in page
    assert 'name="endpoint" type="text" value="OverallSurvival"' in page
    terms = json.loads(html.unescape(re.search(
        r'<script type="application/json" id="terms-population">(.*?)</script>', page, re.DOTALL).group(1)))
    by_id = {t["id"]: t for t in terms}
    assert by_id["PortalVeinTumourThrombus"]["zh"] == "门静脉瘤栓"
    assert by_id["MajorPVTT"]["en"] == "major portal vein tumour thrombus"
    assert "OverallSurvival" not in by_id  # only the population branch


def test_flagship_shows_sof_forest_and_registered_downloads(client: TestClient) -> None:
    page = client.get(FLAGSHIP).text
    sof = page.split('<section id="sof">', 1)[1].split("</section>", 1)[0]
    assert "13.37" in sof and "7.13" in sof and HE2019_DOI in sof
    assert f'src="{FLAGSHIP}/download/forest.svg"' in page
    downloads = re.findall(r'class="download" href="([^"]+)"', page)
    for name in ("csv.csv", "tsv.tsv", "json.json", "sof.html", "sof.csv", "forest.svg", "forest.png"):
        assert f"{FLAGSHIP}/download/{name}" in downloads
    flagship_seven = "?" + "&".join(f"finding={f}" for f in PVI_FINDINGS)
    import html

    assert "/export/fhir.json" + flagship_seven in [html.unescape(d) for d in downloads], \
        "exports hold exactly the answer's findings"
    assert "Export of exactly this answer&#39;s 7 findings" in page or "Export of exactly this answer's 7 findings" in page


def test_answer_export_holds_exactly_the_answer(client: TestClient) -> None:
    import rdflib

    page = client.get(FLAGSHIP, params={"population": "MajorPVTT"}).text
    link = next(d for d in re.findall(r'class="download" href="([^"]+)"', page) if d.startswith("/export/turtle"))
    link = link.replace("&amp;", "&")
    assert link == "/export/turtle.ttl?finding=f004-zheng2022-os"
    graph = rdflib.Graph().parse(data=client.get(link.replace("&amp;", "&")).text, format="turtle")
    findings = {str(f).rsplit("/", 1)[-1] for f in graph.subjects(
        rdflib.RDF.type, rdflib.URIRef("https://w3id.org/hcc-kg/ontology/Finding"))}
    assert findings == {"f004-zheng2022-os"}
    unknown = client.get("/export/turtle.ttl", params={"finding": "f004-nope"})
    assert unknown.status_code == 400 and "no finding f004-nope in this graph" in unknown.text


def test_chinese_parameter_gives_the_pvtt_findings(client: TestClient) -> None:
    """门静脉癌栓 is the sources' word for PVTT (narrower than portal vein invasion, 门静脉侵犯)."""
    response = client.get(FLAGSHIP, params={"population": "门静脉癌栓"})
    assert response.status_code == 200
    assert column(response.text, "finding") == ["f004-zheng2022-os"]
    assert column(client.get(FLAGSHIP, params={"population": "门静脉侵犯"}).text, "finding") == PVI_FINDINGS
    assert 'value="门静脉癌栓"' in response.text  # the permalink keeps what was asked
    assert "population=%E9%97%A8%E9%9D%99%E8%84%89%E7%99%8C%E6%A0%93" in response.text


def test_flagged_findings_carry_their_marker_and_the_legend(client: TestClient) -> None:
    """Doc 002's two "not reached" medians beside survival rates under 50% are confirmed plausibility flags."""
    page = client.get("/query/17_medians_not_reached").text
    assert column(page, "finding") == ["f002-oligo-os-median-local ⚑", "f002-os-median-local ⚑"]
    assert 'title="confirmed plausibility flag: median-not-reached-vs-rate">⚑</span>' in page
    assert '<p class="legend" id="flag-legend">⚑ the source' in page
    flagship = client.get(FLAGSHIP).text
    assert "flag-legend" not in flagship and 'class="flag"' not in flagship, "no flag on the flagship's findings"


def test_a_narrower_population_changes_the_answer(client: TestClient) -> None:
    page = client.get(FLAGSHIP, params={"population": "MajorPVTT"}).text
    assert column(page, "finding") == ["f004-zheng2022-os"]


def test_unknown_term_is_a_4xx_page_with_the_cli_suggestion(client: TestClient) -> None:
    response = client.get(FLAGSHIP, params={"population": "portal vein thrombosis"})
    assert response.status_code == 400
    message = error_message(response.text)
    assert message.startswith("parameter 'population': unknown population term 'portal vein thrombosis'")
    assert "did you mean" in message and "PortalVein" in message
    assert "Traceback" not in response.text


@pytest.mark.parametrize(("url", "status", "needle"), [
    (FLAGSHIP + "?bogus=1", 400, "unknown parameter(s) bogus; it takes population, endpoint"),
    (FLAGSHIP + "?page=0", 400, "page must be a positive whole number"),
    (FLAGSHIP + "?page=2", 400, "page 2 is past the last page (1)"),
    ("/query/05_trace_finding?finding=NOT%20AN%20ID", 400, "is not a record id"),
    ("/query/no_such_query", 404, "no saved query 'no_such_query'"),
    ("/finding/no-such-finding", 404, "no finding 'no-such-finding'"),
    ("/finding/..%2F..%2Fetc", 404, "no page at /finding/../../etc"),
    (FLAGSHIP + "/download/nosuch.txt", 404, "unknown download"),
    ("/export/nosuch.ttl", 404, "unknown export format 'nosuch'"),
    ("/export/turtle.ttl?therapy=NoSuchTherapy", 400, "unknown therapy term"),
], ids=["unknown-param", "page-0", "page-past-end", "bad-record-id", "unknown-query", "unknown-finding",
        "finding-path", "unknown-download", "unknown-export", "export-unknown-term"])
def test_errors_are_pages_with_the_message(client: TestClient, url: str, status: int, needle: str) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert needle in error_message(response.text)
    assert "Traceback" not in response.text


# --- paging -----------------------------------------------------------------------------------------------

def test_paging_is_explicit_with_the_total(client: TestClient) -> None:
    first = client.get(FLAGSHIP, params={"size": 3}).text
    assert column(first, "finding") == PVI_FINDINGS[:3]
    assert "Rows 1–3 of 7 (page 1 of 3)." in first
    assert 'rel="next" href="/query/01_haic_combinations_os_pvi?page=2&amp;size=3"' in first
    second = client.get(FLAGSHIP, params={"size": 3, "page": 2}).text
    assert column(second, "finding") == PVI_FINDINGS[3:6]
    assert "Rows 4–6 of 7 (page 2 of 3)." in second and 'rel="prev"' in second


def test_every_saved_query_page_renders(client: TestClient, kg: KnowledgeGraph) -> None:
    for query in kg.catalog():
        response = client.get(f"/query/{query.name}")
        assert response.status_code == 200, (query.name, response.text[-500:])
        assert 'id="count"' in response.text


# --- downloads ----------------------------------------------------------------------------------------------

def test_csv_download_is_the_cli_csv(client: TestClient, kg: KnowledgeGraph) -> None:
    from hcc_kg.render.formats import render

    response = client.get(f"{FLAGSHIP}/download/csv.csv", params={"population": "门静脉癌栓"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'attachment; filename="01_haic_combinations_os_pvi.csv"' == response.headers["content-disposition"]
    expected = render(kg.query("01_haic_combinations_os_pvi", population="门静脉癌栓"), "csv")
    assert response.text == expected


@pytest.mark.parametrize(("name", "kind", "start"), [
    ("json.json", "application/sparql-results+json", b"{"), ("sof.html", "text/html", b"<!DOCTYPE html>"),
    ("sof.csv", "text/csv", b"outcome,"), ("forest.svg", "image/svg+xml", b"<?xml"),
    ("forest.png", "image/png", b"\x89PNG"),
])
def test_output_downloads(client: TestClient, name: str, kind: str, start: bytes) -> None:
    response = client.get(f"{FLAGSHIP}/download/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(kind)
    assert response.content.startswith(start)


def test_fhir_export_download(client: TestClient) -> None:
    response = client.get("/export/fhir.json", params={"population": "PortalVeinInvasion", "endpoint": "OverallSurvival"})
    assert response.status_code == 200
    bundle = response.json()
    assert bundle["resourceType"] == "Bundle"
    assert "Evidence/f004-he2019-os" in {e["fullUrl"].split("fhir/", 1)[-1] for e in bundle["entry"]}


# --- the finding page -------------------------------------------------------------------------------------------

def test_finding_page_shows_the_quote_in_its_passage(client: TestClient) -> None:
    response = client.get("/finding/f004-he2019-os")
    assert response.status_code == 200
    page = response.text
    quote = "相较于索拉非尼，FOLFOX-HAIC联合索拉非尼能显著改善伴门静脉浸润HCC患者的中位OS（13.37个月vs.7.13个月，P&lt;0.001）"
    mark = re.search(r'<mark class="quote">(.*?)</mark>', page, re.DOTALL).group(1)
    assert "".join(mark.split()) == quote
    passage_text = re.search(r'<blockquote lang="zh">(.*?)</blockquote>', page, re.DOTALL).group(1)
    assert len(passage_text) > len(mark) + 20  # the surrounding passage, not the quote alone
    assert "highlighted in its passage of <code>004_b13ee0292349ace4.txt</code>" in page
    assert f'<a id="doi" href="{HE2019_DOI}">' in page
    assert "13.37 months" in page and "7.13 months" in page and "P&lt;0.001" in page
    assert "randomised controlled trial" in page


def test_locate_ignores_whitespace_and_keeps_the_source_text() -> None:
    document = "Intro.\n\nFirst line of the\npassage. 相 较 于 索拉非尼，\n中位OS 13.37 个月. After it.\n\nNext paragraph."
    found = locate("相较于索拉非尼，中位OS 13.37个月.", document)
    assert found.found
    assert found.quote == "相 较 于 索拉非尼， 中位OS 13.37 个月."  # the source's characters, whitespace folded
    assert found.before == "First line of the passage. "  # from the first sentence end in the window
    assert found.after == " After it. Next paragraph."  # to the last one


def test_locate_clips_long_context_with_an_ellipsis() -> None:
    document = "x" * 1000 + "QUOTE" + "y" * 1000
    found = locate("QUOTE", document)
    assert found.before == "…" + "x" * 300 and found.after == "y" * 300 + "…"


def test_passage_reads_only_inside_the_seeds_folder(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (tmp_path / "secret.txt").write_text("the quote is here", encoding="utf-8")
    refused = passage(seeds, "../secret.txt", "the quote")
    assert not refused.found and "outside the seeds folder" in refused.problem and refused.before == ""
    missing = passage(seeds, "absent.txt", "the quote")
    assert not missing.found and "not found" in missing.problem
    (seeds / "doc.txt").write_text("something else entirely", encoding="utf-8")
    assert passage(seeds, "doc.txt", "the quote").problem == "the quote was not found in the source text"


# --- escaping --------------------------------------------------------------------------------------------------------

def test_values_with_markup_render_as_text(client: TestClient) -> None:
    page = client.get("/query/99_hostile_values").text
    assert HOSTILE not in page and "<b>in it</b>" not in page
    assert str(escape(HOSTILE)) in page
    assert column(page, "note") == [HOSTILE]
    echoed = client.get("/query/06_consensus_statements", params={"quality": HOSTILE})
    assert echoed.status_code == 400 and HOSTILE not in echoed.text
    assert "matches none of the values of hcc:evidenceQuality" in error_message(echoed.text)
    assert HOSTILE in error_message(echoed.text), "the message names the value, escaped in the page"
    for url in (f"/?q={urllib.parse.quote(HOSTILE)}", f"{FLAGSHIP}?population={urllib.parse.quote(HOSTILE)}",
                f"/finding/{urllib.parse.quote(HOSTILE)}"):
        response = client.get(url)
        assert HOSTILE not in response.text, url
        assert "<script>alert" not in response.text, url


def test_no_page_loads_anything_from_outside(client: TestClient) -> None:
    for url in ("/", FLAGSHIP, "/finding/f004-he2019-os", "/sparql"):
        page = client.get(url, headers={"accept": "text/html"}).text
        for src in re.findall(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="([^"]+)"', page):
            assert src.startswith("/"), (url, src)


# --- /sparql ------------------------------------------------------------------------------------------------------------

@pytest.fixture()
def listener() -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 that must receive nothing; yields its URL and what it received."""
    seen: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def record(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        do_GET = do_POST = record  # noqa: N815 - the http.server API

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql", seen
    httpd.shutdown()


def test_sparql_get_and_post_answer_json_csv_tsv(client: TestClient) -> None:
    query = ("SELECT ?doi WHERE { <https://w3id.org/hcc-kg/id/ref/src004-12> "
             "<http://purl.org/ontology/bibo/doi> ?doi }")
    got = client.get("/sparql", params={"query": query})
    assert got.status_code == 200, got.text
    assert got.json()["results"]["bindings"][0]["doi"]["value"] == "10.1001/jamaoncol.2019.0250"
    posted = client.post("/sparql", content=query, headers={"content-type": "application/sparql-query",
                                                              "accept": "text/csv"})
    assert posted.status_code == 200 and posted.text.splitlines() == ["doi", "10.1001/jamaoncol.2019.0250"]
    form = client.post("/sparql", data={"query": query}, headers={"accept": "text/tab-separated-values"})
    assert form.status_code == 200 and form.text.splitlines()[1] == '"10.1001/jamaoncol.2019.0250"'


def test_sparql_editor_page_is_served_locally(client: TestClient) -> None:
    page = client.get("/sparql", headers={"accept": "text/html"}).text
    assert '<script src="/static/yasgui/yasgui.min.js"></script>' in page
    assert client.get("/static/yasgui/yasgui.min.js").status_code == 200
    script = client.get("/static/sparql.js").text
    assert 'autocompleters = ["variables"]' in script


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "select * where { service silent <{url}> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<{url}> AS ?e) SERVICE ?e { ?s ?p ?o } }",
], ids=["plain", "silent-lowercase", "variable"])
def test_sparql_refuses_service_and_nothing_leaves(client: TestClient, listener: tuple[str, list[str]],
                                                   text: str) -> None:
    url, seen = listener
    query = text.replace("{url}", url)
    for response in (client.get("/sparql", params={"query": query}),
                     client.post("/sparql", content=query, headers={"content-type": "application/sparql-query"})):
        assert response.status_code == 400
        assert response.text.startswith("SERVICE (federated query) is not allowed")
    assert seen == []


def test_sparql_refuses_updates(client: TestClient) -> None:
    update = "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }"
    for response in (client.post("/sparql", data={"update": update}),
                     client.post("/sparql", content=update, headers={"content-type": "application/sparql-update"}),
                     client.get("/sparql", params={"update": update})):
        assert response.status_code == 403
        assert "read-only" in response.text
    as_query = client.get("/sparql", params={"query": update})
    assert 400 <= as_query.status_code < 500
    ask = client.get("/sparql", params={"query": "ASK { <http://e/s> <http://e/p> <http://e/o> }"})
    assert ask.json()["boolean"] is False


def test_sparql_protocol_errors(client: TestClient) -> None:
    assert client.get("/sparql").status_code == 400
    assert client.post("/sparql", content="x", headers={"content-type": "text/plain"}).status_code == 415
    both = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert both.status_code == 400 and "exactly one" in both.text


# --- limits ------------------------------------------------------------------------------------------------------------------

def test_a_page_past_its_deadline_is_a_408_page(built: tuple[Paths, BuildResult]) -> None:
    from hcc_kg.query.safety import Limits

    paths = built[0]
    kg = KnowledgeGraph.open(paths.build_dir, in_memory=True, paths=paths, limits=Limits(timeout_s=1e-9))
    with TestClient(create_app(kg), raise_server_exceptions=False) as slow:
        response = slow.get(FLAGSHIP)
    assert response.status_code == 408
    assert error_message(response.text).startswith("the query did not finish within 1e-09 s (the timeout")


def test_a_runaway_sparql_query_is_cancelled_and_the_page_lives_on(built: tuple[Paths, BuildResult]) -> None:
    import time

    from hcc_kg.web.sparql import SparqlService

    paths = built[0]
    kg = KnowledgeGraph.open(paths.build_dir, in_memory=True, paths=paths)
    with TestClient(create_app(kg, SparqlService(kg.release, timeout_s=1)), raise_server_exceptions=False) as web:
        start = time.monotonic()
        runaway = web.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"})
        elapsed = time.monotonic() - start
        assert runaway.status_code == 503 and "did not finish within 1 s" in runaway.text
        assert elapsed < 10
        assert web.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True
        assert web.get(FLAGSHIP).status_code == 200


def test_templates_and_static_files_ship_in_the_wheel(tmp_path: Path) -> None:
    """A non-editable install gets the pages' templates, scripts and the vendored YASGUI (package data)."""
    import subprocess
    import sys
    import zipfile

    root = Path(__file__).resolve().parent.parent
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(root)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    names = set(zipfile.ZipFile(next(tmp_path.glob("hcc_kg-*.whl"))).namelist())
    web = root / "hcc_kg" / "web"
    shipped = {f"hcc_kg/{p.relative_to(web.parent).as_posix()}" for folder in ("templates", "static")
               for p in (web / folder).rglob("*") if p.is_file()}
    assert "hcc_kg/web/static/yasgui/yasgui.min.js" in shipped and shipped <= names, shipped - names


def test_vendored_yasgui_matches_its_readme() -> None:
    """The vendored files are the ones the README names, byte for byte (sha256)."""
    import hashlib

    folder = Path(__file__).resolve().parent.parent / "hcc_kg" / "web" / "static" / "yasgui"
    noted = dict(re.findall(r"`(yasgui\.min\.(?:js|css))` sha256 `([0-9a-f]{64})`", (folder / "README.md").read_text()))
    assert set(noted) == {"yasgui.min.js", "yasgui.min.css"}
    for name, digest in noted.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


def test_web_command_help() -> None:
    from click.testing import CliRunner

    from hcc_kg.cli import cli

    result = CliRunner().invoke(cli, ["web", "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--host", "--build-dir", "--timeout"):
        assert option in result.output
