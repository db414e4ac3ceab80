"""`quizsvc simulate`: run one simulation from the command line, print it or plot it.

Every `SimConfig` field is an option, generated from the dataclass so the two cannot drift;
options left out keep the engine's defaults. Validation is the engine's own, and its message
is shown against the option that caused it.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import click
import torch

from quizsvc.sim import SimConfig, SimResult, ValidationError, simulate
from quizsvc.sim.limits import BOOL_FIELDS, CHOICES, FIELD_DOCS, INT_FIELDS

_FIELDS = [f.name for f in dataclasses.fields(SimConfig)]
#: (header, LayerStats field, format spec) of the table's columns, each 11 characters wide.
_LAYER_COLUMNS = (
    ("|dL/dW|", "weight_grad_norm", ".3e"),
    ("|dL/db|", "bias_grad_norm", ".3e"),
    ("|dL/dh|", "output_grad_norm", ".3e"),
    ("mean", "activation_mean", ".3g"),
    ("std", "activation_std", ".3g"),
    ("pre std", "preactivation_std", ".3g"),
    ("sat %", "saturation", ".1%"),
    ("dead %", "dead_fraction", ".1%"),
    ("<W,dL/dW>", "w_dot_grad", ".3e"),
)
_CELL = 11
_GATE_SHORT = {"candidate": "cand."}


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _width(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    """ "64" -> 64, "64,32,16" -> [64, 32, 16]; anything else is left to the engine."""
    if value is None:
        return None
    parts = [p.strip() for p in value.split(",")]
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise click.BadParameter("give an integer or comma-separated integers") from None
    return numbers[0] if len(numbers) == 1 else numbers


def _config_option(name: str) -> Any:
    """The click option for config field ``name`` (default None: the engine's default)."""
    help_text = FIELD_DOCS[name]
    if name in BOOL_FIELDS:
        return click.option(
            f"{_flag(name)}/--no-{name.replace('_', '-')}", name, default=None, help=help_text
        )
    if name == "width":
        return click.option(_flag(name), name, callback=_width, help=help_text)
    if name in CHOICES:
        choices = ", ".join(CHOICES[name])
        return click.option(_flag(name), name, help=f"{help_text} ({choices})")
    kind: Any = int if name in INT_FIELDS else (str if name == "clip_norm_type" else float)
    return click.option(_flag(name), name, type=kind, help=help_text)


def _parse_plot_option(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: write KEY=VALUE")
        try:
            options[key] = json.loads(raw)
        except json.JSONDecodeError:
            options[key] = raw
    return options


def _options(func: Any) -> Any:
    for name in reversed(_FIELDS):
        func = _config_option(name)(func)
    return func


@click.command("simulate")
@_options
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON (docs/simulate.md)")
@click.option("--plot", "plot_kind", metavar="KIND", help="also draw a figure of this kind")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="figure file for --plot (.svg or .png)",
)
@click.option("--theory", is_flag=True, help="overlay the mean-field prediction (grad_norms)")
@click.option(
    "--plot-option",
    "plot_options",
    multiple=True,
    metavar="KEY=VALUE",
    callback=_parse_plot_option,
    help="figure option, e.g. metric=output_grad_norm",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="torch CPU threads (results are reproducible for a fixed count; the web workers use 1)",
)
def simulate_command(
    as_json: bool,
    plot_kind: str | None,
    output: Path | None,
    theory: bool,
    plot_options: dict[str, Any],
    threads: int,
    **fields: Any,
) -> None:
    """Run a network simulation and print per-layer gradient statistics.

    Example: quizsvc simulate --depth 20 --activation tanh --init xavier_normal --json
    """
    values = {k: v for k, v in fields.items() if v is not None}
    if "residual_scale" in values and "residual" not in values:
        values["residual"] = True  # a branch scale only means something with the branch
    if plot_kind is not None and output is None:
        raise click.UsageError("--plot needs -o FILE.svg or -o FILE.png")
    try:
        cfg = SimConfig.from_dict(values)
    except ValidationError as err:
        if err.field in _FIELDS:
            raise click.BadParameter(str(err), param_hint=_flag(err.field)) from None
        raise click.UsageError(str(err)) from None
    torch.set_num_threads(threads)
    result = simulate(cfg)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(format_table(result))
    if plot_kind is not None and output is not None:
        _write_plot(result, plot_kind, output, theory, plot_options, quiet=as_json)


def _write_plot(
    result: SimResult, kind: str, output: Path, theory: bool, options: dict[str, Any], quiet: bool
) -> None:
    from quizsvc.plots import FigureError, render

    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise click.UsageError(f"-o {output}: the file must end in .svg or .png")
    try:
        figure = render(kind, [result], fmt=fmt, theory=theory, **options)
    except FigureError as err:
        raise click.UsageError(f"--plot {kind}: {err}") from None
    output.write_bytes(figure.data)
    if not quiet:
        click.echo(f"figure written to {output}")


def format_table(result: SimResult) -> str:
    """The human-readable report: per-layer (or per-time-step) table, totals, training trace."""
    cfg = result.config
    seeds = f" (median of {result.seeds} seeds)" if result.seeds > 1 else ""
    lines = _recurrent_rows(result, seeds) if cfg.recurrent else _layer_rows(result, seeds)
    lines += [
        "",
        f"readout |dL/dW| {result.readout_grad_norm:.4g}   loss {result.loss:.4g}   "
        f"total grad norm {result.total_grad_norm:.4g}   after clipping "
        f"{result.clipped_grad_norm:.4g}   cosine {result.clip_cosine:.4f}",
    ]
    if result.steps:
        lines += ["", f"{'step':>6}{'loss':>12}{'|g|':>12}{'clipped':>12}"]
        shown = [
            s for s in result.steps if s.step in result.layer_grad_norms or _last(result, s.step)
        ]
        lines += [
            f"{s.step:>6}{s.loss:>12.4g}{s.total_grad_norm:>12.4g}{s.clipped_grad_norm:>12.4g}"
            for s in shown
        ]
    if result.diverged_at is not None:
        lines.append(f"non-finite loss or gradient at step {result.diverged_at}: stopped")
    return "\n".join(lines)


def _layer_rows(result: SimResult, seeds: str) -> list[str]:
    cfg = result.config
    width = cfg.width if isinstance(cfg.width, int) else "/".join(map(str, cfg.width))
    lines = [
        f"engine {result.engine_version}  depth {cfg.depth}  width {width}  {cfg.activation}  "
        f"init {cfg.init}  norm {cfg.norm}  residual {cfg.residual}  batch {cfg.batch}  "
        f"{cfg.dtype}  seed {cfg.seed}{seeds}",
        "",
        f"{'layer':>5}" + "".join(f"{h:>{_CELL}}" for h, _, _ in _LAYER_COLUMNS),
    ]
    for layer in result.layers:
        cells = "".join(
            f"{getattr(layer, name):>{_CELL}{spec}}" for _, name, spec in _LAYER_COLUMNS
        )
        lines.append(f"{layer.index:>5}{cells}")
    return lines


def _recurrent_rows(result: SimResult, seeds: str) -> list[str]:
    """One row per time step (t = 1 is the earliest): gradient norms, state size, and the
    saturated share of each gate block."""
    cfg = result.config
    lstm = cfg.arch == "lstm"
    setting = {"lstm": f" (forget bias {cfg.forget_bias:g})", "rnn": f" ({cfg.activation})"}
    lines = [
        f"engine {result.engine_version}  {cfg.arch}{setting.get(cfg.arch, '')}  "
        f"seq_len {cfg.seq_len}  "
        f"hidden {cfg.hidden}  recurrent {cfg.recurrent_init} x{cfg.recurrent_gain:g}  "
        f"task {cfg.task}  batch {cfg.batch}  {cfg.dtype}  seed {cfg.seed}{seeds}",
        "",
        f"{'t':>5}{'|dL/dh_t|':>{_CELL}}"
        + (f"{'|dL/dc_t|':>{_CELL}}" if lstm else "")
        + f"{'rms h_t':>{_CELL}}"
        + "".join(f"{_GATE_SHORT.get(g, g) + ' sat':>{_CELL}}" for g in cfg.gates),
    ]
    for step in result.time_steps:
        cell = f"{step.cell_grad_norm:>{_CELL}.3e}" if lstm else ""
        sat = "".join(f"{step.gate_saturation[g]:>{_CELL}.1%}" for g in cfg.gates)
        lines.append(
            f"{step.t:>5}{step.hidden_grad_norm:>{_CELL}.3e}{cell}{step.hidden_rms:>{_CELL}.3g}{sat}"
        )
    return lines


def _last(result: SimResult, step: int) -> bool:
    return step == result.steps[-1].step
