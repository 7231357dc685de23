"""The session cookie: a random token (``ehc_session``), HttpOnly, SameSite=Lax, Secure over HTTPS.

The store keeps only the token's SHA-256 (ehc/services/users.py); each request looks the session up once
(``current_session``, cached on the request) and a page that needs someone signed in asks for
``signed_in`` (a FastAPI dependency), which sends everyone else to the sign-in page.
"""

from __future__ import annotations

import re

from fastapi import Request

from ehc.services.access import Role, may_manage_users
from ehc.services.users import SignedIn, resume_session

SESSION_COOKIE = "ehc_session"
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")  # what secrets.token_urlsafe makes; anything else is not looked up
_LOOKED_UP = "ehc_signed_in"


class SignInRequired(Exception):
    """No live session: the page is answered with a redirect to the sign-in page."""

    def __init__(self, next_path: str | None = None) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class NotAllowed(Exception):
    """Signed in, but this page is not for this role: a 404 page, recorded as ``access_refused``."""

    def __init__(self, subject: str, detail: str) -> None:
        super().__init__(detail)
        self.subject = subject
        self.detail = detail


def current_session(request: Request) -> SignedIn | None:
    """The request's live session, or None; looked up in the store once per request."""
    if _LOOKED_UP not in request.scope:
        token = request.cookies.get(SESSION_COOKIE)
        request.scope[_LOOKED_UP] = (resume_session(request.app.state.app, token)
                                     if token and TOKEN_SHAPE.fullmatch(token) else None)
    return request.scope[_LOOKED_UP]


def signed_in(request: Request) -> SignedIn:
    """Dependency: the live session, or SignInRequired (a redirect to /sign-in that comes back here)."""
    session = current_session(request)
    if session is None:
        raise SignInRequired(request.url.path if request.method == "GET" else None)
    return session


def case_worker_or_manager(request: Request) -> SignedIn:
    """Dependency for the case pages: an admin sees no case data (ehc/services/access.py)."""
    session = signed_in(request)
    if session.viewer.role is Role.ADMIN:
        raise NotAllowed(request.url.path, "an admin sees no case data")
    return session


def admin(request: Request) -> SignedIn:
    session = signed_in(request)
    if not may_manage_users(session.viewer):
        raise NotAllowed(request.url.path, f"a {session.viewer.role} does not manage accounts")
    return session


def is_secure(request: Request) -> bool:
    """Cookies are Secure when the page came over HTTPS or the service's public address is HTTPS."""
    return request.url.scheme == "https" or request.app.state.app.settings.public_url.startswith("https://")


def set_session_cookie(request: Request, response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=is_secure(request), path="/")


def clear_session_cookie(request: Request, response) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=is_secure(request), path="/")


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None
