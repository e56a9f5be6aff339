"""The wheel installs under import names of its own, next to PyPI's ``entrypoints`` and ``adapters``.

Both names belong to real distributions (the entry-point parser of older Jupyter and flake8
stacks; AdapterHub's library). This builds the project's wheel, installs it in a fresh venv beside
both (from the package registry, as CI has it) and checks that each import resolves to its own
files and that the wheel ships every module of the source tree.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE_TO_IMPORT = {
    "enrichment_core": "enrichment_core",
    "adapters": "enrichment_adapters",
    "entrypoints": "enrichment_entrypoints",
}

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=600, check=False
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", out, ROOT)
    (built,) = out.glob("expert_enrichment-*.whl")
    return built


def test_the_wheel_ships_every_source_module_under_its_import_name(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = set()
    for folder, import_name in SOURCE_TO_IMPORT.items():
        base = ROOT / "src" / folder
        for path in base.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                expected.add(f"{import_name}/{path.relative_to(base).as_posix()}")
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"
    assert not {n for n in names if n.split("/")[0] in {"adapters", "entrypoints"}}


def test_the_wheel_installs_next_to_pypi_entrypoints_and_adapters(
    wheel: Path, tmp_path: Path
) -> None:
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    _run(python, "-m", "pip", "install", "-q", "entrypoints")
    _run(python, "-m", "pip", "install", "-q", "--no-deps", "adapters")
    _run(python, "-m", "pip", "install", "-q", "--no-deps", wheel)
    probe = (
        "import importlib.util, json, entrypoints, enrichment_core, enrichment_adapters, "
        "enrichment_entrypoints\n"
        "spec = importlib.util.find_spec('adapters')\n"
        "print(json.dumps({'entrypoints': entrypoints.__file__, "
        "'adapters': spec.origin, 'adapters_text': open(spec.origin).read(), "
        "'version': enrichment_core.__version__, "
        "'ours': [enrichment_adapters.__file__, enrichment_entrypoints.__file__]}))"
    )
    found = json.loads(_run(python, "-c", probe, cwd=tmp_path))
    assert found["entrypoints"].endswith("site-packages/entrypoints.py")
    # AdapterHub's package, untouched by ours (importing it would need transformers).
    assert found["adapters"].endswith("site-packages/adapters/__init__.py")
    assert "enrichment_core.ports" not in found["adapters_text"]
    assert all("site-packages/enrichment_" in path for path in found["ours"])
    assert found["version"] not in {"", "0+unknown"}
