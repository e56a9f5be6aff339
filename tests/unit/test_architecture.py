"""The dependency rules of the hexagon, read from the source: a new import that breaks them fails."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
CORE, ADAPTERS, ENTRYPOINTS = SRC / "enrichment_core", SRC / "adapters", SRC / "entrypoints"
COMPOSITION_ROOT = {"wiring.py", "builders.py"}  # entrypoints/: the only modules that know adapters


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
    sorted(p for p in ENTRYPOINTS.rglob("*.py") if p.name not in COMPOSITION_ROOT),
    ids=lambda p: str(p.relative_to(ENTRYPOINTS)),
)
def test_only_the_composition_root_imports_adapters(path: Path) -> None:
    """The CLI, the API (its error table included) and the sample data go through ``wiring``.

    The check follows ``import`` statements, lazy ones inside functions included."""
    assert [m for m in imported_modules(path) if top(m) == "enrichment_adapters"] == []


# --- sizes a reader can hold in their head ---------------------------------------------------

MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
# Data tables, not logic: vocabularies of occupations and sample-profile phrases.
DATA_TABLES = {
    SRC / "adapters" / "local" / "vocabulary.py",
    SRC / "entrypoints" / "sample_data" / "vocabulary.py",
}
SOURCE_FILES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize(
    "path",
    [p for p in SOURCE_FILES if p not in DATA_TABLES],
    ids=lambda p: str(p.relative_to(SRC)),
)
def test_no_module_is_longer_than_the_limit(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(SRC)} has {lines} lines: split it"


def long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_function_is_longer_than_the_limit(path: Path) -> None:
    assert long_functions(path) == []
