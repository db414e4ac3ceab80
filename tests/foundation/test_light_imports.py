"""The lower layers import without the heavy libraries of the layers above or beside them.

Each check runs in a fresh interpreter: the test process itself has long imported everything.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# (module, libraries that importing it must not load)
LIGHT = [
    ("quizsvc.sim", ("flask", "sqlalchemy", "torch", "matplotlib")),
    ("quizsvc.plots", ("flask", "sqlalchemy", "torch", "matplotlib")),
    ("quizsvc.quiz", ("flask", "sqlalchemy", "torch", "matplotlib")),
    ("quizsvc.content", ("flask", "sqlalchemy", "torch", "matplotlib")),
]


def _loaded(code: str, libraries: tuple[str, ...]) -> list[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {libraries!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.split()


@pytest.mark.parametrize(("module", "libraries"), LIGHT, ids=[m for m, _ in LIGHT])
def test_lower_layers_import_light(module: str, libraries: tuple[str, ...]) -> None:
    assert _loaded(f"import {module}", libraries) == []


def test_the_app_factory_loads_neither_torch_nor_matplotlib() -> None:
    """`quizsvc db upgrade` and every test's app pay no torch import: the engine and the
    drawing code load with the first simulation and the first figure."""
    code = "import quizsvc\nquizsvc.create_app({'TESTING': True})"
    assert _loaded(code, ("torch", "matplotlib")) == []


def test_the_heavy_libraries_load_on_first_use() -> None:
    """The check above would pass for a package that never loads torch at all."""
    code = (
        "from quizsvc.sim import SimConfig, simulate\n"
        "from quizsvc.plots import render\n"
        "render('grad_norms', [simulate(SimConfig(depth=2, width=4, batch=2))])"
    )
    assert _loaded(code, ("torch", "matplotlib")) == ["torch", "matplotlib"]
