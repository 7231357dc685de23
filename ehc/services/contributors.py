"""The contributor directory (the advice givers reminders go to): add one, import a CSV of them, list them."""

from __future__ import annotations

from pathlib import Path

from ehc.bootstrap import App
from ehc.imports.contributors_csv import read_contributors
from ehc.parse import InputError


def add_contributor(app: App, code: str, name: str, agency: str, team: str | None = None, email: str | None = None,
                    escalation_email: str | None = None) -> None:
    """Values already checked (``ContributorRow``); a code already in the directory is refused."""
    with app.unit_of_work() as work:
        try:
            work.cases.add_contributor(code, name, agency, team, email, escalation_email)
        except ValueError as error:  # the code is taken: the store's message names it
            raise InputError(str(error)) from error


def import_contributors(app: App, path: Path) -> int:
    """Every row of the CSV, or none (InputError lists each bad line); returns how many were added."""
    with app.unit_of_work() as work:
        rows = read_contributors(path, work.cases.stored_contributor_codes)
        for row in rows:
            work.cases.add_contributor(row.code, row.name, row.agency.value, row.team, row.email,
                                       row.escalation_email)
    return len(rows)


def contributor_directory(app: App) -> list[dict]:
    """Every contributor, by agency then code."""
    with app.unit_of_work() as work:
        return [{"code": c.code, "name": c.name, "agency": c.agency, "team": c.team, "email": c.email,
                 "escalation_email": c.escalation_email} for c in work.cases.contributors()]
