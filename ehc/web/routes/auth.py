"""Sign in and sign out (docs/WEB.md, "Sessions")."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ehc.services.users import WRONG_CREDENTIALS, SignedIn, SignInRefused, sign_in, sign_out
from ehc.web.security import FORM_COOKIE
from ehc.web.sessions import (
    clear_session_cookie, client_address, current_session, set_session_cookie, signed_in,
)
from ehc.web.templating import render

router = APIRouter()

# Where to go after signing in: a path of this service only (no scheme, host or query: no open redirect,
# and no personal data carried along).
NEXT_PATH = re.compile(r"/(?!/)[A-Za-z0-9/_.-]{0,200}")


@router.get("/sign-in")
def sign_in_page(request: Request, next: str | None = None) -> Response:
    if current_session(request) is not None:
        return RedirectResponse(_next_or_home(next, current_session(request)), status_code=303)
    return _form(request, next_path=_safe_next(next))


@router.post("/sign-in")
def sign_in_submitted(request: Request, username: str = Form(""), password: str = Form(""),
                      next: str = Form("")) -> Response:
    app = request.app.state.app
    username = username.strip()
    missing = [(field, message) for field, value, message in (
        ("username", username, "Enter your username"), ("password", password, "Enter your password")) if not value]
    if missing:
        return _form(request, username=username, errors=missing, next_path=_safe_next(next), status_code=400)
    try:
        session = sign_in(app, username, password, client_address(request))
    except SignInRefused as refusal:
        # One message for an unknown username and a wrong password alike: it does not say which exist.
        return _form(request, username=username, errors=[("username", str(refusal))],
                     next_path=_safe_next(next), status_code=429 if refusal.throttled else 401)
    response = RedirectResponse(_next_or_home(next, session), status_code=303)
    set_session_cookie(request, response, session.token)
    response.delete_cookie(FORM_COOKIE, path="/")
    return response


@router.post("/sign-out")
def sign_out_submitted(request: Request, session: SignedIn = Depends(signed_in)) -> Response:
    sign_out(request.app.state.app, session, client_address(request))
    response = RedirectResponse("/sign-in", status_code=303)
    clear_session_cookie(request, response)
    return response


def _form(request: Request, *, username: str = "", errors=(), next_path: str | None = None,
          status_code: int = 200) -> Response:
    field_errors = {}
    for field, message in errors:
        field_errors.setdefault(field, message)
    if field_errors.get("username") == WRONG_CREDENTIALS:
        field_errors["password"] = WRONG_CREDENTIALS
    return render(request, "sign_in.html", {"username": username, "errors": list(errors),
                                            "field_errors": field_errors, "next_path": next_path},
                  status_code=status_code)


def _safe_next(next_path: str | None) -> str | None:
    return next_path if next_path and NEXT_PATH.fullmatch(next_path) else None


def _next_or_home(next_path: str | None, session: SignedIn) -> str:
    from ehc.web.app import landing_page

    return _safe_next(next_path) or landing_page(session.viewer.role)
