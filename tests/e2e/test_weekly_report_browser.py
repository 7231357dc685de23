"""The weekly report as a reader sees it: rendered by headless Chromium (Debian's), offline and error-free.

`bin/test` installs /usr/bin/chromium (bin/_setup.sh ensure_chromium); Playwright drives it, and never
downloads a browser of its own. The screenshot is saved under the test's tmp_path and, for people to look
at after a run, as test-output/weekly-report.png in the repository (ignored by git).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from ehc.bootstrap import bootstrap
from ehc.clock import now_utc
from ehc.demo.synthetic import SYNTHETIC_CONTRIBUTORS, synthetic_caseload

CHROMIUM = Path("/usr/bin/chromium")
STABLE_SCREENSHOT = Path(__file__).resolve().parents[2] / "test-output" / "weekly-report.png"
AS_OF = date(2026, 11, 20)

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
pytestmark = [
    pytest.mark.slow,  # starts Chromium: `bin/test --all`
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: bin/test installs it"),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),  # the page, not the database, is on test
]


@pytest.fixture
def report_html(ehc, store_url, tmp_path) -> Path:
    app = bootstrap()
    with app.unit_of_work() as work:
        for contributor in SYNTHETIC_CONTRIBUTORS:
            work.cases.add_contributor(contributor.code, contributor.name, contributor.agency.value)
    with app.unit_of_work() as work:
        work.cases.import_caseload(synthetic_caseload(400, AS_OF, weeks=60, seed=5), "test", now_utc())
    files = ehc("report", "weekly", "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "report"), "--json").json
    return Path(files["html"])


def test_the_weekly_report_renders_in_chromium_with_no_errors_and_no_network(report_html, tmp_path):
    problems: list[str] = []
    requested: list[str] = []
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
                    if message.type in ("error", "warning") else None)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))

            def record(route):
                requested.append(route.request.url)
                if route.request.url.startswith("file://"):
                    route.continue_()
                else:
                    route.abort()

            page.route("**/*", record)
            page.goto(report_html.as_uri(), wait_until="load")

            title = page.title()
            headings = page.locator("h1, h2").all_inner_texts()
            charts = page.evaluate("""() => [...document.querySelectorAll('svg[role=img]')].map(svg =>
                svg.getAttribute('aria-labelledby').split(' ').every(id => document.getElementById(id) !== null))""")
            header_cells_without_scope = page.locator("th:not([scope])").count()
            tables_without_caption = page.evaluate(
                "() => [...document.querySelectorAll('table')].filter(t => !t.querySelector('caption')).length")
            trend_dots = page.locator("#trend ~ figure svg circle").count()
            page.screenshot(path=str(tmp_path / "weekly-report.png"), full_page=True)
        finally:
            browser.close()

    assert problems == []
    assert requested == [report_html.as_uri()]  # the page itself and nothing else
    assert "week ending 20 November 2026" in title
    assert headings[0] == "EHC needs assessments: week ending 20 November 2026"
    assert "Share of new plans issued within 20 weeks" in headings
    assert charts == [True, True, True]
    assert header_cells_without_scope == 0
    assert tables_without_caption == 0
    assert trend_dots > 10  # the synthetic caseload issues plans in most of the 26 weeks
    assert (tmp_path / "weekly-report.png").stat().st_size > 10_000
    STABLE_SCREENSHOT.parent.mkdir(exist_ok=True)
    shutil.copyfile(tmp_path / "weekly-report.png", STABLE_SCREENSHOT)
