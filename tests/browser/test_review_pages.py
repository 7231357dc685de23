"""The plans-in-force pages in Chromium, as a caseworker uses them: find a plan by its phase transfer, record its
review meeting and see the next 12 months start; a refused event shows the error summary and leads to the field;
axe-core finds no violation (of any impact) on the list, a plan, or any review form, empty or refused; the pages
work at 320 px wide and without JavaScript. Screenshots go to test-output/web/ (conftest.py).

TODAY is Monday 30 November 2026. The plans are North's (alice's team), beside the synthetic caseload of ``live_app``:

    plan         issued       year group  recorded
    B-TRANSFER   10 Mar 2026  6           -            (primary to secondary: last day Sun 14 Feb 2027)
    B-LEAP       29 Feb 2024  9           -            (review by 28 Feb 2025: overdue)
    B-YEAR-END   27 Dec 2025  3           notice 20 Nov 2026 of a meeting on 4 Jan 2027
    B-FORMS      1 Dec 2025   4           meeting held 2 Nov 2026 (so every form has something to offer)
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.plan_events import MeetingHeld, MeetingNoticeSent
from domain.plan_review import PlanInForce
from ehc.services.reviews import add_plan, record_review_event, show_plan
from ehc.web.review_forms import REVIEW_EVENT_FORMS
from tests.browser.support import AXE, CHROMIUM, sign_in_as, watch_console
from tests.web.support import TODAY

pytestmark = [
    pytest.mark.slow,  # starts Chromium and a server: `bin/test --all`
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: bin/test installs it"),
]
PLANS = {  # plan_ref: (issued, year group in 2026/27)
    "B-TRANSFER": (date(2026, 3, 10), "6"),
    "B-LEAP": (date(2024, 2, 29), "9"),
    "B-YEAR-END": (date(2025, 12, 27), "3"),
    "B-FORMS": (date(2025, 12, 1), "4"),
}


@pytest.fixture(scope="module")
def plans(live_app):
    for plan_ref, (issued, year_group) in PLANS.items():
        add_plan(live_app, PlanInForce(plan_ref=plan_ref, issued=issued, last_review=None, year_group=year_group,
                                       year_group_year=2026, setting="SCH-1", caseworker="A Okafor", team="North"),
                 "setup")
    record_review_event(live_app, "B-YEAR-END", MeetingNoticeSent(on=date(2026, 11, 20), meeting=date(2027, 1, 4)),
                        "setup")
    record_review_event(live_app, "B-FORMS", MeetingHeld(on=date(2026, 11, 2)), "setup")
    return live_app


def every_axe_violation(page) -> list[str]:
    """Every violation axe-core finds on the page as it stands, whatever its impact (the page's context must
    bypass CSP: the script is injected inline)."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"]]


def fill_date(page, legend: str, day: date) -> None:
    dates = page.get_by_role("group", name=legend)
    for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        dates.get_by_label(part).fill(str(value))


def test_a_caseworker_finds_a_plan_by_its_transfer_and_records_its_review_meeting(new_page, plans, screenshot):
    page = new_page()  # the Content-Security-Policy in force: an inline script or style would be reported
    problems = watch_console(page)
    sign_in_as(page, "alice")
    page.get_by_role("link", name="Reviews").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Plans in force"
    screenshot(page, "reviews")

    page.get_by_label("Phase transfer in September of").fill("2027")
    page.get_by_role("button", name="Apply filters").click()
    assert "phase_transfer=2027" in page.url
    assert page.locator("main table tbody th").all_inner_texts() == ["B-TRANSFER"]
    page.get_by_role("link", name="B-TRANSFER").click()
    transfer = page.locator(".govuk-summary-list__row", has=page.get_by_text("Plan reviewed and amended", exact=True))
    assert "last working day 12 February 2027" in transfer.inner_text()
    screenshot(page, "review")

    page.get_by_role("button", name="Record a review event").click()
    page.get_by_label("Review meeting held").check()
    page.get_by_role("button", name="Continue").click()
    fill_date(page, "Date of the review meeting", date(2026, 11, 27))
    page.get_by_role("button", name="Record").click()
    page.wait_for_url("**/reviews/B-TRANSFER?done=meeting-held")
    screenshot(page, "review-after-meeting")

    assert page.locator(".govuk-notification-banner__heading").inner_text() == "Review meeting held recorded"
    assert page.get_by_role("table", name="Review 2: the 12 months from 27 November 2026, no meeting yet").count() == 1
    review_by = page.get_by_role("table", name="Review 2", exact=False).locator("tbody tr").first
    assert review_by.locator("td").all_inner_texts()[1:3] == ["26 November 2027", "26 November 2027"]
    record, _ = show_plan(plans, "B-TRANSFER", TODAY)
    assert (record.audit[-1]["type"], record.audit[-1]["actor"]) == ("meeting_held", "alice")
    assert problems == []


def test_a_refused_review_event_shows_the_error_summary_and_its_link_leads_to_the_field(new_page, plans, screenshot):
    page = new_page()
    problems = watch_console(page)
    sign_in_as(page, "alice")
    page.goto("/reviews/B-YEAR-END/record/meeting-notice-sent")
    fill_date(page, "Date the notice was sent", date(2026, 11, 27))
    fill_date(page, "Date of the review meeting", date(2026, 11, 2))
    page.get_by_role("button", name="Record").click()
    summary = page.locator(".govuk-error-summary")
    screenshot(page, "review-notice-refused")

    assert [line for line in summary.inner_text().splitlines() if line] == [
        "There is a problem", "The meeting on 2026-11-02 is before the notice of it on 2026-11-27"]
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    summary.get_by_role("link").click()
    assert page.evaluate("() => document.activeElement.id") == "meeting-day"
    assert [event["type"] for event in show_plan(plans, "B-YEAR-END", TODAY)[0].audit] == ["meeting_notice_sent"]
    assert problems == []


# Every page, as (name of its screenshot, address, whether it is a form to send empty and see refused).
PAGES = [
    ("reviews", "/reviews", False),
    ("reviews-refused", "/reviews?due_within=soon&phase_transfer=27", False),
    ("review-leap", "/reviews/B-LEAP", False),
    ("review-year-end", "/reviews/B-YEAR-END", False),
    ("review-forms", "/reviews/B-FORMS", False),
    ("form-review-record", "/reviews/B-FORMS/record", True),
    *((f"form-review-{form.slug}", f"/reviews/B-FORMS/record/{form.slug}", True)
      for form in REVIEW_EVENT_FORMS.values()),
    ("form-review-void", "/reviews/B-FORMS/events/1/void", True),
    ("review-not-found", "/reviews/NO-SUCH-PLAN", False),
]


def test_every_page_and_form_refused_or_not_has_no_axe_violation_of_any_impact(new_page, plans, screenshot):
    page = new_page(bypass_csp=True)  # axe-core is injected as an inline script
    violations: dict[str, list[str]] = {}
    not_refused: list[str] = []
    sign_in_as(page, "alice")
    for name, path, is_form in PAGES:
        page.goto(path)
        violations[name] = every_axe_violation(page)
        screenshot(page, f"axe-{name}")
        if not is_form:
            continue
        page.locator("main form[method=post] button[type=submit]").click()
        page.wait_for_load_state()
        if not page.locator(".govuk-error-summary").is_visible():
            not_refused.append(name)
        violations[f"{name} (refused)"] = every_axe_violation(page)
        screenshot(page, f"axe-{name}-refused")

    assert {name: found for name, found in violations.items() if found} == {}
    assert not_refused == []


@pytest.mark.parametrize("path", ["/reviews", "/reviews/B-YEAR-END"])
def test_the_pages_are_usable_at_320_pixels_wide_without_scrolling_the_page_sideways(new_page, plans, screenshot,
                                                                                     path):
    page = new_page(width=320)
    sign_in_as(page, "alice")
    page.goto(path)
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 320
    screenshot(page, f"{path.strip('/').replace('/', '-')}-320")


def test_filtering_and_recording_work_without_javascript(new_page, plans, screenshot):
    page = new_page(javascript=False)
    sign_in_as(page, "alice")
    page.goto("/reviews")
    page.get_by_label("Only plans with a date overdue").check()
    page.get_by_role("button", name="Apply filters").click()
    assert page.url.endswith("&overdue=yes")
    assert "B-LEAP" in page.locator("main table tbody th").all_inner_texts()
    page.goto("/reviews/B-FORMS/record/report-received")
    fill_date(page, "Date the report was sent", date(2026, 11, 13))
    page.get_by_role("button", name="Record").click()
    assert page.url.endswith("/reviews/B-FORMS?done=report-received")
    screenshot(page, "review-no-javascript")
