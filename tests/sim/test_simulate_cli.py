"""`quizsvc simulate`: every config field is an option; JSON, table and figure output."""

from __future__ import annotations

import dataclasses
import itertools
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


def _recurrent(*args: str) -> dict:
    code, out = run(*args, "--batch", "8", "--json")
    assert code == 0, out
    return json.loads(out)


@pytest.mark.parametrize(
    ("arch", "extra"),
    [
        ("rnn", ["--activation", "tanh"]),
        ("rnn", ["--activation", "relu"]),
        ("lstm", ["--forget-bias", "1"]),
        ("gru", []),
    ],
)
@pytest.mark.parametrize("init", ["orthogonal", "normal", "identity"])
def test_the_recurrent_cli_contract(arch: str, extra: list[str], init: str) -> None:
    """issue 15: --arch --seq-len --hidden --recurrent-init --recurrent-gain [--forget-bias]
    [--activation] --json prints time_steps (t from 1 = earliest, hidden_grad_norm) beside the
    existing keys."""
    data = _recurrent(
        "--arch", arch, "--seq-len", "6", "--hidden", "8",
        "--recurrent-init", init, "--recurrent-gain", "0.9", *extra,
    )  # fmt: skip
    steps = data["time_steps"]
    assert [s["t"] for s in steps] == [1, 2, 3, 4, 5, 6]
    assert all(s["hidden_grad_norm"] > 0 for s in steps)
    assert {"total_grad_norm", "clipped_grad_norm", "loss", "steps", "config"} <= set(data)
    cfg = data["config"]
    assert (cfg["arch"], cfg["seq_len"], cfg["hidden"]) == (arch, 6, 8)
    assert (cfg["recurrent_init"], cfg["recurrent_gain"]) == (init, 0.9)
    assert cfg["forget_bias"] == (1.0 if arch == "lstm" else 0.0)
    assert (steps[0]["cell_grad_norm"] is not None) == (arch == "lstm")


@pytest.mark.parametrize("init", ["orthogonal", "identity"])
def test_the_gain_scales_a_linear_rnn_gradient_by_g_per_step(init: str) -> None:
    """The gain is the critical size: orthogonal times G and G times the identity have every
    singular value equal to G, so a linear rnn's gradient changes by exactly G per step."""
    data = _recurrent(
        "--arch", "rnn", "--activation", "linear", "--seq-len", "8", "--hidden", "8",
        "--recurrent-init", init, "--recurrent-gain", "1.5", "--dtype", "float64",
    )  # fmt: skip
    norms = [s["hidden_grad_norm"] for s in data["time_steps"]]
    for earlier, later in itertools.pairwise(norms):
        assert earlier / later == pytest.approx(1.5, rel=1e-9)


def test_clip_norm_reports_total_and_clipped_for_a_recurrent_network() -> None:
    data = _recurrent(
        "--arch", "lstm", "--seq-len", "6", "--hidden", "8", "--clip-norm", "0.001",
    )  # fmt: skip
    assert data["total_grad_norm"] > 0.001
    assert data["clipped_grad_norm"] == pytest.approx(0.001, rel=1e-4)


def test_recurrent_table_lists_time_steps() -> None:
    code, out = run("--arch", "lstm", "--seq-len", "4", "--hidden", "8", "--forget-bias", "1")
    assert code == 0, out
    assert "lstm (forget bias 1)" in out and "|dL/dh_t|" in out and "forget sat" in out
    rows = [line.split() for line in out.splitlines() if line[:5].strip() in "1234"]
    assert [row[0] for row in rows if row] == ["1", "2", "3", "4"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--arch", "lstm", "--depth", "3"], "depth=3 does not apply to arch lstm"),
        (["--arch", "gru", "--forget-bias", "1"], "only an lstm has a forget gate"),
        (["--seq-len", "20"], "set arch to rnn, lstm or gru"),
        (["--arch", "rnn", "--activation", "sigmoid"], "allowed tanh, relu, linear"),
        (["--arch", "rnn", "--recurrent-init", "eye"], "recurrent_init='eye' is not supported"),
        (["--arch", "lstm", "--seq-len", "1000", "--hidden", "1024"], "exceeds the budget"),
    ],
)
def test_bad_recurrent_options_are_usage_errors(args: list[str], message: str) -> None:
    code, out = run(*args)
    assert code == 2, out
    assert message in " ".join(out.split())


def test_plot_time_grad_norms(tmp_path: Path) -> None:
    target = tmp_path / "t.svg"
    code, out = run(
        "--arch", "rnn", "--seq-len", "10", "--hidden", "8", "--batch", "4",
        "--plot", "time_grad_norms", "--theory", "-o", str(target),
    )  # fmt: skip
    assert code == 0, out
    assert "mean-field" in target.read_text()
    code, out = run("--arch", "gru", "--hidden", "8", "--plot", "grad_norms", "-o", str(target))
    assert code == 2 and "use time_grad_norms" in out
