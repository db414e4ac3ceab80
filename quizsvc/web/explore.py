"""`/explore`: the what-if page, a GET form whose URL is the state; the logic is in services.

``/explore/results`` returns the results part alone, which explore.js fetches as controls
change. Both draw on one per-learner rate limit (per address for visitors): each request may
run two networks.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_limiter.util import get_remote_address
from flask_login import current_user

from quizsvc.security.limits import limiter, rate_limit_message
from quizsvc.services import explorer
from quizsvc.services.explorer_state import (
    DEFAULTS,
    METRICS,
    STATS,
    Side,
    format_value,
    parse,
    parse_side,
)
from quizsvc.sim.limits import BOOL_FIELDS, CHOICES, FIELD_DOCS

bp = Blueprint("explore", __name__)

#: Sized for a learner dragging a control: explore.js waits for a pause before it asks.
DEFAULT_RATE_LIMIT = "120 per minute; 1500 per hour"

#: The form's groups of controls, and the networks each applies to ("" for all); every other
#: setting is under "More settings". A group that does not apply to a side's architecture is
#: folded away (its values are ignored until the architecture changes).
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Network", "", ("arch", "depth", "width", "activation")),
    ("Initialisation", "", ("init", "gain", "bias", "bias_init")),
    ("Layers (mlp)", "mlp", ("norm", "residual", "residual_scale")),
    (
        "Recurrent (rnn, lstm, gru)",
        "recurrent",
        ("seq_len", "hidden", "recurrent_init", "recurrent_gain", "forget_bias"),
    ),
    ("Training", "", ("clip_norm", "optimizer", "lr", "steps", "seed")),
)
_GROUPED = {name for _, _, names in GROUPS for name in names}
MORE: tuple[str, ...] = tuple(name for name in DEFAULTS if name not in _GROUPED)
LABELS: dict[str, str] = {
    "arch": "Architecture",
    "depth": "Depth (hidden layers)",
    "width": "Width",
    "activation": "Activation",
    "init": "Initialisation",
    "gain": "Gain",
    "bias": "Bias",
    "bias_init": "Bias initialisation",
    "norm": "Normalisation",
    "residual": "Residual connections",
    "residual_scale": "Residual scale",
    "seq_len": "Sequence length T",
    "hidden": "Hidden units H",
    "recurrent_init": "Recurrent initialisation",
    "recurrent_gain": "Recurrent gain",
    "forget_bias": "Forget-gate bias (lstm)",
    "clip_norm": "Clip gradient norm at",
    "optimizer": "Optimiser",
    "lr": "Learning rate",
    "steps": "Training steps (0: one pass)",
    "seed": "Seed",
}


def _rate_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"address:{get_remote_address()}"


_limit = limiter.shared_limit(
    lambda: current_app.config["EXPLORE_RATE_LIMIT"],
    scope="EXPLORE_RATE_LIMIT",
    key_func=_rate_key,
    error_message=rate_limit_message,
)


@bp.record_once
def _defaults(state: BlueprintSetupState) -> None:
    state.app.config.setdefault("EXPLORE_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    state.app.add_template_global(explorer.question_links, "explorer_links")


@bp.get("/explore")
@_limit
def page() -> ResponseReturnValue:
    state = parse(request.args) if request.args else explorer.initial_state()
    found = explorer.explore(state)
    # With compare off, B's controls still show (as the URL left them) to turn it back on.
    form_b = state.b or parse_side("b", request.args)
    return (
        render_template(
            "explore/index.html",
            found=found,
            sides=(state.a, form_b),
            presets=explorer.presets(),
            groups=GROUPS,
            more=MORE,
            control=_control,
            metrics=METRICS,
            stats=STATS,
        ),
        422 if found.problems else 200,
    )


@bp.get("/explore/results")
@_limit
def results() -> ResponseReturnValue:
    found = explorer.explore(parse(request.args))
    return (
        render_template("explore/_results.html", found=found),
        422 if found.problems else 200,
    )


def _control(side: Side, name: str, problems: dict[str, str]) -> dict[str, Any]:
    """What the form needs to draw one control: its id, name, label, value and choices."""
    if name in side.text:
        value = side.text[name]
    elif name == "activation":
        value = ""  # the architecture's default, so switching arch needs no other change
    elif side.config is not None:
        value = format_value(getattr(side.config, name))
    else:
        value = format_value(DEFAULTS[name])
    choices: list[tuple[str, str]] = []
    if name == "activation":
        choices = [("", "default of the architecture (mlp: relu, others: tanh)")]
    if name in CHOICES:
        choices += [(c, c) for c in CHOICES[name]]
    elif name in BOOL_FIELDS:
        choices = [("on", "on"), ("off", "off")]
    return {
        "id": f"{side.key}-{name}",
        "name": f"{side.key}.{name}",
        "label": LABELS.get(name, name.replace("_", " ")),
        "help": FIELD_DOCS[name],
        "value": value,
        "choices": choices,
        "error": problems.get(name) or side.errors.get(name, ""),
        "decimal": name not in CHOICES and name not in BOOL_FIELDS and name != "width",
    }
