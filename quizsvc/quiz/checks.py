"""What ``quizsvc content check`` looks for in generated variants.

Validation proves a template is well formed; only generating variants shows that the numbers
work out: a non-finite answer, choices that cannot be told apart, a distractor that would be
graded correct, an unfilled placeholder, a simulation over budget, a figure that fails to draw.
Figures are drawn for the first few seeds only, which keeps a whole-course check near a minute.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from quizsvc.content.model import LiveFigure, QuestionTemplate
from quizsvc.content.problems import Problem, Severity
from quizsvc.quiz.consistency import inspect_generation
from quizsvc.quiz.figures import render_live_figure, render_variant_figure
from quizsvc.quiz.generate import VariantError, build
from quizsvc.quiz.tolerance import within
from quizsvc.quiz.variant import Variant

DEFAULT_RENDER_SEEDS = 2
ORDER_TIE = {"relative": 0.02}


@dataclass
class TemplateReport:
    """The outcome of checking one template over several seeds."""

    template_id: str
    lesson_id: str
    variants: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Finding:
    """One problem of one variant; ``detail`` holds its numbers, which differ between seeds."""

    severity: Severity
    line: int
    message: str
    fix: str
    detail: str = ""


class _Findings:
    """Findings grouped by everything but their seed-specific detail."""

    def __init__(self) -> None:
        self.seeds: dict[tuple[Severity, int, str, str], list[tuple[int, str]]] = defaultdict(list)

    def add(self, finding: Finding, seed: int) -> None:
        key = (finding.severity, finding.line, finding.message, finding.fix)
        self.seeds[key].append((seed, finding.detail))

    def problems(self, template: QuestionTemplate) -> list[Problem]:
        result = []
        for (severity, line, message, fix), seen in self.seeds.items():
            seeds = [seed for seed, _ in seen]
            shown = ", ".join(map(str, seeds[:5])) + (", ..." if len(seeds) > 5 else "")
            label = "seed" if len(seeds) == 1 else "seeds"
            first_seed, detail = seen[0]
            example = f" (seed {first_seed}: {detail})" if detail else ""
            text = f"{template.id} ({label} {shown}): {message}{example}"
            result.append(Problem(template.path, line, 1, severity, text, fix))
        return result


def check_template(
    template: QuestionTemplate, seeds: int, render_seeds: int = DEFAULT_RENDER_SEEDS
) -> TemplateReport:
    """Generate ``seeds`` variants (figures for the first ``render_seeds``) and inspect them."""
    report = TemplateReport(template.id, template.lesson_id)
    findings = _Findings()
    start = time.perf_counter()
    for seed in range(seeds):
        try:
            generation = build(template, seed)
            variant = generation.variant
        except VariantError as exc:
            findings.add(
                Finding("error", exc.line, str(exc), "fix the template or its ranges"), seed
            )
            continue
        except Exception as exc:  # an engine or renderer bug must not stop the whole check
            findings.add(
                Finding("error", template.line, f"generation failed: {exc!r}", "report it"), seed
            )
            continue
        report.variants += 1
        for finding in inspect_variant(template, variant):
            findings.add(finding, seed)
        for issue in inspect_generation(template, generation):
            findings.add(Finding(*issue), seed)
        if seed < render_seeds:
            for index in range(len(variant.figures)):
                try:
                    render_variant_figure(variant, index)
                except Exception as exc:
                    message = f"figure {index + 1} fails to render"
                    fix = "check the figure's kind, sims and options"
                    findings.add(Finding("error", template.line, message, fix, str(exc)), seed)
    report.seconds = time.perf_counter() - start
    report.problems = findings.problems(template)
    return report


def check_live_figure(figure: LiveFigure, path: str) -> list[Problem]:
    try:
        render_live_figure(figure, 0)
    except Exception as exc:
        message = f"figure {figure.id!r} fails to render: {exc}"
        return [Problem(path, figure.line, 1, "error", message, "check its kind, sims and options")]
    return []


def inspect_variant(template: QuestionTemplate, variant: Variant) -> list[Finding]:
    """Problems visible in one generated variant."""
    found: list[Finding] = []
    texts = [variant.prompt_html, variant.explanation_html, *variant.hints_html]
    texts += [c["html"] for c in variant.choices] + [f["caption_html"] for f in variant.figures]
    if any("{{" in t for t in texts):
        found.append(
            Finding("error", template.line, "a placeholder was left unfilled", "check {{ }}")
        )
    if any('class="math-error"' in t for t in texts):
        found.append(
            Finding("error", template.line, "LaTeX that cannot be rendered", "fix the math")
        )
    key = variant.answer_key
    if variant.kind == "numeric":
        found += _numeric(template, key)
    elif variant.kind in ("single", "multiple"):
        found += _choices(template, variant, key)
    elif variant.kind == "ordering":
        found += _ordering(template, key)
    elif variant.kind == "plot_choice":
        found += _options(template, variant)
    return found


def _numeric(template: QuestionTemplate, key: dict[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    line = template.answer.line if template.answer else template.line
    tolerance = key["tolerance"]
    if "relative" in tolerance and key["value"] == 0:
        message = "the answer is 0, so a relative tolerance accepts only 0"
        found.append(Finding("warning", line, message, "use an absolute tolerance"))
    if "log10" in tolerance and key["value"] <= 0:
        message = "a log10 tolerance needs a positive answer"
        fix = "use a relative or absolute tolerance"
        found.append(Finding("error", line, message, fix, f"answer {key['display']}"))
    for i, misconception in enumerate(key["misconceptions"]):
        if within(misconception["value"], key["value"], tolerance):
            found.append(Finding(
                "error", template.misconceptions[i].line,
                f"misconception {i + 1} would be graded correct",
                "change the parameters so the two differ, or narrow the tolerance",
                f"{misconception['value']:.4g} against answer {key['display']}",
            ))  # fmt: skip
    return found


def _choices(template: QuestionTemplate, variant: Variant, key: dict[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    htmls = [c["html"] for c in variant.choices]
    if len(set(htmls)) != len(htmls):
        found.append(
            Finding("error", template.line, "two choices read the same", "make them differ")
        )
    values, tolerance, correct = key["values"], key["tolerance"], set(key["correct"])
    for a, b in itertools.combinations(sorted(values), 2):
        if not within(values[a], values[b], tolerance):
            continue
        detail = f"{values[a]:.4g} and {values[b]:.4g}"
        if (a in correct) != (b in correct):
            found.append(Finding(
                "error", template.line,
                "a distractor would be graded correct: it equals the answer within tolerance",
                "change the distractor's formula or the parameter ranges", detail,
            ))  # fmt: skip
        else:
            found.append(Finding(
                "error", template.line, "two choices are equal within tolerance",
                "change a choice's formula or the parameter ranges", detail,
            ))  # fmt: skip
    return found


def _ordering(template: QuestionTemplate, key: dict[str, Any]) -> list[Finding]:
    keys = key["keys"]
    for a, b in itertools.combinations(sorted(keys), 2):
        if within(keys[a], keys[b], ORDER_TIE):
            return [Finding(
                "warning", template.line,
                "two items have keys within 2 %; learners cannot tell their order",
                "choose configurations that differ more", f"{keys[a]:.4g} and {keys[b]:.4g}",
            )]  # fmt: skip
    return []


def _options(template: QuestionTemplate, variant: Variant) -> list[Finding]:
    figures = [variant.figures[c["figure"]] for c in variant.choices]
    drawn = [(f["kind"], repr(f["sims"]), repr(f["options"])) for f in figures]
    if len(set(drawn)) != len(drawn):
        return [Finding("error", template.line, "two options draw the same figure",
                        "give each option different simulations")]  # fmt: skip
    return []
