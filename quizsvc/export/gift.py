"""Moodle GIFT: one category per template holding its variants, figures inline as PNG.

Import in Moodle with Question bank › Import › GIFT, then add "a random question" from each
template's category to a quiz, so each learner gets one variant of every question. GIFT has no
way to ship files, so figures travel inside the text as ``data:image/png;base64`` images (Moodle
shows question HTML as written). Special characters are escaped exactly as Moodle's own GIFT
export escapes them, newlines included, so every question is one line of text.

Grading follows ours: a numeric answer is right within the tolerance's range, and each
misconception gets its own 0 % answer with its feedback; multiple select gives each right
choice 100/k % and takes the same off for each wrong one; ordering is a matching question
(each item to its position).
"""

from __future__ import annotations

import base64

from quizsvc.analytics.labels import plain
from quizsvc.export.bank import (
    Bank,
    ExportVariant,
    Image,
    choice_html,
    ordinal,
    question_html,
    tolerance_interval,
)

_RESERVED = ("~", "=", "#", "{", "}", ":")


def escape(text: str) -> str:
    """Escape as Moodle's ``qformat_gift::repchar`` does: reserved characters and newlines."""
    text = text.replace("\\", "\\\\")
    for char in _RESERVED:
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def data_uri(image: Image) -> str:
    return "data:image/png;base64," + base64.b64encode(image.data).decode("ascii")


def weight(fraction: float) -> str:
    """A GIFT answer weight such as ``%33.33333%`` (Moodle's grade options use 5 decimals)."""
    text = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return f"%{text}%"


def _number(x: float) -> str:
    return repr(float(x))


def _range(value: float, tolerance: dict[str, float]) -> str:
    low, high = tolerance_interval(value, tolerance)
    return f"{_number(low)}..{_number(high)}"


def _answers(entry: ExportVariant) -> list[str]:
    variant = entry.variant
    key = variant.answer_key
    if variant.kind == "numeric":
        lines = [f"=%100%{_range(key['value'], key['tolerance'])}#{escape('<p>Correct.</p>')}"]
        lines += [
            f"=%0%{_range(m['value'], key['tolerance'])}#{escape(m['feedback_html'])}"
            for m in key["misconceptions"]
        ]
        return ["#", *lines]
    if variant.kind == "ordering":
        order = key["order"]
        return [
            f"={escape(plain(item['html']))} -> {escape(ordinal(order.index(item['id']) + 1))}"
            for item in variant.choices
        ]
    correct = key["correct"]
    lines = []
    for choice in variant.choices:
        text = escape(choice_html(entry, choice, data_uri))
        feedback = key["feedback"].get(choice["id"], "")
        comment = f"#{escape(feedback)}" if feedback else ""
        if variant.kind != "multiple":
            mark = "=" if choice["id"] in correct else "~"
        else:
            share = 1 / len(correct)
            mark = "~" + weight(share if choice["id"] in correct else -share)
        lines.append(f"{mark}{text}{comment}")
    return lines


def _question(entry: ExportVariant) -> str:
    variant = entry.variant
    answers = _answers(entry)
    opening = "{" + (answers.pop(0) if answers and answers[0] == "#" else "")
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
        parts.append(f"$CATEGORY: $course$/quizsvc/{lesson.id}/{group.template.id}\n")
        parts.extend(_question(entry) for entry in group.variants)
    return "\n".join(parts)
