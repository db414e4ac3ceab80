"""Moodle XML: the bank of GIFT, with figures as files attached to the question.

GIFT carries figures as ``data:`` URIs, which a Moodle site with "content cleaning everywhere"
strips. Moodle XML is what Moodle users exchange: each figure is a base64 ``<file>`` inside the
text that shows it, referenced as ``@@PLUGINFILE@@/name.png``, and Moodle stores it as a real
file of the question. One category per template, as in GIFT; each kind writes its answers
(``QuestionKind.moodle``).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

from quizsvc.analytics.labels import ordinal, plain
from quizsvc.export.bank import Bank, ExportVariant, Image, choice_html, question_html
from quizsvc.export.gift import category
from quizsvc.kinds import get as kind_of
from quizsvc.quiz import Variant


def plugin_src(image: Image) -> str:
    return f"@@PLUGINFILE@@/{quote(image.name)}"


def fraction(value: float) -> str:
    """Moodle's percentage with 5 decimals, as its grade options are written (33.33333)."""
    return f"{value * 100:.5f}".rstrip("0").rstrip(".")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _html(parent: ET.Element, tag: str, html: str, images: tuple[Image, ...] = ()) -> ET.Element:
    """``<tag format="html"><text>html</text>`` and the files the HTML shows."""
    element = _sub(parent, tag, format="html")
    _sub(element, "text", html)
    for image in images:
        encoded = base64.b64encode(image.data).decode("ascii")
        _sub(element, "file", encoded, name=image.name, path="/", encoding="base64")
    return element


class _Writer:
    """``quizsvc.kinds.base.MoodleWriter`` for one exported variant."""

    sub = staticmethod(_sub)
    plain = staticmethod(plain)
    ordinal = staticmethod(ordinal)

    def __init__(self, entry: ExportVariant, question: ET.Element) -> None:
        self.entry = entry
        self.question = question

    @property
    def variant(self) -> Variant:
        return self.entry.variant

    def answer(
        self, value: float, text: str, feedback: str = "", *, html: bool = True
    ) -> ET.Element:
        answer = _sub(self.question, "answer", fraction=fraction(value),
                      format="html" if html else "moodle_auto_format")  # fmt: skip
        _sub(answer, "text", text)
        _html(answer, "feedback", feedback)
        return answer

    def choice(self, choice: Mapping[str, Any], value: float, feedback: str) -> ET.Element:
        answer = self.answer(value, choice_html(self.entry, dict(choice), plugin_src), feedback)
        index = choice.get("figure")
        if isinstance(index, int):
            image = self.entry.images[index]
            encoded = base64.b64encode(image.data).decode("ascii")
            _sub(answer, "file", encoded, name=image.name, path="/", encoding="base64")
        return answer


def _prompt_images(entry: ExportVariant) -> tuple[Image, ...]:
    return tuple(
        image
        for spec, image in zip(entry.variant.figures, entry.images, strict=True)
        if spec["role"] == "prompt"
    )


def _question(quiz: ET.Element, entry: ExportVariant) -> None:
    variant = entry.variant
    question = _sub(quiz, "question")
    _sub(_sub(question, "name"), "text", entry.title)
    _html(question, "questiontext", question_html(entry, plugin_src), _prompt_images(entry))
    _html(question, "generalfeedback", variant.explanation_html or "")
    _sub(question, "defaultgrade", "1")
    _sub(question, "penalty", "0")
    _sub(question, "hidden", "0")
    question.set("type", kind_of(variant.kind).moodle(_Writer(entry, question)))


def moodle_xml(bank: Bank) -> bytes:
    """The file Moodle imports with Question bank › Import › Moodle XML format."""
    quiz = ET.Element("quiz")
    quiz.append(ET.Comment(f" quizsvc export of lesson {bank.lesson.id!r} ({bank.lesson.title}) "))
    for group in bank.groups:
        if not group.variants:
            continue
        heading = _sub(quiz, "question", type="category")
        _sub(_sub(heading, "category"), "text", category(bank.lesson.id, group.template.id))
        for entry in group.variants:
            _question(quiz, entry)
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True)
