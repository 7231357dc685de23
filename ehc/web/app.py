"""``create_web_app(app)``: the FastAPI application over the composition root's App (ehc/bootstrap.py).

Routes live in routes/, one module per area; each handler is thin over ehc/services/. Every response gets
the security headers (security.py) and every POST its CSRF check, app-wide, so no handler can forget it.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from ehc.bootstrap import App
from ehc.services.users import record_refusal
from ehc.web.security import CsrfRefused, SecurityHeaders, protect_forms
from ehc.web.sessions import NotAllowed, SignInRequired, client_address, current_session
from ehc.web.templating import build_environment, render
from ehc.web.uploads import UploadLimit, UploadTooLarge

STATIC = Path(__file__).parent / "static"


def create_web_app(app: App) -> FastAPI:
    from ehc.web.routes import admin_users, advice_documents, auth, cases, caseload, casework, portal, reviews, team

    web = FastAPI(title="EHC timelines", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(protect_forms)])
    web.state.app = app
    web.state.templates = build_environment()
    web.add_middleware(SecurityHeaders)
    web.add_middleware(UploadLimit, max_file_bytes=app.settings.advice_upload_max_mb * 1024 * 1024)
    web.add_exception_handler(UploadTooLarge, portal.upload_too_large)
    web.mount("/static", StaticFiles(directory=STATIC), name="static")
    # GOV.UK Frontend's CSS asks for its fonts and images at /assets/...
    web.mount("/assets", StaticFiles(directory=STATIC / "govuk-frontend" / "assets"), name="govuk-assets")
    # A reference may hold "/" (domain/intake.py), so the case page takes the rest of the path: every other
    # route under /cases (the forms, /cases/new, the advice downloads) is matched before it.
    for area in (auth, caseload, casework, advice_documents, cases, reviews, team, admin_users, portal):
        web.include_router(area.router)

    @web.get("/", include_in_schema=False)
    def home(request: Request) -> RedirectResponse:
        signed_in = current_session(request)
        if signed_in is None:
            return RedirectResponse("/sign-in", status_code=303)
        return RedirectResponse(landing_page(signed_in.viewer.role), status_code=303)

    _handle_refusals(web)
    return web


def landing_page(role: str) -> str:
    return "/admin/users" if role == "admin" else "/cases"


def _handle_refusals(web: FastAPI) -> None:
    @web.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, error: SignInRequired):
        target = "/sign-in" + (f"?next={error.next_path}" if error.next_path and error.next_path != "/" else "")
        return RedirectResponse(target, status_code=303)

    @web.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, error: CsrfRefused):
        return await run_in_threadpool(render, request, "refused.html", {}, 403)

    @web.exception_handler(NotAllowed)
    async def not_allowed(request: Request, error: NotAllowed):
        signed_in = await run_in_threadpool(current_session, request)
        await run_in_threadpool(record_refusal, web.state.app, "access_refused",
                                actor=signed_in.viewer.username if signed_in else None, subject=error.subject,
                                client_address=client_address(request), detail=error.detail)
        return await run_in_threadpool(render, request, "not_found.html", {}, 404)

    @web.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        if error.status_code == 404:
            return await run_in_threadpool(render, request, "not_found.html", {}, 404)
        return await run_in_threadpool(render, request, "error.html", {"status": error.status_code},
                                       error.status_code)
