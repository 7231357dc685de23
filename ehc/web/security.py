"""Headers on every response, and the CSRF check every POST passes before its handler runs.

Every form carries a ``csrf_token`` field. Signed in, it is the session's own token (kept with the session
in the store). Before signing in, it is a token signed with the app's key over a random value the browser
also holds in a cookie (``ehc_form``): a page elsewhere can neither read the cookie nor make a token for it,
and SameSite=Lax keeps the cookie off other sites' POSTs anyway. A POST without a matching token is refused
with a 403 page before anything is stored, and the refusal is an audit entry (``csrf_refused``).
"""

from __future__ import annotations

import secrets

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ehc.services.users import record_refusal, same_token
from ehc.web.sessions import client_address, current_session, is_secure

CSRF_FIELD = "csrf_token"
FORM_COOKIE = "ehc_form"
FORM_TOKEN_MAX_AGE = 2 * 60 * 60  # seconds: a sign-in page left open longer is sent again
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
    "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'",
))
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),  # everywhere: portal links carry tokens, and case pages references
    (b"x-frame-options", b"DENY"),  # frame-ancestors for browsers that predate it
    (b"cross-origin-opener-policy", b"same-origin"),
)
# Only the vendored assets may be cached; every page may carry case data, so none is stored anywhere.
CACHEABLE_PREFIXES = ("/static/", "/assets/")


class CsrfRefused(Exception):
    pass


class SecurityHeaders:
    """ASGI middleware: the headers above on every response, ``Cache-Control: no-store`` on all but assets."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope["path"].startswith(CACHEABLE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers.extend(header for header in SECURITY_HEADERS if header[0] not in names)
                if not cacheable:
                    headers = [header for header in headers if header[0].lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def protect_forms(request: Request) -> None:
    """An app-wide dependency: every POST (PUT, PATCH, DELETE) must carry its form's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    form = await request.form()  # parsed once: FastAPI hands the handler the same parsed form
    given = form.get(CSRF_FIELD)
    given = given if isinstance(given, str) else None
    signed_in = await run_in_threadpool(current_session, request)
    if signed_in is not None:
        accepted = same_token(signed_in.csrf_token, given)
    else:
        accepted = _pre_session_token_matches(request, given)
    if not accepted:
        app = request.app.state.app
        await run_in_threadpool(
            record_refusal, app, "csrf_refused", actor=signed_in.viewer.username if signed_in else None,
            subject=request.url.path, client_address=client_address(request),
            detail="no form token" if not given else "form token does not match")
        raise CsrfRefused()


def form_token(request: Request) -> tuple[str, str | None]:
    """The CSRF token for a page's forms, and a new ``ehc_form`` cookie value to set if the browser has none."""
    signed_in = current_session(request)
    if signed_in is not None:
        return signed_in.csrf_token, None
    cookie = request.cookies.get(FORM_COOKIE)
    new_cookie = None if cookie and len(cookie) <= 64 else secrets.token_urlsafe(32)
    return _signer(request).dumps(new_cookie or cookie), new_cookie


def set_form_cookie(request: Request, response, value: str | None) -> None:
    if value is not None:
        response.set_cookie(FORM_COOKIE, value, httponly=True, samesite="lax", secure=is_secure(request), path="/")


def _pre_session_token_matches(request: Request, given: str | None) -> bool:
    cookie = request.cookies.get(FORM_COOKIE)
    if not given or not cookie:
        return False
    try:
        signed = _signer(request).loads(given, max_age=FORM_TOKEN_MAX_AGE)
    except BadSignature:
        return False
    return isinstance(signed, str) and same_token(signed, cookie)


def _signer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.app.secret_key, salt="ehc-web-form")
