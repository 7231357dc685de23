"""Who may see which case (ehc/services/access.py): by role and team, and the LA's setting for managers."""

from __future__ import annotations

import pytest

from config.settings import Settings
from ehc.parse import FieldProblems
from ehc.services.access import Role, Viewer, check_may_add_case, may_manage_users, may_see_case

# (role, their team, managers see every team?) -> the case teams they may see, of North, South and none
SEES = {
    (Role.CASEWORKER, "North", False): {"North"},
    (Role.CASEWORKER, "North", True): {"North"},  # the setting is about managers only
    (Role.MANAGER, "North", False): {"North"},
    (Role.MANAGER, "North", True): {"North", "South", None},
    (Role.ADMIN, None, False): set(),
    (Role.ADMIN, None, True): set(),  # an admin sees no case data, whatever the setting
}


@pytest.mark.parametrize("who", SEES, ids=lambda who: f"{who[0]}-{who[1]}-{'all' if who[2] else 'own'}")
def test_each_role_sees_the_cases_of_the_teams_it_should(who, tmp_path):
    role, team, all_teams = who
    viewer = Viewer(username="someone", display_name=None, role=role, team=team)
    settings = Settings(state_dir=tmp_path, manager_sees_all_teams=all_teams)
    assert {case_team for case_team in ("North", "South", None) if may_see_case(viewer, case_team, settings)} \
        == SEES[who]


def test_only_an_admin_manages_accounts():
    assert [role for role in Role if may_manage_users(Viewer("x", None, role, None))] == [Role.ADMIN]


@pytest.mark.parametrize("who", SEES, ids=lambda who: f"{who[0]}-{who[1]}-{'all' if who[2] else 'own'}")
def test_a_new_case_may_be_added_to_exactly_the_teams_its_author_sees(who, tmp_path):
    role, team, all_teams = who
    viewer = Viewer(username="someone", display_name=None, role=role, team=team)
    settings = Settings(state_dir=tmp_path, manager_sees_all_teams=all_teams)

    def may_add(case_team: str | None) -> bool:
        try:
            check_may_add_case(viewer, case_team, settings)
        except FieldProblems as refused:
            assert refused.problems[0][0] == "team"
            return False
        return True

    assert {case_team for case_team in ("North", "South", None) if may_add(case_team)} == SEES[who]
