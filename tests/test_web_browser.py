"""The web page in a real browser: `hcc-kg web` as a real server on 127.0.0.1, Debian's Chromium via Playwright.

Playwright's own browser download (`playwright install`) is not possible here, so the test drives the
system Chromium (`apt-get install chromium`, as `.ci/run` does) through ``executable_path``. Every
request the page makes is checked: anything not addressed to the server is aborted and fails the test.
Screenshots go to the test's tmp folder (``--basetemp`` keeps them).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from hcc_kg.build.pipeline import BuildResult
from hcc_kg.config import Paths

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import free_port  # noqa: E402

HCC_KG = str(Path(sys.executable).with_name("hcc-kg"))
FLAGSHIP_TITLE = "Which HAIC combinations improved OS in portal vein invasion?"


def chromium() -> str:
    """The system Chromium, or a failure that says how to install it (never a silent skip)."""
    for candidate in (os.environ.get("HCC_KG_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.fail("the browser test needs Debian's Chromium: apt-get update && apt-get install -y chromium "
                "(or set HCC_KG_CHROMIUM to a Chromium binary); `.ci/run` installs it")


@pytest.fixture(scope="module")
def server(built: tuple[Paths, BuildResult]) -> Iterator[str]:
    """`hcc-kg web` on a free loopback port over the session's build; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen([HCC_KG, "web", "--port", str(port), "--build-dir", str(built[0].build_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read().decode() if proc.stdout and proc.poll() is not None else ""
                    pytest.fail(f"hcc-kg web did not start: {output}")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture()
def page(server: str) -> Iterator[object]:
    """A Chromium page whose every request must go to the server (anything else is aborted, recorded)."""
    from playwright.sync_api import sync_playwright

    outside: list[str] = []

    def only_local(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(server + "/"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True,
                                      locale="en-GB")
        context.route("**/*", only_local)
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        yield tab
        browser.close()
    assert outside == [], f"the page tried to load from outside the server: {outside}"
    assert errors == [], f"JavaScript errors: {errors}"


def finding_column(page: object) -> list[str]:
    heads = page.locator("#evidence thead th").all_inner_texts()  # type: ignore[attr-defined]
    index = [h.strip() for h in heads].index("finding")
    return [c.strip() for c in page.locator(  # type: ignore[attr-defined]
        f"#evidence tbody tr td:nth-child({index + 1})").all_inner_texts()]


def test_reviewer_walkthrough(page: object, server: str, tmp_path: Path) -> None:
    p = page
    p.goto(server + "/")  # type: ignore[attr-defined]
    p.fill("#q", "portal vein")  # type: ignore[attr-defined]
    assert p.locator("#catalog li:visible").count() < p.locator("#catalog li").count()  # type: ignore[attr-defined]
    p.screenshot(path=str(tmp_path / "web-catalog.png"), full_page=True)  # type: ignore[attr-defined]

    p.click(f"text={FLAGSHIP_TITLE}")  # type: ignore[attr-defined]
    p.wait_for_selector("#evidence")  # type: ignore[attr-defined]
    assert finding_column(p) == ["f004-he2019-os", "f004-he2019-os-with-ehs", "f004-he2019-os-without-ehs",
                                 "f004-zheng2022-os", "f004-long2023-os-1y", "f004-long2023-os-2y",
                                 "f004-long2023-os-3y"]
    row = p.locator("#evidence tbody tr").first.inner_text()  # type: ignore[attr-defined]
    assert "13.37" in row and "7.13" in row and "P<0.001" in row
    assert p.locator('#evidence a[href="https://doi.org/10.1001/jamaoncol.2019.0250"]').count() >= 1  # type: ignore[attr-defined]
    p.screenshot(path=str(tmp_path / "web-flagship.png"), full_page=False)  # type: ignore[attr-defined]
    p.locator("#forest img").scroll_into_view_if_needed()  # type: ignore[attr-defined]
    p.wait_for_function("document.querySelector('#forest img').naturalWidth > 0")  # type: ignore[attr-defined]
    p.screenshot(path=str(tmp_path / "web-flagship-views.png"), full_page=True)  # type: ignore[attr-defined]
    p.evaluate("window.scrollTo(0, 0)")  # type: ignore[attr-defined]

    # the type-ahead: Chinese letters find the narrower criterion, a click picks its id
    population = p.locator("#p-population")  # type: ignore[attr-defined]
    population.fill("")
    population.type("主要门静脉")
    option = p.locator('#list-population li[data-id="MajorPVTT"]')  # type: ignore[attr-defined]
    option.wait_for()
    assert "major portal vein tumour thrombus" in option.inner_text()
    p.screenshot(path=str(tmp_path / "web-typeahead.png"))  # type: ignore[attr-defined]
    option.click()
    assert population.input_value() == "MajorPVTT"
    p.click("#params button[type=submit]")  # type: ignore[attr-defined]
    p.wait_for_url("**population=MajorPVTT**")  # type: ignore[attr-defined]
    assert finding_column(p) == ["f004-zheng2022-os"]
    assert "Rows 1–1 of 1." in p.inner_text("#count")  # type: ignore[attr-defined]

    # sorting the table by a column, then following a finding link
    p.click("#evidence thead th:nth-child(1) button")  # type: ignore[attr-defined]
    assert p.get_attribute("#evidence thead th:nth-child(1)", "aria-sort") == "ascending"  # type: ignore[attr-defined]
    p.click("#evidence a[href='/finding/f004-zheng2022-os']")  # type: ignore[attr-defined]
    p.wait_for_url("**/finding/f004-zheng2022-os")  # type: ignore[attr-defined]
    assert p.locator("mark.quote").count() >= 1 and p.locator("mark.quote").first.is_visible()  # type: ignore[attr-defined]
    p.screenshot(path=str(tmp_path / "web-finding.png"), full_page=True)  # type: ignore[attr-defined]

    # the CSV download of the permalinked answer
    p.go_back()  # type: ignore[attr-defined]
    with p.expect_download() as info:  # type: ignore[attr-defined]
        p.click("a.download[href*='/download/csv.csv']")  # type: ignore[attr-defined]
    download = info.value
    assert download.suggested_filename == "01_haic_combinations_os_pvi.csv"
    table = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert [r["finding"] for r in table] == ["f004-zheng2022-os"]


def test_sparql_editor_runs_a_query_locally(page: object, server: str, tmp_path: Path) -> None:
    p = page
    p.goto(server + "/sparql")  # type: ignore[attr-defined]
    p.wait_for_selector(".yasqe .CodeMirror")  # type: ignore[attr-defined]
    p.click(".yasqe_queryButton")  # type: ignore[attr-defined]
    p.wait_for_selector(".yasr table td", timeout=20_000)  # type: ignore[attr-defined]
    assert "finding" in p.inner_text(".yasr")  # type: ignore[attr-defined]
    p.screenshot(path=str(tmp_path / "web-sparql.png"))  # type: ignore[attr-defined]
