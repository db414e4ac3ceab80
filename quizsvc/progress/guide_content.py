"""What a study guide takes from a lesson's rendered HTML: key ideas and formulas.

A lesson's sections open with the idea they develop (authors write the claim first, then the
argument), so a section's heading and its first paragraph make a key idea; its display formulas
are the formulas to remember. The HTML is the sanitized output of `quizsvc.content`, so the
pieces cut from it are as safe as the lesson page itself. Sections that only list sources are
left out.

A first paragraph that ends on a colon introduces what follows it (an equation, a list, a
table): the key idea keeps that block too, and the paragraph that continues it ("where ..."),
so an excerpt never ends on a colon with its point cut off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_H1 = re.compile(r"<h1\b[^>]*>.*?</h1>", re.DOTALL)
_H2 = re.compile(r"<h2\b[^>]*>(.*?)</h2>", re.DOTALL)
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL)
_DISPLAY_MATH = re.compile(r'<math\b[^>]*display="block"[^>]*>.*?</math>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
# A display equation comes in its scrollable box (content.markdown), or bare.
_BLOCK = re.compile(
    r'\s*<(math|ul|ol|table|pre|blockquote|p|div(?=\s+class="(?:math block|table-wrap)"))\b[^>]*>',
    re.DOTALL,
)
# A paragraph that goes on with the sentence an equation or list interrupted ("where ...").
_CONTINUATION = re.compile(r"\s*<p\b[^>]*>\s*[a-z]")
INTRODUCTION = "Introduction"
SKIPPED_SECTIONS = frozenset({"references", "further reading", "sources", "bibliography"})


@dataclass(frozen=True)
class Section:
    title_html: str
    idea_html: str  # the section's first paragraph ("" when it opens with something else)
    formulas: list[str] = field(default_factory=list)  # <math display="block"> elements
    # The blocks that complete a first paragraph ending on a colon (equation, list, table), and
    # the paragraph that continues them: whole HTML elements, shown after the idea.
    follow_html: str = ""

    @property
    def other_formulas(self) -> list[str]:
        """The formulas not already shown with the idea."""
        return [f for f in self.formulas if f not in self.follow_html]


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
    follow = _completion(body, paragraph.end()) if paragraph and _opens(idea) else ""
    formulas = _DISPLAY_MATH.findall(body)
    return [Section(title_html, idea, formulas, follow)] if idea or formulas else []


def _opens(html: str) -> bool:
    """The paragraph announces what follows it."""
    return text_of(html).endswith(":")


def _completion(body: str, start: int) -> str:
    """The block after ``start`` that a paragraph ending on a colon introduces, then the
    paragraph continuing it (it starts in lower case: "where ..."), as whole elements."""
    block = _element(body, start)
    if block is None:
        return ""
    name, end = block
    taken = [body[start:end].strip()]
    if name != "p" and _CONTINUATION.match(body, end):
        after = _element(body, end)
        if after is not None:
            taken.append(body[end : after[1]].strip())
    return "\n".join(taken)


def _element(body: str, start: int) -> tuple[str, int] | None:
    """The element that starts at ``start`` (after white space): its tag and where it ends,
    counting nested elements of the same tag (a list inside a list)."""
    opening = _BLOCK.match(body, start)
    if opening is None:
        return None
    name = opening.group(1)
    tags = re.compile(rf"<(/?){name}\b[^>]*>")
    depth, position = 1, opening.end()
    for tag in tags.finditer(body, position):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return name, tag.end()
    return None
