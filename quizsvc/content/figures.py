"""Figure blocks: live figures in the prose and the figures of a question.

Both name a figure kind the plots package draws and the simulations to draw it from; the kinds
are the plots package's (``FIGURE_KINDS``), the settings the engine's, so neither list is
repeated here.
"""

from __future__ import annotations

from typing import Any

from quizsvc import kinds
from quizsvc.content.expr import ExprError
from quizsvc.content.model import FigureSpec, LiveFigure, QuestionTemplate
from quizsvc.content.problems import Loc, Reporter, unknown_message
from quizsvc.content.reader import SLUG, Reader, type_name
from quizsvc.content.simcheck import report_literal_config, sim_config
from quizsvc.content.yamlnodes import YMap
from quizsvc.plots import FIGURE_KINDS, check_figure
from quizsvc.sim import SimConfig, ValidationError

FIGURE_KEYS = ("kind", "sims", "hide", "caption", "labels", "theory", "options")
LIVE_FIGURE_KEYS = (
    "id",
    "kind",
    "caption",
    "sims",
    "hide",
    "theory",
    "options",
    "activation",
    "slope",
)
NO_SIM_KINDS = ("activation_fn",)
FIGURE_FIX = "see the figure kinds and their options in docs/authoring.md"


def _kind(reader: Reader) -> str | None:
    kind = reader.text("kind", required=True)
    if not kind:
        return None
    if kind not in FIGURE_KINDS:
        message, fix = unknown_message("figure kind", kind, FIGURE_KINDS)
        reader.rep.error(reader.value_loc("kind"), message, fix)
        return None
    return kind


def _options(reader: Reader) -> dict[str, Any]:
    options = reader.mapping("options")
    return dict(options) if options else {}


def parse_figure(
    data: YMap, rep: Reporter, sim_names: set[str], what: str, extra: tuple[str, ...] = ()
) -> FigureSpec | None:
    """A question figure: ``sims`` are names of the template's simulations."""
    reader = Reader(data, rep, what)
    reader.check_keys((*FIGURE_KEYS, *extra))
    kind = _kind(reader)
    sims = reader.words("sims")
    for name in sims:
        if name not in sim_names:
            message, fix = unknown_message("simulation", name, sim_names)
            rep.error(reader.value_loc("sims"), f"{what}: {message}", fix)
            kind = None
    if kind is not None and kind not in NO_SIM_KINDS and not sims:
        rep.error(data.loc, f"{what} names no simulation", "add sims: [name]")
        kind = None
    labels = reader.words("labels") or None
    if labels is not None and len(labels) != len(sims):
        rep.error(
            reader.value_loc("labels"),
            f"{len(labels)} labels for {len(sims)} simulations",
            "give one label per simulation",
        )
    if kind is None:
        return None
    return FigureSpec(
        kind=kind,
        sims=sims,
        hide=reader.words("hide"),
        caption=reader.text("caption"),
        labels=labels,
        theory=reader.flag("theory", False),
        options=_options(reader),
        line=data.loc.line,
    )


def parse_live_figure(data: YMap, rep: Reporter, lesson_id: str) -> LiveFigure | None:
    """A ``figure`` block of the prose: literal simulation settings, drawn on every view."""
    reader = Reader(data, rep, "figure")
    reader.check_keys(LIVE_FIGURE_KEYS)
    figure_id = reader.text("id", required=True)
    if figure_id and not SLUG.match(figure_id):
        rep.error(
            reader.value_loc("id"),
            f"figure id {figure_id!r} is not lowercase-with-dashes",
            "use letters, digits and dashes",
        )
        figure_id = ""
    kind = _kind(reader)
    options = _options(reader)
    sims: dict[str, dict[str, Any]] = {}
    sims_map = reader.mapping("sims")
    for key in ("activation", "slope"):
        if key in data:
            options[key] = data[key]
    if kind is not None and kind not in NO_SIM_KINDS and not sims_map:
        rep.error(data.loc, "figure has no sims", "add sims: {name: {depth: 10, ...}}")
        kind = None
    for name, config in (sims_map or {}).items():
        loc = sims_map.value_loc(name) if sims_map is not None else data.loc
        if not isinstance(config, YMap):
            rep.error(
                loc,
                f"simulation {name!r} must be a mapping, not {type_name(config)}",
                "write {depth: 20, activation: relu, ...}",
            )
            continue
        for key, value in config.items():
            if isinstance(value, str) and value.startswith("="):
                rep.error(
                    config.value_loc(key),
                    "expressions are for question templates only",
                    f"write a literal value for {key}",
                )
        lines = {key: config.key_loc(key).line for key in config}
        if report_literal_config(config, config.loc.line, lines, rep, str(name)):
            sims[str(name)] = dict(config)
        else:
            kind = None
    if kind is not None:
        configs = [SimConfig.from_dict(c) for c in sims.values()]
        problem = check_figure(
            kind,
            configs,
            labels=list(sims),
            hide=reader.words("hide"),
            theory=reader.flag("theory", False),
            **options,
        )
        if problem:
            rep.error(data.loc, f"figure {figure_id!r}: {problem}", FIGURE_FIX)
            kind = None
    if not figure_id or kind is None:
        return None
    return LiveFigure(
        id=figure_id,
        lesson_id=lesson_id,
        kind=kind,
        caption=reader.text("caption"),
        sims=sims,
        theory=reader.flag("theory", False),
        hide=reader.words("hide"),
        options=options,
        line=data.loc.line,
    )


def check_question_figures(
    template: QuestionTemplate, params: dict[str, object], rep: Reporter
) -> None:
    """Ask the plots package whether each figure can be drawn, at a sample draw."""
    specs = [*template.figures, *kinds.get(template.kind).figures(template.spec)]
    for spec in specs:
        try:
            configs = [
                SimConfig.from_dict({"seed": 0, **sim_config(template.sims[name], params)})
                for name in spec.sims
            ]
        except (ExprError, ValidationError):
            continue  # already reported with the simulation
        problem = check_figure(
            spec.kind,
            configs,
            labels=list(spec.labels) if spec.labels else None,
            hide=spec.hide,
            theory=spec.theory,
            **spec.options,
        )
        if problem:
            rep.error(Loc(spec.line), f"figure: {problem}", FIGURE_FIX)
