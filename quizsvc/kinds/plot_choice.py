"""``plot_choice``: pick the figure that matches the prompt; each option is a figure.

Options are drawn like the prompt's figures and appended to the variant's figures; a choice
names its figure by index. Settings that tell the options apart are hidden from every option's
text, so the legend cannot give the answer away.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from quizsvc.kinds.base import IDS, Finding, Shown
from quizsvc.kinds.choices import ChooseOne, count_correct
from quizsvc.kinds.tools import Fields, Generation, LabelTools, OutcomeTools, VariantData


@dataclass(frozen=True)
class OptionSpec:
    """An option: a figure (``quizsvc.content.FigureSpec``) and whether it is the match."""

    figure: Any
    correct: Any = False
    feedback: str = ""
    line: int = 0


@dataclass(frozen=True)
class PlotChoiceSpec:
    options: tuple[OptionSpec, ...]
    shuffle: bool = True


class PlotChoice(ChooseOne):
    name = "plot_choice"
    word = "pick the figure"
    keys = ("options", "shuffle")
    partial = "kinds/plot_choice.html"
    response_doc = "plot_choice: a choice id"
    qti_type = "multiple_choice_question"
    interview = "work"

    def parse(self, q: Fields) -> PlotChoiceSpec:
        result = []
        for i, option in enumerate(q.maps("options", "an option")):
            figure = option.figure(f"option {i + 1}", ("correct", "feedback"))
            correct = option.correct()
            feedback = option.text("feedback")
            if figure is not None:
                result.append(OptionSpec(figure, correct, feedback, option.line))
        flags = [o.correct for o in result]
        count_correct(q, self.name, flags, "options", 2, exactly_one=True)
        return PlotChoiceSpec(tuple(result), q.flag("shuffle", True))

    def figures(self, spec: PlotChoiceSpec) -> Sequence[Any]:
        return [option.figure for option in spec.options]

    def generate(
        self, spec: PlotChoiceSpec, g: Generation
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        entries: list[dict[str, Any]] = [
            {
                "figure": g.option_figure(option.figure),
                "correct": g.flag(option.correct, option.line),
                "feedback_html": g.html(option.feedback, option.line),
            }
            for option in spec.options
        ]
        if spec.shuffle:
            g.rng.shuffle(entries)
        # Settings that tell the options apart must not be named by any figure's text.
        revealing = _differing_settings([e["figure"] for e in entries])
        choices = []
        for i, entry in enumerate(entries):
            entry["id"] = IDS[i]
            entry["figure"]["hide"] = sorted(set(entry["figure"]["hide"]) | revealing)
            index = g.add_figure(entry["figure"])
            choices.append({"id": entry["id"], "html": f"<p>Figure {IDS[i].upper()}</p>",
                            "figure": index})  # fmt: skip
        correct = [e["id"] for e in entries if e["correct"]]
        if len(correct) != 1:
            g.fail(f"{len(correct)} options are correct; plot_choice needs one")
        key = {"correct": correct, "feedback": {e["id"]: e["feedback_html"] for e in entries}}
        return choices, key

    def inspect(self, spec: PlotChoiceSpec, variant: VariantData, line: int) -> list[Finding]:
        figures = [variant.figures[c["figure"]] for c in variant.choices]
        drawn = [(f["kind"], repr(f["sims"]), repr(f["options"])) for f in figures]
        if len(set(drawn)) != len(drawn):
            return [Finding("error", line, "two options draw the same figure",
                            "give each option different simulations")]  # fmt: skip
        return []

    def outcome(self, spec: PlotChoiceSpec, t: OutcomeTools) -> str:
        return " + ".join(
            f"option {i + 1} ({', '.join(option.figure.sims)})"
            for i, option in enumerate(spec.options)
            if t.resolve(option.correct) is True
        )

    def wrong_answers(
        self, variant: Mapping[str, Any], parsed: Any, feedback_html: str, t: LabelTools
    ) -> Shown:
        """The option whose literal simulation settings the chosen figure shows."""
        choice = next(c for c in variant["choices"] if c["id"] == parsed)
        figure = variant["figures"][choice["figure"]]
        spec: PlotChoiceSpec | None = t.spec
        if spec is not None:
            matches = [
                (i, option)
                for i, option in enumerate(spec.options)
                if option.figure.kind == figure["kind"]
                and t.same_literals(option.figure.sims, figure["sims"])
            ]
            if len(matches) == 1:
                i, option = matches[0]
                sims = ", ".join(option.figure.sims)
                return ((t.short(f"option {i + 1}: {option.figure.kind} of {sims}"), ""),)
        feedback = variant["answer_key"]["feedback"].get(choice["id"], "")
        return ((t.short(t.readable(feedback) or t.readable(choice["html"])), ""),)


def _differing_settings(figures: list[dict[str, Any]]) -> set[str]:
    configs = [config for figure in figures for config in figure["sims"]]
    keys = {key for config in configs for key in config}
    return {key for key in keys if len({repr(c.get(key)) for c in configs}) > 1}
