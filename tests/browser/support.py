"""What the browser tests share: signing in through the form, and axe-core's verdict on a page."""

from __future__ import annotations

from pathlib import Path

from tests.web.support import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")  # Debian's; bin/test installs it
AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # scripts/vendor-web-assets.sh puts it there
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "web"  # ignored by git


def sign_in_as(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def watch_console(page) -> list[str]:
    """What goes wrong on the page from now on: console errors and warnings (CSP violations among them), script
    errors, and any asset that fails to load. A page's own status is the test's to check (a refused form is
    answered 400), so Chromium's "Failed to load resource" for the page itself is not counted."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
            if message.type in ("error", "warning") and not message.text.startswith("Failed to load resource")
            else None)
    page.on("response", lambda response: problems.append(f"{response.status}: {response.url}")
            if response.status >= 400 and response.request.resource_type != "document" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
    return problems


def axe_violations(page) -> list[str]:
    """Serious and critical violations axe-core finds on the page as it stands (the page's context must bypass
    CSP: the script is injected inline)."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]
