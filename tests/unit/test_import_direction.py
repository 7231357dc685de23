"""Imports point inward: each layer may import only the layers beneath it (docs/ARCHITECTURE.md).

Read from the source with ``ast``, so imports inside functions (the CLI's
lazy ones) and behind ``if TYPE_CHECKING`` count too. The domain's own
purity (stdlib and pydantic only) is tests/unit/test_domain_is_pure.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What each layer must never import. A layer is the longest dotted prefix of a module's name listed here.
NEVER = {
    "config": {"store", "ehc", "flows", "deployments", "notifications", "reports"},
    "store": {"ehc", "flows", "deployments", "notifications", "reports"},
    "notifications": {"ehc", "flows", "deployments", "reports"},
    "reports": {"ehc", "flows", "deployments", "notifications"},
    # Entry points and what they share sit above the services; services never reach back up.
    "ehc.services": {"ehc.cli", "ehc.demo", "flows", "deployments", "ehc.web", "ehc.orchestration.serve",
                     "ehc.orchestration.local_server"},
    "ehc.imports": {"ehc.cli", "ehc.demo", "ehc.services", "ehc.orchestration", "flows", "deployments", "ehc.web"},
    "ehc.orchestration": {"ehc.cli", "ehc.demo", "ehc.services", "ehc.imports", "ehc.web"},
    "ehc.parse": {"ehc", "store", "flows", "deployments", "notifications", "reports", "config"},
    "ehc.clock": {"ehc", "store", "flows", "deployments", "notifications", "reports", "config"},
    "ehc.case_views": {"ehc.cli", "ehc.demo", "ehc.services", "flows", "deployments", "ehc.web"},
    "ehc.review_views": {"ehc.cli", "ehc.demo", "ehc.services", "flows", "deployments", "ehc.web"},
    "ehc.bootstrap": {"ehc.cli", "ehc.demo", "ehc.services", "ehc.imports", "flows", "deployments", "ehc.web"},
    "ehc.demo": {"ehc.cli", "ehc.web"},
    "flows": {"ehc.cli", "ehc.demo", "ehc.web"},
    # The web app is an entry point beside the CLI: it calls the services, never the CLI, the demo or a flow.
    "ehc.web": {"ehc.cli", "ehc.demo", "flows", "deployments"},
}
LAYERS = sorted(NEVER, key=len, reverse=True)
PACKAGES = ("config", "store", "notifications", "reports", "ehc", "flows")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str | None:
    return next((layer for layer in LAYERS if module == layer or module.startswith(layer + ".")), None)


def imported_modules(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def forbidden_imports(module_of_source: str, source: str) -> list[str]:
    layer = layer_of(module_of_source)
    if layer is None:
        return []
    return sorted(module for module in imported_modules(source)
                  if any(module == never or module.startswith(never + ".") for never in NEVER[layer])
                  and layer_of(module) != layer)


SOURCES = sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
                 if "migrations" not in path.parts)


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_module_imports_a_layer_above_its_own(path):
    assert forbidden_imports(module_name(path), path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("module, source, caught", [
    ("ehc.services.casework", "def f():\n    from ehc.cli.common import emit\n", ["ehc.cli.common", "ehc.cli.common.emit"]),
    ("store.cases", "import ehc.bootstrap\n", ["ehc.bootstrap"]),
    ("ehc.imports.caseload", "from ehc.services import casework\n", ["ehc.services", "ehc.services.casework"]),
    ("ehc.cli.casework", "from ehc.services import casework\n", []),
])
def test_the_rule_catches_an_import_that_points_outward_even_inside_a_function(module, source, caught):
    assert forbidden_imports(module, source) == caught


def test_every_layer_named_here_exists():
    for layer in NEVER:
        base = ROOT / Path(*layer.split("."))
        assert base.is_dir() or base.with_suffix(".py").is_file(), layer
