"""``single``: one correct choice among text choices (radio buttons)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quizsvc.kinds.base import Shown
from quizsvc.kinds.choices import ChoiceList, ChooseOne
from quizsvc.kinds.tools import LabelTools


class Single(ChoiceList, ChooseOne):
    name = "single"
    word = "one choice"
    partial = "kinds/single.html"
    response_doc = "single: a choice id"
    qti_type = "multiple_choice_question"
    exactly_one = True

    def wrong_answers(
        self, variant: Mapping[str, Any], parsed: Any, feedback_html: str, t: LabelTools
    ) -> Shown:
        html = next(c["html"] for c in variant["choices"] if c["id"] == parsed)
        return ((t.label(html), t.inline(html)),)
