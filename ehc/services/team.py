"""The team page: each caseworker's open cases and how many are overdue, the overdue cases, and advice overdue
by agency and by contributor, within the teams the viewer may see (ehc/services/access.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from domain.timeline import OPEN_STAGES
from ehc.bootstrap import App
from ehc.services.access import Viewer, case_scope
from ehc.services.caseload import CaseloadPage, caseload_page
from store.caseload import CaseloadFilter


@dataclass(frozen=True)
class Workload:
    caseworker: str | None
    open_cases: int
    overdue: int


@dataclass(frozen=True)
class TeamView:
    workload: list[Workload]
    overdue: CaseloadPage  # the first page of overdue cases, soonest missed first
    advice_by_agency: list[tuple[str, int]]
    advice_by_contributor: list[tuple[str, str | None, int]]  # agency, contributor's name (None: not named), count


def team_view(app: App, viewer: Viewer, as_of: date) -> TeamView:
    scope = case_scope(viewer, app.settings)
    teams = None if scope.all_teams else scope.teams
    overdue = caseload_page(app, viewer, as_of, CaseloadFilter(teams=None, stages=OPEN_STAGES, overdue=True))
    if not scope.sees_cases:
        return TeamView([], overdue, [], [])
    with app.unit_of_work() as work:
        workload = [Workload(*row) for row in work.caseload.workload(as_of, teams)]
        by_contributor = work.caseload.overdue_advice(as_of, teams)
    by_agency: dict[str, int] = defaultdict(int)
    for agency, _, count in by_contributor:
        by_agency[agency] += count
    return TeamView(workload, overdue, sorted(by_agency.items(), key=lambda item: (-item[1], item[0])),
                    by_contributor)
