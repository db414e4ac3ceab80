"""A question named by its own first line, for lists of questions (review cards, content status).

Lists used to name a question by its slug or its objectives' text joined with dots, which does
not tell two questions of one objective apart. The first line of the prompt does; its
placeholders have no value outside a variant, so each reads as an ellipsis ("A …-layer sigmoid
network"), inside math as ``\\ldots`` so that the formula still renders.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from quizsvc.content import QuestionTemplate, render_markdown

_PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_MATH = re.compile(r"(?<!\\)\$\$.+?(?<!\\)\$\$|(?<!\\)\$[^$\n]+?(?<!\\)\$", re.DOTALL)
_PARAGRAPH = re.compile(r"^\s*<p>(.*?)</p>\s*$", re.DOTALL)
MAX_CHARS = 160


def first_line_text(template: QuestionTemplate) -> str:
    """The prompt's first non-blank line as written (LaTeX as typed), placeholders elided: for
    CSV files, which show text, not HTML."""
    line = next((text.strip() for text in template.prompt.splitlines() if text.strip()), "")
    return _PLACEHOLDER.sub("…", line)


def first_line(template: QuestionTemplate) -> Markup:
    """The prompt's first non-blank line as inline HTML (math rendered, placeholders elided)."""
    line = next((text.strip() for text in template.prompt.splitlines() if text.strip()), "")
    if len(line) > MAX_CHARS:
        cut = line[:MAX_CHARS].rsplit(" ", 1)[0]
        # Never cut inside a formula: an odd number of dollars means one is open.
        while cut.count("$") % 2 and " " in cut:
            cut = cut.rsplit(" ", 1)[0]
        line = f"{cut} …"
    parts, last = [], 0
    for match in _MATH.finditer(line):
        parts.append(_PLACEHOLDER.sub("…", line[last : match.start()]))
        parts.append(_PLACEHOLDER.sub(r"\\ldots", match.group(0)))
        last = match.end()
    parts.append(_PLACEHOLDER.sub("…", line[last:]))
    html = render_markdown("".join(parts))
    inline = _PARAGRAPH.match(html)
    return Markup(inline.group(1) if inline else html)  # sanitized by render_markdown
