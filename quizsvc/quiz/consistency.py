"""Checks of how the parts of a question fit together, run by ``quizsvc content check``.

The variant checks of :mod:`quizsvc.quiz.checks` look at one value at a time. A question can
pass them and still mislead: a hint whose method lands outside the answer's tolerance (the
learner follows it and is graded wrong), two misconceptions whose tolerance ranges overlap (an
answer in both only ever gets the first feedback), "a 18-layer network" in the prose, or a legend
that reads "net". These checks see the whole generated variant with its values, for every checked
seed.

A template declares the other ways to its answer as values named ``route_...`` (the method a
hint teaches, a theory formula the explanation quotes); see docs/authoring.md, "Routes".
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from quizsvc.content.model import QuestionTemplate
from quizsvc.content.problems import Severity
from quizsvc.kinds import get as kind_of
from quizsvc.quiz.generate import Generation
from quizsvc.sim.limits import ACTIVATION_NAMES

ROUTE_PREFIX = "route_"


class Issue(NamedTuple):
    """One finding, in the field order of :class:`quizsvc.quiz.checks.Finding`."""

    severity: Severity
    line: int
    message: str
    fix: str
    detail: str = ""


def inspect_generation(template: QuestionTemplate, generation: Generation) -> list[Issue]:
    """Route, article and legend problems of one generated variant (the kind judges routes)."""
    routes = [
        (name, generation.env.names[name], line)
        for name, _, line in template.values
        if name.startswith(ROUTE_PREFIX)
    ]
    kind = kind_of(template.kind)
    found = kind.inspect_routes(template.spec, routes, generation.variant)
    return [
        *_articles(template, generation),
        *_unnamed_legends(template),
        *(Issue(f.severity, f.line, f.message, f.fix, f.detail) for f in found),
    ]


# -- "a 18-layer" --------------------------------------------------------------------------------

_MATH = re.compile(r"<math\b.*?</math>", re.S)
_TAG = re.compile(r"<[^>]+>")
_ARTICLE_NUMBER = re.compile(r"\b([Aa]n?)\s+(\d[\d,]*(?:\.\d+)?)")


def indefinite_article(number: str) -> str:
    """ "a" or "an" before ``number`` written in digits, by how it is read aloud.

    A number takes "an" when its reading starts with a vowel sound: eight (8, 80-89, 800-899,
    8,000, ...), eleven and eighteen (11, 18, 11,000, 18,000, ...). The leading group of
    thousands decides, so 1,800 ("one thousand eight hundred") takes "a".
    """
    whole = int(number.replace(",", "").split(".")[0] or 0)
    while whole >= 1000:
        whole //= 1000
    return "an" if whole in (11, 18) or str(whole).startswith("8") else "a"


def article_mistakes(html_text: str) -> list[str]:
    """Article-number pairs of the text (math left out) that read wrong, e.g. ``["a 18"]``."""
    text = html.unescape(_TAG.sub(" ", _MATH.sub(" ", html_text)))
    return [
        f"{article} {number}"
        for article, number in _ARTICLE_NUMBER.findall(text)
        if article.lower() != indefinite_article(number)
    ]


#: Words whose article the spelling does not tell: how the names that lessons draw are read
#: aloud ("a ReLU" as "ray-loo", "an ELU" as "ee-loo", "an LSTM" letter by letter).
WORD_ARTICLES: dict[str, str] = {
    "relu": "a", "gelu": "a", "selu": "a", "elu": "an", "leaky": "a", "tanh": "a",
    "sigmoid": "a", "linear": "a", "lstm": "an", "rnn": "an", "mlp": "an", "gru": "a",
    "sgd": "an", "adam": "an", "xavier": "a", "he": "a", "kaiming": "a", "uniform": "a",
    "unit": "a", "one": "a", "orthogonal": "an", "identity": "an", "hour": "an",
}  # fmt: skip
#: Capital letters whose names start with a vowel sound ("an F", "an MLP", "an RNN").
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")
_WORD_START = re.compile(r"[A-Za-z0-9]+")


def word_article(word: str) -> str:
    """ "a" or "an" before ``word``, by the sound it starts with when read aloud.

    Known names come from :data:`WORD_ARTICLES`; a number is read as a number; an acronym in
    capitals is read letter by letter; any other word takes "an" before a vowel letter.
    """
    match = _WORD_START.match(word)
    first = match.group(0) if match else word
    if first[:1].isdigit():
        return indefinite_article(first)
    if first.lower() in WORD_ARTICLES:
        return WORD_ARTICLES[first.lower()]
    if len(first) > 1 and first.isupper():
        return "an" if first[0] in _VOWEL_SOUND_LETTERS else "a"
    if first.lower().startswith(("uni", "use", "usu", "eu", "one")):
        return "a"
    return "an" if first[:1].lower() in "aeiou" else "a"


def word_article_mistakes(html_text: str, words: Iterable[str]) -> list[str]:
    """Article-word pairs of the text (math left out) whose article does not fit one of
    ``words`` (the words a variant drew), e.g. ``["an ReLU"]``."""
    text = html.unescape(_TAG.sub(" ", _MATH.sub(" ", html_text)))
    mistakes = []
    for word in sorted(set(words), key=len, reverse=True):
        pattern = re.compile(rf"\b([Aa]n?)\s+({re.escape(word)})(?![\w-])")
        for article, found in pattern.findall(text):
            if article.lower() != word_article(found):
                mistakes.append(f"{article} {found}")
    return mistakes


def drawn_words(template: QuestionTemplate, generation: Generation) -> list[str]:
    """The words a variant drew into its texts: its text parameters, and an activation's name
    as ``display()`` writes it."""
    words = []
    for name in template.params:
        value = generation.env.names.get(name)
        if isinstance(value, str) and value.strip():
            words.append(value)
            if value in ACTIVATION_NAMES:
                words.append(ACTIVATION_NAMES[value])
    return words


def _texts(generation: Generation) -> Iterator[str]:
    variant = generation.variant
    yield variant.prompt_html
    yield variant.explanation_html
    yield from variant.hints_html
    yield from (choice["html"] for choice in variant.choices)
    yield from (figure["caption_html"] for figure in variant.figures)
    key = variant.answer_key
    yield from key.get("feedback", {}).values()
    yield from (m["feedback_html"] for m in key.get("misconceptions", []))


def _articles(template: QuestionTemplate, generation: Generation) -> Iterator[Issue]:
    mistakes = sorted({m for text in _texts(generation) for m in article_mistakes(text)})
    if mistakes:
        yield Issue(
            "warning", template.line, "an article does not fit the number after it",
            "write the article by the number's sound (an 8, an 11, an 18, an 80; a 1, a 100), "
            "or reword so that no article precedes a drawn number",
            ", ".join(f"{m!r}" for m in mistakes),
        )  # fmt: skip
    words = drawn_words(template, generation)
    wrong = sorted({m for text in _texts(generation) for m in word_article_mistakes(text, words)})
    if wrong:
        yield Issue(
            "warning", template.line, "an article does not fit the drawn word after it",
            "write the article by the word's sound (a ReLU, a tanh, an ELU, an LSTM), or reword "
            "so that no article precedes a drawn word",
            ", ".join(f"{m!r}" for m in wrong),
        )  # fmt: skip


# -- legends -------------------------------------------------------------------------------------

#: Figure kinds that show their labels (in the legend, or in the alt text for `activations`).
LABELLED_KINDS = frozenset({"grad_norms", "layer_stats", "activations"})


def _unnamed_legends(template: QuestionTemplate) -> Iterator[Issue]:
    """A prompt figure's legend shows the simulation names unless it has labels. (The options
    of a plot_choice question are labelled "network 1" on purpose: a name would tell them
    apart.)"""
    for figure in template.figures:
        if figure.kind in LABELLED_KINDS and figure.sims and figure.labels is None:
            yield Issue(
                "warning", figure.line or template.line,
                f"a {figure.kind} figure without labels: its legend reads "
                f"{', '.join(figure.sims)!r}",
                "add labels: naming what each network is (\"tanh, gain 0.5\", \"batch norm\")",
            )  # fmt: skip
