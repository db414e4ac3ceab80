"""What a study guide takes from a lesson's rendered HTML: key ideas and formulas.

A lesson's sections open with the idea they develop (authors write the claim first, then the
argument), so a section's heading and its first paragraph make a key idea; its display formulas
are the formulas to remember. The HTML is the sanitized output of `quizsvc.content`, so the
pieces cut from it are as safe as the lesson page itself. Sections that only list sources are
left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_H1 = re.compile(r"<h1\b[^>]*>.*?</h1>", re.DOTALL)
_H2 = re.compile(r"<h2\b[^>]*>(.*?)</h2>", re.DOTALL)
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL)
_DISPLAY_MATH = re.compile(r'<math\b[^>]*display="block"[^>]*>.*?</math>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
INTRODUCTION = "Introduction"
SKIPPED_SECTIONS = frozenset({"references", "further reading", "sources", "bibliography"})


@dataclass(frozen=True)
class Section:
    title_html: str
    idea_html: str  # the section's first paragraph ("" when it opens with something else)
    formulas: list[str] = field(default_factory=list)  # <math display="block"> elements


def text_of(html: str) -> str:
    return " ".join(_TAG.sub(" ", html).split())


def sections(html: str) -> list[Section]:
    """The lesson's second-level sections with their first paragraph and display formulas.

    The text before the first section (the introduction) counts as a section when it holds
    formulas, or when the lesson has no sections at all.
    """
    parts = _H2.split(_H1.sub("", html, count=1))
    # parts: [introduction, title 1, body 1, title 2, body 2, ...]
    out = []
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        if text_of(title).lower() not in SKIPPED_SECTIONS:
            out.extend(_section(title.strip(), body))
    intro = _section(INTRODUCTION, parts[0])
    if intro and (intro[0].formulas or not out):
        out[:0] = intro
    return out


def _section(title_html: str, body: str) -> list[Section]:
    paragraph = _PARAGRAPH.search(body)
    idea = paragraph.group(1).strip() if paragraph else ""
    formulas = _DISPLAY_MATH.findall(body)
    return [Section(title_html, idea, formulas)] if idea or formulas else []
