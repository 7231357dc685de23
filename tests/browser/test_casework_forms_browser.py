"""The casework forms in Chromium, as a caseworker uses them: sign in, record a decision, see the timeline
change; a refused event shows the error summary; axe-core finds no serious or critical violation on any form,
empty or refused. Screenshots go to test-output/web/ (conftest.py). TODAY is 30 November 2026; the cases here
are North's, alice's team, beside the synthetic caseload of ``live_app``."""

from __future__ import annotations

from datetime import date

import pytest

from domain.events import AdviceRequested, Agency, Decision, DecisionOutcome
from ehc.services.casework import record_event
from ehc.web.event_forms import EVENT_FORMS
from tests.browser.support import CHROMIUM, axe_violations, sign_in_as, watch_console
from tests.web.forms_steps import case_now, new_case

pytestmark = [
    pytest.mark.slow,  # starts Chromium and a server: `bin/test --all`
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: bin/test installs it"),
]
RECEIVED = date(2026, 11, 2)


@pytest.fixture(scope="module")
def cases(live_app):
    """FORM-1 and FORM-2, received 2 November with nothing else recorded; FORM-3 assessed, with health advice
    requested (so every form has something to offer)."""
    for reference in ("FORM-1", "FORM-2", "FORM-3"):
        new_case(live_app, reference, RECEIVED, caseworker="A Okafor", setting="SCH-1")
    record_event(live_app, "FORM-3", Decision(on=date(2026, 11, 9), outcome=DecisionOutcome.ASSESS), "setup")
    record_event(live_app, "FORM-3", AdviceRequested(on=date(2026, 11, 10), agency=Agency.HEALTH), "setup")
    return live_app


def fill_date(page, legend: str, day: date) -> None:
    dates = page.get_by_role("group", name=legend)
    for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        dates.get_by_label(part).fill(str(value))


def decision_status(page) -> str:
    return page.locator("tr", has=page.get_by_text("Reg 5(1)", exact=True)).locator("td").last.inner_text()


def test_a_caseworker_records_a_decision_and_sees_the_timeline_change(new_page, cases, screenshot):
    page = new_page()  # the Content-Security-Policy in force: an inline script or style would be reported
    problems = watch_console(page)
    sign_in_as(page, "alice")
    page.goto("/cases/FORM-1")
    before = (page.locator(".ehc-timeline__event").all_inner_texts(), decision_status(page))

    page.get_by_role("button", name="Record an event").click()
    page.get_by_label("Decision whether to assess").check()
    page.get_by_role("button", name="Continue").click()
    fill_date(page, "Date of the decision", date(2026, 11, 9))
    page.get_by_label("Assess", exact=True).check()
    page.get_by_role("button", name="Record").click()
    page.wait_for_url("**/cases/FORM-1?done=decision")
    screenshot(page, "case-after-decision")

    assert before == (["E1"], "Open: 14 days")
    assert (page.locator(".ehc-timeline__event").all_inner_texts(), decision_status(page)) == (
        ["E1", "E2"], "Done on time on 9 November 2026")
    assert page.locator(".govuk-notification-banner__heading").inner_text() == "Decision whether to assess recorded"
    assert case_now(cases, "FORM-1")["events"][-1]["actor"] == "alice"
    assert cases.orchestrator.calls[-1] == ("hand_over", ["FORM-1"])
    assert problems == []


def test_a_refused_event_shows_the_error_summary_and_its_link_leads_to_the_field(new_page, cases, screenshot):
    page = new_page()
    problems = watch_console(page)
    sign_in_as(page, "alice")
    page.goto("/cases/FORM-2/record/decision")
    fill_date(page, "Date of the decision", date(2026, 12, 1))
    page.get_by_label("Assess", exact=True).check()
    page.get_by_role("button", name="Record").click()
    summary = page.locator(".govuk-error-summary")
    screenshot(page, "record-decision-refused")

    assert [line for line in summary.inner_text().splitlines() if line] == [
        "There is a problem", "Date of the decision: 2026-12-01 is after today, 2026-11-30"]
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    summary.get_by_role("link").click()
    assert page.evaluate("() => document.activeElement.id") == "on-day"
    assert page.locator("#on-day").input_value() == "1"
    assert [event["type"] for event in case_now(cases, "FORM-2")["events"]] == ["received"]
    assert problems == []


# Every form page, as (name of its screenshot, address): each is checked as it opens, then sent empty (refused).
FORM_PAGES = [
    ("form-intake", "/cases/new"),
    ("form-record", "/cases/FORM-3/record"),
    *((f"form-{form.slug}", f"/cases/FORM-3/record/{form.slug}") for form in EVENT_FORMS.values()),
    ("form-void", "/cases/FORM-3/events/3/void"),
    ("form-reassign", "/cases/FORM-3/reassign"),
]


def test_every_form_and_its_refused_state_has_no_serious_or_critical_accessibility_violation(
        new_page, cases, screenshot):
    page = new_page(bypass_csp=True)  # axe-core is injected as an inline script
    violations: dict[str, list[str]] = {}
    not_refused: list[str] = []
    sign_in_as(page, "alice")
    for name, path in FORM_PAGES:
        page.goto(path)
        violations[name] = axe_violations(page)
        screenshot(page, name)
        page.locator("main form[method=post] button[type=submit]").click()
        page.wait_for_load_state()
        if not page.locator(".govuk-error-summary").is_visible():
            not_refused.append(name)
        violations[f"{name} (refused)"] = axe_violations(page)
        screenshot(page, f"{name}-refused")

    assert {name: found for name, found in violations.items() if found} == {}
    assert not_refused == []


def test_the_forms_work_without_javascript_and_fit_a_320_pixel_screen(new_page, cases, screenshot):
    page = new_page(javascript=False, width=320)
    sign_in_as(page, "alice")
    page.goto("/cases/new")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    screenshot(page, "form-intake-320")
    page.get_by_label("Case reference").fill("FORM-4")
    fill_date(page, "Date the request was received", RECEIVED)
    page.get_by_role("button", name="Add request").click()

    assert overflow <= 0
    assert page.url.endswith("/cases/FORM-4?done=added")
    assert case_now(cases, "FORM-4")["team"] == "North"
