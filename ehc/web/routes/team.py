"""`/team`: workload per caseworker, the overdue cases and overdue advice, for the teams the viewer may see
(a caseworker sees their own team's; a manager theirs, or every team's when the LA sets it)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ehc.services.access import case_scope
from ehc.services.team import team_view
from ehc.services.users import SignedIn
from ehc.web.sessions import case_worker_or_manager
from ehc.web.templating import render

router = APIRouter()


@router.get("/team")
def team(request: Request, session: SignedIn = Depends(case_worker_or_manager)) -> Response:
    app = request.app.state.app
    as_of = app.clock.today()
    return render(request, "team.html", {"view": team_view(app, session.viewer, as_of), "as_of": as_of,
                                         "scope_text": case_scope(session.viewer, app.settings).described})
