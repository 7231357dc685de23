"""The contributor portal and the parent's view in Chromium: a contributor uploads advice (without JavaScript)
and the caseworker sees it on the case; another declares no needs; each refused link; a parent's link shows that
child's case only; axe-core on every portal page, and each at 320 px. Screenshots go to test-output/web/portal-*.

The app is the real one under uvicorn (conftest.py) on 300 synthetic requests; links are made as
`ehc portal link` and `ehc portal parent-link` make them. alice is a North caseworker.
"""

from __future__ import annotations

import pytest

from domain.timeline import OPEN_STAGES, Status
from ehc.services.portal_links import contributor_link, parent_link
from tests.browser.support import CHROMIUM, axe_violations, sign_in_as
from tests.web.support import TODAY

pytestmark = [
    pytest.mark.slow,  # starts Chromium and a server: `bin/test --all`
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: bin/test installs it"),
]
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
_taken: set[str] = set()


def awaited_advice(app) -> tuple[str, str, str]:
    """A North case not used yet by these tests, with advice still awaited: (reference, advice key, initials)."""
    with app.unit_of_work() as work:
        found = work.cases.find(TODAY, stages=OPEN_STAGES)
    for record, timeline in found:
        awaited = [advice for advice in timeline.advice if advice.status in (Status.OPEN, Status.OVERDUE)]
        if record.team == "North" and awaited and record.reference not in _taken:
            _taken.add(record.reference)
            return record.reference, awaited[0].key, record.child_initials
    raise AssertionError("no North case with advice awaited in the synthetic caseload")


def local(url: str) -> str:
    return url.removeprefix("http://localhost:8000")


def fits_320(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_contributor_uploads_advice_without_javascript_and_the_case_shows_it(
        new_page, live_app, screenshot, tmp_path):
    reference, key, initials = awaited_advice(live_app)
    advice_file = tmp_path / "Advice for the EHC needs assessment.pdf"
    advice_file.write_bytes(PDF)
    page = new_page(javascript=False)

    page.goto(local(contributor_link(live_app, reference, key).url))
    assert page.get_by_role("heading", level=1).inner_text() == "Send your advice for an EHC needs assessment"
    assert initials in page.locator("dl").first.inner_text()
    screenshot(page, "portal-contributor")
    page.get_by_label("Advice file").set_input_files(str(advice_file))
    page.get_by_role("button", name="Upload advice").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Advice sent"
    screenshot(page, "portal-advice-sent")

    caseworker = new_page()
    sign_in_as(caseworker, "alice")
    caseworker.goto(f"/cases/{reference}")
    link = caseworker.get_by_role("link", name="Advice for the EHC needs assessment.pdf")
    assert link.count() == 1
    with caseworker.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Advice for the EHC needs assessment.pdf"
    assert open(download.value.path(), "rb").read() == PDF
    link.scroll_into_view_if_needed()
    screenshot(caseworker, "portal-case-with-advice")


def test_another_contributor_declares_no_needs_and_a_file_that_is_not_advice_is_refused(
        new_page, live_app, screenshot, tmp_path):
    reference, key, _ = awaited_advice(live_app)
    not_advice = tmp_path / "advice.pdf"
    not_advice.write_text("Plain text with a PDF's name.\n")
    page = new_page()
    page.goto(local(contributor_link(live_app, reference, key).url))

    page.get_by_label("Advice file").set_input_files(str(not_advice))
    page.get_by_role("button", name="Upload advice").click()
    summary = page.locator(".govuk-error-summary")
    assert "must be a PDF or a Word document (DOCX)" in summary.inner_text()
    assert page.evaluate("document.activeElement.closest('.govuk-error-summary') !== null")  # focus on the summary
    screenshot(page, "portal-contributor-error")
    page.get_by_role("button", name="Send declaration").click()
    assert "Enter why there are no needs in your area" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Why there are no needs in your area").fill("Not known to the service; no open assessment.")
    page.get_by_role("button", name="Send declaration").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Declaration sent"

    caseworker = new_page()
    sign_in_as(caseworker, "alice")
    caseworker.goto(f"/cases/{reference}")
    assert "Not known to the service; no open assessment." in caseworker.locator("main").inner_text()


def test_each_refused_link_gets_the_same_plain_page(new_page, live_app, screenshot):
    reference, key, initials = awaited_advice(live_app)
    other, _, _ = awaited_advice(live_app)
    used = local(contributor_link(live_app, reference, key).url)
    page = new_page()
    page.goto(used)
    page.get_by_label("Why there are no needs in your area").fill("No needs in this area.")
    page.get_by_role("button", name="Send declaration").click()
    expiring = local(contributor_link(live_app, *awaited_advice(live_app)[:2], expires_in_days=1).url)
    fresh = local(contributor_link(live_app, *awaited_advice(live_app)[:2]).url)
    refused = {"reused": used, "tampered": fresh[:-4] + ("AAAA" if not fresh.endswith("AAAA") else "BBBB"),
               "cross-case": fresh.replace(f"/{fresh.split('/')[2]}/", f"/{other}/")}

    seen = {}
    for spoil, path in refused.items():
        page.goto(path)
        seen[spoil] = page.locator("main").inner_text()
    now = live_app.clock.now()
    live_app.clock.advance(days=2)
    try:
        page.goto(expiring)
        seen["expired"] = page.locator("main").inner_text()
    finally:
        live_app.clock.set(now)

    for spoil, text in seen.items():
        assert text.startswith("This link cannot be used"), spoil
        assert reference not in text and initials not in text and "Upload" not in text, spoil
    assert len(set(seen.values())) == 1  # no hint which check failed
    screenshot(page, "portal-link-refused")
    with live_app.unit_of_work() as work:
        assert len(work.audit.entries(action="portal_link_refused")) >= 4


def test_a_parent_link_shows_that_childs_case_only(new_page, live_app, screenshot):
    reference, _, initials = awaited_advice(live_app)
    other, _, _ = awaited_advice(live_app)
    page = new_page()
    url = local(parent_link(live_app, reference).url)

    page.goto(url)
    text = page.locator("main").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "Your request for an EHC needs assessment"
    assert reference in text and f"for {initials}" in text and other not in text
    for heading in ("Where the request is", "What happens next", "The dates the law sets", "Advice from professionals",
                    "Your caseworker"):
        assert page.get_by_role("heading", name=heading).count() == 1
    screenshot(page, "portal-parent")
    page.goto(url.replace(f"/{reference}/", f"/{other}/"))
    assert page.locator("main").inner_text().startswith("This link cannot be used")  # its link, another case


def test_every_portal_page_has_no_serious_accessibility_problem_and_fits_320_px(new_page, live_app, screenshot):
    reference, key, _ = awaited_advice(live_app)
    contributor = local(contributor_link(live_app, reference, key).url)
    pages = {"contributor": contributor, "parent": local(parent_link(live_app, reference).url),
             "link-refused": contributor.replace("/advice/", "/parent/")}
    problems, too_wide = {}, []
    for name, path in pages.items():
        for width in (1100, 320):
            page = new_page(bypass_csp=True, width=width)
            page.goto(path)
            problems[f"{name}@{width}"] = axe_violations(page)
            if width == 320:
                too_wide += [] if fits_320(page) else [name]
                screenshot(page, f"portal-{name}-320")
    page = new_page(bypass_csp=True)
    page.goto(contributor)
    page.get_by_role("button", name="Send declaration").click()  # the error summary and the field's error
    problems["contributor-errors"] = axe_violations(page)
    page.get_by_label("Why there are no needs in your area").fill("No needs in this area.")
    page.get_by_role("button", name="Send declaration").click()
    problems["declaration-sent"] = axe_violations(page)
    screenshot(page, "axe-portal-declaration-sent")

    assert {name: found for name, found in problems.items() if found} == {}
    assert too_wide == []
