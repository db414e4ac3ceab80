"""Wrong answers as labels an instructor recognises, so equal mistakes can be counted together.

Each kind labels its own wrong answers (``QuestionKind.wrong_answers``) with the helpers here.
Variants shuffle their choices and fill numbers into choice texts, so the choice a learner
picked is traced back to the template's own choice (its source text, placeholders and all)
by matching the rendered text against each choice text with its placeholders as wildcards.
Numeric answers are labelled by the misconception that caught them, or by the two slips that
matter on log-scale plots: a wrong power of ten and a wrong sign.

Labels are plain, readable text (math as text, placeholders as "…"), so the CSV can use them
as they are. When several template texts fit a rendered choice equally well (they differ only by
a filled-in number), the choice is labelled by the text the learner saw instead. An ordering is
labelled by the correct positions of the items in the order given ("1st › 3rd › 2nd by key"),
which is the same mistake whatever numbers a variant filled in. Pages show each label with the
learner-facing HTML of one answer (``display_html``), math rendered.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from typing import Any, ClassVar

from quizsvc.content.expr import Expr
from quizsvc.content.markdown import render_markdown
from quizsvc.content.model import QuestionTemplate
from quizsvc.content.placeholders import PLACEHOLDER
from quizsvc.kinds import get as kind_of
from quizsvc.kinds.base import Shown

MAX_LABEL = 100
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_SLOT = "QZSLOTQZ"


def plain(fragment: str) -> str:
    """The text of an HTML fragment on one line."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


class _Readable(HTMLParser):
    """Text of an HTML fragment with MathML written as text: tight, x^2, x_i, a/b, √x."""

    SCRIPTS: ClassVar[dict[str, str]] = {"msup": "^", "msub": "_", "mfrac": "/", "msubsup": "_"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.math: list[list[Any]] = []  # open MathML elements: [tag, children seen]

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "math" or self.math:
            if self.math:
                parent = self.math[-1]
                parent[1] += 1
                if parent[1] == 2 and parent[0] in self.SCRIPTS:
                    self.out.append(self.SCRIPTS[parent[0]])
                elif parent[1] == 3 and parent[0] == "msubsup":
                    self.out.append("^")
            if tag == "msqrt":
                self.out.append("√")
            self.math.append([tag, 0])
        else:
            self.out.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self.math:
            self.out.append(" ")
            return
        while self.math and self.math.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.out.append(data)


def readable(fragment: str) -> str:
    """The text of an HTML fragment on one line, its math as readable text (for CSV, labels)."""
    parser = _Readable()
    parser.feed(fragment)
    parser.close()
    return _SPACE.sub(" ", "".join(parser.out)).strip()


def inline(fragment: str) -> str:
    """A rendered paragraph without its ``<p>`` wrapper, to show inside a table cell."""
    fragment = fragment.strip()
    if fragment.startswith("<p>") and fragment.endswith("</p>") and fragment.count("<p>") == 1:
        return fragment[3:-4]
    return fragment


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def display_html(label: str, shown_html: str) -> str:
    """A label for a page: the learner-facing HTML itself when it reads as the label (its math
    rendered), otherwise the label with that HTML as an example."""
    if not shown_html:
        return html.escape(label)
    if readable(shown_html) == label:
        return shown_html
    return f'{html.escape(label)} <span class="small muted">(e.g. {shown_html})</span>'


def template_text(text: str) -> str:
    """A template's choice or item text, readable: math as text, each placeholder as "…"."""
    return readable(render_markdown(PLACEHOLDER.sub(_SLOT, text))).replace(_SLOT, "…")


def template_texts(texts: Sequence[str], noun: str) -> list[str]:
    """``template_text`` of each, or "<noun> <n>" (its place in the template) for texts that
    would read the same as another's, such as items differing only by a filled-in number."""
    shown = [template_text(text) for text in texts]
    return [s if shown.count(s) == 1 else f"{noun} {i + 1}" for i, s in enumerate(shown)]


def short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


class ChoiceMatcher:
    """Traces rendered choices back to the template texts they were filled from."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._patterns: list[tuple[int, re.Pattern[str], str]] = []
        for text in texts:
            parts = plain(render_markdown(PLACEHOLDER.sub(_SLOT, text))).split(_SLOT)
            pattern = re.compile("(.+?)".join(re.escape(p) for p in parts), re.DOTALL)
            # Prefer the most literal text: "About 10" over "About {{ x }}".
            self._patterns.append((-sum(map(len, parts)), pattern, short(template_text(text))))
        self._patterns.sort(key=lambda entry: entry[0])

    def label(self, fragment: str) -> str:
        """The template text ``fragment`` was filled from, readable; the learner-facing text
        itself when no template text fits, or when several fit equally well."""
        text = plain(fragment)
        found = [
            (rank, label) for rank, pattern, label in self._patterns if pattern.fullmatch(text)
        ]
        if found and (len(found) == 1 or found[0][0] < found[1][0]):
            return found[0][1]
        return short(readable(fragment))


class Labeler:
    """Labels the wrong answers to one template's variants (build once, use for many)."""

    def __init__(self, template: QuestionTemplate | None) -> None:
        """``template``: the current template when its content hash matches the variants';
        without it, labels fall back to the variants' own rendered texts."""
        self.template = template
        self.spec = template.spec if template is not None else None
        texts = kind_of(template.kind).label_texts(template.spec) if template is not None else []
        self.matcher = ChoiceMatcher(texts)

    def wrong(self, variant: Mapping[str, Any], parsed: Any, feedback_html: str) -> tuple[str, ...]:
        """Labels of what was wrong in one graded response (``parsed`` as grading stored it)."""
        return tuple(label for label, _ in self.wrong_shown(variant, parsed, feedback_html))

    def wrong_shown(self, variant: Mapping[str, Any], parsed: Any, feedback_html: str) -> Shown:
        """(label, the learner-facing HTML of that answer in this variant, or "") pairs."""
        return kind_of(variant["kind"]).wrong_answers(variant, parsed, feedback_html, self)

    # -- what a kind may use (``quizsvc.kinds.base.LabelTools``) --------------------------------

    def label(self, fragment: str) -> str:
        return self.matcher.label(fragment)

    inline = staticmethod(inline)
    readable = staticmethod(readable)
    short = staticmethod(short)
    ordinal = staticmethod(ordinal)

    def same_literals(self, sims: Sequence[str], configs: Sequence[Mapping[str, Any]]) -> bool:
        """Whether ``configs`` show the literal (not computed) settings of ``sims``."""
        if self.template is None or len(sims) != len(configs):
            return False
        for name, config in zip(sims, configs, strict=True):
            fields = self.template.sims[name].fields
            if any(config.get(k) != v for k, v in fields.items() if not isinstance(v, Expr | list)):
                return False
        return True
