"""Recurrent simulations in lessons: live figures, expressions over time steps, and the errors an
instructor sees when a template mixes up per-layer and per-time-step quantities."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizsvc.content.exprlib import ExprError, TimeSeries
from quizsvc.quiz.checks import check_template
from quizsvc.quiz.generate import VariantError, build
from quizsvc.sim import SimConfig, simulate
from tests.content.lessons import find, line_of, load_text

LESSON = """\
---
id: rnn-lesson
title: RNN
summary: Recurrent.
order: 1
objectives:
  - id: obj-a
    text: First.
  - id: obj-b
    text: Second.
  - id: obj-c
    text: Third.
---

# RNN

```figure
id: lstm-vs-rnn
caption: Gradient per time step.
kind: time_grad_norms
sims:
  "LSTM, forget bias 1": {arch: lstm, seq_len: 12, hidden: 16, batch: 8, forget_bias: 1}
  RNN: {arch: rnn, seq_len: 12, hidden: 16, batch: 8}
```

```question
id: rnn-share
kind: numeric
objectives: [obj-a, obj-b, obj-c]
difficulty: 2
params:
  steps: {int: [8, 16]}
  gain: {uniform: [0.5, 0.9], round: 2}
sims:
  net: {arch: rnn, seq_len: =steps, hidden: 16, batch: 8, recurrent_gain: =gain}
  cell: {arch: lstm, seq_len: =steps, hidden: 16, batch: 8, forget_bias: 1}
values:
  share: net.hidden_grad_norm[1] / net.hidden_grad_norm[-1]
  forget: cell.forget_mean[-1]
prompt: |
  An rnn over {{ steps }} steps with gain {{ gain }}. What share reaches $t = 1$?
figures:
  - {kind: time_grad_norms, sims: [net], hide: [hidden_grad_norm]}
answer:
  value: =share
  tolerance: {log10: 0.1}
explanation: It is {{ share:.3g }}; the forget gate is {{ forget:.2f }} at the end.
```
"""


def test_a_recurrent_lesson_loads_generates_and_checks_clean(tmp_path: Path) -> None:
    catalog = load_text(tmp_path, LESSON)
    assert [str(p) for p in catalog.problems] == []
    lesson = catalog.lesson("rnn-lesson")
    (template,) = lesson.questions
    generation = build(template, 3)
    steps = generation.env.names["steps"]
    net = simulate(SimConfig.from_dict(generation.configs["net"]))
    norms = net.time_metric("hidden_grad_norm")
    assert len(norms) == steps
    assert generation.env.names["share"] == pytest.approx(norms[0] / norms[-1])
    assert 0.5 < generation.env.names["forget"] < 1
    report = check_template(template, 4, render_seeds=1)
    assert report.problems == []


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"),
    [
        (
            "kind: time_grad_norms\nsims:",
            "kind: grad_norms\nsims:",
            "id: lstm-vs-rnn",
            "grad_norms draws arch mlp, not lstm: use time_grad_norms",
        ),
        (
            "RNN: {arch: rnn, seq_len: 12,",
            "RNN: {arch: rnn, depth: 3, seq_len: 12,",
            "RNN: {arch",
            "depth=3 does not apply to arch rnn",
        ),
        (
            "steps: {int: [8, 16]}",
            "steps: {int: [8, 1600]}",
            "steps: {int",
            "parameter steps can be 1600",
        ),
        (
            "forget: cell.forget_mean[-1]",
            "forget: cell.forgt_mean[-1]",
            "forget: cell",
            "did you mean forget_mean",
        ),
        (
            "  - {kind: time_grad_norms, sims: [net], hide: [hidden_grad_norm]}",
            "  - {kind: time_grad_norms, sims: [net], options: {metric: cell_grad_norm}}",
            "  - {kind: time_grad_norms",
            "needs arch lstm",
        ),
    ],
)
def test_instructor_errors_name_the_line_and_the_fix(
    tmp_path: Path, old: str, new: str, marker: str, message: str
) -> None:
    assert old in LESSON
    text = LESSON.replace(old, new)
    problem = find(load_text(tmp_path, text).problems, message)
    assert problem.line == line_of(text, marker)


def test_a_per_layer_field_of_a_recurrent_simulation_fails_the_variant(tmp_path: Path) -> None:
    text = LESSON.replace(
        "share: net.hidden_grad_norm[1] / net.hidden_grad_norm[-1]",
        "share: net.weight_grad_norm[1] / net.hidden_grad_norm[-1]",
    )
    catalog = load_text(tmp_path, text)
    (template,) = catalog.lesson("rnn-lesson").questions
    with pytest.raises(VariantError, match=r"a recurrent \(rnn\) simulation has no field"):
        build(template, 0)


def test_time_series_index_from_one_and_say_time_steps() -> None:
    series = TimeSeries([0.1, 0.2, 0.3], "hidden_grad_norm")
    assert (series[1], series[-1]) == (0.1, 0.3)
    with pytest.raises(ExprError, match=r"has time steps 1\.\.3 \(or -1\.\.-3\); got \[0\]"):
        series[0]
