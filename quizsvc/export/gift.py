"""Moodle GIFT: one category per template holding its variants, figures inline as PNG.

Import in Moodle with Question bank › Import › GIFT, then add "a random question" from each
template's category to a quiz, so each learner gets one variant of every question. GIFT has no
way to ship files, so figures travel inside the text as ``data:image/png;base64`` images (Moodle
shows question HTML as written), which a site that cleans content drops:
``quizsvc.export.moodle`` writes Moodle XML with the figures as attached files for those.
Special characters are escaped exactly as Moodle's own GIFT export escapes them, newlines
included, so every question is one line of text.

Grading follows ours: each kind writes its own answers (``QuestionKind.gift``), e.g. a numeric
answer is right within the tolerance's range; ordering is a matching question.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from quizsvc.analytics.labels import ordinal, plain
from quizsvc.export.bank import Bank, ExportVariant, Image, choice_html, question_html
from quizsvc.kinds import get as kind_of
from quizsvc.quiz import Variant

_RESERVED = ("~", "=", "#", "{", "}", ":")


def escape(text: str) -> str:
    """Escape as Moodle's ``qformat_gift::repchar`` does: reserved characters and newlines."""
    text = text.replace("\\", "\\\\")
    for char in _RESERVED:
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def category(lesson_id: str, template_id: str) -> str:
    """A template's category, below the bank the teacher imports into (GIFT and Moodle XML)."""
    return f"quizsvc/{lesson_id}/{template_id}"


def data_uri(image: Image) -> str:
    return "data:image/png;base64," + base64.b64encode(image.data).decode("ascii")


def weight(fraction: float) -> str:
    """A GIFT answer weight such as ``%33.33333%`` (Moodle's grade options use 5 decimals)."""
    text = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return f"%{text}%"


class _Writer:
    """``quizsvc.kinds.base.GiftWriter`` for one exported variant."""

    escape = staticmethod(escape)
    weight = staticmethod(weight)
    plain = staticmethod(plain)
    ordinal = staticmethod(ordinal)

    def __init__(self, entry: ExportVariant) -> None:
        self.entry = entry

    @property
    def variant(self) -> Variant:
        return self.entry.variant

    def choice(self, choice: Mapping[str, Any]) -> str:
        return escape(choice_html(self.entry, dict(choice), data_uri))


def _question(entry: ExportVariant) -> str:
    variant = entry.variant
    opening, answers = kind_of(variant.kind).gift(_Writer(entry))
    opening = "{" + opening
    general = f"\t####{escape(variant.explanation_html)}\n" if variant.explanation_html else ""
    body = "".join(f"\t{line}\n" for line in answers)
    text = escape(question_html(entry, data_uri))
    return f"::{escape(entry.title)}::[html]{text}{opening}\n{body}{general}}}\n"


def gift_text(bank: Bank) -> str:
    lesson = bank.lesson
    parts = [
        f"// quizsvc export of lesson {lesson.id!r} ({lesson.title})\n"
        "// One category per question; add a random question from each to a quiz.\n"
    ]
    for group in bank.groups:
        if not group.variants:
            continue
        # No "$course$/" prefix: with it, Moodle 5.0 files the questions into a hidden shared
        # bank it creates instead of the bank the teacher imports into.
        parts.append(f"$CATEGORY: {category(lesson.id, group.template.id)}\n")
        parts.extend(_question(entry) for entry in group.variants)
    return "\n".join(parts)
