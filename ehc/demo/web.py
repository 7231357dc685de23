"""The demo's web app: its address, two demo accounts, a contributor's and a parent's link, and the pages
checked the way a person uses them. The server itself is the web app's (``ehc.web.server``), handed to the
demo by its entry point: the demo, like the web app, is an entry point over the services.

The port is taken when the demo starts (``reserved_port``), before the minutes of casework, so every link
the demo makes (in the reminder emails too) names a port that is ours when the web app starts. The
accounts' passwords are random, returned to be shown once and kept nowhere but as argon2 hashes.
"""

from __future__ import annotations

import re
import secrets
import socket
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator, Sequence
from urllib.parse import urlsplit

from domain.timeline import OPEN_STAGES
from ehc.bootstrap import App
from ehc.services.casework import find_cases, show_case
from ehc.services.portal_links import contributor_link, parent_link
from ehc.services.users import add_user

HOST = "127.0.0.1"  # the demo listens on loopback only
PASSWORD_BYTES = 15  # 20 characters of token_urlsafe: above the 12 the accounts require
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CASELOAD_HEADING = re.compile(r'id="results-heading">(\d+) cases?')
CASE_LINK = re.compile(r'href="/cases/([^"/?]+)"')
PLAN_LINK = re.compile(r'href="/reviews/([^"?]+)"')


class DemoWebFailed(RuntimeError):
    """A page of the demo's web app did not answer as a person using it needs."""


@dataclass(frozen=True)
class Listener:
    """A socket bound to the demo's port (uvicorn listens on it later) and the address people use."""

    sock: socket.socket
    port: int

    @property
    def public_url(self) -> str:
        return f"http://{HOST}:{self.port}"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    team: str
    name: str | None
    password: str = field(repr=False)

    def as_json(self) -> dict:
        """What the demo's JSON says of the account: never its password."""
        return {"username": self.username, "role": self.role, "team": self.team, "name": self.name}


@dataclass(frozen=True)
class DemoWeb:
    public_url: str
    accounts: tuple[DemoAccount, ...]
    link_case: str
    advice_key: str | None
    contributor_link: str | None
    parent_link: str
    checked: tuple[str, ...] = ()

    @property
    def dashboard(self) -> str:
        return f"{self.public_url}/cases"

    @property
    def port(self) -> int:
        return urlsplit(self.public_url).port

    def as_json(self) -> dict:
        return {"url": self.public_url, "dashboard": self.dashboard,
                "accounts": [account.as_json() for account in self.accounts], "link_case": self.link_case,
                "advice_key": self.advice_key, "contributor_link": self.contributor_link,
                "parent_link": self.parent_link, "checked": list(self.checked)}


@contextmanager
def reserved_port(public_url: str, say: Callable[[str], None]) -> Iterator[Listener]:
    """The port of ``public_url`` (EHC_PUBLIC_URL) on 127.0.0.1, or, if it cannot be had (in use, or
    privileged), a free one, said plainly; closed on exit if uvicorn has not taken it."""
    address = urlsplit(public_url)
    wanted = address.port or (443 if address.scheme == "https" else 80)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: a just-stopped demo's port
    try:
        try:
            sock.bind((HOST, wanted))
            say(f"       The web app will listen on {HOST}:{wanted} (the port of EHC_PUBLIC_URL, {public_url})")
        except OSError as error:
            sock.bind((HOST, 0))
            say(f"       Port {wanted} on {HOST} (from EHC_PUBLIC_URL, {public_url}) cannot be used "
                f"({error.strerror}): the web app will listen on {HOST}:{sock.getsockname()[1]} instead, "
                "and every link the demo makes names that port")
        yield Listener(sock, sock.getsockname()[1])
    finally:
        sock.close()


def prepare(app: App, live_references: Sequence[str]) -> DemoWeb:
    """A case with an advice request still open (a live one first, so a contributor's upload is acted on
    while the demo serves), a contributor's and a parent's link to it, and a caseworker and a manager of its team."""
    reference, advice_key, team, caseworker = _case_for_links(app, live_references)
    accounts = (
        _account(app, "demo-caseworker", "caseworker", team, caseworker),
        _account(app, "demo-manager", "manager", team, None),
    )
    contributor = contributor_link(app, reference, advice_key).url if advice_key else None
    return DemoWeb(app.settings.public_url, accounts, reference, advice_key, contributor,
                   parent_link(app, reference).url)


def _case_for_links(app: App, live_references: Sequence[str]) -> tuple[str, str | None, str, str | None]:
    today = app.clock.today()
    live = [show_case(app, reference, today) for reference in live_references]
    candidates = live + [found for found in find_cases(app, today, stages=OPEN_STAGES)
                         if found[0].reference not in live_references]
    for record, timeline in candidates:
        waiting = next((advice for advice in timeline.advice if advice.done_on is None), None)
        if waiting is not None and record.team:
            return record.reference, waiting.key, record.team, record.caseworker
    record = next((record for record, _ in live if record.team), None)
    if record is None:
        raise DemoWebFailed("no demo case has a team, so no demo account could see one")
    return record.reference, None, record.team, record.caseworker


def _account(app: App, username: str, role: str, team: str, name: str | None) -> DemoAccount:
    password = secrets.token_urlsafe(PASSWORD_BYTES)
    add_user(app, username, role, password, team=team, display_name=name)
    return DemoAccount(username, role, team, name, password)


def check_pages(web: DemoWeb) -> DemoWeb:
    """Use the running app as a caseworker, a contributor and a parent do; DemoWebFailed names the first
    page that answers otherwise. The caseworker signs out at the end, leaving no session open."""
    import httpx

    caseworker = next(account for account in web.accounts if account.role == "caseworker")
    checked = []
    with httpx.Client(base_url=web.public_url, timeout=60, follow_redirects=False) as browser:
        sign_in_page = _expect(browser, "GET", "/sign-in", 200)
        response = _expect(browser, "POST", "/sign-in", 303, data={
            "username": caseworker.username, "password": caseworker.password, "csrf_token": _token(sign_in_page)})
        checked.append(f"/sign-in answers; {caseworker.username} signs in through its form "
                       f"(to {response.headers.get('location')})")
        caseload = _expect(browser, "GET", "/cases", 200)
        heading = CASELOAD_HEADING.search(caseload.text)
        listed = set(CASE_LINK.findall(caseload.text)) - {"new"}
        if heading is None or int(heading.group(1)) == 0 or not listed:
            raise DemoWebFailed(f"/cases, signed in as {caseworker.username}, lists no cases of team "
                                f"{caseworker.team}")
        checked.append(f"/cases lists {heading.group(1)} open cases of team {caseworker.team}")
        case_page = _expect(browser, "GET", f"/cases/{web.link_case}", 200)
        checked.append(f"/cases/{web.link_case} answers")
        plans = PLAN_LINK.findall(_expect(browser, "GET", "/reviews", 200).text)
        if plans:
            _expect(browser, "GET", f"/reviews/{plans[0]}", 200)
            checked.append(f"/reviews lists plans in force of team {caseworker.team}; /reviews/{plans[0]} answers")
        else:
            checked.append(f"/reviews answers (no plan in force of team {caseworker.team})")
        _expect(browser, "POST", "/sign-out", 303, data={"csrf_token": _token(case_page)})
    with httpx.Client(timeout=60, follow_redirects=False) as stranger:  # a contributor and a parent: no session
        for name, link in (("the contributor's link", web.contributor_link), ("the parent's link", web.parent_link)):
            if link:
                _expect(stranger, "GET", link, 200)
                checked.append(f"{name} answers")
    return replace(web, checked=tuple(checked))


def _expect(client, method: str, url: str, status: int, **form):
    response = client.request(method, url, **form)
    if response.status_code != status:
        shown = url.split("/portal/")[0] + "/portal/..." if "/portal/" in url else url  # never a link's token
        raise DemoWebFailed(f"{method} {shown} answered {response.status_code}, not {status}")
    return response


def _token(page) -> str:
    found = CSRF.search(page.text)
    if found is None:
        raise DemoWebFailed(f"{page.request.url.path} has no form token")
    return found.group(1)
