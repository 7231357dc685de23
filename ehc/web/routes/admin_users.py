"""`/admin/users`: accounts, for admins only: list, add, disable (as `ehc users` does)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from ehc.parse import FieldProblems
from ehc.services.access import Role
from ehc.services.users import SignedIn, add_user, disable_user, list_users
from ehc.web.sessions import admin
from ehc.web.templating import render

router = APIRouter()

# A service's field, as the form labels it; the error summary links to the field by its id.
FIELD_LABELS = {"username": "Username", "role": "Role", "team": "Team", "name": "Name", "password": "Password"}


@router.get("/admin/users")
def users(request: Request, session: SignedIn = Depends(admin)) -> Response:
    return _page(request, done=request.query_params.get("done"))


@router.post("/admin/users")
def users_add(request: Request, session: SignedIn = Depends(admin), username: str = Form(""), role: str = Form(""),
              team: str = Form(""), name: str = Form(""), password: str = Form("")) -> Response:
    app = request.app.state.app
    try:
        add_user(app, username.strip(), role, password, team=team.strip() or None, display_name=name.strip() or None)
    except FieldProblems as problems:
        errors = [(field or "username", f"{FIELD_LABELS.get(field, field)}: {problem}")
                  for field, problem in problems.problems]
        return _page(request, errors=errors, entered={"username": username, "role": role, "team": team, "name": name},
                     status_code=400)
    return RedirectResponse("/admin/users?done=added", status_code=303)


@router.post("/admin/users/disable")
def users_disable(request: Request, session: SignedIn = Depends(admin), username: str = Form("")) -> Response:
    try:
        disable_user(request.app.state.app, username)
    except FieldProblems as problems:
        return _page(request, errors=[("", str(problems))], status_code=400)
    return RedirectResponse("/admin/users?done=disabled", status_code=303)


def _page(request: Request, *, errors=(), entered=None, done=None, status_code: int = 200) -> Response:
    return render(request, "admin_users.html", {
        "users": list_users(request.app.state.app), "roles": [role.value for role in Role], "errors": list(errors),
        "field_errors": {field: message for field, message in errors}, "entered": entered or {},
        "done": done if done in ("added", "disabled") else None}, status_code=status_code)
