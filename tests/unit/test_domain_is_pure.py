"""The domain layer is pure: stdlib and pydantic only, no clock, no I/O (domain/__init__.py).

Checked from the source with ``ast`` so that an import inside a function, or
behind ``if TYPE_CHECKING``, is caught too.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from freezegun import freeze_time

import domain
from domain.events import Decision, DecisionOutcome, Received
from domain.timeline import timeline_for

DOMAIN_DIR = Path(domain.__file__).parent
FORBIDDEN = frozenset({
    "prefect", "sqlalchemy", "jinja2", "holidays", "alembic",
    "config", "store", "flows", "notifications", "reports", "web", "ehc",
})
DOMAIN_FILES = sorted(DOMAIN_DIR.rglob("*.py"))


def imported_roots(source: str) -> set[str]:
    """Top-level package of every absolute import in ``source``."""
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__"
              and node.args and isinstance(node.args[0], ast.Constant)):
            roots.add(str(node.args[0].value).split(".")[0])
    return roots


def test_the_domain_package_has_the_modules_this_test_is_meant_to_check():
    names = {path.name for path in DOMAIN_FILES}
    assert {"calendar.py", "rules.py", "closures.py", "events.py", "casefile.py", "timeline.py",
            "intake.py"} <= names


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda path: str(path.relative_to(DOMAIN_DIR)))
def test_no_domain_module_imports_infrastructure_or_outer_layers(path):
    forbidden = imported_roots(path.read_text(encoding="utf-8")) & FORBIDDEN
    assert not forbidden, f"domain/{path.relative_to(DOMAIN_DIR)} imports {sorted(forbidden)}"


@pytest.mark.parametrize(("source", "found"), [
    ("import holidays", {"holidays"}),
    ("from sqlalchemy.orm import Session", {"sqlalchemy"}),
    ("import prefect.flows as flows", {"prefect"}),
    ("def later():\n    from config.la import load_la_config", {"config"}),
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import store.cases", {"typing", "store"}),
    ("jinja2 = __import__('jinja2')", {"jinja2"}),
    ("from . import rules\nfrom .events import Received", set()),
], ids=["import", "from-import", "dotted with alias", "inside a function", "behind TYPE_CHECKING",
        "__import__", "relative imports stay inside domain"])
def test_the_import_check_sees_every_form_of_import(source, found):
    assert imported_roots(source) == found


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda path: str(path.relative_to(DOMAIN_DIR)))
def test_no_domain_module_reads_the_clock_or_the_environment(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not attributes & {"today", "now", "utcnow", "environ", "getenv"}
    assert "open" not in {node.func.id for node in ast.walk(tree)
                          if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}


@pytest.mark.parametrize("today", ["2026-04-14", "2031-01-01", "2019-07-01"],
                         ids=["Tue after the decision was due", "years later", "years before"])
def test_a_timeline_depends_on_as_of_and_never_on_todays_date(calendar, today):
    events = [Received(on=date(2026, 3, 2)), Decision(on=date(2026, 4, 10), outcome=DecisionOutcome.ASSESS)]
    expected = timeline_for(events, calendar, as_of=date(2026, 5, 1))
    with freeze_time(today):
        assert timeline_for(events, calendar, as_of=date(2026, 5, 1)) == expected
