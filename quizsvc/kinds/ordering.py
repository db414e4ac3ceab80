"""``ordering``: put items in order of a computed key; partial credit per pair in order.

The form gives each item a position select, which needs no JavaScript to reorder. Items are
shown shuffled, never in their correct order.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from markupsafe import Markup
from wtforms import StringField
from wtforms.validators import AnyOf

from quizsvc.kinds.base import (
    CORRECT_HTML,
    IDS,
    AnswerForm,
    Finding,
    Grade,
    QuestionKind,
    Shown,
    choice_ids,
    html_by_id,
    html_list,
)
from quizsvc.kinds.choices import id_list
from quizsvc.kinds.numbers import AnswerError
from quizsvc.kinds.tolerance import within
from quizsvc.kinds.tools import (
    Fields,
    Generation,
    GiftWriter,
    LabelTools,
    Lettered,
    MoodleWriter,
    OutcomeTools,
    QtiItem,
    VariantData,
)

ORDERS = ("ascending", "descending")
MIN_ITEMS = 3
ORDER_TIE = {"relative": 0.02}  # keys this close cannot be told apart on a figure


@dataclass(frozen=True)
class ItemSpec:
    label: str
    key: Any  # a number or an expression to sort by
    line: int = 0


@dataclass(frozen=True)
class OrderingSpec:
    items: tuple[ItemSpec, ...]
    order: str = "ascending"


class OrderingForm(AnswerForm):
    """One ``rank-<id>`` field per item (a select of positions in the partial), built per
    question (see :func:`_form`)."""

    item_ids: ClassVar[list[str]] = []

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if len({self[f"rank-{i}"].data for i in self.item_ids}) != len(self.item_ids):
            self.form_errors.append(
                f"Give each item a different position from 1 to {len(self.item_ids)}."
            )
            return False
        return True

    def read(self) -> list[str]:
        return sorted(self.item_ids, key=lambda i: int(self[f"rank-{i}"].data))


def _form(item_ids: list[str]) -> type[OrderingForm]:
    positions = [str(r) for r in range(1, len(item_ids) + 1)]
    message = f"Give every item a position from 1 to {len(item_ids)}."
    fields = {
        f"rank-{item_id}": StringField(validators=[AnyOf(positions, message=message)])
        for item_id in item_ids
    }
    return type("OrderingForm", (OrderingForm,), {"item_ids": item_ids, **fields})


class Ordering(QuestionKind):
    name = "ordering"
    word = "ordering"
    keys = ("items", "order")
    partial = "kinds/ordering.html"
    response_doc = "ordering: every item id, first to last"
    response_schema: ClassVar[dict[str, Any]] = {"type": "array", "items": {"type": "string"}}
    qti_type = "matching_question"
    feedback_between_tries = True  # counts pairs in order, never names the order
    takes_tries = True

    def parse(self, q: Fields) -> OrderingSpec:
        result = []
        for item in q.maps("items", "an item"):
            item.check_keys(("label", "key"))
            label = item.text("label", required=True)
            if not item.has("key"):
                item.error("item has no key", "add key: =expression to sort by")
                continue
            result.append(ItemSpec(label, item.number("key", "item key"), item.line))
        # The first shown order is never the answer, so with two items it would give the
        # answer away (it is the reverse); three items leave five candidate orders.
        if len(result) < MIN_ITEMS:
            q.error(
                f"an ordering question needs at least {MIN_ITEMS} items",
                "add items: with 2 the answer is the reverse of the order shown",
            )
        return OrderingSpec(tuple(result), q.word("order", ORDERS, "ascending"))

    def generate(
        self, spec: OrderingSpec, g: Generation
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        entries = [
            {"html": g.html(item.label, item.line),
             "key": g.number(item.key, item.line, "an item key")}
            for item in spec.items
        ]  # fmt: skip
        g.rng.shuffle(entries)
        descending = spec.order == "descending"
        ordered = _ordered(entries, descending)
        if len(entries) > 1 and [e["id"] for e in ordered] == [e["id"] for e in entries]:
            entries = entries[1:] + entries[:1]
            ordered = _ordered(entries, descending)
        key = {
            "order": [e["id"] for e in ordered],
            "keys": {e["id"]: e["key"] for e in entries},
            "direction": spec.order,
        }
        return [{"id": e["id"], "html": e["html"]} for e in entries], key

    def inspect(self, spec: OrderingSpec, variant: VariantData, line: int) -> list[Finding]:
        keys = variant.answer_key["keys"]
        for a, b in itertools.combinations(sorted(keys), 2):
            if within(keys[a], keys[b], ORDER_TIE):
                return [Finding(
                    "warning", line,
                    "two items have keys within 2 %; learners cannot tell their order",
                    "choose configurations that differ more", f"{keys[a]:.4g} and {keys[b]:.4g}",
                )]  # fmt: skip
        return []

    def grade(self, variant: VariantData, response: Any) -> Grade:
        """Score = fraction of item pairs in the right relative order (ties count either way)."""
        order = id_list(variant, response, "item")
        ids = choice_ids(variant)
        if sorted(order) != sorted(ids):
            raise AnswerError(f"Put every item in order exactly once: {', '.join(ids)}.")
        key = variant.answer_key
        rank = {item: i for i, item in enumerate(key["order"])}
        keys = key["keys"]
        pairs = list(itertools.combinations(order, 2))
        good = sum(1 for a, b in pairs if rank[a] < rank[b] or keys[a] == keys[b])
        score = good / len(pairs) if pairs else 1.0
        correct = good == len(pairs)
        feedback = (
            CORRECT_HTML
            if correct
            else f"<p>{good} of {len(pairs)} pairs are in the right order.</p>"
        )
        return Grade(score, correct, feedback, order, self.correct_answer_html(variant))

    def correct_answer_html(self, variant: VariantData) -> str:
        return html_list(variant.choices, variant.answer_key["order"], "ol")

    def answer_html(self, public: Mapping[str, Any], raw: Any) -> str:
        return html_list(public["choices"], raw, "ol")

    def answer_form(
        self, public: Mapping[str, Any], formdata: Any = None, response: Any = None
    ) -> OrderingForm:
        item_ids = [c["id"] for c in public["choices"]]
        shown = response or (item_ids if formdata is None else [])  # unanswered: as shown
        data = {f"rank-{item_id}": str(i + 1) for i, item_id in enumerate(shown)}
        return _form(item_ids)(formdata, data=data)

    def guide_answer_html(self, key: Mapping[str, Any], choices: Sequence[Lettered]) -> Markup:
        by_id = {c.id: c for c in choices}
        items = Markup("").join(
            Markup("<li>{}</li>").format(Markup(by_id[i].html))  # sanitized by quizsvc.quiz
            for i in key["order"]
        )
        return Markup("<ol>{}</ol>").format(items)

    def qti(self, item: QtiItem) -> dict[str, str]:
        """A matching question: each item to its position; every right match earns its share."""
        variant = item.variant
        order = variant.answer_key["order"]
        positions = {
            n: item.ident("position", variant.template_id, variant.seed, n)
            for n in range(1, len(order) + 1)
        }
        share = f"{100 / len(order):.2f}"
        for choice in variant.choices:
            response_id = f"response_{item.ids[choice['id']]}"
            response = item.sub(item.presentation, "response_lid", ident=response_id)
            material = item.sub(response, "material")
            item.sub(material, "mattext", item.plain(choice["html"]), texttype="text/plain")
            render = item.sub(response, "render_choice")
            for n, position_id in positions.items():
                label = item.sub(render, "response_label", ident=position_id)
                item.sub(item.sub(label, "material"), "mattext", item.ordinal(n))
            _, variables = item.condition(score=share, action="Add", cont="Yes")
            position = positions[order.index(choice["id"]) + 1]
            item.sub(variables, "varequal", position, respident=response_id)
        return {}

    def gift(self, g: GiftWriter) -> tuple[str, list[str]]:
        """A matching question: each item to its position."""
        order = g.variant.answer_key["order"]
        return "", [
            f"={g.escape(g.plain(item['html']))} -> "
            f"{g.escape(g.ordinal(order.index(item['id']) + 1))}"
            for item in g.variant.choices
        ]

    def moodle(self, m: MoodleWriter) -> str:
        """A matching question, as in GIFT: each item to its position."""
        order = m.variant.answer_key["order"]
        for item in m.variant.choices:
            sub = m.sub(m.question, "subquestion", format="html")
            m.sub(sub, "text", item["html"])
            m.sub(m.sub(sub, "answer"), "text", m.ordinal(order.index(item["id"]) + 1))
        m.sub(m.question, "shuffleanswers", "true")
        return "matching"

    def outcome(self, spec: OrderingSpec, t: OutcomeTools) -> str:
        """The template's items in their correct order."""
        names = t.names([item.label for item in spec.items], "item")
        keys = [
            (float(t.resolve(item.key)), name) for item, name in zip(spec.items, names, strict=True)
        ]
        ordered = sorted(keys, key=lambda pair: pair[0], reverse=spec.order == "descending")
        return " › ".join(label for _, label in ordered)

    def wrong_answers(
        self, variant: Mapping[str, Any], parsed: Any, feedback_html: str, t: LabelTools
    ) -> Shown:
        """The correct positions of the items in the order given ("1st › 3rd › 2nd by key"):
        the same mistake whatever numbers a variant filled in."""
        by_id = html_by_id(variant["choices"])
        rank = {item: i + 1 for i, item in enumerate(variant["answer_key"]["order"])}
        label = " › ".join(t.ordinal(rank[c]) for c in parsed) + " by key"
        return ((label, " › ".join(t.inline(by_id[c]) for c in parsed)),)


def _ordered(entries: list[dict[str, Any]], descending: bool) -> list[dict[str, Any]]:
    """Name the entries a, b, c, ... as shown; the same entries sorted by key."""
    for i, entry in enumerate(entries):
        entry["id"] = IDS[i]
    return sorted(entries, key=lambda e: e["key"], reverse=descending)
