"""Parameter ranges and tolerances of question templates.

Both are small grammars of their own (``{int: [8, 16]}``, ``{relative: 0.05}``); each is
checked completely here, so the template builder only asks for a value and gets a valid one.
"""

from __future__ import annotations

import math
from typing import Any

from quizsvc.content.model import TOLERANCE_KINDS, ParamSpec
from quizsvc.content.problems import Loc, Reporter, unknown_message
from quizsvc.content.reader import Reader
from quizsvc.content.yamlnodes import YList, YMap

PARAM_FORMS = ("int", "choice", "uniform", "loguniform")


def parse_param(name: str, raw: Any, loc: Loc, line: int, rep: Reporter) -> ParamSpec | None:
    """One entry of ``params:`` (a bare number or word is a fixed parameter)."""
    if isinstance(raw, (int, float, str)) and not isinstance(raw, bool):
        return ParamSpec(name, "choice", (raw,), None, line)
    if not isinstance(raw, YMap):
        rep.error(
            loc,
            f"parameter {name} must be a mapping such as {{int: [8, 16]}}",
            "write {int: [a, b]}, {choice: [...]}, {uniform: [a, b]}",
        )
        return None
    reader = Reader(raw, rep, f"parameter {name}")
    reader.check_keys((*PARAM_FORMS, "round"))
    forms = [f for f in PARAM_FORMS if f in raw]
    if len(forms) != 1:
        rep.error(
            loc,
            f"parameter {name} needs exactly one of {', '.join(PARAM_FORMS)}",
            "write e.g. {int: [8, 16]}",
        )
        return None
    form = forms[0]
    values = raw[form]
    vloc = raw.value_loc(form)
    rounding = reader.integer("round", 0, 12)
    if "round" in raw and form not in ("uniform", "loguniform"):
        rep.error(raw.key_loc("round"), "round: is for uniform and loguniform", "remove round")
    if form == "choice":
        ok = (
            isinstance(values, YList)
            and len(values) > 0
            and all(isinstance(v, (int, float, str)) and not isinstance(v, bool) for v in values)
        )
        if not ok:
            rep.error(
                vloc,
                f"choice of {name} must be a non-empty list of numbers or words",
                "write {choice: [64, 128]}",
            )
            return None
        return ParamSpec(name, form, tuple(values), None, line)
    numbers = (
        isinstance(values, YList)
        and len(values) == 2
        and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in values
        )
    )
    if not numbers:
        rep.error(vloc, f"{form} of {name} must be [low, high]", f"write {{{form}: [a, b]}}")
        return None
    lo, hi = values
    if lo > hi:
        rep.error(vloc, f"{form} range of {name} is reversed: {lo} > {hi}", f"write [{hi}, {lo}]")
        return None
    if form == "int" and not (isinstance(lo, int) and isinstance(hi, int)):
        rep.error(vloc, f"int range of {name} must be whole numbers", "use uniform: for decimals")
        return None
    if form == "loguniform" and lo <= 0:
        rep.error(vloc, f"loguniform range of {name} must be positive", "use a low end above 0")
        return None
    return ParamSpec(name, form, (lo, hi), rounding, line)


def parse_tolerance(
    data: YMap | None, key: str, default: dict[str, float], rep: Reporter
) -> dict[str, float]:
    """A tolerance mapping (exactly one kind); ``default`` when absent or invalid."""
    raw = data.get(key) if data is not None else None
    if raw is None or data is None:
        return dict(default)
    loc = data.value_loc(key)
    if not isinstance(raw, YMap) or len(raw) != 1:
        rep.error(
            loc, f"{key} must be one of {', '.join(TOLERANCE_KINDS)}", "write {relative: 0.05}"
        )
        return dict(default)
    ((name, amount),) = raw.items()
    if name not in TOLERANCE_KINDS:
        message, fix = unknown_message("tolerance", name, TOLERANCE_KINDS)
        rep.error(raw.key_loc(name), message, fix)
        return dict(default)
    valid = isinstance(amount, (int, float)) and not isinstance(amount, bool) and amount > 0
    if name == "sigfigs":
        valid = isinstance(amount, int) and not isinstance(amount, bool) and 1 <= amount <= 15
    if name == "relative" and valid and amount >= 1:
        rep.warning(
            raw.value_loc(name),
            f"relative tolerance {amount} is 100 % or more",
            "a relative tolerance is a fraction: 0.05 is 5 %",
        )
    if not valid:
        rep.error(
            raw.value_loc(name),
            f"{name} tolerance must be a positive number"
            + (" of significant figures (1..15)" if name == "sigfigs" else ""),
            f"write {{{name}: {2 if name == 'sigfigs' else 0.05}}}",
        )
        return dict(default)
    return {name: amount}
