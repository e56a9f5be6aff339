"""The dependency rules of the hexagon, read from the source: a new import that breaks them fails."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
CORE, ADAPTERS, ENTRYPOINTS = SRC / "enrichment_core", SRC / "adapters", SRC / "entrypoints"


def imported_modules(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def top(module: str) -> str:
    return module.split(".")[0]


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: p.name)
def test_the_core_imports_only_itself_numpy_anyio_and_the_standard_library(path: Path) -> None:
    allowed = {"enrichment_core", "numpy", "anyio", "__future__", *sys.stdlib_module_names}
    assert sorted({m for m in imported_modules(path) if top(m) not in allowed}) == []


@pytest.mark.parametrize("path", sorted(ADAPTERS.rglob("*.py")), ids=lambda p: p.name)
def test_adapters_never_import_the_entrypoints(path: Path) -> None:
    assert [m for m in imported_modules(path) if top(m) == "enrichment_entrypoints"] == []


@pytest.mark.parametrize(
    "path",
    sorted(p for p in ENTRYPOINTS.rglob("*.py") if p.name != "wiring.py"),
    ids=lambda p: str(p.relative_to(ENTRYPOINTS)),
)
def test_only_the_composition_root_imports_adapters(path: Path) -> None:
    """The CLI, the API (its error table included) and the sample data go through ``wiring``."""
    assert [m for m in imported_modules(path) if top(m) == "enrichment_adapters"] == []
