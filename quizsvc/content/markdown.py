"""Markdown to safe HTML: markdown-it, math as server-side MathML, then an nh3 allow-list.

Lesson files are trusted to be well-meaning, not to be safe: raw HTML is off in the parser and
whatever the renderer emits still passes through the sanitizer, so ``<script>``, ``javascript:``
links and event attributes never reach a page. Math becomes MathML here so pages need no CDN
and no JavaScript.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import nh3
from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

ADMONITION_KINDS = ("note", "warning", "tip")
FIGURE_FENCE = "figure"
QUESTION_FENCE = "question"
_SECTION_TAGS = ("h2", "h3", "h4")  # the lesson headings that get ids (heading_anchors)
_SECTION_ID = re.compile(r"^sec-[a-z0-9-]{1,80}$")

_MATHML_TAGS = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup",
    "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd",
    "mlabeledtr", "mstyle", "mpadded", "mphantom", "menclose", "merror", "semantics",
    "annotation", "mmultiscripts", "mprescripts", "none",
}  # fmt: skip
_MATHML_ATTRIBUTES = {
    "display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "accent",
    "accentunder", "columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines",
    "rowlines", "frame", "linethickness", "width", "height", "depth", "scriptlevel",
    "displaystyle", "minsize", "maxsize", "movablelimits", "symmetric", "largeop", "form",
    "notation", "encoding", "align", "voffset",
}  # fmt: skip
_HTML_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "sup", "sub", "section", "div", "span", "figure",
}  # fmt: skip
ALLOWED_TAGS = frozenset(_HTML_TAGS | _MATHML_TAGS)
_EQUATION_BOX = '<div class="math block" tabindex="0" role="group" aria-label="equation">'
_EQUATION_ATTRIBUTES = {"tabindex": "0", "role": "group", "aria-label": "equation"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "div": set(_EQUATION_ATTRIBUTES),
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "li": {"id"},
    "th": {"style"},
    "td": {"style"},
    "code": {"class"},
    "figure": {"data-figure"},
    **{tag: {"id"} for tag in _SECTION_TAGS},
    **{tag: set(_MATHML_ATTRIBUTES) for tag in _MATHML_TAGS},
}
ALLOWED_CLASSES: dict[str, set[str]] = {
    "div": {"admonition", *ADMONITION_KINDS, "math", "block", "table-wrap"},
    "p": {"admonition-title"},
    "span": {"math", "inline", "math-error"},
    "sup": {"footnote-ref"},
    "hr": {"footnotes-sep"},
    "section": {"footnotes"},
    "ol": {"footnotes-list"},
    "li": {"footnote-item"},
    "a": {"footnote-backref"},
    "figure": {"live-figure"},
}
_SAFE_ID = re.compile(r"^fn(ref)?\d+(:\d+)?$")
_SAFE_CODE_CLASS = re.compile(r"^language-[A-Za-z0-9_+-]{1,30}$")
_SAFE_FIGURE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_UNKNOWN_COMMAND = re.compile(r">(\\[A-Za-z]+)<")
# latex2mathml leaves these delimiters as raw commands after \big, \Bigl, ...
_DELIMITERS = {
    "lVert": "\u2016", "rVert": "\u2016", "Vert": "\u2016", "lvert": "|", "rvert": "|",
    "vert": "|", "langle": "\u27e8", "rangle": "\u27e9", "lfloor": "\u230a",
    "rfloor": "\u230b", "lceil": "\u2308", "rceil": "\u2309", "lbrace": "{", "rbrace": "}",
}  # fmt: skip
_RAW_DELIMITER = re.compile(r">\\(" + "|".join(_DELIMITERS) + r")<")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    """Keep ids only for footnotes and sections, classes only for code languages, and the
    equation box's focus and label only with their one value."""
    if attr == "id" and tag in _SECTION_TAGS:
        return value if _SECTION_ID.match(value) else None
    if attr == "id":
        return value if _SAFE_ID.match(value) else None
    if tag == "code" and attr == "class":
        return value if _SAFE_CODE_CLASS.match(value) else None
    if tag == "figure" and attr == "data-figure":
        return value if _SAFE_FIGURE_ID.match(value) else None
    if tag == "div" and attr in _EQUATION_ATTRIBUTES:
        return value if value == _EQUATION_ATTRIBUTES[attr] else None
    return value


def sanitize(fragment: str) -> str:
    """Clean rendered HTML with our explicit allow-list (also MathML)."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"},
        link_rel="noopener noreferrer",
    )


@dataclass
class RenderNotes:
    """What rendering found that the loader should report, in file lines."""

    math_problems: list[tuple[int, str]] = field(default_factory=list)


@functools.lru_cache(maxsize=4096)
def _convert(content: str, display: str) -> tuple[str, str]:
    """LaTeX to MathML (cached: variants repeat their formulas) and a problem, or ""."""
    try:
        mathml = latex_to_mathml(content, display=display)
    except Exception as exc:  # latex2mathml raises many unrelated types on bad input
        error = f'<span class="math-error"><code>{html.escape(content)}</code></span>'
        return error, f"LaTeX not understood ({type(exc).__name__})"
    mathml = _RAW_DELIMITER.sub(lambda m: f">{_DELIMITERS[m.group(1)]}<", mathml)
    unknown = _UNKNOWN_COMMAND.search(mathml)
    return mathml, f"unknown LaTeX command {unknown.group(1)}" if unknown else ""


def _math(content: str, display: str, notes: RenderNotes | None, line: int) -> str:
    mathml, problem = _convert(content, display)
    if problem and notes is not None:
        notes.math_problems.append((line, problem))
    return mathml


def _line(tokens: list[Token], idx: int) -> int:
    token = tokens[idx]
    return (token.map[0] if token.map else 0) + 1


def _notes(env: dict[str, Any]) -> RenderNotes | None:
    notes = env.get("notes")
    return notes if isinstance(notes, RenderNotes) else None


def _build() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"html": False, "typographer": False})
        .use(front_matter_plugin)
        .use(footnote_plugin)
        .use(admon_plugin)
        .use(dollarmath_plugin, allow_digits=False, double_inline=True)
        .enable("table")
    )
    assert isinstance(md.renderer, RendererHTML)  # the default renderer, which has rules
    default_fence = md.renderer.rules["fence"]

    def math_inline(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return _math(tokens[idx].content, "inline", _notes(env), _line(tokens, idx))

    def math_block(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        # A long equation scrolls sideways on a phone: its box takes keyboard focus (and says
        # what it is) so that it can be scrolled without a mouse.
        mathml = _math(tokens[idx].content, "block", _notes(env), _line(tokens, idx))
        return f"{_EQUATION_BOX}{mathml}</div>\n"

    def fence(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        info = tokens[idx].info.strip()
        if env.get("lesson") and info == QUESTION_FENCE:
            return ""
        if env.get("lesson") and info == FIGURE_FENCE:
            figure_id = tokens[idx].meta.get("figure_id", "")
            return f'<figure class="live-figure" data-figure="{html.escape(figure_id)}"></figure>\n'
        return str(default_fence(tokens, idx, options, env))

    md.add_render_rule("math_inline", math_inline)
    md.add_render_rule("math_inline_double", math_block)
    md.add_render_rule("math_block", math_block)
    md.add_render_rule("math_block_label", math_block)

    def table_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        # A wide table scrolls inside its own box on a phone, which the page's script makes
        # keyboard-focusable while it overflows (as it does for every .table-wrap).
        return '<div class="table-wrap">' + self.renderToken(tokens, idx, options, env)

    def table_close(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return self.renderToken(tokens, idx, options, env) + "</div>\n"

    md.add_render_rule("fence", fence)
    md.add_render_rule("table_open", table_open)
    md.add_render_rule("table_close", table_close)
    return md


MD = _build()


def heading_anchors(tokens: list[Token]) -> dict[str, str]:
    """Give a lesson's section headings (levels 2 to 4) ids, so that pages and rubric points
    can link to the section that teaches something; their titles (as written) by anchor."""
    titles: dict[str, str] = {}
    for open_token, inline in itertools.pairwise(tokens):
        if open_token.type != "heading_open" or open_token.tag not in _SECTION_TAGS:
            continue
        base = "sec-" + (re.sub(r"[^a-z0-9]+", "-", inline.content.lower()).strip("-")[:70] or "x")
        anchor, n = base, 1
        while anchor in titles:
            n += 1
            anchor = f"{base}-{n}"
        open_token.attrSet("id", anchor)
        titles[anchor] = inline.content.strip()
    return titles


@functools.lru_cache(maxsize=2048)
def render_markdown(text: str) -> str:
    """Render Markdown with math to sanitized HTML (prompts, choices, feedback, explanations).

    Cached: a template's fixed texts (choices, feedback, hints) recur in every variant.
    """
    return render_tokens(MD.parse(text, {}), {})


def render_tokens(tokens: list[Token], env: dict[str, Any]) -> str:
    """Render tokens already parsed by :data:`MD` (lessons parse once, then render) and sanitize."""
    for token in tokens:
        for child in token.children or ():
            child.map = child.map or token.map  # inline math reports its paragraph's line
    return sanitize(MD.renderer.render(tokens, MD.options, env))
