"""Who may see which case in the web app: by role and team, checked on every request (docs/WEB.md, "Roles").

- a caseworker sees the cases whose ``team`` is their team;
- a manager sees their team's cases, or every team's when the setting ``manager_sees_all_teams`` is on;
- an admin manages accounts and sees no case data: keeping people's accounts is not casework, and an account
  that can make accounts should not also read children's records.

A case with no team is seen only by a manager who sees every team.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from config.settings import Settings
from ehc.parse import FieldProblems


class Role(StrEnum):
    CASEWORKER = "caseworker"
    MANAGER = "manager"
    ADMIN = "admin"


@dataclass(frozen=True)
class Viewer:
    """The signed-in person a page is for."""

    username: str
    display_name: str | None
    role: Role
    team: str | None

    @property
    def name(self) -> str:
        """As cases name their caseworker: the display name, else the username."""
        return self.display_name or self.username


@dataclass(frozen=True)
class CaseScope:
    """Which cases a viewer may see: every team's (``all_teams``), or only ``teams``' (possibly none)."""

    all_teams: bool
    teams: frozenset[str]

    def includes(self, team: str | None) -> bool:
        return self.all_teams or (team is not None and team in self.teams)

    @property
    def sees_cases(self) -> bool:
        return self.all_teams or bool(self.teams)

    @property
    def described(self) -> str:
        if self.all_teams:
            return "Every team's cases"
        if self.teams:
            return " and ".join(sorted(self.teams)) + (" team's cases" if len(self.teams) == 1 else " teams' cases")
        return "No cases"


NO_CASES = CaseScope(all_teams=False, teams=frozenset())


def case_scope(viewer: Viewer, settings: Settings) -> CaseScope:
    if viewer.role is Role.ADMIN:
        return NO_CASES
    if viewer.role is Role.MANAGER and settings.manager_sees_all_teams:
        return CaseScope(all_teams=True, teams=frozenset())
    return CaseScope(all_teams=False, teams=frozenset({viewer.team}) if viewer.team else frozenset())


def may_see_case(viewer: Viewer, case_team: str | None, settings: Settings) -> bool:
    return case_scope(viewer, settings).includes(case_team)


def check_may_add_case(viewer: Viewer, team: str | None, settings: Settings) -> None:
    """A new case must be one the person adding it may then see: a caseworker adds to their own team.

    Raises FieldProblems naming ``team``."""
    scope = case_scope(viewer, settings)
    if scope.includes(team):
        return
    allowed = " or ".join(sorted(scope.teams))
    raise FieldProblems.one("team", f"must be {allowed}, your own team" if allowed
                            else "your account has no team, so it cannot add cases")


def may_manage_users(viewer: Viewer) -> bool:
    return viewer.role is Role.ADMIN
