"""`quizsvc simulate`: every config field is an option; JSON, table and figure output."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizsvc.cli.simulate import simulate_command
from quizsvc.sim import SimConfig, SimResult


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(simulate_command, list(args))
    return result.exit_code, result.output


def test_every_config_field_is_an_option() -> None:
    names = {p.name for p in simulate_command.params}
    assert {f.name for f in dataclasses.fields(SimConfig)} <= names


def test_json_output_is_the_documented_result() -> None:
    code, out = run(
        "--depth",
        "3",
        "--width",
        "16",
        "--batch",
        "8",
        "--activation",
        "tanh",
        "--init",
        "xavier_normal",
        "--json",
    )
    assert code == 0, out
    data = json.loads(out)
    assert [layer["index"] for layer in data["layers"]] == [1, 2, 3]
    assert {
        "weight_grad_norm",
        "bias_grad_norm",
        "output_grad_norm",
        "activation_mean",
        "activation_std",
        "saturation",
    } <= set(data["layers"][0])
    assert {"total_grad_norm", "clipped_grad_norm", "steps"} <= set(data)
    assert SimResult.from_dict(data).config == SimConfig(
        depth=3, width=16, batch=8, activation="tanh", init="xavier_normal"
    )


def test_the_issues_example_options_parse() -> None:
    """The example of the issue, scaled down to stay within the FLOP budget and fast."""
    code, out = run(
        "--depth",
        "4",
        "--width",
        "16",
        "--batch",
        "16",
        "--activation",
        "relu",
        "--init",
        "kaiming_normal",
        "--no-bias",
        "--norm",
        "batch",
        "--residual-scale",
        "0.5",
        "--clip-norm",
        "1.0",
        "--steps",
        "5",
        "--optimizer",
        "adam",
        "--lr",
        "1e-3",
        "--seeds",
        "2",
        "--dtype",
        "float64",
        "--seed",
        "0",
        "--json",
    )
    assert code == 0, out
    cfg = json.loads(out)["config"]
    assert (cfg["bias"], cfg["residual"], cfg["residual_scale"], cfg["norm"]) == (
        False,
        True,
        0.5,
        "batch",
    )
    assert (cfg["optimizer"], cfg["lr"], cfg["seeds"], cfg["dtype"]) == ("adam", 1e-3, 2, "float64")
    assert len(json.loads(out)["steps"]) == 5


@pytest.mark.parametrize(
    ("args", "field", "value"),
    [
        (["--init", "normal", "--init-std", "0.05"], "init_std", 0.05),
        (["--init", "uniform", "--init-bound", "0.1"], "init_bound", 0.1),
        (["--init", "xavier_normal", "--gain", "1.5"], "gain", 1.5),
        (["--clip-value", "0.5"], "clip_value", 0.5),
        (["--clip-norm", "1", "--clip-norm-type", "inf"], "clip_norm_type", "inf"),
        (["--width", "16,8"], "width", [16, 8]),
        (["--residual"], "residual", True),
    ],
)
def test_options_reach_the_config(args: list[str], field: str, value: object) -> None:
    code, out = run("--depth", "2", "--width", "16", *args, "--json")
    assert code == 0, out
    assert json.loads(out)["config"][field] == value


def test_table_output_lists_layers_totals_and_training() -> None:
    code, out = run("--depth", "3", "--width", "8", "--steps", "4", "--record-every", "2")
    assert code == 0, out
    assert "|dL/dW|" in out and "sat %" in out and "total grad norm" in out
    assert (
        len([line for line in out.splitlines() if line.strip().startswith(("1 ", "2 ", "3 "))]) >= 3
    )
    assert "step" in out


def test_divergence_is_reported_not_raised() -> None:
    code, out = run(
        "--depth", "3", "--width", "16", "--steps", "100", "--lr", "10", "--init", "kaiming_normal"
    )
    assert code == 0, out
    assert "non-finite loss or gradient at step" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--depth", "500"], "depth=500 is out of range: allowed 1..256"),
        (["--activation", "rleu"], "did you mean 'relu'?"),
        (["--width", "abc"], "integer"),
        (["--depth", "200", "--width", "2048", "--batch", "1024"], "exceeds the budget"),
        (["--plot", "grad_norms"], "--plot needs -o"),
    ],
)
def test_bad_options_are_usage_errors(args: list[str], message: str) -> None:
    code, out = run(*args)
    assert code == 2
    assert message in out


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_plot_writes_a_figure(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"fig.{suffix}"
    code, out = run(
        "--depth",
        "4",
        "--width",
        "16",
        "--plot",
        "grad_norms",
        "--theory",
        "--plot-option",
        "metric=output_grad_norm",
        "-o",
        str(target),
    )
    assert code == 0, out
    head = target.read_bytes()[:8]
    assert head.startswith(b"<?xml" if suffix == "svg" else b"\x89PNG")
    code, out = run("--depth", "4", "--width", "16", "--plot", "training", "-o", str(target))
    assert code == 2 and "needs a training run" in out
    code, out = run("--plot", "grad_norms", "-o", str(tmp_path / "fig.gif"))
    assert code == 2 and ".svg or .png" in out
