"""Pre-generated variants of a lesson's questions, with their figures drawn as PNG.

Other systems cannot run our simulations, so an export carries a fixed number of variants per
template (seeds from ``first_seed`` up), and the target system draws one of them for each
learner (a Canvas question group, a Moodle random question from a category). Every format
writes the same bank, so Canvas and Moodle learners see the same questions.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass

from quizsvc.content import Lesson, QuestionTemplate
from quizsvc.quiz import Variant, VariantError, generate, render_variant_figure

# Seeds tried per wanted variant before a template is exported with fewer.
TRIES_PER_VARIANT = 3


@dataclass(frozen=True)
class Image:
    name: str  # file name, unique within the export
    data: bytes  # PNG
    alt: str


@dataclass(frozen=True)
class ExportVariant:
    variant: Variant
    images: tuple[Image, ...]  # one per entry of ``variant.figures``

    @property
    def title(self) -> str:
        return f"{self.variant.template_id} (seed {self.variant.seed})"


@dataclass(frozen=True)
class ExportGroup:
    """The variants of one template; the target system picks one per learner."""

    template: QuestionTemplate
    variants: tuple[ExportVariant, ...]
    skipped: tuple[tuple[int, str], ...]  # seeds that made no variant, and why


@dataclass(frozen=True)
class Bank:
    lesson: Lesson
    groups: tuple[ExportGroup, ...]


def build_bank(
    lesson: Lesson,
    variants: int,
    first_seed: int = 0,
    progress: Callable[[ExportGroup], None] = lambda _: None,
) -> Bank:
    groups = []
    for template in lesson.questions:
        group = _group(template, variants, first_seed)
        progress(group)
        groups.append(group)
    return Bank(lesson, tuple(groups))


def _group(template: QuestionTemplate, wanted: int, first_seed: int) -> ExportGroup:
    """Up to `wanted` distinct variants: a template that draws nothing (an explain card) or
    draws from few values gives fewer, never the same question twice."""
    made: list[ExportVariant] = []
    skipped: list[tuple[int, str]] = []
    seen: set[str] = set()
    seed = first_seed
    while len(made) < wanted and seed < first_seed + wanted * TRIES_PER_VARIANT:
        try:
            variant = generate(template, seed)
        except VariantError as exc:
            skipped.append((seed, f"{template.path}:{exc.line}: {exc}"))
        else:
            shown = {k: v for k, v in variant.to_dict().items() if k != "seed"}
            fingerprint = json.dumps(shown, sort_keys=True, default=str)
            if fingerprint not in seen:
                seen.add(fingerprint)
                made.append(ExportVariant(variant, _images(variant)))
        seed += 1
    return ExportGroup(template, tuple(made), tuple(skipped))


def _images(variant: Variant) -> tuple[Image, ...]:
    images = []
    for index in range(len(variant.figures)):
        rendered = render_variant_figure(variant, index, "png")
        name = f"{variant.template_id}-seed{variant.seed}-fig{index + 1}.png"
        images.append(Image(name, rendered.data, rendered.alt))
    return tuple(images)


# --- HTML shared by the formats ---------------------------------------------------------------


def image_tag(image: Image, src: str) -> str:
    return f'<img src="{html.escape(src)}" alt="{html.escape(image.alt)}">'


def question_html(item: ExportVariant, src: Callable[[Image], str]) -> str:
    """The prompt with its figures (plot_choice options are drawn in their choices)."""
    parts = [item.variant.prompt_html]
    for spec, image in zip(item.variant.figures, item.images, strict=True):
        if spec["role"] == "prompt":
            caption = (
                f"<figcaption>{spec['caption_html']}</figcaption>" if spec["caption_html"] else ""
            )
            parts.append(f"<figure>{image_tag(image, src(image))}{caption}</figure>")
    return "".join(parts)


def choice_html(item: ExportVariant, choice: dict[str, object], src: Callable[[Image], str]) -> str:
    """A choice's text, and its figure for a plot_choice option."""
    body = str(choice["html"])
    index = choice.get("figure")
    if isinstance(index, int):
        body += image_tag(item.images[index], src(item.images[index]))
    return body
