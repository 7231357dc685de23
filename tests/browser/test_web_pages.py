"""The web app in Chromium: sign in, the caseload, a case, the team, accounts; each page checked by axe-core,
at 320 px wide, and without JavaScript. Screenshots go to test-output/web/ (and the test's tmp_path).

The app is the real one under uvicorn (conftest.py), on 300 synthetic requests; alice is a North caseworker.
"""

from __future__ import annotations

import pytest

from tests.browser.support import CHROMIUM, axe_violations, sign_in_as, watch_console
from tests.web.support import TODAY

pytestmark = [
    pytest.mark.slow,  # starts Chromium and a server: `bin/test --all`
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: bin/test installs it"),
]


def _case_of_team(app, team: str) -> str:
    with app.unit_of_work() as work:
        return next(row.reference for row in work.caseload.page(
            TODAY, _open(), {}, sort="reference", offset=0, limit=1000) if row.team == team)


def _open():
    from store.caseload import CaseloadFilter

    return CaseloadFilter(teams=None)


def test_a_caseworker_signs_in_sees_the_caseload_and_opens_a_case_with_no_csp_or_script_errors(
        new_page, live_app, screenshot):
    page = new_page()  # the Content-Security-Policy in force: any inline script or style would be reported
    problems = watch_console(page)
    page.goto("/")
    assert page.url.endswith("/sign-in")
    screenshot(page, "sign-in")
    sign_in_as(page, "alice")
    assert page.url.endswith("/cases")
    assert page.get_by_role("heading", level=1).inner_text() == "Caseload"
    assert page.locator("body.govuk-frontend-supported").count() == 1  # init.js ran as a module
    rows = page.locator("table.ehc-caseload tbody tr")
    assert rows.count() == 50  # a full first page
    screenshot(page, "caseload")

    reference = rows.first.locator("a").inner_text()
    rows.first.locator("a").click()
    assert page.get_by_role("heading", level=1).inner_text() == reference
    assert page.get_by_role("table", name="Statutory dates").count() == 1
    assert page.locator(".ehc-timeline__marker").count() >= 3
    screenshot(page, "case")
    assert problems == []


def test_another_teams_case_typed_into_the_address_bar_is_not_found_and_the_refusal_is_audited(new_page, live_app,
                                                                                              screenshot):
    south_case = _case_of_team(live_app, "South")
    page = new_page()
    sign_in_as(page, "alice")
    response = page.goto(f"/cases/{south_case}")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert south_case not in page.content()
    screenshot(page, "case-refused")
    with live_app.unit_of_work() as work:
        refusals = work.audit.entries(action="access_refused")
    assert any(entry.actor == "alice" and entry.subject == south_case for entry in refusals)


PAGES = {  # who sees it, path: what must be on it
    "caseload": ("alice", "/cases", "Caseload"),
    "caseload-filtered": ("alice", "/cases?rag=red&sort=reference", "Caseload"),
    "caseload-error": ("alice", "/cases?due_within=soon", "There is a problem"),
    "team": ("maria", "/team", "Workload"),
    "users": ("ada", "/admin/users", "Add an account"),
    "not-found": ("alice", "/cases/NO-SUCH-CASE", "Page not found"),
}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_no_serious_or_critical_axe_violations(name, new_page, live_app, screenshot):
    username, path, expected = PAGES[name]
    page = new_page(bypass_csp=True)
    sign_in_as(page, username)
    page.goto(path)
    assert expected in page.content()
    assert axe_violations(page) == []
    screenshot(page, f"axe-{name}")


def test_the_case_page_and_the_sign_in_errors_have_no_serious_or_critical_axe_violations(new_page, live_app):
    page = new_page(bypass_csp=True)
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    assert "Enter your username" in page.content()
    assert axe_violations(page) == []
    sign_in_as(page, "alice")
    page.locator("table.ehc-caseload tbody tr a").first.click()
    assert axe_violations(page) == []


def test_the_caseload_is_usable_at_320_pixels_wide_without_scrolling_the_page_sideways(new_page, screenshot):
    page = new_page(width=320)
    sign_in_as(page, "alice")
    assert page.url.endswith("/cases")
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
    assert widths[0] <= 320, widths
    screenshot(page, "caseload-320")
    page.locator("table.ehc-caseload tbody tr a").first.click()
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 320
    screenshot(page, "case-320")


def test_every_task_works_without_javascript(new_page, live_app, screenshot):
    page = new_page(javascript=False)
    sign_in_as(page, "alice")
    assert page.url.endswith("/cases")
    page.get_by_label("RAG").select_option("red")
    page.get_by_role("button", name="Apply filters").click()
    assert "rag=red" in page.url
    reference = page.locator("table.ehc-caseload tbody tr a").first.inner_text()
    page.locator("table.ehc-caseload tbody tr a").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == reference
    screenshot(page, "case-no-javascript")
    page.get_by_role("button", name="Sign out").click()
    assert page.url.endswith("/sign-in")
    assert page.goto("/cases").url.endswith("/sign-in?next=/cases")


def test_a_manager_sees_the_team_page(new_page, screenshot):
    page = new_page()
    sign_in_as(page, "maria")
    page.get_by_role("link", name="Team").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Team"
    assert page.get_by_role("table", name="Open and overdue cases per caseworker").count() == 1
    screenshot(page, "team")


