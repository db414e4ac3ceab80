"""The explorer's state as a query string: what the learner set for networks A and B.

The query string is the whole state (a GET form, so any view can be shared or bookmarked): each
`SimConfig` field of network A is ``a.<field>``, of network B ``b.<field>``, and a few view
options (``compare``, ``metric``, ``stat``) choose what is drawn. Parsing never raises: text
that is not a number, or a value the engine refuses, becomes a message next to that field, and
the engine's own validation (`SimConfig`, the same as the CLI's) decides what may run.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from quizsvc.plots.metrics import GRAD_NORM_METRICS, LAYER_STAT_METRICS
from quizsvc.sim import SimConfig, ValidationError, fields_for
from quizsvc.sim.limits import BOOL_FIELDS, CHOICES, INT_FIELDS, OPTIONAL_FIELDS

SIDES: tuple[str, ...] = ("a", "b")
FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(SimConfig))
DEFAULTS: dict[str, Any] = SimConfig().to_dict()
#: View options and their defaults: B shown beside A, the gradient metric and the per-layer
#: statistic drawn. output_grad_norm first: the mean-field prediction is drawn for it.
DEFAULT_METRIC = "output_grad_norm"
DEFAULT_STAT = "activation_std"
METRICS: tuple[str, ...] = tuple(GRAD_NORM_METRICS)
STATS: tuple[str, ...] = tuple(LAYER_STAT_METRICS)
#: Longest query value read: a width list of 256 layers fits, a megabyte of junk does not.
MAX_VALUE_CHARS = 2000

_TRUE = ("true", "on", "yes", "1")
_FALSE = ("false", "off", "no", "0")


@dataclass(frozen=True)
class Side:
    """One network as the form shows it: the text of each field, and what it parsed to.

    ``config`` is None when a field could not be read or the engine refused the settings;
    ``errors`` then maps the field at fault (or ``flops``/``memory`` for the budgets) to a
    message that says what to change.
    """

    key: str  # "a" or "b"
    text: dict[str, str]
    config: SimConfig | None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.key.upper()

    @property
    def arch(self) -> str:
        return self.text.get("arch") or DEFAULTS["arch"]


@dataclass(frozen=True)
class ExplorerState:
    """Everything the page shows, read from one query string."""

    a: Side
    b: Side | None  # None: compare is off, A alone
    metric: str = DEFAULT_METRIC
    stat: str = DEFAULT_STAT

    @property
    def sides(self) -> tuple[Side, ...]:
        return (self.a,) if self.b is None else (self.a, self.b)

    @property
    def valid(self) -> bool:
        return all(side.config is not None for side in self.sides)

    def query(self) -> str:
        """The canonical query string of this state (settings at their defaults left out)."""
        pairs: list[tuple[str, str]] = []
        for side in self.sides:
            pairs += _side_pairs(side.key, _side_values(side))
        if self.b is None:
            pairs.append(("compare", "off"))
        if self.metric != DEFAULT_METRIC:
            pairs.append(("metric", self.metric))
        if self.stat != DEFAULT_STAT:
            pairs.append(("stat", self.stat))
        return urlencode(pairs)


def parse(args: Mapping[str, str]) -> ExplorerState:
    """Read a state from query arguments (a mapping of the first value of each name)."""
    a = parse_side("a", args)
    b = None if _text(args, "compare").lower() in _FALSE else parse_side("b", args)
    metric = _text(args, "metric")
    stat = _text(args, "stat")
    return ExplorerState(
        a=a,
        b=b,
        metric=metric if metric in METRICS else DEFAULT_METRIC,
        stat=stat if stat in STATS else DEFAULT_STAT,
    )


def parse_side(key: str, args: Mapping[str, str]) -> Side:
    """Network ``key`` from ``args``: fields of another architecture are ignored, so switching
    arch keeps the rest of the form."""
    text = {name: _text(args, f"{key}.{name}") for name in FIELDS}
    text = {name: value for name, value in text.items() if value}
    arch = text.get("arch", DEFAULTS["arch"])
    relevant = fields_for(arch) if arch in CHOICES["arch"] else FIELDS
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, raw in text.items():
        if name not in relevant:
            continue
        try:
            values[name] = read_value(name, raw)
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        return Side(key, text, None, errors)
    try:
        config = SimConfig.from_dict(values)
    except ValidationError as exc:
        return Side(key, text, None, {exc.field: str(exc)})
    return Side(key, text, config)


def side_from_config(key: str, config: SimConfig) -> Side:
    """The side a link opens: ``config``'s settings that differ from the defaults, as text."""
    text = {name: format_value(value) for name, value in _changed(config.to_dict()).items()}
    return Side(key, text, config)


def configs_query(configs: list[Mapping[str, Any]]) -> str:
    """The query string that opens one or two networks (plain settings, validated by the page)."""
    pairs: list[tuple[str, str]] = []
    for key, config in zip(SIDES, configs, strict=False):
        full = SimConfig.from_dict(dict(config)).to_dict()
        pairs += _side_pairs(key, _changed(full))
    if len(configs) == 1:
        pairs.append(("compare", "off"))
    return urlencode(pairs)


def read_value(name: str, raw: str) -> Any:
    """The value of field ``name`` written as ``raw``; raises ValueError with what to write.

    Only the type is read here: ranges and combinations are the engine's to check.
    """
    if len(raw) > MAX_VALUE_CHARS:
        raise ValueError(f"{name} is too long: at most {MAX_VALUE_CHARS} characters")
    if name in OPTIONAL_FIELDS and raw.lower() in ("", "none", "off"):
        return None
    if name in CHOICES:
        return raw
    if name in BOOL_FIELDS:
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise ValueError(f"{name} must be on or off, not {raw!r}")
    if name == "width":
        parts = [p.strip() for p in raw.split(",")]
        try:
            widths = [int(p) for p in parts]
        except ValueError:
            raise ValueError(
                f"width must be a whole number, or one per layer separated by commas, not {raw!r}"
            ) from None
        return widths[0] if len(widths) == 1 else widths
    if name in INT_FIELDS:
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if math.isnan(number):
        raise ValueError(f"{name} must be a number, not {raw!r}")
    return number


def format_value(value: Any) -> str:
    """A field's value as the form writes it (``read_value`` reads it back)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, float):
        return "inf" if math.isinf(value) else repr(value)
    return str(value)


def _text(args: Mapping[str, str], name: str) -> str:
    value = args.get(name)
    return value.strip() if isinstance(value, str) else ""


def _changed(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: v for name, v in values.items() if v != DEFAULTS[name]}


def _side_values(side: Side) -> dict[str, Any]:
    if side.config is not None:
        return _changed(side.config.to_dict())
    return dict(side.text)  # kept as written, so the learner can correct it


def _side_pairs(key: str, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        (f"{key}.{name}", value if isinstance(value, str) else format_value(value))
        for name, value in values.items()
    ]
