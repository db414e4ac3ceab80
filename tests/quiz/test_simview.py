"""Expressions read exactly the fields the engine declares, as docs/authoring.md lists them."""

from __future__ import annotations

import re
from pathlib import Path

from quizsvc.content.expr import Series, StepSeries, compile_expr
from quizsvc.content.problems import Loc, Reporter
from quizsvc.content.scope import Scope
from quizsvc.quiz.simcache import SIM_CACHE
from quizsvc.quiz.simview import sim_record
from quizsvc.sim import SimConfig
from quizsvc.sim.fields import LAYER_FIELDS, RESULT_FIELDS, SCALAR_FIELDS, STEP_FIELDS

AUTHORING = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
CONFIG = SimConfig(depth=3, width=8, batch=8, activation="tanh", steps=3, record_every=1, seed=5)


def test_a_simulation_offers_every_declared_field_and_nothing_else() -> None:
    result = SIM_CACHE.get(CONFIG)
    record = sim_record(result)
    assert list(record.fields) == list(RESULT_FIELDS)
    for name in LAYER_FIELDS:
        series = record.get(name)
        assert isinstance(series, Series) and list(series) == result.metric(name)
    for name in STEP_FIELDS:
        trace = record.get(name)
        assert isinstance(trace, StepSeries) and trace.steps == (0, 1, 2)
    assert record.get("depth") == 3 and record.get("loss") == result.loss
    assert record.get("step_grad_norm")[-1] == result.steps[-1].total_grad_norm


def test_every_declared_field_passes_the_load_time_check_and_reads_at_run_time() -> None:
    record = sim_record(SIM_CACHE.get(CONFIG))
    scope = Scope(sims={"net"})
    for name in RESULT_FIELDS:
        expr = compile_expr(f"net.{name}")
        rep = Reporter("lesson.md")
        assert scope.check(expr, Loc(1), rep), rep.problems
        assert expr.evaluate({"net": record}) is record.get(name)
    rep = Reporter("lesson.md")
    assert not scope.check(compile_expr("net.weight_grad"), Loc(7), rep)
    assert "did you mean weight_grad_norm" in str(rep.problems[0])


def test_the_authoring_guide_lists_the_declared_fields() -> None:
    text = AUTHORING.read_text(encoding="utf-8")
    section = text[text.index("A simulation named `net` offers:") :].split("\n\n")[1]
    documented = set(re.findall(r"`([a-z][a-z_]*)(?:\[k\])?`", section)) - {"none"}
    assert documented == set(RESULT_FIELDS)
    assert set(SCALAR_FIELDS) <= documented
