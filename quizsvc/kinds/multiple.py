"""``multiple``: select every correct choice; partial credit for each right pick."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from wtforms import SelectMultipleField

from quizsvc.kinds.base import AnswerForm, Grade, Shown, choice_ids, html_by_id, html_list
from quizsvc.kinds.choices import ChoiceList, id_list
from quizsvc.kinds.numbers import AnswerError
from quizsvc.kinds.tools import GiftWriter, LabelTools, QtiItem, VariantData


class MultipleForm(AnswerForm):
    choice = SelectMultipleField(validate_choice=False)

    def read(self) -> list[str]:
        return list(self.choice.data or [])


class Multiple(ChoiceList):
    name = "multiple"
    word = "several choices"
    partial = "kinds/multiple.html"
    response_doc = "multiple: a list of choice ids"
    response_schema: ClassVar[dict[str, Any]] = {"type": "array", "items": {"type": "string"}}
    qti_type = "multiple_answers_question"
    exactly_one = False

    def grade(self, variant: VariantData, response: Any) -> Grade:
        """Score = (right picks - wrong picks) / number of right choices, at least 0."""
        chosen = id_list(variant, response, "choice")
        if not chosen:
            raise AnswerError("Select at least one choice.")
        key = variant.answer_key
        right = set(key["correct"])
        hits, false_alarms = len(right & set(chosen)), len(set(chosen) - right)
        score = max(0.0, (hits - false_alarms) / len(right))
        by_id = html_by_id(variant.choices)
        notes = []
        for cid in choice_ids(variant):
            picked, should = cid in chosen, cid in right
            if picked or should:
                verdict = {(True, True): "right", (True, False): "wrong", (False, True): "missed"}
                feedback = key["feedback"].get(cid, "")
                notes.append(f'<li class="{verdict[(picked, should)]}">{by_id[cid]}{feedback}</li>')
        feedback_html = f"<ul>{''.join(notes)}</ul>"
        correct_html = self.correct_answer_html(variant)
        return Grade(score, set(chosen) == right, feedback_html, chosen, correct_html)

    def answer_html(self, public: Mapping[str, Any], raw: Any) -> str:
        return html_list(public["choices"], raw)

    def answer_form(
        self, public: Mapping[str, Any], formdata: Any = None, response: Any = None
    ) -> MultipleForm:
        return MultipleForm(formdata, data={"choice": list(response)} if response else None)

    def qti(self, item: QtiItem) -> dict[str, str]:
        item.choice_list("Multiple")
        feedback = item.choice_feedback()
        _, variables = item.condition(score="100")
        every = item.sub(variables, "and")
        correct = set(item.variant.answer_key["correct"])
        for choice in item.variant.choices:
            target = every if choice["id"] in correct else item.sub(every, "not")
            item.sub(target, "varequal", item.ids[choice["id"]], respident="response1")
        return feedback

    single = False

    def fraction(self, variant: VariantData, choice_id: str) -> float:
        """Each right choice earns 1/k of the marks; each wrong one takes as much off."""
        correct = variant.answer_key["correct"]
        share = 1 / len(correct)
        return share if choice_id in correct else -share

    def gift_mark(self, g: GiftWriter, choice_id: str) -> str:
        return "~" + g.weight(self.fraction(g.variant, choice_id))

    def wrong_answers(
        self, variant: Mapping[str, Any], parsed: Any, feedback_html: str, t: LabelTools
    ) -> Shown:
        by_id = html_by_id(variant["choices"])
        correct = variant["answer_key"]["correct"]
        return tuple((t.label(by_id[c]), t.inline(by_id[c])) for c in parsed if c not in correct)
