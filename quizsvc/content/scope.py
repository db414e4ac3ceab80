"""Which names an expression or placeholder may use, checked before any variant exists.

An undefined name found while generating a variant would surface as a broken quiz for a
learner; checking every expression against the template's parameters, simulations and values
at load time turns it into a file:line error for the instructor instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from quizsvc.content.expr import CONSTANTS, FUNCTIONS, Expr, ExprError, compile_expr
from quizsvc.content.placeholders import PLACEHOLDER, parse_placeholders
from quizsvc.content.problems import Loc, Reporter, did_you_mean, unknown_message
from quizsvc.content.yamlnodes import YMap
from quizsvc.sim.fields import RESULT_FIELDS

RESERVED = frozenset(FUNCTIONS) | frozenset(CONSTANTS)


@dataclass
class Scope:
    """Names visible at one point of a template: parameters, then simulations, then values."""

    params: set[str] = field(default_factory=set)
    sims: set[str] = field(default_factory=set)
    values: list[str] = field(default_factory=list)
    later: set[str] = field(default_factory=set)

    def visible(self, *, sims: bool = True) -> set[str]:
        if not sims:
            return set(self.params)
        return self.params | self.sims | set(self.values)

    def check(self, expr: Expr, loc: Loc, rep: Reporter, *, sims: bool = True) -> bool:
        """Report undefined names and unknown simulation fields; True when all is well."""
        ok = True
        visible = self.visible(sims=sims)
        for name in sorted(expr.names()):
            if name in visible:
                continue
            ok = False
            if not sims and (name in self.sims or name in self.values or name in self.later):
                rep.error(
                    loc,
                    f"{name!r} cannot be used here: simulation settings and constraints may "
                    "only use parameters",
                    "use a parameter",
                )
            elif name in self.later:
                rep.error(loc, f"{name!r} is used before it is defined", f"move {name} further up")
            else:
                hint = did_you_mean(name, visible, cutoff=0.5) or did_you_mean(name, RESERVED)
                rep.error(
                    loc,
                    f"unknown name {name!r}"
                    + (f": {hint}" if hint else "")
                    + f" in {expr.source!r}",
                    f"define {name} under params: or values:, or fix the spelling",
                )
        for target, attr in expr.attributes():
            if target in self.sims and attr not in RESULT_FIELDS:
                ok = False
                message, fix = unknown_message(f"field of simulation {target}", attr, RESULT_FIELDS)
                rep.error(loc, message, fix)
            elif target in visible and target not in self.sims:
                ok = False
                rep.error(
                    loc,
                    f"{target!r} is not a simulation, so {target}.{attr} does not exist",
                    "only simulations have fields",
                )
        return ok

    def check_text(self, data: YMap, key: str, rep: Reporter, text: str | None = None) -> None:
        """Check the placeholders of a Markdown text stored under ``key`` of ``data``."""
        text = data.get(key) if text is None else text
        if not isinstance(text, str):
            return
        self.check_placeholders(text, rep, lambda offset: data.text_line(key, offset))

    def check_placeholders(self, text: str, rep: Reporter, line_of: Callable[[int], int]) -> None:
        for match in PLACEHOLDER.finditer(text):
            loc = Loc(line_of(match.start()), 1)
            try:
                (placeholder,) = parse_placeholders(match.group(0))
            except ExprError as exc:
                rep.error(loc, str(exc), "write {{ name }} or {{ expression:.3g }}")
                continue
            self.check(placeholder.expr, loc, rep)
        stripped = PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), text)
        if "{{" in stripped:
            rep.error(
                Loc(line_of(stripped.find("{{")), 1),
                "a placeholder is opened with {{ but never closed",
                "write {{ name }}; for LaTeX braces leave a space: W_{ {{ depth }} }",
            )


def parse_value(raw: object, loc: Loc, rep: Reporter) -> tuple[bool, object]:
    """A literal, or an :class:`Expr` for text starting with ``=``; ``(False, None)`` on error."""
    if isinstance(raw, str) and raw.startswith("="):
        try:
            return True, compile_expr(raw[1:])
        except ExprError as exc:
            rep.error(loc, str(exc), "fix the expression (see Expressions in docs/authoring.md)")
            return False, None
    return True, raw


def parse_expression(raw: object, loc: Loc, rep: Reporter, what: str) -> Expr | None:
    """An expression written without ``=`` (constraints, values); numbers become constants."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        rep.error(loc, f"{what} must be an expression", "write an expression such as g1 / gL")
        return None
    source = str(raw)
    source = source[1:] if source.startswith("=") else source
    try:
        return compile_expr(source)
    except ExprError as exc:
        rep.error(loc, str(exc), "fix the expression (see Expressions in docs/authoring.md)")
        return None
