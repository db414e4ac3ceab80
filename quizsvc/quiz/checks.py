"""What ``quizsvc content check`` looks for in generated variants.

Validation proves a template is well formed; only generating variants shows that the numbers
work out: a non-finite answer, choices that cannot be told apart, a distractor that would be
graded correct, an unfilled placeholder, a simulation over budget, a figure that fails to draw.
Figures are drawn for the first few seeds only, which keeps a whole-course check near a minute.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from quizsvc.content.model import LiveFigure, QuestionTemplate
from quizsvc.content.problems import Problem, Severity
from quizsvc.kinds import Finding
from quizsvc.kinds import get as kind_of
from quizsvc.quiz.figures import render_live_figure, render_variant_figure
from quizsvc.quiz.generate import VariantError, build
from quizsvc.quiz.variant import Variant

DEFAULT_RENDER_SEEDS = 2


@dataclass
class TemplateReport:
    """The outcome of checking one template over several seeds."""

    template_id: str
    lesson_id: str
    variants: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)


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
            variant = build(template, seed).variant
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
    return found + kind_of(template.kind).inspect(template.spec, variant, template.line)
