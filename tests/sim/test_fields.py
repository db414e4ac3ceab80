"""The result fields other layers read by name stay in step with the result types."""

from __future__ import annotations

import ast
import dataclasses
import typing
from pathlib import Path

from quizsvc.sim import LAYER_METRICS, LayerStats, SimResult, StepStats
from quizsvc.sim.fields import LAYER_FIELDS, RESULT_FIELDS, SCALAR_FIELDS, STEP_FIELDS

# Numbers of SimResult that templates do not read, each for a reason.
KEPT_BACK = {"seeds"}  # how many seeds were aggregated: a setting the template chose
NUMBERS = {float, int, float | None, int | None}
SIM = Path(__file__).resolve().parents[2] / "quizsvc" / "sim"


def numbers_of(cls: type) -> set[str]:
    hints = typing.get_type_hints(cls)
    return {f.name for f in dataclasses.fields(cls) if hints[f.name] in NUMBERS}


def test_every_number_of_a_result_is_readable_or_deliberately_kept_back() -> None:
    assert numbers_of(SimResult) - KEPT_BACK == set(SCALAR_FIELDS) - {"depth"}
    assert numbers_of(LayerStats) - {"index"} == set(LAYER_FIELDS) == set(LAYER_METRICS)
    assert numbers_of(StepStats) - {"step"} == set(STEP_FIELDS.values())


def test_field_names_are_unique() -> None:
    assert len(RESULT_FIELDS) == len(set(RESULT_FIELDS))


def test_the_field_list_needs_no_torch() -> None:
    """content imports quizsvc.sim.fields; nothing it reaches inside sim may import torch."""
    seen: set[str] = set()
    todo = ["fields"]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        tree = ast.parse((SIM / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in {"torch", "numpy", "matplotlib"}, module
                assert name != "quizsvc.sim", f"{module} imports the engine's package root"
                if name.startswith("quizsvc.sim."):
                    todo.append(name.removeprefix("quizsvc.sim."))
    assert {"fields", "result", "config"} <= seen
